"""The portal's security properties, over HTTP against the live server.

CSRF, session fixation, cookie flags, account enumeration, login throttling, safe
redirects, HTML (never a stack trace) for broken requests, and the state changes the
dashboard, key and publisher forms make.
"""

from __future__ import annotations

import json
import re
import statistics
import time

import httpx
from sqlalchemy import select

from tests.support.stripe_standin import StripeStandIn
from portal_server import PASSWORD, PortalServer, csrf_from, form_error
from rulehub.server.models import ApiKey, PackVersion
from rulehub.server.models import SubscriptionEvent
from rulehub.server.services import accounts

COOKIE = "rh_session"


def _assert_html_page(r: httpx.Response) -> None:
    assert r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("text/html"), r.headers
    assert "Traceback" not in r.text and 'File "' not in r.text


# --- CSRF -------------------------------------------------------------------------------------------


def test_post_without_or_with_wrong_csrf_token_is_403(portal: PortalServer, user: tuple[str, str]) -> None:
    email, password = user
    with portal.client() as c:
        c.get("/login")
        for data in ({}, {"csrf_token": ""}, {"csrf_token": "0" * 64}, {"csrf_token": "not-hex"}):
            r = c.post("/login", data={"email": email, "password": password, **data})
            assert r.status_code == 403, data
            _assert_html_page(r)
            assert COOKIE not in r.headers.get("set-cookie", "")  # not signed in
    # A token from another browser (another cookie) is also refused.
    with portal.client() as other:
        foreign = csrf_from(other.get("/login").text)
    with portal.client() as c:
        c.get("/login")
        assert c.post("/login", data={"csrf_token": foreign, "email": email, "password": password}).status_code == 403
    # No cookie at all: refused even with a syntactically valid token.
    with portal.client() as c:
        assert c.post("/login", data={"csrf_token": foreign, "email": email, "password": password}).status_code == 403


def test_signed_in_forms_need_the_token_too(portal: PortalServer, user: tuple[str, str]) -> None:
    email, _ = user
    with portal.login(email) as c:
        before = c.get("/keys").text
        for path, data in (("/keys", {"name": "ci", "scopes": "packs:read"}), ("/billing/change", {"plan": "pro"}),
                           ("/dashboard/cancel", {}), ("/team/invite", {"email": "x@example.test"}),
                           ("/verify-email/send", {}), ("/logout", {})):
            r = c.post(path, data={**data, "csrf_token": "f" * 64})
            assert r.status_code == 403, path
            _assert_html_page(r)
        assert c.get("/dashboard").status_code == 200  # still signed in: logout without a token did nothing
        assert "rh_" not in c.get("/keys").text.replace(before, "")
    with portal.database.session() as s:
        account = accounts.get_account(s, email)
        assert accounts.list_api_keys(s, account) == []
        sub, plan = accounts.subscription_for(s, account.tenant_id)
        assert (plan.name, sub.status) == ("free", "active")


# --- sessions and cookies ----------------------------------------------------------------------------


def test_session_id_changes_at_login_and_a_planted_one_never_signs_in(portal: PortalServer,
                                                                      user: tuple[str, str]) -> None:
    email, password = user
    planted = "A" * 43  # a well-formed token an attacker set in the victim's browser
    with portal.client() as victim:
        victim.cookies.set(COOKIE, planted, domain="127.0.0.1")
        token = csrf_from(victim.get("/login").text)
        r = victim.post("/login", data={"csrf_token": token, "email": email, "password": password})
        assert r.status_code == 303
        issued = r.cookies.get(COOKIE)
        assert issued and issued != planted
        assert victim.get("/dashboard").status_code == 200
        # The attacker's copy of the planted id is not a session.
        with portal.client() as attacker:
            attacker.cookies.set(COOKIE, planted, domain="127.0.0.1")
            r = attacker.get("/dashboard")
            assert r.status_code == 303 and r.headers["location"].startswith("/login")

    # Two logins of one browser get two different ids, and the first stops working.
    with portal.client() as c:
        first = c.post("/login", data={"csrf_token": csrf_from(c.get("/login").text), "email": email,
                                       "password": password}).cookies[COOKIE]
        second_resp = c.post("/login", data={"csrf_token": csrf_from(c.get("/login").text), "email": email,
                                             "password": password})
        second = second_resp.cookies[COOKIE]
        assert first != second
    with portal.client() as stale:
        stale.cookies.set(COOKIE, first, domain="127.0.0.1")
        assert stale.get("/dashboard").status_code == 303


