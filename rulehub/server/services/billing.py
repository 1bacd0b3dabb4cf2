"""Paid plans: what a plan change request does, Stripe Checkout and its webhooks, invoices.

The state machine is documented in docs/billing.md.  In short:

- the free plan never lapses and is never paid for; choosing it is a downgrade;
- an upgrade to a plan billed through Stripe starts a Checkout session and nothing else:
  the plan changes when Stripe's signed `checkout.session.completed` webhook says it is paid;
- an upgrade to a plan billed by invoice (enterprise) is sold by an operator:
  `rulehub admin invoice create` then `mark-paid` starts it;
- a downgrade or a cancellation (a downgrade to free) is scheduled for the period end
  (`pending_plan`); Stripe is told to cancel at period end; undoing it before then is allowed;
- renewals (`invoice.paid`) extend the period; a failed payment (`invoice.payment_failed`)
  makes it past_due, with the plan's grace days; the end of a Stripe subscription
  (`customer.subscription.deleted`) puts the tenant on free.

Every change is written by `accounts.grant_plan`, which records one event; webhooks pass
their event id, so a replayed event is recognised and changes nothing.  A webhook's tenant
is found from our own records (the checkout session we created, the Stripe subscription id
we stored) and the event must agree with them, never from the event's metadata.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rulehub.server.errors import ApiError, BadRequest, Conflict, NotFound
from rulehub.server.models import (
    Account,
    CheckoutSession,
    Invoice,
    Plan,
    Subscription,
    SubscriptionEvent,
    Tenant,
    utcnow,
)
from rulehub.server.services import accounts
from rulehub.server.settings import Settings

log = logging.getLogger("rulehub.billing")


class PaymentProviderError(ApiError):
    status = 502
    code = "payment_provider_error"


# ---------------------------------------------------------------------------------------------
# Stripe, through the official library
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StripeGateway:
    """The few Stripe calls the hub makes, with the settings' key, base address and prices."""

    client: stripe.StripeClient
    webhook_secret: str
    prices: dict[str, str]

    @classmethod
    def from_settings(cls, settings: Settings) -> StripeGateway | None:
        if not settings.stripe_api_key:
            return None
        client = stripe.StripeClient(settings.stripe_api_key, base_addresses={"api": settings.stripe_api_base},
                                     max_network_retries=1)
        return cls(client=client, webhook_secret=settings.stripe_webhook_secret, prices=dict(settings.stripe_prices))

    def create_checkout(self, *, plan: str, tenant_slug: str, customer_ref: str | None, email: str,
                        success_url: str, cancel_url: str) -> tuple[str, str]:
        """A Checkout session for a subscription to `plan`: (its id, the page to send the buyer to)."""
        price = self.prices.get(plan)
        if price is None:
            raise BadRequest(f"the {plan} plan has no Stripe price configured (RULEHUB_STRIPE_PRICES)",
                             code="plan_not_for_sale")
        params: dict[str, Any] = {
            "mode": "subscription", "line_items": [{"price": price, "quantity": 1}],
            "client_reference_id": tenant_slug, "metadata": {"tenant": tenant_slug, "plan": plan},
            "success_url": success_url, "cancel_url": cancel_url,
        }
        if customer_ref:
            params["customer"] = customer_ref
        else:
            params["customer_email"] = email
        try:
            created = self.client.v1.checkout.sessions.create(params)  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"Stripe refused to start the checkout: {exc.user_message or exc}") from exc
        return str(created.id), str(created.url)

    def subscription(self, ref: str) -> dict[str, Any]:
        try:
            return _plain(self.client.v1.subscriptions.retrieve(ref))
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"could not read Stripe subscription {ref}: {exc}") from exc

    def cancel_at_period_end(self, ref: str, cancel: bool) -> None:
        try:
            self.client.v1.subscriptions.update(ref, {"cancel_at_period_end": cancel})
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"Stripe refused to change subscription {ref}: {exc}") from exc

    def cancel_now(self, ref: str) -> None:
        try:
            self.client.v1.subscriptions.cancel(ref)
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"Stripe refused to cancel subscription {ref}: {exc}") from exc

    def event(self, payload: bytes, signature: str) -> dict[str, Any]:
        """The event, once its `Stripe-Signature` is verified with the webhook secret (and its
        timestamp is within the library's 5-minute tolerance); BadRequest otherwise."""
        if not self.webhook_secret:
            raise BadRequest("webhooks are not configured (RULEHUB_STRIPE_WEBHOOK_SECRET)", code="webhook_disabled")
        try:
            stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise BadRequest(f"webhook signature is not valid: {exc}", code="bad_signature") from exc
        event: dict[str, Any] = json.loads(payload)
        return event


