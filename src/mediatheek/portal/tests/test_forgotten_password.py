"""Forgotten portal passwords: the login page says whom to ask, and a teacher gives a pupil of their own group a
new password (on the screen or as a login letter)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mediatheek.accounts.models import LoginSession, User
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.patrons import services
from mediatheek.patrons.models import Patron
from mediatheek.testing import factories as f
from mediatheek.testing.isolation import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(school_a):
    return f.GroupFactory(school=school_a, name="Groep 5A")


@pytest.fixture
def teacher(school_a, group):
    return f.PatronFactory(school=school_a, kind=Patron.Kind.TEACHER, group=group, first_name="Juf")


@pytest.fixture
def pupil(school_a, group):
    return f.PatronFactory(school=school_a, group=group, first_name="Fleur", last_name="Vries")


def _url(pupil: Patron) -> str:
    return reverse("portal:mine_class_pupil_password", kwargs={"slug": pupil.school.slug, "pk": pupil.pk})


def test_the_portal_login_says_whom_to_ask(client, school_a):
    page = client.get(reverse("portal:login", kwargs={"slug": school_a.slug})).content.decode()
    assert "Wachtwoord vergeten?" in page and "Vraag het aan de juf/meester of de mediathecaris." in page
    assert "Pasnummer" in page and "Wachtwoord" in page


def test_the_docentmenu_offers_a_new_password_per_pupil(client, teacher, pupil):
    client.force_login(f.patron_login(teacher))
    page = client.get(reverse("portal:mine_class", kwargs={"slug": "alfa"})).content.decode()
    assert _url(pupil) in page


def test_the_teacher_is_asked_first(client, teacher, pupil):
    account = f.patron_login(pupil)
    client.force_login(f.patron_login(teacher))
    page = client.get(_url(pupil))
    assert page.status_code == 200 and "Het oude wachtwoord werkt daarna niet meer" in page.content.decode()
    account.refresh_from_db()
    assert account.check_password(f.TEST_PASSWORD)


def test_a_new_password_is_shown_once_and_the_pupils_sessions_end(client, teacher, pupil):
    account = f.patron_login(pupil)
    session = f.LoginSessionFactory(user_id=account.pk)
    client.force_login(f.patron_login(teacher))
    response = client.post(_url(pupil))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    account.refresh_from_db()
    shown = body.split('data-testid="new-password">')[1].split("<")[0]
    assert account.check_password(shown) and pupil.card_number in body
    assert not LoginSession.objects.filter(pk=session.pk).exists()
    event = AuditEvent.objects.get(summary__startswith="nieuw wachtwoord voor leerling")
    assert event.object_id == str(account.pk)


def test_a_pupil_without_a_login_gets_one(client, teacher, pupil):
    client.force_login(f.patron_login(teacher))
    client.post(_url(pupil))
    assert User.objects.filter(patron=pupil, username=pupil.card_number).exists()


def test_a_login_letter_as_pdf(client, teacher, pupil):
    f.patron_login(pupil)
    client.force_login(f.patron_login(teacher))
    response = client.post(_url(pupil), {"letter": "1"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PRINT, summary__startswith="inlogbrief").exists()


def test_not_a_pupil_of_another_group(client, school_a, teacher):
    other = f.PatronFactory(school=school_a, group=f.GroupFactory(school=school_a))
    account = f.patron_login(other)
    assert_refused(client, f.patron_login(teacher), _url(other), method="post")
    account.refresh_from_db()
    assert account.check_password(f.TEST_PASSWORD)


def test_not_a_pupil_of_another_school(client, school_b, teacher):
    other = f.PatronFactory(school=school_b, group=f.GroupFactory(school=school_b))
    account = f.patron_login(other)
    url = reverse("portal:mine_class_pupil_password", kwargs={"slug": "alfa", "pk": other.pk})
    assert_refused(client, f.patron_login(teacher), url, method="post")
    account.refresh_from_db()
    assert account.check_password(f.TEST_PASSWORD)


def test_a_pupil_cannot_reset_a_classmate(client, pupil, group, school_a):
    classmate = f.PatronFactory(school=school_a, group=group)
    assert_refused(client, f.patron_login(pupil), _url(classmate), method="post")


def test_the_service_refuses_outside_the_teachers_group(school_a, school_b, teacher):
    by = f.patron_login(teacher)
    for other in (
        f.PatronFactory(school=school_a, group=f.GroupFactory(school=school_a)),
        f.PatronFactory(school=school_b, group=f.GroupFactory(school=school_b)),
        f.PatronFactory(school=school_a, group=teacher.group, kind=Patron.Kind.TEACHER),
    ):
        with pytest.raises(DomainError):
            services.reset_pupil_login(teacher=teacher, pupil=other, by=by)
