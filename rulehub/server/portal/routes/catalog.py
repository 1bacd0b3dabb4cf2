"""Home page, the catalogue (search and filters), a pack's page with rendered rule docs, and
one page per rule at `/rules/NAME`: the address gocheck's SARIF `helpUri` and the language
server's diagnostic links point at (`analyzer.api.rule.docs_url`)."""

from __future__ import annotations

import tomllib
from dataclasses import asdict
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from rulehub.pack.manifest import TIERS
from rulehub.server.core.deps import CurrentVisitor, SessionDep
from rulehub.server.errors import ApiError
from rulehub.server.portal import queries
from rulehub.server.portal.rendering import STATIC_DIR, PortalRoute, page
from rulehub.server.portal.rule_docs import render_markdown
from rulehub.server.services import accounts, packs

router = APIRouter(route_class=PortalRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, visitor: CurrentVisitor) -> Response:
    return page(request, "home.html", {"plans": accounts.list_plans(session), "tiers": TIERS,
                                       "signed_out": "signed_out" in request.query_params})


SORTS = {"name": "Name", "downloads": "Most downloaded", "updated": "Recently updated", "rules": "Most rules"}


@lru_cache(maxsize=1)
def core_pack() -> packs.PackSummary:
    """The core pack as a catalogue entry, from the installed gocheck (rules/core): built in,
    nothing to install, so it has no downloads and no versions on the hub."""
    from analyzer.pipeline.rulepack import core_pack_dir

    manifest = tomllib.loads((core_pack_dir() / "pack.toml").read_text())["pack"]
    return packs.PackSummary(name=manifest["name"], description=manifest.get("description", ""), tier="free",
                             tags=list(manifest.get("tags", [])), private=False, latest_version=manifest["version"],
                             publisher="gocheck (built in)", rules=len(_core_rules()))


def _matches_core(core: packs.PackSummary, q: str, tag: str, tier: str) -> bool:
    rule_names = [r.name for r in _core_rules()]
    return ((not q or q.lower() in core.name or q.lower() in core.description.lower()
             or any(q.lower() in n.lower() for n in rule_names))
            and (not tag or tag in core.tags) and tier in ("", core.tier))


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico before reading the page's icon link: the same SVG logo."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/catalog", response_class=HTMLResponse)
def catalog(request: Request, session: SessionDep, visitor: CurrentVisitor, q: str = "", tag: str = "",
            tier: str = "", go: str = "", sort: str = "name") -> Response:
    filters = {"q": q.strip()[:100], "tag": tag.strip()[:64], "tier": tier if tier in TIERS else "",
               "go": go.strip()[:20], "sort": sort if sort in SORTS else "name"}
    tenant_id = visitor.account.tenant_id if visitor.account else None
    errors: dict[str, str] = {}
    try:
        results = packs.catalogue(session, tenant_id, q=filters["q"], tag=filters["tag"], go=filters["go"],
                                  sort=filters["sort"])
    except ApiError as exc:
        if exc.code != "invalid_version":
            raise
        errors["go"] = f"\"{filters['go']}\" is not a Go version; write it like 1.22."
        results = packs.catalogue(session, tenant_id, q=filters["q"], tag=filters["tag"], sort=filters["sort"])
    if filters["tier"]:
        results = [p for p in results if p.tier == filters["tier"]]
    core = core_pack()
    core_listed = _matches_core(core, filters["q"], filters["tag"], filters["tier"])
    all_tags = sorted({t for p in packs.catalogue(session, tenant_id) for t in p.tags} | set(core.tags))
    return page(request, "catalog.html", {"results": results, "core": core if core_listed else None,
                                          "filters": filters, "errors": errors, "tiers": TIERS,
                                          "all_tags": all_tags, "sorts": SORTS,
                                          "filtered": any(filters[k] for k in ("q", "tag", "tier", "go"))},
                status=400 if errors else 200)


