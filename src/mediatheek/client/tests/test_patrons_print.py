"""Cards, login letters and overdue lists in the client: who may print what, and what is in the PDF."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mediatheek.accounts.models import Role, User
from mediatheek.core.models import AuditEvent
from mediatheek.testing.factories import CopyFactory, GroupFactory, LoanFactory, PatronFactory, patron_login
from mediatheek.testing.isolation import assert_refused


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def late_loan(school, patron, title="Het Boek"):
    copy = CopyFactory(school=school, title__title=title)
    return LoanFactory(copy=copy, patron=patron, due_date=timezone.localdate() - dt.timedelta(days=4))


# --- cards ---


@pytest.mark.django_db
def test_cards_of_a_group(client, admin_a, school_a):
    group = GroupFactory(school=school_a, name="Groep 6B")
    pupils: list[Any] = [PatronFactory(school=school_a, group=group) for _ in range(3)]
    gone: Any = PatronFactory(school=school_a, group=group, status="deregistered")
    client.force_login(admin_a)
    text = pdf_text(client.get(reverse("client:cards_pdf"), {"group": group.pk}))
    assert all(p.card_number in text for p in pupils) and gone.card_number not in text
    assert "Groep 6B" in text and school_a.name in text
    event = AuditEvent.objects.get(action="print")
    assert event.school == school_a and event.detail["count"] == 3


@pytest.mark.django_db
def test_cards_of_a_selection_as_the_import_wizard_links(client, staff_user, school_a):
    chosen: list[Any] = [PatronFactory(school=school_a) for _ in range(2)]
    other: Any = PatronFactory(school=school_a)
    client.force_login(staff_user)
    url = reverse("client:cards_pdf") + "?" + "&".join(f"patron={p.pk}" for p in chosen)
    text = pdf_text(client.get(url))
    assert all(p.card_number in text for p in chosen) and other.card_number not in text


@pytest.mark.django_db
def test_cards_refuse_a_selection_with_a_patron_of_another_school(client, admin_a, school_a, school_b):
    mine = PatronFactory(school=school_a)
    theirs = PatronFactory(school=school_b, last_name="Betaleerling")
    url = f"{reverse('client:cards_pdf')}?patron={mine.pk}&patron={theirs.pk}"
    assert_refused(client, admin_a, url, secret=theirs.card_number)
    group = GroupFactory(school=school_b)
    assert_refused(client, admin_a, f"{reverse('client:cards_pdf')}?group={group.pk}")
    assert client.get(reverse("client:cards_pdf")).status_code == 404  # nothing chosen


# --- login letters ---


@pytest.mark.django_db
def test_login_letters_create_and_reset_portal_logins(client, admin_a, school_a):
    school_a.pupils_must_change_password = True
    school_a.save()
    group = GroupFactory(school=school_a, name="Groep 7A")
    new: Any = PatronFactory(school=school_a, group=group)
    known: Any = PatronFactory(school=school_a, group=group)
    old_login = patron_login(known)
    client.force_login(admin_a)
    confirm = client.get(reverse("client:login_letters"), {"group": group.pk}).content.decode()
    assert "al een inlog" in confirm and not User.objects.filter(patron=new).exists()  # GET changes nothing
    text = pdf_text(client.post(reverse("client:login_letters"), {"group": group.pk}))
    for patron in (new, known):
        user = User.objects.get(patron=patron)
        assert user.username == patron.card_number and user.role == Role.PATRON and user.school == school_a
        assert user.must_change_password
        assert patron.card_number in text
        password = text.split(patron.card_number, 1)[1].split("Wachtwoord", 1)[1].split()[0]
        assert user.check_password(password)
    assert not User.objects.get(pk=old_login.pk).check_password("test-wachtwoord-42")
    assert "Pasnummer" in text and "Wachtwoord" in text and "/alfa/" in text
    event = AuditEvent.objects.get(action="print")
    assert event.detail["count"] == 2 and event.detail["created"] == 1


@pytest.mark.django_db
def test_login_letters_of_another_school_are_refused(client, admin_a, school_b):
    group = GroupFactory(school=school_b)
    pupil = PatronFactory(school=school_b, group=group, last_name="Betaleerling")
    url = reverse("client:login_letters")
    assert_refused(client, admin_a, f"{url}?group={group.pk}", secret="Betaleerling")
    assert_refused(client, admin_a, url, method="post", data={"group": group.pk})
    assert_refused(client, admin_a, url, method="post", data={"patron": pupil.pk})
    assert not User.objects.filter(patron=pupil).exists()


# --- overdue ---


@pytest.mark.django_db
def test_overdue_list_and_pdf_per_group(client, admin_a, school_a, school_b):
    group = GroupFactory(school=school_a, name="Groep 5A")
    pupil = PatronFactory(school=school_a, group=group, last_name="Laatkomer")
    late_loan(school_a, pupil, title="Pluk van de Petteflet")
    late_loan(school_b, PatronFactory(school=school_b, last_name="Betalaat"))
    client.force_login(admin_a)
    body = client.get(reverse("client:overdue_list")).content.decode()
    assert "Laatkomer" in body and "Pluk van de Petteflet" in body and "Betalaat" not in body
    assert '<td class="number">4</td>' in body  # days late
    text = pdf_text(client.get(reverse("client:overdue_pdf"), {"groep": group.pk}))
    assert "Groep 5A" in text and "Laatkomer" in text and "Pluk van de Petteflet" in text
    assert AuditEvent.objects.filter(action="print", school=school_a).exists()


@pytest.mark.django_db
def test_reminder_button_mails_overdue_patrons(client, admin_a, school_a):
    late_loan(school_a, PatronFactory(school=school_a, email="ouder@example.nl"))
    late_loan(school_a, PatronFactory(school=school_a, email="", last_name="Zondermail"))
    client.force_login(admin_a)
    response = client.post(reverse("client:overdue_remind"), follow=True)
    body = response.content.decode()
    assert [m.to for m in mail.outbox] == [["ouder@example.nl"]]
    assert "1 herinnering verstuurd" in body and "Zondermail" in body
    client.post(reverse("client:overdue_remind"))
    assert len(mail.outbox) == 1  # not again within the interval


@pytest.mark.django_db
def test_overdue_of_another_school_is_refused(client, admin_a, school_b):
    group = GroupFactory(school=school_b, name="Groep Beta")
    late_loan(school_b, PatronFactory(school=school_b, group=group, last_name="Betalaat", email="b@example.nl"))
    assert_refused(client, admin_a, f"{reverse('client:overdue_list')}?groep={group.pk}", secret="Betalaat")
    assert_refused(client, admin_a, f"{reverse('client:overdue_pdf')}?groep={group.pk}")
    assert_refused(client, admin_a, reverse("client:overdue_remind"), method="post", data={"groep": group.pk})
    assert mail.outbox == []


# --- volunteers: names and groups only ---


@pytest.mark.django_db
def test_volunteer_gets_no_cards_letters_or_overdue_lists(client, volunteer_a, school_a):
    group = GroupFactory(school=school_a)
    pupil = PatronFactory(school=school_a, group=group, email="x@example.nl")
    late_loan(school_a, pupil)
    client.force_login(volunteer_a)
    refused = [
        client.get(reverse("client:cards_pdf"), {"group": group.pk}),
        client.get(reverse("client:cards_pdf"), {"patron": pupil.pk}),
        client.get(reverse("client:login_letters"), {"group": group.pk}),
        client.post(reverse("client:login_letters"), {"group": group.pk}),
        client.get(reverse("client:overdue_list")),
        client.get(reverse("client:overdue_pdf")),
        client.post(reverse("client:overdue_remind")),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert not User.objects.filter(patron=pupil).exists() and mail.outbox == []
    assert not AuditEvent.objects.filter(action="print").exists()
    page = client.get(reverse("client:patron_list"), {"groep": group.pk}).content.decode()
    assert reverse("client:cards_pdf") not in page and reverse("client:overdue_list") not in page
    assert 'name="patron"' not in page


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login(client, school_a):
    response = client.get(reverse("client:cards_pdf"), {"group": GroupFactory(school=school_a).pk})
    assert response.status_code == 302 and "inloggen" in response.headers["Location"]


@pytest.mark.django_db
def test_login_letters_skip_and_name_pupils_whose_card_number_is_another_login(client, admin_a, school_a, school_b):
    """Another school's account named after a pupil's card number must not block the whole class's letters."""
    group = GroupFactory(school=school_a, name="Groep 5C")
    fine: Any = PatronFactory(school=school_a, group=group, first_name="Sanne", name_prefix="", last_name="Berg")
    blocked: list[Any] = [
        PatronFactory(school=school_a, group=group, first_name="Bram", name_prefix="", last_name="Bakker"),
        PatronFactory(school=school_a, group=group, first_name="Noor", name_prefix="", last_name="Visser"),
    ]
    # Made before such logins were refused (create_account refuses them now): school B's accounts.
    User.objects.create(username=blocked[0].card_number, role=Role.UPLOADER, school=school_b)
    User.objects.create(username=blocked[1].card_number, role=Role.VOLUNTEER, school=school_b)
    client.force_login(admin_a)

    confirm = client.get(reverse("client:login_letters"), {"group": group.pk}).content.decode()
    assert "Voor 2 leerlingen is geen inlogbrief gemaakt" in confirm
    assert "Bram Bakker" in confirm and "Noor Visser" in confirm

    response = client.post(reverse("client:login_letters"), {"group": group.pk})
    text = pdf_text(response)
    assert fine.card_number in text
    assert all(p.card_number not in text for p in blocked)
    assert User.objects.get(patron=fine).username == fine.card_number
    assert not User.objects.filter(patron__in=blocked).exists()
    # The other school's accounts are untouched.
    assert User.objects.filter(school=school_b, role__in=[Role.UPLOADER, Role.VOLUNTEER]).count() == 2
    event = AuditEvent.objects.get(action="print")
    assert event.detail["count"] == 1 and sorted(event.detail["skipped"]) == sorted(p.pk for p in blocked)
    warning = client.get(reverse("client:patron_list")).content.decode()
    assert "Voor 2 leerlingen is geen inlogbrief gemaakt: Bram Bakker, Noor Visser" in warning


@pytest.mark.django_db
def test_login_letters_when_every_pupil_conflicts_say_so_and_print_nothing(client, admin_a, school_a, school_b):
    pupil: Any = PatronFactory(school=school_a, first_name="Bram", name_prefix="", last_name="Bakker")
    User.objects.create(username=pupil.card_number, role=Role.UPLOADER, school=school_b)
    client.force_login(admin_a)
    response = client.post(reverse("client:login_letters"), {"patron": pupil.pk})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "Voor 1 leerling is geen inlogbrief gemaakt: Bram Bakker" in response.content.decode()
    assert not User.objects.filter(patron=pupil).exists()
