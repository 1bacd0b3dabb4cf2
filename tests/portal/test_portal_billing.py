"""Billing end to end, on SQLite and PostgreSQL: the portal, the hub's webhook and the official
`stripe` library against a stand-in Stripe on loopback (tests/support/stripe_standin.py).

Each journey checks what a customer would notice (which packs download, what the dashboard
says) and that every change recorded exactly one subscription event.  The attacks: a forged
or stale webhook signature, a replayed event, an event naming another tenant's customer, a
sign-up choosing Enterprise without paying, and the checkout success URL visited unpaid.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
from portal_server import REPO, PortalServer, csrf_from, form_error
from sqlalchemy import select

from rulehub.server.models import Account, Subscription, SubscriptionEvent, utcnow
from rulehub.server.services import accounts
from tests.support.stripe_standin import StripeStandIn, sign


@pytest.fixture(scope="module")
def packs(portal: PortalServer) -> dict[str, str]:
    pub = portal.publisher()
    return {tier: portal.publish(pub, f"{tier}-checks", "1.0.0", tier=tier) for tier in ("free", "pro", "enterprise")}


def _api_key(c: httpx.Client) -> str:
    r = c.post("/keys", data={"csrf_token": csrf_from(c.get("/keys").text), "name": "ci", "scopes": "packs:read"})
    assert r.status_code == 303 and r.headers["location"] == "/keys/new"
    page = c.get("/keys/new").text
    return page.split('id="new-key" type="text" readonly value="', 1)[1].split('"', 1)[0]


def _download(portal: PortalServer, key: str, name: str) -> int:
    with portal.client() as c:
        token = c.post("/v1/auth/token", json={"api_key": key}).json()["access_token"]
        return c.get(f"/v1/packs/{name}/1.0.0/download", headers={"Authorization": f"Bearer {token}"}).status_code


def _state(portal: PortalServer, email: str) -> tuple[str, str, str | None, int]:
    """(plan, status, pending plan, number of events) of the account's tenant."""
    with portal.database.session() as s:
        account = s.scalars(select(Account).where(Account.email == email)).one()
        sub, plan = accounts.subscription_for(s, account.tenant_id)  # type: ignore[misc]
        events = len(accounts.subscription_events(s, account.tenant_id, limit=1000))
        return plan.name, sub.status, sub.pending_plan.name if sub.pending_plan else None, events


def _subscription(portal: PortalServer, email: str) -> tuple[str | None, str | None]:
    with portal.database.session() as s:
        account = s.scalars(select(Account).where(Account.email == email)).one()
        sub = s.scalars(select(Subscription).where(Subscription.tenant_id == account.tenant_id)).one()
        return sub.customer_ref, sub.subscription_ref


def _start_checkout(c: httpx.Client, plan: str = "pro") -> str:
    confirm = c.get(f"/billing/change?plan={plan}")
    assert confirm.status_code == 200 and "Continue to payment" in confirm.text
    r = c.post("/billing/change", data={"csrf_token": csrf_from(confirm.text), "plan": plan})
    assert r.status_code == 303, r.text
    return r.headers["location"]


def _buy_pro(portal: PortalServer, standin: StripeStandIn) -> tuple[httpx.Client, str, str]:
    c, email = portal.sign_up("buyer")
    pay_url = _start_checkout(c)
    standin.pay(pay_url.rsplit("/", 1)[1])
    assert _state(portal, email)[:2] == ("pro", "active")
    return c, email, pay_url.rsplit("/", 1)[1]


