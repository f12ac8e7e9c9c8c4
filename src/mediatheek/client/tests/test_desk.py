import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation import services
from mediatheek.circulation.models import Loan, LoanRule, Reservation
from mediatheek.core.models import AuditEvent
from mediatheek.schools.models import ClosedDay, School
from mediatheek.testing.factories import CopyFactory, GroupFactory, LoanFactory, PatronFactory, TitleFactory
from mediatheek.testing.isolation import assert_refused

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pupil(school_a):
    LoanRule.objects.create(school=school_a, loan_days=14, max_loans=2, max_renewals=1, hold_days=5)
    return PatronFactory(
        school=school_a,
        first_name="Sanne",
        name_prefix="",
        last_name="Lezer",
        group=GroupFactory(school=school_a, name="Groep 5A"),
    )


def test_card_number_opens_the_patron_screen(client, volunteer_a, pupil):
    client.force_login(volunteer_a)
    response = client.post(reverse("client:desk_scan"), {"code": pupil.card_number})
    assert response.status_code == 302 and response["Location"] == reverse("client:desk_patron", args=[pupil.pk])
    body = client.get(response["Location"]).content.decode()
    assert "Sanne Lezer" in body and "Groep 5A" in body and "autofocus" in body


def test_scan_lends_at_once_and_shows_the_due_date(client, volunteer_a, pupil, school_a):
    copy = CopyFactory(school=school_a, title=TitleFactory(title="De Gorgels"))
    client.force_login(volunteer_a)
    url = reverse("client:desk_patron_scan", args=[pupil.pk])
    response = client.post(url, {"code": copy.barcode}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "Uitgeleend: De Gorgels" in body and "scan-success" in body
    assert body.lstrip().startswith('<div id="desk-panel"')  # htmx: only the panel
    assert Loan.objects.get(copy=copy).patron == pupil


def test_scan_without_js_redirects_and_shows_feedback(client, volunteer_a, pupil, school_a):
    copy = CopyFactory(school=school_a)
    client.force_login(volunteer_a)
    response = client.post(reverse("client:desk_patron_scan", args=[pupil.pk]), {"code": copy.barcode}, follow=True)
    assert "Uitgeleend" in response.content.decode()


def test_unknown_barcode(client, volunteer_a, pupil):
    client.force_login(volunteer_a)
    body = client.post(reverse("client:desk_patron_scan", args=[pupil.pk]), {"code": "X999"}, **HTMX).content.decode()
    assert "Onbekend boeknummer" in body and "scan-error" in body


def test_limit_reached(client, volunteer_a, pupil, school_a):
    for _ in range(2):
        LoanFactory(copy=CopyFactory(school=school_a), patron=pupil)
    client.force_login(volunteer_a)
    copy = CopyFactory(school=school_a)
    body = client.post(
        reverse("client:desk_patron_scan", args=[pupil.pk]), {"code": copy.barcode}, **HTMX
    ).content.decode()
    assert "meer mag niet" in body and not Loan.objects.filter(copy=copy).exists()


def test_the_warnings_follow_a_lend_that_reaches_the_limit(client, volunteer_a, pupil, school_a):
    """The badges above the scan field come along with the scan that changes them (htmx, out of band)."""
    client.force_login(volunteer_a)
    url = reverse("client:desk_patron_scan", args=[pupil.pk])
    first = client.post(url, {"code": CopyFactory(school=school_a).barcode}, **HTMX).content.decode()
    assert "scan-success" in first and 'id="desk-attention"' not in first  # nothing changed up there
    second = client.post(url, {"code": CopyFactory(school=school_a).barcode}, **HTMX).content.decode()
    limit = "Sanne Lezer heeft al 2 boeken te leen; meer mag niet (maximaal 2)."
    assert 'id="desk-attention" hx-swap-oob="true"' in second and limit in second
    # The badge says what the lend will say: one rule, one wording (circulation.queries.patron_checks).
    third = client.post(url, {"code": CopyFactory(school=school_a).barcode}, **HTMX).content.decode()
    assert "scan-error" in third and limit in third


def test_collecting_a_reservation_clears_it_from_the_screen(client, volunteer_a, pupil, school_a):
    title = TitleFactory(title="Dolfje Weerwolfje")
    copy = CopyFactory(school=school_a, title=title, status=Copy.Status.ON_HOLD)
    Reservation.objects.create(
        school=school_a,
        title=title,
        patron=pupil,
        status=Reservation.Status.READY,
        held_copy=copy,
        hold_until=timezone.localdate() + dt.timedelta(days=3),
    )
    client.force_login(volunteer_a)
    screen = client.get(reverse("client:desk_patron", args=[pupil.pk])).content.decode()
    assert "Reservering ligt klaar: Dolfje Weerwolfje" in screen
    body = client.post(
        reverse("client:desk_patron_scan", args=[pupil.pk]), {"code": copy.barcode}, **HTMX
    ).content.decode()
    assert "haalt een reservering op" in body
    assert 'id="desk-attention" hx-swap-oob="true"' in body and "Reservering ligt klaar" not in body
    assert 'id="desk-reservations" hx-swap-oob="true"' in body and "Geen reserveringen." in body


def test_blocked_patron(client, volunteer_a, pupil, school_a):
    pupil.blocked_reason = "Drie boeken kwijt"
    pupil.save()
    client.force_login(volunteer_a)
    body = client.get(reverse("client:desk_patron", args=[pupil.pk])).content.decode()
    assert "Drie boeken kwijt" in body
    copy = CopyFactory(school=school_a)
    body = client.post(
        reverse("client:desk_patron_scan", args=[pupil.pk]), {"code": copy.barcode}, **HTMX
    ).content.decode()
    assert "geblokkeerd" in body and not Loan.objects.filter(copy=copy).exists()


def test_lent_to_another_offers_to_return_first_and_scanning_again_confirms(client, volunteer_a, pupil, school_a):
    copy = CopyFactory(school=school_a)
    other = PatronFactory(school=school_a, first_name="Daan", name_prefix="", last_name="Ander")
    LoanFactory(copy=copy, patron=other)
    client.force_login(volunteer_a)
    url = reverse("client:desk_patron_scan", args=[pupil.pk])
    body = client.post(url, {"code": copy.barcode}, **HTMX).content.decode()
    assert "Daan Ander" in body and "Ja, inleveren en uitlenen" in body
    assert f'name="confirm" value="{copy.barcode}"' in body
    body = client.post(url, {"code": copy.barcode, "confirm": copy.barcode}, **HTMX).content.decode()
    assert "Uitgeleend" in body
    assert Loan.objects.get(copy=copy, returned_at__isnull=True).patron == pupil


def test_overdue_warning_and_confirmation(client, volunteer_a, pupil, school_a):
    LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, due_date=timezone.localdate() - dt.timedelta(days=5))
    client.force_login(volunteer_a)
    page = client.get(reverse("client:desk_patron", args=[pupil.pk])).content.decode()
    assert "te laat" in page
    copy = CopyFactory(school=school_a)
    body = client.post(
        reverse("client:desk_patron_scan", args=[pupil.pk]), {"code": copy.barcode}, **HTMX
    ).content.decode()
    assert "Toch uitlenen?" in body and not Loan.objects.filter(copy=copy).exists()


