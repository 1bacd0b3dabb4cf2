"""A misspelt subcommand gets a "did you mean", not "no such file or directory"."""

from gocheck_cli import run_gocheck


def test_misspelt_subcommand_suggests_the_command(go_tree):
    run = run_gocheck("explian", "nilcheck", cwd=go_tree)
    assert run.returncode == 2
    assert "did you mean `gocheck explain`?" in run.stderr
    assert "no such file or directory" not in run.stderr


def test_a_directory_named_like_a_command_is_still_checked(go_tree):
    (go_tree / "chekc").mkdir()
    (go_tree / "chekc" / "c.go").write_text("package chekc\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n")
    run = run_gocheck("chekc", cwd=go_tree)
    assert run.returncode == 1, run.stderr
    assert "selfassign" in run.stdout


def test_an_unknown_path_far_from_any_command_is_still_a_pattern_error(go_tree):
    run = run_gocheck("nosuchdir", cwd=go_tree)
    assert run.returncode == 2
    assert "nosuchdir: no such file or directory" in run.stderr
