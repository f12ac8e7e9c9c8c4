import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation import services
from mediatheek.circulation.models import Loan, LoanRule, Reservation
from mediatheek.core.errors import DomainError
from mediatheek.patrons.models import Patron
from mediatheek.schools.models import ClosedDay
from mediatheek.testing.factories import CopyFactory, GroupFactory, LoanFactory, PatronFactory, TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules_a(school_a):
    LoanRule.objects.create(school=school_a, loan_days=14, max_loans=2, max_renewals=1, hold_days=5)
    LoanRule.objects.create(school=school_a, year_level_from=7, year_level_to=8, max_loans=3)


@pytest.fixture
def pupil(school_a, rules_a):
    return PatronFactory(school=school_a, group=GroupFactory(school=school_a, year_level=5, name="Groep 5A"))


def copy_of(school, **kwargs):
    return CopyFactory(school=school, **kwargs)


def test_check_out_lends_with_due_date(pupil, volunteer_a, school_a):
    copy = copy_of(school_a)
    loan = services.check_out(copy=copy, patron=pupil, by=volunteer_a)
    copy.refresh_from_db()
    assert loan.patron == pupil and copy.status == Copy.Status.LENT
    assert loan.due_date >= timezone.localdate() + dt.timedelta(days=14)
    assert loan.checked_out_by == volunteer_a


def test_limit_reached_is_a_blocker(pupil, volunteer_a, school_a):
    for _ in range(2):
        services.check_out(copy=copy_of(school_a), patron=pupil, by=volunteer_a)
    with pytest.raises(services.CheckoutRefused) as refused:
        services.check_out(copy=copy_of(school_a), patron=pupil, by=volunteer_a)
    assert refused.value.code == "limit"


def test_groep_8_may_borrow_three(school_a, rules_a, volunteer_a):
    eighth = PatronFactory(school=school_a, group=GroupFactory(school=school_a, year_level=8))
    for _ in range(3):
        services.check_out(copy=copy_of(school_a), patron=eighth, by=volunteer_a)
    assert services.open_loans(eighth).count() == 3


def test_deregistered_and_blocked_patrons_cannot_borrow(pupil, volunteer_a, school_a):
    pupil.status = Patron.Status.DEREGISTERED
    pupil.blocked_reason = "Boek kwijt"
    pupil.save()
    precheck = services.checkout_precheck(copy=copy_of(school_a), patron=pupil)
    assert {"deregistered", "blocked"} <= {notice.code for notice in precheck.blockers}
    with pytest.raises(services.CheckoutRefused):
        services.check_out(copy=copy_of(school_a), patron=pupil, by=volunteer_a)


def test_copy_lent_to_another_needs_confirmation_then_is_returned_first(pupil, volunteer_a, school_a):
    copy = copy_of(school_a)
    other = PatronFactory(school=school_a)
    first = services.check_out(copy=copy, patron=other, by=volunteer_a)
    with pytest.raises(services.ConfirmationRequired) as asked:
        services.check_out(copy=copy, patron=pupil, by=volunteer_a)
    assert asked.value.code == "lent_to_other" and str(other.last_name) in str(asked.value)
    loan = services.check_out(copy=copy, patron=pupil, by=volunteer_a, confirmed=True)
    first.refresh_from_db()
    assert first.returned_at is not None and loan.patron == pupil
    assert Loan.objects.filter(copy=copy, returned_at__isnull=True).count() == 1


def test_same_copy_twice_to_the_same_patron_is_refused(pupil, volunteer_a, school_a):
    copy = copy_of(school_a)
    services.check_out(copy=copy, patron=pupil, by=volunteer_a)
    with pytest.raises(services.CheckoutRefused) as refused:
        services.check_out(copy=copy, patron=pupil, by=volunteer_a, confirmed=True)
    assert refused.value.code == "already_lent_to_patron"


