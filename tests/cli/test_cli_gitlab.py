"""`--format gitlab`: GitLab code quality (Code Climate JSON as GitLab documents it)."""

import json
import subprocess

from gocheck_cli import SELFASSIGN, run_gocheck, write_tree

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _issues(tree):
    run = run_gocheck("--format", "gitlab", "./...", cwd=tree)
    assert run.returncode == 1, run.stderr
    return json.loads(run.stdout)


def test_gitlab_code_quality_report(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # paths are relative to the repository root
    tree = write_tree(tmp_path, {"go.mod": "module m\n\ngo 1.21\n", "svc/pkg/a.go": SELFASSIGN, "svc/pkg/b.go": SELFASSIGN.replace("func F", "func G")})
    issues = _issues(tree / "svc")
    assert isinstance(issues, list) and len(issues) == 2
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == "selfassign"
        assert issue["severity"] in GITLAB_SEVERITIES
        assert issue["description"].startswith("self-assignment")
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert sorted(i["location"]["path"] for i in issues) == ["svc/pkg/a.go", "svc/pkg/b.go"]
    assert [i["location"]["lines"]["begin"] for i in issues] == [4, 4]
    assert len({i["fingerprint"] for i in issues}) == 2

    # Lines inserted above a finding do not change its fingerprint (GitLab keeps it as the same issue).
    before = {i["location"]["path"]: i["fingerprint"] for i in issues}
    a = tree / "svc" / "pkg" / "a.go"
    a.write_text(a.read_text().replace("package pkg\n", "package pkg\n\n// F does little.\n"))
    after = _issues(tree / "svc")
    assert {i["location"]["path"]: i["fingerprint"] for i in after} == before
    assert [i["location"]["lines"]["begin"] for i in after if i["location"]["path"].endswith("a.go")] == [6]


def test_gitlab_report_of_a_clean_tree_is_an_empty_array(tmp_path):
    tree = write_tree(tmp_path, {"go.mod": "module m\n\ngo 1.21\n", "a.go": "package m\n"})
    run = run_gocheck("--format", "gitlab:gl-code-quality.json", "./...", cwd=tree)
    assert run.returncode == 0, run.stderr
    assert json.loads((tree / "gl-code-quality.json").read_text()) == []
