"""The sandbox that runs parsers of uploaded files: results and domain errors come back, a crash, a memory hog and
a sleeper are refused with one message, and the caller's process (and its database connection) lives on."""

from __future__ import annotations

import io
import os
import threading
import time

import pytest

from mediatheek.core import sandbox


class Refused(Exception):
    """A module's own refusal (like FileRefused): it must arrive in the parent as itself."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _refuse(message: str) -> None:
    raise Refused(message)


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes << 20))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _spin() -> None:
    while True:
        pass


def _calamine_range_bomb() -> int:
    """python-calamine on a 1.6 KB xlsx with one cell at XFD20000: Rust aborts the process (SIGABRT)."""
    import python_calamine

    from mediatheek.security.tests.test_parsers_under_attack import range_bomb_xlsx

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(range_bomb_xlsx("XFD20000")))
    return len(workbook.get_sheet_by_index(0).to_python())


def test_the_result_comes_back() -> None:
    assert sandbox.run_limited(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]
    assert sandbox.run_limited(bytes, 3 << 20) == bytes(3 << 20)  # larger than a pipe's buffer


def test_a_domain_error_raised_in_the_child_arrives_as_itself() -> None:
    with pytest.raises(Refused) as refused:
        sandbox.run_limited(_refuse, "Het bestand is leeg.", passthrough=(Refused,))
    assert refused.value.message == "Het bestand is leeg."


def test_any_other_error_in_the_child_is_a_refusal_not_a_crash() -> None:
    with pytest.raises(sandbox.ParseAborted) as aborted:
        sandbox.run_limited(_refuse, "geheim", passthrough=())
    assert "Refused" in aborted.value.detail


def test_a_child_that_allocates_too_much_is_refused() -> None:
    with pytest.raises(sandbox.ParseAborted) as aborted:
        sandbox.run_limited(_allocate, 400, memory_mb=100)
    assert str(aborted.value.message).startswith("Dit bestand is te groot of beschadigd")
    assert sandbox.run_limited(_allocate, 20, memory_mb=100) == 20 << 20


def test_a_child_that_sleeps_past_the_limit_is_refused_in_time() -> None:
    start = time.monotonic()
    with pytest.raises(sandbox.ParseAborted) as aborted:
        sandbox.run_limited(_sleep, 60, seconds=1)
    assert time.monotonic() - start < 10
    assert "timeout" in aborted.value.detail


def test_a_child_that_burns_cpu_is_killed() -> None:
    start = time.monotonic()
    with pytest.raises(sandbox.ParseAborted):
        sandbox.run_limited(_spin, seconds=1)
    assert time.monotonic() - start < 10


def test_a_parser_library_that_aborts_the_process_costs_only_the_child() -> None:
    with pytest.raises(sandbox.ParseAborted) as aborted:
        sandbox.run_limited(_calamine_range_bomb)
    assert "signal" in aborted.value.detail or "MemoryError" in aborted.value.detail
    assert sandbox.run_limited(os.getpid) != os.getpid()  # and this process carries on


def test_it_works_from_a_thread_like_the_live_server_and_runserver() -> None:
    results: list[object] = []

    def work() -> None:
        results.append(sandbox.run_limited(sum, [1, 2, 3]))
        try:
            sandbox.run_limited(_allocate, 400, memory_mb=100)
        except sandbox.ParseAborted as error:
            results.append(error.code)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results.count(6) == 3 and results.count("parse_aborted") == 3


@pytest.mark.django_db
def test_the_database_connection_survives_children_that_die() -> None:
    from django.db import connection

    from mediatheek.core.models import AuditEvent

    before = AuditEvent.objects.count()
    for function in (_calamine_range_bomb, _spin):
        with pytest.raises(sandbox.ParseAborted):
            sandbox.run_limited(function, seconds=2)
    sandbox.run_limited(sum, [1])  # a child that ends normally must not close the shared connection either
    assert AuditEvent.objects.count() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
