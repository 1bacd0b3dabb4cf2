"""Malformed struct tags and clashing json/xml field names.

## What it does
Checks each struct field's tag the way vet's `structtag` does:

- the tag must be in the canonical form `key:"value" key2:"value2"`, which
  `reflect.StructTag.Get` needs: no space around the colon, quoted values, pairs separated
  by single spaces (not commas or tabs), and no stray spaces inside `json`/`xml`/`asn1`
  values such as `json:"name, omitempty"`;
- the same key must not appear twice in one tag (`Get` only ever sees the first);
- two fields of one struct must not claim the same `json` or `xml` name (for `xml`,
  attributes and elements are separate); embedded fields without a name of their own are
  promoted from another type, and are left alone;
- a `json` or `xml` tag on an unexported field does nothing.

A tag with no colon at all (`name,omitempty`) is left alone in a package that is or imports
goyaml (`gopkg.in/yaml.v2`, `v3`) or mgo's `bson`: those read such a tag as their own key.

## Why is this bad?
A tag that is not canonical is silently ignored or misread: `json: "id"` gives the field
no JSON name at all, `json:"id,omitempty",xml:"id"` hides the `xml` key, and
`json:"id, omitempty"` makes `omitempty` an unknown option. Two fields with the same JSON
name make `encoding/json` drop both of them without an error.

## Example
```go
type Item struct {
    ID    string `json:"id" xml:"id"`
    SKU   string `json:"id"`
    Price int    `json: "price"`
    Note  string `json:"note, omitempty"`
}
```

## Use instead
```go
type Item struct {
    ID    string `json:"id" xml:"id"`
    SKU   string `json:"sku"`
    Price int    `json:"price"`
    Note  string `json:"note,omitempty"`
}
```
"""

import os

from tree_sitter import Node

from analyzer.api.analysis_pass import Pass
from analyzer.golang.goliteral import unquote
from analyzer.api.rule import Rule
from analyzer.golang.source import GoFile, walk_named
from analyzer.golang.structtag import go_quote, lookup, pairs

QUERY = """
(struct_type (field_declaration_list) @fields) @struct
"""

# These packages test what their own decoders do with broken tags (vet skips them too).
_SKIPPED_PACKAGES = ("encoding/json", "encoding/xml")
_BARE_TAG_LIBRARIES = frozenset({"yaml", "bson"})


def run(pass_: Pass) -> None:
    directory = pass_.package.directory.replace(os.sep, "/").rstrip("/")
    if directory.endswith(_SKIPPED_PACKAGES):
        return
    bare_ok = _reads_bare_tags(pass_)
    for file, fields, _ in pass_.iter_matches("fields"):
        seen: dict[tuple[str, str], Node] = {}
        for decl in fields.named_children:
            if decl.type == "field_declaration":
                _check_field(pass_, file, decl, seen, bare_ok)


def _reads_bare_tags(pass_: Pass) -> bool:
    """The package is, or imports, a library that reads a tag without any colon as its own
    key (goyaml v2/v3, mgo's bson): there `name,omitempty` is a valid tag."""
    for f in pass_.files:
        if f.package_name.removesuffix("_test") in _BARE_TAG_LIBRARIES:
            return True
        for top in f.root.named_children:
            if top.type != "import_declaration":
                continue
            for spec in walk_named(top):
                if spec.type == "import_spec":
                    path = spec.child_by_field_name("path")
                    last = f.text(path).strip('"`').rsplit("/", 1)[-1].split(".", 1)[0] if path is not None else ""
                    if last in _BARE_TAG_LIBRARIES:
                        return True
    return False


def _field_names(file: GoFile, decl: Node) -> tuple[list[tuple[str, Node]], bool]:
    """The names a field declaration declares, and whether it is an embedded field."""
    names = [(file.text(n), n) for n in decl.children_by_field_name("name")]
    if names:
        return names, False
    typ = decl.child_by_field_name("type")
    if typ is None:
        return [], True
    node = typ
    while node.type in ("pointer_type", "qualified_type", "generic_type"):
        inner = node.child_by_field_name("name") if node.type == "qualified_type" else (node.child_by_field_name("type") if node.type == "generic_type" else (node.named_children[0] if node.named_child_count else None))
        if inner is None:
            break
        node = inner
    return [(file.text(node), typ)], True


def _check_field(pass_: Pass, file: GoFile, decl: Node, seen: dict[tuple[str, str], Node], bare_ok: bool) -> None:
    tag_node = decl.child_by_field_name("tag")
    if tag_node is None:
        return
    tag = unquote(file.text(tag_node))
    if tag is None:
        return
    names, embedded = _field_names(file, decl)
    parsed = pairs(tag)
    if isinstance(parsed, str) and bare_ok and ":" not in tag:
        pass  # a bare yaml/bson key, read as a whole
    elif isinstance(parsed, str):
        pass_.report(file, tag_node, f"struct field tag {go_quote(tag)} not compatible with reflect.StructTag.Get: {parsed}")
    else:
        keys: set[str] = set()
        for key, _ in parsed:
            if key in keys:
                pass_.report(file, tag_node, f"struct field tag {go_quote(tag)} repeats key {key!r}: reflect.StructTag.Get sees only the first")
                break
            keys.add(key)
    for key in ("json", "xml"):
        _check_duplicate(pass_, file, tag, key, names, embedded, seen)
    if embedded:
        return
    for name, node in names:
        if name[:1].isupper() or name == "_":
            continue
        for enc in ("json", "xml"):
            if lookup(tag, enc) not in (None, "", "-"):
                pass_.report(file, node, f"struct field {name} has {enc} tag but is not exported")
                break


def _check_duplicate(pass_: Pass, file: GoFile, tag: str, key: str, names: list[tuple[str, Node]], embedded: bool, seen: dict[tuple[str, str], Node]) -> None:
    value = lookup(tag, key)
    if value is None or value == "-" or value == "" or value.startswith(","):
        # an embedded field without a name of its own is flattened into the struct: its
        # fields live one level down and only clash with each other (left alone here)
        return
    namespace = key
    if "," in value:
        name, _, options = value.partition(",")
        if key == "xml" and "attr" in options.split(","):
            namespace = "xml attribute"
        value = name
    for field_name, node in names:
        if key == "xml" and field_name == "XMLName" and not embedded:
            continue  # names the enclosing element, not a child
        prev = seen.get((namespace, value))
        if prev is None:
            seen[(namespace, value)] = node
            continue
        line = prev.start_point[0] + 1
        pass_.report(file, node, f"struct field {field_name} repeats {namespace} tag {_go_string(value)} also at {os.path.basename(file.path)}:{line}")


def _go_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


RULE = Rule(
    name="structtag",
    summary="malformed struct tags and clashing json/xml field names",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:structtag", "staticcheck:SA5008"),
)
