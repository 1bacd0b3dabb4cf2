"""The binary expression an operand sits in, seen from that operand."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from analyzer.golang.source import unparen


@dataclass(frozen=True)
class Around:
    """`expr` is `operand op other` or `other op operand` (parentheses around the operand
    looked through); `operand_right` says which."""

    expr: Node
    operator: str
    other: Node
    operand_right: bool


def binary_around(operand: Node) -> Around | None:
    node = operand
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    expr = node.parent
    if expr is None or expr.type != "binary_expression":
        return None
    op = expr.child_by_field_name("operator")
    left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
    if op is None or left is None or right is None:
        return None
    on_right = right.id == node.id
    return Around(expr, op.type, unparen(left if on_right else right), on_right)