@lru_cache(maxsize=1)
def _core_rules() -> tuple:
    from analyzer.pipeline.rulepack import core_pack_dir, load_pack

    return tuple(sorted(load_pack(core_pack_dir()).rules, key=lambda r: r.name))


@router.get("/catalog/{ns}/{name}", response_class=HTMLResponse)
def pack_page(request: Request, ns: str, name: str, session: SessionDep, visitor: CurrentVisitor,
              version: str = "") -> Response:
    core = core_pack()
    if f"{ns}/{name}" == core.name:
        return page(request, "core_pack.html", {"pack": core, "rules": _core_rules()})
    tenant_id = visitor.account.tenant_id if visitor.account else None
    detail = packs.pack_detail(session, tenant_id, ns, name)
    versions = list(reversed(detail.versions))  # newest first
    wanted = version or detail.latest_version or (versions[0].version if versions else "")
    shown = next((v for v in versions if v.version == wanted), None)
    if version and shown is None:
        raise ApiError(f"{detail.name} has no version {version}", code="version_not_found", status=404)
    rules = [{**asdict(r), "html": render_markdown(r.docs or r.summary)} for r in (shown.rules if shown else [])]
    snippet_version = detail.latest_version or wanted
    snippet = f'[packs]\n"{detail.name}" = "{queries.install_range(snippet_version)}"'
    command = f"gocheck packs add {detail.name}@{queries.install_range(snippet_version)}"
    summary = next((p for p in packs.catalogue(session, tenant_id, q=detail.name) if p.name == detail.name), None)
    return page(request, "pack.html", {"pack": detail, "versions": versions, "shown": shown, "rules": rules,
                                       "snippet": snippet, "command": command, "summary": summary})


@lru_cache(maxsize=1)
def _builtin_rules() -> dict:
    """The rules every gocheck has without a pack: the engine's own and the core pack."""
    from analyzer.pipeline.ruleset import builtin_rules

    return {r.name: r for r in builtin_rules()}


@router.get("/rules/{rule:path}", response_class=HTMLResponse)
def rule_page(request: Request, rule: str, session: SessionDep, visitor: CurrentVisitor) -> Response:
    """A built-in rule (`nilcheck`) or a pack's rule (`acme/http-safety/insecure-tls`, from the
    newest version of the pack that lists it), if the visitor may see the pack."""
    parts = rule.split("/")
    if len(parts) == 1:
        builtin = _builtin_rules().get(rule)
        if builtin is None:
            raise ApiError(f"gocheck has no built-in rule {rule!r}", code="rule_not_found", status=404)
        info = {"name": builtin.name, "summary": builtin.summary, "severity": str(builtin.severity),
                "tags": list(builtin.tags), "equivalents": list(builtin.equivalents)}
        return page(request, "rule.html", {"rule": info, "pack": None, "version": None,
                                           "enabled_by_default": builtin.enabled_by_default,
                                           "html": render_markdown(builtin.docs().markdown(), shift=0)})
    if len(parts) < 3:
        raise ApiError(f"{rule!r} is not a rule name: pack rules are namespace/pack/rule", code="rule_not_found",
                       status=404)
    tenant_id = visitor.account.tenant_id if visitor.account else None
    detail = packs.pack_detail(session, tenant_id, parts[0], parts[1])
    short = "/".join(parts[2:])
    # The latest version's docs first, then other live versions, newest published first, then yanked ones.
    ordered = sorted(reversed(detail.versions), key=lambda v: (v.version != detail.latest_version, v.yanked))  # noqa: C414 - stable sort: newest first among equals
    for version in ordered:
        found = next((r for r in version.rules if r.name in (rule, short)), None)
        if found is not None:
            return page(request, "rule.html", {"rule": {**asdict(found), "name": rule}, "pack": detail,
                                               "version": version.version, "enabled_by_default": True,
                                               "html": render_markdown(found.docs or found.summary, shift=1)})
    raise ApiError(f"{detail.name} has no rule {short!r}", code="rule_not_found", status=404)
