"""Every mail comes from the library's own address (DEFAULT_FROM_EMAIL) and carries the school's portal link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from mediatheek.circulation import services as circulation
from mediatheek.circulation.models import Reservation
from mediatheek.testing import factories as f
from mediatheek.uploads import services as uploads

FROM = "Mediatheek Bibliotheek Noord <mediatheek@bibliotheek-noord.nl>"


@pytest.fixture(autouse=True)
def _library_address(settings):
    settings.DEFAULT_FROM_EMAIL = FROM
    settings.BASE_URL = "https://bieb.example.nl"


def _only_mail():
    [message] = mail.outbox
    return message


@pytest.mark.django_db
def test_the_overdue_reminder(school_a):
    patron = f.PatronFactory(school=school_a, email="ouder@example.nl")
    f.LoanFactory(copy=f.CopyFactory(school=school_a), patron=patron, due_date=timezone.localdate() - dt.timedelta(7))
    circulation.send_overdue_reminders(school=school_a)
    message = _only_mail()
    assert message.from_email == FROM and "https://bieb.example.nl/alfa/" in message.body


@pytest.mark.django_db
def test_the_reservation_ready_mail(school_a):
    patron = f.PatronFactory(school=school_a, email="ouder@example.nl")
    reservation = f.ReservationFactory(
        school=school_a, patron=patron, status=Reservation.Status.READY, hold_until=timezone.localdate()
    )
    assert circulation.notify_ready(reservation.pk)
    message = _only_mail()
    assert message.from_email == FROM and "https://bieb.example.nl/alfa/" in message.body


@pytest.mark.django_db
def test_the_upload_notice_to_the_library(school_a):
    upload = f.StudentUploadFactory(school=school_a)
    assert uploads.notify_library(upload.pk)
    message = _only_mail()
    assert message.from_email == FROM and "https://bieb.example.nl/alfa/" in message.body
