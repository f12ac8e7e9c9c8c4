"""Two tabs press "Importeren" (or "Ongedaan maken") at the same moment: the file is imported (undone) once.

Real threads through the client's views against PostgreSQL, each thread its own connection and transaction;
skipped on SQLite, where IMMEDIATE transactions serialise writers (the sequential cases are in test_apply_lock.py
and client/tests/test_imports.py).
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from mediatheek.patrons.models import Patron
from mediatheek.studentimport.models import ImportRun
from mediatheek.testing import factories as f
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.tests.helpers import make_upload

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race test needs PostgreSQL (DATABASE_URL)"),
]

TABS = 4
STUDENTS = 3000  # big enough that the apply takes a while: the other tabs arrive while it runs


def _rows(students: int, first: int = 10000) -> list[str]:
    return [f"{first + n};Kind{n};Achternaam{n};Groep {1 + n % 8}" for n in range(students)]


def _file(students: int = STUDENTS, first: int = 10000, more: list[str] | None = None) -> bytes:
    rows = _rows(students, first) + (more or [])
    return ("leerlingnummer;roepnaam;achternaam;groep\n" + "\n".join(rows) + "\n").encode()


def _race(clients: list[Client], url: str, data: dict[str, str] | None = None) -> list[object]:
    barrier = threading.Barrier(len(clients))
    results: list[object] = [None] * len(clients)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = clients[index].post(url, data or {})
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _clients(user, count: int) -> list[Client]:
    clients = []
    for _ in range(count):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_same_upload_applied_from_several_tabs_at_once_is_imported_once():
    school = f.SchoolFactory(code="11AA00", slug="alfa")
    importer = f.staff(username="importeur", may_import_students=True)
    upload = make_upload(school, data=_file(), filename="leerlingen.csv")

    responses = _race(_clients(importer, TABS), reverse("client:import_apply", args=[upload.pk]))

    assert all(getattr(response, "status_code", None) == 302 for response in responses), responses
    assert ImportRun.objects.count() == 1
    run = ImportRun.objects.get()
    assert run.new == STUDENTS
    assert Patron.objects.filter(school=school).count() == STUDENTS
    upload.refresh_from_db()
    assert upload.state == StudentUpload.State.IMPORTED and upload.import_run == run
    said = [_messages(response) for response in responses]
    winners = [m for m in said if m == ["Het leerlingbestand is geïmporteerd."]]
    assert len(winners) == 1, said
    losers = [m for m in said if m != ["Het leerlingbestand is geïmporteerd."]]
    for messages in losers:
        assert len(messages) == 1, said
        assert messages[0].startswith(("Dit bestand wordt al geïmporteerd", "Dit bestand is al geïmporteerd")), said
    # The tabs arrive while the first apply runs: at least one is told it is running (not only "done").
    assert any(m[0].startswith("Dit bestand wordt al geïmporteerd") for m in losers), said


def test_undo_from_several_tabs_at_once_undoes_the_last_import_once():
    school = f.SchoolFactory(code="11AA00", slug="alfa")
    importer = f.staff(username="importeur", may_import_students=True)
    client = Client()
    client.force_login(importer)
    first_upload = make_upload(school, data=_file(10), filename="een.csv")
    client.post(reverse("client:import_apply", args=[first_upload.pk]))
    second_upload = make_upload(school, data=_file(10, more=_rows(STUDENTS, 50000)), filename="twee.csv")
    client.post(reverse("client:import_apply", args=[second_upload.pk]))
    first, second = ImportRun.objects.order_by("pk")

    responses = _race(_clients(importer, TABS), reverse("client:import_undo", args=[second.pk]), {"confirmed": "1"})

    assert all(getattr(response, "status_code", None) == 302 for response in responses), responses
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.undone_at is not None
    assert first.undone_at is None, "a second click undid the import before the last one too"
    assert Patron.objects.filter(school=school, status=Patron.Status.ACTIVE).count() == 10
    said = [_messages(response) for response in responses]
    assert sum(m == ["De import is ongedaan gemaakt."] for m in said) == 1, said
