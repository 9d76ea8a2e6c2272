"""The web app's cache (guozi.web.data): fresh after every change, rendered once, warmed ahead.

The group is the one of conftest.py (figures in 万元; the store holds yuan): G's total profit is
100 万元 = 1 000 000 元 (prior year 800 000), A2's −5 万元 = −50 000 元.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn

import pandas as pd
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import guozi.web.data as data_module
from guozi.kernel.periods import Period
from guozi.store.base import User
from guozi.store.duckdb import DuckDBStore
from guozi.web.app import create_app
from guozi.web.data import WebData
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.conftest import write_csv
from tests.web.conftest import PASSWORD, group_records, sign_in

JUNE = Period.parse("2025-06")


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for name, rows in group_records().items():
        write_csv(data / f"{name}.csv", rows)
    path = tmp_path / "web.duckdb"
    ws = Workspace.open(f"duckdb:///{path}")
    ws.import_files([data], user="loader")
    for name, role, scopes in (("admin", "admin", ()), ("viewer_a", "viewer", ("A",))):
        save_user(ws, actor="test", name=name, role=role, scopes=scopes, password=PASSWORD)
    ws.close()
    return path


@pytest.fixture
def ws(store_file: Path) -> Iterator[Workspace]:
    w = Workspace.open(f"duckdb:///{store_file}")
    yield w
    w.close()


def _profit(data: WebData, entity: str) -> Any:
    return data.full_panel(JUNE, "reported")[entity]["total_profit"]["value"]


def _restate_a2(tmp_path: Path, yuan_wan: int) -> Path:
    """A facts file restating A2's June total profit (万元)."""
    return write_csv(
        tmp_path / f"facts_a2_{yuan_wan}.csv",
        [{"entity_id": "A2", "period": "2025-06", "item": "total_profit", "value": yuan_wan, "unit": "万元"}],
    )


