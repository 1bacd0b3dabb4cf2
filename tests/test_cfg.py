"""The control-flow layer: what is reachable, where loops, labels, switches and selects
lead, and which functions never return."""

from analyzer.api.analysis_pass import Package, Pass
from analyzer.golang.cfg import build_cfg, enclosing_function
from analyzer.api.diagnostics import Severity
from analyzer.golang.noreturn import _FACTS_RULE
from analyzer.golang.source import GoFile, walk


def _package(src: str, path: str = "p.go") -> tuple[Package, GoFile]:
    f = GoFile.parse(path, ("package p\n" + src).encode())
    return Package(".", [f]), f


def _func(f: GoFile, name: str):
    for n in walk(f.root):
        if n.type in ("function_declaration", "method_declaration"):
            if f.text(n.child_by_field_name("name")) == name:
                return n
    raise KeyError(name)


def _cfg(src: str, name: str = "f"):
    pkg, f = _package(src)
    view = Pass(_FACTS_RULE, pkg, [], lambda d: None, severity=Severity.WARNING)
    return view.cfg(f, _func(f, name)), f


def _block_with(cfg, f, text):
    for b in cfg.blocks:
        for n in b.nodes:
            if f.text(n) == text:
                return b
        if b.cond is not None and f.text(b.cond) == text:
            return b
    raise KeyError(text)


def _reaches(a, b) -> bool:
    seen, stack = {a.index}, [a]
    while stack:
        x = stack.pop()
        if x is b:
            return True
        for s in x.succs:
            if s.index not in seen:
                seen.add(s.index)
                stack.append(s)
    return False


def test_code_after_return_and_panic_is_dead():
    cfg, f = _cfg("func f(x int) int {\n if x > 0 { return 1; println(1) }\n panic(2)\n println(3)\n}")
    assert not _block_with(cfg, f, "println(1)").live
    assert not _block_with(cfg, f, "println(3)").live
    assert cfg.exit.live  # through `return 1`


def test_conditions_split_on_and_or_not():
    cfg, f = _cfg("func f(a, b, c bool) {\n if a && !(b || c) { println(1) }\n}")
    a, b, c = (_block_with(cfg, f, x) for x in "abc")
    then = _block_with(cfg, f, "println(1)")
    assert a.succs[0] is b and b.succs[1].cond is not None and b.succs[1] is c
    assert c.succs[1] is then  # !c leads to the then-branch
    assert b.succs[0] is not then


def test_for_loops_break_continue_and_back_edges():
    src = """func f(xs []int) {
	for i := 0; i < 3; i++ {
		if i == 1 { continue }
		if i == 2 { break }
		println(i)
	}
	for _, x := range xs { println(x) }
	for { println("forever") }
	println("after")
}"""
    cfg, f = _cfg(src)
    post = _block_with(cfg, f, "i++")
    head = _block_with(cfg, f, "i < 3")
    assert (post.index, head.index) in cfg.back_edges()
    cont = _block_with(cfg, f, "continue")
    assert cont.succs == [post]
    brk = _block_with(cfg, f, "break")
    assert _reaches(brk, _block_with(cfg, f, "println(x)"))  # after the loop comes the range loop
    assert not _block_with(cfg, f, 'println("after")').live  # `for {}` without break never ends
    assert not cfg.exit_reachable()


def test_labels_break_and_continue_outer_loop():
    src = """func f(m [][]int) {
outer:
	for _, row := range m {
		for _, v := range row {
			if v == 0 { continue outer }
			if v < 0 { break outer }
		}
		println("row done")
	}
	println("end")
}"""
    cfg, f = _cfg(src)
    outer_head = next(b for b in cfg.blocks if b.kind == "range.head" and f.text(b.nodes[0]).endswith("range m"))
    assert _block_with(cfg, f, "continue outer").succs == [outer_head]
    brk = _block_with(cfg, f, "break outer")
    assert _reaches(brk, _block_with(cfg, f, 'println("end")'))
    assert not _reaches(brk, _block_with(cfg, f, 'println("row done")'))


def test_goto_forward_and_backward():
    src = """func f(n int) {
again:
	n--
	if n > 0 { goto again }
	goto done
	println("skipped")
done:
	println("done")
}"""
    cfg, f = _cfg(src)
    assert not _block_with(cfg, f, 'println("skipped")').live
    assert _block_with(cfg, f, 'println("done")').live
    g = _block_with(cfg, f, "goto again")
    assert g.succs == [cfg.labels["again"]]
    assert any(b == cfg.labels["again"].index for _, b in cfg.back_edges())


def test_switch_cases_default_and_fallthrough():
    src = """func f(x int) {
	switch x {
	case 1:
		println("one")
		fallthrough
	case 2, 3:
		println("two")
	default:
		println("other")
	}
	println("end")
}"""
    cfg, f = _cfg(src)
    one = _block_with(cfg, f, 'println("one")')
    two = _block_with(cfg, f, 'println("two")')
    assert one.succs == [two]  # fallthrough
    tests = [b for b in cfg.blocks if b.case is not None]
    assert [len(t.case.values) for t in tests] == [1, 2]
    other = _block_with(cfg, f, 'println("other")')
    assert tests[1].succs[1].succs == [other]  # no case matched: default
    assert _reaches(two, _block_with(cfg, f, 'println("end")'))


def test_type_switch_case_nil_and_tagless_switch():
    src = """func f(v any, p *int) {
	switch v.(type) {
	case nil:
		return
	}
	switch {
	case p == nil:
		return
	}
	println(*p)
}"""
    cfg, f = _cfg(src)
    ts = next(b for b in cfg.blocks if b.case is not None)
    assert ts.case.type_switch and [f.text(v) for v in ts.case.values] == ["nil"]
    cond = _block_with(cfg, f, "p == nil")
    assert cond.succs[0].terminator is None and cond.succs[0].succs[0].terminator == "return" or _reaches(cond.succs[0], cfg.exit)


