"""POST /v1/billing/stripe/webhook: Stripe's signed events (docs/billing.md).

The body is verified with the webhook secret (stripe.Webhook.construct_event) before it is
parsed; a bad signature is a 400 and changes nothing.  An event already applied (same id)
answers 200 with `"result": "duplicate"`, so Stripe stops re-delivering it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rulehub.server.api.routes.publish import read_body_capped
from rulehub.server.core.deps import Hub
from rulehub.server.errors import BadRequest
from rulehub.server.services import billing

router = APIRouter(tags=["billing"])

# Stripe's events are a few kilobytes; anyone can POST here, so the body is capped before it is read.
MAX_EVENT_BYTES = 1 << 20


class WebhookResult(BaseModel):
    result: str


@router.post("/v1/billing/stripe/webhook", response_model=WebhookResult)
async def stripe_webhook(request: Request, hub: Hub) -> WebhookResult:
    gateway = billing.StripeGateway.from_settings(hub.settings)
    if gateway is None:
        raise BadRequest("Stripe is not configured on this hub", code="webhook_disabled")
    payload = await read_body_capped(request, MAX_EVENT_BYTES, what="webhook event", code="event_too_large")
    event = gateway.event(payload, request.headers.get("stripe-signature", ""))

    def apply() -> str:  # database and Stripe calls block: off the event loop
        with hub.db.write_session() as session:
            return billing.handle_stripe_event(session, gateway, event)

    return WebhookResult(result=await run_in_threadpool(apply))
