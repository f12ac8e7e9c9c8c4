import pytest
from django.urls import reverse

from mediatheek.testing.factories import TEST_PASSWORD, PatronFactory, patron_login


@pytest.mark.django_db
def test_index_lists_the_schools(client, school_a, school_b):
    body = client.get("/").content.decode()
    assert "OBS Alfa" in body and "/beta/" in body


@pytest.mark.django_db
def test_portal_home_has_mijn_bibliotheek(client, school_a):
    body = client.get("/alfa/").content.decode()
    assert "Mijn Bibliotheek" in body and "OBS Alfa" in body


def test_unknown_portal_is_not_found(client, db):
    assert client.get("/bestaat-niet/").status_code == 404


@pytest.mark.django_db
def test_login_with_pasnummer_and_wachtwoord(client, uploader_a):
    body = client.get("/alfa/inloggen/").content.decode()
    assert "Pasnummer" in body and "Wachtwoord" in body
    response = client.post("/alfa/inloggen/", {"username": uploader_a.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/alfa/mijn/"
    assert client.get("/alfa/mijn/").status_code == 200


@pytest.mark.django_db
def test_wrong_card_and_wrong_password_give_the_same_message(client, uploader_a):
    wrong_password = client.post("/alfa/inloggen/", {"username": uploader_a.username, "password": "fout"})
    unknown_card = client.post("/alfa/inloggen/", {"username": "123456789", "password": "fout"})
    assert wrong_password.status_code == unknown_card.status_code == 200
    message = "Pasnummer of wachtwoord klopt niet."
    assert message in wrong_password.content.decode() and message in unknown_card.content.decode()


@pytest.mark.django_db
def test_login_on_another_schools_portal_is_refused(client, uploader_a, school_b):
    response = client.post("/beta/inloggen/", {"username": uploader_a.username, "password": TEST_PASSWORD})
    assert response.status_code == 200 and "klopt niet" in response.content.decode()


@pytest.mark.django_db
def test_session_of_school_a_does_not_open_school_b(client, uploader_a, school_b):
    client.force_login(uploader_a)
    response = client.get("/beta/mijn/")
    assert response.status_code == 302 and "/beta/inloggen/" in response["Location"]


@pytest.mark.django_db
def test_staff_cannot_use_the_portal_login(client, staff_user, school_a):
    response = client.post("/alfa/inloggen/", {"username": staff_user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200


@pytest.mark.django_db
def test_pupil_logs_in_with_card_number(client, school_a):
    patron = PatronFactory(school=school_a, first_name="Zoë")
    patron_login(patron)
    client.post("/alfa/inloggen/", {"username": patron.card_number, "password": TEST_PASSWORD})
    assert "Hallo Zoë" in client.get("/alfa/mijn/").content.decode()


@pytest.mark.django_db
def test_deregistered_pupil_cannot_log_in(client, school_a):
    patron = PatronFactory(school=school_a, status="deregistered")
    patron_login(patron)
    response = client.post("/alfa/inloggen/", {"username": patron.card_number, "password": TEST_PASSWORD})
    assert response.status_code == 200


@pytest.mark.django_db
def test_next_cannot_leave_the_portal(client, uploader_a):
    response = client.post(
        "/alfa/inloggen/?next=https://evil.example/",
        {"username": uploader_a.username, "password": TEST_PASSWORD},
    )
    assert response["Location"] == reverse("portal:mine", kwargs={"slug": "alfa"})


@pytest.mark.django_db
def test_pages_send_a_content_security_policy(client, school_a):
    csp = client.get("/alfa/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


@pytest.mark.django_db
def test_the_manuals_labels_stay_in_english_too(client, school_a):
    client.cookies["django_language"] = "en"
    body = client.get("/alfa/inloggen/").content.decode()
    assert 'lang="en"' in body and "Log out" not in body
    assert "Mijn Bibliotheek" in body and "Pasnummer" in body and "Wachtwoord" in body
