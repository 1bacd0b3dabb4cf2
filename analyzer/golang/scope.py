"""Scope resolution: which declaration an identifier refers to.

Go's block scoping, approximated from syntax alone: the universe, the package (all files),
each file's imports, functions and function literals (type parameters, receiver, parameters,
named results), and every block, `if`/`for`/`switch`/`select` statement and case clause.
`:=`, `var` and `const` inside a function take effect after their statement, so resolving
in source order with the right-hand side seen before the names are declared gets shadowing
right (`x := x` refers to the outer `x`).

Bodies are resolved lazily, one top-level declaration at a time, and cheaply: visiting every
node from Python costs a C call and an object per node, so one tree-sitter query instead
returns just the identifiers and the constructs that open a scope or declare something
(`_QUERY`). `_resolve_query` then makes one pass in source order over the two sorted lists,
with a stack of open scopes (each closes at its node's end byte), declarations that take
effect at a byte position (the end of a `:=`'s right-hand side, of a `var` statement), and
the parts of a construct that are not looked up (a `:=`'s left side, a type switch's alias,
a struct literal's field keys, a local variable's names) as byte ranges or identifier
starts to skip. No recursion: generated Go nests expressions thousands deep.

`_resolve_walk` is the plain iterative walk over every node that this pass reproduces; it
still resolves declarations with syntax errors, where the grammar's shape (which the pass
relies on to know where identifiers can be) does not hold.
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Iterable

from tree_sitter import Node, Query, QueryCursor

from analyzer.golang.source import GO_LANGUAGE, GoFile

BUILTIN_FUNCS = frozenset(
    "append cap clear close complex copy delete imag len make max min new panic print println real recover".split()
)
BUILTIN_TYPES = frozenset(
    "any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 "
    "rune string uint uint8 uint16 uint32 uint64 uintptr".split()
)

_SCOPE_NODES = frozenset(
    {
        "block",
        "if_statement",
        "for_statement",
        "expression_switch_statement",
        "type_switch_statement",
        "select_statement",
        "expression_case",
        "default_case",
        "communication_case",
        "type_case",
        "func_literal",
    }
)


# One query per top-level declaration finds what `_resolve_query` needs. Every pattern is
# one node or anchored to a first child, so matching stays linear however deep the tree.
_QUERY_SOURCE = """
[(identifier) (type_identifier) (package_identifier)] @name
[(function_declaration) (method_declaration) (func_literal)
 (block) (if_statement) (for_statement) (expression_switch_statement) (select_statement)
 (expression_case) (default_case) (communication_case) (type_case) (type_switch_statement)
 (short_var_declaration) (range_clause) (receive_statement)
 (var_declaration) (const_declaration) (type_declaration)] @construct