def test_overdue_books_need_a_confirmation(pupil, volunteer_a, school_a):
    LoanFactory(copy=copy_of(school_a), patron=pupil, due_date=timezone.localdate() - dt.timedelta(days=3))
    with pytest.raises(services.ConfirmationRequired) as asked:
        services.check_out(copy=copy_of(school_a), patron=pupil, by=volunteer_a)
    assert asked.value.code == "overdue"
    services.check_out(copy=copy_of(school_a), patron=pupil, by=volunteer_a, confirmed=True)


def test_overdue_rule_can_block(pupil, volunteer_a, school_a):
    LoanRule.objects.filter(school=school_a, year_level_from__isnull=True).update(overdue_action="block")
    LoanFactory(copy=copy_of(school_a), patron=pupil, due_date=timezone.localdate() - dt.timedelta(days=3))
    with pytest.raises(services.CheckoutRefused):
        services.check_out(copy=copy_of(school_a), patron=pupil, by=volunteer_a, confirmed=True)


def test_withdrawn_copy_is_refused_and_lost_copy_needs_confirmation(pupil, school_a):
    withdrawn = copy_of(school_a, status=Copy.Status.WITHDRAWN)
    lost = copy_of(school_a, status=Copy.Status.LOST)
    assert "withdrawn" in services.checkout_precheck(copy=withdrawn, patron=pupil).codes()
    assert "lost" in {notice.code for notice in services.checkout_precheck(copy=lost, patron=pupil).confirmations}


def test_copy_of_another_school_is_refused(pupil, school_b, volunteer_a):
    with pytest.raises(services.CheckoutRefused):
        services.check_out(copy=copy_of(school_b), patron=pupil, by=volunteer_a)
    assert services.find_copy(pupil.school, copy_of(school_b).barcode) is None


def test_due_date_capped_before_summer(pupil, volunteer_a, school_a):
    today = timezone.localdate()
    ClosedDay.objects.create(
        school=school_a,
        name="Zomervakantie",
        start=today + dt.timedelta(days=5),
        end=today + dt.timedelta(days=40),
        is_summer_holiday=True,
    )
    precheck = services.checkout_precheck(copy=copy_of(school_a), patron=pupil)
    assert precheck.due is not None and precheck.due.capped
    assert precheck.due.date < today + dt.timedelta(days=5)
    assert "summer" in precheck.codes()


def test_check_in_reports_borrower_and_lateness(pupil, volunteer_a, school_a):
    copy = copy_of(school_a)
    LoanFactory(copy=copy, patron=pupil, due_date=timezone.localdate() - dt.timedelta(days=4))
    result = services.check_in(copy=copy, by=volunteer_a)
    copy.refresh_from_db()
    assert result.patron == pupil and result.late and result.days_late == 4
    assert result.fine is None  # fines are off by default
    assert copy.status == Copy.Status.AVAILABLE
    assert result.loan is not None and result.loan.checked_in_by == volunteer_a


def test_check_in_with_fines(pupil, volunteer_a, school_a):
    LoanRule.objects.filter(school=school_a, year_level_from__isnull=True).update(fine_per_day=Decimal("0.05"))
    copy = copy_of(school_a)
    LoanFactory(copy=copy, patron=pupil, due_date=timezone.localdate() - dt.timedelta(days=4))
    assert services.check_in(copy=copy, by=volunteer_a).fine == Decimal("0.20")


def test_check_in_of_a_copy_that_was_not_lent(school_a, volunteer_a):
    result = services.check_in(copy=copy_of(school_a), by=volunteer_a)
    assert result.loan is None and result.hold is None


