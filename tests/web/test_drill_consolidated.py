"""The drill-down's computed 合并 (计算合并) and 差额, asked for with ``view=consolidated`` (issue 21).

The group is the hand-worked CAS 33 example of :mod:`tests.engine.test_consolidate` (its docstring
works out every figure): the page's figures with data are the debt ratios. G computed:
2180 / 4270 = 51.0539 %; G filed: 2180 / 4300 = 50.6977 %, so 差额 = 50.6977 − 51.0539 = −0.3562 pp.
S computed 950 / 1650 = 57.5758 % (filed the same); the leaves G0 900 / 2000 = 45 %, T 500 / 800 = 62.5 %.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient
from typer.testing import CliRunner

from guozi.cli import app as cli
from guozi.web.app import create_app
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.web.conftest import PASSWORD, sign_in
from tests.workspace.test_consolidation import write_group

TREE = "/api/v1/tree?period=2025-06&entity=G"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("drill_consolidated")
    return f"duckdb:///{folder / 'd.duckdb'}", folder


@pytest.fixture(scope="module")
def web(store: tuple[str, Path]) -> Iterator[FastAPI]:
    url, folder = store
    ws = Workspace.open(url)
    ws.import_files(write_group(folder), user="loader")
    save_user(ws, actor="test", name="admin", role="admin", scopes=(), password=PASSWORD)
    yield create_app(workspace=ws, secret="test-secret-not-for-production")
    ws.close()


@pytest.fixture
def admin(web: FastAPI) -> TestClient:
    client = TestClient(web)
    assert sign_in(client, "admin").status_code == 200
    return client


def cli_debt_ratios(url: str) -> dict[str, float]:
    """``guozi indicators --view consolidated`` of the group's debt ratio, by entity."""
    args = ["indicators", "--period", "2025-06", "--view", "consolidated", "-i", "debt_ratio", "-f", "json"]
    result = CliRunner().invoke(cli, [*args, "--store", url])
    assert result.exit_code == 0, result.output
    return {r["entity_id"]: float(r["value"]) for r in json.loads(result.output)}


def test_the_json_gives_the_computed_figures_the_cli_gives(admin: TestClient, store: tuple[str, Path]) -> None:
    m = admin.get(f"{TREE}&view=consolidated").json()
    assert m["view"] == "consolidated"
    rows = {r["entity_id"]: r for r in [m["node"], *m["rows"]]}
    got = {e: r["consolidated"]["debt_ratio"]["value"] for e, r in rows.items()}
    assert got == pytest.approx({"G": 2180 / 4270 * 100, "G0": 45.0, "S": 950 / 1650 * 100, "T": 62.5}, rel=1e-12)
    cli_values = cli_debt_ratios(store[0])
    assert got == pytest.approx({e: cli_values[e] for e in got}, rel=1e-12)
    diff = {e: r["difference"]["debt_ratio"]["value"] for e, r in rows.items()}
    assert diff == pytest.approx({"G": (2180 / 4300 - 2180 / 4270) * 100, "G0": 0.0, "S": 0.0, "T": 0.0}, abs=1e-9)
    assert rows["G"]["reported"]["debt_ratio"]["value"] == pytest.approx(2180 / 4300 * 100, rel=1e-12)


def test_without_the_view_nothing_is_computed(admin: TestClient) -> None:
    m = admin.get(TREE).json()
    assert m["view"] == "reported" and m["node"]["consolidated"] == {} and m["node"]["difference"] == {}
    assert "计算合并" not in admin.get("/tree?period=2025-06&entity=G").text.split("<table")[1]


def test_the_page_shows_the_figures_of_its_json(admin: TestClient) -> None:
    m = admin.get(f"{TREE}&view=consolidated").json()
    html = admin.get("/tree?period=2025-06&entity=G&view=consolidated").text
    assert "计算合并" in html and "差额" in html
    shown: dict[tuple[str, str], float] = {}
    for tr in re.findall(r'<tr data-entity="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        cell = r'data-code="debt_ratio" data-view="(consolidated|difference)" data-v="[^"]*">([^<]*)<'
        for view, text in re.findall(cell, tr[1]):
            shown[tr[0], view] = float(text.rstrip("%"))
    for r in [m["node"], *m["rows"]]:
        for view in ("consolidated", "difference"):
            # the page shows two decimals of the percentage
            assert shown[r["entity_id"], view] == pytest.approx(r[view]["debt_ratio"]["value"], abs=0.005)
    assert shown["G", "consolidated"] == 51.05 and shown["G", "difference"] == -0.36
