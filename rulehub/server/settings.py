"""Service configuration, read from RULEHUB_* environment variables."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not an integer") from None


def _prices(raw: str) -> dict[str, str]:
    """`pro=price_123,team=price_456` -> {"pro": "price_123", ...}: the Stripe price of each plan."""
    prices = {}
    for entry in (e.strip() for e in raw.split(",") if e.strip()):
        plan, sep, price = entry.partition("=")
        if not sep or not plan.strip() or not price.strip():
            raise SystemExit(f"RULEHUB_STRIPE_PRICES: {entry!r} is not PLAN=PRICE_ID")
        prices[plan.strip()] = price.strip()
    return prices


def _trusted_proxies(raw: str) -> tuple[str, ...]:
    entries = tuple(e.strip() for e in raw.split(",") if e.strip())
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SystemExit(f"RULEHUB_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from None
    return entries


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to start.

    data_dir holds the embedded SQLite file (unless database_url points elsewhere), the
    artifact store (`artifacts/`) and the private signing keys (`keys/`, files 0600).
    redis_url (RULEHUB_REDIS_URL), when set, makes the tenant rate limits and the portal's
    login throttle hold across processes (see rulehub.server.core.shared_store).

    trusted_proxies (RULEHUB_TRUSTED_PROXIES, comma-separated addresses or networks such as
    `10.0.0.5,10.1.0.0/16`; default none): only a request arriving from one of them has its
    `X-Forwarded-For` / `X-Forwarded-Proto` believed, and the client is then the rightmost
    address in X-Forwarded-For that is not itself a trusted proxy.  From anyone else the
    headers are ignored, so a client cannot pose as another address to the per-client login
    throttle.  `*` trusts every peer: only for a hub that nothing but its proxy can reach.

    Billing (docs/billing.md): stripe_api_key (RULEHUB_STRIPE_API_KEY; "" turns Stripe
    Checkout off), stripe_webhook_secret (RULEHUB_STRIPE_WEBHOOK_SECRET, the `whsec_...` that
    signs webhooks), stripe_prices (RULEHUB_STRIPE_PRICES, `pro=price_...`) and
    stripe_api_base (RULEHUB_STRIPE_API_BASE, only for a stand-in server in tests) and
    stripe_checkout_origin (RULEHUB_STRIPE_CHECKOUT_ORIGIN, the one other site the plan
    confirmation form may redirect to: the page's CSP form-action names it).
    Mail (password reset, email verification, invitations): smtp_host / smtp_port
    (RULEHUB_SMTP_HOST, RULEHUB_SMTP_PORT; no host: mail is logged, not sent), mail_from
    (RULEHUB_MAIL_FROM).  Links in mail start with public_url (RULEHUB_PUBLIC_URL) when set,
    else with the address the request came to.
    """

    data_dir: Path
    database_url: str
    issuer: str = "rulehub"
    audience: str = "rulehub-api"
    token_ttl: int = 900
    max_upload: int = 16 * 1024 * 1024
    public_url: str = ""  # used for download_url in resolve answers; "" means relative URLs
    tuf_timestamp_days: int = 1
    tuf_snapshot_days: int = 7
    tuf_targets_days: int = 90
    tuf_root_days: int = 365  # renewed by the server past half of it only while the root key is online
    redis_url: str = ""  # shared rate-limit store; "" keeps the limits in each process
    redis_prefix: str = "rulehub:"
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For is believed
    stripe_api_key: str = ""
    stripe_api_base: str = "https://api.stripe.com"
    stripe_checkout_origin: str = "https://checkout.stripe.com"  # where the plan confirmation form may lead
    stripe_webhook_secret: str = ""
    stripe_prices: dict[str, str] = field(default_factory=dict)
    smtp_host: str = ""
    smtp_port: int = 25
    mail_from: str = "RuleHub <no-reply@rulehub.invalid>"
    artifact_store: str = ""  # RULEHUB_ARTIFACT_STORE: local | database | s3://BUCKET[/PREFIX] (rulehub.server.storage)
    keys_path: Path | None = None  # RULEHUB_KEYS_DIR: private keys elsewhere than data_dir/keys (a shared secret mount)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"

    @property
    def keys_dir(self) -> Path:
        return self.keys_path or self.data_dir / "keys"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_(self, **changes: object) -> "Settings":
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls) -> "Settings":
        data_dir = Path(os.environ.get("RULEHUB_DATA_DIR") or platformdirs.user_data_dir("rulehub"))
        url = os.environ.get("RULEHUB_DATABASE_URL") or f"sqlite:///{data_dir / 'rulehub.db'}"
        return cls(
            data_dir=data_dir,
            database_url=url,
            issuer=os.environ.get("RULEHUB_ISSUER", "rulehub"),
            audience=os.environ.get("RULEHUB_AUDIENCE", "rulehub-api"),
            token_ttl=_env_int("RULEHUB_TOKEN_TTL", 900),
            max_upload=_env_int("RULEHUB_MAX_UPLOAD", 16 * 1024 * 1024),
            public_url=os.environ.get("RULEHUB_PUBLIC_URL", "").rstrip("/"),
            redis_url=os.environ.get("RULEHUB_REDIS_URL", ""),
            redis_prefix=os.environ.get("RULEHUB_REDIS_PREFIX") or "rulehub:",
            trusted_proxies=_trusted_proxies(os.environ.get("RULEHUB_TRUSTED_PROXIES", "")),
            stripe_api_key=os.environ.get("RULEHUB_STRIPE_API_KEY", ""),
            stripe_api_base=(os.environ.get("RULEHUB_STRIPE_API_BASE") or "https://api.stripe.com").rstrip("/"),
            stripe_webhook_secret=os.environ.get("RULEHUB_STRIPE_WEBHOOK_SECRET", ""),
            stripe_checkout_origin=(os.environ.get("RULEHUB_STRIPE_CHECKOUT_ORIGIN")
                                    or "https://checkout.stripe.com").rstrip("/"),
            stripe_prices=_prices(os.environ.get("RULEHUB_STRIPE_PRICES", "")),
            smtp_host=os.environ.get("RULEHUB_SMTP_HOST", ""),
            smtp_port=_env_int("RULEHUB_SMTP_PORT", 25),
            mail_from=os.environ.get("RULEHUB_MAIL_FROM") or "RuleHub <no-reply@rulehub.invalid>",
            artifact_store=os.environ.get("RULEHUB_ARTIFACT_STORE", ""),
            keys_path=Path(os.environ["RULEHUB_KEYS_DIR"]) if os.environ.get("RULEHUB_KEYS_DIR") else None,
        )
