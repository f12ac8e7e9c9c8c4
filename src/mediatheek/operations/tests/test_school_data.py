"""A school's export and deletion as the library sees them: books still out, a recent export, what stays, and an
Excel export in words."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.operations import school_data
from mediatheek.schools.models import School
from mediatheek.testing import factories as f
from mediatheek.testing.school_objects import populate


def _out_on_loan(school, count, *, patrons):
    people = [f.PatronFactory(school=school) for _ in range(patrons)]
    for n in range(count):
        f.LoanFactory(copy=f.CopyFactory(school=school), patron=people[n % patrons])


@pytest.mark.django_db
def test_the_deletion_page_warns_about_books_still_out_with_numbers(client, staff_user, school_a):
    _out_on_loan(school_a, 3, patrons=2)
    f.LoanFactory(copy=f.CopyFactory(school=school_a), returned_at=timezone.now())  # back: not counted
    client.force_login(staff_user)
    page = client.get(reverse("client:school_data", args=[school_a.pk])).content.decode()
    assert "Er zijn nog 3 boeken uitgeleend (aan 2 leners)" in page


@pytest.mark.django_db
def test_without_a_recent_export_the_page_says_so_and_asks_an_extra_confirmation(client, staff_user, school_a):
    old = audit.record("export", actor=staff_user, school=school_a, obj=school_a, summary="volledige export (Excel)")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=8))
    client.force_login(staff_user)
    url = reverse("client:school_data", args=[school_a.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="no-recent-export"' in page and "langer dan 7 dagen geleden" in page
    assert 'name="without_recent_export"' in page
    refused = client.post(reverse("client:school_delete", args=[school_a.pk]), {"confirm_code": "11AA00"})
    assert refused.status_code == 200 and "geen export van de school gemaakt" in refused.content.decode()
    assert School.objects.filter(pk=school_a.pk).exists()
    done = client.post(
        reverse("client:school_delete", args=[school_a.pk]), {"confirm_code": "11AA00", "without_recent_export": "on"}
    )
    assert done.status_code == 302 and not School.objects.filter(pk=school_a.pk).exists()


@pytest.mark.django_db
def test_after_an_export_no_extra_confirmation_is_asked(client, staff_user, school_a):
    client.force_login(staff_user)
    client.get(reverse("client:school_export_json", args=[school_a.pk]))
    page = client.get(reverse("client:school_data", args=[school_a.pk])).content.decode()
    assert 'data-testid="last-export"' in page and 'name="without_recent_export"' not in page
    done = client.post(reverse("client:school_delete", args=[school_a.pk]), {"confirm_code": "11AA00"})
    assert done.status_code == 302 and not School.objects.filter(pk=school_a.pk).exists()


@pytest.mark.django_db
def test_the_service_refuses_a_deletion_without_recent_export_unless_confirmed(school_a, staff_user):
    with pytest.raises(school_data.NoRecentExport):
        school_data.delete_school(school=school_a, confirm_code="11AA00", by=staff_user)
    assert School.objects.filter(pk=school_a.pk).exists()
    with pytest.raises(DomainError):  # the code is checked first, whatever the export
        school_data.delete_school(school=school_a, confirm_code="99ZZ00", by=staff_user, without_recent_export=True)


@pytest.mark.django_db
def test_the_page_says_what_remains_after_the_deletion(client, staff_user, school_a):
    for n in range(4):
        audit.record("update", actor=staff_user, school=school_a, summary=f"wijziging {n}")
    client.force_login(staff_user)
    page = client.get(reverse("client:school_data", args=[school_a.pk])).content.decode()
    assert "er is niets meer van over" not in page
    assert "4 regels in de auditlog" in page
    assert f"tot {school_data.deletion_check(school_a).login_record_days} dagen na de inlog" in page
    assert school_data.deletion_check(school_a).login_record_days == 30  # what `mediatheek retention` keeps


@pytest.mark.django_db
def test_the_excel_export_speaks_dutch_and_leaves_out_internal_fields(school_a, staff_user):
    populate(school_a, "ALFAMARK")
    workbook = openpyxl.load_workbook(io.BytesIO(school_data.export_xlsx(school_a, by=staff_user)))
    assert {"School", "Leners", "Groepen", "Uitleningen", "Exemplaren", "Titels", "Accounts"} <= set(
        workbook.sheetnames
    )
    patrons = workbook["Leners"]
    header = [cell.value for cell in next(patrons.iter_rows(max_row=1))]
    assert {"Achternaam", "Roepnaam", "Groep", "Pasnummer"} <= set(header)
    assert not {"Id", "ID", "School", "Group", "group_id", "last_name"} & set(header)
    row = dict(zip(header, [cell.value for cell in next(patrons.iter_rows(min_row=2, max_row=2))], strict=True))
    assert row["Groep"] == "Groep ALFAMARK" and row["Soort lener"] == "leerling"
    every_header = {cell.value for sheet in workbook for cell in next(sheet.iter_rows(max_row=1))}
    assert not any(str(name).endswith("_id") or "password" in str(name).lower() for name in every_header)
    assert "Wachtwoord" not in every_header and "Rules version" not in every_header


@pytest.mark.django_db
def test_the_json_export_keeps_the_technical_names(school_a, staff_user):
    import json

    populate(school_a, "ALFAMARK")
    document = json.loads(school_data.export_json(school_a, by=staff_user))
    patron = document["tables"]["patrons.patron"][0]
    assert "last_name" in patron and "group_id" in patron
