"""Publishing, yanking, browsing and resolving packs.

Artifacts are stored content-addressed (by SHA-256) in the artifact store
(rulehub.server.storage: a local directory, the database, or S3), written only after the new
version row is in the transaction, so a refused upload (409, 4xx) stores nothing and a failed
commit leaves at most an unreferenced object (none with the database store).  Versions are immutable: the (pack, version) unique constraint makes a concurrent
second publish fail, and it is reported as 409 like any existing version.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from rulehub.pack import (
    PackFormatError,
    SemverRange,
    artifact_filename,
    coerce_version,
    parse_manifest,
    parse_version,
    read_member,
    sha256_hex,
)
from rulehub.pack.manifest import SEGMENT_RE
from rulehub.server import storage, tuf_repo
from rulehub.server.core.security import Principal
from rulehub.server.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge
from rulehub.server.models import Namespace, Pack, PackVersion, Tenant, VersionRule, utcnow
from rulehub.server.services import usage
from rulehub.server.services.entitlements import pack_visible, require_visible
from rulehub.server.settings import Settings

_RULE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$")


def check_name(ns: str, name: str) -> str:
    for part, label in ((ns, "namespace"), (name, "pack name")):
        if not SEGMENT_RE.fullmatch(part or "") or len(part) > 64:
            raise BadRequest(f"{label} {part!r} must be lowercase letters, digits and '-'", code="invalid_name")
    return f"{ns}/{name}"


def check_version(version: str) -> str:
    if len(version) > 128:
        raise BadRequest("version is longer than 128 characters", code="invalid_version")
    try:
        parse_version(version)
    except PackFormatError as exc:
        raise BadRequest(str(exc), code="invalid_version") from None
    return version


def target_path(name: str, version: str, *, private: bool = False) -> str:
    """The TUF target path of a version. The signed targets metadata is public (every client
    verifies downloads against it), so a private pack's path is an opaque random name: its
    subscribers learn it from the authenticated resolve answer, nobody else learns the pack
    exists."""
    if private:
        return f"private/{secrets.token_hex(16)}.tar.gz"
    return f"{name}/{artifact_filename(name, version)}"


def target_custom(pack: Pack, pv: PackVersion) -> dict:
    """The `custom` field of a version's TUF target: name, version, tier, Go range and rule IDs
    for public packs (the signed rule index, services/rule_index.py); for private ones only
    whether it is yanked (see `target_path`)."""
    if pack.private:
        return {"yanked": bool(pv.yanked)}
    from rulehub.server.services.rule_index import signed_rule_fields

    return {"pack": pack.name, "version": pv.version, "tier": pv.tier, "yanked": bool(pv.yanked),
            **signed_rule_fields(pack, pv)}


def artifact_bytes(session: Session, settings: Settings, pv: PackVersion) -> bytes:
    """The stored artifact of `pv`; NotFound (`artifact_missing`) if the store lost it."""
    try:
        return storage.for_settings(settings).get(session, pv.sha256)
    except storage.ArtifactMissing:
        raise NotFound(f"artifact of {pv.pack.name} {pv.version} is missing from storage",
                       code="artifact_missing") from None


def _pack_error(exc: PackFormatError) -> ApiError:
    code = {"missing_member": "missing_manifest"}.get(exc.code, exc.code)
    if code == "artifact_too_large":
        return PayloadTooLarge(str(exc), code=code)
    return BadRequest(str(exc), code=code)


def _rules_index(data: bytes, settings: Settings) -> list[dict[str, str]]:
    """rules.json from the artifact (optional): [{name, summary, severity, tags, docs}]."""
    try:
        raw = read_member(data, "rules.json")
    except PackFormatError as exc:
        if exc.code == "missing_member":
            return []
        raise _pack_error(exc) from None
    if b"\\u0000" in raw or b"\x00" in raw:
        raise BadRequest("rules.json contains a NUL character; remove it", code="invalid_rules_index")
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"rules.json is not valid JSON ({exc}); rebuild the pack", code="invalid_rules_index") from None
    items = doc.get("rules") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise BadRequest('rules.json must be a list of rules or {"rules": [...]}', code="invalid_rules_index")
    rules: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not _RULE_NAME_RE.fullmatch(item["name"]):
            raise BadRequest("every rules.json entry needs a 'name' (letters, digits, _ . / -)", code="invalid_rules_index")
        if item["name"] in seen:
            raise BadRequest(f"rules.json lists {item['name']!r} twice", code="invalid_rules_index")
        seen.add(item["name"])
        tags = item.get("tags", [])
        tag_text = " ".join(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else ""
        if len(tag_text) > 1000:
            raise BadRequest(f"rules.json: {item['name']!r} has more than 1000 characters of tags",
                             code="invalid_rules_index")

        def text(key: str) -> str:  # used within this iteration only
            value = item.get(key, "")  # noqa: B023
            return value if isinstance(value, str) else ""

        rules.append({
            "name": item["name"],
            "summary": text("summary"),
            "severity": text("severity")[:32],
            "tags": tag_text,
            "docs": text("docs"),
        })
    return rules


@dataclass(frozen=True)
class Published:
    pack: str
    version: str
    sha256: str
    size: int
    target_path: str


def publish(
    session: Session, settings: Settings, principal: Principal, ns: str, name: str, version: str, data: bytes,
    *, private: bool | None = None,
) -> Published:
    """Validate the artifact against the URL and store a new immutable version.

    `private` applies when the pack is created (first version); later it is ignored.
    The caller's session must be a write session; TUF metadata is updated in it.
    """
    if not principal.has("packs:publish"):
        raise Forbidden("this token lacks the packs:publish scope; create an API key with it", code="missing_scope")
    full = check_name(ns, name)
    check_version(version)
    namespace = session.scalars(select(Namespace).where(Namespace.name == ns)).first()
    if namespace is None:
        raise Forbidden(f"namespace {ns!r} is not registered to your tenant; claim it on the portal's Publisher page",
                        code="namespace_forbidden")
    if namespace.tenant_id != principal.tenant_id:
        raise Forbidden(f"namespace {ns!r} belongs to another publisher", code="namespace_forbidden")
    if len(data) > settings.max_upload:
        raise PayloadTooLarge(f"artifact is over the {settings.max_upload}-byte upload limit", code="artifact_too_large")
    if not data:
        raise BadRequest("empty upload; send the artifact bytes as the request body", code="empty_artifact")
    try:
        manifest = parse_manifest(
            read_member(data, "pack.toml")  # PACK_LIMITS: what no client would install is refused here
        )
    except PackFormatError as exc:
        raise _pack_error(exc) from None
    if manifest.name != full or manifest.version != version:
        raise BadRequest(
            f"the artifact's pack.toml says {manifest.name} {manifest.version} but the URL says {full} {version}; "
            "publish it at its own name and version",
            code="manifest_mismatch",
        )
    rules = _rules_index(data, settings)
    sha = sha256_hex(data)

    tuf_repo.lock(session)  # one publisher at a time: TUF versions are a single sequence
    pack = session.scalars(select(Pack).where(Pack.name == full)).first()
    if pack is None:
        pack = Pack(name=full, namespace_id=namespace.id, description=manifest.description, tier=manifest.tier,
                    tags=" ".join(manifest.tags), private=bool(private))
        session.add(pack)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            pack = session.scalars(select(Pack).where(Pack.name == full)).one()
    _refuse_existing_release(session, pack, version)
    path = target_path(full, version, private=pack.private)
    pv = PackVersion(
        pack_id=pack.id, version=version, sha256=sha, size=len(data), engine=manifest.engine, go=manifest.go,
        tier=manifest.tier, license=manifest.license, description=manifest.description, target_path=path,
        published_by=principal.account_id,
    )
    session.add(pv)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(f"{full} {version} is already published and versions are immutable; bump the version",
                       code="version_exists") from None
    storage.for_settings(settings).put(session, sha, data)  # only once the version is known to be new: a 409 stores nothing
    for rule in rules:
        session.add(VersionRule(pack_version_id=pv.id, **rule))
    if _is_latest(pack, version, session):
        pack.description, pack.tier, pack.tags = manifest.description, manifest.tier, " ".join(manifest.tags)
    tuf_repo.set_target(session, settings, path=path, length=len(data), sha256=sha, custom=target_custom(pack, pv))
    return Published(pack=full, version=version, sha256=sha, size=len(data), target_path=path)


def _refuse_existing_release(session: Session, pack: Pack, version: str) -> None:
    """Conflict (`version_exists`) if `version`, or the same release with other build
    metadata, is already published: semver gives `1.0.0+b1` and `1.0.0` the same precedence,
    so a range could pick either and the lock file could not say which one it means."""
    release = parse_version(version).replace(build=None)
    for existing in session.scalars(select(PackVersion.version).where(PackVersion.pack_id == pack.id)):
        if parse_version(existing).replace(build=None) == release:
            same = "" if existing == version else f" (as {existing}; build metadata does not make a new version)"
            raise Conflict(f"{pack.name} {release} is already published{same} and versions are immutable; "
                           "bump the version", code="version_exists")


def _is_latest(pack: Pack, version: str, session: Session) -> bool:
    versions = list(session.scalars(select(PackVersion.version).where(PackVersion.pack_id == pack.id)))
    return SemverRange.parse("*").best(versions, prerelease=True) == version


def get_pack(session: Session, tenant_id: int | None, ns: str, name: str) -> Pack:
    full = check_name(ns, name)
    pack = session.scalars(
        select(Pack).where(Pack.name == full).options(selectinload(Pack.namespace))
    ).first()
    return require_visible(pack, tenant_id, full)


def get_version(session: Session, tenant_id: int | None, ns: str, name: str, version: str) -> PackVersion:
    pack = get_pack(session, tenant_id, ns, name)
    check_version(version)
    pv = session.scalars(
        select(PackVersion).where(PackVersion.pack_id == pack.id, PackVersion.version == version)
    ).first()
    if pv is None:
        raise NotFound(f"{pack.name} has no version {version}", code="version_not_found")
    return pv


def version_by_target(session: Session, tenant_id: int | None, path: str) -> PackVersion:
    pv = session.scalars(select(PackVersion).where(PackVersion.target_path == path)).first()
    if pv is None or (pv.pack.private and pv.pack.namespace.tenant_id != tenant_id):
        raise NotFound(f"no target {path!r}", code="target_not_found")
    return pv


def set_yanked(
    session: Session, settings: Settings, principal: Principal, ns: str, name: str, version: str, yanked: bool
) -> PackVersion:
    """Yank (or unyank) a version: it stops resolving but stays downloadable. Publishers and admins only."""
    pv = get_version(session, principal.tenant_id, ns, name, version)
    owner = pv.pack.namespace.tenant_id == principal.tenant_id and principal.has("packs:publish")
    if not (owner or "admin" in principal.scopes):
        raise Forbidden(f"only the publisher of {pv.pack.name} may yank its versions", code="namespace_forbidden")
    tuf_repo.lock(session)  # serialise with publishes before reading the flag
    session.refresh(pv)
    if pv.yanked != yanked:
        pv.yanked = yanked
        pv.yanked_at = utcnow() if yanked else None
        tuf_repo.set_target(session, settings, path=pv.target_path, length=pv.size, sha256=pv.sha256,
                            custom=target_custom(pv.pack, pv))
    return pv


def _latest(versions: list[PackVersion]) -> str | None:
    return SemverRange.parse("*").best([v.version for v in versions if not v.yanked])


@dataclass(frozen=True)
class PackSummary:
    """A pack as the catalogue lists it; `latest_version` is the highest non-yanked one,
    `rules` the number of rules it lists, `publisher` the name of the team that owns its
    namespace, `downloads` all downloads of any version, `updated_at` its newest publish (ISO)."""

    name: str
    description: str
    tier: str
    tags: list[str]
    private: bool
    latest_version: str | None
    publisher: str = ""
    downloads: int = 0
    rules: int = 0
    updated_at: str = ""


CATALOGUE_SORTS = ("name", "downloads", "updated", "rules")


@dataclass(frozen=True)
class RuleInfo:
    name: str
    summary: str
    severity: str
    tags: list[str]
    docs: str


@dataclass(frozen=True)
class VersionInfo:
    version: str
    sha256: str
    size: int
    yanked: bool
    published_at: str  # ISO 8601, UTC
    engine: str
    go: str | None
    tier: str
    license: str
    target_path: str
    rules: list[RuleInfo]


@dataclass(frozen=True)
class PackDetail:
    """A pack with every version (oldest first) and each version's rules."""

    name: str
    description: str
    tier: str
    tags: list[str]
    private: bool
    latest_version: str | None
    versions: list[VersionInfo]