def test_logout_ends_the_session_on_the_server(portal: PortalServer, user: tuple[str, str]) -> None:
    email, _ = user
    with portal.login(email) as c:
        session_id = c.cookies[COOKIE]
        r = c.post("/logout", data={"csrf_token": csrf_from(c.get("/dashboard").text)})
        assert r.status_code == 303
        assert r.cookies[COOKIE] != session_id  # rotated again
    with portal.client() as replay:  # someone who copied the cookie before logout
        replay.cookies.set(COOKIE, session_id, domain="127.0.0.1")
        assert replay.get("/dashboard").status_code == 303


def test_cookie_flags(portal: PortalServer, user: tuple[str, str]) -> None:
    email, password = user
    with portal.client() as c:
        anonymous = c.get("/login").headers["set-cookie"]
        r = c.post("/login", data={"csrf_token": csrf_from(c.get("/login").text), "email": email,
                                   "password": password})
        signed_in = r.headers["set-cookie"]
    for header in (anonymous, signed_in):
        parts = [p.strip().lower() for p in header.split(";")]
        assert parts[0].startswith(f"{COOKIE}=")
        assert "httponly" in parts and "samesite=lax" in parts and "path=/" in parts
        assert "secure" not in parts  # plain http on loopback: a Secure cookie would never come back
    assert "max-age=" in signed_in.lower()

    # Behind a TLS-terminating proxy (RULEHUB_TRUST_PROXY=1 in this server): Secure.
    https = {"X-Forwarded-Proto": "https"}
    with portal.client(headers=https) as c:
        anonymous = c.get("/login").headers["set-cookie"]
        r = c.post("/login", data={"csrf_token": csrf_from(c.get("/login").text), "email": email,
                                   "password": password})
        signed_in = r.headers["set-cookie"]
    for header in (anonymous, signed_in):
        parts = [p.strip().lower() for p in header.split(";")]
        assert "secure" in parts and "httponly" in parts and "samesite=lax" in parts


def test_pages_send_security_headers(portal: PortalServer, user: tuple[str, str]) -> None:
    with portal.login(user[0]) as c:
        r = c.get("/dashboard")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"


# --- login: enumeration and throttling ----------------------------------------------------------------


def _attempt(portal: PortalServer, email: str, password: str) -> tuple[httpx.Response, float]:
    with portal.client() as c:
        token = csrf_from(c.get("/login").text)
        start = time.perf_counter()
        r = c.post("/login", data={"csrf_token": token, "email": email, "password": password})
        return r, time.perf_counter() - start


def test_no_account_enumeration(portal: PortalServer, user: tuple[str, str]) -> None:
    email, _ = user
    no_password = f"{portal.unique('apionly')}@example.test"  # an account made by `rulehub admin`, no password
    with portal.database.write_session() as s:
        slug = portal.unique("t")
        accounts.create_tenant(s, slug)
        accounts.create_account(s, no_password, slug)

    answers, wrong_times, unknown_times = [], [], []
    for i in range(3):
        r, t = _attempt(portal, email, f"wrong password {i}")
        answers.append((r.status_code, form_error(r.text)))
        wrong_times.append(t)
        r, t = _attempt(portal, f"{portal.unique('nobody')}@example.test", f"wrong password {i}")
        answers.append((r.status_code, form_error(r.text)))
        unknown_times.append(t)
    r, _ = _attempt(portal, no_password, "whatever password")
    answers.append((r.status_code, form_error(r.text)))

    assert set(answers) == {(400, "Email or password is incorrect.")}
    # Same work either way (one argon2 verification): an unknown email is not measurably faster.
    assert statistics.median(unknown_times) > 0.5 * statistics.median(wrong_times), (unknown_times, wrong_times)