(keyed_element . (literal_element . (identifier) @field_key .))
(composite_literal . [(map_type) (slice_type) (array_type) (implicit_length_array_type)] @index_type)
(literal_value) @literal
"""
_QUERY = Query(GO_LANGUAGE, _QUERY_SOURCE)

# What a @construct does (compared by identity).
_SCOPE, _FUNC, _TYPE_SWITCH, _SHORT_VAR, _MAYBE_SHORT_VAR, _VALUE_DECL, _TYPE_DECL = (object() for _ in range(7))
_CONSTRUCT_KIND = {
    **dict.fromkeys(_SCOPE_NODES - {"func_literal", "type_switch_statement"}, _SCOPE),
    **dict.fromkeys(("function_declaration", "method_declaration", "func_literal"), _FUNC),
    "type_switch_statement": _TYPE_SWITCH,
    "short_var_declaration": _SHORT_VAR,
    "range_clause": _MAYBE_SHORT_VAR,  # when it declares (`:=`)
    "receive_statement": _MAYBE_SHORT_VAR,
    "var_declaration": _VALUE_DECL,  # inside a function
    "const_declaration": _VALUE_DECL,
    "type_declaration": _TYPE_DECL,
}
_START = attrgetter("start_byte")
_FIRST = itemgetter(0)
_NEVER = 1 << 62  # a byte position after every file's end



def _index_keys(keys: set[int], literals: list[Node], index_types: list[Node]) -> set[int]:
    """Of the bare identifier keys starting at `keys`, those directly in the body of a map,
    slice or array literal (`map[K]V{k: v}`), where they are expressions, not field names.
    A key's literal is the innermost `literal_value` around it; a literal's body is the
    first `literal_value` after its type."""
    spans = sorted((lit.start_byte, lit.end_byte) for lit in literals)
    starts = [s for s, _ in spans]
    bodies = set()
    for t in index_types:
        j = bisect.bisect_left(starts, t.end_byte)
        if j < len(starts):
            bodies.add(starts[j])
    out = set()
    open_literals: list[tuple[int, bool]] = []  # (end, is a map/slice/array body), innermost last
    j = 0
    for k in sorted(keys):
        while j < len(spans) and spans[j][0] <= k:
            s, e = spans[j]
            j += 1
            while open_literals and open_literals[-1][0] <= s:
                open_literals.pop()
            open_literals.append((e, s in bodies))
        while open_literals and open_literals[-1][0] <= k:
            open_literals.pop()
        if open_literals and open_literals[-1][1]:
            out.add(k)
    return out


@dataclass(eq=False)
class Declaration:
    """A declared name. `kind` is one of: var, param, result, receiver, const, type, func,
    import, label, builtin. For variables, `value` is the initializer expression when one
    is known (`index` says which result of a multi-value call), `type_node` the declared type."""

    name: str
    kind: str
    ident: Node | None
    file: GoFile | None
    spec: Node | None = None
    type_node: Node | None = None
    value: Node | None = None
    index: int = 0
    import_path: str | None = None
    _references: list[Node] = field(default_factory=list, repr=False)
    # Function or func literal node whose body declares this (None for package level).
    owner: Node | None = field(default=None, repr=False)
    # Set on package-level and universe declarations: their references span every file.
    _scopes: "PackageScopes | None" = field(default=None, repr=False)

    @property
    def references(self) -> list[Node]:
        """Every identifier that refers to this declaration (order unspecified across
        functions). A local's references all lie in its function, resolved together; an
        import's lie in its file; any other package-level name's in the whole package."""
        if self._scopes is not None:
            self._scopes._resolve_all(self.file if self.kind == "import" else None)
        return self._references

    @property
    def is_local(self) -> bool:
        return self.kind in ("var", "param", "result", "receiver", "const", "type") and self.owner is not None

    @property
    def key(self) -> tuple[str, int]:
        return (self.file.path if self.file else "", self.ident.start_byte if self.ident else -1)


class Scope:
    __slots__ = ("parent", "names", "node")

    def __init__(self, parent: "Scope | None", node: Node | None) -> None:
        self.parent = parent
        self.names: dict[str, Declaration] = {}
        self.node = node

    def lookup(self, name: str) -> Declaration | None:
        scope: Scope | None = self
        while scope is not None:
            decl = scope.names.get(name)
            if decl is not None:
                return decl
            scope = scope.parent
        return None


def default_import_name(path: str) -> str:
    """The package name Go would most likely give `path` (no type information available)."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return path
    last = parts[-1]
    if len(parts) > 1 and last.startswith("v") and last[1:].isdigit():
        last = parts[-2]
    if last.startswith("go-"):
        last = last[3:]
    for suffix in (".v1", ".v2", ".v3", ".v4", ".v5", ".go"):
        if last.endswith(suffix):
            last = last[: -len(suffix)]
    return last.replace("-", "_").replace(".", "_")


def _string_content(file: GoFile, node: Node) -> str:
    text = file.text(node)
    return text[1:-1] if len(text) >= 2 else text