def test_copy_barcode_in_the_card_field_returns_it(client, volunteer_a, pupil, school_a):
    copy = CopyFactory(school=school_a)
    LoanFactory(copy=copy, patron=pupil)
    client.force_login(volunteer_a)
    response = client.post(reverse("client:desk_scan"), {"code": copy.barcode}, follow=True)
    body = response.content.decode()
    assert "geen pas" in body and "Ingeleverd" in body and "Sanne Lezer" in body
    assert not Loan.objects.filter(copy=copy, returned_at__isnull=True).exists()


def test_card_number_in_the_copy_field_switches_patron(client, volunteer_a, pupil, school_a):
    next_pupil = PatronFactory(school=school_a)
    client.force_login(volunteer_a)
    url = reverse("client:desk_patron_scan", args=[pupil.pk])
    response = client.post(url, {"code": next_pupil.card_number}, **HTMX)
    assert response["HX-Redirect"] == reverse("client:desk_patron", args=[next_pupil.pk])
    response = client.post(url, {"code": next_pupil.card_number})
    assert response["Location"] == reverse("client:desk_patron", args=[next_pupil.pk])


def test_name_search_from_the_card_field(client, volunteer_a, pupil):
    client.force_login(volunteer_a)
    response = client.post(reverse("client:desk_scan"), {"code": "Lezer"}, follow=True)
    assert "Lezer, Sanne" in response.content.decode()


