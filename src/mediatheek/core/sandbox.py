"""Run a parser of an untrusted file in a forked child with a memory, CPU and wall-clock limit.

A parser library can fail in ways Python cannot catch: python-calamine allocates the whole rectangle a spreadsheet
claims and Rust aborts the process (SIGABRT) when that fails; a pathological file can also make a parser eat
memory or CPU for minutes. In a gunicorn worker either takes the worker (and every request it serves) down. So the
readers of uploaded files run here: `run_limited(func, *args)` forks, the child sets `resource` limits, runs
`func`, sends its result back through a pipe and ends with `os._exit`; whatever goes wrong in the child costs one
refused file (`ParseAborted`, with a message the UI shows), never the worker.

Rules for the child, because it is forked from a live web process:
- it runs only `func` and the pickling of its result, then `os._exit`: no atexit handlers, no flushing of the
  parent's buffers, no closing of the parent's database connection (its socket is shared with the parent: closing
  it in the child would end the parent's session), no return into the caller's stack;
- fork copies only the calling thread, so it works under gunicorn sync workers, runserver and the threaded
  live_server of the browser tests; a lock that another thread held at the fork stays locked in the child, which
  at worst makes the child time out (a refused file), never the parent hang.

Exceptions listed in `passthrough` (a module's own refusal: core.errors.FileRefused) raised in the child are pickled
and raised again in the parent, so callers see the same errors as without the sandbox. ParseAborted is a FileRefused
too, so a caller catches one class for "this file is refused as a whole".

Pure Python and POSIX only; the base layer: imports no other app of ours.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from mediatheek.core.errors import FileRefused

T = TypeVar("T")

DEFAULT_MEMORY_MB = 1024
"""Address space the child may add to what it inherited; a 100,000-row student list needs about 250 MB."""

DEFAULT_SECONDS = 20
"""CPU and wall-clock seconds for one parse. A 100,000-row list takes 1-2 s; gunicorn kills a sync worker that is
silent for 30 s (its default --timeout), so a parse must end well before that."""

_CHUNK = 1 << 20
_OK, _RAISE, _FAIL = b"K", b"R", b"F"
# Signals a web server or runserver handles in Python; the child must simply die on them (default action).
_RESET_SIGNALS = ("SIGINT", "SIGTERM", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGABRT", "SIGALRM")


class ParseAborted(FileRefused):
    """The child crashed, was killed, ran out of memory or time: the file is refused as a whole."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            _(
                "Dit bestand is te groot of beschadigd en kan niet gelezen worden. Sla het opnieuw op als .xlsx of "
                ".csv en probeer het nog eens."
            ),
            code="parse_aborted",
        )
        self.detail = detail  # for logs and tests; never shown

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.detail,)


