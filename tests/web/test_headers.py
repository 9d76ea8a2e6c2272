"""Response headers (issue 16): a Content-Security-Policy the pages live within (checked in
Chromium too), no caching of anything holding figures, HSTS over HTTPS (directly or through a
trusted proxy), and the other protective headers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from guozi.web.app import create_app
from guozi.workspace import Workspace
from tests.web.browser import CHROMIUM, PageAs, Serve, sign_in

ClientAs = Callable[[str], TestClient]
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "guozi" / "web" / "templates"
SECRET = "test-secret-not-for-production"

PAGES_AND_ANSWERS = [
    "/",
    "/tree?entity=A",
    "/entity/A1",
    "/indicator/total_profit?entity=A",
    "/targets",
    "/warnings",
    "/losses",
    "/eva",
    "/search?q=A",
    "/submissions",
    "/admin/users",
    "/admin/audit",
    "/entity/NOPE",  # an error page
    "/api/v1/overview",
    "/api/v1/tree?entity=A",
    "/api/v1/entities/A/history",
    "/api/v1/indicators/total_profit",
    "/api/v1/targets",
    "/api/v1/warnings",
    "/api/v1/losses",
    "/api/v1/eva",
    "/api/v1/submissions",
    "/api/v1/audit",
    "/api/v1/me",
    "/api/v1/report?entity=A&format=xlsx",
    "/api/v1/report?entity=A&format=html",
]


def _policy(header: str) -> dict[str, list[str]]:
    """A CSP header as {directive: sources}."""
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path", PAGES_AND_ANSWERS)
def test_every_page_and_answer_carries_the_protective_headers(client_as: ClientAs, path: str) -> None:
    r = client_as("admin").get(path)
    assert r.status_code in (200, 404), r.text[:300]
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in r.headers  # plain HTTP
    policy = _policy(r.headers["content-security-policy"])
    if "/report" in path:  # a download: sandboxed by its handler (no script runs, even opened inline)
        assert "sandbox" in policy
        return
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]  # ECharts' tooltips; no <style>, no script
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_signed_out_pages_and_refusals_are_not_cached_either(anon: TestClient) -> None:
    for r in (anon.get("/login"), anon.get("/api/v1/session"), anon.get("/api/v1/overview"), anon.get("/")):
        assert r.headers["cache-control"] == "no-store", r.url


def test_static_files_may_be_cached(anon: TestClient) -> None:
    r = anon.get("/static/guozi.js")
    assert r.status_code == 200
    assert "no-store" not in r.headers.get("cache-control", "")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_hsts_over_https(app: FastAPI) -> None:
    r = TestClient(app, base_url="https://testserver").get("/login")
    assert r.headers["strict-transport-security"] == "max-age=31536000"


def test_hsts_behind_a_trusted_proxy_only(group_ws: Workspace) -> None:
    trusting = create_app(workspace=group_ws, secret=SECRET, proxies=["10.0.0.0/8"])
    proxy = TestClient(trusting, client=("10.1.2.3", 40000))
    r = proxy.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert r.headers["strict-transport-security"] == "max-age=31536000"
    stranger = TestClient(trusting, client=("192.0.2.7", 40000))
    assert "strict-transport-security" not in stranger.get("/login", headers={"X-Forwarded-Proto": "https"}).headers
    plain = TestClient(create_app(workspace=group_ws, secret=SECRET, proxies=[]), client=("10.1.2.3", 40000))
    assert "strict-transport-security" not in plain.get("/login", headers={"X-Forwarded-Proto": "https"}).headers


def test_the_session_cookie_is_secure_behind_a_trusted_tls_proxy(group_ws: Workspace) -> None:
    trusting = create_app(workspace=group_ws, secret=SECRET, proxies=["10.0.0.0/8"])
    proxy = TestClient(trusting, client=("10.1.2.3", 40000))
    proxy.headers["X-Forwarded-Proto"] = "https"
    r = proxy.get("/api/v1/session")
    cookie = next(v for v in r.headers.get_list("set-cookie") if v.startswith("guozi_session="))
    assert cookie.endswith("; Secure")


def test_templates_hold_no_inline_script_style_or_outside_resource() -> None:
    """What lets the policy be ``'self'`` only: every script is a /static file (the one inline
    ``<script>`` is a JSON data block, which is never run), no ``style`` attribute or element, no
    ``on…=`` handler, no resource from another site."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert re.search(r'src="/static/[\w./-]+"', tag) or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"<style\b|\sstyle=", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        for url in re.findall(r'(?:src|href|action)="([^"{]+)"', text):
            assert not urlsplit(url).netloc, (path, url)
            assert not url.startswith("javascript:"), (path, url)


def test_the_api_docs_page_lives_within_the_same_policy(anon: TestClient) -> None:
    """/docs serves Swagger UI from /static (issue 20: a closed network has no CDN): the page loads
    nothing from outside and gets the policy every page gets."""
    r = anon.get("/docs")
    assert r.status_code == 200
    assert _policy(r.headers["content-security-policy"]) == _policy(
        anon.get("/login").headers["content-security-policy"]
    )
    assert not re.findall(r"""(?:src|href)=["'](?:https?:)?//""", r.text)


# -- the pages in a browser, under the policy ---------------------------------------------------------------


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_pages_work_in_chromium_under_the_policy(app: FastAPI, serve: Serve, page_as: PageAs) -> None:
    """Sign in, open the overview (ECharts draws its trend charts, a tooltip shows on hover), an
    entity (sorting by a heading), the drill-down, the upload form, the API docs (Swagger UI): not
    one policy violation."""
    served = serve(app)
    violations: list[str] = []
    page = page_as(served)
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    sign_in(page, served, "admin")
    page.wait_for_selector(".chart canvas")
    charts = page.locator(".chart")
    assert charts.count() >= 1 and page.locator(".chart canvas").count() == charts.count()
    shown = page.evaluate(  # the tooltip of the last month, as a hover shows it
        """() => { const chart = echarts.getInstanceByDom(document.querySelector('.chart'));
        const months = chart.getOption().xAxis[0].data;
        chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: months.length - 1});
        return months[months.length - 1]; }"""
    )
    assert shown == "2025-06"
    tip = page.locator(".chart > div:last-child span").first  # ECharts' coloured marker
    assert tip.evaluate("e => getComputedStyle(e).borderRadius") == "10px"  # its style attribute applied
    page.goto(f"{served}/tree?entity=A")
    page.goto(f"{served}/entity/A")
    heading = page.locator("table.sortable th").first
    heading.click()
    assert heading.get_attribute("aria-sort") in ("ascending", "descending")  # guozi.js ran
    page.goto(f"{served}/submissions/new")
    page.goto(f"{served}/admin/users")
    page.goto(f"{served}/docs")  # Swagger UI from /static draws the API's operations
    page.wait_for_selector(".opblock-summary-path")
    assert page.locator(".opblock").count() >= 10
    assert violations == []
