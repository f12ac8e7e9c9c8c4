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


# --- changing one's own password (issue #12, item 4) ---

NEW_PASSWORD = "mijn-eigen-geheim-9"  # noqa: S105 - tests only


def _change(client, **fields):
    return client.post(
        reverse("client:password_change"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, **fields}
    )


@pytest.mark.django_db
def test_voluntary_password_change_needs_the_current_password(client, school_a, volunteer_a):
    from mediatheek.core.models import AuditEvent

    client.force_login(volunteer_a)
    assert "Huidig wachtwoord" in client.get(reverse("client:password_change")).content.decode()
    for fields in ({}, {"old_password": "geraden-wachtwoord"}):
        response = _change(client, **fields)
        assert response.status_code == 200
        volunteer_a.refresh_from_db()
        assert volunteer_a.check_password(TEST_PASSWORD) and not volunteer_a.check_password(NEW_PASSWORD)
    assert "Je huidige wachtwoord klopt niet." in response.content.decode()
    assert not AuditEvent.objects.filter(object_id=str(volunteer_a.pk), summary__contains="wachtwoord").exists()

    response = _change(client, old_password=TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("client:home")
    volunteer_a.refresh_from_db()
    assert volunteer_a.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(object_id=str(volunteer_a.pk), summary__contains="wachtwoord gewijzigd")
    assert event.actor == volunteer_a and event.school == school_a and event.action == "update"
    assert client.get("/client/leners/").status_code == 200  # this session stays logged in


@pytest.mark.django_db
def test_forced_password_change_asks_no_current_password_and_is_audited(client, school_a):
    from mediatheek.core.models import AuditEvent

    user = UserFactory(role="volunteer", school=school_a, username="nieuw", must_change_password=True)
    client.force_login(user)
    assert "Huidig wachtwoord" not in client.get(reverse("client:password_change")).content.decode()
    assert _change(client).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.must_change_password
    assert AuditEvent.objects.filter(object_id=str(user.pk), summary__contains="(eerste keer)").exists()


@pytest.mark.django_db
def test_password_change_ends_the_accounts_other_sessions_only(client, school_a, volunteer_a, admin_a):
    from django.test import Client

    from mediatheek.accounts.models import LoginSession

    other_desk, colleague = Client(), Client()
    other_desk.force_login(volunteer_a)
    colleague.force_login(admin_a)
    client.force_login(volunteer_a)
    assert LoginSession.objects.filter(user_id=volunteer_a.pk).count() == 2
    assert _change(client, old_password=TEST_PASSWORD).status_code == 302
    # The other session of the account is gone from the store, not merely refused at its next request.
    [kept] = LoginSession.objects.filter(user_id=volunteer_a.pk)
    assert kept.session_key == client.session.session_key
    assert client.get("/client/leners/").status_code == 200
    assert other_desk.get("/client/leners/").status_code == 302
    assert colleague.get("/client/leners/").status_code == 200  # another account is left alone


@pytest.mark.django_db
def test_guessing_the_current_password_logs_the_session_out(client, school_a, volunteer_a):
    from mediatheek.accounts.services import PASSWORD_CHANGE_ATTEMPTS
    from mediatheek.core.models import AuditEvent

    client.force_login(volunteer_a)
    for attempt in range(PASSWORD_CHANGE_ATTEMPTS - 1):
        assert _change(client, old_password=f"gok-{attempt}").status_code == 200
    response = _change(client, old_password="nog-een-gok")
    assert response.status_code == 302 and response["Location"] == reverse("client:login")
    # Logged out: guessing on goes through the login, which django-axes throttles per login + IP.
    assert _change(client, old_password=TEST_PASSWORD).status_code == 302
    assert client.get("/client/leners/").status_code == 302
    volunteer_a.refresh_from_db()
    assert volunteer_a.check_password(TEST_PASSWORD)
    assert AuditEvent.objects.filter(object_id=str(volunteer_a.pk), summary__contains="verkeerd huidig").exists()
    # The owner logs in again and has a fresh count.
    client.force_login(volunteer_a)
    assert _change(client, old_password="typfout").status_code == 200
    assert _change(client, old_password=TEST_PASSWORD).status_code == 302
