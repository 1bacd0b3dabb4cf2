"""The operator's side of namespace claims (rulehub.server.services.namespaces): the queue,
approve and reject.  Needs an `admin` API key (`rulehub admin create-api-key --scope admin`)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from rulehub.server.core.deps import CurrentPrincipal, Hub, SessionDep, require_scope
from rulehub.server.services import namespaces
from rulehub.server.services.namespaces import QueuedClaim

router = APIRouter(tags=["admin"])


class Decision(BaseModel):
    note: str = Field(default="", max_length=500, description="shown to the publisher on their Publisher page")


class DecisionResult(BaseModel):
    id: int
    name: str
    status: str


@router.get("/v1/admin/namespace-claims", response_model=list[QueuedClaim])
def claim_queue(principal: CurrentPrincipal, session: SessionDep,
                status: Literal["pending", "approved", "rejected"] = "pending") -> list[QueuedClaim]:
    require_scope(principal, "admin")
    return namespaces.queue(session, status=status)


def _decide(principal: CurrentPrincipal, hub: Hub, claim_id: int, approve: bool, body: Decision) -> DecisionResult:
    require_scope(principal, "admin")
    with hub.db.write_session() as session:
        row = namespaces.decide(session, claim_id, approve=approve, note=body.note)
        return DecisionResult(id=row.id, name=row.name, status=row.status)


@router.post("/v1/admin/namespace-claims/{claim_id}/approve", response_model=DecisionResult)
def approve(claim_id: int, principal: CurrentPrincipal, hub: Hub, body: Decision | None = None) -> DecisionResult:
    return _decide(principal, hub, claim_id, True, body or Decision())


@router.post("/v1/admin/namespace-claims/{claim_id}/reject", response_model=DecisionResult)
def reject(claim_id: int, principal: CurrentPrincipal, hub: Hub, body: Decision | None = None) -> DecisionResult:
    return _decide(principal, hub, claim_id, False, body or Decision())
