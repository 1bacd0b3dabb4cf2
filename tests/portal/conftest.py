"""Fixtures for the portal tests: a real `rulehub serve` on loopback with the portal mounted.

One server per backend per xdist worker (session scope), each with its own temp data dir
(SQLite file, or a fresh PostgreSQL database from RULEHUB_TEST_POSTGRES_URL), artifacts,
keys and a free 127.0.0.1 port.  HTTP-level tests run on both backends (`portal`), the
browser tests on the embedded SQLite default (`sqlite_portal`).  The portal's proxy trust
is on so the X-Forwarded-Proto test can see the Secure cookie flag; the per-address login
limit is raised so the tests' many logins from 127.0.0.1 do not throttle each other (the
per-email limit, which the rate-limit test exercises, stays at its default of 5).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.support.environment import unavailable
from portal_server import CHROMIUM, CHROMIUM_ARGS, PASSWORD, REPO, PortalServer, csrf_from, free_port
from tests.support.hub_process import hub_env, postgres_database, serve, stop, wait_healthy
from tests.support.mailbox import Mailbox
from tests.support.stripe_standin import StandInServer, StripeStandIn, hub_settings
from rulehub.server import db as dbmod
from rulehub.server.settings import Settings




@contextmanager
def serve_portal(url: str, data_dir: Path, tmp: Path, ip_limit: int = 100000, **settings: str) -> Iterator[PortalServer]:
    """`rulehub serve` with the portal; `settings` are further RULEHUB_* variables."""
    dbmod.upgrade(url)
    port = free_port()
    env = hub_env(data_dir, url, REPO, RULEHUB_TRUST_PROXY="1", RULEHUB_PORTAL_LOGIN_IP_LIMIT=str(ip_limit), **settings)
    env.pop("RULEHUB_PORTAL_SECRET", None)
    log = data_dir / "server.log"
    proc = serve(port, env, log, REPO)
    base = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=data_dir, database_url=url)
    database = dbmod.Database.connect(settings)
    try:
        wait_healthy(base, proc, log)
        yield PortalServer(base, settings, database, tmp, log)
    finally:
        stop(proc)
        database.dispose()
    # Every portal error must have been an HTML page: an unhandled exception fails the session.
    tail = log.read_text(errors="replace")
    if "Traceback" in tail:
        pytest.fail(f"the server logged an unhandled exception:\n{tail[-5000:]}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium (Debian's /usr/bin/chromium) for the browser tests."""
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def stripe_standin() -> Iterator[StripeStandIn]:
    """The stand-in Stripe on loopback that the shared portal servers bill through."""
    with StandInServer(free_port()) as standin:
        yield standin


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """The SMTP server on loopback that the shared portal servers send their mail to."""
    with Mailbox(free_port()) as box:
        yield box


@pytest.fixture(scope="session")
def sqlite_portal(tmp_path_factory: pytest.TempPathFactory, stripe_standin: StripeStandIn,
                  mailbox: Mailbox) -> Iterator[PortalServer]:
    """The server on the embedded default (SQLite); the browser tests use this one."""
    data_dir = tmp_path_factory.mktemp("portal-data")
    with serve_portal(f"sqlite:///{data_dir / 'rulehub.db'}", data_dir, tmp_path_factory.mktemp("portal-packs"),
                      **hub_settings(stripe_standin), **mailbox.settings()) as server:
        yield server


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def portal(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalServer]:
    """The server on each database backend: HTTP-level tests run against both."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_portal")
        return
    extra = {**hub_settings(request.getfixturevalue("stripe_standin")),
             **request.getfixturevalue("mailbox").settings()}
    with postgres_database("rulehub_portal") as url, serve_portal(url, tmp_path_factory.mktemp("portal-pg-data"),
                                              tmp_path_factory.mktemp("portal-pg-packs"), **extra) as server:
        yield server


@pytest.fixture(scope="module")
def strict_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalServer]:
    """A server of its own (SQLite) whose per-address limit is the default 30 failures in
    300 s, for the tests about that limit (the shared servers raise it)."""
    data_dir = tmp_path_factory.mktemp("strict-portal-data")
    with serve_portal(f"sqlite:///{data_dir / 'rulehub.db'}", data_dir, tmp_path_factory.mktemp("strict-portal-packs"),
                ip_limit=30) as server:
        yield server


@pytest.fixture
def user(portal: PortalServer) -> tuple[str, str]:
    """A signed-up account (email, password), created through the sign-up form."""
    email = f"{portal.unique('user')}@example.test"
    with portal.client() as c:
        form = c.get("/signup")
        r = c.post("/signup", data={"csrf_token": csrf_from(form.text), "email": email, "password": PASSWORD})
        assert r.status_code == 303, r.text
    return email, PASSWORD


@contextmanager
def _backend_url(backend: str, data_dir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{data_dir / 'rulehub.db'}"
        return
    with postgres_database("rulehub_portal") as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def proxy_portals(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PortalServer, PortalServer]]:
    """Two servers on each backend allowing 3 failed logins per client address: the first
    trusts no proxy (the default), the second trusts 127.0.0.1 (RULEHUB_TRUSTED_PROXIES)."""
    with ExitStack() as stack:
        servers = []
        for trusted in ("", "127.0.0.1"):
            data_dir = tmp_path_factory.mktemp("proxy-portal-data")
            url = stack.enter_context(_backend_url(request.param, data_dir))
            servers.append(stack.enter_context(serve_portal(url, data_dir, tmp_path_factory.mktemp("proxy-portal-packs"),
                                                            ip_limit=3, RULEHUB_TRUSTED_PROXIES=trusted)))
        yield servers[0], servers[1]
