import pytest
from django.urls import reverse

from mediatheek.testing.factories import TEST_PASSWORD, UserFactory


@pytest.mark.django_db
def test_client_login_with_gebruikersnaam_and_wachtwoord(client, staff_user, school_a):
    page = client.get(reverse("client:login"))
    assert "Gebruikersnaam" in page.content.decode() and "Wachtwoord" in page.content.decode()
    response = client.post(reverse("client:login"), {"username": "bieb", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/client/"
    assert client.get("/client/").status_code == 200


@pytest.mark.django_db
def test_portal_logins_cannot_use_the_client(client, uploader_a):
    response = client.post(reverse("client:login"), {"username": uploader_a.username, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "klopt niet" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_goes_to_login(client, school_a):
    response = client.get("/client/leners/")
    assert response.status_code == 302 and "/client/inloggen/" in response["Location"]


@pytest.mark.django_db
def test_generated_password_must_be_changed_first(client, school_a):
    user = UserFactory(role="volunteer", school=school_a, username="nieuw", must_change_password=True)
    client.force_login(user)
    response = client.get("/client/leners/")
    assert response.status_code == 302 and response["Location"] == reverse("client:password_change")
    response = client.post(
        reverse("client:password_change"),
        {"new_password1": "mijn-eigen-geheim-9", "new_password2": "mijn-eigen-geheim-9"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("mijn-eigen-geheim-9")
    assert client.get("/client/leners/").status_code == 200


@pytest.mark.django_db
def test_throttling_is_per_login_and_ip(client, school_a, settings):
    settings.AXES_FAILURE_LIMIT = 5
    UserFactory(username="victim", role="staff")
    UserFactory(username="classmate", role="staff")
    for _attempt in range(6):
        client.post(reverse("client:login"), {"username": "victim", "password": "fout"})
    locked = client.post(reverse("client:login"), {"username": "victim", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    # Another login from the same IP is not locked out with it.
    other = client.post(reverse("client:login"), {"username": "classmate", "password": TEST_PASSWORD})
    assert other.status_code == 302


@pytest.mark.django_db
def test_manifest_makes_the_client_installable(client):
    data = client.get("/client/manifest.webmanifest").json()
    assert data["display"] == "standalone" and data["start_url"] == "/client/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert client.get("/client/sw.js").status_code == 200


@pytest.mark.django_db
def test_portal_session_opening_the_client_sees_the_login_form(client, uploader_a):
    client.force_login(uploader_a)
    response = client.get("/client/", follow=True)
    assert response.status_code == 200 and len(response.redirect_chain) == 1
    assert "Gebruikersnaam" in response.content.decode()


@pytest.mark.django_db
def test_logged_in_staff_skips_the_login_form(client, staff_user, school_a):
    client.force_login(staff_user)
    response = client.get(reverse("client:login"))
    assert response.status_code == 302 and response["Location"] == "/client/"
