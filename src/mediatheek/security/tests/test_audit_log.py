"""The audit log viewer: filters (school, actor, action, date) and the CSV/Excel export; library staff read the
whole log, a school's coordinator their own school's, volunteers nothing."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from mediatheek.core import audit
from mediatheek.core.models import AuditEvent


@pytest.fixture
def events(school_a, school_b, staff_user, admin_a, admin_b):
    audit.record("upload", actor=admin_a, school=school_a, summary="leerlingbestand alfa.csv")
    audit.record("download", actor=staff_user, school=school_a, summary="leerlingbestand alfa.csv gedownload")
    audit.record("export", actor=admin_b, school=school_b, summary='=HYPERLINK("http://x") export beta')
    old = audit.record("delete", actor=staff_user, school=school_b, summary="oude gebeurtenis")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))


@pytest.mark.django_db
def test_audit_log_filters(client, staff_user, school_a, school_b, events):
    client.force_login(staff_user)
    url = reverse("client:audit_log")
    page = client.get(url).content.decode()
    assert "alfa.csv" in page and "export beta" in page and "oude gebeurtenis" in page
    page = client.get(url, {"school": school_a.pk}).content.decode()
    assert "alfa.csv" in page and "export beta" not in page
    page = client.get(url, {"actor": "admin-b"}).content.decode()
    assert "export beta" in page and "alfa.csv" not in page
    page = client.get(url, {"action": "download"}).content.decode()
    assert "gedownload" in page and "leerlingbestand alfa.csv</td>" not in page
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    page = client.get(url, {"date_from": since}).content.decode()
    assert "oude gebeurtenis" not in page and "alfa.csv" in page
    until = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    page = client.get(url, {"date_to": until}).content.decode()
    assert "oude gebeurtenis" in page and "alfa.csv" not in page


@pytest.mark.django_db
def test_audit_log_exports_are_filtered_neutralised_and_logged(client, staff_user, school_b, events):
    client.force_login(staff_user)
    response = client.get(reverse("client:audit_log_csv"), {"school": school_b.pk})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "export beta" in text and "alfa.csv" not in text
    assert "'=HYPERLINK" in text
    response = client.get(reverse("client:audit_log_xlsx"), {"action": "export"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert any(str(v).startswith("'=HYPERLINK") for v in values)
    assert AuditEvent.objects.filter(action="export", summary__startswith="auditlog geëxporteerd").count() == 2


@pytest.mark.django_db
def test_audit_log_is_closed_to_volunteers(client, volunteer_a, events):
    client.force_login(volunteer_a)
    for name in ("audit_log", "audit_log_csv", "audit_log_xlsx"):
        assert client.get(reverse(f"client:{name}")).status_code == 403


@pytest.mark.django_db
def test_a_coordinator_reads_only_their_own_schools_log(client, admin_a, school_b, events):
    client.force_login(admin_a)
    page = client.get(reverse("client:audit_log")).content.decode()
    assert "alfa.csv" in page and "export beta" not in page and "oude gebeurtenis" not in page
    # Asking for the other school changes nothing: a coordinator's form has no school to choose.
    page = client.get(reverse("client:audit_log"), {"school": school_b.pk}).content.decode()
    assert "export beta" not in page and "alfa.csv" in page
    text = client.get(reverse("client:audit_log_csv"), {"school": school_b.pk}).content.decode("utf-8-sig")
    assert "alfa.csv" in text and "export beta" not in text and "oude gebeurtenis" not in text
