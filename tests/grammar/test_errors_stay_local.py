"""Syntax errors stay where they are (issue 15, item 4): the states a function goes through
while it is typed (a call left open, half a statement, `if err != nil {` with nothing after,
a stray `}`, the function's own `}` not typed yet) give one `syntax` finding at the token
the Go compiler would complain about, no rule finding in the damaged function (nor in the
functions an unclosed `{` swallows), and the planted findings of the intact functions
around it still appear. Replayed through the engine, the CLI and the language server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from analyzer.pipeline import runner
from analyzer.pipeline.ruleset import builtin_rules
from tests.lsp.lsp_session import change_doc, fresh_diagnostics, lsp_session, open_doc

REPO = Path(__file__).resolve().parents[2]

INTACT = """package demo

import (
\t"errors"
\t"os"
)

func Before(n int) int {
\tn = n
\treturn n
}

func Load(path string) ([]byte, error) {
\tf, err := os.Open(path)
\tif err != nil {
\t\treturn nil, err
\t}
\tdefer f.Close()
\tinfo, err := f.Stat()
\tif err != nil {
\t\treturn nil, err
\t}
\tif info.Size() == 0 {
\t\treturn nil, errors.New("empty")
\t}
\tbuf := make([]byte, info.Size())
\t_, err = f.Read(buf)
\treturn buf, err
}

func After(m int) int {
\tm = m
\treturn m
}
"""
TYPED_AFTER = "\tdefer f.Close()\n"
LOAD_LINES = (13, 29)  # Load's lines in the intact file
BEFORE_FINDING = ("selfassign", 9)
AFTER_FINDING = ("selfassign", 32)


def typed(text: str) -> str:
    return INTACT.replace(TYPED_AFTER, TYPED_AFTER + text)


# name -> (source, (line, column, message) of the one syntax finding, whether After is swallowed)
STATES = {
    "call left open": (typed("\tdata, err := os.ReadFile(path\n"), (19, 31, "syntax error: unexpected newline in argument list; possibly missing comma or )"), False),
    "half a statement": (typed("\tdata := \n"), (20, 12, "syntax error: unexpected :="), False),
    "if with nothing after": (typed("\tif err != nil {\n"), (32, 6, "syntax error: unexpected name After, expected ("), True),
    "if with a return": (typed("\tif err != nil {\n\t\treturn nil, err\n"), (33, 6, "syntax error: unexpected name After, expected ("), True),
    "stray closing brace": (typed("\t}\n"), (20, 2, "syntax error: non-declaration statement outside function body"), False),
    "function not closed": (INTACT.replace("\treturn buf, err\n}\n", "\treturn buf, err\n\n"), (31, 6, "syntax error: unexpected name After, expected ("), True),
}


def shifted(line: int, source: str) -> int:
    """`line` of the intact file in `source` (lines were inserted inside Load)."""
    return line + (source.count("\n") - INTACT.count("\n")) if line > LOAD_LINES[1] else line


def expected(source: str, syntax: tuple[int, int, str], swallowed: bool) -> list[tuple[str, int]]:
    found = [BEFORE_FINDING, ("syntax", syntax[0])]
    if not swallowed:
        found.append(("selfassign", shifted(AFTER_FINDING[1], source)))
    return sorted(found)


@pytest.fixture(scope="module")
def engine() -> runner.Engine:
    return runner.Engine([r for r in builtin_rules() if r.enabled_by_default])


@pytest.mark.parametrize("name", STATES)
def test_one_syntax_finding_and_no_rule_findings_in_the_damaged_function(engine, name):
    source, syntax, swallowed = STATES[name]
    found = engine.check_sources({"demo.go": source.encode()})
    assert sorted((d.rule, d.line) for d in found) == expected(source, syntax, swallowed), found
    [error] = [d for d in found if d.rule == "syntax"]
    assert (error.line, error.column, error.message) == syntax


def test_intact_file_has_only_the_planted_findings(engine):
    found = engine.check_sources({"demo.go": INTACT.encode()})
    assert sorted((d.rule, d.line) for d in found) == [BEFORE_FINDING, AFTER_FINDING]


@pytest.mark.parametrize("name", ["if with nothing after", "if with a return", "function not closed"])
def test_the_misparse_would_give_false_findings_without_the_regions(engine, name, monkeypatch):
    """Guards the states above: without the damaged regions the misparse reports false
    nilcheck and unreachable findings inside Load, or findings in the swallowed After."""
    monkeypatch.setattr(runner, "_inside_damage", lambda diagnostic, damaged: False)
    source = STATES[name][0]
    found = engine.check_sources({"demo.go": source.encode()})
    assert {(d.rule, d.line) for d in found if d.rule != "syntax"} - {BEFORE_FINDING}, found


def test_typing_states_through_the_cli(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/demo\n\ngo 1.22\n")
    env = dict(os.environ, PYTHONPATH=str(REPO), GOCHECK_NO_PROGRESS="1", GOCHECK_CACHE_DIR=str(tmp_path / ".cache"))
    for name, (source, syntax, swallowed) in [*STATES.items(), ("repaired", (INTACT, None, False))]:
        (tmp_path / "demo.go").write_text(source)
        out = subprocess.run([sys.executable, "-m", "analyzer", "--format", "json", "./..."], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert out.returncode == 1, (name, out.stderr[-2000:])
        found = json.loads(out.stdout)["diagnostics"]
        got = sorted((d["rule"], d["line"]) for d in found)
        if syntax is None:
            assert got == [BEFORE_FINDING, AFTER_FINDING], name
            continue
        assert got == expected(source, syntax, swallowed), (name, found)
        [error] = [d for d in found if d["rule"] == "syntax"]
        assert (error["line"], error["column"], error["message"]) == syntax, name


def edit(old: str, new: str) -> tuple[tuple[int, int], tuple[int, int], str]:
    """The one range edit that turns `old` into `new`, as an editor sends a keystroke's
    change (LSP positions; the text is ASCII, so characters are bytes)."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1

    def position(offset: int) -> tuple[int, int]:
        line = old.count("\n", 0, offset)
        return line, offset - (old.rfind("\n", 0, offset) + 1)

    return position(start), position(end_old), new[start:end_new]


