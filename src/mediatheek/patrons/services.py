"""State changes of patrons. Each is atomic and writes its own audit event where it matters."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mediatheek.accounts.passwords import generate_password
from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.patrons.cardnumbers import card_number_for
from mediatheek.patrons.models import CardNumberSequence, Group, Patron

if TYPE_CHECKING:
    from mediatheek.accounts.models import User
    from mediatheek.schools.models import School

logger = logging.getLogger(__name__)


def allocate_card_numbers(count: int) -> list[str]:
    """Take `count` fresh card numbers, unique in the library, each with a check digit.

    The sequence row is locked for the rest of the caller's transaction, so two imports never hand out the
    same number; numbers already on a card (typed in by hand) are skipped.
    """
    from mediatheek.accounts.models import User

    if count <= 0:
        return []
    with transaction.atomic():
        sequence, _created = CardNumberSequence.objects.select_for_update().get_or_create(pk=1)
        numbers: list[str] = []
        next_value = sequence.last_value
        while len(numbers) < count:
            wanted = count - len(numbers)
            candidates = [card_number_for(value) for value in range(next_value + 1, next_value + 1 + wanted)]
            next_value += wanted
            # Generated numbers are consecutive and of one length, so one range query finds every number in use
            # among them (a range scan on the unique index, instead of IN lists of thousands).
            taken = set(
                Patron.objects.filter(card_number__gte=candidates[0], card_number__lte=candidates[-1]).values_list(
                    "card_number", flat=True
                )
            )
            # A login chosen by hand (a school's upload login is a "Pasnummer") is never handed out as a card:
            # the pupil could not get a portal login (issue_portal_logins).
            taken.update(
                User.objects.filter(username__gte=candidates[0], username__lte=candidates[-1]).values_list(
                    "username", flat=True
                )
            )
            numbers.extend(number for number in candidates if number not in taken)
        sequence.last_value = next_value
        sequence.save(update_fields=["last_value"])
    return numbers


@transaction.atomic
def deregister(*, patron: Patron, by: User | None = None, on: dt.date | None = None) -> Patron:
    """Deregister: kept with history and open loans, no longer active."""
    if not patron.is_active:
        raise DomainError(_("%(name)s is al uitgeschreven.") % {"name": patron.full_name})
    patron.status = Patron.Status.DEREGISTERED
    patron.deregistered_on = on or timezone.localdate()
    patron.save(update_fields=["status", "deregistered_on", "updated_at"])
    audit.record(audit.AuditEvent.Action.UPDATE, actor=by, school=patron.school, obj=patron, summary="uitgeschreven")
    return patron


@transaction.atomic
def reactivate(*, patron: Patron, by: User | None = None) -> Patron:
    if patron.is_active:
        raise DomainError(_("%(name)s is al ingeschreven.") % {"name": patron.full_name})
    patron.status = Patron.Status.ACTIVE
    patron.deregistered_on = None
    patron.save(update_fields=["status", "deregistered_on", "updated_at"])
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by,
        school=patron.school,
        obj=patron,
        summary="weer ingeschreven",
    )
    return patron


# --- Adding and editing a patron by hand ---------------------------------------------------------------------------

CARD_NUMBER_RE = re.compile(r"^[0-9A-Za-z]{4,20}$")


@dataclass
class PatronDetails:
    """What a person at the desk may type for a patron (the card number is handled apart)."""

    last_name: str
    kind: str = Patron.Kind.STUDENT
    first_name: str = ""
    name_prefix: str = ""
    group: Group | None = None
    year_level: int | None = None
    birth_date: dt.date | None = None
    email: str = ""
    student_number: str = ""
    note: str = ""
    blocked_reason: str = ""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "kind",
        "first_name",
        "name_prefix",
        "last_name",
        "group",
        "year_level",
        "birth_date",
        "email",
        "student_number",
        "note",
        "blocked_reason",
    )

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PatronDetails:
        return cls(**{name: data[name] for name in cls.FIELDS if name in data})


def _clean_details(school: School, details: PatronDetails, *, patron: Patron | None = None) -> PatronDetails:
    details.first_name = details.first_name.strip()
    details.name_prefix = details.name_prefix.strip()
    details.last_name = details.last_name.strip()
    details.student_number = details.student_number.strip()
    details.email = details.email.strip()
    if not details.last_name:
        raise DomainError(_("Vul de achternaam in."))
    if details.kind not in Patron.Kind.values:
        raise DomainError(_("Onbekende soort lener."))
    if details.group is not None and details.group.school_id != school.pk:
        raise DomainError(_("Die groep hoort niet bij deze school."))
    if details.year_level is None and details.group is not None:
        details.year_level = details.group.year_level
    if details.student_number:
        clash = Patron.objects.for_school(school).filter(student_number=details.student_number)
        if patron is not None:
            clash = clash.exclude(pk=patron.pk)
        if clash.exists():
            raise DomainError(
                _("Leerlingnummer %(number)s hoort al bij een andere lener van deze school.")
                % {"number": details.student_number}
            )
    return details


def _check_card_number(card_number: str, *, patron: Patron | None = None) -> str:
    """A typed card number: letters and digits, unique in the whole library (cards are scanned library-wide)."""
    from mediatheek.accounts.models import User

    card_number = card_number.strip()
    if not CARD_NUMBER_RE.match(card_number):
        raise DomainError(_("Een pasnummer bestaat uit 4 tot 20 cijfers of letters, zonder spaties."))
    patrons = Patron.objects.filter(card_number__iexact=card_number)
    logins = User.objects.filter(username__iexact=card_number)
    if patron is not None:
        patrons = patrons.exclude(pk=patron.pk)
        logins = logins.exclude(patron=patron)
    # Never say whose number it is: it may belong to another school.
    if patrons.exists() or logins.exists():
        raise DomainError(_("Pasnummer %(number)s is al in gebruik.") % {"number": card_number})
    return card_number


@transaction.atomic
def create_patron(*, school: School, details: PatronDetails, card_number: str = "", by: User | None = None) -> Patron:
    """Enroll a patron by hand (a teacher, a pupil not yet in the import). Without a typed card number one is
    allocated from the library's sequence."""
    details = _clean_details(school, details)
    number = _check_card_number(card_number) if card_number.strip() else allocate_card_numbers(1)[0]
    patron = Patron(school=school, card_number=number, enrolled_on=timezone.localdate())
    for name in PatronDetails.FIELDS:
        setattr(patron, name, getattr(details, name))
    patron.save()
    audit.record(
        audit.AuditEvent.Action.CREATE,
        actor=by,
        school=school,
        obj=patron,
        summary=f"lener {number} met de hand ingeschreven",
    )
    return patron


