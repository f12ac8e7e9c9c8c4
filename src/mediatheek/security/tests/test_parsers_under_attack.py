"""Parsers under attack: every reader (xlsx/xls/ods/csv/EDEXML, MARC/MARCXML/CSV/Excel) and the portal's upload
endpoint get random and mutated files. Only clean, translated refusals; never an unhandled error, never a hang,
never a partial write. (The coverage-guided atheris run is in test_fuzz.py.)"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediatheek.catalog import importing as catalogue_import
from mediatheek.catalog import records as catalogue_records
from mediatheek.catalog.models import Copy, Title
from mediatheek.core.errors import FileRefused
from mediatheek.core.models import AuditEvent
from mediatheek.patrons.models import Group, Patron
from mediatheek.studentimport import files as student_files
from mediatheek.studentimport import readers as student_readers
from mediatheek.studentimport import services as student_services
from mediatheek.studentimport.models import ImportRun
from mediatheek.testing import seeds
from mediatheek.uploads.models import StudentUpload

# A hang guard, not a speed test: a reader that needs more than this for a few KB is stuck.
HANG = dt.timedelta(seconds=10)
RUNS: Counter[str] = Counter()
EXTENSIONS = [
    "leerlingen.csv",
    "leerlingen.txt",
    "leerlingen.xlsx",
    "leerlingen.xls",
    "leerlingen.ods",
    "edex.xml",
    "x",
]
EDITS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=8)
STUDENT_SEEDS = seeds.student_seeds()
CATALOGUE_SEEDS = seeds.catalogue_seeds()


def _assert_clean_refusal(error: Exception) -> None:
    message = str(getattr(error, "message", "") or error)
    assert message.strip() and "Traceback" not in message and len(message) < 2000, repr(error)


def _read_student(data: bytes, filename: str) -> None:
    try:
        student_files.read_file(data, filename, school_code="99ZZ00", today=dt.date(2026, 9, 1))
    except FileRefused as error:
        _assert_clean_refusal(error)


def _read_catalogue(data: bytes) -> None:
    try:
        catalogue_records.read_file(data)
    except FileRefused as error:
        _assert_clean_refusal(error)


@settings(max_examples=300, deadline=HANG)
@given(data=st.binary(max_size=4096), filename=st.sampled_from(EXTENSIONS))
def test_student_readers_refuse_random_bytes_cleanly(data, filename):
    RUNS["student random"] += 1
    _read_student(data, filename)


@settings(max_examples=400, deadline=HANG)
@given(seed=st.sampled_from(STUDENT_SEEDS), edits=EDITS)
def test_student_readers_refuse_mutated_files_cleanly(seed, edits):
    RUNS["student mutated"] += 1
    filename, data = seed
    _read_student(seeds.mutate(data, edits), filename)


@settings(max_examples=300, deadline=HANG)
@given(data=st.binary(max_size=4096))
def test_catalogue_readers_refuse_random_bytes_cleanly(data):
    RUNS["catalogue random"] += 1
    _read_catalogue(data)


@settings(max_examples=400, deadline=HANG)
@given(seed=st.sampled_from(CATALOGUE_SEEDS), edits=EDITS)
def test_catalogue_readers_refuse_mutated_files_cleanly(seed, edits):
    RUNS["catalogue mutated"] += 1
    _read_catalogue(seeds.mutate(seed, edits))


@settings(max_examples=150, deadline=HANG)
@given(text=st.text(max_size=400), separator=st.sampled_from([";", ",", "\t", "|"]))
def test_student_csv_of_any_text_is_read_or_refused(text, separator):
    RUNS["student csv text"] += 1
    header = separator.join(["leerlingnummer", "achternaam", "geboortedatum"])
    for encoding in ("utf-8", "cp1252"):
        _read_student((header + "\n" + text).encode(encoding, errors="replace"), "l.csv")


XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<EDEX><leerlingen><leerling key="1"><achternaam>&lol3;</achternaam></leerling></leerlingen></EDEX>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record><datafield tag="245"><subfield code="a">&x;</subfield>
</datafield></record></collection>"""


