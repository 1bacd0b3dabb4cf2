"""The hub's rule index: which rule IDs each public pack version has, in what tier and Go range.

Two halves, kept in step by construction:
- `signed_rule_fields`: part of each public version's TUF target `custom` (see
  services.packs.target_custom), so a client maps a rule ID to pack versions through signed
  data only: `{"go": "<range or empty>", "rules": ["ns/pack/rule", ...]}`.
- `rule_catalogue`: the query answer of `GET /v1/rules` (discovery: summaries, tags and
  whether the caller's Go version and plan fit each version).  It is advice: the loader
  checks every (rule, pack, version) it claims against the signed targets and refuses a claim
  they do not back.

Private packs are left out of both: their targets are opaque (services.packs.target_path).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from analyzer.api.rule_ids import rule_id
from rulehub.pack import PackFormatError, SemverRange, coerce_version
from rulehub.server.errors import BadRequest
from rulehub.server.models import Pack, PackVersion
from rulehub.server.services.accounts import subscription_for, subscription_standing

MAX_RULES = 500


def signed_rule_fields(pack: Pack, pv: PackVersion) -> dict:
    return {"go": pv.go or "", "rules": sorted(rule_id(pack.name, r.name) for r in pv.rules)}


@dataclass(frozen=True)
class RuleVersion:
    version: str
    tier: str
    go: str  # the version's Go range, "" for any
    go_ok: bool | None  # the asked Go version is inside `go` (None: no Go version asked)
    tier_ok: bool | None  # the caller's plan covers `tier` (None: anonymous)


@dataclass(frozen=True)
class RuleEntry:
    id: str
    pack: str
    summary: str
    severity: str
    tags: list[str]
    versions: list[RuleVersion]  # newest first, yanked ones left out


@dataclass(frozen=True)
class RuleCatalogue:
    plan_tiers: list[str] | None  # None: anonymous; [] no subscription in good standing
    rules: list[RuleEntry]


def plan_tiers(session: Session, tenant_id: int | None) -> list[str] | None:
    if tenant_id is None:
        return None
    found = subscription_for(session, tenant_id)
    if found is None or subscription_standing(*found):
        return []
    return found[1].tier_list


def _go_ok(go_range: str, go_version) -> bool | None:
    if go_version is None:
        return None
    try:
        return not go_range or SemverRange.parse(go_range).contains(go_version, prerelease=True)
    except PackFormatError:
        return False


def rule_catalogue(
    session: Session, tenant_id: int | None, *, q: str = "", tag: str = "", go: str = "", rule: str = "",
) -> RuleCatalogue:
    """Rules of public packs matching all filters (q: substring of ID or summary; tag: a rule or
    pack tag; go: only rules some live version of which admits this Go version; rule: one ID)."""
    try:
        go_version = coerce_version(go) if go else None
    except PackFormatError as exc:
        raise BadRequest(f"go: {exc}", code="invalid_version") from None
    tiers = plan_tiers(session, tenant_id)
    packs = session.scalars(
        select(Pack).where(Pack.private.is_(False)).order_by(Pack.name)
        .options(selectinload(Pack.versions).selectinload(PackVersion.rules))
    )
    by_id: dict[tuple[str, str], RuleEntry] = {}
    for pack in packs:
        live = [v for v in pack.versions if not v.yanked]
        newest_first = sorted(live, key=lambda v: coerce_version(v.version), reverse=True)
        for pv in newest_first:
            for r in pv.rules:
                rid = rule_id(pack.name, r.name)
                key = (rid, pack.name)
                entry = by_id.get(key)
                if entry is None:  # the newest version's text describes the rule
                    entry = by_id[key] = RuleEntry(rid, pack.name, r.summary, r.severity,
                                                   sorted(set(r.tags.split()) | set(pack.tags.split())), [])
                entry.versions.append(RuleVersion(pv.version, pv.tier, pv.go or "", _go_ok(pv.go or "", go_version),
                                                  None if tiers is None else pv.tier in tiers))
    out = []
    for entry in by_id.values():
        if rule and entry.id != rule:
            continue
        if q and q.lower() not in entry.id.lower() and q.lower() not in entry.summary.lower():
            continue
        if tag and tag not in entry.tags:
            continue
        if go_version is not None and not any(v.go_ok for v in entry.versions):
            continue
        out.append(entry)
        if len(out) >= MAX_RULES:
            break
    return RuleCatalogue(tiers, out)
