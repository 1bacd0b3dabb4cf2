"""A stand-in Stripe on loopback, for the official `stripe` library and for browsers.

It answers the API calls the hub makes (create a Checkout session, retrieve and update a
subscription), serves a checkout page whose "Pay" button completes the payment, and sends
the hub webhook events signed as Stripe signs them (`Stripe-Signature: t=...,v1=HMAC-SHA256`
of `t.payload` with the webhook secret), so the hub's real verification runs.

A checkout's events go to the site of its success URL (`/v1/billing/stripe/webhook`), so one
stand-in serves every hub of a test session.  The tests drive the rest (renewals, failed
payments, the end of a subscription, forged and replayed events) with `send`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

API_KEY = "sk_test_standin"
WEBHOOK_SECRET = "whsec_standin_secret"
PRICES = {"pro": "price_pro_monthly"}
PERIOD = 30 * 86400


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send with `payload`."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def _new(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


@dataclass
class StripeStandIn:
    """The server's state and the test helpers.  `base_url` is where it listens."""

    base_url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    hub_of: dict[str, str] = field(default_factory=dict)  # subscription id -> hub base URL
    api_calls: list[tuple[str, str]] = field(default_factory=list)

    # -- webhooks -------------------------------------------------------------------------
    def event(self, type_: str, obj: dict[str, Any], event_id: str | None = None) -> bytes:
        return json.dumps({"id": event_id or _new("evt"), "object": "event", "type": type_,
                           "created": int(time.time()), "data": {"object": obj}}).encode()

    def post_event(self, hub: str, payload: bytes, signature: str | None = None) -> httpx.Response:
        headers = {"Content-Type": "application/json", "Stripe-Signature": sign(payload) if signature is None else signature}
        return httpx.post(f"{hub}/v1/billing/stripe/webhook", content=payload, headers=headers, timeout=30)

    def send(self, hub: str, type_: str, obj: dict[str, Any], event_id: str | None = None) -> httpx.Response:
        return self.post_event(hub, self.event(type_, obj, event_id))

    # -- what Stripe does on its own --------------------------------------------------------
    def renew(self, sub_id: str) -> httpx.Response:
        """A period passes and its invoice is paid."""
        sub = self.subscriptions[sub_id]
        sub["current_period_end"] += PERIOD
        sub["items"]["data"][0]["current_period_end"] = sub["current_period_end"]
        return self.send(self.hub_of[sub_id], "invoice.paid",
                         {"id": _new("in"), "object": "invoice", "customer": sub["customer"], "subscription": sub_id})

    def fail_payment(self, sub_id: str) -> httpx.Response:
        sub = self.subscriptions[sub_id]
        sub["status"] = "past_due"
        return self.send(self.hub_of[sub_id], "invoice.payment_failed",
                         {"id": _new("in"), "object": "invoice", "customer": sub["customer"], "subscription": sub_id})

    def end(self, sub_id: str) -> httpx.Response:
        """The period of a subscription set to cancel at period end is over."""
        sub = self.subscriptions[sub_id]
        sub["status"] = "canceled"
        return self.send(self.hub_of[sub_id], "customer.subscription.deleted", sub)

    # -- the checkout page -------------------------------------------------------------------
    def pay(self, cs_id: str) -> str:
        """Complete checkout `cs_id` as the buyer's click does; returns the success URL."""
        cs = self.sessions[cs_id]
        if cs["status"] != "complete":
            customer = cs.get("customer") or _new("cus")
            sub_id = _new("sub")
            end = int(time.time()) + PERIOD
            self.subscriptions[sub_id] = {
                "id": sub_id, "object": "subscription", "customer": customer, "status": "active",
                "cancel_at_period_end": False, "current_period_end": end,
                "items": {"object": "list", "data": [{"id": _new("si"), "object": "subscription_item",
                                                       "current_period_end": end,
                                                       "price": {"id": cs["price"], "object": "price"}}]},
                "metadata": cs["metadata"],
            }
            cs.update(customer=customer, subscription=sub_id, status="complete", payment_status="paid")
            hub = "{0.scheme}://{0.netloc}".format(urlsplit(cs["success_url"]))
            self.hub_of[sub_id] = hub
            r = self.send(hub, "checkout.session.completed", self._public(cs))
            assert r.status_code == 200, r.text
        return str(cs["success_url"]).replace("{CHECKOUT_SESSION_ID}", cs_id)

    @staticmethod
    def _public(cs: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in cs.items() if k != "price"}

    # -- the API ------------------------------------------------------------------------------
    def app(self) -> FastAPI:
        app = FastAPI()

        def authorised(request: Request) -> None:
            if request.headers.get("authorization") != f"Bearer {API_KEY}":
                raise HTTPException(401, "bad api key")
            self.api_calls.append((request.method, request.url.path))

        @app.post("/v1/checkout/sessions")
        async def create_session(request: Request) -> JSONResponse:
            authorised(request)
            form = await request.form()
            price = form.get("line_items[0][price]")
            if price not in PRICES.values() or form.get("mode") != "subscription":
                return JSONResponse({"error": {"type": "invalid_request_error", "message": "bad price"}}, 400)
            cs_id = _new("cs_test")
            cs = {"id": cs_id, "object": "checkout.session", "mode": "subscription", "status": "open",
                  "payment_status": "unpaid", "url": f"{self.base_url}/pay/{cs_id}",
                  "client_reference_id": form.get("client_reference_id"), "customer": form.get("customer"),
                  "customer_email": form.get("customer_email"), "subscription": None,
                  "success_url": form.get("success_url"), "cancel_url": form.get("cancel_url"),
                  "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}, "price": price}
            self.sessions[cs_id] = cs
            return JSONResponse(self._public(cs))

        @app.get("/v1/subscriptions/{sub_id}")
        def get_subscription(sub_id: str, request: Request) -> JSONResponse:
            authorised(request)
            if sub_id not in self.subscriptions:
                return JSONResponse({"error": {"type": "invalid_request_error", "message": "no such subscription"}}, 404)
            return JSONResponse(self.subscriptions[sub_id])

        @app.post("/v1/subscriptions/{sub_id}")
        async def update_subscription(sub_id: str, request: Request) -> JSONResponse:
            authorised(request)
            form = await request.form()
            sub = self.subscriptions.get(sub_id)
            if sub is None:
                return JSONResponse({"error": {"type": "invalid_request_error", "message": "no such subscription"}}, 404)
            if "cancel_at_period_end" in form:
                sub["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
            return JSONResponse(sub)

        @app.delete("/v1/subscriptions/{sub_id}")
        def cancel_subscription(sub_id: str, request: Request) -> JSONResponse:
            authorised(request)
            sub = self.subscriptions.get(sub_id)
            if sub is None:
                return JSONResponse({"error": {"type": "invalid_request_error", "message": "no such subscription"}}, 404)
            sub["status"] = "canceled"
            return JSONResponse(sub)

        @app.get("/pay/{cs_id}", response_class=HTMLResponse)
        def pay_page(cs_id: str) -> str:
            cs = self.sessions[cs_id]
            return (f"<!doctype html><title>Stand-in checkout</title><h1>Pay for {cs['metadata'].get('plan')}</h1>"
                    f"<form method=post action='/pay/{cs_id}'><button type=submit>Pay</button></form>"
                    f"<a href='{cs['cancel_url']}'>Back</a>")

        @app.post("/pay/{cs_id}")
        def pay_submit(cs_id: str) -> RedirectResponse:
            return RedirectResponse(self.pay(cs_id), status_code=303)

        return app


class StandInServer:
    """Runs a StripeStandIn under uvicorn in a thread on 127.0.0.1:`port`."""

    def __init__(self, port: int) -> None:
        self.state = StripeStandIn(base_url=f"http://127.0.0.1:{port}")
        config = uvicorn.Config(self.state.app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> StripeStandIn:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the Stripe stand-in did not start")
            time.sleep(0.05)
        return self.state

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def hub_settings(standin: StripeStandIn) -> dict[str, str]:
    """The RULEHUB_* variables of a hub that bills through `standin`."""
    return {"RULEHUB_STRIPE_API_KEY": API_KEY, "RULEHUB_STRIPE_API_BASE": standin.base_url,
            "RULEHUB_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "RULEHUB_STRIPE_CHECKOUT_ORIGIN": standin.base_url,
            "RULEHUB_STRIPE_PRICES": ",".join(f"{k}={v}" for k, v in PRICES.items())}
