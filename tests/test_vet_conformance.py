"""bench/vet_conformance.py scores every core rule that mirrors a go vet analyzer on that
analyzer's testdata in golang.org/x/tools (installed by .ci/setup.sh): no rule may crash,
none may hit fewer wants or report more findings off the wants than when last measured."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOORS = {"atomicassign": 11, "boolexpr": 56, "closebeforecheck": 8, "copylocks": 32, "errorsas": 3, "loopclosure": 42,
          "lostcancel": 10, "printf": 53, "pureresult": 12, "selfassign": 10, "shiftsize": 33, "sigchanbuffer": 2,
          "stringintconv": 2, "structtag": 33, "testfatalgoroutine": 22, "timeformat": 4, "unmarshalptr": 9, "unreachable": 158, "stdmethods": 21}
# copylocks' one is `func (LocalMutex) Bad()` on `type LocalMutex sync.Mutex`, which the testdata
# itself marks "WANTED: An error here"; shiftsize's two sit under `if iBits == 128`, dead code vet
# recognises from the constant.
CEILINGS = {"atomicassign": 0, "copylocks": 1, "errorsas": 0, "lostcancel": 0, "shiftsize": 2, "sigchanbuffer": 0, "selfassign": 5, "stdmethods": 0}


def test_vet_conformance_keeps_its_scores():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "vet_conformance.py")],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {}
    for line in proc.stdout.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 6:
            rows[parts[0]] = (int(parts[2]), int(parts[4]))
    for rule, floor in FLOORS.items():
        assert rows.get(rule, (0, 0))[0] >= floor, (rule, rows.get(rule), proc.stdout)
    for rule, ceiling in CEILINGS.items():
        assert rows[rule][1] <= ceiling, (rule, rows[rule], proc.stdout)
