"""Where a Go file does not parse: one region per run of damaged top-level declarations, and
in each the first token the Go compiler (gc) would complain about, in gc's words.

tree-sitter recovers from an error by guessing, and one mistake leaves several ERROR and
MISSING nodes: an unclosed `{` turns every following function into a function literal of
the unclosed one; a stray `}` ends a function early and leaves its last statements at the
top level. So errors are grouped by top-level declaration, which is also where gc's own
recovery resynchronises (at the next `func`, `type`, `var`, `const` or `import`). A region
is the declarations whose text is damaged: rules report nothing there (their trees are
tree-sitter's guesses), and everything outside it is analysed as usual.

Inside a region the culprit is the earliest of:
- a newline that ends a statement inside `(` or `[` (Go inserts a semicolon there, which
  tree-sitter's grammar does not model): gc's "unexpected newline in argument list; ...";
- a MISSING token: "unexpected X, expected }" at the token that came instead;
- an ERROR node: its first token when that cannot follow the token before ("unexpected name
  B, expected (" after `func` inside a body, asked of tree-sitter's parse table where it
  allows one token only), the token after it when it ends wanting more (`f.`), or else the
  trouble further in;
- a statement at the top level: "non-declaration statement outside function body".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

import tree_sitter

from analyzer.golang.source import GO_LANGUAGE, GoFile

DECLARATIONS = frozenset({"package_clause", "import_declaration", "function_declaration", "method_declaration", "const_declaration", "type_declaration", "var_declaration"})
FUNCTIONS = frozenset({"function_declaration", "method_declaration"})
DECLARATION_KEYWORDS = frozenset({"func", "type", "var", "const", "import", "package"})
# Tokens read whole: their children (quotes, escape sequences) are not tokens of the Go lexer.
LITERALS = frozenset({"int_literal", "float_literal", "imaginary_literal", "rune_literal", "interpreted_string_literal", "raw_string_literal"})
NAMES = frozenset({"identifier", "field_identifier", "type_identifier", "package_identifier", "label_name", "blank_identifier", "true", "false", "nil", "iota"})
# After these the Go lexer turns a newline into a semicolon (the spec's "Semicolons").
ENDS_STATEMENT = NAMES | LITERALS | {"break", "continue", "fallthrough", "return", "++", "--", ")", "]", "}"}
# A construct cut short after these: gc complains about the token that follows.
WANTS_OPERAND = frozenset(
    {"=", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "&^=", "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "&^", "&&", "||",
     "==", "!=", "<", "<=", ">", ">=", "!", "<-", ",", "(", "[", "if", "for", "switch", "return", "go", "defer", "case", "range"}
)  # fmt: skip
STARTS_EXPRESSION = NAMES | LITERALS | {"(", "[", "*", "&", "-", "+", "!", "^", "<-", "func", "struct", "map", "chan", "interface"}
STARTS_STATEMENT = STARTS_EXPRESSION | {"if", "for", "switch", "select", "go", "defer", "return", "break", "continue", "goto", "fallthrough", "var", "const", "type", "{", "}", ";"}
GROUPS = frozenset({"import", "var", "const", "type"})  # their ( ... ) holds declarations
LISTS = {"argument_list": "argument list", "parameter_list": "parameter list", "literal_value": "composite literal", "type_arguments": "type argument list"}
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {**OPENERS, "c{": "}"}
LIST_OPENERS = frozenset({"(", "[", "c{"})  # where a newline may not end a statement
MAX_REGIONS = 20
MAX_ERRORS_EXAMINED = 64  # per region, before the first one is named as it is


@dataclass(frozen=True)
class ErrorRegion:
    """Bytes [start, end) do not parse; gc would complain at [at, at_end) with `message`."""

    start: int
    end: int
    at: int
    at_end: int
    message: str

    def covers(self, offset: int) -> bool:
        return self.start <= offset < self.end


@dataclass(frozen=True)
class _Complaint:
    at: int
    at_end: int
    message: str


def error_regions(file: GoFile, limit: int = MAX_REGIONS) -> list[ErrorRegion]:
    """The file's damaged regions in order, at most `limit`; empty when it parses."""
    root = file.root
    if not root.has_error and all(c.type in DECLARATIONS or c.type == "comment" for c in root.children):
        return []
    children = root.children
    if root.is_error or not children:
        return [_region(file, [root], root)]
    out: list[ErrorRegion] = []
    run: list[tree_sitter.Node] = []
    # What a run of stray statements would be the tail of: the last function, or the last
    # region, with the var/const/type declarations (`var x T` lines of a body) after it.
    tail: list[tree_sitter.Node] = []
    after_region = False
    for child in [*children, None]:
        if child is not None and child.type == "comment":
            continue
        if child is not None and _damaged(child) and not (run and child.type in DECLARATIONS):
            run.append(child)
            continue
        if run:
            # Code after a function that starts no declaration: a stray `}` ended the function
            # early (its tail is left at the top level) or closed one of its blocks early (its
            # own `}`, or the `else` after it, is left over); a body in an ERROR after a header
            # is the function's own. Either way that function is damaged too, and statements
            # left over after a region are that region's. Junk (bytes no Go token starts
            # with) is not a tail.
            first = run[0]
            is_tail = _tail_of_a_function(file, first)
            if is_tail and after_region:
                out[-1] = replace(out[-1], end=max(out[-1].end, run[-1].end_byte))
            else:
                out.append(_region(file, [*tail, *run] if is_tail and tail else run, first))
                if len(out) >= limit:
                    break
            run, tail, after_region = [], [], True
            if child is not None and _damaged(child):
                run.append(child)  # a declaration of its own with its own mistake
                continue
        if child is not None and child.type in FUNCTIONS:
            tail, after_region = [child], False
        elif child is not None and child.type in ("var_declaration", "const_declaration", "type_declaration"):
            if tail:
                tail.append(child)
        else:
            tail, after_region = [], False
    return out


