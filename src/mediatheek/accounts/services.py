from __future__ import annotations

from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mediatheek.accounts.models import CLIENT_ROLES, LoginSession, Role, User
from mediatheek.accounts.passwords import generate_password
from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.schools.models import School


class LoginReserved(DomainError):
    """A login that belongs to (or may one day belong to) a patron's card number."""


def check_login_not_reserved(login: str, *, role: str) -> None:
    """Logins that look like card numbers are reserved for patrons, whose portal login *is* their card number.

    Otherwise one school could block another's login letters by taking a pupil's card number as a login.
    - A client login (staff, school admin, volunteer) may not be digits only: every card number the library hands
      out is digits, so such a login could collide with a pupil enrolled tomorrow.
    - An upload login is a "Pasnummer" chosen by hand (the demo's 900012): digits are fine, but not the card
      number of any patron of any school. The library's own allocation skips numbers used as logins
      (`patrons.services.allocate_card_numbers`), so a chosen number never becomes a pupil's later.
    - No login of another role may equal a patron's card number (typed card numbers may contain letters).
    """
    if role == Role.PATRON:
        return
    if role != Role.UPLOADER and login.isdigit():
        raise LoginReserved(
            _("Een gebruikersnaam van alleen cijfers is voor pasnummers van leners. Gebruik ook letters.")
        )
    # The Patron model through the account's link to it: accounts does not import the patrons app.
    patron_model = User._meta.get_field("patron").related_model
    assert patron_model is not None and not isinstance(patron_model, str)
    # Never say whose number it is: it may be a pupil of another school.
    if patron_model._default_manager.filter(card_number__iexact=login).exists():
        raise LoginReserved(
            _("%(login)s is al het pasnummer van een lener en kan geen gebruikersnaam worden.") % {"login": login}
        )


# Library staff make every kind of account; a school's admin makes the desk's volunteers and the upload login.
STAFF_MAKES = (Role.STAFF, Role.SCHOOL_ADMIN, Role.VOLUNTEER, Role.UPLOADER)
SCHOOL_ADMIN_MAKES = (Role.VOLUNTEER, Role.UPLOADER)


def roles_made_by(user: User) -> tuple[str, ...]:
    """The kinds of account `user` may make."""
    return STAFF_MAKES if user.is_library_staff else SCHOOL_ADMIN_MAKES


def school_of_new_accounts(user: User) -> School | None:
    """The school every account `user` makes belongs to (None: library staff choose)."""
    return None if user.is_library_staff else user.school


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
    created_by: User | None = None,
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
    check_login_not_reserved(login, role=role)
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


