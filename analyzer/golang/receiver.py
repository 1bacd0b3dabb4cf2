"""The type a method is declared on, read from its receiver: `(r T)`, `(r *T)`, `(r *List[E])`,
`(r (*T))`. The one reading of a receiver for the engine and the rules."""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node

from analyzer.golang.source import GoFile


class Receiver(NamedTuple):
    type_name: str  # the base type's name, without `*` or type arguments
    pointer: bool  # declared on `*T`


def receiver_type(file: GoFile, method: Node) -> Receiver | None:
    """The receiver's base type of a `method_declaration`, or None when it is not one plain
    named type (no receiver, a malformed one, a qualified or literal type)."""
    recv = method.child_by_field_name("receiver")
    params = [p for p in recv.named_children if p.type == "parameter_declaration"] if recv is not None else []
    if len(params) != 1:
        return None
    typ = params[0].child_by_field_name("type")
    pointer = False
    while typ is not None and typ.type in ("pointer_type", "parenthesized_type", "generic_type"):
        if typ.type == "pointer_type":
            pointer = True
        typ = typ.child_by_field_name("type") if typ.type == "generic_type" else (typ.named_children[0] if typ.named_children else None)
    if typ is None or typ.type != "type_identifier":
        return None
    return Receiver(file.text(typ), pointer)