def test_returned_copy_is_held_for_the_first_in_the_queue(
    pupil, volunteer_a, school_a, django_capture_on_commit_callbacks
):
    title = TitleFactory()
    copy = copy_of(school_a, title=title)
    services.check_out(copy=copy, patron=pupil, by=volunteer_a)
    first = PatronFactory(school=school_a, email="eerste@example.nl")
    second = PatronFactory(school=school_a)
    r1 = services.place_reservation(title=title, patron=first, by=volunteer_a)
    services.place_reservation(title=title, patron=second, by=volunteer_a)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.check_in(copy=copy, by=volunteer_a)
    assert result.hold is not None and result.hold.patron == first
    r1.refresh_from_db()
    copy.refresh_from_db()
    assert r1.status == Reservation.Status.READY and r1.held_copy == copy and r1.hold_until is not None
    assert copy.status == Copy.Status.ON_HOLD
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eerste@example.nl"]
    r1.refresh_from_db()
    assert r1.notified_at is not None
    assert list(services.ready_reservations(first)) == [r1]
    # Held for the first: the second may not take it, the first collects it.
    with pytest.raises(services.CheckoutRefused) as refused:
        services.check_out(copy=copy, patron=second, by=volunteer_a)
    assert refused.value.code == "held_for_other"
    services.check_out(copy=copy, patron=first, by=volunteer_a)
    r1.refresh_from_db()
    assert r1.status == Reservation.Status.FULFILLED


