"""Statements that can never run because an earlier statement in the same list ends it.

## What it does
Reports the first statement after a statement that ends the flow of its statement list:
`return`, `goto`, `break`, `continue`, a call that never returns (`panic`, `os.Exit`,
`log.Fatal*`, `runtime.Goexit`, `t.Fatal*`/`FailNow`/`Skip*`, ... from the engine's
`noreturn` table), and the Go specification's other terminating statements: a block
ending in one, an `if` with `else` whose branches all end, a `for` without condition,
range or `break`, a `switch` with a `default` whose cases all end and no `break`, a
`select` whose cases all end and no `break`. Each unreachable run is reported once, at its
first statement. A labeled statement may be the target of a `goto`, so it and what follows
it count as reachable again; empty statements are not reported.

After a call that never returns but that the compiler does not know about (`os.Exit`,
`log.Fatal`, `t.Fatal`, a package function that always panics), a run made only of jumps
and panics (`return`, `return nil, err`, `continue`, `panic("unreachable")`) is left
alone: it is harmless belt and braces, and at the end of a function with results the
compiler requires it. Code after an unconditional `t.Skip(...)` is a test disabled on
purpose and is not reported either. The package's own never-returning functions count only in packages
that declare no function twice (per-OS variants whose build constraints are not applied)
and never call `recover` (a function ending in a panic may recover and return).

## Why is this bad?
Code that cannot run is either dead weight or, far more often, a sign that the control flow
is not what the author thinks: a `return` left over from debugging, a `break` that ends a
loop early, a `log.Fatal` where a `log.Print` was meant.

## Example
```go
func load(path string) (*Config, error) {
    data, err := os.ReadFile(path)
    if err != nil {
        return nil, err
        log.Printf("cannot read %s: %v", path, err)
    }
    return parse(data)
}
```

## Use instead
```go
    if err != nil {
        log.Printf("cannot read %s: %v", path, err)
        return nil, err
    }
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.noreturn import LOGGER_NORETURN_METHODS, NORETURN_FUNCS, TESTING_NORETURN_METHODS, NoReturnFacts, is_noreturn_call
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen, walk_named, required_field

# Lists of two or more named children (a comment counts: it is one): with one statement
# there is nothing after it to be unreachable. Matching that in tree-sitter costs nothing
# measurable and spares ~60% of the lists a Python match object. `(_)` does not match an
# ERROR node, which can stand after a terminating statement too: hence the second pattern.
QUERY = """
(statement_list (_) (_)) @list
(statement_list (ERROR)) @list
"""

_JUMPS = frozenset({"return_statement", "goto_statement", "break_statement", "continue_statement", "fallthrough_statement"})
_BREAKABLE = frozenset({"for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"})
_CASES = frozenset({"expression_case", "default_case", "type_case", "communication_case"})
_SWITCHES = frozenset({"expression_switch_statement", "type_switch_statement", "select_statement"})
# The statements `_ends` can say yes to.
_MAY_END = _JUMPS | _SWITCHES | {"expression_statement", "block", "labeled_statement", "if_statement", "for_statement"}
_SKIP = frozenset({"comment", "empty_statement"})
_SKIPS = frozenset({"Skip", "Skipf", "SkipNow"})
# Every name the standard-library table says never returns, as a function or a method.
_TABLE_NAMES = frozenset({"panic"}).union(*NORETURN_FUNCS.values(), TESTING_NORETURN_METHODS, LOGGER_NORETURN_METHODS)


def _statements(stmt_list):
    return [c for c in stmt_list.named_children if c.type not in _SKIP]


def _last_statement(container):
    """The last statement of a block or case clause, or None when it has none."""
    for child in container.named_children:
        if child.type == "statement_list":
            stmts = _statements(child)
            return stmts[-1] if stmts else None
    return None


def _trust_package_facts(pass_) -> bool:
    """Whether the package's own never-returning functions can be believed. Not when a
    function is declared twice (per-OS files whose build constraints are not applied,
    assembly stubs: which one is compiled is unknown) and not when the package calls
    `recover` (a function ending in panic may recover and return)."""
    seen = set()
    for f in pass_.files:
        if b"recover()" in f.source:
            return False
        for top in f.root.named_children:
            if top.type == "function_declaration":
                name = top.child_by_field_name("name")
                key = f.text(name) if name is not None else ""
                if key in seen:
                    return False
                seen.add(key)
    return True


def _noreturn_statement(pass_, file, stmt, trust_facts=False, panic_only=False) -> bool:
    """`stmt` is a call that never returns; with `panic_only`, only the builtin panic (the
    one call the compiler knows ends a path); without `trust_facts`, only the standard
    library table (os.Exit, log.Fatal, t.Fatal, ...), not the package's own functions."""
    if stmt.type != "expression_statement" or not stmt.named_children:
        return False
    expr = unparen(stmt.named_children[0])
    if expr.type != "call_expression" or not _may_end(pass_, file, expr, trust_facts, panic_only):
        return False
    target = pass_.callee(file, expr)
    if target == ("", "panic"):
        return True
    if panic_only:
        return False
    if not trust_facts:
        # only the standard-library table: imported functions, testing and log methods
        if target is not None and target[0] == "":
            return False
        if target is None:
            fn = unparen(required_field(expr, "function"))
            field = fn.child_by_field_name("field") if fn.type == "selector_expression" else None
            if field is None or (file.text(field) not in TESTING_NORETURN_METHODS and file.text(field) not in LOGGER_NORETURN_METHODS):
                return False
    return is_noreturn_call(pass_, file, expr)


