"""A short coverage-guided fuzz run (atheris) of the student and catalogue readers, seeded with valid files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mediatheek.testing import seeds

pytest.importorskip("atheris")
ROOT = Path(__file__).resolve().parents[4]
RUNS = int(os.environ.get("MEDIATHEEK_FUZZ_RUNS", "10000"))


@pytest.mark.parametrize("target", ["student", "catalogue"])
def test_atheris_finds_no_crash_in_the_readers(target, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    if target == "student":
        for n, (name, data) in enumerate(seeds.student_seeds()):
            # The harness reads the first byte as the file-name choice.
            index = ["l.csv", "l.txt", "l.xlsx", "l.xls", "l.ods", "l.xml", "l"].index("l." + name.rsplit(".", 1)[1])
            (corpus / f"seed{n}").write_bytes(bytes([index]) + data)
    else:
        for n, data in enumerate(seeds.catalogue_seeds()):
            (corpus / f"seed{n}").write_bytes(data)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MEDIATHEEK_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mediatheek.testing.fuzz_targets",
            target,
            str(corpus),
            f"-runs={RUNS}",
            "-max_len=65536",
            "-timeout=20",
            "-max_total_time=120",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={tmp_path}/",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    done = re.search(r"Done (\d+) runs", output)
    assert done, output[-3000:]
    print(f"\natheris {target}: {done.group(1)} runs, no crash")