@transaction.atomic
def reset_password(*, user: User, by: User | None = None) -> str:
    """A fresh generated password, to be changed at the next login; the account's sessions end.

    Except when someone resets their own account: the request doing it still has to show the new password once
    (Django then logs that session out at its next request, as the password hash no longer matches).
    """
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    if by is None or by.pk != user.pk:
        end_sessions(user)
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by,
        school=user.school,
        obj=user,
        summary="wachtwoord opnieuw ingesteld",
    )
    return password


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every session of `user` except the one with key `keep`; returns how many were ended.

    One indexed delete on `LoginSession.user_id`. (Django would also refuse those sessions at their next request,
    because the password hash they carry no longer matches; deleting them means nothing of them is left behind.)
    """
    sessions = LoginSession.objects.filter(user_id=user.pk)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    deleted, _detail = sessions.delete()
    return deleted


# --- Changing one's own password ----------------------------------------------------------------------------------

# Wrong current passwords one session may give before it is logged out. A session can only be had with the
# password (whose guessing at the login is throttled by django-axes), so ending it ends the guessing too.
PASSWORD_CHANGE_ATTEMPTS = 5
FAILED_CHANGES_SESSION_KEY = "password_change_failures"


class WrongCurrentPassword(DomainError):
    pass


class TooManyWrongPasswords(DomainError):
    """The session gave too many wrong current passwords and has been logged out."""


def current_password_required(user: User) -> bool:
    """A voluntary change asks for the current password (a desk PC left logged in must not let anyone take the
    account); the forced change after a generated password (first login, reset by staff) does not: that password
    was only on a letter or shown once, and the user has just typed it at the login."""
    return not user.must_change_password


def change_password(
    *, request: HttpRequest, user: User, new_password: str, current_password: str | None = None
) -> User:
    """Change the logged-in user's own password, the rule for client and portal alike.

    Checks the current password unless the change is forced, counts wrong ones per session (after
    `PASSWORD_CHANGE_ATTEMPTS` the session is logged out), validates the new one, saves it, writes the audit log,
    keeps this session logged in and ends every other session of the account.
    """
    needs_current = current_password_required(user)
    if needs_current and not (current_password and user.check_password(current_password)):
        _count_wrong_password(request, user)
        raise WrongCurrentPassword(_("Je huidige wachtwoord klopt niet."))
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    forced = user.must_change_password
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        # A new session key, carrying the new password's hash: this session stays logged in.
        update_session_auth_hash(request, user)
        request.session.pop(FAILED_CHANGES_SESSION_KEY, None)
        ended = end_sessions(user, keep=request.session.session_key)
        audit.record(
            audit.AuditEvent.Action.UPDATE,
            actor=user,
            school=user.school,
            obj=user,
            summary="eigen wachtwoord gewijzigd" + (" (eerste keer)" if forced else ""),
            request=request,
            other_sessions_ended=ended,
        )
    return user


def _count_wrong_password(request: HttpRequest, user: User) -> None:
    failures = int(request.session.get(FAILED_CHANGES_SESSION_KEY, 0)) + 1
    if failures < PASSWORD_CHANGE_ATTEMPTS:
        request.session[FAILED_CHANGES_SESSION_KEY] = failures
        return
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=user,
        school=user.school,
        obj=user,
        summary=f"wachtwoord wijzigen: {failures} keer een verkeerd huidig wachtwoord, uitgelogd",
        request=request,
    )
    logout(request)
    raise TooManyWrongPasswords(
        _("Je hebt te vaak een verkeerd huidig wachtwoord ingevuld. Je bent uitgelogd; log opnieuw in.")
    )


@transaction.atomic
def log_in(*, request: HttpRequest, user: User) -> None:
    """Start `user`'s session (a new session key: no session fixation) and write the login in the audit log, where a
    school's coordinator and the library find it under "ingelogd"."""
    login(request, user)
    audit.record(
        audit.AuditEvent.Action.LOGIN,
        actor=user,
        school=user.school,
        obj=user,
        summary="ingelogd in de client" if user.uses_client else "ingelogd op het portaal",
        request=request,
    )


# --- Accounts over their life: edit, switch off and on, delete, recover ---------------------------------------------


class AccountRefused(DomainError):
    """A change to an account that its editor may not make, or that would lock the library out."""


class AccountInUse(DomainError):
    """The account's work is on record (loans, imports, the audit log): it can be switched off, not deleted."""


def may_manage(by: User, account: User) -> bool:
    """Whether `by` may edit, reset, switch off or delete `account`.

    Library staff manage every client and upload login; a school's admin the kinds it makes (volunteers, the upload
    login) of its own school, never library staff, another admin or another school's accounts.
    """
    if account.role == Role.PATRON:
        return False
    if by.is_library_staff:
        return True
    return by.is_school_admin and account.school_id == by.school_id and account.role in SCHOOL_ADMIN_MAKES


def _require_may_manage(by: User, account: User) -> None:
    if not may_manage(by, account):
        raise AccountRefused(_("Dit account mag je niet wijzigen."))


def _is_last_active_staff(account: User) -> bool:
    return (
        account.is_library_staff
        and account.is_active
        and not User.objects.filter(role=Role.STAFF, is_active=True).exclude(pk=account.pk).exists()
    )


