"""`gocheck pack new/test/build`: the scaffold passes its own tests, failures read well, the
artifact is deterministic and carries the rule index."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import pytest

from analyzer.cli import main
from rulehub.pack import list_members, read_member


def new_pack(tmp_path: Path, capsys, *options: str) -> tuple[str, Path]:
    short = f"demo-{uuid.uuid4().hex[:8]}"  # unique: pack modules are imported once per process
    name = f"acme/{short}"
    assert main(["pack", "new", name, "--dir", str(tmp_path / short), *options]) == 0
    capsys.readouterr()
    return name, tmp_path / short


@pytest.mark.parametrize(("options", "rule_file"), [((), "boolcompare.toml"), (("--python",), "boolcompare.py")])
def test_scaffold_passes_pack_test_out_of_the_box(tmp_path, capsys, options, rule_file):
    # a pattern rule by default (no code: subscribers need no trust), Python on request
    name, pack_dir = new_pack(tmp_path, capsys, *options)
    assert sorted(p.relative_to(pack_dir).as_posix() for p in pack_dir.rglob("*") if p.is_file()) == sorted([
        ".gitignore", "README.md", rule_file, "pack.toml",
        "testdata/boolcompare/a.go", "testdata/boolcompare/a.go.golden",
    ])
    assert main(["pack", "test", str(pack_dir)]) == 0
    out = capsys.readouterr().out
    assert f"ok   {name}/boolcompare (1 package(s), 2 finding(s))" in out and "1 passed, 0 failed" in out


def test_failures_name_file_line_and_want(tmp_path, capsys):
    name, pack_dir = new_pack(tmp_path, capsys)
    go = pack_dir / "testdata" / "boolcompare" / "a.go"
    go.write_text(go.read_text().replace("\tif done {\n", "\tif done == true {\n").replace(
        '// want "comparison with true is redundant: use done"', '// want "something else"'))
    assert main(["pack", "test", str(pack_dir)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL {name}/boolcompare" in out
    assert "a.go:4: no finding matched want 'something else'" in out
    assert "a.go:4:5: unexpected finding" in out and "a.go:10:5: unexpected finding" in out
    assert "fixed text differs from a.go.golden" in out
    assert "0 passed, 1 failed" in out


def test_build_is_deterministic_and_writes_the_rule_index(tmp_path, capsys):
    name, pack_dir = new_pack(tmp_path, capsys)
    assert main(["pack", "build", str(pack_dir)]) == 0
    first = capsys.readouterr().out
    artifact = pack_dir / "dist" / f"{name.split('/')[1]}-0.1.0.tar.gz"
    sha = hashlib.sha256(artifact.read_bytes()).hexdigest()
    assert f"sha256 {sha}" in first
    assert main(["pack", "build", str(pack_dir)]) == 0  # dist/ now exists: it must not get into the artifact
    assert f"sha256 {sha}" in capsys.readouterr().out
    members = {m.path for m in list_members(artifact)}
    assert "rules.json" in members and "pack.toml" in members and not any(m.startswith("dist") for m in members)
    index = json.loads(read_member(artifact, "rules.json"))
    (rule,) = index["rules"]
    assert rule["name"] == f"{name}/boolcompare" and rule["severity"] == "warning"
    assert rule["tags"] == ["style"] and rule["equivalents"] == ["staticcheck:S1002"]
    assert "## What it does" in rule["docs"] and rule["summary"].startswith("comparison of a boolean")


def test_invalid_manifest_is_a_usage_error_naming_the_field(tmp_path, capsys):
    _, pack_dir = new_pack(tmp_path, capsys)
    manifest = pack_dir / "pack.toml"
    manifest.write_text(manifest.read_text().replace('tier = "free"', 'tier = "gold"'))
    assert main(["pack", "build", str(pack_dir)]) == 2
    err = capsys.readouterr().err
    assert "pack.tier 'gold' is not one of free, pro, enterprise" in err
    assert not (pack_dir / "dist").exists()


def test_new_refuses_a_bad_name_or_a_used_directory(tmp_path, capsys):
    assert main(["pack", "new", "NoSlash", "--dir", str(tmp_path / "x")]) == 2
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "file").write_text("x")
    assert main(["pack", "new", "acme/used", "--dir", str(tmp_path / "used")]) == 2
    assert "not empty" in capsys.readouterr().err