def _may_end(pass_, file, call, trust_facts, panic_only) -> bool:
    """Could the call never return, judging by the name it calls alone? The builtin `panic`,
    a name of the standard-library table, or (`trust_facts`) of a package function that may
    never return; any other call returns whatever its name resolves to, so resolving it
    (the whole function around it, the first time) would be wasted."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    fn = unparen(fn)
    t = fn.type
    if t == "selector_expression":
        fn = fn.child_by_field_name("field")
    elif t != "identifier":
        return False  # neither a package-level function nor a method: the callee is unknown
    name = file.text(fn)
    if name == "panic":
        return True
    if panic_only:
        return False
    if name in _TABLE_NAMES:
        return True
    if not trust_facts:
        return False
    facts = pass_.package.noreturn_funcs
    if isinstance(facts, NoReturnFacts):
        return name in facts.candidate_names
    return True


def _has_break(file, stmt) -> bool:
    """Is there a `break` that leaves `stmt` (a for, switch or select)?"""
    label = None
    if stmt.parent is not None and stmt.parent.type == "labeled_statement":
        name = stmt.parent.child_by_field_name("label")
        label = file.text(name) if name is not None else None
    for node in walk_named(stmt, skip=frozenset({"func_literal"})):
        if node.type != "break_statement":
            continue
        if node.named_child_count:
            if label is not None and file.text(node.named_children[0]) == label:
                return True
            continue
        target = node.parent
        while target is not None and target.type not in _BREAKABLE:
            target = target.parent
        if target == stmt:
            return True
    return False


def _ends(pass_, file, stmt, trust_facts=False, panic_only=False) -> bool:
    """True when control never continues to the statement after `stmt` (spec terminating
    statements plus break/continue and calls that never return). Iterative: every node on
    the stack must end for `stmt` to end."""
    stack = [stmt]
    breakable = []  # loops and switches that end only if no break leaves them: checked last, it costs a walk
    while stack:
        s = stack.pop()
        t = s.type
        if t in _JUMPS:
            continue
        if t == "expression_statement":
            if _noreturn_statement(pass_, file, s, trust_facts, panic_only):
                continue
            return False
        if t == "block":
            last = _last_statement(s)
            if last is None:
                return False
            stack.append(last)
        elif t == "labeled_statement":
            inner = [c for c in s.named_children if c.type != "label_name"]
            if not inner or inner[-1].type in _SKIP:
                return False
            stack.append(inner[-1])
        elif t == "if_statement":
            alternative = s.child_by_field_name("alternative")
            if alternative is None:
                return False
            stack.append(s.child_by_field_name("consequence"))
            stack.append(alternative)
        elif t == "for_statement":
            clause = next((c for c in s.named_children if c.type in ("for_clause", "range_clause")), None)
            has_condition = clause is not None and (clause.type == "range_clause" or clause.child_by_field_name("condition") is not None)
            if clause is None:
                # `for cond {}` puts the condition directly under the for statement
                has_condition = any(c.type not in ("block", "comment") for c in s.named_children)
            if has_condition:
                return False
            breakable.append(s)
        elif t in _SWITCHES:
            cases = [c for c in s.named_children if c.type in _CASES]
            if t != "select_statement" and not any(c.type == "default_case" for c in cases):
                return False
            breakable.append(s)
            for case in cases:
                last = _last_statement(case)
                if last is None:
                    return False
                stack.append(last)
        else:
            return False
    return not any(_has_break(file, b) for b in breakable)


def _redundant_jump(pass_, file, terminator, run, trust_facts) -> bool:
    """After a call the compiler does not know never returns (`log.Fatal`, `t.Fatal`,
    `os.Exit`, a package function that always panics), a run of bare jumps or panics
    (`return`, `return nil, err`, `continue`, `panic("unreachable")`) is belt and braces,
    often required by the compiler to end a function with results: not reported."""
    if _ends(pass_, file, terminator, trust_facts, panic_only=True):
        return False
    for stmt in run:
        if stmt.type in _JUMPS:
            continue
        if _noreturn_statement(pass_, file, stmt, panic_only=True):
            continue
        return False
    return True


def run(pass_: Pass) -> None:
    trust_facts = _trust_package_facts(pass_)
    done: set[tuple[str, int]] = set()  # a list with an ERROR can match both patterns
    for file, stmt_list, _ in pass_.iter_matches("list"):
        if file.root.has_error:
            key = (file.path, stmt_list.id)
            if key in done:
                continue
            done.add(key)
        children = stmt_list.named_children
        stmts = []
        types = []
        for c in children:
            t = c.type
            if t != "comment":
                stmts.append(c)
                types.append(t)
        last = len(stmts) - 1
        terminator = last_terminator = None
        run_start = None
        for i, s in enumerate(stmts):
            t = types[i]
            if t == "labeled_statement":
                terminator = None  # a goto may jump here
            if terminator is not None:
                if run_start is None and t != "empty_statement":
                    run_start = i
                continue
            if run_start is not None:
                _report(pass_, file, stmts[run_start:i], last_terminator, trust_facts)
                run_start = None
            # Only a statement with something after it can make code unreachable; asking
            # about the last one too would make nested `{{{...}}}` quadratic in depth.
            # Assignments, declarations, go, defer, ... never end the list (`_ends` says so
            # last): not asked at all.
            if i < last and t in _MAY_END and _ends(pass_, file, s, trust_facts):
                terminator = last_terminator = s
        if run_start is not None:
            _report(pass_, file, stmts[run_start:], last_terminator, trust_facts)


def _is_skip(file, stmt) -> bool:
    """`t.Skip(...)`, `t.Skipf`, `t.SkipNow()`: a test disabled on purpose."""
    if stmt.type != "expression_statement" or not stmt.named_children:
        return False
    call = unparen(stmt.named_children[0])
    fn = unparen(required_field(call, "function")) if call.type == "call_expression" else None
    return fn is not None and fn.type == "selector_expression" and file.text(fn.child_by_field_name("field")) in _SKIPS


def _report(pass_, file, stmts, terminator, trust_facts) -> None:
    run = [s for s in stmts if s.type != "empty_statement"]
    if not run or _is_skip(file, terminator) or _redundant_jump(pass_, file, terminator, run, trust_facts):
        return
    pass_.report(file, run[0], "unreachable code")


RULE = Rule(
    name="unreachable",
    summary="statements after a return, panic, os.Exit, break, goto or other terminating statement",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:unreachable",),
)
