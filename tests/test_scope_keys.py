"""Scope resolution of composite-literal keys: field names in struct literals, but
variables in map, slice and array literals."""

from analyzer.golang.scope import PackageScopes
from analyzer.golang.source import GoFile, walk

SRC = b"""package p

type T struct{ name int }

func f(name, i int) {
	_ = T{name: 1}
	_ = map[int]int{name: 1}
	_ = []int{i: 2}
	_ = [...]int{i: 3}
}
"""


def _key_decls():
    f = GoFile.parse("p.go", SRC)
    scopes = PackageScopes([f])
    out = []
    for n in walk(f.root):
        if n.type == "keyed_element":
            key = n.named_children[0].named_children[0]
            decl = scopes.resolve(f, key)
            out.append(decl.kind if decl is not None else None)
    return out


def test_struct_key_is_a_field_but_map_and_slice_keys_are_variables():
    assert _key_decls() == [None, "param", "param", "param"]
