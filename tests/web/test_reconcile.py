"""The 内部往来对账 page and its JSON twin, on the hand-worked CAS 33 group of :mod:`tests.engine.test_consolidate`.

G0's receivable from L is 80 and L's payable to G0 70 (the one pair that does not match, met at G);
L–S0 (50, inside S) and S0–T (100) match. A viewer scoped to S sees S's pair alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from guozi.web.app import create_app
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.web.conftest import PASSWORD, sign_in
from tests.workspace.test_consolidation import write_group


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("reconcile")
    ws = Workspace.open(f"duckdb:///{folder / 'r.duckdb'}")
    ws.import_files(write_group(folder), user="loader")
    save_user(ws, actor="test", name="admin", role="admin", scopes=(), password=PASSWORD)
    save_user(ws, actor="test", name="viewer_s", role="viewer", scopes=("S",), password=PASSWORD)
    yield create_app(workspace=ws, secret="test-secret-not-for-production")
    ws.close()


@pytest.fixture
def client_as(app: FastAPI) -> Callable[[str], TestClient]:
    def make(name: str) -> TestClient:
        client = TestClient(app)
        assert sign_in(client, name).status_code == 200
        return client

    return make


def test_the_api_lists_the_mismatch_first(client_as: Callable[[str], TestClient]) -> None:
    m = client_as("admin").get("/api/v1/reconcile?period=2025-06&entity=G").json()
    got = [
        (r["creditor_id"], r["debtor_id"], r["receivable"], r["payable"], r["difference"], r["meet_id"])
        for r in m["rows"]
    ]
    assert got == [
        ("G0", "L", 80.0, 70.0, 10.0, "G"),
        ("L", "S0", 50.0, 50.0, 0.0, "S"),
        ("S0", "T", 100.0, 100.0, 0.0, "G"),
    ]
    assert m["counts"] == {"mismatch": 1, "match": 2}
    assert m["extra"][0]["tolerance"] == 0.01 and m["extra"][0]["year"] == 2026


def test_a_viewer_sees_the_pairs_of_the_subtree_only(client_as: Callable[[str], TestClient]) -> None:
    c = client_as("viewer_s")
    m = c.get("/api/v1/reconcile?period=2025-06").json()
    assert m["entity"]["entity_id"] == "S"
    assert [(r["creditor_id"], r["debtor_id"]) for r in m["rows"]] == [("L", "S0")]
    assert c.get("/api/v1/reconcile?period=2025-06&entity=G").status_code in (403, 404)


def test_the_page_shows_the_pairs(client_as: Callable[[str], TestClient]) -> None:
    html = client_as("admin").get("/reconcile?period=2025-06&entity=G").text
    assert "内部往来对账" in html and "不符" in html and "集团本部" in html