@transaction.atomic
def update_patron(
    *,
    patron: Patron,
    details: PatronDetails,
    card_number: str | None = None,
    new_card_number: bool = False,
    by: User | None = None,
) -> Patron:
    """Change a patron's details; optionally a typed or a freshly allocated card number (a lost card).

    A portal login named after the old card number follows the new one.
    """
    details = _clean_details(patron.school, details, patron=patron)
    changed = [name for name in PatronDetails.FIELDS if getattr(patron, name) != getattr(details, name)]
    for name in changed:
        setattr(patron, name, getattr(details, name))
    old_number = patron.card_number
    if new_card_number:
        patron.card_number = allocate_card_numbers(1)[0]
    elif card_number is not None and card_number.strip() != old_number:
        patron.card_number = _check_card_number(card_number, patron=patron)
    if patron.card_number != old_number:
        changed.append("card_number")
        account = getattr(patron, "account", None)
        if account is not None and account.username == old_number:
            account.username = patron.card_number
            account.save(update_fields=["username"])
    if not changed:
        return patron
    patron.save()
    # Field names only: the log says what changed, not the (personal) values.
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by,
        school=patron.school,
        obj=patron,
        summary="lener gewijzigd: " + ", ".join(changed),
        fields=changed,
    )
    return patron


# --- Portal logins --------------------------------------------------------------------------------------------------


@dataclass
class PortalLogin:
    """A pupil's login as printed on the letter; the password exists only here, never stored in clear."""

    patron: Patron
    username: str
    password: str
    created: bool


class PortalLogins(list[PortalLogin]):
    """The outcome of issuing login letters: the logins made (the list itself), and in `conflicts` the patrons
    skipped because their card number is already another account's login."""

    def __init__(self, logins: Iterable[PortalLogin] = (), conflicts: Iterable[Patron] = ()) -> None:
        super().__init__(logins)
        self.conflicts: list[Patron] = list(conflicts)

    def conflict_message(self) -> str:
        """What the coordinator reads when letters were skipped ("" when none were)."""
        if not self.conflicts:
            return ""
        names = ", ".join(patron.full_name for patron in self.conflicts)
        return ngettext(
            "Voor %(count)s leerling is geen inlogbrief gemaakt: %(names)s. Het pasnummer is al de gebruikersnaam "
            "van een ander account; vraag de bibliotheek dat op te lossen.",
            "Voor %(count)s leerlingen is geen inlogbrief gemaakt: %(names)s. Hun pasnummer is al de gebruikersnaam "
            "van een ander account; vraag de bibliotheek dat op te lossen.",
            len(self.conflicts),
        ) % {"count": len(self.conflicts), "names": names}


