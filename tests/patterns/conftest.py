"""The pattern tests use the loader suite's real hub on loopback and isolated user dirs."""

from tests.loader.conftest import hub, user_dirs  # noqa: F401  (pytest fixtures)