def test_select_cases_and_empty_select():
    src = """func f(a, b chan int) {
	select {
	case v := <-a:
		println(v)
	case b <- 1:
		return
	default:
	}
	println("after")
	select {}
	println("never")
}"""
    cfg, f = _cfg(src)
    sel = next(b for b in cfg.blocks if any(s.kind == "select.case" for s in b.succs))
    assert len(sel.succs) == 3
    assert _block_with(cfg, f, 'println("after")').live
    assert not _block_with(cfg, f, 'println("never")').live


def test_defer_and_go_are_recorded():
    cfg, f = _cfg("func f() {\n defer println(1)\n go println(2)\n}")
    assert [f.text(d) for d in cfg.defers] == ["defer println(1)"]
    assert cfg.exit_reachable()


def test_never_returning_calls_and_same_package_wrappers():
    src = """import ("os"; "log"; "testing")
func die(msg string) { println(msg); os.Exit(1) }
func fatalf(msg string) { die(msg) }
type T struct{}
func (t *T) errorf(msg string) { panic(msg) }
func f(t *testing.T, tr *T, x int) {
	if x == 1 { fatalf("x"); println("dead1") }
	if x == 2 { t.Fatal("x"); println("dead2") }
	if x == 3 { log.Fatalf("x"); println("dead3") }
	if x == 4 { tr.errorf("x"); println("dead4") }
	if x == 5 { logger.Fatal("x"); println("live5") }
}"""
    cfg, f = _cfg(src)
    for i in (1, 2, 3, 4):
        assert not _block_with(cfg, f, f'println("dead{i}")').live, i
    live5 = _block_with(cfg, f, 'println("live5")')
    assert live5.live and live5.preds[0].may_not_return  # unknown logger: maybe
    pkg, pf = _package(src)
    assert all(name in pkg.noreturn_funcs for name in ("die", "fatalf", "T.errorf"))
    assert {"die", "fatalf", "T.errorf"} <= set(pkg.noreturn_funcs)
    assert "f" not in pkg.noreturn_funcs


def test_postdominance_within_an_endless_loop():
    src = """func f(next func() *int) {
	for {
		p := next()
		if p == nil { println("nil") }
		println(*p)
	}
}"""
    cfg, f = _cfg(src)
    check = _block_with(cfg, f, "p == nil")
    use = _block_with(cfg, f, "println(*p)")
    assert cfg.postdominates(use, check)
    assert not cfg.postdominates(_block_with(cfg, f, 'println("nil")'), check)


def test_deep_nesting_does_not_recurse():
    depth = 3000
    body = "if x > 0 {\n" * depth + "println(x)\n" + "}\n" * depth
    cfg, f = _cfg("func f(x int) {\n" + body + "}")
    assert _block_with(cfg, f, "println(x)").live


def test_func_literal_has_its_own_cfg():
    src = "func f() {\n g := func() { return; println(1) }\n g()\n}"
    pkg, f = _package(src)
    lit = next(n for n in walk(f.root) if n.type == "func_literal")
    assert enclosing_function(lit.child_by_field_name("body")) is not None
    cfg = build_cfg(lit)
    assert not _block_with(cfg, f, "println(1)").live


def test_nil_dataflow_states_for_other_rules():
    """The dataflow under nilcheck is usable on its own: facts per block after run()."""
    from rules.core.nilcheck.dataflow import NilAnalysis
    from rules.core.nilcheck.lattice import MAYBE, NIL, NONNIL

    src = """type T struct{ f int }
func f(p *T, ok bool) int {
	if p == nil {
		println("nil")
	}
	if ok {
		return p.f
	}
	var q *T
	if q == nil {
		q = &T{}
	}
	return q.f
}"""
    pkg, f = _package(src)
    view = Pass(_FACTS_RULE, pkg, [], lambda d: None, severity=Severity.WARNING)
    func = _func(f, "f")
    analysis = NilAnalysis(view, f, func)
    findings = analysis.run()
    cfg = analysis.cfg
    names = lambda st: {analysis.decls[k].name: fact.kind for k, fact in st.items()}  # noqa: E731
    assert names(analysis.state_at(_block_with(cfg, f, 'println("nil")'))) == {"p": NIL}
    assert names(analysis.state_at(_block_with(cfg, f, "ok")))["p"] == MAYBE
    assert names(analysis.state_at(_block_with(cfg, f, "return q.f")))["q"] == NONNIL
    # `return p.f` does not post-dominate the check: no "possible" finding for it,
    # but `q == nil` right after `var q *T` is always true.
    assert [x.message for x in findings] == ["tautological condition: nil == nil (q is always nil here)"]


def test_nil_dataflow_on_deep_generated_expressions():
    from rules.core.nilcheck.dataflow import NilAnalysis

    chain = " && ".join(["r.f > 0"] * 3000 + ["p.f > 0"])
    nested = "(" * 2000 + "p" + ")" * 2000
    src = f"type T struct{{ f int }}\nfunc f(p, r *T) bool {{\n\tif p == nil {{\n\t\tprintln()\n\t}}\n\tq := {nested}\n\t_ = q\n\tprintln(p.f)\n\treturn {chain}\n}}"
    pkg, f = _package(src)
    view = Pass(_FACTS_RULE, pkg, [], lambda d: None, severity=Severity.WARNING)
    findings = NilAnalysis(view, f, _func(f, "f")).run()
    assert [x.message for x in findings] == ["possible nil pointer dereference (p is compared with nil at line 4)"]