class PackageScopes:
    """Resolution for one package: `resolve(file, ident)`.

    Package-level names are declared up front (cheap); bodies are resolved lazily, one
    top-level declaration at a time, when an identifier in it is first asked about. A
    top-level declaration's locals never leak into another, so the result is the same as
    resolving everything, and most rules only ask about a few functions."""

    def __init__(self, files: Iterable[GoFile]) -> None:
        self.files = list(files)
        self.universe = Scope(None, None)
        for name in BUILTIN_FUNCS:
            self.universe.names[name] = Declaration(name, "builtin", None, None, _scopes=self)
        for name in BUILTIN_TYPES:
            self.universe.names[name] = Declaration(name, "type", None, None, _scopes=self)
        self.package = Scope(self.universe, None)
        self.file_scopes: dict[str, Scope] = {}
        # per file: identifier start byte -> declaration
        self._resolved: dict[str, dict[int, Declaration]] = {}
        self._declarations: list[Declaration] = []
        # per file: start bytes of the root's children, and which of them are resolved
        self._tops: dict[str, tuple[list[int], list[Node], list[bool]]] = {}
        self._all_resolved = False
        self.imports: dict[str, dict[str, str]] = {}  # file path -> local name -> import path
        self.dot_imports: dict[str, list[str]] = {}
        for f in self.files:
            self._declare_package_level(f)

    # -- queries ---------------------------------------------------------------

    def resolve(self, file: GoFile, ident: Node) -> Declaration | None:
        if file.path not in self.file_scopes:
            return None
        resolved = self._resolved.setdefault(file.path, {})
        start = ident.start_byte
        if not self._all_resolved:
            tops = self._tops.get(file.path)
            if tops is None:
                children = file.root.children
                tops = self._tops[file.path] = ([c.start_byte for c in children], children, [False] * len(children))
            starts, children, done = tops
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and not done[i]:
                done[i] = True
                self._resolve_top(file, children[i])
        return resolved.get(start)

    @property
    def declarations(self) -> list[Declaration]:
        self._resolve_all()
        return self._declarations

    def import_path(self, file: GoFile, ident: Node) -> str | None:
        imports = self.imports.get(file.path)
        if not imports or file.text(ident) not in imports:
            return None  # not an imported name here: no need to resolve the function around it
        decl = self.resolve(file, ident)
        return decl.import_path if decl is not None and decl.kind == "import" else None

    def package_decl(self, name: str) -> Declaration | None:
        return self.package.names.get(name)

    def release(self) -> None:
        """Drop every table, so the declarations (package-level ones point back here) no
        longer form reference cycles with this object: once the package is done,
        reference counting frees them without a garbage-collector pass."""
        self.files = []
        self.universe = self.package = Scope(None, None)
        self.file_scopes = {}
        self._resolved = {}
        self._declarations = []
        self._tops = {}
        self.imports = {}
        self.dot_imports = {}

    # -- building --------------------------------------------------------------

    def _declare(self, scope: Scope, decl: Declaration) -> None:
        name = decl.name
        if name == "_":
            return
        if decl.owner is None:
            decl._scopes = self
        ident = decl.ident
        if ident is not None and decl.file is not None:
            resolved = self._resolved.get(decl.file.path)
            if resolved is None:
                resolved = self._resolved[decl.file.path] = {}
            resolved[ident.start_byte] = decl
        scope.names[name] = decl
        self._declarations.append(decl)

    def _declare_package_level(self, f: GoFile) -> None:
        file_scope = Scope(self.package, f.root)
        self.file_scopes[f.path] = file_scope
        imports: dict[str, str] = {}
        dots: list[str] = []
        for top in f.root.named_children:
            t = top.type
            if t == "import_declaration":
                for spec in _specs(top, "import_spec"):
                    path_node = spec.child_by_field_name("path")
                    if path_node is None:
                        continue
                    path = _string_content(f, path_node)
                    name_node = spec.child_by_field_name("name")
                    if name_node is None:
                        local = default_import_name(path)
                    elif name_node.type == "dot":
                        dots.append(path)
                        continue
                    elif name_node.type == "blank_identifier":
                        continue
                    else:
                        local = f.text(name_node)
                    imports[local] = path
                    self._declare(file_scope, Declaration(local, "import", name_node, f, spec, import_path=path))
            elif t == "function_declaration":
                name = top.child_by_field_name("name")
                if name is not None and f.text(name) not in ("init", "_"):
                    self._declare(self.package, Declaration(f.text(name), "func", name, f, top))
            elif t == "type_declaration":
                for spec in top.named_children:
                    if spec.type in ("type_spec", "type_alias"):
                        name = spec.child_by_field_name("name")
                        if name is not None:
                            self._declare(self.package, Declaration(f.text(name), "type", name, f, spec, type_node=spec.child_by_field_name("type")))
            elif t in ("var_declaration", "const_declaration"):
                self._declare_value_specs(top, f, self.package, None)
        self.imports[f.path] = imports
        self.dot_imports[f.path] = dots

    def _declare_value_specs(self, decl_node: Node, f: GoFile, scope: Scope, owner: Node | None) -> None:
        kind = "var" if decl_node.type == "var_declaration" else "const"
        spec_type = "var_spec" if kind == "var" else "const_spec"
        for spec in _specs(decl_node, spec_type):
            names = spec.children_by_field_name("name")
            type_node = spec.child_by_field_name("type")
            value = spec.child_by_field_name("value")
            values = value.named_children if value is not None else []
            for i, name in enumerate(names):
                v = values[i] if len(values) == len(names) else (values[0] if len(values) == 1 else None)
                idx = 0 if len(values) == len(names) else i
                self._declare(scope, Declaration(f.text(name), kind, name, f, spec, type_node=type_node, value=v, index=idx, owner=owner))

    def _resolve_all(self, only: GoFile | None = None) -> None:
        """Resolve every top-level declaration not yet resolved (of `only`, when given)."""
        if self._all_resolved:
            return
        for f in [only] if only is not None else self.files:
            if f.path not in self.file_scopes:
                continue
            tops = self._tops.get(f.path)
            if tops is None:
                children = f.root.children
                tops = self._tops[f.path] = ([c.start_byte for c in children], children, [False] * len(children))
            _, children, done = tops
            for i, child in enumerate(children):
                if not done[i]:
                    done[i] = True
                    self._resolve_top(f, child)
        if only is None:
            self._all_resolved = True

    def _resolve_top(self, f: GoFile, top: Node) -> None:
        """Resolve the identifiers of one top-level declaration (or stray node) of `f`."""
        if top.has_error:
            self._resolve_walk(f, top)
        else:
            self._resolve_query(f, top)

    def _resolve_walk(self, f: GoFile, top: Node) -> None:
        """Visit every node of `top` from Python, in source order: the reference semantics
        `_resolve_query` reproduces, used as is where the tree has syntax errors."""
        resolved = self._resolved.setdefault(f.path, {})
        file_scope = self.file_scopes[f.path]
        text = f.text
        # Work items: (node, scope, owner) to visit, or a callable to run (deferred declarations).
        stack: list = [(top, file_scope, None)]
        push = stack.append
        while stack:
            item = stack.pop()
            if callable(item):
                item()
                continue
            node, scope, owner = item
            t = node.type
            if t == "identifier" or t == "type_identifier" or t == "package_identifier":
                if node.start_byte in resolved:
                    continue
                decl = scope.lookup(text(node))
                if decl is not None:
                    resolved[node.start_byte] = decl
                    decl._references.append(node)
                continue
            if t in ("function_declaration", "method_declaration", "func_literal"):
                fscope = Scope(scope, node)
                self._declare_signature(node, f, fscope)
                body = node.child_by_field_name("body")
                if body is not None:
                    push((body, fscope, node))
                # types in the signature resolve in the enclosing scope plus type params
                for field_name in ("parameters", "result", "receiver", "type_parameters"):
                    part = node.child_by_field_name(field_name)
                    if part is not None:
                        push((part, fscope, node))
                continue
            if t == "short_var_declaration" or (t == "range_clause" and _has_token(node, ":=")) or (
                t == "receive_statement" and _has_token(node, ":=")
            ):
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                push(self._declarer(left, right, f, scope, owner, node))
                if right is not None:
                    push((right, scope, owner))
                continue
            if t in ("var_declaration", "const_declaration") and owner is not None:
                push(lambda n=node, s=scope, o=owner: self._declare_value_specs(n, f, s, o))
                for spec in reversed(list(_specs(node, "var_spec" if t == "var_declaration" else "const_spec"))):
                    for part in (spec.child_by_field_name("value"), spec.child_by_field_name("type")):
                        if part is not None:
                            push((part, scope, owner))
                continue
            if t == "type_declaration" and owner is not None:
                for spec in node.named_children:
                    name = spec.child_by_field_name("name")
                    if name is not None:
                        self._declare(scope, Declaration(text(name), "type", name, f, spec, type_node=spec.child_by_field_name("type"), owner=owner))
                    typ = spec.child_by_field_name("type")
                    if typ is not None:
                        push((typ, scope, owner))
                continue
            if t == "type_switch_statement":
                tscope = Scope(scope, node)
                alias = node.child_by_field_name("alias")
                value = node.child_by_field_name("value")
                clauses = [c for c in node.named_children if c.type in ("type_case", "default_case")]
                for clause in reversed(clauses):
                    cscope = Scope(tscope, clause)
                    if alias is not None:
                        for name in alias.named_children:
                            if name.type == "identifier":
                                self._declare(cscope, Declaration(text(name), "var", name, f, node, value=value, owner=owner))
                    for child in reversed(clause.named_children):
                        push((child, cscope, owner))
                if value is not None:
                    push((value, tscope, owner))
                init = node.child_by_field_name("initializer")
                if init is not None:
                    push((init, tscope, owner))
                continue
            if t == "keyed_element":
                # `T{Field: v}`: a bare identifier key names a struct field, not a variable.
                children = node.named_children
                for child in reversed(children[1:]):
                    push((child, scope, owner))
                if children and (not _is_bare_identifier_key(children[0]) or _keys_are_expressions(node)):
                    push((children[0], scope, owner))
                continue
            if t in ("selector_expression",):
                operand = node.child_by_field_name("operand")
                if operand is not None:
                    push((operand, scope, owner))
                continue
            if t in ("field_identifier", "label_name", "comment"):
                continue
            if t in _SCOPE_NODES:
                scope = Scope(scope, node)
            children = node.named_children
            for child in reversed(children):
                push((child, scope, owner))

    def _resolve_query(self, f: GoFile, top: Node) -> None:
        """`_resolve_walk`'s result for a declaration without syntax errors, from one query:
        see the module docstring."""
        captures = QueryCursor(_QUERY).captures(top)  # lists in no particular order
        names = captures.get("name")
        if not names:
            return  # nothing to look up, and nothing to declare without a name
        names.sort(key=_START)
        constructs = captures.get("construct") or []
        constructs.sort(key=_START)  # no two begin at the same byte (each starts with its own token)
        # Identifiers the walk never looks at: struct field keys (not map or slice keys),
        # function names, the names of a local `var` or `const`.
        skip: set[int] = set()
        field_keys = captures.get("field_key")
        if field_keys:
            skip.update(k.start_byte for k in field_keys)
            index_types = captures.get("index_type")
            if index_types:
                skip -= _index_keys(skip, captures.get("literal", []), index_types)

        resolved = self._resolved.setdefault(f.path, {})
        source = f.source
        declare = self._declare
        end = _NEVER
        # The innermost open scope, its end byte and the function (or literal) it is in;
        # the enclosing ones as (end, scope, owner), innermost last.
        scope: Scope = self.file_scopes[f.path]
        scope_end = end
        owner: Node | None = None
        enclosing: list[tuple[int, Scope, Node | None]] = []
        # Declarations waiting for their byte position, as (position, declare); nested
        # statements are pushed later and take effect earlier, so the innermost is last.
        pending: list = []
        pending_at = end
        # Byte ranges whose identifiers are not looked up, as a heap of (start, end); they
        # never overlap, so the first to start is the first to end.
        excluded: list[tuple[int, int]] = []
        excluded_at = end
        clause_scopes: dict[int, Scope] = {}  # type switch clause start -> its scope (alias declared)

        ci, nc = 0, len(constructs)
        next_construct = constructs[0].start_byte if nc else end
        horizon = next_construct  # nothing but lookups happens before this byte
        i, n = 0, len(names)
        while i < n:
            node = names[i]
            start = node.start_byte
            if start >= horizon:
                # Catch up with what happens up to `start`: declarations taking effect,
                # scopes closing and the constructs that begin there, in source order.
                restart = False
                while True:
                    limit = next_construct if next_construct < start else start
                    while pending_at <= limit:
                        pending.pop()[1]()
                        pending_at = pending[-1][0] if pending else end
                    while scope_end <= limit:
                        scope_end, scope, owner = enclosing.pop()
                    while excluded and excluded[0][1] <= limit:
                        heapq.heappop(excluded)
                    excluded_at = excluded[0][0] if excluded else end
                    if next_construct > start:
                        break
                    c = constructs[ci]
                    c_start = next_construct
                    ci += 1
                    next_construct = constructs[ci].start_byte if ci < nc else end
                    if excluded_at <= c_start:
                        continue  # inside a part the walk does not visit
                    kind = _CONSTRUCT_KIND[c.type]
                    if kind is _SCOPE:
                        cscope = clause_scopes.pop(c_start, None) if clause_scopes else None
                        enclosing.append((scope_end, scope, owner))
                        scope = cscope if cscope is not None else Scope(scope, c)
                        scope_end = c.end_byte
                    elif kind is _SHORT_VAR or (kind is _MAYBE_SHORT_VAR and _has_token(c, ":=")):
                        c_end = c.end_byte
                        left = c.child_by_field_name("left")
                        right = c.child_by_field_name("right")
                        # only the right-hand side is looked up
                        if right is None:
                            heapq.heappush(excluded, (c_start, c_end))
                            self._declarer(left, right, f, scope, owner, c)()
                        else:
                            heapq.heappush(excluded, (c_start, right.start_byte))
                            right_end = right.end_byte
                            if right_end < c_end:
                                heapq.heappush(excluded, (right_end, c_end))
                            pending.append((right_end, self._declarer(left, right, f, scope, owner, c)))
                            pending_at = right_end
                    elif kind is _FUNC:
                        fscope = Scope(scope, c)
                        parts = tuple(c.child_by_field_name(name) for name in _SIGNATURE_FIELDS)
                        self._declare_signature(c, f, fscope, parts)
                        body = c.child_by_field_name("body")
                        enclosing.append((scope_end, scope, owner))
                        scope, scope_end, owner = fscope, c.end_byte, c
                        signature_end = body.start_byte if body is not None else scope_end
                        if next_construct < signature_end:
                            # Something that opens a scope inside the signature (not valid Go):
                            # resolve it in source order, only skipping the name.
                            name = c.child_by_field_name("name")
                            if name is not None:
                                skip.add(name.start_byte)
                            continue
                        # Resolve the signature now, in the walk's order of its parts.
                        bounds = [
                            (p.start_byte, p.end_byte, _SIGNATURE_WALK_RANK[field_name])
                            for p, field_name in zip(parts, _SIGNATURE_FIELDS)
                            if p is not None
                        ]
                        i = _resolve_parts(names, i, signature_end, bounds, fscope, resolved, skip, source)
                        restart = True
                        break
                    elif kind is _TYPE_SWITCH:
                        tscope = Scope(scope, c)
                        alias = c.child_by_field_name("alias")
                        value = c.child_by_field_name("value")
                        aliases = [a for a in alias.named_children if a.type == "identifier"] if alias is not None else []
                        clauses = [x for x in c.named_children if x.type in ("type_case", "default_case")]
                        for clause in reversed(clauses):
                            cscope = clause_scopes[clause.start_byte] = Scope(tscope, clause)
                            for a in aliases:
                                declare(cscope, Declaration(f.text(a), "var", a, f, c, value=value, owner=owner))
                        if alias is not None:
                            heapq.heappush(excluded, (alias.start_byte, alias.end_byte))
                        enclosing.append((scope_end, scope, owner))
                        scope, scope_end = tscope, c.end_byte
                    elif kind is _MAYBE_SHORT_VAR or owner is None:
                        pass  # `for k = range`, `v = <-ch`, a package-level declaration: nothing special
                    elif kind is _VALUE_DECL:
                        spec_type = "var_spec" if c.type == "var_declaration" else "const_spec"
                        for spec in _specs(c, spec_type):
                            skip.update(name.start_byte for name in spec.children_by_field_name("name"))
                        c_end = c.end_byte
                        pending.append((c_end, lambda c=c, s=scope, o=owner: self._declare_value_specs(c, f, s, o)))
                        pending_at = c_end
                    else:
                        assert kind is _TYPE_DECL
                        bounds = []
                        params = []
                        for rank, spec in enumerate(c.named_children):
                            name = spec.child_by_field_name("name")
                            typ = spec.child_by_field_name("type")
                            if name is not None:
                                declare(scope, Declaration(f.text(name), "type", name, f, spec, type_node=typ, owner=owner))
                            if typ is not None:
                                bounds.append((typ.start_byte, typ.end_byte, -rank))  # the walk goes last to first
                            param_list = spec.child_by_field_name("type_parameters")
                            if param_list is not None:
                                params.append(param_list)
                        c_end = c.end_byte
                        if next_construct >= c_end:
                            # Nothing opens a scope in these types: resolve them now, in the
                            # walk's order; type parameters (of local types) are not looked up.
                            i = _resolve_parts(names, i, c_end, bounds, scope, resolved, skip, source)
                            restart = True
                            break
                        for param_list in params:
                            heapq.heappush(excluded, (param_list.start_byte, param_list.end_byte))
                if restart:
                    horizon = start  # re-examine names[i] (the first after the signature)
                    continue
                horizon = min(next_construct, pending_at, scope_end, excluded[0][0] if excluded else end)
                if excluded_at <= start:
                    i += 1
                    continue
            i += 1
            if start in resolved or start in skip:
                continue
            try:
                word = source[start : node.end_byte].decode()
            except UnicodeDecodeError:
                word = source[start : node.end_byte].decode("utf-8", "replace")
            s: Scope | None = scope
            decl = scope.names.get(word)
            while decl is None:
                s = s.parent if s is not None else None
                if s is None:
                    break
                decl = s.names.get(word)
            if decl is not None:
                resolved[start] = decl
                decl._references.append(node)
        while pending:
            pending.pop()[1]()

    def _declarer(self, left: Node | None, right: Node | None, f: GoFile, scope: Scope, owner: Node | None, stmt: Node):
        def declare() -> None:
            if left is None:
                return
            names = left.named_children if left.type == "expression_list" else [left]
            values = right.named_children if right is not None and right.type == "expression_list" else ([right] if right is not None else [])
            stmt_type = stmt.type
            for i, name in enumerate(names):
                if name.type != "identifier":
                    continue
                n = f.text(name)
                existing = scope.names.get(n)
                if stmt_type == "short_var_declaration" and existing is not None and existing.owner is owner and existing.kind != "import":
                    # `a, err := ...` redeclares nothing: err is assigned, not declared.
                    self._resolved.setdefault(f.path, {})[name.start_byte] = existing
                    existing._references.append(name)
                    continue
                if stmt_type == "range_clause":
                    v, idx = right, i
                elif len(values) == len(names):
                    v, idx = values[i], 0
                else:
                    v, idx = (values[0] if values else None), i
                self._declare(scope, Declaration(n, "var", name, f, stmt, value=v, index=idx, owner=owner))

        return declare

    def _declare_signature(self, fn: Node, f: GoFile, scope: Scope, parts: tuple | None = None) -> None:
        """Declare `fn`'s type parameters, receiver, parameters and results in `scope`;
        `parts` are those four fields of `fn` when the caller has them already."""
        if parts is None:
            parts = tuple(fn.child_by_field_name(name) for name in _SIGNATURE_FIELDS)
        for part, kind in zip(parts, _SIGNATURE_KINDS):
            if part is None or part.type not in ("parameter_list", "type_parameter_list"):
                continue
            for p in part.named_children:
                if p.type not in ("parameter_declaration", "variadic_parameter_declaration", "type_parameter_declaration"):
                    continue
                typ = p.child_by_field_name("type")
                for name in p.children_by_field_name("name"):
                    self._declare(scope, Declaration(f.text(name), kind, name, f, p, type_node=typ, owner=fn))


