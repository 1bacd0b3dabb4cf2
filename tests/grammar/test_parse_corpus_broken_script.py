"""bench/parse_corpus_broken.py: breaks each sampled function in the five typing states and
counts; on a file whose broken functions would mislead the rules, the figures show it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bench" / "parse_corpus_broken.py"

# Load gets broken; After carries a planted finding that must survive where it is not swallowed.
SOURCE = """package demo

import (
\t"errors"
\t"os"
)

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
"""


def test_counts_each_state_and_finds_no_false_findings_after(tmp_path: Path) -> None:
    (tmp_path / "demo.go").write_text(SOURCE)
    result = subprocess.run([sys.executable, str(SCRIPT), "--files", "1", "--per-file", "1", str(tmp_path)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    rows = [line.strip("|").split("|") for line in result.stdout.splitlines() if line.startswith("| ")]
    header = [h.strip() for h in rows[0]]
    table = {r[0].strip(): dict(zip(header, (c.strip() for c in r))) for r in rows[1:]}
    assert set(table) == {"unclosed", "paren", "half", "if", "stray", "all"}
    total = table["all"]
    assert total["functions"] == "5" and total["exactly one syntax"] == "5"
    assert int(total["false before"]) > 0  # the unclosed if misleads nilcheck without the regions
    assert total["false after"] == "0"