def _damaged(node: tree_sitter.Node) -> bool:
    return node.has_error or node.type not in DECLARATIONS


def _tail_of_a_function(file: GoFile, node: tree_sitter.Node) -> bool:
    if not node.is_error:
        return node.type not in DECLARATIONS  # a statement
    token = next(tokens_of(node), None)
    if token is None or token.type in DECLARATION_KEYWORDS or not token.type:
        return False
    text = file.source[token.start_byte : token.end_byte]
    return text.isascii() and text.decode().isprintable()


def _region(file: GoFile, nodes: list[tree_sitter.Node], first_bad: tree_sitter.Node) -> ErrorRegion:
    start, end = nodes[0].start_byte, nodes[-1].end_byte
    complaint = _complaint(file, nodes, first_bad)
    return ErrorRegion(start, max(end, complaint.at_end), complaint.at, complaint.at_end, complaint.message)


def _complaint(file: GoFile, nodes: list[tree_sitter.Node], first_bad: tree_sitter.Node) -> _Complaint:
    found: list[_Complaint] = []
    if first_bad.type not in DECLARATIONS and not first_bad.is_error and not first_bad.has_error and first_bad.parent is not None:
        found.append(_Complaint(first_bad.start_byte, _line_end(file, first_bad), "syntax error: non-declaration statement outside function body"))
    tokens = [t for node in nodes for t in tokens_of(node)]
    for finder in (_bracket_complaint, _node_complaint):
        complaint = finder(file, tokens)
        if complaint is not None:
            found.append(complaint)
    if not found:  # not expected: tree-sitter flagged something none of the above explains
        return _Complaint(first_bad.start_byte, _line_end(file, first_bad), "syntax error")
    return min(found, key=lambda c: c.at)


