"""The analysistest runner over every rule of every built-in pack: every finding wanted,
every `// want` met, and `.go.golden` files equal to the fixed source."""

from pathlib import Path

import pytest

from analyzer.pipeline.rulepack import load_pack
from analyzer.testing.wanttest import check_pack

REPO = Path(__file__).resolve().parent.parent
PACK_DIRS = sorted(p.parent for p in (REPO / "rules").glob("*/pack.toml"))


def _cases():
    for pack_dir in PACK_DIRS:
        pack = load_pack(pack_dir)
        for rule in pack.rules:
            yield pytest.param(pack_dir, rule, id=rule.name)


@pytest.mark.parametrize("pack_dir,rule", list(_cases()))
def test_rule_testdata(pack_dir, rule):
    (result,) = check_pack(pack_dir, [rule])
    assert result.findings > 0, f"{rule.name}: testdata produces no findings at all"
    assert result.ok, "\n".join(result.failures)


def test_every_rule_has_documented_sections():
    for pack_dir in PACK_DIRS:
        for rule in load_pack(pack_dir).rules:
            docs = rule.docs()
            missing = [s for s in ("What it does", "Why is this bad?", "Example", "Use instead") if s not in docs.sections]
            assert not missing, f"{rule.name}: docs lack sections {missing}"
