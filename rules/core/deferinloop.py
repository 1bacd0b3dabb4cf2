"""`defer` in a loop body of something acquired in the iteration.

## What it does
Reports a `defer` statement inside the body of a `for` loop of the same function (not
inside a function literal in the loop) that releases something acquired in that iteration
and is only run when the function returns: `defer v.Close()` (also `v.Body.Close()`),
`v.Unlock()`, `v.RUnlock()`, `v.Stop()`, or `cancel()` of a context made by
`context.WithCancel/WithTimeout/WithDeadline` in the loop, where `v` is declared in the loop
body; also such a call made unconditionally at the top of a deferred function literal.
Other deferred calls (`ref.Release()`, `span.End()`, cleanup callbacks, rollbacks guarded
by `if err != nil`) are left alone: in real code they are mostly held on purpose until the
function's end.

It stays silent when holding everything until the function returns is bounded or meant:
- the statements after the `defer`, in its own block or in any enclosing block of the loop
  body, leave the loop for good (`return`, `break` out of the loop, `goto`, `panic`,
  `os.Exit`, ...), as in a search loop that opens the one thing it found and returns;
- the loop runs a small fixed number of times: it ranges over a literal table (written in
  place or in a variable holding a composite literal, as test tables are) of at most 64
  entries, or counts up to a constant of at most 64;
- the resource is kept on purpose beyond the iteration: the loop stores it outside the
  loop body (appends it, assigns it to an outer variable, field or element, sends it on
  a channel, hands it to a goroutine), so the function uses it after the loop;
- the loop body also releases it itself (`defer f.Close()` plus an explicit `f.Close()`
  later in the iteration: the defer only covers early returns);
- the `defer` is in a `case <-t.C:` of a timer made by `time.NewTimer` and never reset
  (or reset only inside `if t.Stop() {`, which re-arms a timer that has not fired): that
  case runs once;
- the deferred call uses only values from outside the loop body (`defer os.Remove(name)`
  over the range variable, a recover handler): usually deliberate cleanup at the end.

## Why is this bad?
Deferred calls run when the surrounding *function* returns, not at the end of each
iteration. A loop that opens a file, takes a lock or starts a transaction per iteration and
defers its release holds every one of them until the function ends: file descriptors run
out, locks are held far too long, memory grows with the number of iterations.

## Example
```go
for _, name := range names {
    f, err := os.Open(name)
    if err != nil {
        return err
    }
    defer f.Close()
    process(f)
}
```

## Use instead
```go
for _, name := range names {
    if err := processFile(name); err != nil { // the function defers f.Close()
        return err
    }
}
```
or wrap the loop body in a function literal that is called in each iteration.
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.goliteral import int_value
from analyzer.golang.noreturn import is_noreturn_call
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen, walk_named, required_field

QUERY = """
(defer_statement) @defer
"""

_FUNCTIONS = frozenset({"func_literal", "function_declaration", "method_declaration"})
_BREAK_TARGETS = frozenset({"expression_switch_statement", "type_switch_statement", "select_statement"})
# Methods that release what was acquired: files, bodies, connections, locks, timers.
_RELEASE_METHODS = frozenset({"Close", "Unlock", "RUnlock", "Stop"})
# A loop over at most this many fixed entries holds at most this many resources: bounded.
_SMALL_TABLE = 64


def _enclosing_loop(stmt):
    """The nearest `for` around `stmt` in the same function, or None."""
    node = stmt.parent
    while node is not None:
        if node.type == "for_statement":
            return node
        if node.type in _FUNCTIONS:
            return None
        node = node.parent
    return None


def _exits_loop(pass_, file, stmt, inner_switch: bool) -> bool:
    """Does `stmt` itself certainly leave the loop (return, goto, a break out of the loop,
    a call that never returns)?"""
    t = stmt.type
    if t in ("return_statement", "goto_statement"):
        return True
    if t == "break_statement":
        # `break L` may name this loop or an outer one: either way the loop is left.
        return bool(stmt.named_child_count) or not inner_switch
    if t == "expression_statement" and stmt.named_child_count:
        expr = unparen(stmt.named_children[0])
        return expr.type == "call_expression" and is_noreturn_call(pass_, file, expr)
    return False


def _may_continue(stmt) -> bool:
    """Could `stmt` go back to the loop's head (a `continue` of this loop somewhere inside)?"""
    for node in walk_named(stmt, skip=frozenset({"func_literal"})):
        if node.type == "continue_statement":
            if node.named_child_count or not _inside_nested_loop(node, stmt):
                return True
    return False