def test_entity_bombs_and_external_entities_are_refused():
    with pytest.raises(FileRefused):
        student_files.read_file(XML_BOMB, "edex.xml", school_code="99ZZ00", today=dt.date(2026, 9, 1))
    with pytest.raises(FileRefused):
        catalogue_records.read_file(XXE)


def test_an_oversized_student_file_is_refused_before_reading():
    big = b"leerlingnummer;achternaam\n" + b"1;Berg\n" * (student_readers.MAX_FILE_BYTES // 7 + 1)
    with pytest.raises(FileRefused):
        student_files.read_file(big, "l.csv", school_code="99ZZ00")


def _snapshot(school) -> tuple:
    return (
        sorted(
            Patron.objects.filter(school=school).values_list("pk", "student_number", "last_name", "group_id", "status")
        ),
        sorted(Group.objects.filter(school=school).values_list("pk", "name")),
        ImportRun.objects.filter(school=school).count(),
        Title.objects.count(),
        Copy.objects.filter(school=school).count(),
        StudentUpload.objects.filter(school=school).count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(STUDENT_SEEDS[:3]), edits=EDITS)
def test_a_refused_student_import_writes_nothing(school_a, staff_user, seed, edits):
    RUNS["student apply"] += 1
    filename, data = seed
    before = _snapshot(school_a)
    try:
        student_services.apply_import(
            school=school_a,
            data=seeds.mutate(data, edits),
            filename=filename,
            by=staff_user,
            allow_mass_deregistration=True,
        )
    except (FileRefused, student_services.MassDeregistrationBlocked) as error:
        _assert_clean_refusal(error)
        assert _snapshot(school_a) == before


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(CATALOGUE_SEEDS), edits=EDITS)
def test_a_refused_catalogue_import_writes_nothing(school_a, staff_user, seed, edits):
    RUNS["catalogue apply"] += 1
    before = _snapshot(school_a)
    try:
        read = catalogue_records.read_file(seeds.mutate(seed, edits))
    except FileRefused as error:
        _assert_clean_refusal(error)
        assert _snapshot(school_a) == before
        return
    plan = catalogue_import.plan_import(read, school=school_a, with_copies=True)
    assert _snapshot(school_a) == before  # planning writes nothing
    catalogue_import.apply_import(plan, school=school_a, by=staff_user, filename="fuzz")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.binary(max_size=2048), st.builds(seeds.mutate, st.sampled_from([s[1] for s in STUDENT_SEEDS]), EDITS)
    ),
    filename=st.sampled_from([*EXTENSIONS, "../../etc/passwd.csv", "a\x00b.xlsx", "x" * 300 + ".csv", ""]),
)
def test_the_portal_upload_endpoint_refuses_bad_files_cleanly(client, school_a, uploader_a, content, filename):
    RUNS["upload endpoint"] += 1
    client.force_login(uploader_a)
    url = reverse("portal:upload", kwargs={"slug": school_a.slug})
    before = StudentUpload.objects.filter(school=school_a).count()
    upload = SimpleUploadedFile(filename or "leeg", content, content_type="application/octet-stream")
    response = client.post(url, {"file": upload})
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        assert StudentUpload.objects.filter(school=school_a).count() == before + 1
        assert "/mijn/upload/" in response["Location"]
    else:
        assert StudentUpload.objects.filter(school=school_a).count() == before
        assert 'role="alert"' in response.content.decode() or "field-error" in response.content.decode()


def test_zz_report_fuzz_cases():
    """Prints how many generated cases the tests above ran in this process (for the issue's note), and fails when one
    of them ran but tried fewer than half the fewest any of them asks for (60): a strategy that generates next to
    nothing tests next to nothing. Skipped, visibly, where none of them ran first (a -k selection, another worker)."""
    print("\nparser cases:", dict(RUNS), "total", sum(RUNS.values()))
    if not RUNS:
        pytest.skip("no fuzz test of this module ran before this one in this process")
    starved = {name: count for name, count in RUNS.items() if count < 30}
    assert not starved, f"fuzz tests that tried almost nothing: {starved}"


