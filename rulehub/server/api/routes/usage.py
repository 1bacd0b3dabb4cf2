"""The caller's tenant usage summary."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from rulehub.server.core.deps import CurrentPrincipal, SessionDep
from rulehub.server.services.usage import UsageSummary, usage_summary

router = APIRouter(tags=["usage"])


@router.get("/v1/usage", response_model=UsageSummary)
def get_usage(principal: CurrentPrincipal, session: SessionDep, since: datetime | None = None) -> UsageSummary:
    return usage_summary(session, principal.tenant_id, since=since)
