"""Publishing a version: PUT the artifact bytes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rulehub.server.core.deps import CurrentPrincipal, Hub
from rulehub.server.errors import BadRequest, PayloadTooLarge, error_responses
from rulehub.server.services import packs

router = APIRouter(tags=["publish"])


async def read_body_capped(request: Request, limit: int, what: str = "artifact", code: str = "artifact_too_large") -> bytes:
    """The request body, or 413 as soon as it passes `limit` (never buffers more)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise PayloadTooLarge(f"{what} is over the {limit}-byte upload limit", code=code)
        except ValueError:
            raise BadRequest("Content-Length is not a number", code="bad_request") from None
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise PayloadTooLarge(f"{what} is over the {limit}-byte upload limit", code=code)
        chunks.append(chunk)
    return b"".join(chunks)


class PublishResponse(BaseModel):
    name: str
    version: str
    sha256: str
    size: int
    target_path: str


@router.put(
    "/v1/packs/{ns}/{name}/{version}",
    status_code=201,
    response_model=PublishResponse,
    openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary"}}}}},
    responses=error_responses(
        bad_request="invalid artifact (codes: invalid_member_name, invalid_tar_header, unsafe_member, "
                    "truncated_artifact, manifest_mismatch, ...)",
        conflict="version already published (code version_exists), also with other build metadata",
        payload_too_large="artifact, member or unpacked size over the limits (code artifact_too_large)"),
)
async def publish_version(ns: str, name: str, version: str, request: Request, principal: CurrentPrincipal,
                          hub: Hub, private: bool = False) -> PublishResponse:
    """Publish an artifact; `private=true` on the first version makes the pack visible to your tenant only."""
    data = await read_body_capped(request, hub.settings.max_upload)
    def work() -> packs.Published:
        with hub.db.write_session() as session:
            return packs.publish(session, hub.settings, principal, ns, name, version, data, private=private)

    result = await run_in_threadpool(work)
    hub.metrics.publishes.inc()
    return PublishResponse(name=result.pack, version=result.version, sha256=result.sha256, size=result.size,
                           target_path=result.target_path)