def locking_out_refusal(account: User, *, by: User | None, deleting: bool) -> str | None:
    """Why `by` may not switch off (or delete) `account`, or None: nobody switches off or deletes their own
    account, nor the last active account of the library (then nobody could manage the installation)."""
    if by is not None and by.pk == account.pk:
        if deleting:
            return _("Je kunt je eigen account niet verwijderen.")
        return _("Je kunt je eigen account niet uitzetten.")
    if _is_last_active_staff(account):
        message = (
            _("%(login)s is het laatste actieve account van de bibliotheek en kan niet worden verwijderd.")
            if deleting
            else _("%(login)s is het laatste actieve account van de bibliotheek en kan niet uit.")
        )
        return (message % {"login": account.username}) + " " + _("Maak eerst een ander bibliotheekaccount.")
    return None


def _refuse_locking_out(account: User, *, by: User | None, deleting: bool) -> None:
    refusal = locking_out_refusal(account, by=by, deleting=deleting)
    if refusal:
        raise AccountRefused(refusal)


@transaction.atomic
def update_account(
    *,
    account: User,
    by: User,
    role: str,
    school: School | None,
    first_name: str,
    last_name: str,
    email: str,
) -> User:
    """Change an account's name, role, school and e-mail, within what `by` may make.

    A school admin's accounts stay in its own school. When the role or school changes, the account's sessions end
    (it logs in again, where its new role logs in).
    """
    _require_may_manage(by, account)
    if role not in roles_made_by(by):
        raise AccountRefused(_("Dit soort account mag je niet maken."))
    fixed = school_of_new_accounts(by)
    if fixed is not None:
        school = fixed
    if role == Role.STAFF:
        school = None
    elif school is None:
        raise DomainError(_("Dit soort account hoort bij één school; geef de school op."))
    if role != account.role:
        if account.is_library_staff and _is_last_active_staff(account):
            raise AccountRefused(
                _("%(login)s is het laatste actieve account van de bibliotheek en blijft bibliotheekmedewerker.")
                % {"login": account.username}
            )
        check_login_not_reserved(account.username, role=role)
    changed = [
        name
        for name, old, new in (
            ("role", account.role, role),
            ("school", account.school_id, school.pk if school else None),
            ("first_name", account.first_name, first_name),
            ("last_name", account.last_name, last_name),
            ("email", account.email, email),
        )
        if old != new
    ]
    if not changed:
        return account
    moved = "role" in changed or "school" in changed
    account.role, account.school = role, school
    account.first_name, account.last_name, account.email = first_name, last_name, email
    if role != Role.STAFF:
        account.may_import_students = False
    account.save()
    if moved and account.pk != by.pk:
        end_sessions(account)
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by,
        school=school or by.school,
        obj=account,
        summary=f"account {account.username} gewijzigd: {', '.join(changed)}",
        changed=changed,
    )
    return account


@transaction.atomic
def deactivate_account(*, account: User, by: User | None, via: str = "") -> User:
    """Switch an account off: it can no longer log in (client or portal) and its sessions end now; its history
    stays. `by` None is the command line (`via` names the command for the audit log)."""
    if by is not None:
        _require_may_manage(by, account)
    if not account.is_active:
        raise AccountRefused(_("%(login)s staat al uit.") % {"login": account.username})
    _refuse_locking_out(account, by=by, deleting=False)
    account.is_active = False
    account.save(update_fields=["is_active"])
    ended = end_sessions(account)
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by or f"opdrachtregel ({via or 'onbekend'})",
        school=account.school,
        obj=account,
        summary=f"account {account.username} uitgezet",
        sessions_ended=ended,
    )
    return account


@transaction.atomic
def reactivate_account(*, account: User, by: User | None, via: str = "") -> User:
    """Switch an account back on: it logs in again with the password it had."""
    if by is not None:
        _require_may_manage(by, account)
    if account.is_active:
        raise AccountRefused(_("%(login)s staat al aan.") % {"login": account.username})
    account.is_active = True
    account.save(update_fields=["is_active"])
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by or f"opdrachtregel ({via or 'onbekend'})",
        school=account.school,
        obj=account,
        summary=f"account {account.username} weer aangezet",
    )
    return account


