"""A lock passed by value: a method with a value receiver or a parameter whose type holds a mutex.

## What it does
Reports a value receiver or a by-value parameter (of a function, method or func literal),
a range variable taking elements (or map keys) of a slice, array, map or channel
declared with such a type, and a variable declared with such a type passed to a call
(`f(mu)`, `fmt.Println(s)`) or returned, whose type contains a lock: `sync.Mutex`, `sync.RWMutex`, `sync.WaitGroup`, `sync.Once`,
`sync.Cond`, `sync.Pool`, `sync.Map`, the `sync/atomic` types (`atomic.Int64` ...), or a
type of this package with `Lock` and `Unlock` methods on its pointer (the `noCopy`
idiom); directly, as a field (embedded or not), in an array, or through struct types
declared in this package. Pointers, slices, maps and types from other packages that are
not in that list are left alone, since what they hold is not visible from the source.

## Why is this bad?
Each call copies the lock together with the data it guards. Locking the copy protects
nothing: two goroutines calling value-receiver methods each hold their own mutex, and a
copied `WaitGroup` waits for nobody. go vet's copylocks reports the same thing.

## Example
```go
type Counter struct {
    mu sync.Mutex
    n  map[string]int
}

func (c Counter) Get(k string) int {
    c.mu.Lock()
    defer c.mu.Unlock()
    return c.n[k]
}
```

## Use instead
```go
func (c *Counter) Get(k string) int {
    c.mu.Lock()
    defer c.mu.Unlock()
    return c.n[k]
}
```
"""

from tree_sitter import Node

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.exprtype import declared_type, unparen_type
from analyzer.golang.receiver import receiver_type
from analyzer.golang.source import GoFile, code_children

QUERY = """
(method_declaration receiver: (parameter_list) @receiver) @func
(function_declaration parameters: (parameter_list) @params) @func
(method_declaration parameters: (parameter_list) @params) @func
(func_literal parameters: (parameter_list) @params) @func
(range_clause left: (expression_list) @vars right: (_) @ranged) @range
(call_expression arguments: (argument_list (identifier) @value)) @copy
(return_statement (expression_list (identifier) @value)) @copy
"""

LOCK_TYPES = {
    "sync": frozenset({"Mutex", "RWMutex", "WaitGroup", "Once", "Cond", "Pool", "Map"}),
    "sync/atomic": frozenset({"Int32", "Int64", "Uint32", "Uint64", "Uintptr", "Bool", "Pointer"}),
}
_MAX_DEPTH = 16
_UNSAFE_FUNCS = frozenset({"Sizeof", "Alignof", "Offsetof"})


class _Locks:
    """Which types of the package hold a lock, and which lock (its name for the message)."""

    def __init__(self, pass_: Pass) -> None:
        self.pass_ = pass_
        self.cache: dict[str, str | None] = {}
        self.pointer_lockers = _pointer_lockers(pass_)

    def reason(self, file: GoFile, typ: Node, depth: int = 0) -> str | None:
        typ = unparen_type(typ)
        if depth > _MAX_DEPTH:
            return None
        if typ.type == "qualified_type":
            pkg, name = typ.child_by_field_name("package"), typ.child_by_field_name("name")
            path = self.pass_.import_path(file, pkg) if pkg is not None else None
            if path in LOCK_TYPES and name is not None and file.text(name) in LOCK_TYPES[path]:
                return f"{path.rsplit('/', 1)[-1]}.{file.text(name)}"
            return None
        if typ.type == "generic_type":
            inner = typ.child_by_field_name("type")
            return self.reason(file, inner, depth + 1) if inner is not None and inner.type == "qualified_type" else None
        if typ.type == "array_type":
            element = typ.child_by_field_name("element")
            return self.reason(file, element, depth + 1) if element is not None else None
        if typ.type == "struct_type":
            return self._struct_reason(file, typ, depth)
        if typ.type == "type_identifier":
            return self._named_reason(file, typ, depth)
        return None

    def _named_reason(self, file: GoFile, ident: Node, depth: int) -> str | None:
        decl = self.pass_.resolve(file, ident)
        if decl is None or decl.kind != "type" or decl.file is None or decl.type_node is None or decl.owner is not None:
            return None
        if decl.spec is not None and decl.spec.child_by_field_name("type_parameters") is not None:
            return None
        if decl.name in self.cache:
            return self.cache[decl.name]
        self.cache[decl.name] = None  # a cycle through pointers cannot hold the lock by value
        if decl.spec is not None and decl.spec.type == "type_alias":
            found = self.reason(decl.file, decl.type_node, depth + 1)
        elif decl.name in self.pointer_lockers:
            found = decl.name
        else:
            found = self.reason(decl.file, decl.type_node, depth + 1)
        self.cache[decl.name] = found
        return found

    def _struct_reason(self, file: GoFile, struct: Node, depth: int) -> str | None:
        fields = next((c for c in struct.named_children if c.type == "field_declaration_list"), None)
        if fields is None:
            return None
        for fd in fields.named_children:
            typ = fd.child_by_field_name("type") if fd.type == "field_declaration" else None
            if typ is None or any(c.type == "*" for c in fd.children):
                continue  # an embedded pointer (`*Link`): the grammar gives its type without the star
            found = self.reason(file, typ, depth + 1)
            if found is not None:
                return found
        return None