def test_free_plan_never_lapses_and_free_can_be_chosen_after_a_paid_plan(portal: PortalServer, packs) -> None:  # type: ignore[no-untyped-def]
    c, email = portal.sign_up("buyer")
    key = _api_key(c)
    with portal.database.write_session() as s:  # 60 days later: far past the 30-day period and 3 grace days
        account = s.scalars(select(Account).where(Account.email == email)).one()
        s.scalars(select(Subscription).where(Subscription.tenant_id == account.tenant_id)).one() \
            .current_period_end = utcnow() - timedelta(days=60)
    assert _download(portal, key, packs["free"]) == 200
    page = c.get("/dashboard").text
    assert "never expires" in page and "paused" not in page
    # A paid plan that ran out beyond its grace leaves the free packs downloading, and Free can be chosen.
    with portal.database.write_session() as s:
        account = s.scalars(select(Account).where(Account.email == email)).one()
        accounts.grant_plan(s, account.tenant.slug, "pro", status="past_due", period_end=utcnow() - timedelta(days=60))
    assert _download(portal, key, packs["free"]) == 200
    assert _download(portal, key, packs["pro"]) == 403
    confirm = c.get("/billing/change?plan=free")
    assert "moves to the free plan now" in confirm.text
    r = c.post("/billing/change", data={"csrf_token": csrf_from(confirm.text), "plan": "free"})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard?changed=1"
    assert _state(portal, email)[:3] == ("free", "active", None)


def test_upgrade_starts_when_the_signed_webhook_says_paid(portal: PortalServer, stripe_standin: StripeStandIn,
                                                          packs) -> None:  # type: ignore[no-untyped-def]
    c, email = portal.sign_up("buyer")
    key = _api_key(c)
    events_before = _state(portal, email)[3]
    pay_url = _start_checkout(c)
    assert pay_url.startswith(stripe_standin.base_url + "/pay/cs_test_")
    # Only the confirmation page of a checkout lets its form lead to Stripe's checkout site.
    assert stripe_standin.base_url in c.get("/billing/change?plan=pro").headers["content-security-policy"]
    assert stripe_standin.base_url not in c.get("/dashboard").headers["content-security-policy"]
    cs_id = pay_url.rsplit("/", 1)[1]
    # Attack: the success URL visited without paying changes nothing.
    page = c.get(f"/billing/return?session_id={cs_id}")
    assert page.status_code == 200 and "waiting for the payment provider" in page.text
    assert _state(portal, email) == ("free", "active", None, events_before)
    assert _download(portal, key, packs["pro"]) == 403
    # Paying on Stripe's page sends the signed checkout.session.completed.
    success = stripe_standin.pay(cs_id)
    assert success.endswith(f"/billing/return?session_id={cs_id}")
    assert "Payment received" in c.get(f"/billing/return?session_id={cs_id}").text
    assert _state(portal, email) == ("pro", "active", None, events_before + 1)
    assert _download(portal, key, packs["pro"]) == 200
    assert _download(portal, key, packs["enterprise"]) == 403
    with portal.database.session() as s:
        last = s.scalars(select(SubscriptionEvent).order_by(SubscriptionEvent.id.desc())).first()
        assert last is not None and (last.type, last.source, last.from_plan, last.to_plan) == \
            ("subscription.plan_changed", "webhook", "free", "pro")
        assert last.external_id is not None and last.external_id.startswith("evt_")
    # The library asked Stripe for the subscription instead of trusting the event.
    assert ("GET", f"/v1/subscriptions/{_subscription(portal, email)[1]}") in stripe_standin.api_calls
    # Another tenant's checkout id shows nothing and changes nothing.
    other, _ = portal.sign_up("buyer")
    assert "no checkout with this address" in other.get(f"/billing/return?session_id={cs_id}").text


def test_forged_and_stale_signatures_are_refused(portal: PortalServer, stripe_standin: StripeStandIn) -> None:
    c, email = portal.sign_up("buyer")
    cs_id = _start_checkout(c).rsplit("/", 1)[1]
    forged = {**stripe_standin.sessions[cs_id], "status": "complete", "payment_status": "paid",
              "customer": "cus_forged", "subscription": "sub_forged"}
    forged.pop("price")
    payload = stripe_standin.event("checkout.session.completed", forged)
    for signature in (sign(payload, secret="whsec_attacker"),  # signed with another secret
                      sign(payload, timestamp=int(utcnow().timestamp()) - 3600),  # an hour-old signature
                      "t=1,v1=" + "0" * 64, ""):
        r = stripe_standin.post_event(portal.base_url, payload, signature=signature)
        assert r.status_code == 400 and r.json()["error"]["code"] in ("bad_signature",), (signature, r.text)
    # The body changed after signing: refused as well.
    good = sign(payload)
    r = stripe_standin.post_event(portal.base_url, payload.replace(b"cus_forged", b"cus_forgez"), signature=good)
    assert r.status_code == 400
    assert _state(portal, email)[:2] == ("free", "active")


