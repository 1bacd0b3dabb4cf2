"""Token exchange, self-revocation and the JWKS."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter
from pydantic import BaseModel, Field

from rulehub.server.core.deps import CurrentPrincipal, Hub, SessionDep
from rulehub.server.core import keys
from rulehub.server.errors import error_responses
from rulehub.server.core.security import LAST_USED_RESOLUTION, check_api_key, issue_token, record_api_key_use
from rulehub.server.models import Tenant
from rulehub.server.services.accounts import subscription_for
from rulehub.server.services.tokens import revoke_jti

router = APIRouter(tags=["auth"])


class TokenRequest(BaseModel):
    api_key: str = Field(max_length=200, description="An API key, rh_...")


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post("/v1/auth/token", response_model=TokenResponse, responses=error_responses(unauthorized="bad API key (code invalid_api_key)"))
def exchange_token(body: TokenRequest, hub: Hub, session: SessionDep) -> TokenResponse:
    key = check_api_key(session, body.api_key)
    tenant = session.get(Tenant, key.tenant_id)
    found = subscription_for(session, key.tenant_id)
    plan = found[1].name if found else "none"
    token, ttl = issue_token(
        session, hub.settings, account_id=key.account_id, tenant_id=key.tenant_id,
        tenant=tenant.slug if tenant else "", plan=plan, scopes=key.scopes.split(), api_key_id=key.key_id,
    )
    if key.last_used_at is None or key.last_used_at < datetime.now(timezone.utc) - LAST_USED_RESOLUTION:
        with hub.db.write_session() as write:
            record_api_key_use(write, key.key_id)
    hub.metrics.tokens.inc()
    return TokenResponse(access_token=token, expires_in=ttl)


class RevokeResponse(BaseModel):
    revoked: str


@router.post("/v1/auth/revoke", response_model=RevokeResponse)
def revoke_current_token(principal: CurrentPrincipal, hub: Hub) -> RevokeResponse:
    """Revoke the presented access token (its jti) before it expires, e.g. on logout."""
    with hub.db.write_session() as session:
        revoke_jti(session, principal.jti, principal.expires_at)
    return RevokeResponse(revoked=principal.jti)


class Jwk(BaseModel):
    """An Ed25519 public key (RFC 8037 OKP) that verifies access tokens with this `kid`."""

    kty: str
    crv: str
    x: str
    kid: str
    alg: str
    use: str


class Jwks(BaseModel):
    keys: list[Jwk]


@router.get("/.well-known/jwks.json", response_model=Jwks)
def jwks(hub: Hub, session: SessionDep) -> Jwks:
    return Jwks(keys=[Jwk(**keys.jwk(row)) for row in keys.jwks_keys(session, hub.settings)])