def test_login_is_rate_limited_per_email(portal: PortalServer, user: tuple[str, str]) -> None:
    email, password = user
    for i in range(5):
        r, _ = _attempt(portal, email, f"guess {i}")
        assert r.status_code == 400
    r, _ = _attempt(portal, email, password)  # from a browser that never signed in, even the right password waits
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert "Too many failed attempts" in form_error(r.text)
    assert COOKIE not in (r.headers.get("set-cookie") or "") or "max-age" not in r.headers["set-cookie"].lower()
    # The limit is per email: an unknown email is limited the same way (no enumeration through the limiter) ...
    ghost = f"{portal.unique('ghost')}@example.test"
    statuses = [_attempt(portal, ghost, f"guess {i}")[0].status_code for i in range(6)]
    assert statuses == [400] * 5 + [429]
    # ... and other people can still log in.
    other = f"{portal.unique('other')}@example.test"
    with portal.client() as c:
        c.post("/signup", data={"csrf_token": csrf_from(c.get("/signup").text), "email": other,
                                "password": PASSWORD})
    with portal.login(other):
        pass


def test_login_redirects_only_within_the_site(portal: PortalServer, user: tuple[str, str]) -> None:
    email, password = user
    for target, expected in (("/usage", "/usage"), ("//evil.example/x", "/dashboard"),
                             ("https://evil.example/", "/dashboard"), ("/\\evil.example", "/dashboard")):
        with portal.client() as c:
            r = c.post("/login", data={"csrf_token": csrf_from(c.get("/login").text), "email": email,
                                       "password": password, "next": target})
            assert r.headers["location"] == expected, target


# --- errors are HTML pages, never a trace ---------------------------------------------------------------


def test_broken_requests_get_an_html_page_not_a_stack_trace(portal: PortalServer, user: tuple[str, str]) -> None:
    with portal.login(user[0]) as c:
        token = csrf_from(c.get("/keys").text)
        cases = [
            c.post("/login", content=b"\xff\xfe--garbage", headers={"Content-Type": "multipart/form-data; boundary=x"}),
            c.post("/keys", content=b"%%%", headers={"Content-Type": "application/x-www-form-urlencoded"}),
            c.post("/keys", data={"csrf_token": token, "name": "x" * 100_000, "scopes": "packs:read"}),
            c.post("/keys", data={"csrf_token": token, "name": "ci", "scopes": "admin"}),
            c.post("/keys/nope/revoke", data={"csrf_token": token}),
            c.post("/billing/change", data={"csrf_token": token, "plan": "platinum"}),
            c.get("/billing/change?plan=platinum"),
            c.get("/billing/return?session_id=%00"),
            c.post("/team/members/999999/remove", data={"csrf_token": token}),
            c.post("/team/invite", data={"csrf_token": token, "email": "x" * 100_000}),
            c.post("/publisher/nobody/pack/1.0.0/yank", data={"csrf_token": token}),
            c.post("/publisher/NO!/pack/1.0.0/yank", data={"csrf_token": token}),
            c.get("/catalog?go=not-a-version&tier=nonsense"),
            c.get("/catalog/nobody/nothing"),
            c.get("/catalog/BAD%20NS/x"),
            c.get("/catalog/nobody/nothing?version=%00"),
        ]
    for r in cases:
        _assert_html_page(r)
        assert r.status_code >= 400 or "is not a Go version" in r.text or "Choose at least one scope" in r.text
    with portal.client() as anon:
        r = anon.get("/dashboard")
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/dashboard"
    assert "Traceback" not in portal.log.read_text(errors="replace")


# --- what the forms change --------------------------------------------------------------------------------


def test_plan_change_and_cancel_are_recorded_as_events(portal: PortalServer, user: tuple[str, str],
                                                      stripe_standin: StripeStandIn) -> None:
    email, _ = user
    with portal.login(email) as c:
        r = c.post("/billing/change", data={"csrf_token": csrf_from(c.get("/billing/change?plan=pro").text),
                                            "plan": "pro"})
        assert r.status_code == 303
        stripe_standin.pay(r.headers["location"].rsplit("/", 1)[1])
        assert "Pro" in c.get("/dashboard").text
        r = c.post("/dashboard/cancel", data={"csrf_token": csrf_from(c.get("/dashboard/cancel").text)})
        assert r.status_code == 303
        page = c.get("/dashboard").text
        assert "moves to Free" in page and "subscription.change_scheduled" in page
    with portal.database.session() as s:
        account = accounts.get_account(s, email)
        sub, plan = accounts.subscription_for(s, account.tenant_id)
        assert (plan.name, sub.status, sub.pending_plan.name) == ("pro", "active", "free")
        events = s.scalars(select(SubscriptionEvent).where(SubscriptionEvent.tenant_id == account.tenant_id)
                           .order_by(SubscriptionEvent.id)).all()
        assert [(e.type, e.from_plan, e.to_plan, e.to_status, e.source, e.actor_account_id) for e in events] == [
            ("subscription.created", None, "free", "active", "portal", account.id),
            ("subscription.plan_changed", "free", "pro", "active", "webhook", None),
            ("subscription.change_scheduled", "pro", "pro", "active", "portal", account.id),
        ]
        body = json.loads(events[1].payload)  # the webhook's body, kept for audit
        assert body["type"] == "checkout.session.completed" and body["id"] == events[1].external_id
        body = json.loads(events[2].payload)  # the same shape for the portal's own changes
        assert body["type"] == "subscription.change_scheduled"
        assert body["data"]["current_period_end"] == events[2].period_end.isoformat()


