"""The client's "Wachtwoord vergeten?" pages, and the links to change one's password."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediatheek.accounts.models import Role
from mediatheek.testing import factories as f

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "een-nieuw-geheim-77"  # noqa: S105 - tests only
SAME_ANSWER = "Als dit account een e-mailadres heeft, is er een link gestuurd."


def _link() -> str:
    match = re.search(r"http://[^/]+(/client/wachtwoord-vergeten/[^\s]+/)", mail.outbox[-1].body)
    assert match is not None
    return match.group(1)


def test_the_login_page_offers_a_forgotten_password_link(client):
    page = client.get(reverse("client:login")).content.decode()
    assert reverse("client:password_reset") in page and "Wachtwoord vergeten?" in page


def test_the_client_header_links_to_changing_ones_password(client, volunteer_a):
    client.force_login(volunteer_a)
    page = client.get(reverse("client:desk")).content.decode()
    assert f'href="{reverse("client:password_change")}"' in page and "Wachtwoord wijzigen" in page


@pytest.mark.parametrize("login", ["coordinator", "niemand", "zonder-adres"])
def test_one_answer_whether_or_not_the_account_exists(client, school_a, login, django_capture_on_commit_callbacks):
    f.school_user(Role.SCHOOL_ADMIN, school_a, username="coordinator", email="coord@school.example")
    f.school_user(Role.VOLUNTEER, school_a, username="zonder-adres", email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("client:password_reset"), {"login": login})
    assert response.status_code == 200 and SAME_ANSWER in response.content.decode()
    assert len(mail.outbox) == (1 if login == "coordinator" else 0)


def test_reset_by_link_then_the_link_is_refused(client, school_a, django_capture_on_commit_callbacks):
    account = f.school_user(Role.SCHOOL_ADMIN, school_a, username="coordinator", email="coord@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("client:password_reset"), {"login": "coordinator"})
    link = _link()
    opened = client.get(link)
    # The token leaves the address bar at once.
    assert opened.status_code == 302 and opened["Location"].endswith("/nieuw-wachtwoord/")
    form = client.get(opened["Location"])
    assert form.status_code == 200 and "coordinator" in form.content.decode()
    done = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("client:login")
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    again = client.get(client.get(link)["Location"])
    assert again.status_code == 400 and "werkt niet" in again.content.decode()


def test_a_weak_new_password_is_refused(client, school_a, django_capture_on_commit_callbacks):
    account = f.school_user(Role.SCHOOL_ADMIN, school_a, username="coordinator", email="coord@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("client:password_reset"), {"login": "coordinator"})
    target = client.get(_link())["Location"]
    response = client.post(target, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.check_password(f.TEST_PASSWORD)


def test_after_the_reset_an_account_with_a_second_factor_still_gives_its_code(
    client, django_capture_on_commit_callbacks
):
    account = f.staff(username="importeur", email="imp@bieb.example", otp_required=True)
    TOTPDevice.objects.create(user=account, name="app", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("client:password_reset"), {"login": "importeur"})
    target = client.get(_link())["Location"]
    client.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.post(reverse("client:login"), {"username": "importeur", "password": NEW_PASSWORD})
    response = client.get("/client/leners/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("client:otp_verify"))


def test_too_many_requests_from_one_address_get_a_wait_message(client, settings):
    for _number in range(10):
        client.post(reverse("client:password_reset"), {"login": "iemand"})
    response = client.post(reverse("client:password_reset"), {"login": "iemand"})
    assert response.status_code == 429 and "Probeer het over een uur opnieuw" in response.content.decode()


def test_bad_input_is_a_form_error_not_a_crash(client):
    for value in ("a\x00b", "x" * 10_000, ""):
        response = client.post(reverse("client:password_reset"), {"login": value})
        assert response.status_code in (200, 429)
    assert client.get("/client/wachtwoord-vergeten/%00/x/").status_code in (302, 400, 404)


def test_a_coordinator_gives_a_volunteer_of_their_school_a_new_password(client, admin_a, volunteer_a, school_b):
    other = f.school_user(Role.VOLUNTEER, school_b, username="balie-b")
    client.force_login(admin_a)
    response = client.post(reverse("client:account_reset_password", args=[volunteer_a.pk]))
    assert response.status_code == 302
    volunteer_a.refresh_from_db()
    assert volunteer_a.must_change_password and not volunteer_a.check_password(f.TEST_PASSWORD)
    assert client.post(reverse("client:account_reset_password", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.check_password(f.TEST_PASSWORD)
