"""Filing in the browser and the review page's figures (issue 19), through the HTTP API and the pages.

The group of tests/web/conftest.py (figures in 万元): A1 filed June 2025 with revenue 500, total
profit 30, assets 300, liabilities 120, equity 180; June 2024 too. Here A1 files July 2025.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from fastapi.testclient import TestClient

from guozi.ingest.template import read_form
from guozi.workspace import Workspace
from tests.conftest import write_csv
from tests.web.test_submissions import ClientAs

JULY = {"entity": "A1", "period": "2025-07"}


def check(c: TestClient, values: dict[str, str]) -> list[tuple[str, str, str]]:
    r = c.post("/api/v1/submissions/check", json={**JULY, "values": values})
    assert r.status_code == 200, r.text
    return [(p["item"], p["rule"], p["severity"]) for p in r.json()["problems"]]


def test_the_check_places_each_problem_on_its_line_and_writes_nothing(client_as: ClientAs) -> None:
    """Assets 300 ≠ liabilities 120 + equity 100 (差额 80 万元): on total_assets; 'abc' on total_profit;
    revenue 400 after June's 500 (year to date): a 核实 fall on revenue. Equity 180 balances it."""
    filer = client_as("filer_a")
    typed = {
        "revenue": "400",
        "total_assets": "300",
        "total_liabilities": "120",
        "total_equity": "100",
        "total_profit": "abc",
    }
    assert sorted(check(filer, typed)) == [
        ("revenue", "flow.ytd_decrease", "verify"),
        ("total_assets", "balance.identity", "blocking"),
        ("total_profit", "value.not_numeric", "blocking"),
    ]
    fixed = {**typed, "total_equity": "180", "total_profit": "35", "revenue": "600"}
    assert check(filer, fixed) == []
    assert filer.get("/api/v1/submissions").json()["submissions"] == []  # nothing written


def test_the_check_needs_a_filer_of_the_entity_and_the_csrf_token(client_as: ClientAs) -> None:
    filer = client_as("filer_a")
    r = filer.post("/api/v1/submissions/check", json={"entity": "B1", "period": "2025-07", "values": {}})
    assert r.status_code == 404  # B1 is outside A's subtree: not revealed
    viewer = client_as("viewer_a")
    assert viewer.post("/api/v1/submissions/check", json={**JULY, "values": {}}).status_code == 403
    del filer.headers["X-CSRF-Token"]
    assert filer.post("/api/v1/submissions/check", json={**JULY, "values": {}}).status_code == 403


def test_the_own_form_downloads_as_the_monthly_template(client_as: ClientAs, tmp_path: Path) -> None:
    """The xlsx is the guozi template of A1 for 2025-07, whose 营业收入 本月数 is its 本年累计 less
    June's 500 万元."""
    filer = client_as("filer_a")
    r = filer.get("/submissions/fill/form.xlsx", params=JULY)
    assert r.status_code == 200 and "guozi_A1_2025-07.xlsx" in r.headers["content-disposition"]
    path = tmp_path / "form.xlsx"
    path.write_bytes(r.content)
    form = read_form(path)
    assert form is not None and (form.entity_id, form.period) == ("A1", "2025-07")
    sheet = openpyxl.load_workbook(path)["利润表"]
    month = {sheet.cell(row, 7).value: (row, sheet.cell(row, 4).value) for row in range(5, sheet.max_row + 1)}
    row, formula = month["revenue"]
    assert formula == f'=IF(C{row}="","",C{row}-(500))'
    assert filer.get("/submissions/fill/form.xlsx", params={"entity": "B1", "period": "2025-07"}).status_code == 404


def _save(c: TestClient, **fields: str) -> str:
    r = c.post("/submissions/fill", data={**JULY, **fields}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"]).split("/")[2].split("?")[0]


def test_saving_needs_the_explanation_then_the_draft_can_be_withdrawn(client_as: ClientAs) -> None:
    filer = client_as("filer_a")
    refused = filer.post("/submissions/fill", data={**JULY, "v:revenue": "400"})
    assert refused.status_code == 422 and 'name="x:flow.ytd_decrease:2"' in refused.text
    sid = _save(filer, **{"v:revenue": "400", "x:flow.ytd_decrease:2": "6月多计收入已冲回"})
    detail = filer.get(f"/api/v1/submissions/{sid}").json()
    assert detail["status"] == "draft" and detail["can_withdraw"]
    assert [(f["item"], Decimal(f["value"])) for f in detail["lines"]] == [("revenue", Decimal(4_000_000))]
    supervisor = client_as("sup_a")
    assert supervisor.post(f"/api/v1/submissions/{sid}/withdraw").status_code == 403  # not the filer's
    assert filer.post(f"/api/v1/submissions/{sid}/withdraw").json()["status"] == "returned"
    assert filer.post(f"/api/v1/submissions/{sid}/withdraw").status_code == 409  # no longer a draft


def figures(line: dict[str, Any]) -> tuple[Decimal | None, Decimal | None, Decimal | None, bool]:
    """A review line's previous, prior-year figure and change (元) and its jump mark."""
    return (
        *(None if line[k] is None else Decimal(line[k]) for k in ("previous", "prior_year", "change")),
        line["jump"],
    )


def test_the_review_shows_the_explanation_earlier_figures_and_jumps(
    client_as: ClientAs, group_ws: Workspace, tmp_path: Path
) -> None:
    """July 2024 for A1 imported: revenue 550, total profit 28 万元. July 2025 filed: revenue 400 (June
    500: change −100 万元, prior year 550), total profit 300 (June 30: ×10, a jump; 2024-07 28)."""
    rows = [
        {"entity_id": "A1", "period": "2024-07", "item": k, "value": v, "unit": "万元"}
        for k, v in (("revenue", 550), ("total_profit", 28))
    ]
    group_ws.import_files(
        [write_csv(tmp_path / "facts_2024_07.csv", rows)], user="loader", reason="a month before June 2025 filed late"
    )
    filer = client_as("filer_a")
    sid = _save(filer, **{"v:revenue": "400", "v:total_profit": "300", "x:flow.ytd_decrease:2": "6月多计收入已冲回"})
    assert filer.post(f"/api/v1/submissions/{sid}/submit").status_code == 200
    supervisor = client_as("sup_a")
    lines = {f["item"]: f for f in supervisor.get(f"/api/v1/submissions/{sid}").json()["lines"]}
    assert list(lines) == ["revenue", "total_profit"]  # the income statement's order, not the codes'
    rev, profit = lines["revenue"], lines["total_profit"]
    assert (rev["entity_name"], rev["name"], rev["sheet"]) == ("甲一", "营业收入", "利润表")
    assert figures(rev) == (Decimal(5_000_000), Decimal(5_500_000), Decimal(-1_000_000), False)
    assert [(n["rule"], n["explanation"]) for n in rev["notes"]] == [("flow.ytd_decrease", "6月多计收入已冲回")]
    assert figures(profit) == (Decimal(300_000), Decimal(280_000), Decimal(2_700_000), True)
    page = supervisor.get(f"/submissions/{sid}")
    assert "6月多计收入已冲回" in page.text and "异常波动" in page.text and "甲一" in page.text