def _plain(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _period_end(stripe_sub: dict[str, Any]) -> datetime:
    """current_period_end of a Stripe subscription (on its items in newer API versions)."""
    end = stripe_sub.get("current_period_end")
    if end is None:
        items = (stripe_sub.get("items") or {}).get("data") or []
        end = items[0].get("current_period_end") if items else None
    if end is None:
        raise PaymentProviderError(f"Stripe subscription {stripe_sub.get('id')} has no current period end")
    return datetime.fromtimestamp(int(end), tz=UTC)


# ---------------------------------------------------------------------------------------------
# What a request to change the plan does
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangePlan:
    """What choosing `target` means for the tenant now, before anything happens: shown on
    the confirmation page and done by `request_change`.

    action: checkout (pay through Stripe first) | contact_sales (invoice plans) | now (free,
    nothing to pay) | at_period_end (a downgrade) | undo (drop the scheduled change) | same.
    """

    current: Plan | None
    target: Plan
    action: str
    starts: datetime | None
    explanation: str


def plan_change(session: Session, account: Account, target_name: str, now: datetime | None = None) -> ChangePlan:
    now = now or utcnow()
    target = accounts.get_plan(session, target_name)
    found = accounts.subscription_for(session, account.tenant_id)
    sub, current = found if found else (None, None)
    in_force = sub is not None and current is not None and accounts.subscription_standing(sub, current, now) is None
    pending = sub.pending_plan if sub is not None else None
    if in_force and current is not None and sub is not None:
        if target.id == current.id:
            if pending is not None:
                return ChangePlan(current, target, "undo", None,
                                  f"Keep the {current.name} plan: the change to {pending.name} scheduled for "
                                  f"{sub.current_period_end:%Y-%m-%d} is dropped.")
            return ChangePlan(current, target, "same", None, f"Your team is already on the {target.name} plan.")
        if target.price_cents < current.price_cents or not target.lapses:
            if pending is not None and pending.id == target.id:
                return ChangePlan(current, target, "same", sub.current_period_end,
                                  f"Your team moves to the {target.name} plan on {sub.current_period_end:%Y-%m-%d} already.")
            if target.lapses:
                return ChangePlan(current, target, "contact_sales", None,
                                  f"Moving from {current.name} to {target.name} is arranged with us: write to sales.")
            return ChangePlan(current, target, "at_period_end", sub.current_period_end,
                              f"Your team keeps the {current.name} plan until {sub.current_period_end:%Y-%m-%d}, "
                              f"then moves to {target.name}. Nothing more is charged.")
    if not target.lapses:
        return ChangePlan(current, target, "now", now, f"Your team moves to the {target.name} plan now, for free.")
    if target.billing == "stripe":
        return ChangePlan(current, target, "checkout", None,
                          f"You pay {format_price(target)} through Stripe. The {target.name} plan starts as soon "
                          "as Stripe confirms the payment.")
    return ChangePlan(current, target, "contact_sales", None,
                      f"The {target.name} plan is sold by invoice: write to sales and it starts when the invoice is paid.")


def format_price(plan: Plan) -> str:
    if not plan.lapses:
        return "free"
    return f"${plan.price_cents / 100:,.2f} a month" if plan.price_cents % 100 else f"${plan.price_cents // 100:,} a month"


@dataclass(frozen=True)
class ChangeOutcome:
    action: str
    checkout_url: str | None = None


def request_change(session: Session, account: Account, target_name: str, gateway: StripeGateway | None, *,
                   success_url: str, cancel_url: str) -> ChangeOutcome:
    """Do what `plan_change` said: start a checkout, schedule or drop a downgrade, or move to
    free now.  Only a team owner may; a plan that must be paid never starts here."""
    accounts.require_owner(account, "change the plan")
    accounts.get_tenant(session, account.tenant.slug, lock=True)  # one change of this tenant at a time
    change = plan_change(session, account, target_name)
    tenant = account.tenant
    found = accounts.subscription_for(session, account.tenant_id)
    sub = found[0] if found else None
    if change.action == "same":
        raise Conflict(change.explanation, code="same_plan")
    if change.action == "contact_sales":
        raise Conflict(change.explanation, code="contact_sales")
    if change.action == "now":
        if sub is not None and sub.subscription_ref:  # a lapsed Stripe subscription: stop Stripe collecting it
            if gateway is None:
                raise PaymentProviderError("Stripe is not configured on this hub; ask its operator")
            gateway.cancel_now(sub.subscription_ref)
        accounts.grant_plan(session, tenant.slug, change.target.name, days=accounts.PERIOD_DAYS, actor=account,
                            source="portal", subscription_ref=None, provider="none")
        return ChangeOutcome("now")
    if change.action in ("at_period_end", "undo"):
        assert sub is not None and change.current is not None
        schedule = change.action == "at_period_end"
        if sub.subscription_ref:
            if gateway is None:
                raise PaymentProviderError("Stripe is not configured on this hub; ask its operator")
            gateway.cancel_at_period_end(sub.subscription_ref, schedule)
        accounts.grant_plan(session, tenant.slug, change.current.name, status=sub.status,
                            period_end=sub.current_period_end, actor=account, source="portal",
                            pending_plan=change.target.name if schedule else None)
        return ChangeOutcome(change.action)
    # checkout
    if gateway is None:
        raise PaymentProviderError("paid plans are not for sale on this hub (Stripe is not configured)")
    ref, url = gateway.create_checkout(plan=change.target.name, tenant_slug=tenant.slug,
                                       customer_ref=sub.customer_ref if sub else None, email=account.email,
                                       success_url=success_url, cancel_url=cancel_url)
    session.add(CheckoutSession(ref=ref, tenant_id=tenant.id, plan_id=change.target.id, created_by=account.id))
    session.flush()
    return ChangeOutcome("checkout", url)


def checkout_status(session: Session, account: Account, ref: str) -> CheckoutSession | None:
    """The tenant's own checkout session `ref` (None for anyone else's or an unknown id)."""
    return session.scalars(select(CheckoutSession).where(CheckoutSession.ref == ref[:200],
                                                         CheckoutSession.tenant_id == account.tenant_id)).first()


def cancel(session: Session, account: Account, gateway: StripeGateway | None) -> ChangeOutcome:
    """Cancel the paid plan: the team moves to the free plan at the period end."""
    accounts.require_owner(account, "cancel the subscription")
    free = accounts.free_plan(session)
    if free is None:
        raise Conflict("this hub has no free plan to move to", code="no_free_plan")
    return request_change(session, account, free.name, gateway, success_url="", cancel_url="")


def settle(session: Session, tenant: Tenant, now: datetime | None = None) -> Subscription | None:
    """Carry out a change scheduled for a period end that has passed (the provider's webhook
    normally does it first; this is for when it did not come, and for invoice plans)."""
    now = now or utcnow()
    found = accounts.subscription_for(session, tenant.id)
    if found is None:
        return None
    sub, _ = found
    if sub.pending_plan is None or sub.current_period_end >= now:
        return None
    return accounts.grant_plan(session, tenant.slug, sub.pending_plan.name, source="schedule", days=accounts.PERIOD_DAYS,
                               subscription_ref=None, provider="none")


# ---------------------------------------------------------------------------------------------
# Stripe webhooks
# ---------------------------------------------------------------------------------------------


class WebhookMismatch(ApiError):
    """A correctly signed event that does not agree with our records (answered 400, changes nothing)."""

    status = 400
    code = "event_mismatch"


def handle_stripe_event(session: Session, gateway: StripeGateway, event: dict[str, Any]) -> str:
    """Apply one verified event; returns what it did.  A replay (same event id) does nothing."""
    event_id = str(event.get("id") or "")
    if not event_id.startswith("evt_"):
        raise BadRequest("event has no id", code="bad_event")
    if session.scalars(select(SubscriptionEvent.id).where(SubscriptionEvent.external_id == event_id)).first():
        return "duplicate"
    kind = str(event.get("type") or "")
    obj = ((event.get("data") or {}).get("object")) or {}
    handler = _HANDLERS.get(kind)
    if handler is None:
        return "ignored"
    try:
        with session.begin_nested():
            return handler(session, gateway, event_id, obj, event)
    except IntegrityError:  # the same event applied concurrently: its external_id is taken
        return "duplicate"


def _tenant_of_subscription(session: Session, obj_sub: str, customer: str) -> Subscription:
    sub = session.scalars(select(Subscription).where(Subscription.subscription_ref == obj_sub)).first()
    if sub is None:
        raise WebhookMismatch(f"no tenant has Stripe subscription {obj_sub!r}")
    if sub.customer_ref != customer:
        raise WebhookMismatch(f"Stripe subscription {obj_sub!r} belongs to another customer than {customer!r}")
    return sub


def _checkout_completed(session: Session, gateway: StripeGateway, event_id: str, obj: dict[str, Any],
                        event: dict[str, Any]) -> str:
    ref = str(obj.get("id") or "")
    checkout = session.scalars(select(CheckoutSession).where(CheckoutSession.ref == ref)).first()
    if checkout is None:
        raise WebhookMismatch(f"checkout session {ref!r} was not started by this hub")
    if obj.get("payment_status") not in ("paid", "no_payment_required") or obj.get("status") != "complete":
        return "unpaid"
    customer, sub_ref = str(obj.get("customer") or ""), str(obj.get("subscription") or "")
    if not customer or not sub_ref:
        raise WebhookMismatch("a completed subscription checkout has no customer or subscription")
    tenant = session.get(Tenant, checkout.tenant_id)
    assert tenant is not None
    if obj.get("client_reference_id") not in (None, tenant.slug):
        raise WebhookMismatch(f"checkout session {ref!r} names another tenant")
    owner = session.scalars(select(Subscription).where(Subscription.customer_ref == customer)).first()
    if owner is not None and owner.tenant_id != tenant.id:
        raise WebhookMismatch(f"Stripe customer {customer!r} belongs to another tenant")
    stripe_sub = gateway.subscription(sub_ref)  # ask Stripe, do not take the event's word for the period
    if stripe_sub.get("customer") != customer or stripe_sub.get("status") not in ("active", "trialing"):
        raise WebhookMismatch(f"Stripe subscription {sub_ref!r} is not an active subscription of {customer!r}")
    if checkout.status != "open":
        return "duplicate"
    current = accounts.subscription_for(session, tenant.id)
    if (current is not None and current[0].subscription_ref not in (None, sub_ref)
            and accounts.subscription_standing(*current) is None):
        # Two checkouts started side by side and both paid: keep the first subscription and stop
        # Stripe charging for the second (docs/billing.md).
        gateway.cancel_now(sub_ref)
        checkout.status, checkout.completed_at = "superseded", utcnow()
        log.warning("tenant %s paid a second subscription %s; it was canceled", tenant.slug, sub_ref)
        return "superseded"
    checkout.status, checkout.completed_at = "paid", utcnow()
    accounts.grant_plan(session, tenant.slug, checkout.plan.name, status="active", period_end=_period_end(stripe_sub),
                        source="webhook", provider="stripe", customer_ref=customer, subscription_ref=sub_ref,
                        external_id=event_id, payload=event, pending_plan=None)
    return "plan_started"


def _invoice_subscription(obj: dict[str, Any]) -> str:
    ref = obj.get("subscription")
    if not ref:  # newer API versions: parent.subscription_details.subscription
        ref = (((obj.get("parent") or {}).get("subscription_details")) or {}).get("subscription")
    return str(ref or "")


def _invoice_paid(session: Session, gateway: StripeGateway, event_id: str, obj: dict[str, Any],
                  event: dict[str, Any]) -> str:
    sub = _tenant_of_subscription(session, _invoice_subscription(obj), str(obj.get("customer") or ""))
    stripe_sub = gateway.subscription(str(sub.subscription_ref))
    pending = sub.pending_plan.name if sub.pending_plan else None
    accounts.grant_plan(session, sub.tenant.slug, sub.plan.name, status="active", period_end=_period_end(stripe_sub),
                        source="webhook", external_id=event_id, payload=event, pending_plan=pending)
    return "renewed"


def _invoice_failed(session: Session, gateway: StripeGateway, event_id: str, obj: dict[str, Any],
                    event: dict[str, Any]) -> str:
    sub = _tenant_of_subscription(session, _invoice_subscription(obj), str(obj.get("customer") or ""))
    pending = sub.pending_plan.name if sub.pending_plan else None
    accounts.grant_plan(session, sub.tenant.slug, sub.plan.name, status="past_due", period_end=sub.current_period_end,
                        source="webhook", external_id=event_id, payload=event, pending_plan=pending)
    return "past_due"


def _subscription_updated(session: Session, gateway: StripeGateway, event_id: str, obj: dict[str, Any],
                          event: dict[str, Any]) -> str:
    sub = _tenant_of_subscription(session, str(obj.get("id") or ""), str(obj.get("customer") or ""))
    free = accounts.free_plan(session)
    pending = free.name if obj.get("cancel_at_period_end") and free is not None else None
    status = "past_due" if obj.get("status") in ("past_due", "unpaid") else "active"
    accounts.grant_plan(session, sub.tenant.slug, sub.plan.name, status=status, period_end=_period_end(obj),
                        source="webhook", external_id=event_id, payload=event, pending_plan=pending)
    return "updated"


def _subscription_deleted(session: Session, gateway: StripeGateway, event_id: str, obj: dict[str, Any],
                          event: dict[str, Any]) -> str:
    sub = _tenant_of_subscription(session, str(obj.get("id") or ""), str(obj.get("customer") or ""))
    free = accounts.free_plan(session)
    if free is None:
        raise Conflict("this hub has no free plan to move to", code="no_free_plan")
    accounts.grant_plan(session, sub.tenant.slug, free.name, status="active", days=accounts.PERIOD_DAYS,
                        source="webhook", external_id=event_id, payload=event, pending_plan=None,
                        provider="none", subscription_ref=None)
    return "ended"


_HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "customer.subscription.updated": _subscription_updated,
    "customer.subscription.deleted": _subscription_deleted,
}


