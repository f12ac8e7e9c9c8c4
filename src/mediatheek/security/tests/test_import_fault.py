"""Kill the student import half-way (an exception injected between its steps) and find the database exactly as
before: every table, every row. Then the same file applies cleanly."""

from __future__ import annotations

import pytest

from mediatheek.operations import backup
from mediatheek.patrons.models import Patron
from mediatheek.studentimport import services
from mediatheek.studentimport.models import ImportRun
from mediatheek.testing import factories as f

# Steps apply_import runs inside its transaction, in order; the fault is injected into one of them.
STEPS = ["_insert_new", "_record_new", "_update_existing", "_deregister", "_record_changes"]


def _school_with_students():
    school = f.SchoolFactory(code="11AA00", slug="alfa")
    group = f.GroupFactory(school=school, name="Groep 4A", year_level=4)
    for n in range(12):
        f.PatronFactory(school=school, group=group, student_number=f"{500 + n}", last_name=f"Bestaand{n}")
    return school


def _file() -> bytes:
    lines = ["leerlingnummer;roepnaam;achternaam;groep;jaargroep;geboortedatum"]
    # 10 of the 12 stay (5 move to 5A), 2 leave, 8 are new.
    for n in range(10):
        lines.append(
            f"{500 + n};Kind{n};Bestaand{n};{'Groep 5A' if n < 5 else 'Groep 4A'};{5 if n < 5 else 4};01-02-2017"
        )
    for n in range(8):
        lines.append(f"{900 + n};Nieuw{n};Nieuwkomer{n};Groep 1B;1;03-04-2021")
    return ("\n".join(lines) + "\n").encode()


class Killed(Exception):
    pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", STEPS)
def test_an_import_killed_half_way_leaves_the_database_exactly_as_before(monkeypatch, step):
    if not hasattr(services, step):
        pytest.fail(f"studentimport.services.{step} is gone; update STEPS to the steps apply_import runs now")
    school = _school_with_students()
    staff = f.staff(username="importeur")
    before = backup.snapshot()
    calls = []
    original = getattr(services, step)

    def killed(*args, **kwargs):
        calls.append(step)
        original(*args, **kwargs)  # the step does its writes, then the process "dies"
        raise Killed(step)

    monkeypatch.setattr(services, step, killed)
    with pytest.raises(Killed):
        services.apply_import(school=school, data=_file(), filename="leerlingen.csv", by=staff)
    assert calls == [step]
    after = backup.snapshot()
    changed = {
        table: (len(before[table]), len(after.get(table, []))) for table in before if before[table] != after.get(table)
    }
    assert changed == {}, changed

    monkeypatch.undo()
    run = services.apply_import(school=school, data=_file(), filename="leerlingen.csv", by=staff)
    assert (run.new, run.moved, run.deregistered) == (8, 5, 2)
    assert ImportRun.objects.count() == 1
    assert Patron.objects.filter(school=school, status="active").count() == 18
