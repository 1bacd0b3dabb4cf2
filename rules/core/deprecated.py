"""Use of a deprecated standard-library function, type, constant or variable.

## What it does
Reports a reference `pkg.Name` to a package-level identifier of the standard library whose
documentation has a `Deprecated:` paragraph (`ioutil.ReadAll`, `strings.Title`,
`os.SEEK_SET`, ...), quoting that paragraph. The table (`rules/core/deprecated/stdlib.json`)
is generated from the Go sources by `rules/core/deprecated/generate.py`; each entry records
the Go version from which the advice can be followed (the version the paragraph names, or
the newest one in which the replacement it names was added). A module whose `go` line is
older than that version is not told to switch; an entry whose version is unknown is
reported to modules at Go 1.19 or later (the sources the table comes from). A deprecation
written for one operating system (`syscall.Syscall` on Windows) is reported only in files
built for that system alone (`_windows.go`, `//go:build windows`). Methods and
struct fields are not checked: that needs the receiver's type.

## Why is this bad?
Deprecated API is kept only for compatibility: it has known problems (`strings.Title`
mishandles Unicode word boundaries), a better replacement (`io.ReadAll`), or no longer does
anything useful. New code should not depend on it, and old code is easier to maintain
once it has moved on.

## Example
```go
data, err := ioutil.ReadAll(r)
```

## Use instead
```go
data, err := io.ReadAll(r)
```
"""

import json
import re
from functools import cache
from pathlib import Path

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule

QUERY = """
(selector_expression operand: (identifier) @pkg field: (field_identifier) @name) @ref
(qualified_type package: (package_identifier) @pkg name: (type_identifier) @name) @ref
"""

_TABLE = Path(__file__).with_name("deprecated") / "stdlib.json"
_UNKNOWN_SINCE = (1, 19)


@cache
def table() -> dict[str, dict]:
    return json.loads(_TABLE.read_text())


def _version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def _built_for(file, goos: str) -> bool:
    """Is `file` only built for `goos` (its name or its //go:build line says so)? A
    deprecation written for one system applies to code built for that system."""
    name = Path(file.path).name.removesuffix(".go")
    if f"_{goos}" in name.replace("_test", ""):
        return True
    m = re.search(rb"^//go:build (.+)$", file.source, re.M)
    return m is not None and re.fullmatch(rb"\(?" + goos.encode() + rb"\)?(\s*&&.*)?", m.group(1).strip()) is not None


def run(pass_: Pass) -> None:
    entries = table()
    module = pass_.go_version
    for file, ref, m in pass_.iter_matches("ref"):
        pkg = m.node("pkg")
        path = pass_.import_path(file, pkg)
        if path is None:
            continue
        name = file.text(m.node("name"))
        entry = entries.get(f"{path}.{name}")
        if entry is None:
            continue
        if "goos" in entry and not _built_for(file, entry["goos"]):
            continue
        since = _version(entry["since"]) if entry["since"] else _UNKNOWN_SINCE
        if module is not None and tuple(module[:2]) < since:
            continue
        text = entry["text"].removeprefix("Deprecated:").strip()
        pass_.report(file, ref, f"{file.text(pkg)}.{name} has been deprecated: {text}")


RULE = Rule(
    name="deprecated",
    summary="use of a deprecated standard-library function, type, constant or variable",
    run=run,
    query=QUERY,
    tags=("deprecation",),
    equivalents=("staticcheck:SA1019",),
    per_file=True,  # the file's selectors, its imports and the package's names
)
