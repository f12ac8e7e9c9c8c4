"""Upload benchmark: what encryption at rest and the portal's immediate check cost a school's upload.

Measures, in one run on this machine:
- AES-256-GCM save + read of 1, 5 and 20 MB (uploads.storage) against a plain write + read of the same bytes
  (the baseline), and the ratio;
- the portal's immediate check (uploads.services.check_student_file, i.e. the import engine's reader) of student
  lists of 500, 2,000 and 10,000 rows (xlsx), against the encryption of the same file.

    .venv/bin/python bench/uploads.py
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = tempfile.mkdtemp(prefix="mediatheek-bench-uploads-")
os.environ["MEDIATHEEK_DATA_DIR"] = DATA
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediatheek.settings")

import django  # noqa: E402

django.setup()

from mediatheek.core import exports  # noqa: E402
from mediatheek.schools.models import School  # noqa: E402
from mediatheek.uploads import services, storage  # noqa: E402


def best_of(repeat: int, func: object) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times) if repeat < 5 else statistics.median(times)


def plain_round_trip(data: bytes) -> None:
    path = Path(DATA) / ("plain-" + secrets.token_hex(8))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    assert path.read_bytes() == data
    path.unlink()


def encrypted_round_trip(data: bytes) -> None:
    name = storage.save_encrypted(data)
    assert storage.read_decrypted(name) == data
    storage.delete(name)


def student_list(rows: int) -> bytes:
    header = ["Leerlingnummer", "Roepnaam", "Voorvoegsel", "Achternaam", "Groep", "Jaargroep", "Geboortedatum"]
    body = [
        [
            str(100000 + n),
            "Sanne",
            "van den" if n % 3 == 0 else "",
            f"Berg{n}",
            f"Groep {n % 8 + 1}",
            n % 8 + 1,
            f"{n % 28 + 1:02d}-0{n % 9 + 1}-2016",
        ]
        for n in range(rows)
    ]
    return exports.xlsx_bytes({"Leerlingen": (header, body)})


def main() -> None:
    storage.get_key()  # create the key file outside the timing
    print("Encryption at rest (best of 5, ms)")
    print(f"{'size':>8} {'plain':>9} {'AES-GCM':>9} {'ratio':>7} {'MB/s':>8}")
    for megabytes in (1, 5, 20):
        data = secrets.token_bytes(megabytes * 1024 * 1024)
        plain = best_of(5, lambda d=data: plain_round_trip(d))
        encrypted = best_of(5, lambda d=data: encrypted_round_trip(d))
        print(
            f"{megabytes:>6}MB {plain * 1000:>9.1f} {encrypted * 1000:>9.1f} {encrypted / plain:>7.2f}"
            f" {megabytes / encrypted:>8.0f}"
        )

    school = School(code="11AA00", name="Bench", slug="bench")
    print("\nPortal check of a student list (xlsx, best of 3, ms)")
    print(f"{'rows':>7} {'bytes':>9} {'check':>9} {'encrypt':>9} {'check/encrypt':>14}")
    for rows in (500, 2000, 10000):
        data = student_list(rows)
        check = best_of(3, lambda d=data: services.check_student_file(school=school, data=d, filename="l.xlsx"))
        encrypted = best_of(3, lambda d=data: encrypted_round_trip(d))
        print(f"{rows:>7} {len(data):>9} {check * 1000:>9.1f} {encrypted * 1000:>9.1f} {check / encrypted:>14.1f}")


if __name__ == "__main__":
    main()