def limits() -> tuple[int, int]:
    """(memory MB, seconds) from the settings MEDIATHEEK_PARSE_MEMORY_MB / MEDIATHEEK_PARSE_SECONDS."""
    memory = int(getattr(settings, "MEDIATHEEK_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB))
    seconds = int(getattr(settings, "MEDIATHEEK_PARSE_SECONDS", DEFAULT_SECONDS))
    return memory, seconds


def run_limited(
    func: Callable[..., T],
    /,
    *args: Any,
    passthrough: tuple[type[BaseException], ...] = (),
    memory_mb: int | None = None,
    seconds: int | None = None,
    **kwargs: Any,
) -> T:
    """`func(*args, **kwargs)` in a forked child under limits; its result, or its `passthrough` exception.

    Raises ParseAborted when the child dies, exceeds its memory (MemoryError or a failed allocation) or time, or
    raises anything else (a bug in a parser is a refused file too; `detail` says what happened).
    """
    default_memory, default_seconds = limits()
    memory_mb = default_memory if memory_mb is None else memory_mb
    seconds = default_seconds if seconds is None else seconds
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its coverage is never written (os._exit)
        os.close(read_end)
        _child(write_end, func, args, kwargs, passthrough, memory_mb, seconds)
    os.close(write_end)
    try:
        payload, problem = _collect(read_end, seconds, limit=(memory_mb + 64) << 20)
    except BaseException:
        _reap(pid, kill=True)
        raise
    finally:
        os.close(read_end)
    status = _reap(pid, kill=bool(problem))
    if problem:
        raise ParseAborted(problem)
    if os.WIFSIGNALED(status):
        raise ParseAborted(f"killed by signal {os.WTERMSIG(status)}")
    if not payload:
        raise ParseAborted(f"exit status {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status}")
    kind, body = payload[:1], payload[1:]
    if kind == _FAIL:
        raise ParseAborted(bytes(body).decode("utf-8", "replace"))
    try:
        value = pickle.loads(body)  # noqa: S301 - written by our own child, through our own pipe
    except Exception as error:
        raise ParseAborted(f"unreadable result: {error!r}") from None
    if kind == _RAISE:
        raise value
    return value


def _reap(pid: int, *, kill: bool, grace: float = 5.0) -> int:
    """Wait for the child and return its status; kill it first when asked, or when it outlives the grace period
    after closing the pipe (it should be in os._exit by then)."""
    if kill:
        os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]
    deadline = time.monotonic() + grace
    while True:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        time.sleep(0.001)


def _collect(fd: int, seconds: int, *, limit: int) -> tuple[bytes, str]:
    """Everything the child writes until it closes the pipe, and what went wrong ("" when nothing did). Never
    blocks past the deadline."""
    deadline = time.monotonic() + seconds + 2  # the child's CPU limit hits first; this catches sleeping and waiting
    chunks: list[bytes] = []
    size = 0
    poller = select.poll()  # not select.select: a busy process may have file descriptors beyond FD_SETSIZE
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b"", f"timeout after {seconds} s"
        if not poller.poll(remaining * 1000):
            continue
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return b"".join(chunks), ""
        size += len(chunk)
        if size > limit:  # more than the child could have built within its limit: something is wrong
            return b"", "result too large"
        chunks.append(chunk)


def _child(
    fd: int,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    passthrough: tuple[type[BaseException], ...],
    memory_mb: int,
    seconds: int,
) -> None:  # pragma: no cover - runs in the forked child
    status = 70
    try:
        # The parent's objects are never collected here: leaving them frozen keeps their pages shared (no copy on
        # write from the collector's bookkeeping) and no finaliser of theirs (a DB connection's) can run.
        gc.freeze()
        # Nor is anything collected at all: the child lives for one parse, its memory is capped by the limit below
        # and all of it goes at exit; the collector's passes over a 100,000-row result cost ~10% of the read.
        gc.disable()
        for name in _RESET_SIGNALS:
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        _set_limits(memory_mb, seconds)
        try:
            result = func(*args, **kwargs)
            payload = _OK + pickle.dumps(result, protocol=5)
        except MemoryError:
            payload = _FAIL + b"MemoryError"
        except BaseException as error:
            if passthrough and isinstance(error, passthrough):
                try:
                    payload = _RAISE + pickle.dumps(error, protocol=5)
                except Exception:
                    payload = _FAIL + f"unpicklable {type(error).__name__}: {error}"[:500].encode()
            else:
                payload = _FAIL + f"{type(error).__name__}: {error}"[:500].encode()
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        status = 0
    except BaseException:  # noqa: BLE001 - whatever happens, the child must not return into the caller
        status = 71
    finally:
        os._exit(status)


def _set_limits(memory_mb: int, seconds: int) -> None:  # pragma: no cover - runs in the forked child
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    extra = memory_mb << 20
    current = _address_space()
    if current is not None:
        # Relative to what the child inherited: a worker maps far more address space than it uses (thread stacks,
        # allocator arenas, shared libraries), so an absolute limit would be either useless or fatal at once.
        _lower(resource.RLIMIT_AS, current + extra)
    elif hasattr(resource, "RLIMIT_DATA"):
        _lower(resource.RLIMIT_DATA, extra + _resident())


def _lower(which: int, value: int) -> None:  # pragma: no cover - runs in the forked child
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    if soft == resource.RLIM_INFINITY or value < soft:
        resource.setrlimit(which, (value, hard))


def _address_space() -> int | None:  # pragma: no cover - runs in the forked child
    """This process's virtual memory size in bytes (Linux), or None where /proc is not there."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _resident() -> int:  # pragma: no cover - runs in the forked child
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage if sys.platform == "darwin" else usage * 1024
