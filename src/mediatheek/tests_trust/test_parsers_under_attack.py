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
from mediatheek.core.models import AuditEvent
from mediatheek.patrons.models import Group, Patron
from mediatheek.studentimport import files as student_files
from mediatheek.studentimport import readers as student_readers
from mediatheek.studentimport import services as student_services
from mediatheek.studentimport.models import ImportRun
from mediatheek.tests_trust import seeds
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
    except student_readers.ReadError as error:
        _assert_clean_refusal(error)


def _read_catalogue(data: bytes) -> None:
    try:
        catalogue_records.read_file(data)
    except catalogue_records.FileRefused as error:
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
    with pytest.raises(student_readers.ReadError):
        student_files.read_file(XML_BOMB, "edex.xml", school_code="99ZZ00", today=dt.date(2026, 9, 1))
    with pytest.raises(catalogue_records.FileRefused):
        catalogue_records.read_file(XXE)


def test_an_oversized_student_file_is_refused_before_reading():
    big = b"leerlingnummer;achternaam\n" + b"1;Berg\n" * (student_readers.MAX_FILE_BYTES // 7 + 1)
    with pytest.raises(student_readers.ReadError):
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
    except (student_services.FileRefused, student_services.MassDeregistrationBlocked) as error:
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
    except catalogue_records.FileRefused as error:
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
    """Prints how many generated cases the tests above ran (for the issue's note)."""
    print("\nparser cases:", dict(RUNS), "total", sum(RUNS.values()))


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
    except student_services.FileRefused as error:
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
    except catalogue_records.FileRefused as error:
        _assert_clean_refusal(error)
    else:
        plan = catalogue_import.plan_import(read, school=school_a)
        catalogue_import.apply_import(plan, school=school_a, by=staff_user, filename="nul.mrc")
    assert not any("\x00" in "".join(t) for t in Title.objects.values_list("title", "authors", "author_sort"))
