"""Catalogue, rule index, pack detail, resolve, download, yank."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from rulehub.pack.manifest import artifact_filename
from rulehub.server.core.deps import CurrentPrincipal, Hub, OptionalPrincipal, SessionDep, require_scope
from rulehub.server.models import PackVersion
from rulehub.server.services import entitlements, packs, rule_index, usage

router = APIRouter(tags=["packs"])


class CatalogueResponse(BaseModel):
    packs: list[packs.PackSummary]


@router.get("/v1/packs", response_model=CatalogueResponse)
def list_packs(
    session: SessionDep, principal: OptionalPrincipal,
    q: str = Query("", max_length=200), tag: str = Query("", max_length=64),
    rule: str = Query("", max_length=200), go: str = Query("", max_length=32),
) -> CatalogueResponse:
    tenant_id = principal.tenant_id if principal else None
    return CatalogueResponse(packs=packs.catalogue(session, tenant_id, q=q, tag=tag, rule=rule, go=go))


@router.get("/v1/rules", response_model=rule_index.RuleCatalogue)
def list_rules(
    session: SessionDep, principal: OptionalPrincipal,
    q: str = Query("", max_length=200), tag: str = Query("", max_length=64),
    go: str = Query("", max_length=32), rule: str = Query("", max_length=300),
) -> rule_index.RuleCatalogue:
    """Rules of public packs with each live version's tier and Go range, and whether the given
    Go version and the caller's plan fit it.  Advice only: clients check it against the rule
    IDs signed in each version's TUF target (services/rule_index.py)."""
    return rule_index.rule_catalogue(session, principal.tenant_id if principal else None, q=q, tag=tag, go=go, rule=rule)


@router.get("/v1/packs/{ns}/{name}", response_model=packs.PackDetail)
def pack_detail(ns: str, name: str, session: SessionDep, principal: OptionalPrincipal) -> packs.PackDetail:
    return packs.pack_detail(session, principal.tenant_id if principal else None, ns, name)


class ResolveResponse(BaseModel):
    name: str
    version: str
    sha256: str
    size: int
    target_path: str
    download_url: str


@router.get("/v1/packs/{ns}/{name}/resolve", response_model=ResolveResponse)
def resolve(
    ns: str, name: str, session: SessionDep, principal: CurrentPrincipal, hub: Hub,
    range: str = Query("*", max_length=200, description="semver range, e.g. ^1.4"),  # noqa: A002
    go: str | None = Query(None, max_length=32), engine: str | None = Query(None, max_length=64),
    prerelease: bool = False,
) -> ResolveResponse:
    require_scope(principal, "packs:read")
    v = packs.resolve(session, principal.tenant_id, ns, name, range_text=range, go=go, engine=engine,
                      prerelease=prerelease)
    url = f"/v1/packs/{ns}/{name}/{v.version}/download"
    return ResolveResponse(name=v.pack.name, version=v.version, sha256=v.sha256, size=v.size,
                           target_path=v.target_path, download_url=f"{hub.settings.public_url}{url}")


def serve_artifact(hub: Hub, principal: CurrentPrincipal, version_id: int, via: str) -> Response:
    """Check the entitlement, read the artifact from the store, record the download and send it.

    The bytes are read before the write transaction (from S3 that is a network round trip,
    which must not hold the database's write lock), after a first entitlement check so a
    refused caller costs no read; the check runs again where the download is recorded."""
    with hub.db.session() as session:
        v = session.get(PackVersion, version_id)
        assert v is not None
        entitlements.require_download(session, principal.tenant_id, v)
        data = packs.artifact_bytes(session, hub.settings, v)
    with hub.db.write_session() as session:
        v = session.get(PackVersion, version_id)
        assert v is not None
        entitlements.require_download(session, principal.tenant_id, v)
        usage.record_download(session, tenant_id=principal.tenant_id, account_id=principal.account_id, version=v,
                              via=via)
        filename = artifact_filename(v.pack.name, v.version)  # not the target path: opaque for private packs
        size = v.size
    hub.metrics.downloads.labels(via).inc()
    hub.metrics.download_bytes.inc(size)
    return Response(data, media_type="application/gzip",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/v1/packs/{ns}/{name}/{version}/download", response_class=Response,
            responses={200: {"content": {"application/gzip": {}}}})
def download(ns: str, name: str, version: str, session: SessionDep, principal: CurrentPrincipal,
             hub: Hub) -> Response:
    require_scope(principal, "packs:read")
    v = packs.get_version(session, principal.tenant_id, ns, name, version)
    return serve_artifact(hub, principal, v.id, "api")


class YankResponse(BaseModel):
    name: str
    version: str
    yanked: bool


def _set_yanked(ns: str, name: str, version: str, principal: CurrentPrincipal, hub: Hub, yanked: bool) -> YankResponse:
    with hub.db.write_session() as session:
        v = packs.set_yanked(session, hub.settings, principal, ns, name, version, yanked)
        return YankResponse(name=v.pack.name, version=v.version, yanked=v.yanked)


@router.post("/v1/packs/{ns}/{name}/{version}/yank", response_model=YankResponse)
def yank(ns: str, name: str, version: str, principal: CurrentPrincipal, hub: Hub) -> YankResponse:
    return _set_yanked(ns, name, version, principal, hub, True)


@router.post("/v1/packs/{ns}/{name}/{version}/unyank", response_model=YankResponse)
def unyank(ns: str, name: str, version: str, principal: CurrentPrincipal, hub: Hub) -> YankResponse:
    return _set_yanked(ns, name, version, principal, hub, False)
