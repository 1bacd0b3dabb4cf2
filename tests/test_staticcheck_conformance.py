"""bench/staticcheck_conformance.py runs every core rule that mirrors a staticcheck check on
that check's own testdata (Debian's golang-honnef-go-tools-dev, installed by .ci/setup.sh):
no rule may crash there, and the rules whose scores the closing note quotes keep them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Wants hit at least (the score measured when each rule was written).
FLOORS = {"appendresult": 6, "badregexp": 8, "contextkey": 3, "infiniterecursion": 3, "nilcontext": 4,
          "sleepconst": 2, "syncpoolvalue": 4, "unmarshalptr": 2, "unused": 25, "deprecated": 12, "deadstore": 14}


def test_conformance_table_runs_and_keeps_its_scores():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "staticcheck_conformance.py")],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hits = {}
    for line in proc.stdout.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 6:
            hits[parts[0]] = int(parts[2])
    for rule, floor in FLOORS.items():
        assert hits.get(rule, 0) >= floor, (rule, hits.get(rule), proc.stdout)


def test_conformance_fails_when_the_testdata_is_missing(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "staticcheck_conformance.py"), "--root", str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1 and "golang-honnef-go-tools-dev" in proc.stderr
