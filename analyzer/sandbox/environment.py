"""The worker's environment: an allowlist, never the parent's (which holds GOCHECK_API_KEY,
GOCHECK_HUB_TOKEN, cloud credentials, CI tokens...)."""

from __future__ import annotations

import os
from collections.abc import Mapping

ALLOWED = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")


def worker_environment(scratch: str, parent: Mapping[str, str] | None = None) -> dict[str, str]:
    parent = os.environ if parent is None else parent
    env = {name: parent[name] for name in ALLOWED if name in parent}
    env.update(HOME=scratch, TMPDIR=scratch, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    return env