def tokens_of(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """The Go lexer's tokens under `node` in order (literals whole, comments left out),
    MISSING tokens included; iterative, as everywhere."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "comment":
            continue
        if n.child_count == 0 or n.type in LITERALS:
            if n.end_byte > n.start_byte or n.is_missing:
                yield n
            continue
        stack.extend(reversed(n.children))


def _bracket_complaint(file: GoFile, tokens: list[tree_sitter.Node]) -> _Complaint | None:
    """gc's complaints that follow from brackets and automatic semicolons alone: a newline
    that ends a statement inside `(`, `[` or a composite literal's `{` (valid Go never has
    one there), a closer that matches no opener."""
    stack: list[tuple[str, int]] = []  # opener ("c{": a composite literal's), index of its token
    src = file.source
    for i, token in enumerate(tokens):
        if token.is_missing:
            continue
        kind = token.type
        if i and stack and stack[-1][0] in LIST_OPENERS and kind not in (")", "]", "}"):
            complaint = _newline_in_list(file, tokens, i - 1, token.start_byte, stack[-1])
            if complaint is not None:
                return complaint
        if kind == "(" and i and tokens[i - 1].type in GROUPS:
            stack.append(("{", i))  # import ( ... ): a list of declarations, like a block
            continue
        if kind == "{" and token.parent is not None and token.parent.type == "literal_value":
            stack.append(("c{", i))
        elif kind in OPENERS:
            stack.append((kind, i))
        elif kind in (")", "]", "}"):
            if stack and (CLOSERS[stack[-1][0]] == kind or (kind == ")" and tokens[stack[-1][1]].type == "(")):
                stack.pop()
            elif stack:
                return _Complaint(token.start_byte, token.end_byte, f"syntax error: unexpected {kind}, expected {CLOSERS[stack[-1][0]]}")
            elif kind != "}":
                return _Complaint(token.start_byte, token.end_byte, f"syntax error: unexpected {kind}")
    if tokens and stack and stack[-1][0] in LIST_OPENERS:  # the file ends inside the list
        complaint = _newline_in_list(file, tokens, len(tokens) - 1, len(src), stack[-1])
        if complaint is not None:
            return complaint
    if tokens and stack and tokens[-1].end_byte >= len(src.rstrip()):  # the file ends inside a bracket
        return _Complaint(len(src), len(src), f"syntax error: unexpected EOF, expected {CLOSERS[stack[-1][0]]}")
    return None


def _newline_in_list(file: GoFile, tokens: list[tree_sitter.Node], last: int, next_start: int, opener: tuple[str, int]) -> _Complaint | None:
    before = tokens[last]
    if before.type in ENDS_STATEMENT and not before.is_missing and b"\n" in file.source[before.end_byte : next_start]:
        return _Complaint(before.end_byte, before.end_byte + 1, "syntax error: unexpected newline" + _list_context(tokens, opener[1], opener[0]))
    return None


def _list_context(tokens: list[tree_sitter.Node], at: int, opener: str) -> str:
    closer = CLOSERS[opener]
    if opener == "c{":
        return f" in composite literal; possibly missing comma or {closer}"
    before = tokens[at - 1].type if at else ""
    if opener == "(" and (before == "func" or (at > 1 and tokens[at - 2].type == "func")):
        return f" in parameter list; possibly missing comma or {closer}"
    if opener == "(" and before in ENDS_STATEMENT:
        return f" in argument list; possibly missing comma or {closer}"
    return f", expected {closer}"


@lru_cache(maxsize=4096)
def _allowed(state: int) -> frozenset[int]:
    symbols = GO_LANGUAGE.lookahead_iterator(state)
    return frozenset(symbols.symbols()) if symbols is not None else frozenset()


_COMMENT = GO_LANGUAGE.id_for_node_kind("comment", True)


def _expected(allowed: frozenset[int]) -> str:
    """gc names one expected token; so do we, when the table allows exactly one."""
    tokens = [GO_LANGUAGE.node_kind_for_id(s) for s in allowed if s != _COMMENT and not GO_LANGUAGE.node_kind_is_named(s) and GO_LANGUAGE.node_kind_is_visible(s)]
    tokens = [t for t in tokens if t and t not in ("\n", ";", "\0")]
    return f", expected {tokens[0]}" if len(tokens) == 1 else ""


def _node_complaint(file: GoFile, tokens: list[tree_sitter.Node]) -> _Complaint | None:
    """The first MISSING token or ERROR node, read as gc would report it: an ERROR whose
    first token cannot follow the token before is the culprit; one that starts well and
    ends wanting more (`f.`, `x :=`) is cut short by the token after it; one that starts
    well and ends well holds the trouble further in."""
    examined = 0
    for i, token in enumerate(tokens):
        if token.is_missing:
            return _missing(file, tokens, i)
        error = _error_starting_at(token)
        if error is None:
            continue
        examined += 1
        if examined > MAX_ERRORS_EXAMINED:  # pathological input: stay linear, name this token
            return _unexpected(file, token, "")
        # The region's first token starts a declaration or statement: a good start.
        fits, allowed = _fits(file, tokens[i - 1], token) if i else (token.type in DECLARATION_KEYWORDS or token.type in STARTS_STATEMENT or None, frozenset[int]())
        if fits is False:
            wanted = _expected(allowed) or (", expected expression" if tokens[i - 1].type in WANTS_OPERAND else "")
            return _unexpected(file, token, wanted)
        inside = _tokens_within(tokens, i, error.end_byte)
        last = inside[-1] if inside else token
        if last.type in WANTS_OPERAND or last.type == ".":
            expected = ", expected name or (" if last.type == "." else ", expected expression"
            return _unexpected_after(file, tokens, i + len(inside) - 1, expected)
        if fits:
            continue
        return _unexpected(file, token, "")
    return None


def _unexpected(file: GoFile, token: tree_sitter.Node, wanted: str) -> _Complaint:
    raw = file.source[token.start_byte : token.end_byte]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return _Complaint(token.start_byte, token.end_byte, "invalid UTF-8 encoding")  # gc's words
    text = raw.decode("utf-8")
    if text and (not token.type or not text[0].isprintable()):  # a character no Go token has
        char = text[0]
        return _Complaint(token.start_byte, token.end_byte, "invalid NUL character" if char == "\0" else f"invalid character U+{ord(char):04X}" + (f" '{char}'" if char.isprintable() else ""))
    return _Complaint(token.start_byte, token.end_byte, f"syntax error: unexpected {describe(file, token)}{wanted}")


def _tokens_within(tokens: list[tree_sitter.Node], start: int, end_byte: int) -> list[tree_sitter.Node]:
    """tokens[start:] up to the first that ends past `end_byte`."""
    stop = start
    while stop < len(tokens) and tokens[stop].end_byte <= end_byte:
        stop += 1
    return tokens[start:stop]


def _error_starting_at(token: tree_sitter.Node) -> tree_sitter.Node | None:
    """The outermost ERROR node whose first token is `token`."""
    found = None
    parent: tree_sitter.Node | None = token
    while parent is not None and parent.start_byte == token.start_byte:
        if parent.is_error:
            found = parent
        parent = parent.parent
    return found


def _fits(file: GoFile, before: tree_sitter.Node, token: tree_sitter.Node) -> tuple[bool | None, frozenset[int]]:
    """Whether the parse table allows `token` after `before` (None: it cannot tell)."""
    state = before.next_parse_state
    if before.is_missing:
        return None, frozenset()
    if not state:  # tree-sitter kept no state here (error recovery): judge by the two tokens
        return _guess_fits(file, before, token), frozenset()
    allowed = _allowed(state)
    if before.child_count == 0 and token.kind_id not in allowed and token.grammar_id not in allowed and _expected(allowed):
        return False, allowed  # only one token may follow (`func` wants `(`), and this is not it
    # Otherwise the table is no judge: a node's kept state is not always the one its next
    # token was read in (on valid code it disagreed thousands of times in the stdlib).
    return _guess_fits(file, before, token), frozenset()


def _guess_fits(file: GoFile, before: tree_sitter.Node, token: tree_sitter.Node) -> bool | None:
    kind = token.type
    if before.type in WANTS_OPERAND:
        return kind in STARTS_EXPRESSION or (before.type, kind) in (("(", ")"), ("[", "]"), (",", ")"), (",", "}"), (",", "]"))
    if before.type in ("{", ";") or (before.type in ENDS_STATEMENT and b"\n" in file.source[before.end_byte : token.start_byte]):
        return kind in STARTS_STATEMENT
    if kind == "{" and before.type in ENDS_STATEMENT:
        return True  # a body, a block or a composite literal
    return None


def _missing(file: GoFile, tokens: list[tree_sitter.Node], i: int) -> _Complaint:
    """gc's words for a MISSING token: in a list, "in argument list; possibly missing comma
    or )"; elsewhere ", expected }". A newline before a missing `}` of a block is no
    trouble (it ends the last statement): the token after it is."""
    token = tokens[i]
    if GO_LANGUAGE.node_kind_is_named(token.kind_id):
        return _unexpected_after(file, tokens, i, "")
    parent = token.parent.type if token.parent is not None else ""
    if parent in LISTS:
        return _unexpected_after(file, tokens, i, f" in {LISTS[parent]}; possibly missing comma or {token.type}")
    return _unexpected_after(file, tokens, i, f", expected {token.type}", newline_ends_statement=token.type == "}")


def _unexpected_after(file: GoFile, tokens: list[tree_sitter.Node], i: int, expected: str, newline_ends_statement: bool = False) -> _Complaint:
    """gc's complaint about whatever follows tokens[i]: the next token, a newline that ended
    the statement, or the end of the file."""
    before = next((t for t in reversed(tokens[: i + 1]) if not t.is_missing), None)
    following = next((t for t in tokens[i + 1 :] if not t.is_missing), None)
    src = file.source
    after = before.end_byte if before is not None else 0
    if following is None:
        following = _next_token_in_file(file, after)
    if not newline_ends_statement and before is not None and before.type in ENDS_STATEMENT and b"\n" in src[after : following.start_byte if following is not None else len(src)]:
        return _Complaint(after, after + 1, "syntax error: unexpected newline" + expected)
    if following is None:
        return _Complaint(len(src), len(src), "syntax error: unexpected EOF" + expected)
    return _Complaint(following.start_byte, following.end_byte, f"syntax error: unexpected {describe(file, following)}" + expected)


def _next_token_in_file(file: GoFile, offset: int) -> tree_sitter.Node | None:
    for token in tokens_of(file.root):
        if token.start_byte >= offset and not token.is_missing:
            return token
    return None


def describe(file: GoFile, token: tree_sitter.Node) -> str:
    """A token as gc names it: `name x`, `literal 42`, `keyword func`, or the operator."""
    text = file.source[token.start_byte : token.end_byte].decode("utf-8", "replace")
    if len(text) > 40:
        text = text[:37] + "..."
    if token.type in NAMES:
        return f"name {text}"
    if token.type in LITERALS:
        return f"literal {text}"
    if text.isalpha():
        return f"keyword {text}"
    return text or token.type


def _line_end(file: GoFile, node: tree_sitter.Node) -> int:
    newline = file.source.find(b"\n", node.start_byte, node.end_byte)
    return newline if newline >= 0 else node.end_byte