def test_return_screen_shows_borrower_lateness_and_hold(client, volunteer_a, pupil, school_a):
    title = TitleFactory(title="Dolfje Weerwolfje")
    copy = CopyFactory(school=school_a, title=title)
    LoanFactory(copy=copy, patron=pupil, due_date=timezone.localdate() - dt.timedelta(days=2))
    waiting = PatronFactory(school=school_a, first_name="Fleur", name_prefix="", last_name="Wachter")
    Reservation.objects.create(school=school_a, title=title, patron=waiting)
    client.force_login(volunteer_a)
    assert client.get(reverse("client:desk_return")).status_code == 200
    body = client.post(reverse("client:desk_return_scan"), {"code": copy.barcode}, **HTMX).content.decode()
    assert "Sanne Lezer" in body and "2 dagen te laat" in body
    assert "Apart leggen voor Fleur Wachter" in body
    copy.refresh_from_db()
    assert copy.status == Copy.Status.ON_HOLD
    # The running list on the return screen
    assert "apart leggen voor Fleur Wachter" in client.get(reverse("client:desk_return")).content.decode()


def test_renew_one_and_all(client, volunteer_a, pupil, school_a):
    loan = LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, due_date=timezone.localdate())
    client.force_login(volunteer_a)
    body = client.post(reverse("client:desk_renew", args=[pupil.pk, loan.pk]), **HTMX).content.decode()
    assert "Verlengd" in body
    loan.refresh_from_db()
    assert loan.renewals == 1
    body = client.post(reverse("client:desk_renew_all", args=[pupil.pk]), **HTMX).content.decode()
    assert "meer mag niet" in body


def test_volunteer_cannot_reserve_or_edit_rules(client, volunteer_a, pupil):
    client.force_login(volunteer_a)
    assert client.get(reverse("client:desk_reserve", args=[pupil.pk])).status_code == 403
    assert client.get(reverse("client:desk_rules")).status_code == 403
    assert client.get(reverse("client:desk_rule_add")).status_code == 403
    assert "Uitleenregels" not in client.get(reverse("client:desk")).content.decode()


def test_coordinator_reserves_and_cancels(client, admin_a, pupil, school_a):
    copy = CopyFactory(school=school_a, title=TitleFactory(title="Kikker is verliefd"))
    client.force_login(admin_a)
    body = client.get(reverse("client:desk_reserve", args=[pupil.pk]), {"q": "kikker"}).content.decode()
    assert "Kikker is verliefd" in body
    body = client.get(reverse("client:desk_reserve", args=[pupil.pk]), {"q": copy.barcode}).content.decode()
    assert "Kikker is verliefd" in body
    response = client.post(reverse("client:desk_reserve", args=[pupil.pk]), {"title": copy.title_id}, follow=True)
    assert "Gereserveerd: Kikker is verliefd" in response.content.decode()
    reservation = Reservation.objects.get(patron=pupil)
    client.post(reverse("client:desk_cancel_reservation", args=[pupil.pk, reservation.pk]))
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED


def test_coordinator_edits_rules_and_closed_days(client, admin_a, school_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("client:desk_rule_add"),
        {"year_level_from": 1, "year_level_to": 2, "max_loans": 1, "patron_kind": "", "age_code": ""},
    )
    assert response.status_code == 302
    rule = LoanRule.objects.get(school=school_a)
    assert rule.max_loans == 1 and rule.loan_days is None
    client.post(
        reverse("client:desk_rule_edit", args=[rule.pk]),
        {"year_level_from": 1, "year_level_to": 2, "max_loans": 2, "loan_days": 7},
    )
    rule.refresh_from_db()
    assert (rule.max_loans, rule.loan_days) == (2, 7)
    bad = client.post(reverse("client:desk_rule_add"), {"year_level_from": 5, "year_level_to": 2})
    assert bad.status_code == 200 and "groter" in bad.content.decode()
    response = client.post(
        reverse("client:desk_closed_day_add"),
        {"name": "Zomervakantie", "start": "2027-07-10", "end": "2027-08-22", "is_summer_holiday": "on"},
    )
    assert response.status_code == 302
    day = ClosedDay.objects.get(school=school_a)
    assert day.is_summer_holiday
    body = client.get(reverse("client:desk_rules")).content.decode()
    assert "Zomervakantie" in body and "jaargroep 1–2" in body
    client.post(reverse("client:desk_closed_day_delete", args=[day.pk]))
    client.post(reverse("client:desk_rule_delete", args=[rule.pk]))
    assert not ClosedDay.objects.filter(school=school_a).exists() and not LoanRule.objects.exists()


