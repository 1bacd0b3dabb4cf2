"""Home page, the catalogue (search and filters) and a pack's page with rendered rule docs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from rulehub.pack.manifest import TIERS
from rulehub.server.errors import ApiError
from rulehub.server.portal import queries
from rulehub.server.portal.deps import CurrentVisitor, DbSession
from rulehub.server.portal.rendering import PortalRoute, page
from rulehub.server.portal.rule_docs import render_markdown
from rulehub.server.services import accounts, packs

router = APIRouter(route_class=PortalRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, visitor: CurrentVisitor) -> Response:
    return page(request, "home.html", {"plans": accounts.list_plans(session), "tiers": TIERS,
                                       "signed_out": "signed_out" in request.query_params})


@router.get("/catalog", response_class=HTMLResponse)
def catalog(request: Request, session: DbSession, visitor: CurrentVisitor, q: str = "", tag: str = "",
            tier: str = "", go: str = "") -> Response:
    filters = {"q": q.strip()[:100], "tag": tag.strip()[:64], "tier": tier if tier in TIERS else "",
               "go": go.strip()[:20]}
    tenant_id = visitor.account.tenant_id if visitor.account else None
    errors: dict[str, str] = {}
    try:
        results = packs.catalogue(session, tenant_id, q=filters["q"], tag=filters["tag"], go=filters["go"])
    except ApiError as exc:
        if exc.code != "invalid_version":
            raise
        errors["go"] = f"\"{filters['go']}\" is not a Go version; write it like 1.22."
        results = packs.catalogue(session, tenant_id, q=filters["q"], tag=filters["tag"])
    if filters["tier"]:
        results = [p for p in results if p["tier"] == filters["tier"]]
    all_tags = sorted({t for p in packs.catalogue(session, tenant_id) for t in p["tags"]})
    return page(request, "catalog.html", {"results": results, "filters": filters, "errors": errors,
                                          "tiers": TIERS, "all_tags": all_tags},
                status=400 if errors else 200)


@router.get("/catalog/{ns}/{name}", response_class=HTMLResponse)
def pack_page(request: Request, ns: str, name: str, session: DbSession, visitor: CurrentVisitor,
              version: str = "") -> Response:
    tenant_id = visitor.account.tenant_id if visitor.account else None
    detail = packs.pack_detail(session, tenant_id, ns, name)
    versions = list(reversed(detail["versions"]))  # newest first
    wanted = version or detail["latest_version"] or (versions[0]["version"] if versions else "")
    shown = next((v for v in versions if v["version"] == wanted), None)
    if version and shown is None:
        raise ApiError(f"{detail['name']} has no version {version}", code="version_not_found", status=404)
    rules = [{**r, "html": render_markdown(r["docs"] or r["summary"])} for r in (shown["rules"] if shown else [])]
    snippet_version = detail["latest_version"] or wanted
    snippet = f'[packs]\n"{detail["name"]}" = "{queries.install_range(snippet_version)}"'
    return page(request, "pack.html", {"pack": detail, "versions": versions, "shown": shown, "rules": rules,
                                       "snippet": snippet})