def test_an_oversized_webhook_body_is_refused_before_it_is_read(portal: PortalServer) -> None:
    # Anyone can reach the webhook: a huge body is a 413, declared or streamed, and changes nothing.
    url = f"{portal.base_url}/v1/billing/stripe/webhook"
    big = b"{" + b" " * (2 << 20) + b"}"
    r = httpx.post(url, content=big, headers={"stripe-signature": "t=1,v1=" + "0" * 64}, timeout=30)
    assert r.status_code == 413 and r.json()["error"]["code"] == "event_too_large", r.text
    r = httpx.post(url, content=iter([big]), headers={"stripe-signature": "t=1,v1=" + "0" * 64}, timeout=30)
    assert r.status_code == 413, r.text


def test_replayed_events_change_nothing(portal: PortalServer, stripe_standin: StripeStandIn) -> None:
    _, email, cs_id = _buy_pro(portal, stripe_standin)
    count = _state(portal, email)[3]
    cs = {k: v for k, v in stripe_standin.sessions[cs_id].items() if k != "price"}
    # The same checkout paid again under a new event id: the plan is not started twice.
    r = stripe_standin.send(portal.base_url, "checkout.session.completed", cs)
    assert r.status_code == 200 and r.json()["result"] == "duplicate"
    sub_id = _subscription(portal, email)[1]
    assert sub_id is not None
    r = stripe_standin.renew(sub_id)
    assert r.status_code == 200 and r.json()["result"] == "renewed"
    with portal.database.session() as s:
        renewed = s.scalars(select(SubscriptionEvent).order_by(SubscriptionEvent.id.desc())).first()
        assert renewed is not None and renewed.type == "subscription.renewed"
        payload = renewed.payload.encode()
    # A replay of that very event (its id), freshly signed, is recognised.
    replay = json.dumps(json.loads(payload)).encode()
    r = stripe_standin.post_event(portal.base_url, replay)
    assert r.status_code == 200 and r.json()["result"] == "duplicate"
    assert _state(portal, email)[3] == count + 1


def test_a_second_paid_checkout_does_not_charge_twice(portal: PortalServer, stripe_standin: StripeStandIn) -> None:
    c, email = portal.sign_up("twice")
    first, second = (_start_checkout(c).rsplit("/", 1)[1] for _ in range(2))  # two tabs
    stripe_standin.pay(first)
    count = _state(portal, email)[3]
    stripe_standin.pay(second)
    kept = _subscription(portal, email)[1]
    assert kept == stripe_standin.sessions[first]["subscription"]
    assert stripe_standin.subscriptions[stripe_standin.sessions[second]["subscription"]]["status"] == "canceled"
    assert stripe_standin.subscriptions[kept]["status"] == "active"
    assert _state(portal, email) == ("pro", "active", None, count)
    assert "second subscription was canceled" in c.get(f"/billing/return?session_id={second}").text


