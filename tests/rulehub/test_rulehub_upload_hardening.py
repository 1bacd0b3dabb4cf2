"""Hostile uploads (issue 19, item 4), end to end against a real `rulehub serve` on SQLite and
PostgreSQL: header bombs are refused with bounded memory, refused uploads store nothing, and
the hub accepts only what every client would install (`rulehub.pack.PACK_LIMITS`).

The bomb tests run on a server of their own (its peak memory is measured from a fresh
process) with the default 16 MiB upload limit, as deployed.
"""

from __future__ import annotations

import io
import os
import tarfile
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain
from contextlib import nullcontext
from pathlib import Path

import pytest

from rulehub.pack import PACK_LIMITS
from tests.rulehub.conftest import HubServer, Subscriber, hub_server, make_pack_dir
from tests.support.hub_process import postgres_database

MiB = 1024 * 1024
BOMB = 160 * MiB  # compresses to ~160 KB; the old hub held ~3x this in memory, then accepted it
PACK_TOML = b'[pack]\nname = "%s"\nversion = "%s"\ndescription = "d"\nlicense = "MIT"\ntier = "free"\nengine = ">=0.1.0"\n'


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def bomb_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubServer]:
    data_dir = tmp_path_factory.mktemp("bomb-data")
    with (postgres_database("rulehub_bomb") if request.param == "postgres"
          else nullcontext(f"sqlite:///{data_dir / 'rulehub.db'}")) as url:
        with hub_server(url, data_dir, tmp_path_factory.mktemp("bomb-packs"), max_upload=16 * MiB) as server:
            yield server


def _peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def _gzip(chunks: Iterable[bytes]) -> bytes:
    """gzip of the chunks, compressed as they come (a bomb is never held uncompressed)."""
    deflate = zlib.compressobj(9, wbits=16 + zlib.MAX_WBITS)
    out = [deflate.compress(chunk) for chunk in chunks]
    return b"".join([*out, deflate.flush()])


def _repeated(byte: bytes, count: int) -> Iterator[bytes]:
    while count > 0:
        n = min(count, MiB)
        yield byte * n
        count -= n


def _padded(size: int) -> bytes:
    return bytes(-size % tarfile.BLOCKSIZE)


def _member(name: str, data: bytes) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info.tobuf(format=tarfile.GNU_FORMAT) + data + _padded(len(data))


def _pack_members(name: str, version: str) -> bytes:
    return _member("pack.toml", PACK_TOML % (name.encode(), version.encode())) + _member("rule.py", b"x = 1\n")


def _long_name_bomb(name: str, version: str, size: int) -> bytes:
    """A GNU long-name header of `size` bytes naming the next member, then a valid pack."""
    info = tarfile.TarInfo("././@LongLink")
    info.type, info.size = tarfile.GNUTYPE_LONGNAME, size
    return _gzip(chain([info.tobuf(format=tarfile.GNU_FORMAT)], _repeated(b"a", size),
                       [_padded(size), _member("x.py", b"x"), _pack_members(name, version), bytes(1024)]))


def _pax_bomb(name: str, version: str, size: int) -> bytes:
    """A PAX header holding one `size`-byte comment record, for the next member, then a valid pack."""
    digits = len(str(size))
    filler = size - digits - len(" comment=") - 1
    info = tarfile.TarInfo("././@PaxHeader")
    info.type, info.size = tarfile.XHDTYPE, size
    return _gzip(chain([info.tobuf(format=tarfile.GNU_FORMAT), f"{size} comment=".encode()], _repeated(b"a", filler),
                       [b"\n", _padded(size), _member("x.py", b"x"), _pack_members(name, version), bytes(1024)]))


def _error(r, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text[:500]
    assert r.json()["error"]["code"] == code, r.text[:500]


@pytest.mark.parametrize(("bomb", "code"), [(_long_name_bomb, "invalid_member_name"), (_pax_bomb, "invalid_tar_header")])
def test_header_bombs_are_refused_with_bounded_memory(bomb_hub: HubServer, bomb, code: str) -> None:  # type: ignore[no-untyped-def]
    publisher = bomb_hub.subscriber()
    name = f"{publisher.namespace}/bomb"
    data = bomb(name, "1.0.0", BOMB)
    assert len(data) < MiB  # a small upload ...
    before = _peak_rss_mib(bomb_hub.pid)
    r = publisher.publish(name, "1.0.0", data)
    grown = _peak_rss_mib(bomb_hub.pid) - before
    _error(r, 400, code)
    # ... costs at most the 64 MiB unpacked cap (plus working room), not a multiple of the header.
    assert grown < 1.5 * PACK_LIMITS.max_unpacked_size / MiB, f"server peak RSS grew by {grown:.0f} MiB"
    print(f"{bomb.__name__} {BOMB // MiB} MiB header ({len(data) // 1024} KiB upload, {bomb_hub.backend}): "
          f"server peak RSS {before:.0f} -> {before + grown:.0f} MiB")
    assert publisher.get(f"/v1/packs/{name}").status_code == 404  # nothing was published


def test_member_over_the_clients_cap_is_refused(bomb_hub: HubServer) -> None:
    publisher = bomb_hub.subscriber()
    name = f"{publisher.namespace}/big"
    over = PACK_LIMITS.max_member_size + 1
    data = _gzip([_pack_members(name, "1.0.0"), _member("big.bin", bytes(over)), bytes(1024)])
    _error(publisher.publish(name, "1.0.0", data), 413, "artifact_too_large")


def _artifact_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def test_reupload_of_an_existing_version_stores_nothing(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/again"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0")).status_code == 201
    before = _artifact_bytes(hub.settings.artifacts_dir)
    for _ in range(5):
        other = hub.artifact(name, "1.0.0", extra={"blob.bin": os.urandom(100 * 1024)})
        _error(publisher.publish(name, "1.0.0", other), 409, "version_exists")
    assert _artifact_bytes(hub.settings.artifacts_dir) == before


def test_build_metadata_does_not_make_a_second_version(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/build-meta"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0")).status_code == 201
    r = publisher.publish(name, "1.0.0+b1", hub.artifact(name, "1.0.0+b1"))
    _error(r, 409, "version_exists")
    assert "build metadata" in r.json()["error"]["message"]
    versions = [v["version"] for v in publisher.get(f"/v1/packs/{name}").json()["versions"]]
    assert versions == ["1.0.0"]
    assert publisher.publish(name, "1.0.1+b1", hub.artifact(name, "1.0.1+b1")).status_code == 201


def test_non_utf8_member_names_are_refused(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/latin1"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8",
                      errors="surrogateescape") as tar:
        for member, data in (("pack.toml", PACK_TOML % (name.encode(), b"1.0.0")),
                             (b"caf\xe9.py".decode("utf-8", "surrogateescape"), b"x = 1\n")):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    _error(publisher.publish(name, "1.0.0", _gzip([raw.getvalue()])), 400, "invalid_member_name")


def test_builder_refuses_what_the_hub_would(tmp_path: Path) -> None:
    from rulehub.pack import PackFormatError, build_artifact_bytes

    pack = make_pack_dir(tmp_path / "p", "acme/big", "1.0.0", extra={"big.bin": bytes(PACK_LIMITS.max_member_size + 1)})
    with pytest.raises(PackFormatError) as err:
        build_artifact_bytes(pack)
    assert err.value.code == "artifact_too_large"
