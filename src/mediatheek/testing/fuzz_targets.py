"""Coverage-guided fuzzing of the readers with atheris (libFuzzer for Python). Run by test_fuzz.py as:

    python -m mediatheek.testing.fuzz_targets {student|catalogue} CORPUS_DIR -runs=N

An exception other than the reader's own refusal (or a hang past -timeout) ends the run with a crash report.
The targets call the readers in this process (`read_file_in_process`), not through the sandbox: libFuzzer's coverage
must see the parsers' code run, and a crash must crash here to be reported.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile

import atheris
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediatheek.settings")
os.environ.setdefault("MEDIATHEEK_DATA_DIR", tempfile.mkdtemp(prefix="mediatheek-fuzz-"))
django.setup()

with atheris.instrument_imports(include=["mediatheek"]):
    from mediatheek.catalog import records
    from mediatheek.studentimport import files, readers

FILENAMES = ["l.csv", "l.txt", "l.xlsx", "l.xls", "l.ods", "l.xml", "l"]


def student(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    filename = FILENAMES[provider.ConsumeIntInRange(0, len(FILENAMES) - 1)]
    content = provider.ConsumeBytes(provider.remaining_bytes())
    try:
        files.read_file_in_process(content, filename, school_code="99ZZ00", today=dt.date(2026, 9, 1))
    except readers.FileRefused as error:
        assert str(error.message).strip()


def catalogue(data: bytes) -> None:
    try:
        records.read_file_in_process(data)
    except records.FileRefused as error:
        assert str(error).strip()


TARGETS = {"student": student, "catalogue": catalogue}


def main() -> None:
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