# --- Cross-school: a user of school A never reaches school B's patrons, loans, rules or closed days ----------


@pytest.fixture
def of_b(school_b):
    patron = PatronFactory(school=school_b, first_name="Geheime", last_name="Betalener")
    loan = LoanFactory(copy=CopyFactory(school=school_b, barcode="BETA001"), patron=patron)
    reservation = Reservation.objects.create(school=school_b, title=loan.copy.title, patron=patron)
    rule = LoanRule.objects.create(school=school_b, loan_days=99)
    closed = ClosedDay.objects.create(
        school=school_b, name="Betavakantie", start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 2)
    )
    return {"patron": patron, "loan": loan, "reservation": reservation, "rule": rule, "closed": closed}


def test_cross_school_patron_screens(client, volunteer_a, admin_a, of_b):
    patron, loan = of_b["patron"], of_b["loan"]
    for user in (volunteer_a, admin_a):
        assert_refused(client, user, reverse("client:desk_patron", args=[patron.pk]), secret="Betalener")
        assert_refused(
            client, user, reverse("client:desk_patron_scan", args=[patron.pk]), method="post", data={"code": "X"}
        )
        assert_refused(client, user, reverse("client:desk_renew", args=[patron.pk, loan.pk]), method="post")
        assert_refused(client, user, reverse("client:desk_renew_all", args=[patron.pk]), method="post")
        assert_refused(client, user, reverse("client:desk_reserve", args=[patron.pk]), secret="Betalener")
        assert_refused(
            client,
            user,
            reverse("client:desk_cancel_reservation", args=[patron.pk, of_b["reservation"].pk]),
            method="post",
        )
    loan.refresh_from_db()
    assert loan.renewals == 0 and loan.returned_at is None


def test_cross_school_scans_do_not_find_school_b(client, volunteer_a, admin_a, pupil, of_b):
    client.force_login(volunteer_a)
    body = client.post(reverse("client:desk_scan"), {"code": of_b["patron"].card_number}, follow=True).content.decode()
    assert "Betalener" not in body and "Onbekend" in body
    body = client.post(reverse("client:desk_return_scan"), {"code": "BETA001"}, follow=True).content.decode()
    assert "Onbekend boeknummer" in body
    body = client.post(
        reverse("client:desk_patron_scan", args=[pupil.pk]), {"code": "BETA001"}, follow=True
    ).content.decode()
    assert "Onbekend boeknummer" in body
    assert Loan.objects.get(pk=of_b["loan"].pk).returned_at is None
    client.force_login(admin_a)
    body = client.get(reverse("client:desk_reserve", args=[pupil.pk]), {"q": "BETA001"}).content.decode()
    assert of_b["loan"].copy.title.title not in body
    response = client.post(reverse("client:desk_reserve", args=[pupil.pk]), {"title": of_b["loan"].copy.title_id})
    assert response.status_code == 404


def test_cross_school_rules_and_closed_days(client, admin_a, of_b):
    for url, method in (
        (reverse("client:desk_rule_edit", args=[of_b["rule"].pk]), "get"),
        (reverse("client:desk_rule_delete", args=[of_b["rule"].pk]), "post"),
        (reverse("client:desk_closed_day_edit", args=[of_b["closed"].pk]), "get"),
        (reverse("client:desk_closed_day_delete", args=[of_b["closed"].pk]), "post"),
    ):
        assert_refused(client, admin_a, url, method=method, secret="Betavakantie")
    body = client.get(reverse("client:desk_rules")).content.decode()
    assert "Betavakantie" not in body and "<td>99</td>" not in body
    assert LoanRule.objects.filter(pk=of_b["rule"].pk).exists()


