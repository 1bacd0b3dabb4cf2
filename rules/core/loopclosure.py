"""Loop variable captured by a goroutine or deferred function literal (before Go 1.22).

## What it does
Reports references to a loop variable (`for i := ...; i++`, `for k, v := range ...`)
from a function literal that outlives the iteration, in the cases vet's `loopclosure`
knows for sure:

- the literal is started by `go` or `defer`, or passed to an
  `errgroup.Group`'s `Go` method, as the *last* statement of the loop body (last
  statements of a trailing `if`/`switch`/`select`/nested loop count too: anything after
  it could wait for the goroutine, so earlier statements are not judged);
- the literal is a subtest body `t.Run(name, func(t *testing.T) {...})` at the top level
  of the loop body, and the reference comes after the subtest's `t.Parallel()`.

Only for modules whose `go.mod` says `go 1.21` or older; Go 1.22 made each iteration's
variables fresh, so the rule is silent there. When the Go version is unknown (no go.mod,
no `go` line, no override) the rule runs, as vet does: the old semantics are the safe
assumption, and a finding is cheap to silence with `v := v`.

## Why is this bad?
Before Go 1.22 a loop has one variable for all iterations. A goroutine or deferred call
that runs after the iteration sees whatever value the variable has by then, usually the
last one, and a goroutine also races with the loop's updates. Parallel subtests resume
after the loop has moved on, so they typically all test the last case.

## Example
```go
for _, item := range items {
    go func() {
        process(item) // every goroutine may see the last item
    }()
}
```

## Use instead
```go
for _, item := range items {
    item := item // a new variable per iteration
    go func() {
        process(item)
    }()
}
```
or pass it as an argument: `go func(item Item) { process(item) }(item)`, or move the
module to `go 1.22`.
"""

from tree_sitter import Node

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import GoVersionRange, Rule
from analyzer.golang.source import call_arguments, unparen, walk_named
from analyzer.golang.testing_types import testing_kind, type_kind

QUERY = """
(for_statement body: (block) @body) @loop
"""

ERRGROUP = "golang.org/x/sync/errgroup"
_CASES = frozenset({"expression_case", "default_case", "type_case", "communication_case"})


def _statements(container):
    """The statements of a block or case clause (the statement_list's children)."""
    for child in container.named_children:
        if child.type == "statement_list":
            return [c for c in child.named_children if c.type != "comment"]
    return []


def _loop_vars(pass_, file, loop) -> list:
    """Declarations of the loop's iteration variables (range key/value, or the variables
    the for clause's post statement updates)."""
    idents: list[Node] = []
    for clause in loop.named_children:
        if clause.type == "range_clause":
            left = clause.child_by_field_name("left")
            if left is not None:
                idents = left.named_children if left.type == "expression_list" else [left]
        elif clause.type == "for_clause":
            update = clause.child_by_field_name("update")
            if update is None:
                continue
            if update.type == "assignment_statement":
                left = update.child_by_field_name("left")
                idents = left.named_children if left is not None else []
            elif update.type in ("inc_statement", "dec_statement") and update.named_children:
                idents = [update.named_children[0]]
    decls = []
    for ident in idents:
        ident = unparen(ident)
        if ident.type != "identifier" or file.text(ident) == "_":
            continue
        decl = pass_.resolve(file, ident)
        if decl is not None and decl.kind == "var" and decl not in decls:
            decls.append(decl)
    return decls


def _last_statements(body):
    """vet's forEachLastStmt: the last statement, looking into trailing if/switch/select/for."""
    out, stack = [], [body]
    while stack:
        container = stack.pop()
        stmts = _statements(container)
        if not stmts:
            continue
        last = stmts[-1]
        t = last.type
        if t == "if_statement":
            stack.append(last.child_by_field_name("consequence"))
            alternative = last.child_by_field_name("alternative")
            if alternative is not None:
                if alternative.type == "if_statement":
                    # an else-if chain: treat the nested if as its own one-statement list
                    out.extend(_if_chain_lasts(alternative, stack))
                else:
                    stack.append(alternative)
        elif t == "for_statement":
            stack.append(last.child_by_field_name("body"))
        elif t in ("expression_switch_statement", "type_switch_statement", "select_statement"):
            stack.extend(c for c in last.named_children if c.type in _CASES)
        else:
            out.append(last)
    return out


def _if_chain_lasts(if_stmt, stack):
    while if_stmt is not None:
        stack.append(if_stmt.child_by_field_name("consequence"))
        alternative = if_stmt.child_by_field_name("alternative")
        if alternative is None:
            break
        if alternative.type != "if_statement":
            stack.append(alternative)
            break
        if_stmt = alternative
    return []


def _func_literal(node):
    node = unparen(node) if node is not None else None
    return node if node is not None and node.type == "func_literal" else None


