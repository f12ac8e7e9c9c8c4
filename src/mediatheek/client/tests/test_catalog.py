import io

import pymarc
import pytest
from django.urls import reverse
from pypdf import PdfReader

from mediatheek.catalog.models import Copy, Stocktake, Title
from mediatheek.catalog.services import start_stocktake
from mediatheek.core.models import AuditEvent
from mediatheek.testing.factories import CopyFactory, LoanFactory, TitleFactory
from mediatheek.testing.isolation import assert_refused

pytestmark = pytest.mark.django_db
ISBN = "9789045117263"


def test_search_shows_only_this_schools_copies(client, volunteer_a, school_a, school_b):
    mine = TitleFactory(title="Alfaboek van Zoë")
    TitleFactory(title="Betaboek geheim")
    CopyFactory(title=mine, school=school_a)
    CopyFactory(title=TitleFactory(title="Alfaboek twee"), school=school_b)
    client.force_login(volunteer_a)
    body = client.get(reverse("client:catalog_search"), {"q": "zoe"}).content.decode()
    assert "Alfaboek van Zoë" in body
    body = client.get(reverse("client:catalog_search"), {"q": "alfaboek"}).content.decode()
    assert "Alfaboek twee" not in body
    body = client.get(reverse("client:catalog_search"), {"q": "alfaboek", "bereik": "alle"}).content.decode()
    assert "Alfaboek twee" in body


def test_scanning_a_copy_barcode_opens_its_title(client, volunteer_a, school_a, school_b):
    copy = CopyFactory(school=school_a, barcode="R00042")
    other = CopyFactory(school=school_b, barcode="B00042")
    client.force_login(volunteer_a)
    response = client.get(reverse("client:catalog_search"), {"q": "R00042"})
    assert response.headers["Location"] == reverse("client:catalog_title", args=[copy.title_id])
    response = client.get(reverse("client:catalog_search"), {"q": other.barcode})
    assert response.status_code == 200  # not a redirect to the other school's copy


def test_fast_entry_known_isbn_goes_to_copies_unknown_to_form(client, admin_a, school_a):
    known = TitleFactory(title="Bekend boek", isbn=ISBN)
    client.force_login(admin_a)
    response = client.post(reverse("client:catalog_entry"), {"isbn": "90-451-1726-6"})
    assert response.headers["Location"] == reverse("client:catalog_title", args=[known.pk])
    response = client.post(reverse("client:catalog_entry"), {"isbn": "9780471383147"})
    assert response.headers["Location"] == reverse("client:catalog_title_add") + "?isbn=9780471383147"
    response = client.post(reverse("client:catalog_entry"), {"isbn": "9789045117264"})
    assert response.status_code == 200 and "geen geldig ISBN" in response.content.decode()


def test_add_title_then_scan_copies(client, admin_a, school_a):
    client.force_login(admin_a)
    response = client.post(
        reverse("client:catalog_title_add"),
        {"isbn": "0471383147", "title": "Nieuw boek", "authors": "Paul van Loon", "language": "dut"},
    )
    title = Title.objects.get(isbn="9780471383147")
    assert response.headers["Location"] == reverse("client:catalog_title", args=[title.pk])
    assert title.author_sort == "Loon, Paul van"
    url = reverse("client:catalog_copy_add", args=[title.pk])
    client.post(url, {"barcode": "R1", "shelf": "B-kast"})
    client.post(url, {"barcode": "", "shelf": "B-kast"})
    response = client.post(url, {"barcode": "R1", "shelf": "B-kast"}, follow=True)
    assert "al in gebruik" in response.content.decode()
    copies = Copy.objects.for_school(school_a).filter(title=title)
    assert copies.count() == 2
    assert set(copies.values_list("shelf", flat=True)) == {"B-kast"}
    # The shelf is remembered for the next scan.
    assert 'value="B-kast"' in client.get(reverse("client:catalog_title", args=[title.pk])).content.decode()


def test_duplicate_isbn_is_caught_in_the_form(client, admin_a, school_a):
    TitleFactory(title="Er al", isbn=ISBN)
    client.force_login(admin_a)
    response = client.post(reverse("client:catalog_title_add"), {"isbn": "9045117266", "title": "Dubbel"})
    assert response.status_code == 200
    assert "staat al in de catalogus" in response.content.decode()
    assert Title.objects.count() == 1


def test_volunteer_cannot_edit_or_withdraw(client, volunteer_a, school_a):
    copy = CopyFactory(school=school_a)
    client.force_login(volunteer_a)
    assert client.get(reverse("client:catalog_title_edit", args=[copy.title_id])).status_code == 403
    assert client.post(reverse("client:catalog_withdraw"), {"copy": [copy.pk], "reason": "x"}).status_code == 403
    assert client.get(reverse("client:catalog_export")).status_code == 403
    assert client.get(reverse("client:catalog_import")).status_code == 403