def test_api_key_shown_once_listed_by_prefix_and_revocable(portal: PortalServer, user: tuple[str, str]) -> None:
    with portal.login(user[0]) as c:
        r = c.post("/keys", data={"csrf_token": csrf_from(c.get("/keys").text), "name": "ci",
                                  "scopes": "packs:read"})
        assert r.status_code == 303 and r.headers["location"] == "/keys/new"  # Post/Redirect/Get
        r = c.get("/keys/new")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        secret = re.search(r'value="(rh_[0-9a-f]{12}_[A-Za-z0-9_-]+)"', r.text).group(1)
        key_id = secret.split("_")[1]
        again = c.get("/keys/new")  # a reload shows the list, not the secret, and creates nothing
        assert again.status_code == 303 and again.headers["location"] == "/keys"
        listing = c.get("/keys").text
        assert secret not in listing and f"rh_{key_id}_" in listing and listing.count("Revoke…") == 1
        assert c.post("/v1/auth/token", json={"api_key": secret}).status_code == 200
        confirm = c.get(f"/keys/{key_id}/revoke")  # a confirmation page first; the key still works
        assert confirm.status_code == 200 and "stops working at once" in confirm.text
        assert c.post("/v1/auth/token", json={"api_key": secret}).status_code == 200
        r = c.post(f"/keys/{key_id}/revoke", data={"csrf_token": csrf_from(confirm.text)})
        assert r.status_code == 303
        assert "revoked" in c.get("/keys").text
        assert c.post("/v1/auth/token", json={"api_key": secret}).status_code == 401


def test_another_accounts_key_cannot_be_revoked(portal: PortalServer, user: tuple[str, str]) -> None:
    pub = portal.publisher()
    key_id = pub.api_key.split("_")[1]
    with portal.login(user[0]) as c:
        r = c.post(f"/keys/{key_id}/revoke", data={"csrf_token": csrf_from(c.get("/keys").text)})
        assert r.status_code == 404
    with portal.database.session() as s:
        assert s.scalars(select(ApiKey).where(ApiKey.key_id == key_id)).one().revoked_at is None


def test_publisher_yanks_and_unyanks_from_the_portal(portal: PortalServer) -> None:
    pub = portal.publisher(password=PASSWORD)
    name = portal.publish(pub, "yankme", "1.0.0", tier="free")
    portal.publish(pub, "yankme", "1.1.0", tier="free")
    with portal.login(pub.email) as c:
        page = c.get("/publisher").text
        assert name in page and "1.1.0" in page
        r = c.post(f"/publisher/{name}/1.1.0/yank", data={"csrf_token": csrf_from(page)})
        assert r.status_code == 303
        assert "yanked" in c.get("/publisher").text
        token = c.post("/v1/auth/token", json={"api_key": pub.api_key}).json()["access_token"]
        resolved = c.get(f"/v1/packs/{name}/resolve", params={"range": "^1.0"},
                         headers={"Authorization": f"Bearer {token}"})
        assert resolved.json()["version"] == "1.0.0"
        r = c.post(f"/publisher/{name}/1.1.0/unyank", data={"csrf_token": csrf_from(c.get("/publisher").text)})
        assert r.status_code == 303
    with portal.database.session() as s:
        assert s.scalars(select(PackVersion).where(PackVersion.target_path.like(f"{name}/%1.1.0%"))).one().yanked is False