def catalogue(
    session: Session, tenant_id: int | None, *, q: str = "", tag: str = "", rule: str = "", go: str = "",
    sort: str = "name", limit: int = 200,
) -> list[PackSummary]:
    """Visible packs matching all given filters (q: substring of name, description or a rule's
    name; go: a Go version), sorted by `sort` (CATALOGUE_SORTS: name A-Z, most downloads,
    newest publish, most rules; ties by name)."""
    if sort not in CATALOGUE_SORTS:
        raise BadRequest(f"sort must be one of {', '.join(CATALOGUE_SORTS)}", code="invalid_sort")
    query = select(Pack).options(selectinload(Pack.versions).selectinload(PackVersion.rules),
                                 selectinload(Pack.namespace)).order_by(Pack.name)
    if q:
        like = f"%{_escape_like(q.lower())}%"
        query = query.where(or_(
            Pack.name.ilike(like, escape="\\"), Pack.description.ilike(like, escape="\\"),
            Pack.id.in_(select(PackVersion.pack_id).join(VersionRule, VersionRule.pack_version_id == PackVersion.id)
                        .where(VersionRule.name.ilike(like, escape="\\"))),
        ))
    if tag:
        query = query.where(or_(Pack.tags == tag, Pack.tags.like(f"{tag} %"), Pack.tags.like(f"% {tag}"),
                                Pack.tags.like(f"% {tag} %")))
    if rule:
        query = query.where(
            Pack.id.in_(
                select(PackVersion.pack_id).join(VersionRule, VersionRule.pack_version_id == PackVersion.id)
                .where(VersionRule.name == rule)
            )
        )
    go_version = None
    if go:
        try:
            go_version = coerce_version(go)
        except PackFormatError as exc:
            raise BadRequest(f"go: {exc}", code="invalid_version") from None
    out: list[PackSummary] = []
    counts = usage.download_counts(session)
    publishers = dict(session.execute(select(Tenant.id, Tenant.name)).tuples().all())
    for pack in session.scalars(query):
        if not pack_visible(pack, tenant_id):
            continue
        live = [v for v in pack.versions if not v.yanked]
        if go_version is not None:
            live = [v for v in live if not v.go or SemverRange.parse(v.go).contains(go_version, prerelease=True)]
            if not live:
                continue
        latest = _latest(live)
        # the rules of the latest release, or of the newest live version when there are only pre-releases
        shown = next((v for v in pack.versions if v.version == latest), live[-1] if live else None)
        newest = max((v.published_at for v in pack.versions), default=None)
        out.append(PackSummary(name=pack.name, description=pack.description, tier=pack.tier, tags=pack.tags.split(),
                               private=pack.private, latest_version=latest,
                               publisher=publishers.get(pack.namespace.tenant_id, ""),
                               downloads=counts.get(pack.name, 0), rules=len(shown.rules) if shown else 0,
                               updated_at=newest.isoformat() if newest else ""))
    keys = {"name": lambda p: (p.name,), "downloads": lambda p: (-p.downloads, p.name),
            "updated": lambda p: (_negated(p.updated_at), p.name), "rules": lambda p: (-p.rules, p.name)}
    return sorted(out, key=keys[sort])[:limit]


