from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.schools.models import Library, School, normalise_school_code


@transaction.atomic
def add_school(
    *,
    code: str,
    name: str,
    slug: str = "",
    contact_email: str = "",
    kind: str = School.Kind.PRIMARY,
    by: Any = None,
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