@pytest.mark.asyncio
async def test_typing_states_through_the_language_server(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/demo\n\ngo 1.22\n")
    path = tmp_path / "demo.go"
    path.write_text(INTACT)
    uri = path.as_uri()

    def published() -> list[tuple[str, int]]:
        return sorted((str(d.code), d.range.start.line + 1) for d in client.diagnostics.get(uri, []))

    async with lsp_session(tmp_path) as client:
        await fresh_diagnostics(client, uri, lambda: open_doc(client, path, INTACT), lambda ds: len(ds) == 2)
        assert published() == [BEFORE_FINDING, AFTER_FINDING]
        # Type Load's new statement as an editor would: each state an edit of the last one,
        # and back to the intact text between the kinds of mistake.
        text, version = INTACT, 1
        sequence = [*STATES.items()]
        sequence.insert(4, ("repaired", (INTACT, None, False)))
        sequence.append(("repaired", (INTACT, None, False)))
        for name, (source, syntax, swallowed) in sequence:
            version += 1
            start, end, new_text = edit(text, source)
            want = [BEFORE_FINDING, AFTER_FINDING] if syntax is None else expected(source, syntax, swallowed)
            change = (version, start, end, new_text)
            diags = await fresh_diagnostics(client, uri, lambda change=change: change_doc(client, uri, *change), lambda ds, want=want: sorted((str(d.code), d.range.start.line + 1) for d in ds) == want)
            if syntax is not None:
                [error] = [d for d in diags if d.code == "syntax"]
                assert (error.range.start.line + 1, error.range.start.character + 1, error.message) == syntax, name
                assert error.severity == types.DiagnosticSeverity.Error
            text = source
