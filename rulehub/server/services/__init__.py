"""Operations on the registry as plain functions taking a SQLAlchemy Session.

Routes, the admin CLI and the portal call these; none of them commit (the caller owns the
transaction) and every failure a user can cause is an `rulehub.server.errors.ApiError`.

- accounts: tenants, accounts, passwords, plans, subscriptions, namespaces, API keys
- entitlements: may this tenant see / download this pack version
- packs: publish, yank, catalogue, detail, resolve
- usage: download records and per-tenant summaries
"""
