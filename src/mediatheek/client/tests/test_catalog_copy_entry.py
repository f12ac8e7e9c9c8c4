"""Adding copies on a title's page (htmx and without JS) and the school's barcode series page."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mediatheek.catalog import services
from mediatheek.catalog.models import BarcodeSeries, Copy
from mediatheek.core.models import AuditEvent
from mediatheek.testing.factories import BarcodeSeriesFactory, CopyFactory, TitleFactory
from mediatheek.web.permissions import SESSION_SCHOOL_KEY

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


# ------------------------------------------------------------------------------ adding copies by scanning


def test_a_scan_with_htmx_answers_with_the_result_and_the_new_rows(client: Any, admin_a: Any, school_a: Any) -> None:
    title = TitleFactory(title="Het zakmes")
    client.force_login(admin_a)
    response = client.post(reverse("client:catalog_copy_add", args=[title.pk]), {"barcode": "R000101"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Toegevoegd:" in body and "Het zakmes" in body and "R000101" in body
    assert 'hx-swap-oob="afterbegin:#copies-added"' in body
    assert 'hx-swap-oob="afterbegin:#school-copies"' in body
    assert "<html" not in body  # a fragment: the scan field on the page is never replaced
    assert Copy.objects.filter(school=school_a, title=title, barcode="R000101").exists()


def test_a_refused_scan_with_htmx_says_why_and_adds_nothing(client: Any, admin_a: Any, school_a: Any) -> None:
    title = TitleFactory(title="Het zakmes")
    CopyFactory(school=school_a, title=title, barcode="R000101")
    client.force_login(admin_a)
    url = reverse("client:catalog_copy_add", args=[title.pk])
    body = client.post(url, {"barcode": "R000101"}, **HTMX).content.decode()
    assert "Niet toegevoegd:" in body and "Barcode R000101 is al in gebruik voor Het zakmes" in body
    assert "hx-swap-oob" not in body
    body = client.post(url, {"barcode": "X" * 40}, **HTMX).content.decode()
    assert "Controleer de gegevens van het exemplaar" in body
    assert Copy.objects.count() == 1


def test_without_js_a_scan_comes_back_to_the_field_and_lists_the_copy(client: Any, admin_a: Any, school_a: Any) -> None:
    title = TitleFactory(title="Het zakmes")
    client.force_login(admin_a)
    response = client.post(reverse("client:catalog_copy_add", args=[title.pk]), {"barcode": "R000101"})
    # No #fragment: a browser skips autofocus when the address has one.
    assert response.headers["Location"] == reverse("client:catalog_title", args=[title.pk])
    page = client.get(response.headers["Location"]).content.decode()
    assert "Exemplaar R000101 toegevoegd" in page
    added = page[page.index('id="copies-added"') :]
    assert "R000101" in added[: added.index("</tbody>")]
    assert "autofocus" in re.search(r'<input[^>]*name="barcode"[^>]*>', page).group(0)


def test_the_list_of_added_copies_shows_only_this_title_of_this_school(
    client: Any, admin_a: Any, school_a: Any, school_b: Any
) -> None:
    one, other = TitleFactory(title="Een"), TitleFactory(title="Ander")
    client.force_login(admin_a)
    client.post(reverse("client:catalog_copy_add", args=[one.pk]), {"barcode": "EEN-1"})
    client.post(reverse("client:catalog_copy_add", args=[other.pk]), {"barcode": "ANDER-1"})
    page = client.get(reverse("client:catalog_title", args=[one.pk])).content.decode()
    added = page[page.index('id="copies-added"') :]
    added = added[: added.index("</tbody>")]
    assert "EEN-1" in added and "ANDER-1" not in added


def test_a_new_titles_form_starts_at_the_first_empty_required_field(client: Any, admin_a: Any) -> None:
    client.force_login(admin_a)
    page = client.get(reverse("client:catalog_title_add"), {"isbn": "9789025113674"}).content.decode()
    inputs = {name: tag for tag, name in re.findall(r'(<input[^>]*name="([a-z_]+)"[^>]*>)', page)}
    assert "autofocus" in inputs["title"]  # the ISBN just scanned is filled in already
    assert "autofocus" not in inputs["isbn"]
    assert page.count("autofocus") == 1


# ------------------------------------------------------------------------------ the school's barcode series


def test_the_coordinator_sets_the_series_and_the_next_copy_uses_it(client: Any, admin_a: Any, school_a: Any) -> None:
    client.force_login(admin_a)
    url = reverse("client:catalog_barcodes")
    response = client.post(url, {"series_prefix": "R", "width": "6", "next_number": "123"})
    assert response.headers["Location"] == url
    assert "R000123" in client.get(url).content.decode()
    title = TitleFactory()
    client.post(reverse("client:catalog_copy_add", args=[title.pk]), {"barcode": ""})
    assert Copy.objects.get(school=school_a).barcode == "R000123"
    assert AuditEvent.objects.filter(action=services.BARCODE_SERIES_CHANGED, school=school_a, actor=admin_a).exists()


def test_library_staff_set_the_series_of_the_school_they_work_on(client: Any, staff_user: Any, school_a: Any) -> None:
    client.force_login(staff_user)
    session = client.session
    session[SESSION_SCHOOL_KEY] = school_a.pk
    session.save()
    client.post(reverse("client:catalog_barcodes"), {"series_prefix": "BIEB", "width": "4", "next_number": "1"})
    series = BarcodeSeries.objects.get()
    assert (series.school, series.prefix, series.width) == (school_a, "BIEB", 4)


def test_a_series_that_cannot_work_is_refused_in_the_form(client: Any, admin_a: Any) -> None:
    client.force_login(admin_a)
    url = reverse("client:catalog_barcodes")
    for data, message in (
        ({"series_prefix": "R 1", "width": "6", "next_number": "1"}, "alleen letters, cijfers en streepjes"),
        ({"series_prefix": "R", "width": "3", "next_number": "5000"}, "tussen 1 en 999"),
        ({"series_prefix": "R", "width": "zes", "next_number": "1"}, "Voer een geheel getal in"),
        ({"series_prefix": "R\x00", "width": "6", "next_number": "1"}, "Null-tekens zijn niet toegestaan"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode(), data
    assert not BarcodeSeries.objects.exists()


def test_back_to_the_default_barcodes(client: Any, admin_a: Any, school_a: Any) -> None:
    BarcodeSeriesFactory(school=school_a, prefix="R")
    client.force_login(admin_a)
    client.post(reverse("client:catalog_barcodes_clear"))
    assert not BarcodeSeries.objects.exists()
    assert f"{school_a.code}-00001" in client.get(reverse("client:catalog_barcodes")).content.decode()


def test_a_volunteer_cannot_see_or_change_the_series(client: Any, volunteer_a: Any, school_a: Any) -> None:
    BarcodeSeriesFactory(school=school_a, prefix="R", next_number=5)
    client.force_login(volunteer_a)
    assert client.get(reverse("client:catalog_barcodes")).status_code == 403
    data = {"series_prefix": "V", "width": "6", "next_number": "1"}
    assert client.post(reverse("client:catalog_barcodes"), data).status_code == 403
    assert client.post(reverse("client:catalog_barcodes_clear")).status_code == 403
    series = BarcodeSeries.objects.get()
    assert (series.prefix, series.next_number) == ("R", 5)
    assert not AuditEvent.objects.filter(action=services.BARCODE_SERIES_CHANGED).exists()


def test_a_coordinator_sees_and_changes_only_their_own_schools_series(
    client: Any, admin_a: Any, school_a: Any, school_b: Any
) -> None:
    BarcodeSeriesFactory(school=school_b, prefix="GEHEIMB", next_number=77)
    client.force_login(admin_a)
    assert "GEHEIMB" not in client.get(reverse("client:catalog_barcodes")).content.decode()
    client.post(reverse("client:catalog_barcodes"), {"series_prefix": "A", "width": "6", "next_number": "1"})
    client.post(reverse("client:catalog_barcodes_clear"))
    series = BarcodeSeries.objects.get()
    assert (series.school, series.prefix, series.next_number) == (school_b, "GEHEIMB", 77)


def test_labels_print_the_series_barcodes(client: Any, admin_a: Any, school_a: Any) -> None:
    BarcodeSeriesFactory(school=school_a, prefix="R", width=6, next_number=42)
    client.force_login(admin_a)
    client.post(reverse("client:catalog_copy_add", args=[TitleFactory().pk]), {"barcode": ""})
    data = {"barcodes": "R000042", "kind": "both", "prefer": "auto", "sheet": "3x8", "skip": "0"}
    response = client.post(reverse("client:catalog_labels"), data)
    assert response["Content-Type"] == "application/pdf"
    assert "R000042" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