def _pointer_lockers(pass_: Pass) -> set[str]:
    """Package types T whose *T has both Lock and Unlock methods."""
    methods: dict[str, set[str]] = {}
    for file in pass_.files:
        for node in file.tree.root_node.named_children:
            if node.type != "method_declaration":
                continue
            receiver = receiver_type(file, node)
            name = node.child_by_field_name("name")
            if receiver is not None and receiver.pointer and name is not None:
                methods.setdefault(receiver.type_name, set()).add(file.text(name))
    return {t for t, names in methods.items() if {"Lock", "Unlock"} <= names}


def _range_copies(pass_: Pass, locks: "_Locks", file: GoFile, vars_: Node, ranged: Node) -> None:
    """`for k, v := range x` with `x` declared as a slice, array, map or channel of a lock
    type: each iteration copies an element (or a map key) into the range variable."""
    ref = declared_type(pass_, file, ranged)
    if ref is None or ref.node is None or ref.file is None or ref.pointer:
        return
    typ = unparen_type(ref.node)
    if typ.type == "pointer_type" and typ.named_child_count:  # ranging over *[N]T copies T too
        typ = unparen_type(typ.named_children[0])
    names = code_children(vars_)
    if typ.type in ("slice_type", "array_type"):
        parts = [(1, typ.child_by_field_name("element"))]
    elif typ.type == "map_type":
        parts = [(0, typ.child_by_field_name("key")), (1, typ.child_by_field_name("value"))]
    elif typ.type == "channel_type":
        parts = [(0, typ.child_by_field_name("value"))]
    else:
        return
    for index, element in parts:
        if element is None or index >= len(names) or names[index].type != "identifier" or file.text(names[index]) == "_":
            continue
        reason = locks.reason(ref.file, element)
        if reason is not None:
            pass_.report(file, names[index], f"range var {file.text(names[index])} copies lock: each element is a {ref.file.text(element)}, which contains {reason}; range over indexes or pointers")


def _value_copy(pass_: Pass, locks: "_Locks", file: GoFile, where: Node, value: Node) -> None:
    """`f(x)` or `return x` with `x` a variable declared with a lock type: a copy of it."""
    decl = pass_.resolve(file, value)
    if decl is None or decl.kind not in ("var", "param", "result", "receiver") or decl.type_node is None or decl.file is None:
        return  # only a type written in the declaration is trusted
    if where.type == "call_expression":
        callee = pass_.callee(file, where)
        if callee is not None and (callee[0] == "unsafe" or (callee[0] == "" and callee[1] in ("len", "cap", "new", "make", "print", "println"))):
            return  # no copy: a builtin, or unsafe.Sizeof and its kin
        function = where.child_by_field_name("function")
        if function is not None and function.type == "identifier" and file.text(function) in _UNSAFE_FUNCS and pass_.resolve(file, function) is None:
            return  # `Sizeof(mu)` with unsafe dot-imported
    reason = locks.reason(decl.file, decl.type_node)
    if reason is None:
        return
    name = file.text(value)
    if where.type == "call_expression":
        function = where.child_by_field_name("function")
        what = f"call of {file.text(function) if function is not None else 'function'}"
    else:
        what = "return"
    pass_.report(file, value, f"{what} copies lock value: {name} is a {decl.file.text(decl.type_node)}, which contains {reason}; pass a pointer")


def run(pass_: Pass) -> None:
    locks: _Locks | None = None
    for file, where, m in pass_.iter_matches("copy"):
        value = m.get("value")
        if value is None:
            continue
        if locks is None:
            locks = _Locks(pass_)
        _value_copy(pass_, locks, file, where, value)
    for file, _rng, m in pass_.iter_matches("range"):
        vars_, ranged = m.get("vars"), m.get("ranged")
        if vars_ is None or ranged is None:
            continue
        if locks is None:
            locks = _Locks(pass_)
        _range_copies(pass_, locks, file, vars_, ranged)
    for file, func, m in pass_.iter_matches("func"):
        params = m.get("receiver") or m.get("params")
        is_receiver = m.get("receiver") is not None
        if params is None:
            continue
        func_name = func.child_by_field_name("name")
        for p in params.named_children:
            if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            typ = p.child_by_field_name("type")
            if typ is None or p.type == "variadic_parameter_declaration":
                continue
            if locks is None:
                locks = _Locks(pass_)
            reason = locks.reason(file, typ)
            if reason is None:
                continue
            names = p.children_by_field_name("name")
            where = names[0] if names else typ
            shown = file.text(typ)
            if is_receiver:
                method = file.text(func_name) if func_name is not None else "method"
                pass_.report(file, where, f"{method} has a value receiver of {shown}, which contains {reason}: each call copies the lock; use a pointer receiver")
            else:
                what = file.text(func_name) if func_name is not None else "func literal"
                label = file.text(names[0]) if names else shown
                pass_.report(file, where, f"{what} passes lock by value: {label} is a {shown}, which contains {reason}; pass a pointer")


RULE = Rule(
    name="copylocks",
    summary="a lock passed by value: value receivers and parameters of types holding a mutex",
    run=run,
    query=QUERY,
    tags=("correctness", "concurrency"),
    equivalents=("vet:copylocks",),
    per_file=True,  # the file's receivers, parameters and calls; the package's types and method names
)