def _inside_nested_loop(node, top) -> bool:
    parent = node.parent
    while parent is not None and parent != top:
        if parent.type == "for_statement":
            return True
        parent = parent.parent
    return top.type == "for_statement"


def _leaves_loop(pass_, file, stmt, loop) -> bool:
    """True when every way on from `stmt` certainly exits `loop` (so the defer runs at most
    once): a statement after it in its own block, or after the enclosing statement in each
    block up to the loop body, is a return, goto, break out of the loop or a call that never
    returns, and nothing in between can continue the loop."""
    body = loop.child_by_field_name("body")
    node = stmt
    while node is not None and node != body:
        statements = node.parent
        if statements is not None and statements.type == "statement_list":
            inner_switch = _inside_switch(statements, loop)
            sibling = node.next_named_sibling
            while sibling is not None:
                if _exits_loop(pass_, file, sibling, inner_switch):
                    return True
                if sibling.type in ("break_statement", "continue_statement", "fallthrough_statement") or _may_continue(sibling):
                    return False
                sibling = sibling.next_named_sibling
        node = node.parent
        # Climb to the next statement that sits in a statement list.
        while node is not None and node != body and (node.parent is None or node.parent.type != "statement_list"):
            node = node.parent
    return False


def _inside_switch(node, loop) -> bool:
    while node is not None and node != loop:
        if node.type in _BREAK_TARGETS:
            return True
        node = node.parent
    return False


def _release_calls(stmt):
    """The calls the defer surely makes: the deferred call itself, or the calls that are
    statements of their own at the top of a deferred function literal (a call inside an
    `if` there is a conditional cleanup, such as a rollback on error, and does not count)."""
    call = unparen(stmt.named_children[0]) if stmt.named_child_count else None
    if call is None or call.type != "call_expression":
        return []
    fn = unparen(call.child_by_field_name("function"))
    if fn.type != "func_literal":
        return [call]
    body = fn.child_by_field_name("body")
    statements = body.named_children[0].named_children if body is not None and body.named_child_count and body.named_children[0].type == "statement_list" else []
    calls = []
    for s in statements:
        expr = None
        if s.type == "expression_statement" and s.named_child_count:
            expr = s.named_children[0]
        elif s.type in ("short_var_declaration", "assignment_statement"):
            right = s.child_by_field_name("right")
            if right is not None and right.named_child_count == 1:
                expr = right.named_children[0]
        if expr is not None and unparen(expr).type == "call_expression":
            calls.append(unparen(expr))
    return calls


def _loop_variables(pass_, file, stmt, loop):
    """The declarations of the loop-body variables whose release the defer makes: `v.Close()`,
    `v.Body.Close()`, `v.Unlock()`, `v.Stop()`, or `cancel()` of a context made in the loop."""
    body = loop.child_by_field_name("body")
    found = {}
    if body is None:
        return []
    for call in _release_calls(stmt):
        fn = unparen(call.child_by_field_name("function"))
        if fn.type == "selector_expression":
            field = fn.child_by_field_name("field")
            if field is None or file.text(field) not in _RELEASE_METHODS:
                continue
            root = fn.child_by_field_name("operand")
            while root is not None and root.type == "selector_expression":
                root = root.child_by_field_name("operand")
            root = unparen(root) if root is not None else None
        elif fn.type == "identifier":
            root = fn
        else:
            continue
        if root is None or root.type != "identifier":
            continue
        decl = pass_.resolve(file, root)
        if decl is None or decl.kind != "var" or decl.ident is None or decl.file is not file or not _inside(decl.ident, body) or _inside(decl.ident, stmt):
            continue
        if fn.type == "identifier" and not _is_context_cancel(pass_, file, decl):
            continue
        found[id(decl)] = decl
    return list(found.values())


def _is_context_cancel(pass_, file, decl) -> bool:
    value = unparen(decl.value) if decl.value is not None else None
    return value is not None and value.type == "call_expression" and decl.index == 1 and pass_.is_call_to(
        file, value, "context", "WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause", "WithTimeoutCause", "WithDeadlineCause"
    )


