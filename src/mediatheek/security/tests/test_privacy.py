"""Privacy (AVG): retention, a school's complete export, verified deletion at contract end, the privacy page."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mediatheek.accounts.models import User
from mediatheek.circulation.models import Loan
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.operations import retention, school_data
from mediatheek.patrons.models import Patron
from mediatheek.schools.models import School
from mediatheek.testing import factories as f
from mediatheek.testing.school_objects import populate
from mediatheek.uploads import storage

NOW = timezone.now()


def _returned_loan(school, days_ago: int, patron=None):
    return f.LoanFactory(
        copy=f.CopyFactory(school=school),
        patron=patron or f.PatronFactory(school=school),
        checked_out_at=NOW - dt.timedelta(days=days_ago + 14),
        returned_at=NOW - dt.timedelta(days=days_ago),
    )


@pytest.mark.django_db
def test_retention_anonymises_old_loan_history_and_keeps_the_statistics(school_a):
    library = school_a.library
    library.loan_history_retention_days = 365
    library.save()
    old = _returned_loan(school_a, 400)
    recent = _returned_loan(school_a, 30)
    still_open = f.LoanFactory(copy=f.CopyFactory(school=school_a), checked_out_at=NOW - dt.timedelta(days=500))
    report = retention.run(now=NOW)
    old.refresh_from_db(), recent.refresh_from_db(), still_open.refresh_from_db()
    assert old.patron_id is None and old.copy_id and old.checked_out_at and old.returned_at  # statistics stay
    assert recent.patron_id is not None and still_open.patron_id is not None
    assert report.loans_anonymised == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PURGE, summary__contains="bewaartermijnen").exists()


@pytest.mark.django_db
def test_retention_removes_leavers_after_the_period_once_all_books_are_back(school_a):
    library = school_a.library
    library.deregistered_retention_months = 12
    library.save()
    today = timezone.localdate()
    long_gone = f.PatronFactory(school=school_a, status="deregistered", deregistered_on=today - dt.timedelta(days=400))
    f.patron_login(long_gone)
    _returned_loan(school_a, 500, patron=long_gone)
    with_book = f.PatronFactory(school=school_a, status="deregistered", deregistered_on=today - dt.timedelta(days=400))
    f.LoanFactory(copy=f.CopyFactory(school=school_a), patron=with_book)
    just_left = f.PatronFactory(school=school_a, status="deregistered", deregistered_on=today - dt.timedelta(days=40))
    active = f.PatronFactory(school=school_a)
    report = retention.run(now=NOW)
    assert not Patron.objects.filter(pk=long_gone.pk).exists()
    assert not User.objects.filter(username=long_gone.card_number).exists()
    assert Loan.objects.filter(patron__isnull=True, school=school_a).count() == 1  # the loan row stays, without patron
    assert Patron.objects.filter(pk__in=[with_book.pk, just_left.pk, active.pk]).count() == 3
    assert report.patrons_deleted == 1


@pytest.mark.django_db
def test_retention_command_is_idempotent_and_purges_files(school_a):
    _returned_loan(school_a, 5000)
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert "1 uitlening geanonimiseerd" in out.getvalue()
    assert "leerlingbestanden opgeruimd" in out.getvalue()  # the uploads' purge ran too
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert "0 uitleningen geanonimiseerd" in out.getvalue()


@pytest.mark.django_db
def test_retention_removes_old_login_records(school_a):
    from axes.models import AccessLog

    old = AccessLog.objects.create(username="12345678", ip_address="10.0.0.1", user_agent="x", path_info="/")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=NOW - dt.timedelta(days=retention.LOGIN_RECORD_DAYS + 1))
    recent = AccessLog.objects.create(username="12345679", ip_address="10.0.0.1", user_agent="x", path_info="/")
    report = retention.run(now=NOW, purge_files=False)
    assert report.login_records_removed == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]


def test_months_before_handles_short_months():
    assert retention.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert retention.months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)
    assert retention.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


@pytest.mark.django_db
def test_export_holds_everything_of_the_school_and_nothing_of_another(school_a, school_b, staff_user):
    populate(school_a, "ALFAMARK")
    populate(school_b, "BETAMARK")
    document = json.loads(school_data.export_json(school_a, by=staff_user))
    text = json.dumps(document)
    assert "ALFAMARK" in text and "BETAMARK" not in text
    tables = document["tables"]
    for label in (
        "patrons.patron",
        "circulation.loan",
        "catalog.copy",
        "patrons.group",
        "circulation.reservation",
        "accounts.user",
    ):
        assert tables[label], label
    assert all("password" not in row for row in tables["accounts.user"])
    assert all("stored_name" not in row for row in tables.get("uploads.studentupload", []))
    workbook = openpyxl.load_workbook(io.BytesIO(school_data.export_xlsx(school_a, by=staff_user)))
    cells = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row)
    assert "ALFAMARK" in cells and "BETAMARK" not in cells
    assert AuditEvent.objects.filter(action="export", school=school_a).count() == 2


@pytest.mark.django_db
def test_deleting_a_school_needs_its_code_typed(school_a, staff_user):
    populate(school_a, "ALFAMARK")
    before = school_data.counts(school_a)
    with pytest.raises(DomainError):
        school_data.delete_school(school=school_a, confirm_code="22BB00", by=staff_user)
    assert school_data.counts(school_a) == before


@pytest.mark.django_db
def test_deleting_a_school_removes_all_its_data_verifiably_and_nothing_else(
    school_a, school_b, staff_user, django_capture_on_commit_callbacks
):
    a = populate(school_a, "ALFAMARK")
    populate(school_b, "BETAMARK")
    files = [u.stored_name for u in a.objects.get("upload", [])]
    assert files and all(storage.exists(name) for name in files)
    b_before = school_data.counts(school_b)
    pk = school_a.pk
    with django_capture_on_commit_callbacks(execute=True):
        report = school_data.delete_school(
            school=school_a, confirm_code=" 11aa00 ", by=staff_user, without_recent_export=True
        )
    assert not School.objects.filter(pk=pk).exists()
    assert all(n == 0 for n in school_data.counts(pk).values())
    assert report.deleted["patrons.patron"] == 4 and report.deleted["circulation.loan"] == 2
    assert not User.objects.filter(school_id=pk).exists()
    assert not any(storage.exists(name) for name in files)
    assert school_data.counts(school_b) == b_before
    event = AuditEvent.objects.get(action="delete", detail__school_code="11AA00")
    assert "verwijderd en gecontroleerd" in event.summary and event.actor == staff_user
    # The audit log of the school stays (the library's record of processing), unlinked.
    assert not AuditEvent.objects.filter(school_id=pk).exists()


@pytest.mark.django_db
def test_school_data_pages_for_library_staff_only(client, school_a, school_b, staff_user, admin_a, volunteer_a):
    populate(school_b, "BETAMARK")
    client.force_login(staff_user)
    page = client.get(reverse("client:school_data", args=[school_b.pk]))
    assert page.status_code == 200 and "patrons.patron" in page.content.decode()
    xlsx = client.get(reverse("client:school_export_xlsx", args=[school_b.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')
    data = client.get(reverse("client:school_export_json", args=[school_b.pk])).json()
    assert data["school"]["code"] == "22BB00"
    wrong = client.post(reverse("client:school_delete", args=[school_b.pk]), {"confirm_code": "11AA00"})
    assert wrong.status_code == 200 and School.objects.filter(pk=school_b.pk).exists()
    done = client.post(reverse("client:school_delete", args=[school_b.pk]), {"confirm_code": "22BB00"})
    assert done.status_code == 302 and not School.objects.filter(pk=school_b.pk).exists()
    for user in (admin_a, volunteer_a):
        client.force_login(user)
        for name in ("school_data", "school_export_xlsx", "school_export_json"):
            assert client.get(reverse(f"client:{name}", args=[school_a.pk])).status_code == 403
        assert (
            client.post(reverse("client:school_delete", args=[school_a.pk]), {"confirm_code": "11AA00"}).status_code
            == 403
        )
    assert School.objects.filter(pk=school_a.pk).exists()


@pytest.mark.django_db
def test_portal_privacy_page_shows_the_librarys_periods(client, school_a):
    library = school_a.library
    library.loan_history_retention_days = 365
    library.deregistered_retention_months = 6
    library.upload_retention_days_after_import = 14
    library.save()
    page = client.get(reverse("portal:privacy", kwargs={"slug": school_a.slug}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "365 dagen" in text and "6 maanden" in text and "14 dagen na de import" in text
    assert (
        reverse("portal:privacy", kwargs={"slug": school_a.slug}) in client.get(f"/{school_a.slug}/").content.decode()
    )
