"""The one error type of the pack format."""

from __future__ import annotations


class PackFormatError(ValueError):
    """A pack directory, manifest, version range or artifact is not valid.

    `field` names the offending manifest field or archive member when there is one, and the
    message says what to change.  `code` is a stable machine-readable reason the hub uses
    for its JSON errors.
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid_pack") -> None:
        super().__init__(message)
        self.field = field
        self.code = code