def _is_errgroup(pass_, file, operand) -> bool:
    """Is `operand` an errgroup.Group (or pointer to one), judged from its declaration?"""
    if operand.type != "identifier":
        return False
    decl = pass_.resolve(file, operand)
    if decl is None or decl.file is None:
        return False
    dfile = decl.file
    candidates = []
    if decl.type_node is not None:
        candidates.append(decl.type_node)
    value = unparen(decl.value) if decl.value is not None else None
    if value is not None:
        if value.type == "unary_expression" and value.named_children:
            value = unparen(value.named_children[-1])
        if value.type == "composite_literal":
            candidates.append(value.child_by_field_name("type"))
        elif value.type == "call_expression":
            if pass_.is_call_to(dfile, value, ERRGROUP, "WithContext") and decl.index == 0:
                return True
            if pass_.callee(dfile, value) == ("", "new"):
                args = call_arguments(value)
                candidates.extend(args[:1])
    for typ in candidates:
        if typ is None:
            continue
        if typ.type == "pointer_type" and typ.named_children:
            typ = typ.named_children[0]
        if typ.type == "qualified_type":
            pkg, name = typ.child_by_field_name("package"), typ.child_by_field_name("name")
            if pkg is not None and name is not None and dfile.text(name) == "Group" and pass_.import_path(dfile, pkg) == ERRGROUP:
                return True
    return False


def _escaping_literal(pass_, file, stmt):
    """The function literal a last statement starts: go/defer func(){...}(), g.Go(func...)."""
    if stmt.type in ("go_statement", "defer_statement") and stmt.named_children:
        call = stmt.named_children[0]
        if call.type == "call_expression":
            return _func_literal(call.child_by_field_name("function"))
        return None
    if stmt.type == "expression_statement" and stmt.named_children:
        call = unparen(stmt.named_children[0])
        if call.type != "call_expression":
            return None
        fn = unparen(call.child_by_field_name("function"))
        if fn.type != "selector_expression" or file.text(fn.child_by_field_name("field")) != "Go":
            return None
        args = call_arguments(call)
        if len(args) == 1 and _is_errgroup(pass_, file, unparen(fn.child_by_field_name("operand"))):
            return _func_literal(args[0])
    return None


def _parallel_subtest_statements(pass_, file, stmt):
    """For `t.Run(name, func(t *testing.T) {...})`: the literal's statements after its
    `t.Parallel()` (reset by a label, which a goto may jump to)."""
    if stmt.type != "expression_statement" or not stmt.named_children:
        return []
    call = unparen(stmt.named_children[0])
    if call.type != "call_expression":
        return []
    fn = unparen(call.child_by_field_name("function"))
    if fn.type != "selector_expression" or file.text(fn.child_by_field_name("field")) != "Run":
        return []
    if testing_kind(pass_, file, fn.child_by_field_name("operand")) != "T":
        return []
    args = call_arguments(call)
    lit = _func_literal(args[1]) if len(args) == 2 else None
    if lit is None:
        return []
    params = [p for p in lit.child_by_field_name("parameters").named_children if p.type == "parameter_declaration"]
    if not params:
        return []
    names = params[0].children_by_field_name("name")
    if not names or type_kind(pass_, file, params[0].child_by_field_name("type")) != "T":
        return []
    param = names[0]
    collected, after = [], False
    for s in _statements(lit.child_by_field_name("body")):
        labeled = False
        while s.type == "labeled_statement":
            labeled = True
            inner = [c for c in s.named_children if c.type != "label_name"]
            if not inner:
                break
            s = inner[-1]
        if labeled:
            collected, after = [], False
        if after:
            collected.append(s)
            continue
        if s.type == "expression_statement" and s.named_children:
            c = unparen(s.named_children[0])
            if c.type == "call_expression":
                f = unparen(c.child_by_field_name("function"))
                if f.type == "selector_expression" and file.text(f.child_by_field_name("field")) == "Parallel":
                    operand = unparen(f.child_by_field_name("operand"))
                    if operand.type == "identifier":
                        decl = pass_.resolve(file, operand)
                        if decl is not None and decl.ident is not None and decl.ident.start_byte == param.start_byte:
                            after = True
    return collected


def _report_captured(pass_, file, node, loop_vars, seen) -> None:
    for n in walk_named(node):
        if n.type != "identifier" or n.start_byte in seen:
            continue
        decl = pass_.resolve(file, n)
        if decl is not None and any(decl is v for v in loop_vars) and decl.ident is not n:
            seen.add(n.start_byte)
            pass_.report(file, n, f"loop variable {file.text(n)} captured by func literal")


def run(pass_: Pass) -> None:
    for file, loop, m in pass_.iter_matches("loop"):
        body = m.get("body")
        # What could capture a loop variable, found from syntax first: most loops start no
        # goroutine and no subtest, and then their variables need no scope resolution.
        captors = []
        for last in _last_statements(body):
            lit = _escaping_literal(pass_, file, last)
            if lit is not None:
                captors.append(lit.child_by_field_name("body"))
        for stmt in _statements(body):
            captors.extend(_parallel_subtest_statements(pass_, file, stmt))
        if not captors:
            continue
        loop_vars = _loop_vars(pass_, file, loop)
        if not loop_vars:
            continue
        seen: set[int] = set()
        for node in captors:
            _report_captured(pass_, file, node, loop_vars, seen)


RULE = Rule(
    name="loopclosure",
    summary="loop variable captured by a go/defer func literal or a parallel subtest (before Go 1.22)",
    run=run,
    query=QUERY,
    tags=("correctness", "concurrency"),
    go_versions=GoVersionRange(max_exclusive=(1, 22)),
    equivalents=("vet:loopclosure",),
)
