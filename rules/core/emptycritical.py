"""A lock released by the very next statement: an empty critical section.

## What it does
Reports `x.Lock()` immediately followed by `x.Unlock()` (or `x.RLock()` by `x.RUnlock()`)
on the same receiver, as adjacent statements with nothing between them, when the receiver
expression makes no calls.

Left alone: `defer x.Unlock()` after `x.Lock()` (the lock is held until the function
returns, return values included); a pair with a comment between the two calls or just
above them (at most two statements up), which is how a deliberate "wait until whoever
holds the lock is done" barrier is documented; and `_test.go` files, where tests of
locking code take and release locks on purpose.

## Why is this bad?
Nothing is protected: the lock is taken and given back at once. Usually the code that
needed the lock was moved away or written after the unlock by mistake, or a `defer` was
forgotten. When the pair really is meant as a barrier, it deserves a comment saying so
(or a clearer primitive such as a `sync.WaitGroup` or a channel).

## Example
```go
func (c *Cache) Put(k string, v []byte) {
    c.mu.Lock()
    c.mu.Unlock()
    c.items[k] = v
}
```

## Use instead
```go
func (c *Cache) Put(k string, v []byte) {
    c.mu.Lock()
    defer c.mu.Unlock()
    c.items[k] = v
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.purity import has_side_effects
from analyzer.api.rule import Rule

QUERY = """
(statement_list
  (expression_statement
    (call_expression
      function: (selector_expression operand: (_) @recv field: (field_identifier) @lock)
      arguments: (argument_list) @lock_args)) @first
  .
  (expression_statement
    (call_expression
      function: (selector_expression operand: (_) @recv2 field: (field_identifier) @unlock)
      arguments: (argument_list) @unlock_args)) @second
  (#any-of? @lock "Lock" "RLock")
  (#any-of? @unlock "Unlock" "RUnlock")
  (#eq? @recv @recv2))
"""

_PAIRS = {"Lock": "Unlock", "RLock": "RUnlock"}


def _documented(first) -> bool:
    """A comment right above the Lock statement (at most two statements up) or at its
    end of line: the pair is a deliberate barrier and says so."""
    statements = 0
    node = first.prev_sibling
    if node is None and first.parent is not None:
        node = first.parent.prev_sibling  # a comment opening the block sits outside its statement_list
    while node is not None and statements <= 2:
        if node.type == "comment":
            return True
        if node.is_named:
            statements += 1
        node = node.prev_sibling
    after = first.next_sibling
    return after is not None and after.type == "comment" and after.start_point[0] == first.end_point[0]


def run(pass_: Pass) -> None:
    for file, first, m in pass_.iter_matches("first"):
        if file.is_test:
            continue
        lock, unlock = file.text(m.node("lock")), file.text(m.node("unlock"))
        if _PAIRS.get(lock) != unlock:
            continue
        if m.node("lock_args").named_child_count or m.node("unlock_args").named_child_count:
            continue  # not sync's Lock/Unlock
        recv = m.node("recv")
        if has_side_effects(pass_, file, recv):
            continue
        if _documented(first):
            continue
        second = m.node("second")
        name = file.text(recv)
        pass_.report(file, second, f"empty critical section: {name}.{unlock}() right after {name}.{lock}()")


RULE = Rule(
    name="emptycritical",
    summary="a lock released by the very next statement",
    run=run,
    query=QUERY,
    tags=("correctness", "concurrency"),
    equivalents=("staticcheck:SA2001",),
)
