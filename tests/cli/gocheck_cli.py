"""CLI test helpers: Go trees in tmp dirs, and gocheck run as a user runs it (a subprocess).

A uniquely named module (not conftest) so `import` finds this one among the suite's conftests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SELFASSIGN = """\
package pkg

func F(x int) int {
	x = x
	return x
}
"""

CLEAN = """\
package pkg

func G(a int) int {
	return a + 1
}
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content)
    return root


def run_gocheck(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI", "GITHUB_ACTIONS")}
    environment["PYTHONPATH"] = str(REPO) + os.pathsep + environment.get("PYTHONPATH", "")
    environment["GOCHECK_NO_PROGRESS"] = "1"
    environment.setdefault("GOCHECK_CACHE_DIR", str(cwd / ".gocheck-test-cache"))
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