def test_edit_title(client, admin_a, school_a):
    title = TitleFactory(title="Oud")
    CopyFactory(title=title, school=school_a)
    client.force_login(admin_a)
    client.post(reverse("client:catalog_title_edit", args=[title.pk]), {"title": "Nieuw", "language": "dut"})
    title.refresh_from_db()
    assert title.title == "Nieuw"


def test_withdraw_ticked_and_scanned_copies(client, admin_a, school_a):
    one, two, three = (CopyFactory(school=school_a, barcode=f"W{n}") for n in range(3))
    client.force_login(admin_a)
    client.post(reverse("client:catalog_withdraw"), {"copy": [one.pk], "barcodes": "W1\nW2\n", "reason": "Versleten"})
    assert Copy.objects.filter(status=Copy.Status.WITHDRAWN, withdrawn_reason="Versleten").count() == 3
    assert AuditEvent.objects.filter(action="catalog.copies_withdrawn").exists()


def test_copy_status_change(client, admin_a, school_a):
    copy = CopyFactory(school=school_a)
    client.force_login(admin_a)
    client.post(reverse("client:catalog_copy_status", args=[copy.pk]), {"status": "damaged"})
    copy.refresh_from_db()
    assert copy.status == Copy.Status.DAMAGED


def test_labels_pdf_for_scanned_and_since_date(client, admin_a, school_a, school_b):
    CopyFactory(school=school_a, barcode="L1")
    CopyFactory(school=school_b, barcode="L2")
    client.force_login(admin_a)
    data = {"barcodes": "L1", "kind": "both", "prefer": "auto", "sheet": "3x8", "skip": "0"}
    response = client.post(reverse("client:catalog_labels"), data)
    assert response["Content-Type"] == "application/pdf"
    assert "L1" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    response = client.post(reverse("client:catalog_labels"), {**data, "barcodes": "L2"})
    assert response.status_code == 200 and "Niet gevonden" in response.content.decode()
    response = client.post(reverse("client:catalog_labels"), {**data, "barcodes": "", "since": "2000-01-01"})
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "L1" in text and "L2" not in text


def test_export_downloads(client, admin_a, school_a):
    CopyFactory(school=school_a, barcode="E1")
    client.force_login(admin_a)
    response = client.get(reverse("client:catalog_export"), {"formaat": "csv"})
    assert "E1" in response.content.decode("utf-8-sig")
    response = client.get(reverse("client:catalog_export"), {"formaat": "xlsx"})
    assert response.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="catalog.export", school=school_a).count() == 2


def _marc(*titles):
    out = b""
    for index, title in enumerate(titles):
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", title)]))
        record.add_field(
            pymarc.Field(tag="952", indicators=[" ", " "], subfields=[pymarc.Subfield("p", f"IMP{index}")])
        )
        out += record.as_marc()
    return out


def test_import_wizard_preview_then_apply(client, admin_a, school_a, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_a)
    upload = io.BytesIO(_marc("Eerste", "Tweede"))
    upload.name = "levering.mrc"
    response = client.post(reverse("client:catalog_import"), {"file": upload, "with_copies": "on"})
    assert response.headers["Location"] == reverse("client:catalog_import_preview")
    body = client.get(reverse("client:catalog_import_preview")).content.decode()
    assert "Eerste" in body and "IMP1" in body
    assert Title.objects.count() == 0
    client.post(reverse("client:catalog_import_apply"), {"apply": "1"})
    assert Title.objects.count() == 2
    assert set(Copy.objects.for_school(school_a).values_list("barcode", flat=True)) == {"IMP0", "IMP1"}
    assert client.get(reverse("client:catalog_import_preview")).status_code == 404


def test_import_csv_with_corrected_mapping(client, admin_a, school_a, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_a)
    upload = io.BytesIO(b"titel;Schrijver X\nBoek met auteur;Jan Jansen\n")
    upload.name = "lijst.csv"
    client.post(reverse("client:catalog_import"), {"file": upload})
    client.post(reverse("client:catalog_import_preview"), {"mapping": "1", "col0": "title", "col1": "authors"})
    client.post(reverse("client:catalog_import_apply"), {"apply": "1"})
    assert Title.objects.get().authors == "Jan Jansen"


def test_import_refuses_junk(client, admin_a, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_a)
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00")
    upload.name = "foto.png"
    response = client.post(reverse("client:catalog_import"), {"file": upload})
    assert response.status_code == 200 and "geen MARC" in response.content.decode()


