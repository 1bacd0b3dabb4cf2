"""Unexported package-level function, type, constant or variable that nothing uses.

## What it does
Reports an unexported package-level function, type, constant or variable whose name
appears nowhere else in its package's directory outside comments: not in another
declaration or statement, not in a string, not in a test file, not in a file left out by
build constraints (`_windows.go`, `//go:build`), not in assembly (`.s`) or cgo sources. Every `.go`,
`.s`, `.c` and `.h` file of the directory counts, whatever its build constraints.

It stays silent on `init`, `main`, `_`, names with an underscore after the first letter
(`sync_runtime_Semacquire`: how `//go:linkname` targets pulled from another package, which
this rule cannot see, and C's names are spelled), functions without a body (implemented in assembly
or by `//go:linkname`), declarations with a `//go:linkname`, `//export`, `//go:embed` or
`//go:cgo_*` directive, constants of a parenthesised `iota` block (placeholders that keep
the later values right), a constant of a parenthesised group whose other constants are
used (a table that mirrors a file format or protocol), a variable whose initializer calls
something (kept for that call's effect), and in any package with a `//go:linkname` directive naming one of
its own functions from elsewhere (which this rule cannot see). Methods and struct fields
are not checked: interfaces and reflection (`encoding/json` tags and the like) use them
without naming them.

## Why is this bad?
Dead code is read, maintained and reviewed for nothing, and often hides a bug: a helper
that was meant to be called and is not, a constant that a switch forgot.

## Example
```go
func parseLegacy(s string) int { // never called
    return len(s)
}
```

## Use instead
Delete it, or call it where it was meant to be used.
"""

import re
from pathlib import Path

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import walk_named

_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
# Strings and runes first, so that `"http://x"` is not taken for a comment; then comments.
_TOKENS = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`[^`]*`|(//[^\n]*|/\*.*?\*/)', re.S)
_LINKNAME = re.compile(rb"^//go:linkname ", re.M)
_SOURCE_SUFFIXES = (".go", ".s", ".c", ".h")
_DIRECTIVES = ("//go:linkname", "//export", "//go:embed", "//go:cgo_")


def _name_counts(pass_: Pass) -> dict[bytes, int]:
    """How often each word occurs across the package directory's sources (every build
    configuration, tests, assembly, cgo); the files being checked count in their in-memory
    version."""
    texts: dict[str, bytes] = {}
    directory = Path(pass_.package.directory)
    try:
        for path in directory.iterdir():
            if path.suffix in _SOURCE_SUFFIXES and path.is_file():
                texts[str(path.resolve())] = path.read_bytes()
    except OSError:
        pass
    for f in pass_.files:
        texts[str(Path(f.path).resolve())] = f.source
    counts: dict[bytes, int] = {}
    for text in texts.values():
        for word in _WORD.findall(_TOKENS.sub(_blank_comment, text)):
            counts[word] = counts.get(word, 0) + 1
    return counts


def _blank_comment(m: re.Match) -> bytes:
    return b" " if m.group(1) is not None else m.group(0)


def _directive_before(file, node) -> bool:
    """Is there a linkname/export/embed/cgo directive in the comments right above `node`?"""
    prev = node.prev_sibling
    while prev is not None and prev.type == "comment":
        if file.text(prev).startswith(_DIRECTIVES):
            return True
        prev = prev.prev_sibling
    return False


def _candidates(file):
    """(name identifier, kind, declaration node) for each package-level declaration."""
    for decl in file.root.named_children:
        if decl.type == "function_declaration":
            name = decl.child_by_field_name("name")
            if decl.child_by_field_name("body") is not None and name is not None:
                yield name, "function", decl, []
        elif decl.type in ("type_declaration", "const_declaration", "var_declaration"):
            specs = []
            for child in decl.named_children:
                if child.type in ("type_spec", "type_alias", "const_spec", "var_spec"):
                    specs.append(child)
                elif child.type in ("var_spec_list", "const_spec_list", "type_spec_list"):
                    specs.extend(c for c in child.named_children if c.type in ("type_spec", "type_alias", "const_spec", "var_spec"))
            iota_block = decl.type == "const_declaration" and len(specs) > 1 and "iota" in file.text(decl)
            if iota_block:
                continue
            kind = {"type_declaration": "type", "const_declaration": "constant", "var_declaration": "variable"}[decl.type]
            names = [(child, spec) for spec in specs for i, child in enumerate(spec.children) if child.type in ("identifier", "type_identifier") and spec.field_name_for_child(i) == "name"]
            group = [n for n, _ in names] if kind == "constant" and len(names) > 1 else []
            for child, spec in names:
                if kind == "variable" and _has_call(spec.child_by_field_name("value")):
                    continue  # kept for its initializer's effect (a registration, a reservation)
                yield child, kind, decl, group


def _has_call(value) -> bool:
    if value is None:
        return False
    return any(n.type == "call_expression" for n in walk_named(value))


def run(pass_: Pass) -> None:
    if pass_.package.files and pass_.package.files[0].package_name == "builtin":
        return  # the Go distribution's documentation of the predeclared identifiers
    if any(_LINKNAME.search(f.source) for f in pass_.files):
        return
    counts = None
    for file in pass_.files:
        pass_.current_file = file
        for name, kind, decl, group in _candidates(file):
            text = file.text(name)
            if text in ("_", "init", "main") or not (text[0] == "_" or text[0].islower()):
                continue
            if "_" in text[1:]:
                continue  # `sync_runtime_Semacquire`, `srcimporter_setUsesCgo`: a //go:linkname target elsewhere, or C's names
            if _directive_before(file, decl):
                continue
            if counts is None:
                counts = _name_counts(pass_)
            if counts.get(text.encode(), 0) > 1:
                continue
            if any(counts.get(file.text(other).encode(), 0) > 1 for other in group if other != name):
                continue  # one of a table of constants (a format, a protocol) whose others are used
            pass_.report(file, name, f"{kind} {text} is unused")


RULE = Rule(
    name="unused",
    summary="unexported package-level function, type, constant or variable that nothing uses",
    run=run,
    tags=("unused",),
    equivalents=("staticcheck:U1000",),
)
