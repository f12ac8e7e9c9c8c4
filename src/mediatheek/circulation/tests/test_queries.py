"""The read models of circulation (circulation/queries.py): what they show, that they write nothing, and that the
desk's badges say what the lend says."""

import datetime as dt

import pytest
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation import queries, rules, services
from mediatheek.circulation.models import LoanRule, OverdueAction, Reservation
from mediatheek.patrons.models import Patron
from mediatheek.testing.factories import CopyFactory, GroupFactory, LoanFactory, PatronFactory, TitleFactory

pytestmark = pytest.mark.django_db

PATRON_CODES = {"deregistered", "blocked", "limit", "overdue"}


@pytest.fixture
def pupil(school_a):
    LoanRule.objects.create(school=school_a, loan_days=14, max_loans=2, max_renewals=1, hold_days=5)
    group = GroupFactory(school=school_a, name="Groep 5A")
    return PatronFactory(school=school_a, first_name="Sanne", name_prefix="", last_name="Lezer", group=group)


def _late(pupil, days=3):
    due = timezone.localdate() - dt.timedelta(days=days)
    return LoanFactory(copy=CopyFactory(school=pupil.school), patron=pupil, due_date=due)


def _patron_part(precheck):
    """The notices of a pre-check that concern the patron, not the copy."""
    return {
        bucket: [(n.code, n.message) for n in getattr(precheck, bucket) if n.code in PATRON_CODES]
        for bucket in ("blockers", "confirmations", "notes")
    }


def _desk_and_lend(pupil):
    """What the desk's patron screen checks, and what a lend of a fresh copy runs into."""
    screen = queries.desk_patron(pupil)
    desk = queries.patron_checks(
        pupil, due_dates=[loan.due_date for loan in screen.loans], rule=screen.rule, today=screen.today
    )
    lend = services.checkout_precheck(copy=CopyFactory(school=pupil.school), patron=pupil)
    return _patron_part(desk), _patron_part(lend)


@pytest.mark.parametrize(
    "situation",
    ["deregistered", "blocked", "limit", "overdue_block", "overdue_confirm", "overdue_note", "nothing"],
)
def test_the_desk_checks_the_patron_as_the_lend_does(pupil, school_a, situation):
    if situation == "deregistered":
        pupil.status = Patron.Status.DEREGISTERED
    elif situation == "blocked":
        pupil.blocked_reason = "Drie boeken kwijt"
    elif situation == "limit":
        LoanFactory(copy=CopyFactory(school=school_a), patron=pupil)
        LoanFactory(copy=CopyFactory(school=school_a), patron=pupil)
    elif situation.startswith("overdue"):
        action = {"overdue_block": OverdueAction.BLOCK, "overdue_confirm": OverdueAction.CONFIRM}
        LoanRule.objects.filter(school=school_a).update(overdue_action=action.get(situation, OverdueAction.NOTE))
        _late(pupil)
    pupil.save()
    desk, lend = _desk_and_lend(pupil)
    assert desk == lend
    found = {code for bucket in desk.values() for code, _message in bucket}
    assert found == ({situation.split("_")[0]} if situation != "nothing" else set())


def test_badges_are_the_checks_in_the_lends_words_and_the_ready_reservations(pupil, school_a):
    LoanRule.objects.filter(school=school_a).update(overdue_action=OverdueAction.CONFIRM)
    _late(pupil)
    _late(pupil)
    title = TitleFactory(title="Dolfje Weerwolfje")
    held = CopyFactory(school=school_a, title=title, status=Copy.Status.ON_HOLD)
    until = timezone.localdate() + dt.timedelta(days=2)
    Reservation.objects.create(
        school=school_a, title=title, patron=pupil, status=Reservation.Status.READY, held_copy=held, hold_until=until
    )
    screen = queries.desk_patron(pupil)
    assert [(badge.level, badge.text) for badge in screen.attention.badges] == [
        ("error", "Sanne Lezer heeft al 2 boeken te leen; meer mag niet (maximaal 2)."),
        ("warning", "Sanne Lezer heeft 2 boeken te laat."),  # a statement: the lend adds "Toch uitlenen?"
        ("info", "Reservering ligt klaar: Dolfje Weerwolfje"),
    ]
    assert screen.loan_count == 2 and screen.attention.reservation_limit == 3
    assert screen.attention.reservations == [
        queries.ReservationRow(pk=Reservation.objects.get().pk, title="Dolfje Weerwolfje", ready=True, hold_until=until)
    ]


def test_the_desk_counts_against_the_patrons_general_rule(pupil, school_a):
    LoanRule.objects.create(school=school_a, age_code="AJ", max_loans=1)
    rule = queries.general_rule(pupil, rules.resolve(patron=pupil, age_code="AJ"))
    assert rule.max_loans == 2 and not rule.max_loans_per_material