@pytest.mark.django_db
def test_nul_bytes_never_reach_the_database(school_a, staff_user):
    """PostgreSQL refuses NUL in text (found by the fuzz run on PostgreSQL): readers must drop or refuse it."""
    rows = ["leerlingnummer;roepnaam;achternaam;groep"] + [f"{n};Kind;Vulling{n};Groep 3" for n in range(600)]
    rows.append("999;Ka\x00rel;Ber\x00g;Groep\x00 4")
    try:
        student_services.apply_import(
            school=school_a,
            data="\n".join(rows).encode(),
            filename="l.csv",
            by=staff_user,
            allow_mass_deregistration=True,
        )
    except FileRefused as error:
        _assert_clean_refusal(error)
    # (Checked in Python: SQLite's LIKE stops at a NUL and would match every row.)
    assert not any(
        "\x00" in "".join(p) for p in Patron.objects.values_list("first_name", "last_name", "student_number")
    )
    assert not any("\x00" in name for name in Group.objects.values_list("name", flat=True))

    from pymarc import Field, Record, Subfield

    record = Record()
    record.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", "Mart\x00insson, Tobias")]))
    record.add_field(Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", "Active\x00Perl")]))
    try:
        read = catalogue_records.read_file(record.as_marc())
    except FileRefused as error:
        _assert_clean_refusal(error)
    else:
        plan = catalogue_import.plan_import(read, school=school_a)
        catalogue_import.apply_import(plan, school=school_a, by=staff_user, filename="nul.mrc")
    assert not any("\x00" in "".join(t) for t in Title.objects.values_list("title", "authors", "author_sort"))


# --- range bombs: a tiny file that claims a huge sheet (issue #12, item 1) ----------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def range_bomb_xlsx(cell: str = "XFD1048576", dimension: str | None = None, header: tuple[str, ...] = ()) -> bytes:
    """A valid, tiny xlsx: a header row and one cell at `cell` (and a `dimension` claim, if given)."""
    import io
    import zipfile

    header = header or ("Leerlingnummer", "Achternaam", "Titel")
    cells = "".join(
        f'<c r="{chr(65 + index)}1" t="inlineStr"><is><t>{text}</t></is></c>' for index, text in enumerate(header)
    )
    row = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    claim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{claim}<sheetData>'
        f'<row r="1">{cells}</row><row r="{row}"><c r="{cell}"><v>1</v></c></row></sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{_DOC_RELS}"><sheets><sheet name="Leerlingen" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def repeat_bomb_ods(rows: int = 1_048_000, columns: int = 2) -> bytes:
    """A tiny ods whose one row of values is repeated `rows` times, each value `columns` times; it ends the way
    LibreOffice ends every sheet (an empty row repeated a million times), which must stay allowed."""
    import io
    import zipfile

    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    header = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Leerlingnummer</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>Achternaam</text:p>'
        "</table:table-cell></table:table-row>"
    )
    body = (
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="string" '
        f'table:number-columns-repeated="{columns}"><text:p>1</text:p></table:table-cell></table:table-row>'
    )
    trailer = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Leerlingen">{header}{body}{trailer}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
        )
        archive.writestr("content.xml", content)
    return buffer.getvalue()


TOO_LARGE = "te groot"
SANDBOX_MESSAGE = "Dit bestand is te groot of beschadigd en kan niet gelezen worden"
BOMBS = [
    pytest.param(lambda: range_bomb_xlsx("XFD20000"), "leerlingen.xlsx", id="cell-XFD20000"),
    pytest.param(lambda: range_bomb_xlsx("XFD1048576"), "leerlingen.xlsx", id="cell-XFD1048576"),
    pytest.param(lambda: range_bomb_xlsx("C2", dimension="A1:XFD1048576"), "leerlingen.xlsx", id="dimension"),
    pytest.param(lambda: repeat_bomb_ods(rows=1_048_000), "leerlingen.ods", id="ods-rows"),
    pytest.param(lambda: repeat_bomb_ods(rows=20_000, columns=16_384), "leerlingen.ods", id="ods-columns"),
]


