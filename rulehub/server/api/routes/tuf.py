"""TUF metadata and the target (artifact) endpoint the loader's Updater downloads from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from rulehub.server import tuf_repo
from rulehub.server.core.deps import CurrentPrincipal, Hub, SessionDep, require_scope
from rulehub.server.api.routes.packs import serve_artifact
from rulehub.server.errors import NotFound
from rulehub.server.services import packs

router = APIRouter(tags=["tuf"])
_JSON = "application/json"


def _metadata(body: bytes | None, what: str) -> Response:
    if body is None:
        raise NotFound(f"no {what}", code="metadata_not_found")
    return Response(body, media_type=_JSON, headers={"Cache-Control": "no-cache"})


@router.get("/tuf/root.json")
def root(session: SessionDep) -> Response:
    return _metadata(tuf_repo.latest_bytes(session, "root"), "root metadata")


@router.get("/tuf/{version}.root.json")
def root_version(version: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep) -> Response:
    return _metadata(tuf_repo.root_bytes(session, version), f"root metadata version {version}")


@router.get("/tuf/timestamp.json")
def timestamp(hub: Hub, session: SessionDep) -> Response:
    if tuf_repo.needs_refresh(session, hub.settings):
        with hub.db.write_session() as write:
            tuf_repo.refresh_if_expiring(write, hub.settings)
        session.expire_all()
        session.rollback()
    return _metadata(tuf_repo.latest_bytes(session, "timestamp"), "timestamp metadata")


@router.get("/tuf/snapshot.json")
def snapshot(session: SessionDep) -> Response:
    return _metadata(tuf_repo.latest_bytes(session, "snapshot"), "snapshot metadata")


@router.get("/tuf/targets.json")
def targets(session: SessionDep) -> Response:
    return _metadata(tuf_repo.latest_bytes(session, "targets"), "targets metadata")


@router.get("/v1/artifacts/{target_path:path}", response_class=Response,
            responses={200: {"content": {"application/gzip": {}}}})
def artifact(target_path: str, session: SessionDep, principal: CurrentPrincipal, hub: Hub) -> Response:
    require_scope(principal, "packs:read")
    v = packs.version_by_target(session, principal.tenant_id, target_path)
    return serve_artifact(hub, principal, v.id, "tuf")