def account_references(account: User) -> list[tuple[str, int]]:
    """What on record refers to the account (its loans at the desk, imports, uploads, audit events, ...), as
    (what, how many). Read from the model relations, so a model added later with a link to accounts is counted too.

    Relations that belong to the account itself and go with it (its authenticator app, its sessions) are not
    references: they cascade.
    """
    from django.db import models

    found: dict[str, int] = {}  # by what it is: a loan lent and taken back by the account counts once per field
    # Hidden relations too: the desk's loans point here with related_name="+".
    for relation in User._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel) or not relation.one_to_many:
            continue
        if relation.on_delete is models.CASCADE:
            continue
        related = relation.related_model
        assert not isinstance(related, str)
        count = related._base_manager.filter(**{relation.field.name: account}).count()
        if count:
            what = str(related._meta.verbose_name_plural)
            found[what] = found.get(what, 0) + count
    return list(found.items())


@transaction.atomic
def delete_account(*, account: User, by: User) -> None:
    """Delete an account that nothing on record refers to; otherwise say why and that it can be switched off."""
    _require_may_manage(by, account)
    _refuse_locking_out(account, by=by, deleting=True)
    references = account_references(account)
    if references:
        listed = ", ".join(f"{what}: {count}" for what, count in references)
        raise AccountInUse(
            _(
                "%(login)s kan niet worden verwijderd: er staat werk van dit account in de administratie "
                "(%(references)s). Zet het account uit; de geschiedenis blijft dan bewaard."
            )
            % {"login": account.username, "references": listed}
        )
    login, role, school = account.username, account.role, account.school
    end_sessions(account)
    account.delete()
    audit.record(
        audit.AuditEvent.Action.DELETE,
        actor=by,
        school=school,
        summary=f"account {login} ({role}) verwijderd",
        login=login,
    )


@transaction.atomic
def recover_account(*, login: str, password: str | None = None, via: str = "recover_account") -> tuple[User, str]:
    """The way back in when nobody can log in (the last library account's password or phone lost).

    Sets a new password (generated unless given; a generated one must be changed at the next login), removes the
    account's authenticator app (it sets one up again at the next login if it must use one), switches the account
    back on, ends its sessions and lifts a login lockout. Audited as done from the command line.
    Returns the account and the password.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = User.objects.filter(username__iexact=login.strip()).exclude(role=Role.PATRON).first()
    if account is None:
        raise DomainError(_("Er is geen account %(login)s.") % {"login": login})
    generated = password is None
    if password is None:
        password = generate_password()
    try:
        validate_password(password, account)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    account.set_password(password)
    account.must_change_password = generated
    account.is_active = True
    account.save(update_fields=["password", "must_change_password", "is_active"])
    devices, _detail = TOTPDevice.objects.filter(user=account).delete()
    end_sessions(account)
    _lift_lockout(account.username)
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=f"opdrachtregel ({via})",
        school=account.school,
        obj=account,
        summary=f"account {account.username} hersteld vanaf de opdrachtregel: nieuw wachtwoord"
        + (", authenticator-app verwijderd" if devices else ""),
        via="command line",
    )
    return account, password


def _lift_lockout(login: str) -> None:
    """Forget the failed logins django-axes holds against `login`, so the recovered account can log in now."""
    from axes.utils import reset

    reset(username=login)


def record_login_letter(*, account: User, password: str, by: User, request: HttpRequest | None = None) -> None:
    """Check that a login letter may be printed with `password` and write it in the audit log.

    Only a portal login's generated password that has not been changed yet (the one shown once) goes on a letter:
    the letter is made from what the page that showed it posts back, and nothing else is kept to print it later.
    """
    if account.role in CLIENT_ROLES or account.school is None:
        raise DomainError(_("Alleen voor een login van het portaal is er een inlogbrief."))
    if not (account.must_change_password and account.check_password(password)):
        raise DomainError(_("Deze inlogbrief kan niet meer worden gemaakt: maak een nieuw wachtwoord."))
    audit.record(
        audit.AuditEvent.Action.PRINT,
        actor=by,
        school=account.school,
        obj=account,
        summary=f"inlogbrief van {account.username}",
        request=request,
    )
