"""Two levels of review and comments on single lines through the API, the pages and ``guozi period status``
(issue 19).

The group of ``conftest.py`` under a catalogue file with ``review: {two_level: [A]}``: A1's figures are
checked first by ``sup_a`` (scope A, the subgroup), then by ``sup_g`` (scope G, headquarters above A).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient
from typer.testing import CliRunner

from guozi.cli import app as cli
from guozi.web.app import create_app
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.conftest import write_csv
from tests.web.conftest import PASSWORD, USERS, group_records
from tests.web.test_submissions import A1_RESTATED, audit_of, upload

ClientAs = Callable[[str], TestClient]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"duckdb:///{tmp_path / 'web.duckdb'}"


@pytest.fixture
def two_level_ws(tmp_path: Path, store_url: str) -> Iterator[Workspace]:
    data = tmp_path / "data"
    data.mkdir()
    for name, rows in group_records().items():
        write_csv(data / f"{name}.csv", rows)
    own = tmp_path / "levels.yaml"
    own.write_text("review:\n  two_level: [A]\n", encoding="utf-8")
    ws = Workspace.open(store_url, catalog_files=[own])
    ws.import_files([data], user="loader", reason="test data")
    for name, (role, scopes) in {**USERS, "sup_g": ("supervisor", ("G",))}.items():
        save_user(ws, actor="test", name=name, role=role, scopes=scopes, password=PASSWORD)
    yield ws
    ws.close()


@pytest.fixture
def app(two_level_ws: Workspace) -> FastAPI:
    """The application over this test's store (conftest's ``client_as`` signs in to it)."""
    return create_app(workspace=two_level_ws, secret="test-secret-not-for-production")


def _submitted(filer: TestClient) -> int:
    sid = int(upload(filer, A1_RESTATED).json()["submissions"][0]["id"])
    assert filer.post(f"/api/v1/submissions/{sid}/submit").status_code == 200
    return sid


def test_first_the_subgroup_then_headquarters(client_as: ClientAs, store_url: str) -> None:
    filer, sup_a, sup_g, admin = (client_as(n) for n in ("filer_a", "sup_a", "sup_g", "admin"))
    sid = _submitted(filer)
    early = sup_g.post(f"/api/v1/submissions/{sid}/review", json={"approve": True})
    assert early.status_code == 403 and "初审" in early.json()["detail"]["message_zh"]
    waiting = sup_g.get(f"/api/v1/submissions/{sid}").json()
    assert (waiting["two_level"], waiting["review_level"], waiting["can_review"]) == (["A"], 1, False)
    first = sup_a.get(f"/submissions/{sid}")
    assert "初审通过" in first.text and 'id="two-level"' in first.text  # the button of the first level

    step = sup_a.post(f"/api/v1/submissions/{sid}/review", json={"approve": True, "comment": "初审无误"})
    assert (step.status_code, step.json()["status"], step.json()["status_label"]) == (200, "checked", "初审通过")
    mine = sup_a.get(f"/api/v1/submissions/{sid}").json()
    assert (mine["review_level"], mine["can_review"]) == (2, False)
    assert "复审" in sup_a.get(f"/submissions/{sid}").text  # why sup_a may not act now
    listed = sup_g.get("/api/v1/submissions?status=checked").json()["submissions"]
    assert [s["id"] for s in listed] == [sid]

    final = sup_g.post(f"/api/v1/submissions/{sid}/review", json={"approve": True, "comment": "复审通过"})
    assert final.json()["status"] == "approved"
    detail = filer.get(f"/api/v1/submissions/{sid}").json()
    assert [(r["user"], r["status"], r["level"], r["level_label"]) for r in detail["reviews"]] == [
        ("filer_a", "submitted", 0, ""),
        ("sup_a", "checked", 1, "初审"),
        ("sup_g", "approved", 2, "复审"),
    ]
    page = filer.get(f"/submissions/{sid}").text
    assert page.index("sup_a") < page.index("初审</td>") < page.index("sup_g") < page.index("复审</td>")
    actions = [(a, u, after.get("level")) for a, u, _, after in audit_of(admin, f"submission:{sid}")]
    assert actions[-2:] == [("submission.check", "sup_a", 1), ("submission.approve", "sup_g", 2)]

    out = CliRunner().invoke(cli, ["period", "status", "--period", "2025-06", "--format", "csv", "--store", store_url])
    assert out.exit_code == 0, out.output
    rows = {r["entity_id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert (rows["A1"]["status"], rows["A1"]["checked_by"], rows["A1"]["reviewed_by"]) == ("approved", "sup_a", "sup_g")
    assert rows["A1"]["checked_at"] and rows["A1"]["reviewed_at"]


def test_a_line_comment_is_shown_beside_its_line(client_as: ClientAs) -> None:
    filer, sup_a = client_as("filer_a"), client_as("sup_a")
    sid = _submitted(filer)
    bad = sup_a.post(
        f"/api/v1/submissions/{sid}/review",
        json={
            "approve": False,
            "lines": [{"entity_id": "A1", "period": "2025/06", "item": "total_profit", "comment": "x"}],
        },
    )
    assert bad.status_code == 400 and "YYYY-MM" in bad.json()["detail"]["message_en"]
    form = sup_a.get(f"/submissions/{sid}").text
    assert 'name="line:A1|2025-06|total_profit"' in form and 'form="review-form"' in form
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    done = sup_a.post(
        f"/submissions/{sid}/review",
        data={"csrf_token": token, "decision": "return", "line:A1|2025-06|total_profit": "利润总额应为 31 万元"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    detail = filer.get(f"/api/v1/submissions/{sid}").json()
    assert detail["status"] == "returned"
    assert [(c["entity_id"], c["period"], c["item"], c["comment"], c["user"]) for c in detail["line_comments"]] == [
        ("A1", "2025-06", "total_profit", "利润总额应为 31 万元", "sup_a")
    ]
    (line,) = [x for x in detail["lines"] if x["item"] == "total_profit"]
    assert [c["comment"] for c in line["comments"]] == ["利润总额应为 31 万元"]
    page = filer.get(f"/submissions/{sid}").text
    row = page.split('data-item="total_profit"')[1].split("</tr>")[0]
    assert "利润总额应为 31 万元" in row and 'class="line-comments"' in row
    assert 'id="line-comments-note"' in page
