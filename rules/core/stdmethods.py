"""A method named like a well-known interface's method, with another signature.

## What it does
Reports a method (or an interface's method) named `MarshalJSON`, `UnmarshalJSON`,
`MarshalXML`, `UnmarshalXML`, `GobEncode`, `GobDecode`, `ReadByte`, `ReadRune`,
`UnreadByte`, `UnreadRune`, `WriteByte`, `Format`, `Scan`, `Seek`, `ReadFrom`, `WriteTo`,
`Is`, `As` or `Unwrap` whose parameter or result types differ from what `encoding/json`,
`encoding/xml`, `encoding/gob`, `io`, `fmt` and `errors` look for, as go vet does. As in
vet, `Format`, `Scan`, `ReadFrom` and `WriteTo` are only checked when their first
parameter is the interface's (`fmt.State`, `fmt.ScanState`, `io.Reader`, `io.Writer`), and
`Seek` only when its parameters are `(int64, int)` (vet also checks a `Seek(int64)`, which
is how iterators that jump to a position are written, Prometheus's among them: it
excludes vet's finding for all of them), a `WriteTo` with several parameters is left alone, and `Is`, `As` and
`Unwrap` only on types of this package with an `Error() string` method (`Unwrap` may return
`error` or `[]error`). Types are compared as written, with package names read from the
imports; a method with a type from a module outside the standard library (whose package
name may differ from its path, as in forks of `encoding/xml`) is left alone; a signature written with this package's own named types counts as different, as
it does for the interface.

## Why is this bad?
These interfaces are found by dynamic checks (`v.(json.Marshaler)`), so a method with the
wrong signature compiles and is silently never called: the type is encoded field by field,
`errors.Is` ignores its `Is`, `io.Copy` ignores its `WriteTo`.

## Example
```go
func (d Duration) MarshalJSON() (string, error) {
    return strconv.Quote(time.Duration(d).String()), nil
}
```

## Use instead
```go
func (d Duration) MarshalJSON() ([]byte, error) {
    return []byte(strconv.Quote(time.Duration(d).String())), nil
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule

QUERY = """
(method_declaration name: (field_identifier) @name) @method
(method_elem name: (field_identifier) @name) @method
"""

# name -> (parameters, results); "=" marks the types that say the interface is meant.
CANONICAL: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "As": (("any",), ("bool",)),
    "Format": (("=fmt.State", "rune"), ()),
    "GobDecode": (("[]byte",), ("error",)),
    "GobEncode": ((), ("[]byte", "error")),
    "Is": (("error",), ("bool",)),
    "MarshalJSON": ((), ("[]byte", "error")),
    "MarshalXML": (("*xml.Encoder", "xml.StartElement"), ("error",)),
    "ReadByte": ((), ("byte", "error")),
    "ReadFrom": (("=io.Reader",), ("int64", "error")),
    "ReadRune": ((), ("rune", "int", "error")),
    "Scan": (("=fmt.ScanState", "rune"), ("error",)),
    "Seek": (("=int64", "=int"), ("int64", "error")),  # vet marks only the int64: see the docs
    "UnmarshalJSON": (("[]byte",), ("error",)),
    "UnmarshalXML": (("*xml.Decoder", "xml.StartElement"), ("error",)),
    "UnreadByte": ((), ("error",)),
    "UnreadRune": ((), ("error",)),
    "Unwrap": ((), ("error",)),
    "WriteByte": (("byte",), ("error",)),
    "WriteTo": (("=io.Writer",), ("int64", "error")),
}
_ALIASES = {"uint8": "byte", "int32": "rune", "interface{}": "any"}
_ERROR_METHODS = ("Is", "As", "Unwrap")
_UNKNOWN = "?"


def _type_text(pass_, file, node) -> str:
    """The type as vet prints it: package names from the import paths, this package's own
    types qualified by its name (`xml.Encoder` inside encoding/xml), no spaces."""
    parts = []
    for n in _leaves(node):
        if n.type == "package_identifier":
            path = pass_.import_path(file, n)
            if path is None or "." in path.split("/", 1)[0]:
                return _UNKNOWN  # a module's package: its name need not be its path's last element
            parts.append(path.rsplit("/", 1)[-1])
        elif n.type == "type_identifier" and (n.parent is None or n.parent.type != "qualified_type") and _declared_here(pass_, file, n):
            parts.append(f"{file.package_name}.{file.text(n)}")
        else:
            parts.append(file.text(n))
    text = "".join("".join(parts).split())
    return _ALIASES.get(text, text)


def _declared_here(pass_, file, ident) -> bool:
    decl = pass_.resolve(file, ident)
    return decl is not None and decl.kind == "type" and decl.ident is not None and decl.owner is None


def _leaves(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.child_count == 0 or n.type in ("package_identifier", "type_identifier"):
            yield n
        else:
            stack.extend(reversed(n.children))


def _types(pass_, file, params) -> list[str]:
    if params is None:
        return []
    if params.type != "parameter_list":
        return [_type_text(pass_, file, params)]  # a single unnamed result
    out = []
    for p in params.named_children:
        typ = p.child_by_field_name("type")
        if typ is None:
            continue
        text = _type_text(pass_, file, typ)
        if p.type == "variadic_parameter_declaration":
            text = "..." + text
        out.extend([text] * max(1, len(p.children_by_field_name("name"))))
    return out


def _matches(expect: tuple[str, ...], actual: list[str], only_marked: bool) -> bool:
    for i, want in enumerate(expect):
        if only_marked and not want.startswith("="):
            continue
        if i >= len(actual) or actual[i] != want.lstrip("="):
            return False
    return only_marked or len(actual) == len(expect)


def _receiver_base(file, method) -> str | None:
    receiver = method.child_by_field_name("receiver")
    params = [p for p in receiver.named_children if p.type == "parameter_declaration"] if receiver is not None else []
    typ = params[0].child_by_field_name("type") if len(params) == 1 else None
    while typ is not None and typ.type in ("pointer_type", "generic_type", "parenthesized_type"):
        typ = typ.named_children[0] if typ.named_child_count else None
    return file.text(typ) if typ is not None and typ.type == "type_identifier" else None


def _error_types(pass_: Pass) -> set[str]:
    """Package types with an `Error() string` method."""
    names = set()
    for f in pass_.files:
        for decl in f.root.named_children:
            name = decl.child_by_field_name("name") if decl.type == "method_declaration" else None
            result = decl.child_by_field_name("result") if name is not None else None
            params = decl.child_by_field_name("parameters")
            if name is None or f.text(name) != "Error" or result is None or f.text(result) != "string" or params is None or params.named_child_count:
                continue
            base = _receiver_base(f, decl)
            if base is not None:
                names.add(base)
    return names


def _signature(name: str, params: tuple[str, ...], results: tuple[str, ...]) -> str:
    text = f"{name}({', '.join(p.lstrip('=') for p in params)})"
    if len(results) == 1:
        return f"{text} {results[0]}"
    return f"{text} ({', '.join(results)})" if results else text


def run(pass_: Pass) -> None:
    errors: set[str] | None = None
    for file, method, m in pass_.iter_matches("method"):
        name_node = m.get("name")
        name = file.text(name_node) if name_node is not None else ""
        if name_node is None or name not in CANONICAL:
            continue
        params = _types(pass_, file, method.child_by_field_name("parameters"))
        results = _types(pass_, file, method.child_by_field_name("result"))
        if name == "WriteTo" and len(params) > 1:
            continue
        if _UNKNOWN in params or _UNKNOWN in results:
            continue  # a type from a module (minio's fork of encoding/xml is package xml at github.com/minio/xxml)
        if name in _ERROR_METHODS:
            if method.type != "method_declaration":
                continue
            if errors is None:
                errors = _error_types(pass_)
            if _receiver_base(file, method) not in errors:
                continue
            if name == "Unwrap":
                if params or results not in (["error"], ["[]error"]):
                    pass_.report(file, name_node, f"method Unwrap({', '.join(params)}) should have signature Unwrap() error or Unwrap() []error")
                continue
        expect_params, expect_results = CANONICAL[name]
        if not (_matches(expect_params, params, True) and _matches(expect_results, results, True)):
            continue  # the marked types differ: not meant as that interface
        if _matches(expect_params, params, False) and _matches(expect_results, results, False):
            continue
        actual = _signature(name, tuple(params), tuple(results))
        pass_.report(file, name_node, f"method {actual} should have signature {_signature(name, expect_params, expect_results)}")


RULE = Rule(
    name="stdmethods",
    summary="MarshalJSON, WriteTo, Is ... with a signature the standard interfaces do not accept",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:stdmethods",),
)
