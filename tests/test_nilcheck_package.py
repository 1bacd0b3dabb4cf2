"""nilcheck lives in a package of its own (rules/core/nilcheck/): the pack loader loads a
rule package, and the analysis types variables through the engine's expression typing
(`analyzer.golang.exprtype.declared_type`) rather than a guesser of its own."""

from analyzer.api.analysis_pass import Package, Pass
from analyzer.golang.exprtype import basic_kind, declared_type
from analyzer.api.rule import Rule
from analyzer.pipeline.rulepack import core_pack_dir, load_pack
from analyzer.golang.source import GoFile, walk


def test_core_pack_loads_nilcheck_from_its_package():
    rule = next(r for r in load_pack(core_pack_dir()).rules if r.name == "nilcheck")
    assert rule.run.__module__.endswith(".nilcheck")
    assert "## What it does" in rule.doc


def test_a_pack_rule_may_be_a_package_with_relative_imports(tmp_path):
    (tmp_path / "pack.toml").write_text('[pack]\nname = "acme/pkgrule"\nversion = "1.0.0"\n')
    pkg = tmp_path / "deep"
    pkg.mkdir()
    (pkg / "helpers.py").write_text("MESSAGE = 'from a sibling module'\n")
    (pkg / "__init__.py").write_text(
        '"""Summary.\n\n## What it does\nx\n"""\n'
        "from analyzer.api.rule import Rule\nfrom .helpers import MESSAGE\n\n"
        "RULE = Rule(name='deep', summary=MESSAGE, run=lambda p: None)\n"
    )
    (pkg / "testdata").mkdir()  # not a package: ignored
    pack = load_pack(tmp_path)
    assert [(r.name, r.summary) for r in pack.rules] == [("acme/pkgrule/deep", "from a sibling module")]


def _declared_kinds(src: str) -> dict[str, str | None]:
    f = GoFile.parse("a.go", src.encode())
    p = Pass(Rule("probe", "probe", lambda p: None), Package(".", [f]), [], lambda d: None)
    out = {}
    for n in walk(f.root):
        if n.type == "short_var_declaration":
            ident = n.child_by_field_name("left").named_children[0]
            out[f.text(ident)] = basic_kind(p, declared_type(p, f, ident))
    return out


def test_declared_type_of_values_nilcheck_tracks():
    kinds = _declared_kinds(
        "package a\ntype T struct{}\ntype P *T\n"
        "func f(x any, s []int, u *T) {\n"
        " m := make(map[string]int)\n c := u\n c2 := c\n fn := func() {}\n"
        " p := (*T)(u)\n a, ok := x.(*T)\n n := new(T)\n b := []byte(\"x\")\n"
        " _, _, _, _, _, _, _, _, _, _ = m, c2, fn, p, a, ok, n, b, s, c\n"
        " switch v := x.(type) { case *T: _ = v }\n}\n"
    )
    assert kinds == {"m": "map", "c": "pointer", "c2": "pointer", "fn": "func", "p": "pointer", "a": "pointer", "n": "pointer", "b": "slice"}