# ---------------------------------------------------------------------------------------------
# Invoices (enterprise deals): the operator records payment
# ---------------------------------------------------------------------------------------------


def create_invoice(session: Session, tenant_slug: str, plan_name: str, *, amount_cents: int, days: int) -> Invoice:
    tenant = accounts.get_tenant(session, tenant_slug)
    plan = accounts.get_plan(session, plan_name)
    if amount_cents < 0 or days < 1:
        raise BadRequest("an invoice needs an amount of at least 0 and at least 1 day", code="invalid_invoice")
    invoice = Invoice(number=f"INV-{utcnow():%Y%m}-{secrets.token_hex(4).upper()}", tenant_id=tenant.id,
                      plan_id=plan.id, amount_cents=amount_cents, days=days)
    session.add(invoice)
    session.flush()
    return invoice


def _open_invoice(session: Session, number: str) -> Invoice:
    """Invoice `number`, locked, if it is open; NotFound or Conflict (nothing changed) otherwise."""
    invoice = session.scalars(select(Invoice).where(Invoice.number == number).with_for_update()).first()
    if invoice is None:
        raise NotFound(f"invoice {number!r} does not exist", code="invoice_not_found")
    if invoice.status != "open":
        raise Conflict(f"invoice {number} is {invoice.status}, not open; nothing was changed", code="invoice_not_open")
    return invoice


