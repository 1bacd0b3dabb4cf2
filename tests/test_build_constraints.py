"""Files are chosen as the go tool would for the build target (linux/amd64 by default)."""

import pytest

from analyzer.golang.build_constraints import BuildContext, ConstraintSyntaxError, evaluate

LINUX = BuildContext("linux", "amd64")
WINDOWS = BuildContext("windows", "arm64")


@pytest.mark.parametrize(
    "name,linux,windows",
    [
        ("file.go", True, True),
        ("file_linux.go", True, False),
        ("file_windows.go", False, True),
        ("file_windows_arm64.go", False, True),
        ("file_linux_386.go", False, False),
        ("file_amd64.go", True, False),
        ("file_linux_test.go", True, False),
        ("file_unix.go", True, True),  # unix is not a file-name suffix, only a build tag
        ("zsyscall_openbsd_mips64.go", False, False),
    ],
)
def test_file_name_suffixes(name, linux, windows):
    assert LINUX.matches_file_name(name) is linux
    assert WINDOWS.matches_file_name(name) is windows


@pytest.mark.parametrize(
    "line,linux,windows",
    [
        ("//go:build ignore", False, False),
        ("//go:build linux", True, False),
        ("//go:build !windows", True, False),
        ("//go:build unix", True, False),
        ("//go:build linux || windows", True, True),
        ("//go:build (linux && amd64) || (windows && arm64)", True, True),
        ("//go:build linux && !cgo", False, False),
        ("//go:build !(darwin || windows) && go1.18", True, False),
        ("//go:build !!linux", True, False),
    ],
)
def test_build_lines(line, linux, windows):
    source = f"// Copyright\n\n{line}\n\npackage p\n".encode()
    assert LINUX.matches_source(source) is linux
    assert WINDOWS.matches_source(source) is windows


def test_build_line_after_package_clause_is_ignored():
    assert LINUX.matches_source(b"package p\n\n//go:build ignore\n")


def test_malformed_expression_keeps_the_file():
    with pytest.raises(ConstraintSyntaxError):
        evaluate("linux &&", LINUX.has_tag)
    assert LINUX.matches_source(b"//go:build linux &&\n\npackage p\n")


def test_checker_skips_files_for_other_targets(tmp_path):
    """A windows-only file and a //go:build ignore generator do not join the package;
    naming the generator on the command line checks it anyway."""
    from analyzer.pipeline.checker import check_patterns
    from analyzer.pipeline.rulepack import core_pack_dir, load_pack

    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (tmp_path / "a.go").write_text("package m\n\nfunc f(x int) int {\n\tx = x\n\treturn x\n}\n")
    (tmp_path / "a_windows.go").write_text("package m\n\nfunc g(y int) int {\n\ty = y\n\treturn y\n}\n")
    (tmp_path / "gen.go").write_text("//go:build ignore\n\npackage main\n\nfunc main() {\n\tz := 1\n\tz = z\n}\n")
    rules = [r for r in load_pack(core_pack_dir()).rules if r.name == "selfassign"]
    result = check_patterns(["./..."], rules, cwd=tmp_path, jobs=1)
    assert [(d.path, d.line) for d in result.diagnostics] == [("a.go", 4)]
    named = check_patterns(["gen.go"], rules, cwd=tmp_path, jobs=1)
    assert [(d.path, d.line) for d in named.diagnostics] == [("gen.go", 7)]