def test_no_mail_without_an_address(pupil, volunteer_a, school_a, django_capture_on_commit_callbacks):
    title = TitleFactory()
    copy = copy_of(school_a, title=title)
    services.check_out(copy=copy, patron=pupil, by=volunteer_a)
    services.place_reservation(title=title, patron=PatronFactory(school=school_a, email=""), by=volunteer_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_in(copy=copy, by=volunteer_a).hold is not None
    assert mail.outbox == []


def test_reserved_title_needs_confirmation_for_another_patron(pupil, volunteer_a, school_a):
    title = TitleFactory()
    copy = copy_of(school_a, title=title)
    services.place_reservation(title=title, patron=PatronFactory(school=school_a), by=volunteer_a)
    with pytest.raises(services.ConfirmationRequired) as asked:
        services.check_out(copy=copy, patron=pupil, by=volunteer_a)
    assert asked.value.code == "reserved_for_other"


def test_renew_within_the_rules(pupil, volunteer_a, school_a):
    loan = LoanFactory(copy=copy_of(school_a), patron=pupil, due_date=timezone.localdate() + dt.timedelta(days=2))
    renewed = services.renew(loan=loan, by=volunteer_a)
    assert renewed.renewals == 1 and renewed.due_date >= timezone.localdate() + dt.timedelta(days=14)
    with pytest.raises(DomainError) as refused:
        services.renew(loan=renewed, by=volunteer_a)
    assert refused.value.code == "max_renewals"


def test_no_renewal_when_reserved(pupil, volunteer_a, school_a):
    title = TitleFactory()
    loan = LoanFactory(copy=copy_of(school_a, title=title), patron=pupil, due_date=timezone.localdate())
    services.place_reservation(title=title, patron=PatronFactory(school=school_a), by=volunteer_a)
    with pytest.raises(DomainError) as refused:
        services.renew(loan=loan, by=volunteer_a)
    assert refused.value.code == "reserved"


def test_renew_all_reports_each_loan(pupil, volunteer_a, school_a):
    ok = LoanFactory(copy=copy_of(school_a), patron=pupil, due_date=timezone.localdate())
    spent = LoanFactory(copy=copy_of(school_a), patron=pupil, due_date=timezone.localdate(), renewals=1)
    result = services.renew_all(patron=pupil, by=volunteer_a)
    assert [loan.pk for loan in result.renewed] == [ok.pk]
    assert [loan.pk for loan, _message in result.refused] == [spent.pk]


def test_reservation_rules(pupil, volunteer_a, school_a, school_b):
    title = TitleFactory()
    with pytest.raises(DomainError):  # no copy at this school
        services.place_reservation(title=title, patron=pupil, by=volunteer_a)
    copy_of(school_b, title=title)
    with pytest.raises(DomainError):  # a copy at another school does not count
        services.place_reservation(title=title, patron=pupil, by=volunteer_a)
    copy_of(school_a, title=title)
    reservation = services.place_reservation(title=title, patron=pupil, by=volunteer_a)
    assert services.queue_position(reservation) == 1
    with pytest.raises(DomainError):
        services.place_reservation(title=title, patron=pupil, by=volunteer_a)
    other = services.place_reservation(title=title, patron=PatronFactory(school=school_a), by=volunteer_a)
    assert services.queue_position(other) == 2
    services.cancel_reservation(reservation=reservation, by=volunteer_a)
    assert services.queue_position(other) == 1


def test_cancelled_hold_passes_to_the_next(pupil, volunteer_a, school_a):
    title = TitleFactory()
    copy = copy_of(school_a, title=title)
    first = services.place_reservation(title=title, patron=pupil, by=volunteer_a)
    second = services.place_reservation(title=title, patron=PatronFactory(school=school_a), by=volunteer_a)
    services.check_in(copy=copy, by=volunteer_a)  # found on the shelf: held for the first
    first.refresh_from_db()
    assert first.status == Reservation.Status.READY
    services.cancel_reservation(reservation=first, by=volunteer_a)
    second.refresh_from_db()
    assert second.status == Reservation.Status.READY and second.held_copy == copy


def test_expired_hold_goes_back_to_the_shelf(pupil, volunteer_a, school_a):
    title = TitleFactory()
    copy = copy_of(school_a, title=title)
    reservation = services.place_reservation(title=title, patron=pupil, by=volunteer_a)
    services.check_in(copy=copy, by=volunteer_a)
    later = timezone.localdate() + dt.timedelta(days=30)
    assert services.expire_holds(school=school_a, today=later) == 1
    reservation.refresh_from_db()
    copy.refresh_from_db()
    assert reservation.status == Reservation.Status.EXPIRED and copy.status == Copy.Status.AVAILABLE


def test_integrity_error_becomes_a_domain_error(pupil, volunteer_a, school_a, monkeypatch):
    copy = copy_of(school_a)
    LoanFactory(copy=copy, patron=PatronFactory(school=school_a))
    real = services.checkout_precheck

    def blind(**kwargs):
        # Pretend the pre-check did not see the open loan (another desk committing between check and insert).
        pre = real(**kwargs)
        pre.confirmations, pre.open_loan = [], None
        return pre

    monkeypatch.setattr(services, "checkout_precheck", blind)
    with pytest.raises(DomainError) as raced:
        services.check_out(copy=copy, patron=pupil, by=volunteer_a)
    assert raced.value.code == "race"
    assert Loan.objects.filter(copy=copy, returned_at__isnull=True).count() == 1


def test_expire_holds_command(pupil, volunteer_a, school_a, capsys):
    from django.core.management import call_command

    title = TitleFactory()
    copy = copy_of(school_a, title=title)
    reservation = services.place_reservation(title=title, patron=pupil, by=volunteer_a)
    services.check_in(copy=copy, by=volunteer_a)
    Reservation.objects.filter(pk=reservation.pk).update(hold_until=timezone.localdate() - dt.timedelta(days=1))
    call_command("expire_holds")
    assert "1 reservering vervallen" in capsys.readouterr().out
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.EXPIRED


# --- Issue #14: a second copy of a title the patron has on loan asks first ---------------------------------------


def test_a_second_copy_of_a_title_on_loan_needs_confirmation(school_a):
    title = TitleFactory(title="Dummie de mummie")
    patron = PatronFactory(school=school_a)
    LoanFactory(copy=CopyFactory(school=school_a, title=title), patron=patron)
    second = CopyFactory(school=school_a, title=title)
    with pytest.raises(services.ConfirmationRequired) as question:
        services.check_out(copy=second, patron=patron, by=None)
    assert question.value.code == "same_title" and "al een exemplaar van deze titel" in str(question.value)
    assert services.check_out(copy=second, patron=patron, by=None, confirmed=True).patron == patron


def test_another_title_does_not_ask(school_a):
    patron = PatronFactory(school=school_a)
    LoanFactory(copy=CopyFactory(school=school_a), patron=patron)
    pre = services.checkout_precheck(copy=CopyFactory(school=school_a), patron=patron)
    assert "same_title" not in pre.codes()