def _inside(node, ancestor) -> bool:
    return ancestor.start_byte <= node.start_byte < ancestor.end_byte


def _small_count(pass_, file, expr) -> bool:
    """Is `expr` a literal table or an integer constant of at most _SMALL_TABLE entries?"""
    expr = unparen(expr)
    if expr.type == "identifier":
        decl = pass_.resolve(file, expr)
        if decl is None or decl.kind not in ("var", "const"):
            return False
        if decl.kind == "var":
            return _small_table_variable(pass_, decl)
        if decl.value is None:
            return False
        file, expr = decl.file, unparen(decl.value)
    if expr.type == "composite_literal":
        body = expr.child_by_field_name("body")
        return body is not None and body.named_child_count <= _SMALL_TABLE
    if expr.type == "int_literal":
        value = int_value(file.text(expr))
        return value is not None and value <= _SMALL_TABLE
    return False


def _small_table_variable(pass_, decl) -> bool:
    """Does the variable only ever hold small literal tables (its initial value and every
    plain assignment to it, as in `networks = []string{"udp", "tcp"}`)?"""
    values = [] if decl.value is None else [(decl.file, decl.value)]
    for ref in decl.references:
        parent = ref.parent
        if parent is not None and parent.type == "expression_list" and parent.parent is not None and parent.parent.type == "assignment_statement" and parent == parent.parent.child_by_field_name("left"):
            lefts = parent.named_children
            right = parent.parent.child_by_field_name("right")
            rights = right.named_children if right is not None else []
            if len(lefts) != len(rights):
                return False
            values.append((decl.file, rights[lefts.index(ref)]))
        elif parent is not None and parent.type == "unary_expression" and parent.child_by_field_name("operator").type == "&":
            return False  # assigned through a pointer
    if not values:
        return False
    return all(unparen(v).type == "composite_literal" and _small_count(pass_, f, v) for f, v in values)


def _unbounded_loop(loop) -> bool:
    """A loop with no fixed length: `for {}` or `for cond {}` (a range over a channel looks
    like any other range without types, so it does not count)."""
    return not any(c.type in ("range_clause", "for_clause") for c in loop.named_children)


def _in_one_shot_timer_case(pass_, file, stmt, loop) -> bool:
    """Is `stmt` in a `case <-t.C:` of a select, where `t := time.NewTimer(...)` is never
    reset? That case runs at most once."""
    node = stmt.parent
    while node is not None and node != loop:
        if node.type == "communication_case":
            comm = node.child_by_field_name("communication")
            if comm is None:
                return False
            operand = comm.child_by_field_name("right") if comm.type == "receive_statement" else comm
            operand = unparen(operand) if operand is not None else None
            if operand is None or operand.type != "unary_expression":
                return False
            channel = unparen(required_field(operand, "operand"))
            if channel.type != "selector_expression" or file.text(channel.child_by_field_name("field")) != "C":
                return False
            timer = unparen(required_field(channel, "operand"))
            decl = pass_.resolve(file, timer) if timer.type == "identifier" else None
            if decl is None or decl.kind != "var" or decl.value is None or unparen(decl.value).type != "call_expression" or not pass_.is_call_to(decl.file, unparen(decl.value), "time", "NewTimer"):
                return False
            for ref in decl.references:
                parent = ref.parent
                if parent is not None and parent.type == "selector_expression" and file.text(parent.child_by_field_name("field")) == "Reset" and not _guarded_by_stop(file, parent, decl.name):
                    return False
            return True
        node = node.parent
    return False


def _guarded_by_stop(file, reset, name) -> bool:
    """Is this `t.Reset` inside `if ... t.Stop() ... {`? Stop reports true only for a timer that
    has not fired, so the reset re-arms a timer whose case has not run yet."""
    node = reset.parent
    while node is not None and node.type not in _FUNCTIONS:
        if node.type == "if_statement":
            cond = node.child_by_field_name("condition")
            if cond is not None and f"{name}.Stop()" in file.text(cond):
                return True
        node = node.parent
    return False


