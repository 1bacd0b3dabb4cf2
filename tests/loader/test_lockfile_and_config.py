"""gocheck.lock and the [packs] table: deterministic bytes, clear errors, --locked and offline
modes that fail before any network use, and edits that keep the rest of .gocheck.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from rulehub.loader import lockfile, projectconfig
from rulehub.loader.errors import ConfigError, LockOutOfDateError, OfflineError
from rulehub.loader.lockfile import LockedPack, LockFile
from rulehub.loader.sync import sync, verified_pack_dirs
from tests.loader.conftest import closed_port_url

SHA_A, SHA_B = "a" * 64, "b" * 64


def entry(name: str, sha: str, version: str = "1.4.2", rng: str = "^1.4", hub: str = "https://hub.test") -> LockedPack:
    return LockedPack(name, rng, version, sha, hub, f"{name}/{name.split('/')[1]}-{version}.tar.gz")


def test_lock_bytes_are_deterministic_and_round_trip():
    one = LockFile((entry("zeta/x", SHA_A), entry("acme/y", SHA_B)), (("https://hub.test", "sha256:" + "c" * 64),))
    two = LockFile((entry("acme/y", SHA_B), entry("zeta/x", SHA_A)), (("https://hub.test", "sha256:" + "c" * 64),))
    assert lockfile.dumps(one) == lockfile.dumps(two)
    text = lockfile.dumps(one)
    assert text.index('name = "acme/y"') < text.index('name = "zeta/x"')
    tomllib.loads(text)
    assert lockfile.loads(text) == one.normalized()


def test_write_is_atomic_and_skips_identical_content(tmp_path):
    path = tmp_path / "gocheck.lock"
    lock = LockFile((entry("acme/y", SHA_B),))
    assert lockfile.write(path, lock) is True
    mtime = path.stat().st_mtime_ns
    assert lockfile.write(path, lock) is False and path.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == ["gocheck.lock"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("version = 1\n[[pack]]\nname = 'acme/y'\n", "needs string fields"),
        ("version = 7\n", "unsupported lock version"),
        ("version = 1\n[[pack]]\nname='a/b'\nrange='*'\nversion='1.0.0'\nsha256='XYZ'\nhub='h'\ntarget='t'\n", "64 lowercase hex"),
        ("version = = 1", "invalid TOML"),
    ],
)
def test_bad_lock_files_say_what_to_do(text, message):
    with pytest.raises(ConfigError, match=message):
        lockfile.loads(text)


def project(tmp_path: Path, packs: str, hub: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / ".gocheck.toml").write_text(f'# team config\n[hub]\nurl = "{hub}"\n\n[packs]\n{packs}\n\n[other]\nx = 1\n')
    return tmp_path


def test_locked_fails_before_any_network_when_the_lock_would_change(tmp_path, user_dirs):
    hub = closed_port_url()
    root = project(tmp_path, '"acme/y" = "^2.0"', hub)
    lockfile.write(root / "gocheck.lock", LockFile((entry("acme/y", SHA_B, hub=hub),)))
    with pytest.raises(LockOutOfDateError, match=r"asks for '\^2.0'.*gocheck packs update"):
        verified_pack_dirs(root, locked=True)
    (root / ".gocheck.toml").write_text(f'[hub]\nurl = "{hub}"\n')
    with pytest.raises(LockOutOfDateError, match="no longer lists"):
        verified_pack_dirs(root, locked=True)


def test_offline_with_a_cold_cache_says_so(tmp_path, user_dirs):
    hub = closed_port_url()
    root = project(tmp_path, '"acme/y" = "^1.4"', hub)
    lockfile.write(root / "gocheck.lock", LockFile((entry("acme/y", SHA_B, hub=hub),)))
    with pytest.raises(OfflineError, match="not in the cache"):
        verified_pack_dirs(root, offline=True)


def test_no_packs_means_no_network_and_no_lock(tmp_path, user_dirs):
    (tmp_path / ".gocheck.toml").write_text("[hub]\nurl = 'http://127.0.0.1:9'\n")
    assert verified_pack_dirs(tmp_path) == []
    assert not (tmp_path / "gocheck.lock").exists()


def test_config_errors_name_the_file_and_the_fix(tmp_path, user_dirs):
    (tmp_path / ".gocheck.toml").write_text('[packs]\n"acme/y" = "^^1"\n')
    with pytest.raises(ConfigError, match=r"\.gocheck\.toml: pack acme/y: .*range"):
        projectconfig.load_project(tmp_path)
    (tmp_path / ".gocheck.toml").write_text('[packs]\n"Acme" = "^1"\n')
    with pytest.raises(ConfigError, match="namespace/name"):
        projectconfig.load_project(tmp_path)
    (tmp_path / ".gocheck.toml").write_text('[packs]\n"acme/y" = "^1"\n')
    with pytest.raises(ConfigError, match=r"no hub configured.*gocheck login"):
        sync(tmp_path)


def test_editing_packs_keeps_the_rest_of_the_file(tmp_path):
    root = project(tmp_path, '# security packs\n"acme/y" = "^1.4"', "https://hub.test")
    config = projectconfig.load_project(root)
    projectconfig.write_packs(config, {"acme/y": "^1.4", "acme/z": "~2.1"})
    text = (root / ".gocheck.toml").read_text()
    assert text.startswith("# team config\n") and "# security packs" in text and "[other]\nx = 1" in text
    again = projectconfig.load_project(root)
    assert again.packs == {"acme/y": "^1.4", "acme/z": "~2.1"} and again.hub_url == "https://hub.test"
    projectconfig.write_packs(again, {})
    assert projectconfig.load_project(root).packs == {}


def test_config_is_found_upward(tmp_path):
    root = project(tmp_path, '"acme/y" = "^1.4"', "https://hub.test")
    (root / "a" / "b").mkdir(parents=True)
    assert projectconfig.load_project(root / "a" / "b").path == root / ".gocheck.toml"


def _cached_pack(tmp_path: Path, engine: str) -> str:
    import hashlib

    from rulehub.loader.cache import PackCache
    from rulehub.pack import build_artifact_bytes

    src = tmp_path / "src"
    src.mkdir()
    (src / "pack.toml").write_text(
        f'[pack]\nname = "acme/y"\nversion = "1.4.2"\ndescription = "d"\nlicense = "MIT"\ntier = "free"\nengine = "{engine}"\n'
    )
    data = build_artifact_bytes(src)
    sha = hashlib.sha256(data).hexdigest()
    PackCache().ensure("acme/y", "1.4.2", sha, lambda dest: dest.write_bytes(data))
    return sha


def test_lock_and_warm_cache_need_no_hub(tmp_path, user_dirs):
    sha = _cached_pack(tmp_path, ">=0.1.0, <1.0.0")
    hub = closed_port_url()
    root = project(tmp_path / "p", '"acme/y" = "^1.4"', hub)
    lockfile.write(root / "gocheck.lock", LockFile((entry("acme/y", sha, hub=hub),)))
    (pack_dir,) = verified_pack_dirs(root, locked=True)
    assert (pack_dir / "pack.toml").is_file() and sha in str(pack_dir)


def test_a_locked_pack_for_another_engine_is_explained(tmp_path, user_dirs):
    sha = _cached_pack(tmp_path, ">=9.0.0")
    hub = closed_port_url()
    root = project(tmp_path / "p", '"acme/y" = "^1.4"', hub)
    lockfile.write(root / "gocheck.lock", LockFile((entry("acme/y", sha, hub=hub),)))
    with pytest.raises(ConfigError, match=r"needs gocheck engine >=9.0.0.*gocheck packs update"):
        verified_pack_dirs(root, locked=True)