def login_conflicts(patrons: Iterable[Patron]) -> set[int]:
    """Ids of the patrons whose card number is already the login of an account that is not their own.

    Such a login may be another school's (an upload login, or one made before logins like card numbers were
    refused): the patron cannot get a portal login until the library resolves it. One query per 500 patrons.
    """
    from django.db.models.functions import Lower

    from mediatheek.accounts.models import User

    by_number: dict[str, list[Patron]] = {}
    for patron in patrons:
        by_number.setdefault(patron.card_number.lower(), []).append(patron)
    # Logins compare case-insensitively. Digits have no case: those numbers (nearly all) use the username's
    # unique index; the few with letters are compared lower-cased.
    digits = [number for number in by_number if number.isdigit()]
    others = [number for number in by_number if not number.isdigit()]
    conflicts: set[int] = set()
    for numbers, lowered in ((digits, False), (others, True)):
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            users = User.objects.annotate(login=Lower("username")) if lowered else User.objects.all()
            rows = users.filter(**{"login__in" if lowered else "username__in": chunk}).values_list(
                "username", "patron_id"
            )
            for login, owner_id in rows:
                conflicts.update(patron.pk for patron in by_number[login.lower()] if patron.pk != owner_id)
    return conflicts


@transaction.atomic
def issue_portal_logins(*, school: School, patrons: Iterable[Patron], by: User | None = None) -> PortalLogins:
    """Create or reset the portal login of each patron: username = card number, a fresh random password.

    The password is generated (never derived from the birth date or anything else known); whether it must be changed
    at the first login is the school's choice. A patron whose card number is already another account's login is
    skipped and reported in `conflicts`; the others get their login. A patron of another school refuses the whole
    batch (a selection that mixes schools is a bug, not a conflict).
    """
    from mediatheek.accounts.models import Role, User

    patrons = list(patrons)
    for patron in patrons:
        if patron.school_id != school.pk:
            raise DomainError(_("Die lener hoort niet bij deze school."))
    active = [patron for patron in patrons if patron.is_active]
    conflicting = login_conflicts(active)
    result = PortalLogins()
    for patron in active:
        if patron.pk in conflicting:
            result.conflicts.append(patron)
            continue
        account = User.objects.filter(patron=patron).first()
        password = generate_password()
        created = account is None
        if account is None:
            account = User(role=Role.PATRON, patron=patron)
        account.username = patron.card_number
        account.role = Role.PATRON
        account.school = school
        account.first_name = patron.first_name[:150]
        account.last_name = " ".join(part for part in (patron.name_prefix, patron.last_name) if part)[:150]
        account.is_active = True
        account.must_change_password = school.pupils_must_change_password
        account.set_password(password)
        account.save()
        result.append(PortalLogin(patron=patron, username=account.username, password=password, created=created))
    if result.conflicts:
        audit.record(
            audit.AuditEvent.Action.UPDATE,
            actor=by,
            school=school,
            summary=f"inlogbrieven: {len(result.conflicts)} leners overgeslagen, pasnummer is al een gebruikersnaam",
            patrons=[patron.pk for patron in result.conflicts],
        )
    return result


def record_print(
    *, school: School, what: str, count: int, by: User | None = None, request: Any = None, **detail: Any
) -> None:
    """Audit a printout with personal data (cards, login letters, overdue lists)."""
    audit.record(
        audit.AuditEvent.Action.PRINT,
        actor=by,
        school=school,
        summary=f"{what} ({count})",
        request=request,
        count=count,
        **detail,
    )


# --- A teacher gives a pupil of their own group a new password ------------------------------------------------------


@transaction.atomic
def reset_pupil_login(*, teacher: Patron, pupil: Patron, by: User) -> PortalLogin:
    """A new portal password for a pupil of the teacher's own group (docentmenu), returned once for the screen or
    a login letter. The pupil's other sessions end; the rest is `issue_portal_logins` (which also makes a login for
    a pupil who had none). Refused for anyone outside the teacher's group at the teacher's school."""
    from mediatheek.accounts.models import User
    from mediatheek.accounts.services import end_sessions

    if (
        teacher.kind != Patron.Kind.TEACHER
        or not teacher.is_active
        or teacher.group_id is None
        or pupil.kind != Patron.Kind.STUDENT
        or not pupil.is_active
        or pupil.school_id != teacher.school_id
        or pupil.group_id != teacher.group_id
    ):
        raise DomainError(_("Je kunt alleen een leerling van je eigen groep een nieuw wachtwoord geven."))
    issued = issue_portal_logins(school=teacher.school, patrons=[pupil], by=by)
    if not issued:
        raise DomainError(issued.conflict_message())
    login = issued[0]
    account = User.objects.get(patron=pupil)
    ended = end_sessions(account)
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by,
        school=teacher.school,
        obj=account,
        summary=f"nieuw wachtwoord voor leerling {pupil.card_number} door de leerkracht",
        patron=pupil.pk,
        sessions_ended=ended,
    )
    return login
