"""The `rulehub` command: serve, db upgrade, admin.

    rulehub serve [--host 127.0.0.1] [--port 8000] [--workers N]
    rulehub db upgrade | rulehub db current
    rulehub admin create-tenant acme --name "Acme Inc"
    rulehub admin create-account dev@acme.test --tenant acme [--role owner|member] [--password-stdin]
    rulehub admin create-namespace acme --tenant acme
    rulehub admin grant-plan acme pro [--status active] [--days 30]
    rulehub admin create-key dev@acme.test --scope packs:read --scope packs:publish [--name ci]
    rulehub admin revoke-key <key-id or full key>
    rulehub admin revoke-token <jti>
    rulehub admin rotate-keys [--jwt] [--tuf-role root ...] [--root-key FILE] [--new-root-key-out FILE]
    rulehub admin disable-account dev@acme.test | rulehub admin enable-account dev@acme.test
    rulehub admin remove-account dev@acme.test
    rulehub admin set-role dev@acme.test owner|member
    rulehub admin show-tenant acme
    rulehub admin prune-keys
    rulehub admin list-plans
    rulehub admin invoice create acme enterprise --amount 5990.00 [--days 365]
    rulehub admin invoice mark-paid INV-... [--reference "wire 2026-12-01"] | void INV-... | list acme
    rulehub admin billing settle
    rulehub admin tuf export-root-key --out FILE
    rulehub admin tuf renew-root [--root-key FILE]
    rulehub admin tuf status

The TUF root key can be kept offline: `tuf export-root-key` moves it from the data dir's keys/
to FILE.  What signs a new root (rotate-keys of any TUF role, `tuf renew-root`) then needs
`--root-key FILE` and refuses without it; rotating root itself then also needs
`--new-root-key-out FILE`, where the new root key is written instead of keys/.

Accounts: disable-account takes effect at once (portal sign-in and sessions, API keys, access
tokens already issued) and frees the seat; enable-account takes a seat again and is refused
when the tenant is full; remove-account deletes the account with its keys and sessions, keeps
downloads and published versions without it, and refuses a tenant's last owner (see
rulehub.server.services.accounts).

Keys: a rotation deletes the retired keys' private files from keys/ once it has committed;
prune-keys deletes those left by rotations made before that (start-up warns about them).

Billing (docs/billing.md): `invoice` sells a plan billed by invoice (enterprise); mark-paid
records the payment and starts or extends the plan, through the same service as the portal
and the Stripe webhooks.  `billing settle` carries out downgrades and cancellations whose
period end has passed (Stripe's webhook normally does it; run it daily from cron).

Exit codes: 0 ok, 2 usage error or a refused operation (the message says why, nothing is
changed), e.g. create-account or enable-account on a tenant whose plan's seats are all taken.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from rulehub.server import db as dbmod
from rulehub.server.errors import ApiError
from rulehub.server.settings import Settings

if TYPE_CHECKING:
    from rulehub.server.services.accounts import TenantOverview


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from rulehub.server.app import create_app

    database = dbmod.Database.connect(settings)
    # Embedded default: a brand-new, empty SQLite database is migrated automatically so that
    # `rulehub serve` works with nothing else.  Anything else (PostgreSQL, or a SQLite file
    # with an older schema) must be migrated explicitly with `rulehub db upgrade`.
    if settings.is_sqlite and dbmod.is_empty(database.read_engine):
        print(f"rulehub: creating a new database at {settings.database_url}", file=sys.stderr)
        dbmod.upgrade(settings.database_url)
    if args.workers > 1:
        # Each worker process builds its own app from the environment (schema checked, keys shared
        # through the database and data dir).  Rate limits are then per worker
        # unless RULEHUB_REDIS_URL shares them.
        database.dispose()
        uvicorn.run("rulehub.server.app:create_app_from_env", factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level=args.log_level, access_log=args.access_log,
                    proxy_headers=False)
        return 0
    app = create_app(settings, db=database)
    # uvicorn's own proxy handling would believe X-Forwarded-For from any loopback client; the
    # app believes it only from RULEHUB_TRUSTED_PROXIES (see Settings).
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log,
                proxy_headers=False)
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    if args.db_command == "upgrade":
        dbmod.upgrade(settings.database_url, args.revision)
        print(f"database at {dbmod.head_revision() if args.revision == 'head' else args.revision}")
        return 0
    database = dbmod.Database.connect(settings)
    try:
        print(dbmod.current_revision(database.read_engine) or "(empty)")
    finally:
        database.dispose()
    return 0


def _with_session(settings: Settings, work: Callable[[Session], int], *, keys_needed: bool = False) -> int:
    database = dbmod.Database.connect(settings)
    try:
        dbmod.check_schema(database.read_engine)
        if keys_needed:
            from rulehub.server.bootstrap import initialise_state

            initialise_state(database, settings)
        with database.write_session() as session:
            return work(session)
    finally:
        database.dispose()


def _admin(args: argparse.Namespace, settings: Settings) -> int:
    from rulehub.server.services import accounts, tokens

    cmd = args.admin_command
    after_commit: list[str] = []  # what to say once the transaction has committed

    def work(session: Session) -> int:
        if cmd == "create-tenant":
            t = accounts.create_tenant(session, args.slug, args.name or "")
            print(f"tenant {t.slug} created")
        elif cmd == "create-account":
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
            a = accounts.create_account(session, args.email, args.tenant, password=password, role=args.role)
            print(f"account {a.email} created in tenant {args.tenant} as {a.role} ({_seats_used(session, a)})")
        elif cmd == "create-namespace":
            ns = accounts.create_namespace(session, args.name, args.tenant)
            print(f"namespace {ns.name} belongs to tenant {args.tenant}")
        elif cmd == "grant-plan":
            sub = accounts.grant_plan(session, args.tenant, args.plan, status=args.status, days=args.days,
                                      source="admin")
            print(f"tenant {args.tenant}: plan {args.plan}, {sub.status} until {sub.current_period_end:%Y-%m-%d}")
            seats = accounts.seat_usage(session, sub.tenant_id)
            if seats.over_limit:  # allowed, never silent: see accounts.grant_plan
                print(f"rulehub: warning: tenant {args.tenant} has {seats.used} accounts but {seats.limit} seats "
                      f"({seats.plan} plan); everyone keeps access, but no account can be added until it has "
                      "room again", file=sys.stderr)
        elif cmd == "disable-account":
            a = accounts.disable_account(session, args.email)
            print(f"account {a.email} disabled: no sign-in, API keys or access tokens until enabled again "
                  f"(tenant {a.tenant.slug}: {_seats_used(session, a)})")
        elif cmd == "enable-account":
            a = accounts.enable_account(session, args.email)
            print(f"account {a.email} enabled (tenant {a.tenant.slug}: {_seats_used(session, a)})")
        elif cmd == "set-role":
            a = accounts.set_role(session, args.email, args.role)
            print(f"account {a.email} is now {a.role} of tenant {a.tenant.slug}")
        elif cmd == "remove-account":
            r = accounts.remove_account(session, args.email)
            print(f"account {r.email} removed from tenant {r.tenant}: {r.api_keys} API key(s) and "
                  f"{r.portal_sessions} portal session(s) deleted; {r.downloads_kept} download record(s) and "
                  f"{r.versions_kept} published version(s) kept without it")
        elif cmd == "show-tenant":
            _print_tenant(accounts.tenant_overview(session, args.slug))
        elif cmd == "prune-keys":
            from rulehub.server.core import keys

            pruned = keys.prune_retired_files(session, settings)
            for path in pruned:
                print(f"deleted {path}")
            left = keys.retired_files(session, settings)
            if left:
                print(f"rulehub: could not delete {', '.join(map(str, left))}", file=sys.stderr)
                return 2
            print(f"{len(pruned)} retired private key file(s) deleted from {settings.keys_dir}")
        elif cmd == "create-key":
            account = accounts.get_account(session, args.email)
            key = accounts.create_api_key(session, account, scopes=args.scope or ["packs:read"], name=args.name or "")
            print(f"# API key {key.key_id} ({' '.join(key.scopes)}); it is shown only now:", file=sys.stderr)
            print(key.secret)
        elif cmd == "revoke-key":
            revoked = accounts.revoke_api_key(session, args.key)
            print(f"API key {revoked.key_id} revoked")
        elif cmd == "revoke-token":
            tokens.revoke_jti(session, args.jti)
            print(f"token {args.jti} revoked")
        elif cmd == "rotate-keys":
            from rulehub.server import tuf_repo
            from rulehub.server.core import keys

            # TUF first: it is what can be refused (root key offline), and then nothing changes.
            if args.tuf_role or not args.jwt:
                roles = tuple(args.tuf_role or tuf_repo.ROLES)
                version = tuf_repo.rotate_keys(session, settings, roles, root_key=args.root_key,
                                               new_root_key_out=args.new_root_key_out)
                print(f"TUF keys rotated for {', '.join(roles)}; root version {version}")
                if "root" in roles and args.root_key is not None:
                    after_commit.append(f"the old TUF root key in {args.root_key} is retired: the server no longer "
                                        "needs it, destroy it and its backups")
                if args.new_root_key_out is not None:
                    print(f"the new TUF root key is in {args.new_root_key_out} (0600) only, not in {settings.keys_dir}: "
                          "keep it offline and pass it as --root-key from now on")
            if args.jwt or not args.tuf_role:
                row = keys.rotate_jwt_key(session, settings)
                print(f"new JWT signing key {row.kid}")
            after_commit.append(f"the retired keys' private files are deleted from {settings.keys_dir}")
        elif cmd == "tuf":
            return _tuf(args, settings, session)
        elif cmd == "invoice":
            return _invoice(args, session)
        elif cmd == "billing":
            from rulehub.server.models import Tenant
            from rulehub.server.services import billing

            settled = [t.slug for t in session.scalars(select(Tenant)) if billing.settle(session, t) is not None]
            print(f"{len(settled)} scheduled change(s) carried out{': ' + ', '.join(settled) if settled else ''}")
        elif cmd == "list-plans":
            for plan in accounts.list_plans(session):
                print(f"{plan.name}: tiers {plan.tiers}, {plan.rate_limit_per_minute}/min, {plan.seats} seats, "
                      f"{plan.grace_days} grace days")
        return 0

    code = _with_session(settings, work, keys_needed=cmd in ("rotate-keys", "tuf"))
    for line in after_commit if code == 0 else ():
        print(line)
    return code


def _seats_used(session: Session, account) -> str:
    from rulehub.server.services import accounts

    seats = accounts.seat_usage(session, account.tenant_id)
    return f"{seats.used} of {seats.limit} seats used"


def _print_tenant(t: TenantOverview) -> None:
    print(f"tenant {t.slug} ({t.name})")
    if t.plan is None:
        print("subscription: none")
    else:
        standing = "in good standing" if t.standing_problem is None else f"not in good standing: {t.standing_problem}"
        print(f"subscription: plan {t.plan}, {t.status} until {t.period_end:%Y-%m-%d} ({standing})")
    source = f"{t.seats.plan} plan" if t.seats.plan else "no plan"
    if not t.seats.from_subscription and t.seats.plan:
        source += ", the seats a tenant without a subscription in good standing gets"
    over = " (over the limit: nobody can join)" if t.seats.over_limit else ""
    print(f"seats: {t.seats.used} of {t.seats.limit} used ({source}){over}")
    print(f"accounts ({len(t.accounts)}):")
    for a in t.accounts:
        print(f"  {a.email}  {a.role}{'  disabled' if a.disabled else ''}")
    print(f"namespaces: {', '.join(t.namespaces) or '(none)'}")


def _cents(text: str) -> int:
    try:
        value = round(float(text) * 100)
    except ValueError:
        raise ApiError(f"amount {text!r} is not a number like 5990.00", code="invalid_amount") from None
    return value


def _invoice(args: argparse.Namespace, session: Session) -> int:
    from rulehub.server.services import accounts, billing

    if args.invoice_command == "create":
        inv = billing.create_invoice(session, args.tenant, args.plan, amount_cents=_cents(args.amount), days=args.days)
        print(f"invoice {inv.number}: tenant {args.tenant}, plan {args.plan}, ${inv.amount_cents / 100:,.2f} for "
              f"{inv.days} days; run `rulehub admin invoice mark-paid {inv.number}` once it is paid")
    elif args.invoice_command == "mark-paid":
        inv = billing.mark_invoice_paid(session, args.number, args.reference or "")
        found = accounts.subscription_for(session, inv.tenant_id)
        assert found is not None
        print(f"invoice {inv.number} paid: tenant {inv.tenant.slug} is on {found[1].name} until "
              f"{found[0].current_period_end:%Y-%m-%d}")
    elif args.invoice_command == "void":
        inv = billing.void_invoice(session, args.number)
        print(f"invoice {inv.number} void")
    else:
        tenant = accounts.get_tenant(session, args.tenant)
        for inv in billing.list_invoices(session, tenant.id):
            print(f"{inv.number}  {inv.plan.name}  ${inv.amount_cents / 100:,.2f}  {inv.days} days  {inv.status}")
    return 0


def _tuf(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    from rulehub.server import tuf_repo
    from rulehub.server.core import keys

    if args.tuf_command == "export-root-key":
        row = keys.take_root_offline(session, settings, args.out)
        status = tuf_repo.root_status(session, settings)
        print(f"TUF root key {row.kid[:16]} written to {args.out} (0600) and deleted from {settings.keys_dir}.")
        print("Keep the file offline, with a backup: rotate-keys and `rulehub admin tuf renew-root` need it as "
              "--root-key FILE.")
        print(f"root.json version {status.version} expires {status.expires:%Y-%m-%d}; the server no longer renews it: "
              f"run `rulehub admin tuf renew-root --root-key FILE` before then.")
    elif args.tuf_command == "renew-root":
        root = tuf_repo.renew_root(session, settings, root_key=args.root_key)
        print(f"TUF root renewed: version {root.version}, expires {root.expires:%Y-%m-%d}")
    else:
        status = tuf_repo.root_status(session, settings)
        where = f"online (in {settings.keys_dir})" if status.key_online else "offline"
        print(f"TUF root version {status.version} expires {status.expires:%Y-%m-%d %H:%M} UTC "
              f"(in {status.expires_in().days} days); root key {where}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rulehub", description="RuleHub rule pack registry")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP service (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (rate limits are per worker unless RULEHUB_REDIS_URL is set)")

    db = sub.add_parser("db", help="database schema")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="apply migrations")
    up.add_argument("--revision", default="head")
    dbsub.add_parser("current", help="print the current schema revision")

    admin = sub.add_parser("admin", help="accounts, plans, namespaces, keys")
    asub = admin.add_subparsers(dest="admin_command", required=True)
    p = asub.add_parser("create-tenant")
    p.add_argument("slug")
    p.add_argument("--name")
    p = asub.add_parser("create-account")
    p.add_argument("email")
    p.add_argument("--tenant", required=True)
    p.add_argument("--role", choices=["owner", "member"],
                   help="default: owner if the tenant has no enabled owner yet, else member")
    p.add_argument("--password-stdin", action="store_true", help="read a portal password from stdin")
    p = asub.add_parser("create-namespace")
    p.add_argument("name")
    p.add_argument("--tenant", required=True)
    p = asub.add_parser("grant-plan")
    p.add_argument("tenant")
    p.add_argument("plan")
    p.add_argument("--status", default="active", choices=["trialing", "active", "past_due", "canceled"])
    p.add_argument("--days", type=int, default=30, help="days until the current period ends")
    p = asub.add_parser("create-key", help="create an API key and print it once")
    p.add_argument("email")
    p.add_argument("--scope", action="append", choices=["packs:read", "packs:publish", "admin"])
    p.add_argument("--name")
    p = asub.add_parser("revoke-key")
    p.add_argument("key", help="the key id (hex after rh_) or the whole key")
    p = asub.add_parser("revoke-token")
    p.add_argument("jti")
    p = asub.add_parser("rotate-keys", help="rotate the JWT key and/or TUF role keys (default: all)")
    p.add_argument("--jwt", action="store_true")
    p.add_argument("--tuf-role", action="append", choices=["root", "targets", "snapshot", "timestamp"])
    p.add_argument("--root-key", type=Path, metavar="FILE", help="the offline TUF root key (needed to rotate TUF keys when it is not in keys/)")
    p.add_argument("--new-root-key-out", type=Path, metavar="FILE",
                   help="write the new root key to FILE (0600) instead of keys/; required to rotate root while its key is offline")
    for name, what in (("disable-account", "disable an account at once (reversible; frees its seat)"),
                       ("enable-account", "re-enable a disabled account (needs a free seat)"),
                       ("remove-account", "delete an account, its API keys and sessions (not a tenant's last owner)")):
        p = asub.add_parser(name, help=what)
        p.add_argument("email")
    p = asub.add_parser("set-role", help="make an account owner or member of its tenant (not the last owner)")
    p.add_argument("email")
    p.add_argument("role", choices=("owner", "member"))
    p = asub.add_parser("show-tenant", help="plan, subscription, seats, accounts and namespaces of a tenant")
    p.add_argument("slug")
    asub.add_parser("prune-keys", help="delete private key files of retired keys left in keys/ by older rotations")
    asub.add_parser("list-plans")
    p = asub.add_parser("invoice", help="plans billed by invoice: create, mark-paid, void, list")
    isub = p.add_subparsers(dest="invoice_command", required=True)
    i = isub.add_parser("create", help="an open invoice for TENANT's PLAN")
    i.add_argument("tenant")
    i.add_argument("plan")
    i.add_argument("--amount", required=True, help="in dollars, like 5990.00")
    i.add_argument("--days", type=int, default=365, help="how long the plan runs once paid")
    i = isub.add_parser("mark-paid", help="record the payment and start (or extend) the plan")
    i.add_argument("number")
    i.add_argument("--reference", help="the bank transfer or cheque reference, kept with the invoice")
    i = isub.add_parser("void", help="withdraw an open invoice")
    i.add_argument("number")
    i = isub.add_parser("list", help="a tenant's invoices")
    i.add_argument("tenant")
    p = asub.add_parser("billing", help="billing upkeep")
    bsub = p.add_subparsers(dest="billing_command", required=True)
    bsub.add_parser("settle", help="carry out downgrades and cancellations whose period end has passed")
    p = asub.add_parser("tuf", help="the TUF root key and root metadata")
    tsub = p.add_subparsers(dest="tuf_command", required=True)
    t = tsub.add_parser("export-root-key", help="move the root private key from keys/ to FILE, taking it offline")
    t.add_argument("--out", type=Path, required=True, metavar="FILE", help="new file (0600); never overwritten")
    t = tsub.add_parser("renew-root", help="sign a new root version with a fresh expiry (same keys)")
    t.add_argument("--root-key", type=Path, metavar="FILE", help="the offline root key (needed when it is not in keys/)")
    tsub.add_parser("status", help="root version, expiry and whether the root key is online")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    try:
        if args.command == "serve":
            return _serve(args, settings)
        if args.command == "db":
            return _db(args, settings)
        return _admin(args, settings)
    except ApiError as exc:
        print(f"rulehub: {exc.message}", file=sys.stderr)
        return 2
    except dbmod.SchemaError as exc:
        print(f"rulehub: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
