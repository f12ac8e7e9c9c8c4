"""Changing one's own password on the portal (issue #12, item 4): pupils and the school's upload login."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mediatheek.accounts.models import Role, User
from mediatheek.core.models import AuditEvent
from mediatheek.testing.factories import TEST_PASSWORD, PatronFactory, patron_login, school_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mijn-eigen-geheim-9"  # noqa: S105 - tests only


@pytest.fixture
def pupil_login(school_a: Any) -> User:
    return patron_login(PatronFactory(school=school_a))


def _url(school: Any) -> str:
    return reverse("portal:password_change", kwargs={"slug": school.slug})


def _change(client: Client, school: Any, **fields: str) -> Any:
    return client.post(_url(school), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, **fields})


@pytest.mark.parametrize("who", ["pupil", "uploader"])
def test_voluntary_change_needs_the_current_password(client, school_a, pupil_login, who):
    user = pupil_login if who == "pupil" else school_user(Role.UPLOADER, school_a, username="700123")
    client.force_login(user)
    assert "Huidig wachtwoord" in client.get(_url(school_a)).content.decode()
    for fields in ({}, {"old_password": "geraden"}):
        assert _change(client, school_a, **fields).status_code == 200
        user.refresh_from_db()
        assert user.check_password(TEST_PASSWORD)
    response = _change(client, school_a, old_password=TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("portal:mine", args=[school_a.slug])
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(object_id=str(user.pk), actor=user, summary="eigen wachtwoord gewijzigd").exists()


def test_a_wrong_current_password_gets_a_clear_message(client, school_a, pupil_login):
    client.force_login(pupil_login)
    body = _change(client, school_a, old_password="geraden").content.decode()
    assert "Je huidige wachtwoord klopt niet." in body


def test_first_login_change_needs_no_current_password(client, school_a):
    pupil = patron_login(PatronFactory(school=school_a), must_change_password=True)
    client.force_login(pupil)
    assert client.get(reverse("portal:mine", args=[school_a.slug]))["Location"] == _url(school_a)
    assert "Huidig wachtwoord" not in client.get(_url(school_a)).content.decode()
    assert _change(client, school_a).status_code == 302
    pupil.refresh_from_db()
    assert pupil.check_password(NEW_PASSWORD) and not pupil.must_change_password
    assert AuditEvent.objects.filter(
        object_id=str(pupil.pk), summary="eigen wachtwoord gewijzigd (eerste keer)"
    ).exists()


def test_change_ends_the_other_sessions_of_the_pupil(client, school_a, pupil_login):
    from mediatheek.accounts.models import LoginSession

    at_home = Client()
    at_home.force_login(pupil_login)
    client.force_login(pupil_login)
    assert _change(client, school_a, old_password=TEST_PASSWORD).status_code == 302
    assert list(LoginSession.objects.filter(user_id=pupil_login.pk).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    mine = reverse("portal:mine", args=[school_a.slug])
    assert client.get(mine).status_code == 200
    assert at_home.get(mine).status_code == 302


def test_guessing_the_current_password_logs_out(client, school_a, pupil_login):
    from mediatheek.accounts.services import PASSWORD_CHANGE_ATTEMPTS

    client.force_login(pupil_login)
    for attempt in range(PASSWORD_CHANGE_ATTEMPTS - 1):
        assert _change(client, school_a, old_password=f"gok-{attempt}").status_code == 200
    response = _change(client, school_a, old_password="laatste-gok")
    assert response.status_code == 302 and response["Location"] == reverse("portal:login", args=[school_a.slug])
    assert client.get(reverse("portal:mine", args=[school_a.slug])).status_code == 302
    pupil_login.refresh_from_db()
    assert pupil_login.check_password(TEST_PASSWORD)
