"""Deep and long inputs (as generated Go has them) must not crash the control-flow and
call rules or send them into Python recursion: no `internal` finding, and the real
finding at the bottom of each deep structure is still reported."""

from analyzer.pipeline.rulepack import core_pack_dir, load_pack
from analyzer.pipeline.runner import Engine

RULES = ("unreachable", "deferinloop", "errorsnewsprintf", "printf", "loopclosure", "closebeforecheck", "testfatalgoroutine")
DEPTH = 2000


def _source() -> bytes:
    concat = " + ".join(['"x"'] * DEPTH)
    else_ifs = "".join(f" else if x == {i} {{\n\t\treturn {i}\n\t}}" for i in range(DEPTH))
    blocks = "{" * 300 + "return 0" + "}" * 300
    parens = "(" * DEPTH + "x" + ")" * DEPTH
    return f"""package deep

import (
	"errors"
	"fmt"
	"os"
)

func long(x int) {{
	fmt.Printf({concat} + "%d %d", x)
	_ = errors.New(fmt.Sprintf({concat} + "%d", {parens}))
}}

func chain(x int) int {{
	if x < 0 {{
		return -1
	}}{else_ifs} else {{
		return 0
	}}
	return 1
}}

func nested() int {{
	{blocks}
	return 2
}}

func loops(names []string) {{
	for _, n := range names {{
		f, err := os.Open(n)
		defer f.Close()
		_ = err
		go func() {{ fmt.Println(n) }}()
	}}
}}
""".encode()


def test_flow_rules_survive_deep_input():
    rules = [r for r in load_pack(core_pack_dir()).rules if r.name in RULES]
    assert len(rules) == len(RULES)
    diags = Engine(rules).check_sources({"deep.go": _source()})
    internal = [d.message for d in diags if d.rule == "internal"]
    assert not internal, internal
    found = {d.rule for d in diags}
    assert {"printf", "errorsnewsprintf", "unreachable", "deferinloop", "closebeforecheck", "loopclosure"} <= found, found
    assert sum(d.rule == "unreachable" for d in diags) == 2  # after the else-if chain, after the nested blocks
