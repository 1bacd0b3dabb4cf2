"""A misspelt rule name in a suppression comment is a finding with a "did you mean"."""

from gocheck_cli import run_gocheck, write_tree

TYPO = """\
package pkg

func F(x int) int {
	x = x //nolint:selfasign
	y := x //nolint:errcheck // golangci-lint's linter: not gocheck's to judge
	//lint:ignore SA4018 staticcheck's ID for selfassign is known
	x = x
	return y
}
"""


def test_misspelt_nolint_name_is_reported_with_a_suggestion(tmp_path):
    tree = write_tree(tmp_path, {"go.mod": "module m\n\ngo 1.21\n", "pkg/a.go": TYPO})
    run = run_gocheck("--report-unused-nolint", "./...", cwd=tree)
    assert run.returncode == 1, run.stderr
    findings = [line for line in run.stdout.splitlines() if line.startswith("pkg/")]
    assert findings == [
        # The misspelt directive suppresses nothing: the self-assignment is still reported.
        "pkg/a.go:4:2: warning: self-assignment of x to x (selfassign)",
        "pkg/a.go:4:8: warning: //nolint:selfasign names no rule 'selfasign'; did you mean 'selfassign'? (unused-suppression)",
    ]
    # Without --report-unused-nolint, suppression findings stay off as before.
    assert "unused-suppression" not in run_gocheck("./...", cwd=tree).stdout
