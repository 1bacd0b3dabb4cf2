"""Unit tests for rulehub.pack: manifest validation, semver ranges, deterministic artifacts, safe extraction."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import time
from pathlib import Path

import pytest

from rulehub.pack import (
    ArchiveLimits,
    PackFormatError,
    SemverRange,
    build_artifact,
    build_artifact_bytes,
    coerce_version,
    extract_artifact,
    list_members,
    load_manifest,
    parse_manifest,
    read_member,
)

GOOD_TOML = """\
[pack]
name = "acme/http-safety"
version = "1.4.0"
description = "HTTP client and server safety checks"
license = "MIT"
tier = "free"
engine = ">=0.1.0, <1.0.0"
go = ">=1.18"
tags = ["http", "security"]
"""


def make_pack(root: Path, toml: str = GOOD_TOML) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.toml").write_text(toml)
    (root / "bodyclose.py").write_text('"""Docs."""\nRULE = None\n')
    (root / "testdata" / "bodyclose").mkdir(parents=True)
    (root / "testdata" / "bodyclose" / "a.go").write_text("package a\n")
    (root / "rules.json").write_text('{"rules": []}')
    return root


# --- manifest ---------------------------------------------------------------------------


def test_parse_good_manifest(tmp_path: Path) -> None:
    m = load_manifest(make_pack(tmp_path / "p"))
    assert (m.name, m.namespace, m.short_name, m.version, m.tier) == (
        "acme/http-safety", "acme", "http-safety", "1.4.0", "free",
    )
    assert m.tags == ("http", "security")
    assert m.artifact_name == "http-safety-1.4.0.tar.gz"
    assert m.engine_range.contains("0.1.0") and not m.engine_range.contains("1.0.0")
    assert m.go_range is not None and m.go_range.contains("1.21")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('name = "acme/http-safety"', 'name = "Acme/HTTP"', "pack.name"),
        ('name = "acme/http-safety"', 'name = "http-safety"', "pack.name"),
        ('version = "1.4.0"', 'version = "1.4"', "pack.version"),
        ('version = "1.4.0"', "version = 1", "pack.version"),
        ('tier = "free"', 'tier = "gold"', "pack.tier"),
        ('engine = ">=0.1.0, <1.0.0"', 'engine = ">=banana"', "pack.engine"),
        ('go = ">=1.18"', 'go = "1.x.3"', "pack.go"),
        ('tags = ["http", "security"]', 'tags = "http"', "pack.tags"),
        ('license = "MIT"', 'license = ""', "pack.license"),
        ('description = "HTTP client and server safety checks"', 'description = "a\\u0000b"', "pack.description"),
        ('tags = ["http", "security"]', 'tags = ["http\\n"]', "pack.tags"),
        ('description = "HTTP client and server safety checks"\n', "", "pack.description"),
    ],
)
def test_manifest_errors_name_the_field(old: str, new: str, field: str) -> None:
    with pytest.raises(PackFormatError) as err:
        parse_manifest(GOOD_TOML.replace(old, new))
    assert err.value.field == field
    assert field in str(err.value)


def test_manifest_syntax_and_missing_table() -> None:
    with pytest.raises(PackFormatError, match="TOML"):
        parse_manifest(b"[pack\nname=")
    with pytest.raises(PackFormatError, match=r"\[pack\]"):
        parse_manifest(b"name = 'x'")
    with pytest.raises(PackFormatError, match="UTF-8"):
        parse_manifest(b"\xff\xfe")


def test_missing_manifest_file(tmp_path: Path) -> None:
    with pytest.raises(PackFormatError, match="pack.toml"):
        load_manifest(tmp_path)


# --- ranges -----------------------------------------------------------------------------

VERSIONS = ["0.9.0", "1.3.0", "1.4.0", "1.4.2", "1.4.9", "1.9.0", "2.0.0-rc.1", "2.0.0", "2.1.0"]


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("^1.4", "1.9.0"),
        ("~1.4.2", "1.4.9"),
        ("~1.4", "1.4.9"),
        ("1.4.x", "1.4.9"),
        ("1.x", "1.9.0"),
        ("1.4", "1.4.9"),
        ("*", "2.1.0"),
        ("1.4.2", "1.4.2"),
        ("=1.4.2", "1.4.2"),
        (">=1.2.0, <2.0.0", "1.9.0"),
        (">=1.2.0 <2.0.0", "1.9.0"),
        (">1.4", "2.1.0"),
        ("<=1.4", "1.4.9"),
        ("<1.4.0", "1.3.0"),
        ("^0.9", "0.9.0"),
        (">=3.0.0", None),
    ],
)
def test_range_best(text: str, best: str | None) -> None:
    assert SemverRange.parse(text).best(VERSIONS) == best


def test_prerelease_only_when_asked_or_named() -> None:
    r = SemverRange.parse(">=1.0.0")
    assert r.best(VERSIONS) == "2.1.0"
    assert SemverRange.parse("^2.0.0-rc.1").contains("2.0.0-rc.1")
    assert not SemverRange.parse("^1.4").contains("1.5.0-beta.1")
    assert SemverRange.parse("^1.4").contains("1.5.0-beta.1", prerelease=True)
    assert SemverRange.parse("<2.0.0").best(["1.0.0", "2.0.0-rc.1"], prerelease=True) == "2.0.0-rc.1"
    assert SemverRange.parse("<2.0.0").best(["1.0.0", "2.0.0-rc.1"]) == "1.0.0"


def test_caret_zero_major() -> None:
    assert SemverRange.parse("^0.2.3").best(["0.2.3", "0.2.9", "0.3.0"]) == "0.2.9"
    assert SemverRange.parse("^0.0.3").best(["0.0.3", "0.0.4"]) == "0.0.3"


@pytest.mark.parametrize("text", ["", "  ", ">=", "banana", "^1.2.3.4", "1.x.3", ">=1.0.0 || <0.5.0", "<*", "~>1.2"])
def test_malformed_ranges(text: str) -> None:
    with pytest.raises(PackFormatError) as err:
        SemverRange.parse(text)
    assert err.value.code == "invalid_range"


def test_coerce_go_versions() -> None:
    assert str(coerce_version("1.21")) == "1.21.0"
    assert str(coerce_version("go1.22.3")) == "1.22.3"
    with pytest.raises(PackFormatError):
        coerce_version("latest")


# --- artifact build ---------------------------------------------------------------------


def test_build_is_deterministic_across_mtimes_and_umask(tmp_path: Path) -> None:
    a = make_pack(tmp_path / "a")
    sha_a = build_artifact(a, tmp_path / "a.tar.gz")
    old = os.umask(0o077)
    try:
        b = make_pack(tmp_path / "b")
    finally:
        os.umask(old)
    past = time.time() - 86400 * 400
    for path in b.rglob("*"):
        os.utime(path, (past, past))
    (b / "bodyclose.py").chmod(0o755)
    (b / "__pycache__").mkdir()
    (b / "__pycache__" / "x.pyc").write_bytes(b"junk")
    (b / ".DS_Store").write_bytes(b"junk")
    sha_b = build_artifact(b, tmp_path / "b.tar.gz")
    assert sha_a == sha_b
    assert (tmp_path / "a.tar.gz").read_bytes() == (tmp_path / "b.tar.gz").read_bytes()
    data = build_artifact_bytes(a)
    assert data[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        infos = tar.getmembers()
    assert [i.name for i in infos] == sorted(i.name for i in infos)
    assert {(i.mtime, i.uid, i.gid, i.uname, i.gname) for i in infos} == {(0, 0, 0, "", "")}
    assert {i.mode for i in infos if i.isfile()} == {0o644}
    assert {i.mode for i in infos if i.isdir()} == {0o755}


def test_content_change_changes_sha(tmp_path: Path) -> None:
    a = make_pack(tmp_path / "a")
    first = build_artifact(a, tmp_path / "1.tar.gz")
    (a / "bodyclose.py").write_text("changed\n")
    assert build_artifact(a, tmp_path / "2.tar.gz") != first


def test_build_refuses_symlink(tmp_path: Path) -> None:
    a = make_pack(tmp_path / "a")
    (a / "link.py").symlink_to(a / "bodyclose.py")
    with pytest.raises(PackFormatError, match="symbolic link"):
        build_artifact_bytes(a)


def test_roundtrip_extract_and_read_member(tmp_path: Path) -> None:
    data = build_artifact_bytes(make_pack(tmp_path / "a"))
    assert parse_manifest(read_member(data, "pack.toml")).version == "1.4.0"
    files = extract_artifact(data, tmp_path / "out")
    assert sorted(files) == ["bodyclose.py", "pack.toml", "rules.json", "testdata/bodyclose/a.go"]
    assert (tmp_path / "out" / "testdata" / "bodyclose" / "a.go").read_text() == "package a\n"
    with pytest.raises(PackFormatError, match="not empty"):
        extract_artifact(data, tmp_path / "out")
    with pytest.raises(PackFormatError) as err:
        read_member(data, "missing.toml")
    assert err.value.code == "missing_member"
    assert {m.path for m in list_members(data)} >= {"pack.toml", "testdata"}


# --- hostile archives -------------------------------------------------------------------


def _tar(*infos: tuple[tarfile.TarInfo, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in infos:
            info.size = len(data) if info.isfile() else 0
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return gzip.compress(raw.getvalue())


def _file(name: str, data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def _special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, b""


@pytest.mark.parametrize(
    ("archive", "code"),
    [
        (lambda: _tar(_file("/etc/passwd")), "unsafe_member"),
        (lambda: _tar(_file("../evil.py")), "unsafe_member"),
        (lambda: _tar(_file("a/../../evil.py")), "unsafe_member"),
        (lambda: _tar(_file("a\\..\\evil.py")), "unsafe_member"),
        (lambda: _tar(_special("link", tarfile.SYMTYPE, "/etc/passwd")), "unsafe_member"),
        (lambda: _tar(_file("a.py"), _special("hard", tarfile.LNKTYPE, "a.py")), "unsafe_member"),
        (lambda: _tar(_special("dev", tarfile.CHRTYPE)), "unsafe_member"),
        (lambda: _tar(_special("blk", tarfile.BLKTYPE)), "unsafe_member"),
        (lambda: _tar(_special("fifo", tarfile.FIFOTYPE)), "unsafe_member"),
        (lambda: _tar(_file("a.py"), _file("a.py")), "unsafe_member"),
        (lambda: _tar(_file("big.py", b"x" * 2000)), "artifact_too_large"),
        (lambda: _tar(*[_file(f"f{i}.py", b"x" * 900) for i in range(12)]), "artifact_too_large"),
        (lambda: _tar(_file("pack.toml", b"x" * 500))[:-20], "truncated_artifact"),
        (lambda: _tar(_file("pack.toml", os.urandom(900)))[:600], "truncated_artifact"),
        (lambda: b"not a gzip at all", "truncated_artifact"),
        (lambda: gzip.compress(b"not a tar" * 100), "truncated_artifact"),
    ],
)
def test_extract_refuses_bad_archives(tmp_path: Path, archive, code: str) -> None:
    data = archive()
    dest = tmp_path / "dest"
    with pytest.raises(PackFormatError) as err:
        extract_artifact(data, dest, limits=ArchiveLimits(max_member_size=1000, max_unpacked_size=16000))
    assert err.value.code == code
    assert not dest.exists() or not any(dest.iterdir()), "nothing may be written for a refused archive"
    assert not (tmp_path / "evil.py").exists()


def test_extract_from_path(tmp_path: Path) -> None:
    out = tmp_path / "p.tar.gz"
    build_artifact(make_pack(tmp_path / "a"), out)
    assert "pack.toml" in extract_artifact(out, tmp_path / "x")