def test_rule_form_refuses_an_unknown_patron_kind(client, admin_a, school_a):
    client.force_login(admin_a)
    response = client.post(reverse("client:desk_rule_add"), {"patron_kind": "alien", "max_loans": 1})
    assert response.status_code == 200 and not LoanRule.objects.filter(school=school_a).exists()


def test_control_characters_in_a_scan_are_harmless(client, volunteer_a, pupil, school_a):
    copy = CopyFactory(school=school_a)
    client.force_login(volunteer_a)
    response = client.post(reverse("client:desk_patron_scan", args=[pupil.pk]), {"code": f"{copy.barcode}\x00"}, **HTMX)
    assert response.status_code == 200 and "Uitgeleend" in response.content.decode()
    response = client.post(reverse("client:desk_scan"), {"code": "Lez\x00er"}, follow=True)
    assert response.status_code == 200 and "Lezer, Sanne" in response.content.decode()
    # A NUL in a query string is refused before any view (core.middleware.MalformedInputMiddleware: 400); a view
    # that is reached without it (a multipart form body) cleans the code itself, as above.
    assert client.get(reverse("client:desk"), {"q": "a\x00b"}).status_code in (200, 400)
    response = client.post(reverse("client:desk_return_scan"), {"code": "12\x0034"}, **HTMX)
    assert response.status_code == 200


def test_a_scan_stays_a_handful_of_queries(client, volunteer_a, pupil, school_a, django_assert_max_num_queries):
    """The scan's hot path (bench/circulation.py): session, user with school, patron with the scanned copy, and
    then only what the lend or return itself needs. A new ORM query sneaking in shows here."""
    copies = [CopyFactory(school=school_a) for _ in range(2)]
    client.force_login(volunteer_a)
    lend_url = reverse("client:desk_patron_scan", args=[pupil.pk])
    client.post(lend_url, {"code": copies[0].barcode}, **HTMX)  # the school's rules and calendar are cached now
    client.post(reverse("client:desk_return_scan"), {"code": copies[0].barcode}, **HTMX)  # below the limit again
    # session, user + school, patron + copy, savepoint, loans and reservations, copy status, loan, release savepoint
    with django_assert_max_num_queries(8):
        assert "scan-success" in client.post(lend_url, {"code": copies[1].barcode}, **HTMX).content.decode()
    # session, user + school, copy, savepoint, loan and reservations, loan closed, copy status, release savepoint
    with django_assert_max_num_queries(8):
        body = client.post(reverse("client:desk_return_scan"), {"code": copies[1].barcode}, **HTMX).content.decode()
        assert "Ingeleverd" in body


# --- Reservations at the desk: the limit, the list, cancelling (issue #12, item 3) ---------------------------


def _lent_title(school, name):
    title = TitleFactory(title=name)
    CopyFactory(school=school, title=title, status=Copy.Status.LENT)
    return title


def _reserve(pupil, count):
    return [
        services.place_reservation(title=_lent_title(pupil.school, f"Gereserveerd boek {index}"), patron=pupil, by=None)
        for index in range(count)
    ]