def _fixed_small_loop(pass_, file, loop) -> bool:
    """Does the loop run a small fixed number of times (a literal table, `range 3`,
    `i := 0; i < 4; i++`)?"""
    for clause in loop.named_children:
        if clause.type == "range_clause":
            right = clause.child_by_field_name("right")
            return right is not None and _small_count(pass_, file, right)
        if clause.type == "for_clause":
            cond = clause.child_by_field_name("condition")
            if cond is None or cond.type != "binary_expression":
                return False
            op = cond.child_by_field_name("operator")
            right = cond.child_by_field_name("right")
            return op is not None and file.text(op) in ("<", "<=") and right is not None and _small_count(pass_, file, right)
    return False


def _kept_beyond_iteration(pass_, file, decl, stmt, body) -> bool:
    """Does the loop body store the variable where it outlives the iteration: appended,
    assigned to something not declared in the loop body, sent, or used by a goroutine?"""
    for node in walk_named(body):
        if node.type != "identifier" or _inside(node, stmt) or file.text(node) != decl.name or pass_.resolve(file, node) is not decl:
            continue
        child, parent = node, node.parent
        while parent is not None and parent != body:
            t = parent.type
            if t == "go_statement":
                return True
            if t == "send_statement" and child == parent.child_by_field_name("value"):
                return True
            if t == "call_expression" and child == parent.child_by_field_name("arguments"):
                fn = parent.child_by_field_name("function")
                if fn is not None and fn.type == "identifier" and file.text(fn) == "append":
                    target = pass_.resolve(file, fn)
                    if target is None or target.kind == "builtin":
                        return True
            if t == "assignment_statement" and child == parent.child_by_field_name("right"):
                left = parent.child_by_field_name("left")
                if left is not None and any(not _declared_in(pass_, file, l, body) for l in left.named_children):
                    return True
            if t.endswith("_statement") or t == "statement_list":
                break
            child, parent = parent, parent.parent
    return False


def _declared_in(pass_, file, expr, body) -> bool:
    expr = unparen(expr)
    if expr.type != "identifier":
        return False  # a field, an element, a dereference: storage outside the iteration
    if file.text(expr) == "_":
        return True
    decl = pass_.resolve(file, expr)
    return decl is not None and decl.ident is not None and decl.file is file and _inside(decl.ident, body)


def _released_in_iteration(file, stmt, body, decls) -> bool:
    """Does the loop body also call, outside the defer, a method the deferred code calls on
    a loop variable (`defer f.Close()` ... `f.Close()`)? Then the defer only covers early exits."""
    names = {d.name for d in decls}
    released = set()
    for node in walk_named(stmt):
        if node.type == "call_expression":
            fn = unparen(required_field(node, "function"))
            if fn.type == "selector_expression" and _root_name(file, fn) in names:
                released.add(file.text(fn))
    if not released:
        return False
    for node in walk_named(body):
        if node.type == "call_expression" and not _inside(node, stmt):
            fn = unparen(required_field(node, "function"))
            if fn.type == "selector_expression" and file.text(fn) in released:
                return True
    return False


def _root_name(file, expr):
    while expr is not None and expr.type in ("selector_expression", "index_expression", "parenthesized_expression"):
        expr = expr.child_by_field_name("operand") or (expr.named_children[0] if expr.named_child_count else None)
    return file.text(expr) if expr is not None and expr.type == "identifier" else None


def run(pass_: Pass) -> None:
    for file, stmt, _ in pass_.iter_matches("defer"):
        loop = _enclosing_loop(stmt)
        if loop is None:
            continue
        # A test function ends soon: holding what a table-driven loop acquired until then
        # is harmless. Only a loop with no fixed length (polling, retrying) really piles up.
        if file.is_test and not _unbounded_loop(loop):
            continue
        decls = _loop_variables(pass_, file, stmt, loop)
        if not decls or _leaves_loop(pass_, file, stmt, loop) or _fixed_small_loop(pass_, file, loop) or _in_one_shot_timer_case(pass_, file, stmt, loop):
            continue
        body = loop.child_by_field_name("body")
        if any(_kept_beyond_iteration(pass_, file, d, stmt, body) for d in decls) or _released_in_iteration(file, stmt, body, decls):
            continue
        pass_.report(file, stmt, "defer in a loop: the deferred calls run only when the function returns, not at the end of each iteration")


RULE = Rule(
    name="deferinloop",
    summary="defer in a loop of something acquired in the iteration: it is released only when the function returns",
    run=run,
    query=QUERY,
    tags=("correctness", "performance"),
    equivalents=("staticcheck:SA9001", "revive:defer"),
)
