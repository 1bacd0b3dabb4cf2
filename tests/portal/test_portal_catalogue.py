"""The catalogue over HTTP on SQLite and PostgreSQL: publisher, download counts, rule counts,
search (also by rule name), sort, the built-in core pack read from the installed gocheck,
copy buttons on install snippets, empty states; the logo/favicon; and /docs with no CDN."""

from __future__ import annotations

import re

import httpx
import pytest
from portal_server import PortalServer


def _names(html: str) -> list[str]:
    return re.findall(r'<li class="pack[^"]*">\s*<h2><a href="/catalog/([^"]+)"', html)


def _download(portal: PortalServer, api_key: str, name: str, version: str, times: int) -> None:
    with portal.client() as c:
        token = c.post("/v1/auth/token", json={"api_key": api_key}).json()["access_token"]
        for _ in range(times):
            assert c.get(f"/v1/packs/{name}/{version}/download",
                         headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.fixture(scope="module")
def listed(portal: PortalServer) -> dict[str, str]:
    """Two packs of one publisher with different downloads, publish order and rule names."""
    pub = portal.publisher()
    quiet = portal.publish(pub, "quiet", "1.0.0", tier="free", tags=("sortcheck",))
    busy = portal.publish(pub, "busy", "0.3.0", tier="free", tags=("sortcheck",))
    _download(portal, pub.api_key, busy, "0.3.0", 3)
    _download(portal, pub.api_key, quiet, "1.0.0", 1)
    return {"quiet": quiet, "busy": busy, "publisher": f"Publisher {pub.namespace}", "ns": pub.namespace}


def test_entries_show_publisher_downloads_and_rules(portal: PortalServer, listed: dict[str, str]) -> None:
    with portal.client() as c:
        html = c.get("/catalog", params={"tag": "sortcheck"}).text
    entry = html[html.index(f'href="/catalog/{listed["busy"]}"'):]
    entry = entry[:entry.index("</li>")]
    assert f'by <span class="publisher">{listed["publisher"]}</span>' in entry
    assert '<span class="downloads">3 downloads</span>' in entry and '<span class="rules">1 rule</span>' in entry
    with portal.client() as c:
        api = c.get("/v1/packs", params={"tag": "sortcheck"}).json()["packs"]
    assert {p["name"]: (p["downloads"], p["rules"], p["publisher"]) for p in api} == {
        listed["busy"]: (3, 1, listed["publisher"]), listed["quiet"]: (1, 1, listed["publisher"])}


@pytest.mark.parametrize(("sort", "first"), [("name", "busy"), ("downloads", "busy"), ("updated", "busy"),
                                             ("rules", "busy")])
def test_sort(portal: PortalServer, listed: dict[str, str], sort: str, first: str) -> None:
    with portal.client() as c:
        names = _names(c.get("/catalog", params={"tag": "sortcheck", "sort": sort}).text)
    assert names == [listed[first], listed["quiet"]]


def test_unknown_sort_is_the_default(portal: PortalServer, listed: dict[str, str]) -> None:
    with portal.client() as c:
        r = c.get("/catalog", params={"tag": "sortcheck", "sort": "'; drop table packs"})
    assert r.status_code == 200 and _names(r.text) == [listed["busy"], listed["quiet"]]


def test_search_finds_rule_names_and_treats_wildcards_literally(portal: PortalServer, listed: dict[str, str]) -> None:
    with portal.client() as c:
        by_rule = _names(c.get("/catalog", params={"q": f"{listed['ns']}/quiet/bodyclose"}).text)
        wildcard = c.get("/catalog", params={"q": "%"})
    assert by_rule == [listed["quiet"]]
    assert wildcard.status_code == 200 and _names(wildcard.text) == []
    assert "No pack on the hub matches" in wildcard.text and 'href="/catalog">clear the filters' in wildcard.text


def test_core_pack_is_listed_from_the_installed_gocheck(portal: PortalServer) -> None:
    from analyzer.pipeline.rulepack import core_pack_dir, load_pack

    core = load_pack(core_pack_dir())
    with portal.client() as c:
        html = c.get("/catalog").text
        assert _names(html)[0] == "gocheck/core"
        assert f"{len(core.rules)} rules" in html and "nothing to install" in html
        detail = c.get("/catalog/gocheck/core").text
        assert c.get("/catalog", params={"q": core.rules[0].name}).text.count("gocheck/core") >= 1
    linked = set(re.findall(r'<a href="/rules/([^"]+)">', detail))
    assert linked == {r.name for r in core.rules}
    assert 'data-copy-target="core-command"' in detail


def test_install_snippets_have_copy_buttons(portal: PortalServer, listed: dict[str, str]) -> None:
    with portal.client() as c:
        html = c.get(f"/catalog/{listed['busy']}").text
    assert f'<code id="command">gocheck packs add {listed["busy"]}@^0.3</code>' in html
    assert 'data-copy-target="command"' in html and 'data-copy-target="snippet"' in html
    assert '<script src="/static/portal/copy.js" defer></script>' in html


def test_logo_and_favicon(portal: PortalServer) -> None:
    with portal.client() as c:
        html = c.get("/").text
        assert '<link rel="icon" href="/static/portal/favicon.svg" type="image/svg+xml">' in html
        for path in ("/favicon.ico", "/static/portal/favicon.svg", "/static/portal/logo.svg"):
            r = c.get(path)
            assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml"), path
            assert r.content.lstrip().startswith(b"<svg")


def test_docs_use_local_assets_only(portal: PortalServer) -> None:
    with portal.client() as c:
        docs = c.get("/docs")
        assert docs.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']""", docs.text)
        found = [u for pair in urls for u in pair if u]
        assert found and all(u.startswith("/") for u in found), found
        assert not re.search(r"https?://", docs.text.replace("http://www.w3.org", ""))
        assert c.get("/redoc").headers["location"] == "/docs"
        for asset in ("/static/apidocs/swagger-ui-bundle.js", "/static/apidocs/swagger-ui.css"):
            r = c.get(asset)
            assert r.status_code == 200 and len(r.content) > 10_000, asset
        assert "paths" in c.get("/openapi.json").json()


def test_phone_css_stacks_tables_and_wraps_long_text(portal: PortalServer) -> None:
    css = httpx.get(f"{portal.base_url}/static/portal/portal.css").text
    assert "td[data-label]::before { content: attr(data-label)" in css
    assert "overflow-wrap: anywhere" in css and "@media (max-width: 40rem)" in css
