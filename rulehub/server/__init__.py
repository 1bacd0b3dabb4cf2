"""The RuleHub registry service (FastAPI + SQLAlchemy 2 + Alembic).

Layout: `app.py` builds the app, `cli.py` is the `rulehub` command, `models.py` the tables,
`services/` the operations (plain functions taking a Session, shared by routes, the admin
CLI and the portal), `api/` the HTTP layer, `core/` keys and tokens, `tuf_repo.py` the
TUF metadata kept in the database.
"""
