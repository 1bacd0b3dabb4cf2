"""Unexported package-level function, type, constant, variable, method or field that nothing uses.

## What it does
Reports an unexported package-level function, type, constant or variable, method or
struct field, whose name
appears nowhere else in its package's directory outside comments: not in another
declaration or statement, not in a string, not in a test file, not in a file left out by
build constraints (`_windows.go`, `//go:build`), not in assembly (`.s`) or cgo sources. Every `.go`,
`.s`, `.c` and `.h` file of the directory counts, whatever its build constraints.

It stays silent on `init`, `main`, `_`, names with an underscore after the first letter
(`sync_runtime_Semacquire`: how `//go:linkname` targets pulled from another package, which
this rule cannot see, and C's names are spelled), functions without a body (implemented in assembly
or by `//go:linkname`), declarations with a `//go:linkname`, `//export`, `//go:embed` or
`//go:cgo_*` directive or staticcheck's `//lint:ignore U1000` (which also covers the fields and
methods of an ignored type), constants of a parenthesised `iota` block (placeholders that keep
the later values right), a constant of a parenthesised group whose other constants are
used (a table that mirrors a file format or protocol), a variable whose initializer calls
something (kept for that call's effect), and in any package with a `//go:linkname` directive naming one of
its own functions from elsewhere (which this rule cannot see).

Unexported methods are reported the same way (an unexported method can only satisfy an
interface of its own package, which names it; `reflect` cannot call it), except methods
without a body. Unexported struct fields of package-level struct types are reported too,
but only where nothing else can reach them without naming them: the rule stays silent on
fields named `_` or like padding (`pad`, `_pad`, `padding...`), fields with a struct tag
(reflection, encoding), embedded fields (they promote methods and satisfy interfaces),
fields of a struct that some composite literal fills by position (`T{1, 2}`, also
through the package's slice, array and map types: the field is set there), fields whose
type has a `Lock` method (the `noCopy` marker go vet reads), fields of a type that is
itself unused (reported once, as the type), and on every field of a package that imports `unsafe`, `reflect`, `encoding/binary` (which
reads and writes every field of a struct, unexported ones too) or `C` (cgo), or has assembly
files (layouts that code reads by offset). Exported methods and
fields are never reported: another package or an interface may use them.

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

import collections
import re
from pathlib import Path

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import walk_named

_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
# Strings and runes first, so that `"http://x"` is not taken for a comment; then comments.
_TOKENS = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`[^`]*`|(//[^\n]*|/\*.*?\*/)', re.DOTALL)
_LINKNAME = re.compile(rb"^//go:linkname ", re.MULTILINE)
_SOURCE_SUFFIXES = (".go", ".s", ".c", ".h")
_DIRECTIVES = ("//go:linkname", "//export", "//go:embed", "//go:cgo_")


def _name_counts(pass_: Pass) -> "collections.Counter[bytes]":
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
    counts: collections.Counter[bytes] = collections.Counter()
    for text in texts.values():
        counts.update(_WORD.findall(_TOKENS.sub(_blank_comment, text)))  # counted in C, not a Python loop per word
    return counts


def _blank_comment(m: re.Match) -> bytes:
    return b" " if m.group(1) is not None else m.group(0)


def _directive_before(file, node) -> bool:
    """Is there a linkname/export/embed/cgo directive, or staticcheck's `//lint:ignore U1000`,
    in the comments right above `node`?"""
    prev = node.prev_sibling
    while prev is not None and prev.type == "comment":
        text = file.text(prev)
        if text.startswith(_DIRECTIVES) or _LINT_IGNORE.match(text):
            return True
        prev = prev.prev_sibling
    return False


_LINT_IGNORE = re.compile(r"//lint:ignore\s+(?:\S*,)?U1000\b")


def _receiver_type(file, method) -> str | None:
    receiver = method.child_by_field_name("receiver")
    words = _WORD.findall(file.source[receiver.start_byte:receiver.end_byte]) if receiver is not None else []
    return words[-1].decode() if words else None


def _ignored_types(pass_: Pass) -> set[str]:
    """Types under staticcheck's `//lint:ignore U1000`: their methods are left alone too."""
    names = set()
    for f in pass_.files:
        for decl in f.root.named_children:
            if decl.type == "type_declaration" and _directive_before(f, decl):
                for spec in decl.named_children:
                    name = spec.child_by_field_name("name") if spec.type in ("type_spec", "type_alias") else None
                    if name is not None:
                        names.add(f.text(name))
    return names


def _candidates(file, fields_checked: bool):
    """(name identifier, kind, declaration node) for each package-level declaration, method
    and (when `fields_checked`) struct field."""
    for decl in file.root.named_children:
        if decl.type in ("function_declaration", "method_declaration"):
            name = decl.child_by_field_name("name")
            if decl.child_by_field_name("body") is not None and name is not None:
                yield name, "function" if decl.type == "function_declaration" else "method", decl, []
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
            if fields_checked and kind == "type":
                for spec in specs:
                    for field in _struct_fields(spec):
                        yield field, "field", decl, []


_PADDING = re.compile(r"^_?pad(ding)?\d*_?\d*$|^_")


