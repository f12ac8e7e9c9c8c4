"""Login safety: Argon2id, throttling per login + IP, one message for every failed login, session renewal,
idle/absolute time-outs and the second factor (TOTP) for library staff."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediatheek.accounts.models import Role, User
from mediatheek.accounts.services import create_account
from mediatheek.core.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from mediatheek.testing import factories as f

SCHOOL_IP = "145.100.20.7"


def _pupils(school, count: int) -> list[User]:
    """`count` pupils with a portal login; one Argon2 hash shared, so setting up stays quick."""
    shared = make_password(f.TEST_PASSWORD)
    users = []
    for patron in f.PatronFactory.create_batch(count, school=school):
        users.append(
            User.objects.create(
                username=patron.card_number, role=Role.PATRON, school=school, patron=patron, password=shared
            )
        )
    return users


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2id(school_a):
    user, _generated = create_account(role="volunteer", login="balie", school=school_a, password="een-lang-geheim-7")
    assert user.password.startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_portal_a_class_from_one_ip_is_not_locked_out_but_a_guessed_login_is(client, school_a, settings):
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    login_url = reverse("portal:login", kwargs={"slug": school_a.slug})
    pupils = _pupils(school_a, 31)
    victim, classmates = pupils[0], pupils[1:]
    for _attempt in range(20):
        response = client.post(login_url, {"username": victim.username, "password": "geraden"}, REMOTE_ADDR=SCHOOL_IP)
    assert response.status_code == 429
    # The 30 other pupils of the class, same school IP, right after: all get in.
    for pupil in classmates:
        response = client.post(
            login_url, {"username": pupil.username, "password": f.TEST_PASSWORD}, REMOTE_ADDR=SCHOOL_IP
        )
        assert response.status_code == 302, pupil.username
        client.post(reverse("portal:logout", kwargs={"slug": school_a.slug}), REMOTE_ADDR=SCHOOL_IP)
    # The guessed login stays locked, even with the right password, for the cool-off.
    locked = client.post(login_url, {"username": victim.username, "password": f.TEST_PASSWORD}, REMOTE_ADDR=SCHOOL_IP)
    assert locked.status_code == 429
    assert settings.AXES_COOLOFF_TIME > 0


@pytest.mark.django_db
def test_client_a_busy_desk_ip_is_not_locked_out_but_a_guessed_login_is(client, school_a):
    shared = make_password(f.TEST_PASSWORD)
    users = [
        User.objects.create(username=f"vrijwilliger{n}", role=Role.VOLUNTEER, school=school_a, password=shared)
        for n in range(31)
    ]
    victim, others = users[0], users[1:]
    login_url = reverse("client:login")
    for _attempt in range(20):
        response = client.post(login_url, {"username": victim.username, "password": "geraden"}, REMOTE_ADDR=SCHOOL_IP)
    assert response.status_code == 429
    for user in others:
        response = client.post(
            login_url, {"username": user.username, "password": f.TEST_PASSWORD}, REMOTE_ADDR=SCHOOL_IP
        )
        assert response.status_code == 302, user.username
        client.post(reverse("client:logout"), REMOTE_ADDR=SCHOOL_IP)
    locked = client.post(login_url, {"username": victim.username, "password": f.TEST_PASSWORD}, REMOTE_ADDR=SCHOOL_IP)
    assert locked.status_code == 429


def _error_text(response) -> str:
    return " ".join(str(error) for error in response.context["form"].non_field_errors())


@pytest.mark.django_db
def test_unknown_login_and_wrong_password_get_the_same_message(client, school_a, volunteer_a):
    login_url = reverse("client:login")
    unknown = client.post(login_url, {"username": "bestaat-niet", "password": "iets"})
    wrong = client.post(login_url, {"username": volunteer_a.username, "password": "iets"})
    assert unknown.status_code == wrong.status_code == 200
    assert _error_text(unknown) == _error_text(wrong) != ""

    pupil = _pupils(school_a, 1)[0]
    portal_login = reverse("portal:login", kwargs={"slug": school_a.slug})
    unknown = client.post(portal_login, {"username": "99999999", "password": "iets"})
    wrong = client.post(portal_login, {"username": pupil.username, "password": "iets"})
    assert _error_text(unknown) == _error_text(wrong) != ""


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["client", "portal"])
def test_session_is_renewed_at_login(client, school_a, volunteer_a, where):
    session = client.session
    session["voor-het-inloggen"] = 1
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    if where == "client":
        response = client.post(reverse("client:login"), {"username": volunteer_a.username, "password": f.TEST_PASSWORD})
    else:
        pupil = _pupils(school_a, 1)[0]
        url = reverse("portal:login", kwargs={"slug": school_a.slug})
        response = client.post(url, {"username": pupil.username, "password": f.TEST_PASSWORD})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after and after != before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "age_setting"),
    [(SESSION_SEEN_KEY, "SESSION_IDLE_TIMEOUT"), (SESSION_STARTED_KEY, "SESSION_ABSOLUTE_TIMEOUT")],
)
def test_idle_and_absolute_time_outs_log_out(client, settings, school_a, volunteer_a, key, age_setting):
    assert settings.SESSION_IDLE_TIMEOUT == 3600 and settings.SESSION_ABSOLUTE_TIMEOUT == 36000
    client.force_login(volunteer_a)
    assert client.get("/client/").status_code == 200
    session = client.session
    session[key] = int(time.time()) - getattr(settings, age_setting) - 5
    session.save()
    response = client.get("/client/")
    assert response.status_code == 302 and "/client/inloggen/" in response["Location"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_portal_session_times_out_too(client, settings, school_a):
    pupil = _pupils(school_a, 1)[0]
    client.force_login(pupil)
    mine = reverse("portal:mine", kwargs={"slug": school_a.slug})
    assert client.get(mine).status_code == 200
    session = client.session
    session[SESSION_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get(mine)
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


@pytest.mark.django_db
def test_an_active_session_is_not_logged_out(client, school_a, volunteer_a):
    client.force_login(volunteer_a)
    for _request in range(3):
        assert client.get("/client/").status_code == 200


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_second_factor_on_by_default_for_staff_who_may_import(school_a):
    importer, _password = create_account(role="staff", login="importeur", school=None, password="een-lang-geheim-7")
    helper, _password = create_account(
        role="staff", login="helper", school=None, password="een-lang-geheim-7", may_import_students=False
    )
    admin, _password = create_account(
        role="school_admin", login="beheer", school=school_a, password="een-lang-geheim-7"
    )
    assert importer.otp_required and not helper.otp_required and not admin.otp_required
    assert not f.staff().otp_required  # test factories keep it off


@pytest.mark.django_db
def test_second_factor_setup_then_verify_at_each_login(client, school_a):
    user, _password = create_account(role="staff", login="importeur", school=None, password="een-lang-geheim-7")
    response = client.post(reverse("client:login"), {"username": "importeur", "password": "een-lang-geheim-7"})
    assert response.status_code == 302
    # No device yet: every client page leads to the set-up first.
    response = client.get("/client/leners/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("client:otp_setup"))
    page = client.get(reverse("client:otp_setup"))
    assert page.status_code == 200 and b"otp-secret" in page.content and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert client.post(reverse("client:otp_setup"), {"token": "000000"}).status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(reverse("client:otp_setup"), {"token": _code(device), "next": "/client/leners/"})
    # The recovery codes, shown once in this response, then on to where the user was going.
    assert response.status_code == 200 and b'data-testid="recovery-codes"' in response.content
    assert b'href="/client/leners/"' in response.content
    assert client.get("/client/leners/").status_code == 200

    # A new login: the password alone is not enough.
    client.post(reverse("client:logout"))
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    client.post(reverse("client:login"), {"username": "importeur", "password": "een-lang-geheim-7"})
    response = client.get("/client/leners/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("client:otp_verify"))
    # With only the password nobody can swap the app for their own.
    assert client.get(reverse("client:otp_setup"))["Location"] == reverse("client:otp_verify")
    wrong = client.post(reverse("client:otp_verify"), {"token": "123456"})
    assert wrong.status_code == 200 and "klopt niet" in wrong.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(reverse("client:otp_verify"), {"token": _code(device), "next": "/client/leners/"})
    assert response.status_code == 302 and response["Location"] == "/client/leners/"
    assert client.get("/client/leners/").status_code == 200


@pytest.mark.django_db
def test_second_factor_blocks_even_a_forced_session(client, school_a):
    user, _password = create_account(role="staff", login="importeur", school=None, password="een-lang-geheim-7")
    client.force_login(user)
    for url in ("/client/", "/client/leners/", "/client/accounts/"):
        response = client.get(url)
        assert response.status_code == 302 and "/client/tweestaps/" in response["Location"]


def login_with_second_factor(client: Any, user: User) -> TOTPDevice:
    """Log `user` in with the second factor given: 2FA required, an app set up, this session verified."""
    from django_otp import DEVICE_ID_SESSION_KEY

    User.objects.filter(pk=user.pk).update(otp_required=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.mark.django_db
def test_library_staff_switch_the_second_factor_per_staff_account(client, staff_user, school_a, admin_a):
    other, _password = create_account(role="staff", login="collega", school=None, password="een-lang-geheim-7")
    TOTPDevice.objects.create(user=other, name="app", confirmed=True)
    login_with_second_factor(client, staff_user)
    page = client.get(reverse("client:security_accounts"))
    assert page.status_code == 200 and "collega" in page.content.decode()
    url = reverse("client:security_account_update", args=[other.pk])
    assert client.post(url, {"action": "off"}).status_code == 302
    other.refresh_from_db()
    assert not other.otp_required
    client.post(url, {"action": "on"})
    client.post(reverse("client:security_account_reset", args=[other.pk]))
    other.refresh_from_db()
    assert other.otp_required and not TOTPDevice.objects.filter(user=other).exists()
    # Not a school's account, and not for anyone but library staff.
    assert (
        client.post(reverse("client:security_account_update", args=[admin_a.pk]), {"action": "on"}).status_code == 404
    )
    client.force_login(admin_a)
    assert client.get(reverse("client:security_accounts")).status_code == 403
    assert client.post(url, {"action": "off"}).status_code == 403


@pytest.mark.django_db
def test_demo_library_account_logs_in_with_the_password_alone():
    from django.core.management import call_command

    call_command("seed_demo")
    assert not User.objects.get(username="bibliotheek").otp_required


# --- logins that look like card numbers are reserved for patrons (issue #12, item 5) ---


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["uploader", "volunteer"])
def test_one_school_cannot_block_anothers_login_letters(client, school_a, school_b, admin_a, admin_b, role):
    pupil = f.PatronFactory(school=school_a)
    client.force_login(admin_b)
    response = client.post(reverse("client:account_add"), {"role": role, "login": pupil.card_number})
    assert response.status_code == 200
    assert not User.objects.filter(username__iexact=pupil.card_number).exists()
    body = response.content.decode()
    assert "pasnummer" in body.lower() and pupil.full_name not in body and school_a.name not in body
    # School A's letters go out.
    client.force_login(admin_a)
    letters = client.post(reverse("client:login_letters"), {"patron": pupil.pk})
    assert letters.status_code == 200 and letters["Content-Type"] == "application/pdf"
    assert User.objects.get(username=pupil.card_number).patron == pupil


@pytest.mark.django_db
def test_a_number_in_use_as_a_login_is_never_handed_out_as_a_card_number(school_a):
    from mediatheek.patrons.cardnumbers import card_number_for
    from mediatheek.patrons.models import CardNumberSequence
    from mediatheek.patrons.services import allocate_card_numbers

    sequence, _created = CardNumberSequence.objects.get_or_create(pk=1)
    upcoming = card_number_for(sequence.last_value + 2)
    # An upload login is a number chosen by hand; it may be one the library's sequence reaches later.
    create_account(role="uploader", login=upcoming, school=school_a, password="een-lang-geheim-7")
    numbers = allocate_card_numbers(3)
    assert upcoming not in numbers and len(set(numbers)) == 3
    assert numbers[0] == card_number_for(sequence.last_value + 1)