def test_a_change_by_another_process_is_seen_once_the_state_is_asked_again(
    ws: Workspace, store_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another store object on the same file stands for another process (its writes are not counted
    by ``ws.store``): its restatement of A2 (−5 → 7 万元) shows once the store's version is read
    again — not before STATE_TTL has passed, at once after."""
    data = WebData(ws)
    data.refresh()
    assert _profit(data, "A2") == -50_000
    other = Workspace(DuckDBStore(store_file), ws.catalog)
    other.import_files([_restate_a2(tmp_path, 7)], user="elsewhere", reason="restated")
    monkeypatch.setattr(data_module, "STATE_TTL", 3600.0)
    data.refresh()
    assert _profit(data, "A2") == -50_000  # the store was asked less than an hour ago
    monkeypatch.setattr(data_module, "STATE_TTL", 0.0)
    data.refresh()
    assert _profit(data, "A2") == 70_000


def test_a_change_made_through_this_process_is_seen_at_once(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However long STATE_TTL, an import through the app's own store empties the cache."""
    monkeypatch.setattr(data_module, "STATE_TTL", 3600.0)
    data = WebData(ws)
    data.refresh()
    assert _profit(data, "A2") == -50_000
    ws.import_files([_restate_a2(tmp_path, 9)], user="filer", reason="restated")
    data.refresh()
    assert _profit(data, "A2") == 90_000


def _csrf_in(html: str) -> set[str]:
    return set(re.findall(r'name="csrf-token" content="([^"]+)"', html)) | set(
        re.findall(r'name="csrf_token" value="([^"]+)"', html)
    )


def test_a_page_is_rendered_once_per_account_and_carries_each_sessions_token(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sessions of admin get the same overview, each with its own session's CSRF token (the one
    the session API hands out); viewer_a gets a page with its own name; the page is rendered anew
    after a change (A2's total profit restated from −5 to 7 万元)."""
    app = create_app(workspace=ws, secret="test-secret-not-for-production")
    renders: list[str] = []
    real = data_module.WebData.page

    def counting(self: WebData, key: Any, render: Any) -> str:
        def counted() -> str:
            renders.append(str(key[3]))
            text: str = render()
            return text

        return real(self, key, counted)

    monkeypatch.setattr(data_module.WebData, "page", counting)
    pages, tokens = [], []
    for name in ("admin", "admin", "viewer_a"):
        client = TestClient(app)
        tokens.append(sign_in(client, name).json()["csrf_token"])
        r = client.get("/", params={"entity": "A"})
        assert r.status_code == 200
        pages.append(r.text)
    assert [_csrf_in(p) for p in pages] == [{t} for t in tokens]
    assert len(set(tokens)) == 3
    assert pages[0].replace(tokens[0], "") == pages[1].replace(tokens[1], "")
    assert "viewer_a" in pages[2] and "viewer_a" not in pages[0]
    assert len(renders) == 2  # admin's page once, viewer_a's once

    client = TestClient(app)
    token = sign_in(client, "admin").json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    before = client.get("/api/v1/overview", params={"entity": "A2"}).json()
    assert before["cards"][0]["value"] == -50_000
    ws.import_files([_restate_a2(tmp_path, 7)], user="filer", reason="restated")
    after = client.get("/api/v1/overview", params={"entity": "A2"}).json()
    assert after["cards"][0]["value"] == 70_000
    client.get("/", params={"entity": "A"})
    assert len(renders) == 3


def test_the_warm_up_computes_what_the_overview_needs_before_anybody_asks(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With warm_up, starting the app computes the latest period's panels and the top entity's
    overview; after that the overview is served even if the workspace could compute nothing."""
    app = create_app(workspace=ws, secret="test-secret-not-for-production", warm_up=True)
    with TestClient(app) as client:
        for t in list(threading.enumerate()):
            if t.name in ("guozi-start", "guozi-warm-up"):
                t.join(timeout=120)
        for t in list(threading.enumerate()):  # the start thread launches the warm-up thread
            if t.name == "guozi-warm-up":
                t.join(timeout=120)

        def refuse(*args: object, **kwargs: object) -> NoReturn:
            raise AssertionError("computed again")

        for method in ("indicators", "evaluate_targets", "regime_verdict", "warnings", "loss_makers"):
            monkeypatch.setattr(ws, method, refuse)
        token = sign_in(client, "admin").json()["csrf_token"]
        client.headers["X-CSRF-Token"] = token
        r = client.get("/api/v1/overview")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["entity"]["entity_id"] == "G"
        card = body["cards"][0]
        assert (card["indicator"], card["value"], card["prior_value"]) == ("total_profit", 1_000_000, 800_000)
        assert Decimal(str(card["change"])) == Decimal(200_000)


def test_the_servers_lock_is_the_stores(ws: Workspace) -> None:
    """Engine work of the web app (under ``WebData.lock``) and a store call made anywhere else (a
    sign-in, a scope check rebuilding the tree) use one DuckDB connection: while a request computes
    under the app's lock, no other thread gets the store's lock."""
    data = WebData(ws)
    taken: list[bool] = []

    def other_request() -> None:
        got = ws.store.lock.acquire(blocking=False)
        taken.append(got)
        if got:
            ws.store.lock.release()

    with data.lock:
        t = threading.Thread(target=other_request)
        t.start()
        t.join(timeout=60)
    assert taken == [False]


class _FakeTree:
    """A tree of entity ids, the subtree of ``s`` being the ids starting with ``s``; ``during`` runs
    once while a subtree is worked out (another request, interleaved)."""

    def __init__(self, ids: list[str], during: Callable[[], object] | None = None) -> None:
        self.nodes = pd.DataFrame({"entity_id": ids})
        self.during = during

    def subtree(self, scope: str, period: Period) -> list[str]:
        if self.during is not None:
            during, self.during = self.during, None
            during()
        return [e for e in self.nodes.entity_id if e.startswith(scope)]


def test_a_scope_worked_out_on_an_older_tree_is_not_kept_for_the_newer_one() -> None:
    """A viewer of A asks while the tree is the old one (A, A1); meanwhile an approval adds A3 and a
    second request on the new tree finds A3 visible. The first request's answer (A, A1) must not be
    kept for the new tree: a third request sees A3 too."""
    from guozi.web.deps import _VisibleCache

    cache = _VisibleCache()
    viewer = User("viewer_a", "viewer", ("A",), "")
    new = _FakeTree(["A", "A1", "A3", "B"])
    old = _FakeTree(["A", "A1", "B"])
    ws = SimpleNamespace(tree=lambda: old)

    def approval_then_second_request() -> None:
        ws.tree = lambda: new
        assert cache.get(ws, viewer, JUNE) == {"A", "A1", "A3"}  # type: ignore[arg-type]

    old.during = approval_then_second_request
    assert cache.get(ws, viewer, JUNE) == {"A", "A1"}  # type: ignore[arg-type]  # worked out on the old tree
    assert cache.get(ws, viewer, JUNE) == {"A", "A1", "A3"}  # type: ignore[arg-type]


def test_a_page_answers_from_the_cache_while_the_stores_version_is_read_again(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's request never waits for the periodic look at the store (a report job's process may
    hold the file for seconds): with the look held until the test lets it go, and refresh()'s own
    wait made an hour, the overview still answers (with the figures read before), and the look's
    result is used once it ends (issue 18)."""
    app = create_app(workspace=ws, secret="test-secret-not-for-production")
    client = TestClient(app)
    assert sign_in(client, "admin").status_code == 200
    data: WebData = app.state.data
    assert client.get("/api/v1/overview").status_code == 200  # the first look, waited for
    monkeypatch.setattr(data_module, "LOOK_WAIT", 3600.0)
    monkeypatch.setattr(data_module, "STATE_TTL", 0.0)
    release, looked = threading.Event(), threading.Event()
    real = data._look_when_free

    def held() -> None:
        release.wait(60)
        real()
        looked.set()

    monkeypatch.setattr(data, "_look_when_free", held)
    answered: list[int] = []
    request = threading.Thread(target=lambda: answered.append(client.get("/api/v1/overview").status_code))
    request.start()
    request.join(30)  # a request waiting for the held look would still be waiting here
    assert answered == [200] and not looked.is_set()
    release.set()
    assert looked.wait(30)
