import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mediatheek.core.models import AuditEvent
from mediatheek.patrons.cardnumbers import is_valid_card_number
from mediatheek.patrons.models import Patron
from mediatheek.testing.factories import CopyFactory, GroupFactory, LoanFactory, PatronFactory
from mediatheek.testing.isolation import assert_refused


@pytest.mark.django_db
def test_patron_list_of_the_current_school(client, admin_a, school_a, school_b):
    mine = PatronFactory(school=school_a, last_name="Alfalid")
    PatronFactory(school=school_b, last_name="Betalid")
    client.force_login(admin_a)
    body = client.get(reverse("client:patron_list")).content.decode()
    assert "Alfalid" in body and "Betalid" not in body
    detail = client.get(reverse("client:patron_detail", args=[mine.pk])).content.decode()
    assert mine.card_number in detail


@pytest.mark.django_db
def test_patron_search_by_card_number(client, admin_a, school_a):
    patron = PatronFactory(school=school_a, last_name="Zoekmij")
    PatronFactory(school=school_a, last_name="Anders")
    client.force_login(admin_a)
    response = client.get(reverse("client:patron_list"), {"q": patron.card_number}, follow=True)
    body = response.content.decode()
    # A scanned card opens the patron's page at once.
    assert response.redirect_chain[-1][0] == reverse("client:patron_detail", args=[patron.pk])
    assert "Zoekmij" in body and "Anders" not in body


@pytest.mark.django_db
def test_patron_of_another_school_is_not_found(client, admin_a, volunteer_a, school_b):
    other = PatronFactory(school=school_b, last_name="Geheim")
    for user in (admin_a, volunteer_a):
        assert_refused(client, user, reverse("client:patron_detail", args=[other.pk]), secret="Geheim")


@pytest.mark.django_db
def test_staff_switches_school(client, staff_user, school_a, school_b):
    PatronFactory(school=school_b, last_name="Betalid")
    client.force_login(staff_user)
    client.post(reverse("client:switch_school"), {"school": school_b.pk})
    assert "Betalid" in client.get(reverse("client:patron_list")).content.decode()


@pytest.mark.django_db
def test_volunteer_sees_no_birth_date(client, volunteer_a, admin_a, school_a):
    patron = PatronFactory(school=school_a)
    client.force_login(volunteer_a)
    body = client.get(reverse("client:patron_detail", args=[patron.pk])).content.decode()
    assert "Geboortedatum" not in body and patron.student_number not in body
    client.force_login(admin_a)
    assert "Geboortedatum" in client.get(reverse("client:patron_detail", args=[patron.pk])).content.decode()


@pytest.mark.django_db
def test_home_counts(client, volunteer_a, school_a):
    PatronFactory(school=school_a)
    client.force_login(volunteer_a)
    assert client.get(reverse("client:home")).status_code == 200


# --- search, groups, the patron's page ---


@pytest.mark.django_db
def test_search_by_full_name_and_by_group(client, volunteer_a, school_a):
    group = GroupFactory(school=school_a, name="Groep 4A")
    PatronFactory(school=school_a, first_name="Sanne", name_prefix="van den", last_name="Berg", group=group)
    PatronFactory(school=school_a, first_name="Daan", name_prefix="", last_name="Bakker")
    client.force_login(volunteer_a)
    body = client.get(reverse("client:patron_list"), {"q": "sanne berg"}).content.decode()
    assert "Berg, Sanne van den" in body and "Bakker" not in body
    body = client.get(reverse("client:patron_list"), {"q": "groep 4a"}).content.decode()
    assert "Berg, Sanne van den" in body and "Bakker" not in body
    body = client.get(reverse("client:patron_list"), {"groep": group.pk}).content.decode()
    assert "Berg, Sanne van den" in body and "Bakker" not in body


@pytest.mark.django_db
def test_volunteer_cannot_search_on_student_numbers(client, volunteer_a, admin_a, school_a):
    PatronFactory(school=school_a, last_name="Leerling", student_number="998877")
    client.force_login(volunteer_a)
    assert "Leerling" not in client.get(reverse("client:patron_list"), {"q": "998877"}).content.decode()
    client.force_login(admin_a)
    assert "Leerling" in client.get(reverse("client:patron_list"), {"q": "998877"}).content.decode()


@pytest.mark.django_db
def test_group_list_counts_active_patrons_of_this_school(client, volunteer_a, school_a, school_b):
    group = GroupFactory(school=school_a, name="Groep 8C")
    PatronFactory(school=school_a, group=group)
    PatronFactory(school=school_a, group=group, status=Patron.Status.DEREGISTERED)
    GroupFactory(school=school_b, name="Groep Beta")
    client.force_login(volunteer_a)
    body = client.get(reverse("client:group_list")).content.decode()
    assert "Groep 8C" in body and "Groep Beta" not in body
    assert "Passen" not in body  # no printouts for a volunteer


