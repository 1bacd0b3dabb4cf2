"""Which kind of nilable value a type stands for: pointer (to which named type of this
package, or to an array of which length), interface, func, slice, map, chan, or a value
that is never nil.

The type of a variable comes from the engine's expression typing
(`analyzer.golang.exprtype.declared_type`: its declared type, or the type of what initialises it);
this module only classifies the written type, following this package's named types, type
parameters' constraints and a few well-known standard-library interfaces.
"""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node

from analyzer.golang.exprtype import TypeRef, declared_type
from analyzer.golang.scope import Declaration
from analyzer.golang.source import GoFile

_NILABLE_NAMED = {"error": "interface", "any": "interface"}
VALUE_TYPES = frozenset(
    "bool byte comparable complex64 complex128 float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr".split()
)
# Well-known interfaces of the standard library, by their usual qualified spelling.
STD_INTERFACES = frozenset(
    "context.Context io.Reader io.Writer io.Closer io.ReadCloser io.WriteCloser io.ReadWriter io.ReadWriteCloser "
    "io.ReaderAt io.WriterTo io.ReaderFrom io.Seeker io.ByteReader fmt.Stringer net.Conn net.Listener net.Addr "
    "http.Handler http.ResponseWriter http.RoundTripper reflect.Type sort.Interface hash.Hash fs.File fs.FS os.Signal".split()
)
_MAX_NAMED_STEPS = 8  # named types of named types, bounded


class TypeKind(NamedTuple):
    kind: str  # pointer | ptr_array | interface | func | slice | map | chan | nilable | value
    base: str | None = None  # for pointers to a named type of this package: its name
    length: int | None = None  # for pointers to arrays


def _array_length(file: GoFile, arr: Node) -> int | None:
    length = arr.child_by_field_name("length")
    if length is not None and length.type == "int_literal":
        try:
            return int(file.text(length).replace("_", ""), 0)
        except ValueError:
            return None
    return None


class NilKinds:
    """Kinds of types and variables for one pass; a variable's kind is computed once."""

    def __init__(self, pass_) -> None:
        self.pass_ = pass_
        self._var_kinds: dict[int, TypeKind | None] = {}

    def of_var(self, decl: Declaration) -> TypeKind | None:
        """The kind of a variable, parameter, result or receiver; None when unknown."""
        key = id(decl)
        if key not in self._var_kinds:
            ref = declared_type(self.pass_, decl.file, decl.ident) if decl.file is not None and decl.ident is not None else None
            self._var_kinds[key] = self.of_ref(ref)
        return self._var_kinds[key]

    def of_ref(self, ref: TypeRef | None) -> TypeKind | None:
        if ref is None:
            return None
        if ref.basic is not None:
            if ref.basic in _NILABLE_NAMED:
                return TypeKind(_NILABLE_NAMED[ref.basic])
            return TypeKind("func") if ref.basic == "func" else TypeKind("value")
        if ref.node is None or ref.file is None:
            return None
        if ref.pointer:
            return self._pointer_to(ref.file, ref.node)
        return self.of_type(ref.file, ref.node)

    def of_type(self, file: GoFile, typ: Node | None) -> TypeKind | None:
        """The kind of a written type (`typ` in `file`); None when unknown."""
        for _ in range(_MAX_NAMED_STEPS):
            if typ is None:
                return None
            t = typ.type
            if t == "parenthesized_type":
                typ = typ.named_children[0] if typ.named_children else None
                continue
            if t == "pointer_type":
                return self._pointer_to(file, typ.named_children[0] if typ.named_children else None)
            if t == "interface_type":
                return TypeKind("interface")
            if t == "function_type":
                return TypeKind("func")
            if t == "slice_type":
                return TypeKind("slice")
            if t == "map_type":
                return TypeKind("map")
            if t == "channel_type":
                return TypeKind("chan")
            if t in ("struct_type", "array_type"):
                return TypeKind("value")
            if t == "qualified_type":
                return TypeKind("interface") if file.text(typ) in STD_INTERFACES else None
            if t == "generic_type":
                typ = typ.child_by_field_name("type")
                continue
            if t == "type_identifier":
                name = file.text(typ)
                decl = self.pass_.resolve(file, typ)
                if decl is not None and decl.kind == "type" and decl.owner is not None and decl.spec is not None and decl.spec.type == "type_parameter_declaration":
                    return self._type_param_kind(decl)
                if decl is not None and decl.kind == "type" and decl.type_node is not None and decl.file is not None:
                    file, typ = decl.file, decl.type_node
                    continue
                if name in _NILABLE_NAMED and (decl is None or decl.kind == "type"):
                    return TypeKind(_NILABLE_NAMED[name])
                if name in VALUE_TYPES:
                    return TypeKind("value")
                return None
            return None
        return None

    def _pointer_to(self, file: GoFile, inner: Node | None) -> TypeKind:
        while inner is not None and inner.type == "parenthesized_type":
            inner = inner.named_children[0] if inner.named_children else None
        if inner is not None and inner.type == "array_type":
            return TypeKind("ptr_array", None, _array_length(file, inner))
        base = None
        if inner is not None and inner.type == "generic_type":
            inner = inner.child_by_field_name("type")
        if inner is not None and inner.type in ("type_identifier", "identifier"):
            decl = self.pass_.resolve(file, inner)
            if decl is None or (decl.kind == "type" and decl.owner is None):
                base = file.text(inner)
        return TypeKind("pointer", base)

    def _type_param_kind(self, decl: Declaration) -> TypeKind | None:
        """A type parameter whose constraint's every term is nilable has a nil zero value."""
        c = decl.type_node
        if c is None or c.type != "type_constraint":
            return None
        kinds = set()
        for term in c.named_children:
            inner = term.named_children[0] if term.type == "negated_type" and term.named_children else term
            k = self.of_type(decl.file, inner) if decl.file is not None else None
            if k is None or k.kind in ("value", "interface"):
                return None
            kinds.add(k.kind)
        if not kinds:
            return None
        return TypeKind(kinds.pop()) if len(kinds) == 1 else TypeKind("nilable")