def test_stocktake_flow(client, admin_a, school_a):
    CopyFactory(school=school_a, shelf="A", barcode="S1")
    missing = CopyFactory(school=school_a, shelf="A", barcode="S2")
    client.force_login(admin_a)
    response = client.post(reverse("client:catalog_stocktakes"), {"shelf": "A"})
    stocktake = Stocktake.objects.get()
    assert response.headers["Location"] == reverse("client:catalog_stocktake", args=[stocktake.pk])
    body = client.post(reverse("client:catalog_stocktake", args=[stocktake.pk]), {"barcode": "S1"}, follow=True)
    assert "gevonden" in body.content.decode()
    body = client.get(reverse("client:catalog_stocktake", args=[stocktake.pk])).content.decode()
    assert "S2" in body
    client.post(reverse("client:catalog_stocktake_lost", args=[stocktake.pk]))
    missing.refresh_from_db()
    assert missing.status == Copy.Status.LOST
    client.post(reverse("client:catalog_stocktake_finish", args=[stocktake.pk]))
    stocktake.refresh_from_db()
    assert not stocktake.is_open


def test_pages_render(client, admin_a, school_a):
    copy = CopyFactory(school=school_a)
    LoanFactory(copy=CopyFactory(school=school_a, status=Copy.Status.LENT))
    client.force_login(admin_a)
    for name in (
        "catalog_search",
        "catalog_entry",
        "catalog_title_add",
        "catalog_withdraw",
        "catalog_shelves",
        "catalog_labels",
        "catalog_export",
        "catalog_import",
        "catalog_stocktakes",
    ):
        assert client.get(reverse(f"client:{name}")).status_code == 200, name
    assert client.get(reverse("client:catalog_title", args=[copy.title_id])).status_code == 200
    assert client.get(reverse("client:catalog_title_edit", args=[copy.title_id])).status_code == 200


# ------------------------------------------------------------------------------ cross-school


def test_cross_school_copy_and_stocktake_are_refused(client, admin_a, volunteer_a, school_b, admin_b):
    other = CopyFactory(school=school_b, barcode="GEHEIM-B")
    stocktake = start_stocktake(school=school_b, shelf="Geheime kast")
    for user in (admin_a, volunteer_a):
        assert_refused(
            client, user, reverse("client:catalog_copy_status", args=[other.pk]), method="post", data={"status": "lost"}
        )
        assert_refused(client, user, reverse("client:catalog_stocktake", args=[stocktake.pk]), secret="Geheime kast")
        assert_refused(
            client, user, reverse("client:catalog_stocktake", args=[stocktake.pk]), method="post", data={"barcode": "X"}
        )
        assert_refused(client, user, reverse("client:catalog_stocktake_lost", args=[stocktake.pk]), method="post")
        assert_refused(client, user, reverse("client:catalog_stocktake_finish", args=[stocktake.pk]), method="post")
    other.refresh_from_db()
    assert other.status == Copy.Status.AVAILABLE


def test_other_schools_copies_do_not_show_on_a_shared_title(client, admin_a, school_a, school_b):
    title = TitleFactory(title="Gedeeld")
    CopyFactory(title=title, school=school_b, barcode="GEHEIM-B")
    client.force_login(admin_a)
    body = client.get(reverse("client:catalog_title", args=[title.pk])).content.decode()
    assert "Gedeeld" in body and "GEHEIM-B" not in body


def test_other_schools_copies_cannot_be_withdrawn_labelled_or_exported(client, admin_a, school_a, school_b):
    other = CopyFactory(school=school_b, barcode="GEHEIM-B")
    client.force_login(admin_a)
    client.post(reverse("client:catalog_withdraw"), {"copy": [other.pk], "reason": "weg"})
    client.post(reverse("client:catalog_withdraw"), {"barcodes": "GEHEIM-B", "reason": "weg"})
    other.refresh_from_db()
    assert other.status == Copy.Status.AVAILABLE
    response = client.post(
        reverse("client:catalog_labels"),
        {"barcodes": "GEHEIM-B", "kind": "barcode", "prefer": "auto", "sheet": "3x8", "skip": "0"},
    )
    assert response["Content-Type"].startswith("text/html")
    assert "GEHEIM-B" not in client.get(reverse("client:catalog_export"), {"formaat": "csv"}).content.decode()


def test_import_of_another_session_is_not_reachable(client, admin_a, admin_b, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_b)
    upload = io.BytesIO(_marc("Geheim van B"))
    upload.name = "b.mrc"
    client.post(reverse("client:catalog_import"), {"file": upload})
    client.logout()
    assert_refused(client, admin_a, reverse("client:catalog_import_preview"), secret="Geheim van B")


# ------------------------------------------------------------------------------ who changes the catalogue


