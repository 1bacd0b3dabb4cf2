"""The project's sources as a user's machine gets them, for the distribution tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DISTRIBUTION = "gocheck-lint"


def clean_env() -> dict[str, str]:
    """The environment of a user's shell: no PYTHONPATH pointing into a checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["CI"] = "1"
    return env


def copy_of_sources(tmp_path: Path) -> Path:
    """The committed sources plus the working tree's changes, without build leftovers."""
    source = tmp_path / "src"
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        origin = REPO / os.fsdecode(name)
        if not origin.is_file():
            continue
        target = source / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(origin.read_bytes())
    return source
