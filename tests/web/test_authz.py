"""The authorization matrix: for every endpoint and every role, a user scoped to subtree A is
refused subtree B's data — tried, not assumed — and what it gets unasked holds only A's subtree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.testclient import TestClient

from guozi.web import auth, pages
from tests.web.conftest import SUBTREE_A, SUBTREE_B

ClientAs = Callable[[str], TestClient]
SCOPED_TO_A = ["sup_a", "filer_a", "viewer_a"]

# every reading endpoint, asked for an entity of B's subtree
B_REQUESTS = [
    "/api/v1/overview?entity=B",
    "/api/v1/overview?entity=B1",
    "/api/v1/tree?entity=B",
    "/api/v1/entities/B1",
    "/api/v1/entities/B/history",
    "/api/v1/indicators/total_profit?entity=B",
    "/api/v1/targets?entity=B",
    "/api/v1/warnings?entity=B",
    "/api/v1/losses?entity=B",
    "/api/v1/eva?entity=B1",
    "/api/v1/report?entity=B&format=html",
    "/?entity=B",
    "/tree?entity=B",
    "/entity/B1",
    "/indicator/total_profit?entity=B",
    "/targets?entity=B",
    "/warnings?entity=B",
    "/losses?entity=B",
    "/eva?entity=B",
    "/report?entity=B&format=xlsx",
    "/api/v1/filings?entity=B",
    "/api/v1/filings/export?entity=B",
    "/filings?entity=B",
    "/api/v1/reconcile?entity=B",
    "/reconcile?entity=B",
]
ADMIN_ONLY = ["/api/v1/users", "/api/v1/audit", "/admin/users", "/admin/audit"]
SIGNED_IN_API = [
    "/api/v1/me",
    "/api/v1/periods",
    "/api/v1/overview",
    "/api/v1/tree",
    "/api/v1/entities/A",
    "/api/v1/entities/A/history",
    "/api/v1/indicators/total_profit",
    "/api/v1/targets",
    "/api/v1/warnings",
    "/api/v1/losses",
    "/api/v1/eva",
    "/api/v1/report",
    "/api/v1/jobs/J",
    "/api/v1/jobs/J/file",
    "/api/v1/jobs/J/annex",
    "/api/v1/search?q=A",
    "/api/v1/filings",
    "/api/v1/filings/export",
    "/api/v1/reconcile",
    "/api/v1/users",
    "/api/v1/audit",
]
SIGNED_IN_POST = ["/api/v1/report/jobs"]  # reading, but a POST: it starts a report job
PUBLIC_API = {"/api/v1/session", "/api/v1/login", "/api/v1/logout"}


def _ids(payload: Any) -> set[str]:
    """Every entity id mentioned anywhere in a JSON payload."""
    found: set[str] = set()
    if isinstance(payload, dict):
        for k, v in payload.items():
            if k == "entity_id" and isinstance(v, str):
                found.add(v)
            found |= _ids(v)
    elif isinstance(payload, list):
        for v in payload:
            found |= _ids(v)
    return found


def test_the_matrix_covers_every_reading_endpoint() -> None:
    """A new endpoint of the pages or of auth.py must be added above."""
    routes = iter_route_contexts([*pages.router.routes, *auth.router.routes])  # pages/ includes its parts' routers
    mine = {str(r.path) for r in routes if isinstance(r.original_route, APIRoute)}
    tried = {u.split("?")[0].replace("/A/", "/{entity_id}/").replace("/B/", "/{entity_id}/") for u in SIGNED_IN_API}
    tried = {t if not t.endswith("/A") else t[:-1] + "{entity_id}" for t in tried}
    tried = {t.replace("/indicators/total_profit", "/indicators/{code}").replace("/J", "/{job_id}") for t in tried}
    tried |= set(SIGNED_IN_POST)
    api = {p for p in mine if p.startswith("/api/")}
    assert api - PUBLIC_API == tried


@pytest.mark.parametrize("user", SCOPED_TO_A)
@pytest.mark.parametrize("url", B_REQUESTS)
def test_a_user_of_subtree_a_is_refused_subtree_b(client_as: ClientAs, user: str, url: str) -> None:
    r = client_as(user).get(url)
    assert r.status_code == 404  # as if it did not exist
    assert "乙" not in r.text  # not even B's name


@pytest.mark.parametrize("url", ["/api/v1/overview?entity=B", "/api/v1/tree?entity=B", "/api/v1/entities/B1"])
def test_the_same_requests_work_for_a_user_of_b_and_the_admin(client_as: ClientAs, url: str) -> None:
    for user in ("viewer_b", "admin"):
        assert client_as(user).get(url).status_code == 200


@pytest.mark.parametrize("user", SCOPED_TO_A)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/overview",
        "/api/v1/tree",
        "/api/v1/tree?entity=A",
        "/api/v1/entities/A",
        "/api/v1/targets",
        "/api/v1/warnings",
        "/api/v1/losses",
        "/api/v1/eva",
        "/api/v1/indicators/debt_ratio",
        "/api/v1/search?q=1",
        "/api/v1/filings",
    ],
)
def test_what_a_user_of_a_gets_unasked_is_only_a(client_as: ClientAs, user: str, url: str) -> None:
    r = client_as(user).get(url)
    assert r.status_code == 200
    ids = _ids(r.json())
    assert ids and ids <= SUBTREE_A, ids  # never G (above A) nor B's subtree


def test_search_finds_nothing_outside_the_subtree(client_as: ClientAs) -> None:
    assert client_as("viewer_a").get("/api/v1/search?q=乙").json()["results"] == []
    assert {r["entity_id"] for r in client_as("viewer_b").get("/api/v1/search?q=乙").json()["results"]} == SUBTREE_B
    page = client_as("viewer_a").get("/search?q=乙")
    assert page.status_code == 200 and "乙一" not in page.text


@pytest.mark.parametrize("user", [*SCOPED_TO_A, "viewer_b"])
@pytest.mark.parametrize("url", ADMIN_ONLY)
def test_only_an_admin_manages_users_and_reads_the_audit_log(client_as: ClientAs, user: str, url: str) -> None:
    assert client_as(user).get(url).status_code == 403


@pytest.mark.parametrize("user", [*SCOPED_TO_A, "viewer_b"])
def test_only_an_admin_adds_users(client_as: ClientAs, user: str) -> None:
    body = {"name": f"x_{user}", "role": "admin", "password": "escalate-me-now"}
    assert client_as(user).post("/api/v1/users", json=body).status_code == 403
    assert f"x_{user}" not in {u["name"] for u in client_as("admin").get("/api/v1/users").json()}


@pytest.mark.parametrize("url", SIGNED_IN_API)
def test_nobody_signed_in_gets_401_from_the_api(anon: TestClient, url: str) -> None:
    r = anon.get(url)
    assert r.status_code == 401
    assert r.json()["detail"]["message_en"] == "sign in first"


@pytest.mark.parametrize("url", SIGNED_IN_POST)
def test_nobody_signed_in_starts_a_job(anon: TestClient, url: str) -> None:
    token = anon.get("/api/v1/session").json()["csrf_token"]
    r = anon.post(url, headers={"X-CSRF-Token": token})
    assert r.status_code == 401
    assert r.json()["detail"]["message_en"] == "sign in first"


@pytest.mark.parametrize(
    "url",
    ["/", "/tree", "/entity/A", "/targets", "/warnings", "/losses", "/eva", "/search", "/admin/users", "/filings"],
)
def test_nobody_signed_in_is_sent_to_the_login_page(anon: TestClient, url: str) -> None:
    r = anon.get(url, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