def test_reservable_titles_in_one_query(pupil, school_a, school_b, django_assert_num_queries):
    kikkers = [TitleFactory(title=f"Kikker deel {n}", authors="Max Velthuijs") for n in range(3)]
    for title in kikkers:
        CopyFactory(school=school_a, title=title)
        CopyFactory(school=school_a, title=title, status=Copy.Status.LENT)
        CopyFactory(school=school_b, title=title)  # another school's copies and queue do not count
        Reservation.objects.create(school=school_a, title=title, patron=PatronFactory(school=school_a))
        Reservation.objects.create(school=school_b, title=title, patron=PatronFactory(school=school_b))
    TitleFactory(title="Kikker elders")  # no copy here: not reservable here
    lent = CopyFactory(school=school_a, title=TitleFactory(title="Kikker uit"), status=Copy.Status.LENT)
    CopyFactory(school=school_b, title=TitleFactory(title="Kikker van B"))
    with django_assert_num_queries(1):
        found = queries.reservable_titles(school_a, "kikker")
    assert [row.title for row in found] == ["Kikker deel 0", "Kikker deel 1", "Kikker deel 2", "Kikker uit"]
    assert [(row.copy_count, row.available, row.waiting) for row in found] == [(2, 1, 1)] * 3 + [(1, 0, 0)]
    assert found[-1].pk == lent.title_id
    by_barcode = queries.reservable_titles(school_a, Copy.objects.filter(title=kikkers[1], school=school_a)[0].barcode)
    assert [row.pk for row in by_barcode] == [kikkers[1].pk]
    assert queries.reservable_titles(school_a, "") == []


def test_expired_holds_are_listed_without_being_released(pupil, school_a, school_b):
    today = timezone.localdate()
    title = TitleFactory(title="Over tijd")
    copy = CopyFactory(school=school_a, title=title, status=Copy.Status.ON_HOLD)
    past = Reservation.objects.create(
        school=school_a,
        title=title,
        patron=pupil,
        status=Reservation.Status.READY,
        held_copy=copy,
        hold_until=today - dt.timedelta(days=1),
    )
    other = CopyFactory(school=school_a, status=Copy.Status.ON_HOLD)
    Reservation.objects.create(  # still within its hold: not listed
        school=school_a,
        title=other.title,
        patron=pupil,
        status=Reservation.Status.READY,
        held_copy=other,
        hold_until=today,
    )
    theirs = CopyFactory(school=school_b, status=Copy.Status.ON_HOLD)
    Reservation.objects.create(
        school=school_b,
        title=theirs.title,
        patron=PatronFactory(school=school_b),
        status=Reservation.Status.READY,
        held_copy=theirs,
        hold_until=today - dt.timedelta(days=3),
    )
    assert queries.expired_holds(school_a) == [
        queries.ExpiredHold(
            barcode=copy.barcode, title="Over tijd", who="Sanne Lezer (Groep 5A)", hold_until=past.hold_until
        )
    ]
    past.refresh_from_db()
    copy.refresh_from_db()
    assert past.status == Reservation.Status.READY and copy.status == Copy.Status.ON_HOLD


def test_recent_returns_of_this_desk_account(pupil, school_a, volunteer_a, admin_a):
    copy = CopyFactory(school=school_a, title=TitleFactory(title="Terug"))
    LoanFactory(copy=copy, patron=pupil, due_date=timezone.localdate() - dt.timedelta(days=2))
    waiting = PatronFactory(school=school_a, first_name="Fleur", name_prefix="", last_name="Wachter", group=None)
    Reservation.objects.create(school=school_a, title=copy.title, patron=waiting)
    result = services.check_in(copy=copy, by=volunteer_a)
    entry = queries.ReturnEntry(
        barcode=copy.barcode, title="Terug", who="Sanne Lezer (Groep 5A)", late=2, hold="Fleur Wachter", lent=True
    )
    assert queries.ReturnEntry.of(result) == entry
    assert queries.recent_returns(school_a, volunteer_a) == [entry]
    assert queries.recent_returns(school_a, admin_a) == []  # another account's desk


def test_patron_circulation(pupil, school_a):
    today = timezone.localdate()
    late = _late(pupil, days=1)
    on_time = LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, due_date=today)
    returned = LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, returned_at=timezone.now())
    waiting = services.place_reservation(
        title=CopyFactory(school=school_a, status=Copy.Status.LENT).title, patron=pupil, by=None
    )
    cancelled = services.place_reservation(
        title=CopyFactory(school=school_a, status=Copy.Status.LENT).title, patron=pupil, by=None
    )
    services.cancel_reservation(reservation=cancelled, by=None)
    shown = queries.patron_circulation(pupil)
    assert [(row.pk, row.overdue) for row in shown.open_loans] == [(late.pk, True), (on_time.pk, False)]
    assert [row.pk for row in shown.history] == [returned.pk]
    assert [(row.pk, row.ready) for row in shown.reservations] == [(waiting.pk, False)]


def test_rule_rows_most_general_first_with_a_summary(school_a):
    group = GroupFactory(school=school_a, name="Groep 8B")
    LoanRule.objects.create(school=school_a, group=group, max_loans=4)
    LoanRule.objects.create(school=school_a, year_level_from=1, year_level_to=2, age_code="AP")
    LoanRule.objects.create(school=school_a, loan_days=21)
    rows = queries.rule_rows(school_a)
    assert [row.rule for row in rows] == sorted(LoanRule.objects.all(), key=rules.specificity)
    assert rows[0].summary == "Hele school (basisregel)"
    assert {row.summary for row in rows[1:]} == {"jaargroep 1–2, leeftijdscode AP", "Groep 8B"}
