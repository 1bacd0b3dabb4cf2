"""Deeply nested and very long expressions (as generated Go has them) must not crash the
expression rules or send them into Python recursion: no `internal` finding, and the one
real finding at the end of a long chain is still reported."""

from analyzer.pipeline.rulepack import core_pack_dir, load_pack
from analyzer.pipeline.runner import Engine

RULES = ("dupoperand", "boolexpr", "structtag", "timeformat", "replacezero", "emptycritical", "waitgroupadd", "pureresult")
DEPTH = 3000


def _source() -> bytes:
    chain = " || ".join(f"x == {i}" for i in range(DEPTH)) + " || x == 1"
    nested = "(" * DEPTH + "x" + ")" * DEPTH
    return f"""package deep

import "strings"

func f(x int, s string) bool {{
	_ = {nested} == {nested}
	_ = {"x" + " - x" * DEPTH}
	_ = {"s" + " + s" * DEPTH}
	_ = strings.NewReplacer(){".Replace(s)" * DEPTH}
	return {chain}
}}
""".encode()


def test_expression_rules_survive_deep_nesting():
    rules = [r for r in load_pack(core_pack_dir()).rules if r.name in RULES]
    assert len(rules) == len(RULES)
    diags = Engine(rules).check_sources({"deep.go": _source()})
    assert not [d for d in diags if d.rule == "internal"], [d.message for d in diags if d.rule == "internal"]
    assert any(d.rule == "boolexpr" and "redundant or: x == 1 || x == 1" in d.message for d in diags)