def test_only_the_namespace_owner_can_yank(portal: PortalServer, user: tuple[str, str]) -> None:
    pub = portal.publisher()
    name = portal.publish(pub, "notyours", "1.0.0", tier="free")
    with portal.login(user[0]) as c:
        r = c.post(f"/publisher/{name}/1.0.0/yank", data={"csrf_token": csrf_from(c.get("/publisher").text)})
        assert r.status_code == 403
        _assert_html_page(r)


def test_rule_docs_are_rendered_and_escaped(portal: PortalServer) -> None:
    pub = portal.publisher()
    name = portal.publish(pub, "docs", "2.3.1", tier="free", tags=("http", "docs"))
    with portal.client() as c:
        page = c.get(f"/catalog/{name}").text
    assert "<h3>What it does</h3>" in page
    assert '<pre><code class="language-go">' in page and "defer resp.Body.Close()" in page
    assert "<code>Body</code>" in page
    assert "&lt;script&gt;alert" in page and '<script>alert("xss")' not in page
    assert f'[packs]\n&#34;{name}&#34; = &#34;^2.3&#34;' in page or f'"{name}" = "^2.3"' in page


def test_every_rule_has_a_page_at_its_docs_address(portal: PortalServer) -> None:
    """gocheck links each finding (SARIF helpUri, the editor's diagnostic link) to
    /rules/NAME; that page exists for built-in rules and for visible pack rules."""
    from analyzer.api.rule import DEFAULT_DOCS_URL

    assert DEFAULT_DOCS_URL.endswith("/rules/{rule}")
    pub = portal.publisher()
    name = portal.publish(pub, "ruledocs", "1.0.0", tier="free")
    with portal.client() as c:
        r = c.get("/rules/nilcheck")
        _assert_html_page(r)
        assert r.status_code == 200 and "<h1>nilcheck</h1>" in r.text
        assert "<h2>What it does</h2>" in r.text and "on by default" in r.text and "staticcheck:SA5011" in r.text
        r = c.get("/rules/unused-suppression")
        assert r.status_code == 200 and "off by default" in r.text
        r = c.get(f"/rules/{name}/bodyclose")
        _assert_html_page(r)
        assert r.status_code == 200 and f'href="/catalog/{name}"' in r.text
        assert "HTTP response bodies must be closed" in r.text and "&lt;script&gt;alert" in r.text
        assert f'href="/rules/{name}/bodyclose"' in c.get(f"/catalog/{name}").text
        for missing in ("/rules/no-such-rule", f"/rules/{name}/no-such-rule", "/rules/nobody/nothing/x", f"/rules/{name}"):
            r = c.get(missing, headers={"Accept": "text/html"})
            assert r.status_code == 404, missing
            _assert_html_page(r)


def test_a_private_packs_rule_pages_are_for_its_own_organisation_only(portal: PortalServer, user: tuple[str, str]) -> None:
    pub = portal.publisher(password=PASSWORD)
    name = portal.publish(pub, "inhouse", "1.0.0", tier="free", private=True)
    page = f"/rules/{name}/bodyclose"
    with portal.login(pub.email) as own:
        r = own.get(page)
        assert r.status_code == 200 and "HTTP response bodies must be closed" in r.text
        assert name in own.get("/catalog").text
    with portal.login(user[0]) as other, portal.client() as anonymous:
        for c in (other, anonymous):
            r = c.get(page, headers={"Accept": "text/html"})
            assert r.status_code == 404
            _assert_html_page(r)
            assert "bodyclose" not in r.text and name not in c.get("/catalog").text
            assert c.get(f"/catalog/{name}", headers={"Accept": "text/html"}).status_code == 404


def test_unknown_urls_are_html_for_browsers_and_json_for_the_api(portal: PortalServer) -> None:
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    with portal.client() as c:
        r = c.get("/no-such-page", headers=html)
        assert r.status_code == 404
        _assert_html_page(r)
        assert "There is no page at this address." in r.text
        r = c.put("/dashboard", headers=html)
        assert r.status_code == 405
        _assert_html_page(r)
        r = c.get("/no-such-page", headers={"Accept": "application/json"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        r = c.get("/v1/packs/nobody/nothing", headers=html)
        assert r.status_code == 404 and r.json()["error"]["code"] == "pack_not_found"
