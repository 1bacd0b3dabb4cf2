"""Bottom-up summaries of which results a package's functions return as nil with an error
(`rules.core.nilcheck.summaries.PackageResults`): certain evidence only, propagated through
`return g(...)`, and settling on call cycles."""

from analyzer.api.analysis_pass import Package, Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import GoFile
from rules.core.nilcheck.summaries import PackageResults


def _summaries(src: str) -> dict[str, dict[int, str]]:
    f = GoFile.parse("a.go", src.encode())
    results = PackageResults(Pass(Rule("probe", "probe", lambda p: None), Package(".", [f]), [], lambda d: None))
    infos = {**results.funcs, **{f"{t}.{m}": i for (t, m), i in results.methods.items()}}
    return {name: {slot: e.how for slot, e in results.summary(info).nil_with_error.items()} for name, info in infos.items()}


def test_call_cycles_settle_and_carry_only_certain_evidence():
    got = _summaries(
        "package a\nimport \"errors\"\ntype T struct{}\n"
        "func ping(n int) (*T, error) { if n == 0 { return nil, nil }; return pong(n - 1) }\n"
        "func pong(n int) (*T, error) { return ping(n) }\n"
        "func fail() (*T, error) { return nil, errors.New(\"x\") }\n"
        "func viaFail() (*T, error) { return fail() }\n"
        "func (t *T) Child() (*T, error) { return viaFail() }\n"
    )
    assert got == {
        "ping": {},
        "pong": {},
        "fail": {0: "returns nil with an error at a.go:6"},
        "viaFail": {0: "returns fail(...) at a.go:7, which returns nil with an error at a.go:6"},
        "T.Child": {0: "returns viaFail(...) at a.go:8, which returns fail(...) at a.go:7, which returns nil with an error at a.go:6"},
    }


def test_an_error_is_certain_only_where_it_was_just_checked():
    got = _summaries(
        "package a\ntype T struct{}\nfunc g() error\n"
        "func checked() (*T, error) { if err := g(); err != nil { return nil, err }; return &T{}, nil }\n"
        "func unchecked(err error) (*T, error) { return nil, err }\n"
        "func elsewhere() (*T, error) { err := g(); if err == nil { return nil, err }; return &T{}, nil }\n"
        "func recovers() (t *T, err error) { defer func() { recover() }(); return nil, &E{} }\n"
        "type E struct{}\nfunc (*E) Error() string { return \"\" }\n"
    )
    assert got == {"checked": {0: "returns nil with an error at a.go:4"}, "unchecked": {}, "elsewhere": {}, "recovers": {}}
