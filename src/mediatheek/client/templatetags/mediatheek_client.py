from django import template
from django.db.models import QuerySet

from mediatheek.schools.models import School

register = template.Library()


@register.simple_tag
def all_schools() -> QuerySet[School]:
    return School.objects.order_by("name")
