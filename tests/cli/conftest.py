"""Fixtures for the CLI tests; the helpers live in gocheck_cli.py."""

from pathlib import Path

import pytest

from gocheck_cli import CLEAN, SELFASSIGN, write_tree


@pytest.fixture
def go_tree(tmp_path: Path):
    """A module with one finding (pkg/a.go:4 selfassign) and one clean file."""
    return write_tree(tmp_path, {"go.mod": "module example.com/m\n\ngo 1.21\n", "pkg/a.go": SELFASSIGN, "pkg/b.go": CLEAN})