def _negated(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def _escape_like(text: str) -> str:
    """`text` for a LIKE pattern, its own % and _ matched literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def pack_detail(session: Session, tenant_id: int | None, ns: str, name: str) -> PackDetail:
    pack = get_pack(session, tenant_id, ns, name)
    versions = session.scalars(
        select(PackVersion).where(PackVersion.pack_id == pack.id).options(selectinload(PackVersion.rules))
        .order_by(PackVersion.id)
    ).all()
    return PackDetail(
        name=pack.name, description=pack.description, tier=pack.tier, tags=pack.tags.split(), private=pack.private,
        latest_version=_latest(list(versions)),
        versions=[
            VersionInfo(
                version=v.version, sha256=v.sha256, size=v.size, yanked=v.yanked,
                published_at=v.published_at.isoformat(), engine=v.engine, go=v.go, tier=v.tier, license=v.license,
                target_path=v.target_path,
                rules=[RuleInfo(name=r.name, summary=r.summary, severity=r.severity, tags=r.tags.split(), docs=r.docs)
                       for r in v.rules],
            )
            for v in versions
        ],
    )


def resolve(
    session: Session, tenant_id: int | None, ns: str, name: str, *, range_text: str = "*", go: str | None = None,
    engine: str | None = None, prerelease: bool = False,
) -> PackVersion:
    """The highest non-yanked version in `range_text` whose go/engine constraints admit the given versions."""
    pack = get_pack(session, tenant_id, ns, name)
    try:
        wanted = SemverRange.parse(range_text or "*")
        go_v = coerce_version(go) if go else None
        engine_v = coerce_version(engine) if engine else None
    except PackFormatError as exc:
        raise BadRequest(str(exc), code=exc.code) from None
    candidates: dict[str, PackVersion] = {}
    for v in session.scalars(select(PackVersion).where(PackVersion.pack_id == pack.id, PackVersion.yanked.is_(False))):
        try:
            if go_v is not None and v.go and not SemverRange.parse(v.go).contains(go_v, prerelease=True):
                continue
            if engine_v is not None and not SemverRange.parse(v.engine).contains(engine_v, prerelease=True):
                continue
        except PackFormatError:
            continue
        candidates[v.version] = v
    best = wanted.best(candidates, prerelease=prerelease)
    if best is None:
        constraints = [f"range {wanted.text!r}"]
        if go:
            constraints.append(f"Go {go}")
        if engine:
            constraints.append(f"engine {engine}")
        raise NotFound(f"no version of {pack.name} matches {', '.join(constraints)}"
                       + ("" if prerelease else " (pre-releases excluded; pass prerelease=true)"),
                       code="no_matching_version")
    return candidates[best]