def mark_invoice_paid(session: Session, number: str, reference: str = "") -> Invoice:
    """Record the payment of an open invoice and start (or extend) its plan: the new period
    runs `days` from the later of now and the current period end of the same plan."""
    invoice = _open_invoice(session, number)
    now = utcnow()
    start = now
    found = accounts.subscription_for(session, invoice.tenant_id)
    if found and found[1].id == invoice.plan_id and found[0].status != "canceled" and found[0].current_period_end > now:
        start = found[0].current_period_end
    invoice.status, invoice.paid_at, invoice.payment_reference = "paid", now, reference[:200]
    accounts.grant_plan(session, invoice.tenant.slug, invoice.plan.name, status="active",
                        period_end=start + timedelta(days=invoice.days), source="invoice", provider="invoice",
                        external_id=f"invoice:{invoice.number}", pending_plan=None,
                        payload={"type": "invoice.paid", "number": invoice.number, "amount_cents": invoice.amount_cents,
                                 "reference": invoice.payment_reference})
    return invoice


def void_invoice(session: Session, number: str) -> Invoice:
    invoice = _open_invoice(session, number)
    invoice.status = "void"
    return invoice


def list_invoices(session: Session, tenant_id: int) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(Invoice.tenant_id == tenant_id).order_by(Invoice.id.desc())))