def test_volunteer_enters_no_titles_or_copies_and_prints_no_labels(client, volunteer_a, school_a):
    title = TitleFactory(title="Op de plank")
    copy = CopyFactory(title=title, school=school_a, barcode="V1")
    client.force_login(volunteer_a)
    new_title = {"isbn": "0471383147", "title": "Nieuw boek", "language": "dut"}
    assert client.post(reverse("client:catalog_title_add"), new_title).status_code == 403
    assert client.get(reverse("client:catalog_title_add")).status_code == 403
    assert client.post(reverse("client:catalog_entry"), {"isbn": ISBN}).status_code == 403
    assert client.post(reverse("client:catalog_copy_add", args=[title.pk]), {"barcode": "V2"}).status_code == 403
    labels = {"barcodes": "V1", "kind": "both", "prefer": "auto", "sheet": "3x8", "skip": "0"}
    assert client.post(reverse("client:catalog_labels"), labels).status_code == 403
    assert client.post(reverse("client:catalog_stocktakes"), {"shelf": "A"}).status_code == 403
    assert client.get(reverse("client:catalog_shelves")).status_code == 403
    assert list(Title.objects.values_list("title", flat=True)) == ["Op de plank"]
    assert list(Copy.objects.values_list("barcode", flat=True)) == ["V1"]
    assert not Stocktake.objects.exists()
    # Looking a title up at the desk still works, without the catalogue's tools.
    page = client.get(reverse("client:catalog_title", args=[title.pk])).content.decode()
    assert "Op de plank" in page and copy.barcode in page
    for url in ("catalog_entry", "catalog_labels", "catalog_stocktakes", "catalog_shelves", "catalog_title_edit"):
        assert "/catalogus/" + url not in page
    for hidden in ("Exemplaar toevoegen", "Titel wijzigen", "Etiketten", "Boeken invoeren", "Inventarisatie"):
        assert hidden not in page, hidden
    search = client.get(reverse("client:catalog_search"), {"q": "zzzgeen"}).content.decode()
    assert "Een boek invoeren" not in search and "Etiketten" not in search


def test_school_admin_cannot_change_a_title_held_only_by_another_school(client, admin_a, school_a, school_b):
    title = TitleFactory(title="Van Beta", authors="B. Schrijver")
    CopyFactory(title=title, school=school_b)
    client.force_login(admin_a)
    url = reverse("client:catalog_title_edit", args=[title.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Gekaapt", "language": "dut"}).status_code == 403
    title.refresh_from_db()
    assert title.title == "Van Beta"
    assert not AuditEvent.objects.filter(action="catalog.title_updated").exists()
    assert "Titel wijzigen" not in client.get(reverse("client:catalog_title", args=[title.pk])).content.decode()


def test_school_admin_changes_a_title_their_school_holds_and_the_change_is_audited(client, admin_a, school_a, school_b):
    title = TitleFactory(title="Gedeeld boek", authors="A. Schrijver", summary="Oud")
    CopyFactory(title=title, school=school_a)
    CopyFactory(title=title, school=school_b)
    client.force_login(admin_a)
    assert "Titel wijzigen" in client.get(reverse("client:catalog_title", args=[title.pk])).content.decode()
    from mediatheek.catalog.forms import TitleForm

    form = {key: value for key, value in TitleForm(instance=title).initial.items() if value not in (None, "")}
    response = client.post(
        reverse("client:catalog_title_edit", args=[title.pk]), {**form, "summary": "Nieuw", "cover": ""}
    )
    assert response.status_code == 302
    title.refresh_from_db()
    assert title.summary == "Nieuw"
    event = AuditEvent.objects.get(action="catalog.title_updated")
    assert event.actor == admin_a and event.school == school_a and event.object_id == str(title.pk)
    assert event.detail["changes"] == {"summary": ["Oud", "Nieuw"]}
    assert event.detail["held_by_other_schools"] == [school_b.pk]


def test_library_staff_change_any_title(client, staff_user, school_b):
    title = TitleFactory(title="Van Beta")
    CopyFactory(title=title, school=school_b)
    client.force_login(staff_user)
    client.post(reverse("client:catalog_title_edit", args=[title.pk]), {"title": "Verbeterd", "language": "dut"})
    title.refresh_from_db()
    assert title.title == "Verbeterd"
    assert AuditEvent.objects.get(action="catalog.title_updated").detail["changes"]["title"] == [
        "Van Beta",
        "Verbeterd",
    ]


def test_a_title_nobody_holds_yet_is_changed_only_by_the_school_that_entered_it(client, admin_a, admin_b, school_a):
    client.force_login(admin_a)
    client.post(reverse("client:catalog_title_add"), {"title": "Tikfoutt", "language": "dut"})
    title = Title.objects.get()
    url = reverse("client:catalog_title_edit", args=[title.pk])
    assert client.post(url, {"title": "Tikfout", "language": "dut"}).status_code == 302
    client.force_login(admin_b)
    assert client.post(url, {"title": "Van B", "language": "dut"}).status_code == 403
    title.refresh_from_db()
    assert title.title == "Tikfout"


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("client:catalog_search"))
    assert response.status_code == 302 and "inloggen" in response.headers["Location"]
