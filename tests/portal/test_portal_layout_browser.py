"""The portal's layout in a real headless Chromium, at a desktop width and at a phone's 390 px:
no page scrolls sideways even with hostile-length data (a 64-character namespace, a long
team name, description, version, rule name, claim reason and e-mail address), tables turn
into labelled cards on the phone, the copy buttons copy, the publisher journey works from
the browser, and /docs renders with every request outside this server blocked.

Screenshots: test-artifacts/portal/layout-<page>-<desktop|phone>.png.
"""

from __future__ import annotations

import json
import uuid

import pytest
from portal_server import (
    ARTIFACTS,
    PASSWORD,
    RULE_DOCS,
    PortalServer,
)

from rulehub.pack import build_artifact_bytes
from tests.support.environment import require_browser
from rulehub.server.services import accounts, namespaces

pytestmark = pytest.mark.browser
require_browser()

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}



@pytest.fixture(scope="module")
def long_data(sqlite_portal: PortalServer) -> dict[str, str]:
    """A publisher whose every name is as long as the hub allows, with a pack, a long
    version, a long rule name, a claim with a long reason and note, and a long e-mail."""
    portal = sqlite_portal
    ns = ("n" + uuid.uuid4().hex)[:8] + "-" + "a" * 54  # 63 characters: the longest namespace
    email = f"{'e' * 60}.{uuid.uuid4().hex[:6]}@{'very-long-subdomain-' * 8}example.test"
    with portal.database.write_session() as s:
        accounts.create_tenant(s, ns, "Team" + "W" * 190)
        owner = accounts.create_account(s, email, ns, role="owner", password=PASSWORD)
        accounts.grant_plan(s, ns, "enterprise")
        accounts.create_namespace(s, ns, ns)
        key = accounts.create_api_key(s, owner, scopes=["packs:read", "packs:publish"], name="k" * 200)
        claim = namespaces.claim(s, owner, f"{ns[:40]}-second", "Because " + "R" * 480)
        namespaces.decide(s, claim.id, approve=False, note="N" * 480)
    pack = f"{ns}/{'p' * 64}"
    version = "1.0.0-" + "rc" * 55
    root = portal.tmp / uuid.uuid4().hex
    root.mkdir(parents=True)
    (root / "pack.toml").write_text("\n".join([
        "[pack]", f'name = "{pack}"', f'version = "{version}"', f'description = "{"D" * 400}"',
        'license = "MIT"', 'tier = "pro"', 'engine = ">=0.1.0, <1.0.0"', f'tags = ["{"t" * 32}", "http"]']) + "\n")
    short = "r" * 190  # a rule name may be 200 characters
    rule = f"{pack}/{short}"
    (root / "rules.json").write_text(json.dumps({"rules": [
        {"name": short, "summary": "S" * 300, "severity": "warning", "tags": ["http"], "docs": RULE_DOCS + "L" * 400}]}))
    (root / "rule.py").write_text('"""A rule."""\n')
    with portal.client() as c:
        token = c.post("/v1/auth/token", json={"api_key": key.secret}).json()["access_token"]
        r = c.put(f"/v1/packs/{pack}/{version}", content=build_artifact_bytes(root),
                  headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        got = c.get(f"/v1/packs/{pack}/{version}/download", headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == 200
    return {"ns": ns, "pack": pack, "version": version, "rule": rule, "email": email}


def _no_sideways_scroll(page, name: str) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide = page.evaluate("""Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.getBoundingClientRect().right)""")
        pytest.fail(f"{name}: the page is {width[0]} px wide in a {width[1]} px window; too wide: {wide}")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-{name}.png"), full_page=True)


def _login(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_page_scrolls_sideways(sqlite_portal: PortalServer, browser, long_data: dict[str, str],  # type: ignore[no-untyped-def]
                                  viewport: str) -> None:
    context = browser.new_context(base_url=sqlite_portal.base_url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    pages = {
        "home": "/",
        "catalog": "/catalog",
        "catalog-search": f"/catalog?q={'Q' * 100}",
        "pack": f"/catalog/{long_data['pack']}",
        "core-pack": "/catalog/gocheck/core",
        "rule": f"/rules/{long_data['rule']}",
        "not-found": f"/catalog/{long_data['ns']}/{'z' * 64}",
    }
    for name, path in pages.items():
        page.goto(path)
        _no_sideways_scroll(page, f"{name} ({viewport})")
        _shot(page, f"{name}-{viewport}")
    _login(page, long_data["email"])
    page.goto("/publisher")
    _no_sideways_scroll(page, f"publisher ({viewport})")
    assert page.get_by_text("rejected", exact=True).is_visible()
    _shot(page, f"publisher-{viewport}")
    yank = page.get_by_role("button", name=f"Yank {long_data['pack']} {long_data['version']}")
    box = yank.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"]
    yank.click()  # the confirmation page, then back without yanking
    _no_sideways_scroll(page, f"confirm yank ({viewport})")
    _shot(page, f"confirm-yank-{viewport}")
    page.get_by_role("link", name="Keep it").click()
    page.wait_for_url("**/publisher")
    if viewport == "phone":
        # Tables are cards: the header row is hidden and each cell says what it is.
        cell = page.locator("td[data-label='Downloads']").first
        label = page.evaluate("e => getComputedStyle(e, '::before').content", cell.element_handle())
        assert label == '"Downloads"'
        assert page.locator("table.cards thead").first.bounding_box()["height"] <= 1  # type: ignore[index]
    assert errors == []
    context.close()


def test_copy_buttons_copy_the_install_command(sqlite_portal: PortalServer, browser,  # type: ignore[no-untyped-def]
                                               long_data: dict[str, str]) -> None:
    context = browser.new_context(base_url=sqlite_portal.base_url, viewport=VIEWPORTS["phone"],
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"/catalog/{long_data['pack']}")
    page.get_by_role("button", name="Copy the command").click()
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#command").inner_text()
    assert page.get_by_role("button", name="Copy the command").inner_text() == "Copied"
    page.get_by_role("button", name="Copy the .gocheck.toml lines").click()
    assert page.evaluate("navigator.clipboard.readText()").startswith(f'[packs]\n"{long_data["pack"]}" = ')
    context.close()


def test_claim_a_namespace_from_the_browser(sqlite_portal: PortalServer, browser) -> None:  # type: ignore[no-untyped-def]
    portal = sqlite_portal
    slug = portal.unique("claimer")
    with portal.database.write_session() as s:
        accounts.create_tenant(s, slug, "Claimers")
        accounts.create_account(s, f"{slug}@example.test", slug, role="owner", password=PASSWORD)
    context = browser.new_context(base_url=portal.base_url, viewport=VIEWPORTS["phone"])
    page = context.new_page()
    _login(page, f"{slug}@example.test")
    page.get_by_role("link", name="Publisher").click()
    assert page.get_by_text("Your team has no namespace yet").is_visible()
    _shot(page, "publisher-empty-phone")
    page.locator("#claim-name").fill("gocheck")
    page.get_by_label("Why is it yours?").fill("We wrote it")
    page.get_by_role("button", name="Claim").click()
    assert "is reserved" in page.locator("#name-error").inner_text()
    assert page.locator("#claim-name").get_attribute("aria-invalid") == "true"
    _shot(page, "publisher-claim-refused-phone")
    page.locator("#claim-name").fill(slug)
    page.get_by_role("button", name="Claim").click()
    page.wait_for_url(f"**/publisher?claimed={slug}")
    assert page.get_by_text("waiting for an operator", exact=True).is_visible()
    _no_sideways_scroll(page, "publisher after claim (phone)")
    _shot(page, "publisher-claim-pending-phone")
    context.close()


def test_docs_render_with_nothing_but_this_server(sqlite_portal: PortalServer, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=sqlite_portal.base_url, viewport=VIEWPORTS["desktop"])
    outside: list[str] = []

    def only_loopback(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(sqlite_portal.base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.goto("/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert page.locator(".swagger-ui .title").first.inner_text().startswith("RuleHub")
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert outside == []
    _shot(page, "docs-desktop")
    context.close()
