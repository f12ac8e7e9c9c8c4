"""The audit log in words: who and what by name and role, the IP address of every request, the login filter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mediatheek.accounts.models import Role
from mediatheek.core import audit
from mediatheek.core.models import AuditEvent
from mediatheek.testing import factories as f
from mediatheek.testing.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_rows_name_the_account_and_the_patron_in_words(client, staff_user, school_a):
    jan = f.school_user(Role.VOLUNTEER, school_a, username="jan", first_name="Jan", last_name="de Vries")
    group = f.GroupFactory(school=school_a, name="Groep 5B")
    sanne = f.PatronFactory(school=school_a, group=group, first_name="Sanne", name_prefix="de", last_name="Vries")
    audit.record("create", actor=staff_user, school=school_a, obj=jan, summary="account jan")
    audit.record("update", actor=jan, school=school_a, obj=sanne, summary="lener gewijzigd")
    client.force_login(staff_user)
    page = client.get(reverse("client:audit_log")).content.decode()
    assert "vrijwilliger Jan de Vries" in page
    assert "leerling Sanne de Vries (Groep 5B)" in page
    assert "bibliotheekmedewerker Bea Bieb" in page
    assert "accounts.user" not in page and "patrons.patron" not in page


@pytest.mark.django_db
def test_a_removed_object_falls_back_to_what_was_stored(client, staff_user, school_a):
    patron = f.PatronFactory(school=school_a, first_name="Weg", last_name="Gegaan")
    gone = f.school_user(Role.VOLUNTEER, school_a, username="oud-account")
    audit.record("delete", actor=gone, school=school_a, obj=patron, summary="lener Weg Gegaan verwijderd")
    patron.delete()
    gone.delete()
    client.force_login(staff_user)
    page = client.get(reverse("client:audit_log")).content.decode()
    assert "lener Weg Gegaan verwijderd" in page and "oud-account" in page


@pytest.mark.django_db
def test_names_are_looked_up_per_model_not_per_row(staff_user, school_a):
    for n in range(30):
        patron = f.PatronFactory(school=school_a)
        account = f.school_user(Role.VOLUNTEER, school_a, username=f"vrijwilliger{n}")
        audit.record("update", actor=account, school=school_a, obj=patron)
    from mediatheek.client.audit_names import NAMERS

    events = AuditEvent.objects.select_related("school")
    with CaptureQueriesContext(connection) as queries:
        rows = audit.rows_in_words(events, NAMERS)
    assert len(rows) == 30 and all(row.subject.startswith("leerling ") for row in rows)
    assert len(queries) <= 3  # the events, the accounts, the patrons


@pytest.mark.django_db
def test_a_login_is_recorded_with_the_requests_ip_and_found_by_the_ingelogd_filter(client, staff_user, admin_a):
    f.school_user(Role.VOLUNTEER, admin_a.school, username="jan", first_name="Jan")
    response = client.post(
        reverse("client:login"), {"username": "jan", "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor_label == "jan" and event.school == admin_a.school and event.ip_address == "203.0.113.7"
    client.force_login(staff_user)
    page = client.get(reverse("client:audit_log"), {"action": "login"}).content.decode()
    assert "vrijwilliger Jan" in page and "203.0.113.7" in page


@pytest.mark.django_db
def test_a_portal_login_is_recorded(client, school_a):
    patron = f.PatronFactory(school=school_a)
    f.patron_login(patron)
    response = client.post(
        reverse("portal:login", args=[school_a.slug]),
        {"username": patron.card_number, "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.school == school_a and event.ip_address == "198.51.100.4"


@pytest.mark.django_db
def test_an_event_recorded_without_the_request_still_gets_its_ip(client, admin_a):
    """create_account is not handed the request; the middleware gives its audit event the request's address."""
    client.force_login(admin_a)
    response = client.post(
        reverse("client:account_add"), {"role": "volunteer", "login": "piet-vrijwilliger"}, REMOTE_ADDR="192.0.2.55"
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="create", object_type="accounts.user").ip_address == "192.0.2.55"
    # Outside a request (a command, a task) there is no address.
    assert audit.record("print", summary="buiten een verzoek").ip_address is None
