"""What the suite needs from the machine, and the one place that decides what a missing piece means.

On a developer's machine a test whose service, browser or Debian testdata is missing is skipped
with the reason. In CI (`CI` set, as `.ci/run` is called) `.ci/setup.sh` provides all of them,
so a missing one fails the test instead: a green CI run never hides tests that did not run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

XTOOLS_PASSES = Path("/usr/share/gocode/src/golang.org/x/tools/go/analysis/passes")  # golang-golang-x-tools-dev
STATICCHECK = Path("/usr/share/gocode/src/honnef.co/go/tools")  # golang-honnef-go-tools-dev
CHROMIUM = Path("/usr/bin/chromium")  # chromium


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def unavailable(reason: str) -> NoReturn:
    """Skip the test (or, at module level, the module) for `reason`; fail it when CI is set."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: bash .ci/setup.sh provides it)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_dir(path: Path, package: str) -> Path:
    """`path`, a directory a Debian package installs; see `unavailable` when it is missing."""
    if not path.is_dir():
        unavailable(f"{path} is missing (apt-get install -y {package})")
    return path


def require_browser() -> None:
    """Debian's Chromium and playwright, which the portal's browser tests drive; see `unavailable`
    when either is missing (call at module level)."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401  # only whether it imports
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
