from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mediatheek.accounts.models import Role, User
from mediatheek.accounts.passwords import generate_password
from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.schools.models import School


def create_account(
    *,
    role: str,
    login: str,
    school: School | None,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    may_import_students: bool | None = None,
    created_by: Any = None,
) -> tuple[User, str | None]:
    """Create a login. Without a password one is generated, returned once, and must be changed at first login.

    Returns the user and the generated password (None when the caller chose one).
    """
    login = login.strip()
    if role not in Role.values:
        raise DomainError(_("Onbekende rol: %(role)s") % {"role": role})
    if not login:
        raise DomainError(_("Geef een gebruikersnaam op."))
    if role != Role.STAFF and school is None:
        raise DomainError(_("Dit soort account hoort bij één school; geef de school op."))
    if role == Role.STAFF:
        school = None
    if User.objects.filter(username__iexact=login).exists():
        raise DomainError(_("De gebruikersnaam %(login)s bestaat al.") % {"login": login})
    generated = None
    if password is None:
        generated = password = generate_password()
    user = User(
        username=login,
        role=role,
        school=school,
        first_name=first_name,
        last_name=last_name,
        email=email,
        must_change_password=generated is not None,
        may_import_students=(role == Role.STAFF) if may_import_students is None else may_import_students,
    )
    # Whoever may download student files logs in with a second factor (TOTP) unless library staff switch it off.
    user.otp_required = user.role == Role.STAFF and user.may_import_students
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record(
            audit.AuditEvent.Action.CREATE,
            actor=created_by,
            school=school,
            obj=user,
            summary=f"account {login} ({role})",
        )
    return user, generated


def reset_password(*, user: User, by: Any = None) -> str:
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by,
        school=user.school,
        obj=user,
        summary="wachtwoord opnieuw ingesteld",
    )
    return password
