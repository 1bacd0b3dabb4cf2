"""Which identifiers are `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB` values.

Decided from the declaration alone (a parameter or `var t *testing.T`), with the
`testing` import resolved through the file's imports so an aliased import still counts
and a local type named `T` does not. Shared by the rules about tests (t.Fatal from a
goroutine, printf checks of t.Errorf, loop variables in parallel subtests)."""

from __future__ import annotations

import weakref

from tree_sitter import Node

from analyzer.golang.source import GoFile, unparen

TESTING = "testing"

# PackageScopes -> whether some file of the package imports "testing" (by name, not `.`/`_`)
_IMPORTS_TESTING: "weakref.WeakKeyDictionary[object, bool]" = weakref.WeakKeyDictionary()


def _imports_testing(pass_) -> bool:
    scopes = pass_.scopes
    found = _IMPORTS_TESTING.get(scopes)
    if found is None:
        found = _IMPORTS_TESTING[scopes] = any(TESTING in imports.values() for imports in scopes.imports.values())
    return found


def testing_kind(pass_, file: GoFile, ident: Node) -> str | None:
    """"T", "B", "F" for pointers to those testing types, "TB" for testing.TB, else None."""
    ident = unparen(ident)
    if ident.type != "identifier":
        return None
    if not _imports_testing(pass_):
        return None  # the declared type could only name testing's types through an import of it
    decl = pass_.resolve(file, ident)
    if decl is None or decl.type_node is None or decl.file is None or decl.kind not in ("param", "var"):
        return None
    return type_kind(pass_, decl.file, decl.type_node)


def type_kind(pass_, file: GoFile, type_node: Node) -> str | None:
    """The testing type a type expression names: `*testing.T` -> "T", `testing.TB` -> "TB"."""
    pointer = type_node.type == "pointer_type"
    if pointer:
        inner = type_node.named_children[0] if type_node.named_child_count else None
        if inner is None:
            return None
        type_node = inner
    if type_node.type != "qualified_type":
        return None
    pkg = type_node.child_by_field_name("package")
    name = type_node.child_by_field_name("name")
    if pkg is None or name is None or pass_.import_path(file, pkg) != TESTING:
        return None
    kind = file.text(name)
    if pointer and kind in ("T", "B", "F"):
        return kind
    if not pointer and kind == "TB":
        return kind
    return None
