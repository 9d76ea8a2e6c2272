"""A small group for the web tests, its users, and signed-in clients.

The tree (2025-06 and 2024-06 figures in 万元)::

    G 集团  total_profit 100 (prior 80), assets 1000, liabilities 600
    ├── A  total_profit 40 (35), assets 500, liabilities 250
    │   ├── A1  total_profit 30 (25), assets 300, liabilities 120
    │   └── A2  total_profit −5 (2), net_profit −6: a loss-maker
    └── B  total_profit 50 (40), assets 400, liabilities 300
        └── B1  total_profit 45 (38), assets 380, liabilities 290

Users: ``admin``; ``sup_a``, ``filer_a``, ``viewer_a`` scoped to A; ``viewer_b`` scoped to B.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

with warnings.catch_warnings():  # Starlette asks for httpx2, which is not installed; the client works as it is
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from guozi.web.app import create_app
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.conftest import write_csv

PASSWORD = "correct-horse-1"
# entity: (parent, name, total_profit, net_profit, assets, liabilities, prior total_profit)
GROUP: dict[str, tuple[str, str, int, int, int, int, int]] = {
    "G": ("", "集团", 100, 75, 1000, 600, 80),
    "A": ("G", "甲公司", 40, 30, 500, 250, 35),
    "A1": ("A", "甲一", 30, 22, 300, 120, 25),
    "A2": ("A", "甲二", -5, -6, 150, 100, 2),
    "B": ("G", "乙公司", 50, 37, 400, 300, 40),
    "B1": ("B", "乙一", 45, 33, 380, 290, 38),
}
SUBTREE_A = {"A", "A1", "A2"}
SUBTREE_B = {"B", "B1"}
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("admin", ()),
    "sup_a": ("supervisor", ("A",)),
    "filer_a": ("filer", ("A",)),
    "viewer_a": ("viewer", ("A",)),
    "viewer_b": ("viewer", ("B",)),
}


def group_records() -> dict[str, list[dict[str, object]]]:
    """The contract records of :data:`GROUP`."""
    entities: list[dict[str, object]] = [
        {"entity_id": e, "name": n, "parent_id": p, "industry": "C26", "category": "commercial_competitive"}
        for e, (p, n, *_rest) in GROUP.items()
    ]
    facts: list[dict[str, object]] = []
    for e, (_p, _n, tp, np_, assets, liab, prior_tp) in GROUP.items():
        for period, profit, net in (("2025-06", tp, np_), ("2024-06", prior_tp, prior_tp)):
            values = {
                "total_profit": profit,
                "net_profit": net,
                "revenue": 500,
                "total_assets": assets,
                "total_liabilities": liab,
                "total_equity": assets - liab,
            }
            facts += [
                {"entity_id": e, "period": period, "item": k, "value": v, "unit": "万元"} for k, v in values.items()
            ]
    targets = [
        {"entity_id": "G", "year": 2025, "indicator": "total_profit", "target": 2_000_000},
        {"entity_id": "A", "year": 2025, "indicator": "total_profit", "target": 1_000_000},
    ]
    return {"entities": entities, "facts": facts, "targets": targets}


def build_group(
    folder: Path, *, users: Mapping[str, tuple[str, Sequence[str]]] = USERS, catalog_files: Sequence[Path] = ()
) -> Workspace:
    """The group imported from CSV files (written to ``folder/data``) into the DuckDB store
    ``folder/web.duckdb``, with ``users`` (each with :data:`PASSWORD`)."""
    data = folder / "data"
    data.mkdir()
    for name, rows in group_records().items():
        write_csv(data / f"{name}.csv", rows)
    ws = Workspace.open(f"duckdb:///{folder / 'web.duckdb'}", catalog_files=catalog_files)
    ws.import_files([data], user="loader", reason="test data")
    for name, (role, scopes) in users.items():
        save_user(ws, actor="test", name=name, role=role, scopes=scopes, password=PASSWORD)
    return ws


@pytest.fixture(scope="session")
def group_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store file of :func:`build_group`, built once for the run (3 s of imports and password
    hashing) and closed: the fixtures below open copies of it."""
    folder = tmp_path_factory.mktemp("group-template")
    build_group(folder).close()
    return folder / "web.duckdb"


def open_copy(template: Path, folder: Path) -> Workspace:
    """A workspace over a copy of ``template`` in ``folder``: a store of its own, the same contents."""
    store = folder / "web.duckdb"
    shutil.copyfile(template, store)
    return Workspace.open(f"duckdb:///{store}")


@pytest.fixture(scope="module")
def group_ws(group_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The group in a DuckDB store file, with the users (one per test module: tests only add to it)."""
    ws = open_copy(group_template, tmp_path_factory.mktemp("web"))
    yield ws
    ws.close()


@pytest.fixture
def group_copy(group_template: Path, tmp_path: Path) -> Iterator[Workspace]:
    """The group with its users in a store of this test's own (``tmp_path/web.duckdb``: the test may write)."""
    ws = open_copy(group_template, tmp_path)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def app(group_ws: Workspace) -> FastAPI:
    """The application over the group (its cache shared by the module's tests)."""
    return create_app(workspace=group_ws, secret="test-secret-not-for-production")


@pytest.fixture
def fresh_app(group_ws: Workspace) -> FastAPI:
    """An application of its own (fresh rate limits and cache) over the group."""
    return create_app(workspace=group_ws, secret="test-secret-not-for-production")


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """Sign ``client`` in as ``name`` through the JSON API; return the response."""
    token = client.get("/api/v1/session").json()["csrf_token"]
    response: httpx.Response = client.post(
        "/api/v1/login", json={"username": name, "password": password}, headers={"X-CSRF-Token": token}
    )
    return response


@pytest.fixture
def client_as(app: FastAPI) -> Callable[[str], TestClient]:
    """``client_as("viewer_a")``: a client signed in as that user, sending its CSRF token."""

    def make(name: str) -> TestClient:
        client = TestClient(app)
        r = sign_in(client, name)
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client

    return make


@pytest.fixture
def anon(app: FastAPI) -> TestClient:
    """A client nobody signed in to."""
    return TestClient(app)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free port of 127.0.0.1; its base URL while inside."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
