"""Rule ID -> pack version, through the hub's signed TUF targets only.

Each public pack version's TUF target carries `custom = {"pack", "version", "tier", "go",
"yanked", "rules": ["ns/pack/rule", ...]}` (rulehub.server.services.rule_index), signed by the
hub's targets key and verified from the trusted root like every download.  `choose` picks,
for rule IDs of one pack, the newest live version that has them all, whose Go range admits
the module's Go version and whose tier the plan covers, and otherwise says which of these
fails.  The hub's `GET /v1/rules` answer (discovery text, the caller's plan tiers) is advice:
`check_claims` refuses any (rule, pack, version) it claims that the signed targets do not back.

    versions = signed_versions(session.signed_targets())
    check_claims(hub.rules(rule=rid), versions, hub_url)
    chosen = choose((rid,), versions, go="1.22", plan_tiers=["free"], hub_url=url)
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.api.rule_ids import pack_of
from rulehub.loader.errors import ConfigError, VerificationError
from rulehub.pack import PackFormatError, SemverRange, coerce_version


class RuleResolutionError(ConfigError):
    """A rule ID that maps to no usable pack version: unknown, ambiguous, outside the module's
    Go version, or in a tier the plan lacks.  The message says which and what to do."""


@dataclass(frozen=True)
class SignedVersion:
    """One public pack version as the hub's signed targets metadata describes it."""

    pack: str
    version: str
    tier: str
    go: str  # Go range, "" for any
    yanked: bool
    rules: frozenset[str]
    target: str
    sha256: str

    def admits_go(self, go: str | None) -> bool:
        if not go or not self.go:
            return True
        try:
            return SemverRange.parse(self.go).contains(coerce_version(go), prerelease=True)
        except PackFormatError:
            return False

    @property
    def label(self) -> str:
        return f"{self.pack} {self.version}"


def signed_versions(targets: Mapping[str, Any]) -> list[SignedVersion]:
    """The signed rule index: every target (a python-tuf TargetFile) whose custom names a pack,
    version and rule list.  Private packs' targets (custom without a name) are not in it."""
    out = []
    for path, info in targets.items():
        custom = getattr(info, "custom", None)
        if not isinstance(custom, dict):
            continue
        pack, version, rules = custom.get("pack"), custom.get("version"), custom.get("rules")
        if not isinstance(pack, str) or not isinstance(version, str) or not isinstance(rules, list):
            continue
        out.append(SignedVersion(
            pack=pack, version=version, tier=str(custom.get("tier", "")), go=str(custom.get("go") or ""),
            yanked=custom.get("yanked") is not False, rules=frozenset(r for r in rules if isinstance(r, str)),
            target=path, sha256=str(info.hashes.get("sha256", "")).lower(),
        ))
    return out


def newest(versions: Sequence[SignedVersion]) -> SignedVersion | None:
    by_version = {v.version: v for v in versions}
    best = SemverRange.parse("*").best(by_version) or SemverRange.parse("*").best(by_version, prerelease=True)
    return by_version[best] if best else None


def _listing(versions: Iterable[SignedVersion], fact: Callable[[SignedVersion], str]) -> str:
    return ", ".join(f"{v.version} ({fact(v)})" for v in sorted(versions, key=lambda v: coerce_version(v.version)))


def claims_of(rule: str, versions: Sequence[SignedVersion]) -> list[SignedVersion]:
    """The live signed versions that list `rule`."""
    return [v for v in versions if rule in v.rules and not v.yanked]