def test_an_event_naming_another_tenants_customer_is_refused(portal: PortalServer,
                                                            stripe_standin: StripeStandIn) -> None:
    _, victim, _ = _buy_pro(portal, stripe_standin)
    _, attacker, _ = _buy_pro(portal, stripe_standin)
    victim_customer, victim_sub = _subscription(portal, victim)
    attacker_customer, _ = _subscription(portal, attacker)
    before = _state(portal, victim)
    # The victim's subscription deleted "for" the attacker's customer, and a payment failure likewise.
    for kind, obj in (("customer.subscription.deleted", {"id": victim_sub, "object": "subscription",
                                                          "customer": attacker_customer, "status": "canceled"}),
                      ("invoice.payment_failed", {"id": "in_x", "object": "invoice", "customer": attacker_customer,
                                                  "subscription": victim_sub})):
        r = stripe_standin.send(portal.base_url, kind, obj)
        assert r.status_code == 400 and r.json()["error"]["code"] == "event_mismatch", r.text
    # A checkout this hub never started, naming the victim.
    r = stripe_standin.send(portal.base_url, "checkout.session.completed",
                            {"id": "cs_test_unknown", "object": "checkout.session", "status": "complete",
                             "payment_status": "paid", "customer": victim_customer, "subscription": victim_sub,
                             "client_reference_id": "whatever"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "event_mismatch"
    assert _state(portal, victim) == before


def test_a_signup_cannot_switch_to_enterprise_without_paying(portal: PortalServer, packs) -> None:  # type: ignore[no-untyped-def]
    c, email = portal.sign_up("buyer")
    key = _api_key(c)
    confirm = c.get("/billing/change?plan=enterprise")
    assert "sold by invoice" in confirm.text and 'name="plan" value="enterprise"' not in confirm.text
    r = c.post("/billing/change", data={"csrf_token": csrf_from(confirm.text), "plan": "enterprise"})
    assert r.status_code == 409 and "invoice" in form_error(r.text)
    # The old one-click endpoint is gone.
    r = c.post("/dashboard/plan", data={"csrf_token": csrf_from(c.get("/dashboard").text), "plan": "enterprise"})
    assert r.status_code == 404
    assert _state(portal, email)[:2] == ("free", "active")
    assert _download(portal, key, packs["enterprise"]) == 403


def test_cancel_takes_effect_at_period_end_and_can_be_undone(portal: PortalServer, stripe_standin: StripeStandIn,
                                                             packs) -> None:  # type: ignore[no-untyped-def]
    c, email, _ = _buy_pro(portal, stripe_standin)
    key = _api_key(c)
    _, sub_id = _subscription(portal, email)
    assert sub_id is not None
    count = _state(portal, email)[3]
    confirm = c.get("/dashboard/cancel")  # a confirmation page: nothing changes yet
    assert confirm.status_code == 200 and "Cancel at period end" in confirm.text
    assert _state(portal, email)[3] == count
    r = c.post("/dashboard/cancel", data={"csrf_token": csrf_from(confirm.text)})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard?scheduled=1"
    assert _state(portal, email) == ("pro", "active", "free", count + 1)
    assert stripe_standin.subscriptions[sub_id]["cancel_at_period_end"] is True
    assert _download(portal, key, packs["pro"]) == 200  # paid until the period end
    assert "moves to Free" in c.get("/dashboard").text
    # Changed their mind: keep Pro.
    keep = c.get("/billing/change?plan=pro")
    assert "Keep my plan" in keep.text
    c.post("/billing/change", data={"csrf_token": csrf_from(keep.text), "plan": "pro"})
    assert _state(portal, email) == ("pro", "active", None, count + 2)
    assert stripe_standin.subscriptions[sub_id]["cancel_at_period_end"] is False
    # Cancel again, and the period ends: Stripe deletes the subscription, the team is on free.
    c.post("/dashboard/cancel", data={"csrf_token": csrf_from(c.get("/dashboard/cancel").text)})
    r = stripe_standin.end(sub_id)
    assert r.status_code == 200 and r.json()["result"] == "ended"
    assert _state(portal, email) == ("free", "active", None, count + 4)
    assert _download(portal, key, packs["pro"]) == 403
    assert _download(portal, key, packs["free"]) == 200


def test_failed_payment_keeps_the_plan_for_its_grace_days(portal: PortalServer, stripe_standin: StripeStandIn,
                                                          packs) -> None:  # type: ignore[no-untyped-def]
    c, email, _ = _buy_pro(portal, stripe_standin)
    key = _api_key(c)
    _, sub_id = _subscription(portal, email)
    assert sub_id is not None
    r = stripe_standin.fail_payment(sub_id)
    assert r.status_code == 200 and r.json()["result"] == "past_due"
    assert _state(portal, email)[:2] == ("pro", "past_due")
    with portal.database.write_session() as s:  # the period ended 2 days ago: within pro's 7 grace days
        s.scalars(select(Subscription).where(Subscription.subscription_ref == sub_id)).one() \
            .current_period_end = utcnow() - timedelta(days=2)
    assert _download(portal, key, packs["pro"]) == 200
    with portal.database.write_session() as s:  # 8 days: beyond grace; free packs still download
        s.scalars(select(Subscription).where(Subscription.subscription_ref == sub_id)).one() \
            .current_period_end = utcnow() - timedelta(days=8)
    assert _download(portal, key, packs["pro"]) == 403
    assert _download(portal, key, packs["free"]) == 200
    r = stripe_standin.renew(sub_id)  # the card is updated and the invoice paid
    assert r.json()["result"] == "renewed"
    assert _state(portal, email)[:2] == ("pro", "active")
    assert _download(portal, key, packs["pro"]) == 200
    # Lapsed again, the owner chooses Free: Stripe stops collecting the old subscription.
    stripe_standin.fail_payment(sub_id)
    with portal.database.write_session() as s:
        s.scalars(select(Subscription).where(Subscription.subscription_ref == sub_id)).one() \
            .current_period_end = utcnow() - timedelta(days=8)
    confirm = c.get("/billing/change?plan=free")
    r = c.post("/billing/change", data={"csrf_token": csrf_from(confirm.text), "plan": "free"})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard?changed=1"
    assert stripe_standin.subscriptions[sub_id]["status"] == "canceled"
    assert _state(portal, email)[:3] == ("free", "active", None)
    assert _subscription(portal, email)[1] is None


def _admin(portal: PortalServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RULEHUB_DATA_DIR": str(portal.settings.data_dir),
           "RULEHUB_DATABASE_URL": portal.settings.database_url,
           "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run([sys.executable, "-m", "rulehub.server.cli", "admin", *args], env=env, cwd=REPO,
                          check=False, capture_output=True, text=True, timeout=120)


def test_enterprise_by_invoice_starts_when_the_operator_records_payment(portal: PortalServer, packs) -> None:  # type: ignore[no-untyped-def]
    c, email = portal.sign_up("buyer")
    key = _api_key(c)
    with portal.database.session() as s:
        slug = s.scalars(select(Account).where(Account.email == email)).one().tenant.slug
    made = _admin(portal, "invoice", "create", slug, "enterprise", "--amount", "5990.00", "--days", "365")
    assert made.returncode == 0, made.stderr
    number = made.stdout.split()[1].rstrip(":")
    assert _download(portal, key, packs["enterprise"]) == 403  # an open invoice is not a payment
    assert number in c.get("/dashboard").text
    count = _state(portal, email)[3]
    paid = _admin(portal, "invoice", "mark-paid", number, "--reference", "wire 42")
    assert paid.returncode == 0, paid.stderr
    assert _state(portal, email) == ("enterprise", "active", None, count + 1)
    assert _download(portal, key, packs["enterprise"]) == 200
    again = _admin(portal, "invoice", "mark-paid", number)
    assert again.returncode == 2 and "not open" in again.stderr
    assert _state(portal, email)[3] == count + 1
    with portal.database.session() as s:
        last = s.scalars(select(SubscriptionEvent).order_by(SubscriptionEvent.id.desc())).first()
        assert last is not None and (last.source, last.external_id) == ("invoice", f"invoice:{number}")
    # Cancelled: enterprise until the period end, then `billing settle` (cron) moves the team to free.
    r = c.post("/dashboard/cancel", data={"csrf_token": csrf_from(c.get("/dashboard/cancel").text)})
    assert r.status_code == 303
    assert _state(portal, email) == ("enterprise", "active", "free", count + 2)
    assert "0 scheduled change(s)" in _admin(portal, "billing", "settle").stdout  # not due yet
    with portal.database.write_session() as s:
        account = s.scalars(select(Account).where(Account.email == email)).one()
        s.scalars(select(Subscription).where(Subscription.tenant_id == account.tenant_id)).one() \
            .current_period_end = utcnow() - timedelta(seconds=1)
    assert _download(portal, key, packs["enterprise"]) == 403  # ended as scheduled, no grace
    settled = _admin(portal, "billing", "settle")
    assert settled.returncode == 0 and slug in settled.stdout
    assert _state(portal, email) == ("free", "active", None, count + 3)
    assert _download(portal, key, packs["free"]) == 200
