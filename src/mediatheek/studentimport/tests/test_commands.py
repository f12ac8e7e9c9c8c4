"""`mediatheek import_students` and `mediatheek undo_import`: arguments, JSON, exit codes, nothing written."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mediatheek.patrons.models import Patron
from mediatheek.studentimport.models import ImportRun
from mediatheek.studentimport.tests import makefiles
from mediatheek.testing import factories as f

pytestmark = pytest.mark.django_db

ROWS = [
    ["Leerlingnummer", "Roepnaam", "Achternaam", "Groep", "Geboortedatum"],
    ["1", "Sanne", "Berg", "5B", "17-05-2016"],
    ["2", "Daan", "Jansen", "6A", "31-02-2015"],
    ["3", "Zoë", "Vries", "5B", ""],
]
KEYS = ["applied", "new", "reactivated", "moved", "updated", "unchanged", "deregistered", "errors"]


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "leerlingen.csv"
    path.write_bytes(makefiles.csv(ROWS))
    return path


def test_json_apply(school_a: Any, csv_file: Path) -> None:
    code, out, _err = run("import_students", str(csv_file), "--school", "11AA00", "--json")
    assert code == 0
    payload = json.loads(out)
    assert list(payload) == KEYS
    assert payload["applied"] is True
    assert payload["new"] == 2
    assert payload["errors"] == [{"row": 3, "message": "Onmogelijke geboortedatum '31-02-2015'."}]
    assert Patron.objects.for_school(school_a).count() == 2


def test_dry_run_writes_nothing(school_a: Any, csv_file: Path) -> None:
    code, out, _err = run("import_students", str(csv_file), "--school", "11aa00", "--dry-run", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["applied"] is False and payload["new"] == 2
    assert Patron.objects.count() == 0 and ImportRun.objects.count() == 0


def test_human_output(school_a: Any, csv_file: Path) -> None:
    code, out, _err = run("import_students", str(csv_file), "--school", "11AA00")
    assert code == 0
    assert out.startswith("Uitgevoerd: nieuw 2")
    assert "regel 3:" in out


def test_refused_file_exit_2(school_a: Any, tmp_path: Path) -> None:
    path = tmp_path / "lijst.xlsx"
    path.write_bytes(b"%PDF-1.4 nope")
    code, out, err = run("import_students", str(path), "--school", "11AA00")
    assert code == 2 and out == "" and "PDF" in err
    code, out, _err = run("import_students", str(path), "--school", "11AA00", "--json")
    payload = json.loads(out)
    assert code == 2 and payload["applied"] is False and "PDF" in payload["error"]
    assert ImportRun.objects.count() == 0


def test_missing_file_exit_2(school_a: Any, tmp_path: Path) -> None:
    code, _out, err = run("import_students", str(tmp_path / "nope.csv"), "--school", "11AA00")
    assert code == 2 and "nope.csv" in err


def test_wrong_school_exit_2(school_a: Any, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(makefiles.edexml([{"key": "1", "achternaam": "Berg"}], brin="22BB"))
    code, out, _err = run("import_students", str(path), "--school", "11AA00", "--json")
    assert code == 2 and "andere school" in json.loads(out)["error"]
    assert Patron.objects.count() == 0


def test_guard_exit_3_then_allowed(school_a: Any, tmp_path: Path) -> None:
    for n in range(20):
        f.PatronFactory(school=school_a, student_number=str(100 + n))
    path = tmp_path / "deel.csv"
    path.write_bytes(makefiles.csv([["Leerlingnummer", "Achternaam"], ["100", "Berg"]]))
    code, out, _err = run("import_students", str(path), "--school", "11AA00", "--json")
    payload = json.loads(out)
    assert code == 3 and payload["applied"] is False and payload["deregistered"] == 19
    assert ImportRun.objects.count() == 0
    assert Patron.objects.filter(status="active").count() == 20
    code, out, _err = run("import_students", str(path), "--school", "11AA00", "--json", "--dry-run")
    assert code == 3
    code, out, _err = run("import_students", str(path), "--school", "11AA00", "--json", "--allow-mass-deregistration")
    assert code == 0 and json.loads(out)["deregistered"] == 19
    assert Patron.objects.filter(status="active").count() == 1


def test_unknown_school(db: None, csv_file: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_students", str(csv_file), "--school", "99ZZ00", stdout=StringIO())


def test_undo_import(school_a: Any, csv_file: Path) -> None:
    run("import_students", str(csv_file), "--school", "11AA00")
    out = StringIO()
    call_command("undo_import", "--school", "11AA00", stdout=out)
    assert "Ongedaan gemaakt" in out.getvalue()
    assert Patron.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("undo_import", "--school", "11AA00", stdout=StringIO())
