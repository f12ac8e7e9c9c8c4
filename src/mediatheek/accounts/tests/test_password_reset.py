"""A forgotten client password: a link by mail that works an hour and once, throttled and audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import RequestFactory

from mediatheek.accounts import password_reset
from mediatheek.accounts.models import LoginSession, Role
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.testing import factories as f

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "een-nieuw-geheim-77"  # noqa: S105 - tests only
LINK = re.compile(r"/client/wachtwoord-vergeten/(?P<uidb64>[^/]+)/(?P<token>[^/\s]+)/")


def _request(ip: str = "192.0.2.10"):
    request = RequestFactory().post("/client/wachtwoord-vergeten/", REMOTE_ADDR=ip)
    request.session = SessionStore()
    return request


def _ask(login: str, capture, ip: str = "192.0.2.10") -> None:
    with capture(execute=True):
        password_reset.request_reset(login_or_email=login, request=_request(ip))


def _link_parts() -> tuple[str, str]:
    match = LINK.search(mail.outbox[-1].body)
    assert match is not None
    return match["uidb64"], match["token"]


@pytest.fixture
def coordinator(school_a):
    return f.school_user(Role.SCHOOL_ADMIN, school_a, username="coordinator", email="coord@school.example")


def test_a_link_is_mailed_by_login_or_by_address(coordinator, django_capture_on_commit_callbacks):
    _ask("Coordinator", django_capture_on_commit_callbacks)
    _ask("COORD@school.example", django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [["coord@school.example"]] * 2
    assert "60 minuten" in mail.outbox[0].body


@pytest.mark.parametrize("login", ["niemand", "geen-adres", "12345678"])
def test_no_mail_for_unknown_accounts_without_address_or_pupils(login, school_a, django_capture_on_commit_callbacks):
    f.school_user(Role.VOLUNTEER, school_a, username="geen-adres", email="")
    pupil = f.PatronFactory(school=school_a, card_number="12345678")
    f.patron_login(pupil, email="ouder@example.org")
    _ask(login, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # Every request is audited, also the ones that lead nowhere (they count for the throttle).
    assert AuditEvent.objects.filter(summary=password_reset.REQUESTED).count() == 1


def test_the_link_works_once(coordinator, django_capture_on_commit_callbacks):
    _ask("coordinator", django_capture_on_commit_callbacks)
    uidb64, token = _link_parts()
    account = password_reset.account_for_link(uidb64, token)
    assert account == coordinator
    password_reset.complete_reset(account=account, new_password=NEW_PASSWORD, request=_request())
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)
    assert password_reset.account_for_link(uidb64, token) is None


def test_the_link_expires_after_an_hour(coordinator, django_capture_on_commit_callbacks, monkeypatch):
    start = dt.datetime(2026, 12, 1, 10, 0)
    monkeypatch.setattr(password_reset.token_generator, "_now", lambda: start)
    _ask("coordinator", django_capture_on_commit_callbacks)
    uidb64, token = _link_parts()
    monkeypatch.setattr(password_reset.token_generator, "_now", lambda: start + dt.timedelta(minutes=59))
    assert password_reset.account_for_link(uidb64, token) == coordinator
    monkeypatch.setattr(password_reset.token_generator, "_now", lambda: start + dt.timedelta(minutes=61))
    assert password_reset.account_for_link(uidb64, token) is None


@pytest.mark.parametrize("uidb64", ["", "!!", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA", "AA"])
def test_a_broken_link_names_nobody(uidb64, coordinator):
    assert password_reset.account_for_link(uidb64, "abc-def") is None


def test_the_new_password_goes_through_the_validators(coordinator):
    with pytest.raises(DomainError):
        password_reset.complete_reset(account=coordinator, new_password="12345678", request=_request())
    coordinator.refresh_from_db()
    assert coordinator.check_password(f.TEST_PASSWORD)


def test_every_session_of_the_account_ends_and_the_reset_is_audited(coordinator):
    f.LoginSessionFactory(user_id=coordinator.pk)
    f.LoginSessionFactory(user_id=coordinator.pk)
    password_reset.complete_reset(account=coordinator, new_password=NEW_PASSWORD, request=_request())
    assert not LoginSession.objects.filter(user_id=coordinator.pk).exists()
    event = AuditEvent.objects.get(summary="wachtwoord opnieuw ingesteld via de link uit de mail")
    assert event.object_id == str(coordinator.pk) and event.detail["sessions_ended"] == 2


def test_throttled_per_account(coordinator, django_capture_on_commit_callbacks):
    for number in range(password_reset.MAILS_PER_ACCOUNT + 2):
        _ask("coordinator", django_capture_on_commit_callbacks, ip=f"192.0.2.{number + 1}")
    assert len(mail.outbox) == password_reset.MAILS_PER_ACCOUNT
    assert AuditEvent.objects.filter(summary__contains="te vaak gevraagd").count() == 2


def test_throttled_per_ip_address(coordinator, django_capture_on_commit_callbacks):
    for _number in range(password_reset.REQUESTS_PER_IP):
        _ask("iemand-anders", django_capture_on_commit_callbacks)
    with pytest.raises(password_reset.TooManyRequests):
        _ask("coordinator", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # Another address is not held back by this one.
    _ask("coordinator", django_capture_on_commit_callbacks, ip="198.51.100.1")
    assert len(mail.outbox) == 1