def test_the_desk_refuses_a_reservation_beyond_the_limit_with_the_reason(client, admin_a, pupil, school_a):
    _reserve(pupil, 3)
    title = _lent_title(school_a, "Eén te veel")
    client.force_login(admin_a)
    response = client.post(reverse("client:desk_reserve", args=[pupil.pk]), {"title": title.pk}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sanne Lezer heeft al 3 reserveringen; meer mag niet (maximaal 3)." in body
    assert "annuleer een reservering" in body and "Open reserveringen: 3 van maximaal 3." in body
    assert not Reservation.objects.filter(title=title).exists()


def test_a_rule_for_the_patron_raises_the_limit_at_the_desk(client, admin_a, pupil, school_a):
    LoanRule.objects.create(school=school_a, group=pupil.group, max_reservations=4)
    _reserve(pupil, 3)
    title = _lent_title(school_a, "De vierde")
    client.force_login(admin_a)
    response = client.post(reverse("client:desk_reserve", args=[pupil.pk]), {"title": title.pk}, follow=True)
    assert "Gereserveerd: De vierde" in response.content.decode()
    assert Reservation.objects.filter(title=title, patron=pupil).exists()


def test_the_patron_screen_lists_open_reservations_and_a_coordinator_cancels_one(client, admin_a, pupil, school_a):
    from django.test import Client

    first, second = _reserve(pupil, 2)
    services.cancel_reservation(reservation=second, by=None)  # closed: not listed
    client.force_login(admin_a)
    body = client.get(reverse("client:desk_patron", args=[pupil.pk])).content.decode()
    cancel_url = reverse("client:desk_cancel_reservation", args=[pupil.pk, first.pk])
    assert "Gereserveerd boek 0" in body and "Gereserveerd boek 1" not in body
    assert "Open reserveringen: 1 van maximaal 3." in body
    # A real form with a button (keyboard: Tab and Enter) and the CSRF token.
    form = body[body.rindex("<form", 0, body.index(cancel_url)) :]
    form = form[: form.index("</form>")]
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form and '<button type="submit"' in form
    strict = Client(enforce_csrf_checks=True)  # without the token: refused
    strict.force_login(admin_a)
    assert strict.post(cancel_url).status_code == 403
    first.refresh_from_db()
    assert first.status == Reservation.Status.WAITING
    response = client.post(cancel_url, follow=True)
    assert "Reservering geannuleerd: Gereserveerd boek 0" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Reservation.Status.CANCELLED
    assert AuditEvent.objects.filter(actor=admin_a, object_type="circulation.reservation", object_id=str(first.pk))


def test_a_volunteer_sees_the_reservations_but_cannot_cancel(client, volunteer_a, pupil):
    reservation = _reserve(pupil, 1)[0]
    client.force_login(volunteer_a)
    body = client.get(reverse("client:desk_patron", args=[pupil.pk])).content.decode()
    cancel_url = reverse("client:desk_cancel_reservation", args=[pupil.pk, reservation.pk])
    assert "Gereserveerd boek 0" in body and "Open reserveringen: 1 van maximaal 3." in body
    assert cancel_url not in body
    assert client.post(cancel_url).status_code == 403
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.WAITING


def test_school_a_never_sees_or_cancels_a_reservation_of_school_b(client, admin_a, pupil, of_b):
    """Explicitly: school B's reservation, asked for through school A's own patron or through B's patron."""
    theirs = of_b["reservation"]
    client.force_login(admin_a)
    for patron_pk in (pupil.pk, of_b["patron"].pk):
        url = reverse("client:desk_cancel_reservation", args=[patron_pk, theirs.pk])
        assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Reservation.Status.WAITING and theirs.closed_at is None
    _reserve(pupil, 1)
    body = client.get(reverse("client:desk_patron", args=[pupil.pk])).content.decode()
    assert of_b["loan"].copy.title.title not in body and "Betalener" not in body
    assert "Gereserveerd boek 0" in body and "Open reserveringen: 1 van maximaal 3." in body  # only A's own
    assert not AuditEvent.objects.filter(object_type="circulation.reservation").exists()


@pytest.mark.parametrize("value", ["abc", "\x00", "12\x00", "99999999999999999999", "-1", "1.5", "", "٣", "x" * 20000])
def test_reserve_with_a_title_that_is_not_an_id_says_so(client, admin_a, pupil, value):
    """Item 6: a non-numeric `title` gave a 500 (ValueError), a huge one an overflow. Now a message, nothing written."""
    client.force_login(admin_a)
    url = reverse("client:desk_reserve", args=[pupil.pk])
    for content_type in ("multipart/form-data; boundary=BoUnDaRy", "application/x-www-form-urlencoded"):
        if content_type.startswith("multipart"):
            response = client.post(url, {"title": value})
        else:
            response = client.post(url, urlencode({"title": value}), content_type=content_type)
        assert response.status_code in (302, 400), (content_type, response.status_code)
        if response.status_code == 302:
            body = client.get(response["Location"]).content.decode()
            assert "Kies een titel uit de lijst." in body
    assert not Reservation.objects.exists()


def test_the_rules_page_shows_and_edits_the_reservation_limit(client, admin_a, school_a):
    client.force_login(admin_a)
    version = School.objects.get(pk=school_a.pk).rules_version
    body = client.get(reverse("client:desk_rule_add")).content.decode()
    assert 'name="max_reservations"' in body and "Maximum aantal reserveringen" in body
    response = client.post(reverse("client:desk_rule_add"), {"patron_kind": "teacher", "max_reservations": 10})
    assert response.status_code == 302
    rule = LoanRule.objects.get(school=school_a)
    assert rule.max_reservations == 10 and School.objects.get(pk=school_a.pk).rules_version != version
    body = client.get(reverse("client:desk_rules")).content.decode()
    assert "Max. reserveringen" in body and "<td>10</td>" in body and "<td>3</td>" in body  # the rule and the default
    client.post(reverse("client:desk_rule_edit", args=[rule.pk]), {"patron_kind": "teacher", "max_reservations": 6})
    rule.refresh_from_db()
    assert rule.max_reservations == 6
    # A limit for one age code would never apply (it counts all of a patron's reservations): refused.
    response = client.post(reverse("client:desk_rule_add"), {"age_code": "AJ", "max_reservations": 1})
    assert response.status_code == 200 and "per lener, niet per leeftijdscode" in response.content.decode()
    assert LoanRule.objects.filter(school=school_a).count() == 1


# --- Item 6: every parameter of the desk's views survives NUL, huge and wrong-typed values --------------------

# Refused by every field: nothing may be written with them.
BAD_VALUES = ["\x00", "a\x00b", "99999999999999999999", "-1", "abc", "1e999", "NaN"]
BAD_VALUES += ["x" * 100_000]
# Odd but possibly meaningful (Django reads "٣" as 3, and the last of repeated values): must not crash.
ODD_VALUES = ["٣", ["1", "2"]]
RULE_FIELDS = ["patron_kind", "year_level_from", "year_level_to", "group", "age_code", "loan_days", "max_loans"]
RULE_FIELDS += ["max_renewals", "hold_days", "max_reservations", "overdue_action", "fine_per_day"]


def test_every_desk_parameter_survives_bad_values(client, admin_a, pupil, school_a):
    loan = LoanFactory(copy=CopyFactory(school=school_a), patron=pupil)
    reservation = _reserve(pupil, 1)[0]
    rule = LoanRule.objects.get(school=school_a)
    ClosedDay.objects.create(school=school_a, name="Studiedag", start=dt.date(2027, 3, 1), end=dt.date(2027, 3, 1))
    forms = [
        ("get", reverse("client:desk"), ["q"]),
        ("post", reverse("client:desk_scan"), ["code"]),
        ("post", reverse("client:desk_patron_scan", args=[pupil.pk]), ["code", "confirm"]),
        ("get", reverse("client:desk_reserve", args=[pupil.pk]), ["q"]),
        ("post", reverse("client:desk_reserve", args=[pupil.pk]), ["title"]),
        ("post", reverse("client:desk_return_scan"), ["code"]),
        ("post", reverse("client:desk_rule_edit", args=[rule.pk]), RULE_FIELDS),
        ("post", reverse("client:desk_closed_day_add"), ["name", "start", "end", "is_summer_holiday"]),
    ]
    client.force_login(admin_a)
    before = (LoanRule.objects.count(), ClosedDay.objects.count(), Reservation.objects.count(), Loan.objects.count())
    rule_values = LoanRule.objects.values().get(pk=rule.pk)

    def send(method, url, name, value):
        # As a browser sends a form (multipart in the test client); an urlencoded body parses to the same values
        # (and a NUL in one is refused before any view: core.middleware).
        for htmx in ({}, HTMX) if "scan" in url else ({},):  # htmx changes only the scans' answers
            response = getattr(client, method)(url, {name: value}, **htmx)
            assert response.status_code < 500, (url, name, str(value)[:30], response.status_code)

    def send_each(values):
        for method, url, names in forms:
            for name in names:
                for value in values:
                    send(method, url, name, value)

    send_each(BAD_VALUES)
    huge = 99999999999999999999
    for method, url in [
        ("get", reverse("client:desk_patron", args=[huge])),
        ("post", reverse("client:desk_patron_scan", args=[huge])),
        ("post", reverse("client:desk_renew", args=[pupil.pk, huge])),
        ("post", reverse("client:desk_renew", args=[huge, loan.pk])),
        ("post", reverse("client:desk_renew_all", args=[huge])),
        ("get", reverse("client:desk_reserve", args=[huge])),
        ("post", reverse("client:desk_cancel_reservation", args=[pupil.pk, huge])),
        ("post", reverse("client:desk_cancel_reservation", args=[huge, reservation.pk])),
        ("get", reverse("client:desk_rule_edit", args=[huge])),
        ("post", reverse("client:desk_rule_delete", args=[huge])),
        ("get", reverse("client:desk_closed_day_edit", args=[huge])),
        ("post", reverse("client:desk_closed_day_delete", args=[huge])),
    ]:
        response = getattr(client, method)(url, {"code": "X"})
        assert response.status_code == 404, (url, response.status_code)
    after = (LoanRule.objects.count(), ClosedDay.objects.count(), Reservation.objects.count(), Loan.objects.count())
    assert after == before and LoanRule.objects.values().get(pk=rule.pk) == rule_values
    loan.refresh_from_db()
    reservation.refresh_from_db()
    assert loan.renewals == 0 and reservation.status == Reservation.Status.WAITING
    send_each(ODD_VALUES)


# --- Issue #13: a GET of the desk writes nothing; holds past their date are shown, and released by a POST ------


def _expired_hold(pupil, school):
    copy = CopyFactory(school=school, title=TitleFactory(title="Niet opgehaald"), status=Copy.Status.ON_HOLD)
    reservation = Reservation.objects.create(
        school=school,
        title=copy.title,
        patron=pupil,
        status=Reservation.Status.READY,
        held_copy=copy,
        hold_until=timezone.localdate() - dt.timedelta(days=2),
    )
    return copy, reservation


def test_a_get_of_the_desk_does_not_write(client, volunteer_a, pupil, school_a):
    copy, reservation = _expired_hold(pupil, school_a)
    LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, due_date=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(volunteer_a)
    before = (list(Reservation.objects.values()), list(Copy.objects.values()), list(Loan.objects.values()))
    for url in (
        reverse("client:desk"),
        reverse("client:desk_patron", args=[pupil.pk]),
        reverse("client:desk_return"),
    ):
        assert client.get(url).status_code == 200
    after = (list(Reservation.objects.values()), list(Copy.objects.values()), list(Loan.objects.values()))
    assert after == before
    body = client.get(reverse("client:desk_return")).content.decode()
    assert "Ophaaltermijn verlopen" in body and copy.barcode in body and "Sanne Lezer (Groep 5A)" in body


def test_the_return_screen_releases_expired_holds_on_a_post(client, volunteer_a, admin_a, pupil, school_a, school_b):
    copy, reservation = _expired_hold(pupil, school_a)
    _theirs_copy, theirs = _expired_hold(PatronFactory(school=school_b), school_b)
    client.force_login(volunteer_a)  # volunteers see the list; releasing is the coordinator's
    assert "Verlopen reserveringen vrijgeven" not in client.get(reverse("client:desk_return")).content.decode()
    assert client.post(reverse("client:desk_return")).status_code == 403
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.READY
    client.force_login(admin_a)
    page = client.get(reverse("client:desk_return")).content.decode()
    assert page.count("Verlopen reserveringen vrijgeven") == 1  # in the page's content, not in its title or head
    assert "Ophaaltermijn" not in page.split("<body", 1)[0]
    response = client.post(reverse("client:desk_return"), follow=True)
    body = response.content.decode()
    assert "1 reservering verlopen" in body and "Ophaaltermijn verlopen" not in body
    reservation.refresh_from_db()
    copy.refresh_from_db()
    theirs.refresh_from_db()
    assert reservation.status == Reservation.Status.EXPIRED and copy.status == Copy.Status.AVAILABLE
    assert theirs.status == Reservation.Status.READY  # only the desk's own school


def test_the_reserve_search_does_not_query_per_title(client, admin_a, pupil, school_a):
    """The title search at the desk was one query per title found (N+1); now a fixed number, however many match."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_a)
    url = reverse("client:desk_reserve", args=[pupil.pk])

    def queries_for(count):
        for number in range(count):
            CopyFactory(school=school_a, title=TitleFactory(title=f"Zoekboek {count}-{number}"))
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url, {"q": f"Zoekboek {count}-"}).content.decode()
        assert body.count("Zoekboek") >= count
        return len(captured)

    client.get(url, {"q": "warm"})  # the first request of a session reads a few things once
    assert queries_for(2) == queries_for(8)
