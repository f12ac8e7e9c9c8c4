from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.schools.models import Library, School, normalise_school_code

if TYPE_CHECKING:
    from mediatheek.accounts.models import User


@transaction.atomic
def add_school(
    *,
    code: str,
    name: str,
    slug: str = "",
    contact_email: str = "",
    kind: str = School.Kind.PRIMARY,
    by: User | None = None,
) -> School:
    code = normalise_school_code(code)
    if School.objects.filter(code=code).exists():
        raise DomainError(_("Er is al een school met code %(code)s.") % {"code": code})
    slug = slug or slugify(name)[:60]
    if School.objects.filter(slug=slug).exists():
        raise DomainError(_("Het portaaladres /%(slug)s/ is al in gebruik.") % {"slug": slug})
    school = School(
        library=Library.get_default(),
        code=code,
        name=name.strip(),
        slug=slug,
        contact_email=contact_email,
        kind=kind,
    )
    try:
        school.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(message for messages in error.message_dict.values() for message in messages))
    school.save()
    audit.record(audit.AuditEvent.Action.CREATE, actor=by, school=school, obj=school, summary=f"school {code}")
    return school


@transaction.atomic
def save_school(*, school: School, by: User | None, request: HttpRequest | None = None) -> School:
    """Save a school edited (or made) in the client: a new school belongs to the library; audited."""
    created = school.pk is None
    if created:
        school.library = Library.get_default()
    school.save()
    audit.record(
        audit.AuditEvent.Action.CREATE if created else audit.AuditEvent.Action.UPDATE,
        actor=by,
        school=school,
        obj=school,
        summary=f"school {school.code}",
        request=request,
    )
    return school
