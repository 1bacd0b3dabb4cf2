"""The README promises that `gocheck ./...` on examples/inventory prints one finding per core
rule that is on by default (one planted bug each) and exits 1: a new default rule needs its
planted bug, and no rule may fire on the sample's correct code."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from analyzer.pipeline.rulepack import core_pack_dir, load_pack

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "inventory"


def test_sample_prints_one_finding_per_default_core_rule():
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer", "--no-cache", "--format", "json", "./..."],
        cwd=SAMPLE, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    found = Counter(d["rule"] for d in json.loads(proc.stdout)["diagnostics"])
    expected = {r.name: 1 for r in load_pack(core_pack_dir()).rules if r.enabled_by_default}
    assert dict(found) == expected