@pytest.mark.django_db
def test_patron_page_shows_loans_overdue_and_history(client, volunteer_a, school_a):
    patron = PatronFactory(school=school_a)
    LoanFactory(copy=CopyFactory(school=school_a, title__title="Open boek"), patron=patron)
    LoanFactory(
        copy=CopyFactory(school=school_a, title__title="Laat boek"),
        patron=patron,
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    LoanFactory(copy=CopyFactory(school=school_a, title__title="Oud boek"), patron=patron, returned_at=timezone.now())
    client.force_login(volunteer_a)
    body = client.get(reverse("client:patron_detail", args=[patron.pk])).content.decode()
    assert "Open boek" in body and "Laat boek" in body and "te laat" in body and "Oud boek" in body
    assert reverse("client:patron_edit", args=[patron.pk]) not in body
    assert reverse("client:cards_pdf") not in body


# --- adding, editing, deregistering ---


@pytest.mark.django_db
def test_add_a_pupil_by_hand_gets_a_card_number(client, admin_a, school_a):
    group = GroupFactory(school=school_a, name="Groep 3B", year_level=3)
    client.force_login(admin_a)
    assert client.get(reverse("client:patron_add"), {"groep": group.pk}).status_code == 200
    response = client.post(
        reverse("client:patron_add"),
        {"kind": "student", "first_name": "Noor", "last_name": "Visser", "group": group.pk, "birth_date": "2018-02-03"},
    )
    patron = Patron.objects.get(last_name="Visser")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/leners/{patron.pk}/")
    assert patron.school == school_a and patron.group == group and patron.year_level == 3
    assert patron.birth_date == dt.date(2018, 2, 3) and is_valid_card_number(patron.card_number)


@pytest.mark.django_db
def test_add_a_teacher_with_a_typed_card_number_that_is_taken(client, admin_a, school_a, school_b):
    PatronFactory(school=school_b, card_number="44440001")
    client.force_login(admin_a)
    data = {"kind": "teacher", "first_name": "Juf", "last_name": "Ans", "card_number": "44440001"}
    response = client.post(reverse("client:patron_add"), data)
    assert response.status_code == 200 and "al in gebruik" in response.content.decode()
    data["card_number"] = "44440002"
    assert client.post(reverse("client:patron_add"), data).status_code == 302
    assert Patron.objects.get(card_number="44440002").kind == "teacher"


@pytest.mark.django_db
def test_add_refuses_a_group_of_another_school(client, admin_a, school_a, school_b):
    other = GroupFactory(school=school_b)
    client.force_login(admin_a)
    response = client.post(reverse("client:patron_add"), {"kind": "student", "last_name": "X", "group": other.pk})
    assert response.status_code == 200 and not Patron.objects.filter(last_name="X").exists()


@pytest.mark.django_db
def test_edit_patron_and_give_a_new_card_number(client, admin_a, school_a):
    patron = PatronFactory(school=school_a, last_name="Oud")
    old_number = patron.card_number
    client.force_login(admin_a)
    page = client.get(reverse("client:patron_edit", args=[patron.pk])).content.decode()
    assert old_number in page and 'value="Oud"' in page
    response = client.post(
        reverse("client:patron_edit", args=[patron.pk]),
        {"kind": "student", "last_name": "Nieuw", "card_number": old_number, "new_card_number": "on"},
    )
    assert response.status_code == 302
    patron.refresh_from_db()
    assert patron.last_name == "Nieuw" and patron.card_number != old_number


@pytest.mark.django_db
def test_deregister_and_reactivate_from_the_patron_page(client, admin_a, school_a):
    patron = PatronFactory(school=school_a)
    client.force_login(admin_a)
    client.post(reverse("client:patron_deregister", args=[patron.pk]))
    patron.refresh_from_db()
    assert patron.status == Patron.Status.DEREGISTERED
    assert "Weer inschrijven" in client.get(reverse("client:patron_detail", args=[patron.pk])).content.decode()
    client.post(reverse("client:patron_reactivate", args=[patron.pk]))
    patron.refresh_from_db()
    assert patron.is_active
    assert AuditEvent.objects.filter(object_id=str(patron.pk), action="update").count() == 2


@pytest.mark.django_db
def test_deregister_asks_first_and_a_get_changes_nothing(client, admin_a, school_a):
    patron = PatronFactory(school=school_a, first_name="Sanne", name_prefix="de", last_name="Vries")
    client.force_login(admin_a)
    response = client.get(reverse("client:patron_deregister", args=[patron.pk]))
    patron.refresh_from_db()
    assert response.status_code == 200 and patron.is_active
    assert "Sanne de Vries uitschrijven?" in response.content.decode()


@pytest.mark.django_db
def test_deregister_confirmation_says_how_many_books_stay_out(client, admin_a, school_a):
    patron = PatronFactory(school=school_a, first_name="Sanne", name_prefix="de", last_name="Vries")
    LoanFactory(patron=patron, copy=CopyFactory(school=school_a))
    LoanFactory(patron=patron, copy=CopyFactory(school=school_a))
    client.force_login(admin_a)
    body = client.get(reverse("client:patron_deregister", args=[patron.pk])).content.decode()
    assert "Sanne de Vries heeft nog 2 boeken." in body
    assert "Uitschrijven laat die uitleningen open staan" in body
    assert "Toch uitschrijven" in body


@pytest.mark.django_db
def test_patron_page_links_to_the_deregister_question_not_a_one_click_form(client, admin_a, school_a):
    patron = PatronFactory(school=school_a)
    client.force_login(admin_a)
    body = client.get(reverse("client:patron_detail", args=[patron.pk])).content.decode()
    url = reverse("client:patron_deregister", args=[patron.pk])
    assert f'href="{url}"' in body and f'action="{url}"' not in body


@pytest.mark.django_db
def test_volunteer_cannot_add_edit_or_deregister(client, volunteer_a, school_a):
    patron = PatronFactory(school=school_a, last_name="Blijft")
    client.force_login(volunteer_a)
    assert client.get(reverse("client:patron_add")).status_code == 403
    assert client.post(reverse("client:patron_add"), {"kind": "student", "last_name": "Nieuw"}).status_code == 403
    assert client.get(reverse("client:patron_edit", args=[patron.pk])).status_code == 403
    post = {"kind": "student", "last_name": "Anders", "card_number": patron.card_number}
    assert client.post(reverse("client:patron_edit", args=[patron.pk]), post).status_code == 403
    assert client.post(reverse("client:patron_deregister", args=[patron.pk])).status_code == 403
    patron.refresh_from_db()
    assert patron.last_name == "Blijft" and patron.is_active and not Patron.objects.filter(last_name="Nieuw")


@pytest.mark.django_db
def test_patron_views_of_another_school_are_refused(client, admin_a, school_b):
    other = PatronFactory(school=school_b, last_name="Geheim", status=Patron.Status.DEREGISTERED)
    assert_refused(client, admin_a, reverse("client:patron_edit", args=[other.pk]), secret="Geheim")
    post = {"kind": "student", "last_name": "Gekaapt", "card_number": other.card_number}
    assert_refused(client, admin_a, reverse("client:patron_edit", args=[other.pk]), method="post", data=post)
    assert_refused(client, admin_a, reverse("client:patron_reactivate", args=[other.pk]), method="post")
    active = PatronFactory(school=school_b)
    assert_refused(client, admin_a, reverse("client:patron_deregister", args=[active.pk]), method="post")
    other.refresh_from_db()
    active.refresh_from_db()
    assert other.last_name == "Geheim" and not other.is_active and active.is_active


@pytest.mark.django_db
def test_group_list_page_of_another_school_by_id(client, admin_a, school_b):
    group = GroupFactory(school=school_b, name="Groep Geheim")
    PatronFactory(school=school_b, group=group, last_name="Betaleerling")
    client.force_login(admin_a)
    body = client.get(reverse("client:patron_list"), {"groep": group.pk}).content.decode()
    assert "Betaleerling" not in body and "Groep Geheim" not in body


@pytest.mark.django_db
def test_patron_page_lists_open_reservations_with_a_link_to_the_desk(client, admin_a, volunteer_a, school_a, school_b):
    from mediatheek.catalog.models import Copy
    from mediatheek.circulation import services as circulation

    patron = PatronFactory(school=school_a)
    waiting = circulation.place_reservation(
        title=CopyFactory(school=school_a, status=Copy.Status.LENT, title__title="Wachtboek").title,
        patron=patron,
        by=None,
    )
    closed = circulation.place_reservation(
        title=CopyFactory(school=school_a, status=Copy.Status.LENT, title__title="Geannuleerdboek").title,
        patron=patron,
        by=None,
    )
    circulation.cancel_reservation(reservation=closed, by=None)
    for user in (admin_a, volunteer_a):
        client.force_login(user)
        body = client.get(reverse("client:patron_detail", args=[patron.pk])).content.decode()
        assert "Reserveringen" in body and "Wachtboek" in body and "Geannuleerdboek" not in body
        assert reverse("client:desk_patron", args=[patron.pk]) in body
    assert waiting.status == "waiting"
    empty = PatronFactory(school=school_a)
    assert "Geen reserveringen." in client.get(reverse("client:patron_detail", args=[empty.pk])).content.decode()
