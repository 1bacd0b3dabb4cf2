"""`pack.toml`: parsing and validation (docs/pack-protocol.md, "Pack directory").

    manifest = load_manifest(Path("rules/core"))
    manifest = parse_manifest(read_member(artifact_bytes, "pack.toml"))

Every problem raises PackFormatError whose `field` is the manifest key (`pack.version`) and
whose message says what to write instead.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.api.rule_ids import NAME_RE  # one definition of a pack name, shared with rule IDs
from rulehub.pack.errors import PackFormatError
from rulehub.pack.semver_range import SemverRange, parse_version

MANIFEST_NAME = "pack.toml"
TIERS = ("free", "pro", "enterprise")
SEGMENT_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SPDX_RE = re.compile(r"^[A-Za-z0-9.+\-() ]+$")
_MAX_TEXT = 1000
MAX_VERSION_LENGTH = 128


@dataclass(frozen=True)
class PackManifest:
    """The validated `[pack]` table of a pack.toml."""

    name: str
    version: str
    description: str
    license: str
    tier: str
    engine: str
    go: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def namespace(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def short_name(self) -> str:
        return self.name.split("/", 1)[1]

    @property
    def artifact_name(self) -> str:
        """`<name-after-slash>-<version>.tar.gz`, the artifact's file name."""
        return artifact_filename(self.name, self.version)

    @property
    def engine_range(self) -> SemverRange:
        return SemverRange.parse(self.engine)

    @property
    def go_range(self) -> SemverRange | None:
        return SemverRange.parse(self.go) if self.go else None


def artifact_filename(name: str, version: str) -> str:
    return f"{name.split('/', 1)[-1]}-{version}.tar.gz"


def load_manifest(pack_dir: str | Path) -> PackManifest:
    """Read and validate `<pack_dir>/pack.toml`."""
    path = Path(pack_dir) / MANIFEST_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PackFormatError(
            f"{path} not found; a pack directory needs a pack.toml with a [pack] table",
            field=MANIFEST_NAME,
            code="missing_manifest",
        ) from None
    return parse_manifest(data)


def parse_manifest(data: bytes | str) -> PackManifest:
    """Parse and validate pack.toml content."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        doc = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PackFormatError(
            f"pack.toml is not valid UTF-8 TOML ({exc}); fix the syntax", field=MANIFEST_NAME, code="invalid_manifest"
        ) from None
    table = doc.get("pack")
    if not isinstance(table, dict):
        raise PackFormatError(
            "pack.toml has no [pack] table; start the file with '[pack]' followed by name, version, ...",
            field="pack",
            code="invalid_manifest",
        )

    def required_str(key: str, hint: str) -> str:
        value = table.get(key)
        if value is None:
            raise PackFormatError(f"pack.{key} is missing; add {key} = {hint}", field=f"pack.{key}", code="invalid_manifest")
        if not isinstance(value, str) or not value.strip():
            raise PackFormatError(
                f"pack.{key} must be a non-empty string, e.g. {key} = {hint}", field=f"pack.{key}", code="invalid_manifest"
            )
        if "\x00" in value:
            raise PackFormatError(f"pack.{key} contains a NUL character; remove it", field=f"pack.{key}",
                                  code="invalid_manifest")
        if len(value) > _MAX_TEXT:
            raise PackFormatError(
                f"pack.{key} is longer than {_MAX_TEXT} characters; shorten it", field=f"pack.{key}", code="invalid_manifest"
            )
        return value.strip()

    name = required_str("name", '"acme/http-safety"')
    if not NAME_RE.fullmatch(name) or len(name) > 200:
        raise PackFormatError(
            f"pack.name {name!r} must be 'namespace/name' in lowercase letters, digits and '-', e.g. \"acme/http-safety\"",
            field="pack.name",
            code="invalid_manifest",
        )
    version = required_str("version", '"1.0.0"')
    if len(version) > MAX_VERSION_LENGTH:
        raise PackFormatError(
            f"pack.version is longer than {MAX_VERSION_LENGTH} characters; shorten its pre-release/build parts",
            field="pack.version",
            code="invalid_manifest",
        )
    try:
        parse_version(version)
    except PackFormatError:
        raise PackFormatError(
            f"pack.version {version!r} is not semver 2.0; write MAJOR.MINOR.PATCH, e.g. \"1.4.0\"",
            field="pack.version",
            code="invalid_manifest",
        ) from None
    description = required_str("description", '"what the rules check"')
    license_ = required_str("license", '"MIT" (an SPDX identifier)')
    if not _SPDX_RE.fullmatch(license_) or len(license_) > 100:
        raise PackFormatError(
            f"pack.license {license_!r} is not an SPDX expression, e.g. \"MIT\" or \"Apache-2.0\"",
            field="pack.license",
            code="invalid_manifest",
        )
    tier = required_str("tier", '"free"')
    if tier not in TIERS:
        raise PackFormatError(
            f"pack.tier {tier!r} is not one of {', '.join(TIERS)}", field="pack.tier", code="invalid_manifest"
        )
    engine = required_str("engine", '">=0.1.0, <1.0.0"')
    _check_range("engine", engine)
    go = table.get("go")
    if go is not None:
        if not isinstance(go, str) or not go.strip():
            raise PackFormatError('pack.go must be a range string, e.g. go = ">=1.18"', field="pack.go", code="invalid_manifest")
        go = go.strip()
        _check_range("go", go)
    tags = table.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > 20
        or not all(isinstance(t, str) and SEGMENT_RE.fullmatch(t) and len(t) <= 32 for t in tags)
    ):
        raise PackFormatError(
            'pack.tags must be a list of up to 20 lowercase words (32 characters each), e.g. tags = ["http", "security"]',
            field="pack.tags",
            code="invalid_manifest",
        )
    return PackManifest(
        name=name,
        version=version,
        description=description,
        license=license_,
        tier=tier,
        engine=engine,
        go=go,
        tags=tuple(tags),
    )


def _check_range(key: str, text: str) -> None:
    if len(text) > 200:
        raise PackFormatError(f"pack.{key} is longer than 200 characters; simplify the range",
                              field=f"pack.{key}", code="invalid_manifest")
    try:
        SemverRange.parse(text)
    except PackFormatError as exc:
        raise PackFormatError(
            f"pack.{key}: {exc}", field=f"pack.{key}", code="invalid_manifest"
        ) from None