def _struct_fields(spec):
    """The named, untagged, non-embedded fields of a (non-generic) struct type spec."""
    typ = spec.child_by_field_name("type")
    if spec.type != "type_spec" or typ is None or typ.type != "struct_type" or spec.child_by_field_name("type_parameters") is not None:
        return
    body = next((c for c in typ.named_children if c.type == "field_declaration_list"), None)
    for fd in body.named_children if body is not None else ():
        if fd.type != "field_declaration" or fd.child_by_field_name("tag") is not None:
            continue
        yield from fd.children_by_field_name("name")


def _fields_checked(pass_: Pass) -> bool:
    """Fields are only judged where no code can reach them without naming them: no unsafe,
    reflect, encoding/binary or cgo import, no assembly beside the Go files."""
    for f in pass_.files:
        if _REACHING_IMPORTS.search(f.source):
            return False
    try:
        return not any(p.suffix == ".s" for p in Path(pass_.package.directory).iterdir())
    except OSError:
        return False


_REACHING_IMPORTS = re.compile(rb'^\s*(?:import\s+)?(?:[\w.]+\s+)?"(?:unsafe|reflect|C|encoding/binary)"', re.MULTILINE)


def _positional_literal_types(pass_: Pass) -> set[str]:
    """Names of the types some composite literal fills by position (`T{1, 2}`,
    `[]T{{1, 2}}`, `map[K]V{{1}: {2}}`), through the package's named slice, array, map and
    pointer types (`type rows []T`; `rows{{1, 2}}`): those structs' fields are set there
    without being named."""
    words: set[str] = set()
    expands: dict[str, set[str]] = {}  # type name -> the words of what it is made of (not structs)
    for f in pass_.files:
        for node in walk_named(f.root):
            if node.type in ("type_spec", "type_alias"):
                name, typ = node.child_by_field_name("name"), node.child_by_field_name("type")
                if name is not None and typ is not None and typ.type not in ("struct_type", "interface_type"):
                    expands.setdefault(f.text(name), set()).update(w.decode() for w in _WORD.findall(f.source[typ.start_byte:typ.end_byte]))
                continue
            if node.type != "composite_literal":
                continue
            body = node.child_by_field_name("body")
            typ = node.child_by_field_name("type")
            if body is None or typ is None or not _fills_by_position(body):
                continue
            words.update(w.decode() for w in _WORD.findall(f.source[typ.start_byte:typ.end_byte]))
    todo = list(words)
    while todo:
        for word in expands.get(todo.pop(), ()):
            if word not in words:
                words.add(word)
                todo.append(word)
    return words


def _fills_by_position(body) -> bool:
    """Does this literal (or a literal nested in it without its own type, as a value or a
    map key) list values without keys?"""
    stack = [body]
    while stack:
        lit = stack.pop()
        for element in lit.named_children:
            if element.type == "literal_element":
                inner = element.named_children[0] if element.named_child_count else None
                if inner is not None and inner.type == "literal_value":
                    stack.append(inner)
                else:
                    return True
            elif element.type == "keyed_element":
                for part in element.named_children:
                    inner = part.named_children[0] if part.type == "literal_element" and part.named_child_count else part
                    if inner.type == "literal_value":
                        stack.append(inner)
    return False


def _lock_marker_types(pass_: Pass) -> set[str]:
    """Package types with a `Lock` method: a field of such a type (`noCopy noCopy`) is
    there for go vet's copylocks check, not to be read."""
    names: set[str] = set()
    for f in pass_.files:
        for decl in f.root.named_children:
            name = decl.child_by_field_name("name") if decl.type == "method_declaration" else None
            receiver = decl.child_by_field_name("receiver")
            if name is None or receiver is None or f.text(name) != "Lock":
                continue
            names.update(w.decode() for w in _WORD.findall(f.source[receiver.start_byte:receiver.end_byte]))
    return names


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
    fields_checked = _fields_checked(pass_)
    positional: set[str] | None = None
    lock_markers: set[str] = set()
    ignored: set[str] | None = None
    for file in pass_.files:
        pass_.current_file = file
        for name, kind, decl, group in _candidates(file, fields_checked):
            text = file.text(name)
            if text in ("_", "init", "main") or not (text[0] == "_" or text[0].islower()):
                continue
            if kind == "field":
                if _PADDING.match(text):
                    continue
                if positional is None:
                    positional = _positional_literal_types(pass_)
                    lock_markers = _lock_marker_types(pass_)
                if counts is None:
                    counts = _name_counts(pass_)
                field_decl = name.parent
                owner = field_decl.parent.parent.parent if field_decl is not None else None  # < list < struct_type < type_spec
                owner_name = owner.child_by_field_name("name") if owner is not None else None
                if owner_name is None or file.text(owner_name) in positional:
                    continue
                owner_text = file.text(owner_name)
                if not owner_text[0].isupper() and counts.get(owner_text.encode(), 0) <= 1:
                    continue  # the whole type is unused: reported once, as the type
                field_type = field_decl.child_by_field_name("type")
                if field_type is not None and file.text(field_type).lstrip("*") in lock_markers | {"noCopy", "nocopy"}:
                    continue
            if "_" in text[1:]:
                continue  # `sync_runtime_Semacquire`, `srcimporter_setUsesCgo`: a //go:linkname target elsewhere, or C's names
            if _directive_before(file, decl):
                continue
            if kind == "method":
                if ignored is None:
                    ignored = _ignored_types(pass_)
                if _receiver_type(file, decl) in ignored:
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
    summary="unexported package-level function, type, constant, variable, method or field that nothing uses",
    run=run,
    tags=("unused",),
    equivalents=("staticcheck:U1000",),
)