def pack_versions_for(rule: str, versions: Sequence[SignedVersion], hub_url: str) -> list[SignedVersion]:
    """The live versions of the one pack that has `rule`, or a RuleResolutionError saying why not."""
    claims = claims_of(rule, versions)
    named = pack_of(rule)
    if named is None:
        raise RuleResolutionError(f"{rule!r} is not a rule ID; write namespace/pack/rule")
    if not claims:
        if any(rule in v.rules for v in versions):
            raise RuleResolutionError(f"rule {rule}: every version of its pack on {hub_url} that has it is yanked")
        known = sorted({r for v in versions for r in v.rules})
        close = difflib.get_close_matches(rule, known, n=3, cutoff=0.7)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `gocheck rules --hub` lists the hub's rules"
        raise RuleResolutionError(f"unknown rule {rule}: no public pack on {hub_url} has it (in the hub's signed index){hint}")
    packs = sorted({v.pack for v in claims})
    if len(packs) > 1:
        where = "; ".join(f"{p} {_listing([v for v in claims if v.pack == p], lambda v: v.tier)}" for p in packs)
        raise RuleResolutionError(
            f"rule {rule} is ambiguous: more than one pack claims it on {hub_url} ({where}); "
            "add the pack you mean by name with `gocheck packs add NAMESPACE/PACK` instead"
        )
    if packs[0] != named:
        raise RuleResolutionError(
            f"rule {rule} is ambiguous: the ID names pack {named}, but on {hub_url} only {packs[0]} claims it; "
            f"add {packs[0]} by name with `gocheck packs add {packs[0]}` if that is the pack you mean"
        )
    newest_of_pack = newest([v for v in versions if v.pack == named and not v.yanked])
    if newest_of_pack is not None and rule not in newest_of_pack.rules:
        short = rule[len(named) + 1:]
        namespace = named.split("/")[0] + "/"
        moved = sorted({r for v in versions if not v.yanked and v.pack != named and v.pack.startswith(namespace)
                        for r in v.rules if r == f"{v.pack}/{short}"})
        if moved:
            last = newest(claims)
            assert last is not None
            raise RuleResolutionError(
                f"rule {rule} moved: {named} dropped it in {newest_of_pack.version} (last in {last.version}), and "
                f"{' and '.join(moved)} now exist; enable the new ID, or pin the old pack with "
                f"`gocheck packs add {named}@={last.version}`"
            )
    return claims


def choose(rules: Sequence[str], versions: Sequence[SignedVersion], *, go: str | None, plan_tiers: Sequence[str] | None,
           hub_url: str, go_source: str = "go.mod") -> SignedVersion:
    """The newest live version that has every rule of `rules` (IDs of one pack), admits Go `go`
    and is in a tier of `plan_tiers` (None: the plan is unknown, the hub decides at download)."""
    candidates: list[SignedVersion] | None = None
    for rule in rules:
        claims = pack_versions_for(rule, versions, hub_url)
        candidates = claims if candidates is None else [v for v in candidates if v in claims]
    asked = ", ".join(rules)
    if not candidates:
        raise RuleResolutionError(f"no single version of {pack_of(rules[0])} on {hub_url} has all of {asked}; enable the pack by name instead")
    fit_go = [v for v in candidates if v.admits_go(go)]
    if not fit_go:
        raise RuleResolutionError(
            f"rule {asked} needs another Go version: this module is Go {go} ({go_source}), and the versions of "
            f"{candidates[0].pack} that have it need Go {_listing(candidates, lambda v: v.go)}; "
            f"raise the Go version ({go_source}), or leave the rule out"
        )
    fit = fit_go if plan_tiers is None else [v for v in fit_go if v.tier in plan_tiers]
    if not fit:
        tiers = ", ".join(plan_tiers or ()) or "no tier (no subscription in good standing)"
        raise RuleResolutionError(
            f"rule {asked} is in a tier your plan does not include: {_listing(fit_go, lambda v: v.tier + ' tier')} of "
            f"{fit_go[0].pack}, and your plan on {hub_url} covers {tiers}; upgrade the plan at {hub_url}/dashboard, "
            "or leave the rule out"
        )
    chosen = newest(fit)
    assert chosen is not None
    return chosen


def check_claims(answer: Mapping[str, Any], versions: Sequence[SignedVersion], hub_url: str) -> None:
    """Refuse the hub's `GET /v1/rules` answer if it claims a (rule, pack, version, tier, Go
    range) that the signed targets do not list: a lying hub front end or a man in the middle."""
    signed = {(v.pack, v.version): v for v in versions}
    for entry in answer.get("rules", []):
        if not isinstance(entry, dict):
            continue
        rule, pack = str(entry.get("id", "")), str(entry.get("pack", ""))
        for claimed in entry.get("versions", []) or []:
            if not isinstance(claimed, dict):
                continue
            version = str(claimed.get("version", ""))
            v = signed.get((pack, version))
            if v is None or rule not in v.rules:
                raise VerificationError(
                    pack, f"the hub at {hub_url} says rule {rule} is in {pack} {version}, but its signed TUF metadata "
                    f"does not list {rule} for that version; refusing the hub's rule index (tampered answer or a man in the middle)"
                )
            if str(claimed.get("tier", v.tier)) != v.tier or str(claimed.get("go", v.go) or "") != v.go:
                raise VerificationError(
                    pack, f"the hub at {hub_url} gives {pack} {version} tier {claimed.get('tier')!r} and Go "
                    f"{claimed.get('go')!r}, but its signed TUF metadata says {v.tier!r} and {v.go!r}; refusing the hub's rule index"
                )


def plan_tiers_of(answer: Mapping[str, Any]) -> list[str] | None:
    tiers = answer.get("plan_tiers")
    return [t for t in tiers if isinstance(t, str)] if isinstance(tiers, list) else None
