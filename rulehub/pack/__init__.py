"""The pack format shared by the loader and the hub (docs/pack-protocol.md).

Public API (everything else is internal):

    load_manifest(dir) -> PackManifest          parse_manifest(bytes | str) -> PackManifest
    build_artifact(pack_dir, out_path) -> sha256 hex
    build_artifact_bytes(pack_dir) -> bytes
    extract_artifact(path_or_bytes, dest_dir, limits=PACK_LIMITS) -> [paths]
    PACK_LIMITS: ArchiveLimits        the one set of artifact limits of the hub, the loader and the builder
    read_member(path_or_bytes, "pack.toml") -> bytes
    list_members(path_or_bytes) -> [ArtifactMember]
    SemverRange.parse(text).contains(version, prerelease=False) / .best(versions, prerelease=False)
    parse_version(text) (strict semver), coerce_version(text) ("1.21" -> 1.21.0)
    PackFormatError(message, field=, code=)      the only exception raised

Nothing here imports pack code; it is safe to call on untrusted input.
"""

from rulehub.pack.archive import (
    MAX_MEMBER_SIZE,
    MAX_MEMBERS,
    MAX_TOTAL_SIZE,
    PACK_LIMITS,
    ArchiveLimits,
    ArtifactMember,
    build_artifact,
    build_artifact_bytes,
    extract_artifact,
    list_members,
    read_member,
    sha256_hex,
)
from rulehub.pack.errors import PackFormatError
from rulehub.pack.manifest import (
    MANIFEST_NAME,
    TIERS,
    PackManifest,
    artifact_filename,
    load_manifest,
    parse_manifest,
)
from rulehub.pack.semver_range import SemverRange, coerce_version, parse_version

__all__ = [
    "MANIFEST_NAME",
    "MAX_MEMBERS",
    "MAX_MEMBER_SIZE",
    "MAX_TOTAL_SIZE",
    "PACK_LIMITS",
    "TIERS",
    "ArchiveLimits",
    "ArtifactMember",
    "PackFormatError",
    "PackManifest",
    "SemverRange",
    "artifact_filename",
    "build_artifact",
    "build_artifact_bytes",
    "coerce_version",
    "extract_artifact",
    "list_members",
    "load_manifest",
    "parse_manifest",
    "parse_version",
    "read_member",
    "sha256_hex",
]