_SIGNATURE_FIELDS = ("type_parameters", "receiver", "parameters", "result")
_SIGNATURE_KINDS = ("type", "receiver", "param", "result")
# The walk looks at a function's signature in this order (it pushes the parts on its stack
# in reverse), which is the order their identifiers join `Declaration.references`.
_SIGNATURE_WALK_RANK = {"type_parameters": 0, "receiver": 1, "result": 2, "parameters": 3}


def _resolve_parts(
    names: list[Node], i: int, region_end: int, parts: list[tuple[int, int, int]], scope: Scope, resolved: dict[int, Declaration], skip: set[int], source: bytes
) -> int:
    """Resolve `names[i:]` up to byte `region_end` in `scope`, where no scope opens or
    closes: those inside one of `parts` (start, end, rank), in rank order, the others not at
    all. Returns the index of the first name after the region."""
    parts.sort()
    found = []
    p, np_ = 0, len(parts)
    n = len(names)
    while i < n:
        node = names[i]
        start = node.start_byte
        if start >= region_end:
            break
        i += 1
        while p < np_ and parts[p][1] <= start:
            p += 1
        if p == np_ or start < parts[p][0] or start in resolved or start in skip:
            continue
        decl = scope.lookup(source[start : node.end_byte].decode("utf-8", "replace"))
        if decl is not None:
            resolved[start] = decl
            found.append((parts[p][2], node, decl))
    found.sort(key=_FIRST)  # stable: source order within a part
    for _, node, decl in found:
        decl._references.append(node)
    return i


def _specs(decl: Node, spec_type: str):
    for child in decl.named_children:
        if child.type == spec_type:
            yield child
        elif child.type.endswith("_spec_list"):
            for spec in child.named_children:
                if spec.type == spec_type:
                    yield spec


def _has_token(node: Node, token: str) -> bool:
    return any(not c.is_named and c.type == token for c in node.children)


_EXPRESSION_KEYED_TYPES = frozenset({"map_type", "slice_type", "array_type", "implicit_length_array_type"})


def _keys_are_expressions(keyed: Node) -> bool:
    """In `map[K]V{k: v}` and `[]T{i: v}` a bare identifier key is a variable or constant,
    not a struct field name."""
    body = keyed.parent
    literal = body.parent if body is not None else None
    if literal is None or literal.type != "composite_literal":
        return False
    typ = literal.child_by_field_name("type")
    return typ is not None and typ.type in _EXPRESSION_KEYED_TYPES


def _is_bare_identifier_key(key: Node) -> bool:
    inner = key.named_children[0] if key.type == "literal_element" and key.named_child_count == 1 else key
    return inner.type in ("identifier", "field_identifier")
