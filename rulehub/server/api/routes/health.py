"""Liveness/readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from rulehub.server import tuf_repo
from rulehub.server.core.deps import Hub, SessionDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(description='"ok" once the database answered')


@router.get("/healthz", response_model=Health)
def healthz(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ok")


@router.get("/metrics", response_class=Response)
def metrics(hub: Hub, session: SessionDep) -> Response:
    try:
        root = tuf_repo.root_status(session, hub.settings)  # also warns if it is near expiry and offline
    except SQLAlchemyError:
        pass  # a database outage must not take the other metrics down with it; the gauges keep their last value
    else:
        hub.metrics.tuf_root_expires.set(root.expires_in().total_seconds())
        hub.metrics.tuf_root_key_online.set(1 if root.key_online else 0)
    return Response(generate_latest(hub.metrics.registry), media_type=CONTENT_TYPE_LATEST)
