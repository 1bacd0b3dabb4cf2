"""Shared pytest setup. Area-specific fixtures live in each test folder's conftest.py."""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Tests never touch the user's real caches or configs.
os.environ.setdefault("GOCHECK_NO_PROGRESS", "1")