@pytest.mark.parametrize(("make", "filename"), BOMBS)
def test_a_range_bomb_is_refused_by_the_student_reader(make, filename):
    with pytest.raises(FileRefused) as refused:
        student_files.read_file(make(), filename, school_code="99ZZ00", today=dt.date(2026, 9, 1))
    assert TOO_LARGE in str(refused.value)


@pytest.mark.parametrize(("make", "filename"), BOMBS)
def test_a_range_bomb_is_refused_by_the_catalogue_reader(make, filename):
    with pytest.raises(FileRefused) as refused:
        catalogue_records.read_file(make())
    assert TOO_LARGE in str(refused.value)


def test_a_bomb_the_range_check_misses_is_stopped_by_the_sandbox(monkeypatch):
    """Whatever slips past the range check (cells without references, .xls, a parser bug) costs a refused file:
    with the check switched off, calamine aborts in the child and the reader refuses with the sandbox's message."""
    monkeypatch.setattr(student_files, "check_sheet_ranges", lambda data, file_format: None)
    with pytest.raises(FileRefused) as refused:
        student_files.read_file(range_bomb_xlsx("XFD20000"), "l.xlsx", school_code="99ZZ00")
    assert SANDBOX_MESSAGE in str(refused.value)
    monkeypatch.setattr(catalogue_records, "_check_sheet_ranges", lambda content: None)
    with pytest.raises(FileRefused) as refused_catalogue:
        catalogue_records.read_file(range_bomb_xlsx("XFD20000"))
    assert SANDBOX_MESSAGE in str(refused_catalogue.value)


@pytest.mark.django_db
def test_a_range_bomb_is_refused_by_the_portal_upload(client, school_a, uploader_a):
    client.force_login(uploader_a)
    url = reverse("portal:upload", kwargs={"slug": school_a.slug})
    upload = SimpleUploadedFile("leerlingen.xlsx", range_bomb_xlsx("XFD20000"))
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "XFD20000" in response.content.decode() and TOO_LARGE in response.content.decode()
    assert not StudentUpload.objects.exists()


@pytest.mark.django_db
def test_a_range_bomb_is_refused_by_the_client_upload(client, school_a):
    from mediatheek.testing import factories

    client.force_login(factories.staff(username="importeur", may_import_students=True))
    session = client.session
    session["client_school_id"] = school_a.pk
    session.save()
    upload = SimpleUploadedFile("leerlingen.xlsx", range_bomb_xlsx("XFD1048576"))
    response = client.post(reverse("client:upload_from_client"), {"file": upload})
    assert response.status_code == 400
    assert "XFD1048576" in response.content.decode()
    assert not StudentUpload.objects.exists()


@pytest.mark.django_db
def test_a_range_bomb_is_refused_by_the_catalogue_import(client, admin_a, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_a)
    upload = SimpleUploadedFile("titels.xlsx", range_bomb_xlsx("XFD20000"))
    response = client.post(reverse("client:catalog_import"), {"file": upload})
    assert response.status_code == 200
    assert "XFD20000" in response.content.decode() and TOO_LARGE in response.content.decode()
    assert not list(tmp_path.iterdir()) and Title.objects.count() == 0


def test_a_single_huge_csv_line_is_refused_or_read_within_the_limits():
    """A 20 MB line (the file cap is 25 MB): one field, and ten million fields. Either a clean refusal or a result,
    in bounded time, and this process is untouched (the sandbox holds the memory)."""
    import time

    for line in (
        b"leerlingnummer;achternaam\n1;" + b"x" * (20 << 20),
        b"leerlingnummer;achternaam\n" + b";" * (20 << 20),
    ):
        start = time.monotonic()
        try:
            student_files.read_file(line, "l.csv", school_code="99ZZ00")
        except FileRefused as error:
            _assert_clean_refusal(error)
        assert time.monotonic() - start < 60
