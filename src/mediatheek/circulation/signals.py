"""A change to a school's loan rules or closed days gives the school a new `rules_version`.

Every way a rule or closed day is saved or deleted through the ORM passes here (the client's forms, the demo data,
a shell), so the desks' cached rules and calendars (rules.for_desk) are dropped on their next scan. Runs in the
transaction of the change.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from mediatheek.circulation.models import LoanRule
from mediatheek.schools.models import ClosedDay, School, new_rules_version


def rules_changed(sender: Any, instance: LoanRule | ClosedDay, **kwargs: Any) -> None:
    School.objects.filter(pk=instance.school_id).update(rules_version=new_rules_version())


def connect() -> None:
    for model in (LoanRule, ClosedDay):
        post_save.connect(rules_changed, sender=model, dispatch_uid=f"rules_changed_save_{model.__name__}")
        post_delete.connect(rules_changed, sender=model, dispatch_uid=f"rules_changed_delete_{model.__name__}")
