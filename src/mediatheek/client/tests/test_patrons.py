import pytest
from django.urls import reverse

from mediatheek.testing.factories import PatronFactory
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
    body = client.get(reverse("client:patron_list"), {"q": patron.card_number}).content.decode()
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
