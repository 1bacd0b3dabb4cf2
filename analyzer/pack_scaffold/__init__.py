"""The skeleton `gocheck pack new NAME` writes: a manifest, one documented rule with a fix,
and its `// want` testdata plus golden file, so a new pack passes `gocheck pack test` as is.

The rule is a pattern rule (`boolcompare.toml`, Go code with holes: no code runs, so
subscribers need not trust the publisher); `--python` writes the same rule as a Python
module instead, for checks a pattern cannot say.

Templates are plain strings here (not data files) so an installed gocheck always has them.
"""

from __future__ import annotations

from pathlib import Path

from analyzer import ENGINE_VERSION

PACK_TOML = """\
[pack]
name = "{name}"
version = "0.1.0"
description = "Checks for {short}: say what the rules catch"
license = "MIT"
tier = "free"
engine = ">={engine}, <1.0.0"
go = ">=1.18"
tags = ["style"]
"""

# The example rule's docs, shared by its two spellings (Python docstring, pattern rule doc).
RULE_DOC = """\
Comparison of a boolean expression with `true`.

## What it does
Reports `x == true` and `true == x`, where `x` is any expression.

## Why is this bad?
The comparison adds nothing: `x == true` is `x`. It reads as if `x` might be something
other than a boolean, and hides the condition behind noise.

## Example
```go
if done == true {
    return
}
```

## Use instead
```go
if done {
    return
}
```

## Fix safety
The fix replaces the comparison with the other operand; it is safe because both have the
same value.
"""

RULE_MODULE = '''\
"""{doc}"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.rule import Rule

# One query, matched once per file for all rules; the captures are handed to run().
QUERY = """
(binary_expression left: (_) @left operator: "==" right: (true)) @cmp
(binary_expression left: (true) operator: "==" right: (_) @left) @cmp
"""


def run(pass_: Pass) -> None:
    for file, cmp, match in pass_.iter_matches("cmp"):
        operand = file.text(match.get("left"))
        fix = replace_fix(f"replace with {operand}", cmp, operand)
        pass_.report(file, cmp, f"comparison with true is redundant: use {operand}", fix)


RULE = Rule(
    name="boolcompare",
    summary="comparison of a boolean expression with true",
    run=run,
    query=QUERY,
    tags=("style",),
    equivalents=("staticcheck:S1002",),
)
'''

PATTERN_RULE = """\
name = "boolcompare"
summary = "comparison of a boolean expression with true"
severity = "warning"
tags = ["style"]
equivalents = ["staticcheck:S1002"]
# Go code with holes: $X is any one expression (see docs/patterns.md; `gocheck pattern`
# tries a pattern on code, `gocheck tree FILE` shows the syntax tree).
pattern-either = ["$X == true", "true == $X"]
message = "comparison with true is redundant: use $X"
fix = "$X"
fix_message = "replace with $X"
doc = '''
{doc}'''
"""

TESTDATA_GO = """\
package boolcompare

func check(done bool, items []int) int {
\tif done == true { // want "comparison with true is redundant: use done"
\t\treturn 0
\t}
\tif true == (len(items) > 0) { // want "redundant: use \\\\(len\\\\(items\\\\) > 0\\\\)"
\t\treturn 1
\t}
\tif done {
\t\treturn 2
\t}
\treturn 3
}
"""

TESTDATA_GOLDEN = """\
package boolcompare

func check(done bool, items []int) int {
\tif done { // want "comparison with true is redundant: use done"
\t\treturn 0
\t}
\tif (len(items) > 0) { // want "redundant: use \\\\(len\\\\(items\\\\) > 0\\\\)"
\t\treturn 1
\t}
\tif done {
\t\treturn 2
\t}
\treturn 3
}
"""

README = """\
# {name}

Rules for gocheck. Each rule is a pattern rule `<rule>.toml` (Go code with holes, see
gocheck's docs/patterns.md), a tree-sitter query `<rule>.toml`, or a Python module
`<rule>.py` (docs in its docstring; subscribers must trust you to run it), with Go
testdata in `testdata/<rule>/`.

    gocheck pack test      # run every rule's `// want` testdata and golden fixes
    gocheck pack build     # write rules.json and dist/{short}-<version>.tar.gz
    gocheck pack publish   # upload to RuleHub (needs a publisher API key)
"""


def scaffold(name: str, directory: Path, python: bool = False) -> list[Path]:
    """Write a new pack named `name` (namespace/name) into `directory` (must not exist or be
    empty); its rule is a pattern rule, or a Python module with `python`."""
    short = name.split("/", 1)[1]
    files = {
        "pack.toml": PACK_TOML.format(name=name, short=short, engine=ENGINE_VERSION),
        **({"boolcompare.py": RULE_MODULE.replace("{doc}", RULE_DOC)} if python else {"boolcompare.toml": PATTERN_RULE.replace("{doc}", RULE_DOC)}),
        "testdata/boolcompare/a.go": TESTDATA_GO,
        "testdata/boolcompare/a.go.golden": TESTDATA_GOLDEN,
        "README.md": README.format(name=name, short=short),
        ".gitignore": "dist/\n__pycache__/\n",
    }
    written = []
    for rel, text in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)
    return written
