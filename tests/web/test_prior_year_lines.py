"""The charts' prior-year line comes from the catalogue's definition, whichever regime was in force.

营业收现率 (cash_collection_ratio = 销售商品、提供劳务收到的现金 ÷ 营业收入) is assessed from 2025;
the 2023 regime (in force 2023–2024) lacks it. Entity A, figures in 万元, year to date:

    2024-05  收现 72  收入 80   → 90.00 %      2025-05  收现 90   收入 90   → 100.00 %
    2024-06  收现 95  收入 100  → 95.00 %      2025-06  收现 108  收入 120  →  90.00 %

The dashboard of 2025-06 draws 2025's line and, dashed, 2024's: 90 and 95, though 2024's regime did
not assess it. The report's trend chart of 营业收入 carries the year-earlier figures too (800 000 and
1 000 000 元).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guozi.kernel.periods import Period
from guozi.report.model import Chart
from guozi.workspace import Workspace
from tests.web.small_store import admin_client, write_group

ROWS = [
    ("2024-05", 80, 72),
    ("2024-06", 100, 95),
    ("2025-05", 90, 90),
    ("2025-06", 120, 108),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    facts = [f"A,{p},{item},{v},万元" for p, r, c in ROWS for item, v in (("revenue", r), ("cash_from_sales", c))]
    return write_group(tmp_path_factory.mktemp("prior"), ["entity_id,name,parent_id,industry", "A,甲公司,,C"], facts)


def test_dashboard_prior_year_line_of_an_indicator_new_this_year(data: Path, tmp_path: Path) -> None:
    with admin_client(data, tmp_path / "p.duckdb") as client:
        trend = client.get("/api/v1/overview?entity=A&period=2025-06").json()["trend"]
    assert trend["periods"] == ["2025-05", "2025-06"]
    assert trend["series"]["cash_collection_ratio"] == [pytest.approx(100.0), pytest.approx(90.0)]
    assert trend["prior"]["cash_collection_ratio"] == [pytest.approx(90.0), pytest.approx(95.0)]


def test_report_trend_charts_carry_the_prior_year(data: Path) -> None:
    ws = Workspace.from_data([data])
    try:
        report = ws.report(Period(2025, 6))
    finally:
        ws.close()
    trends = next(s for s in report.sections if s.key == "trends")
    chart = next(b for b in trends.blocks if isinstance(b, Chart) and b.key == "trend_revenue")
    by_period = dict(zip(chart.data["periods"], chart.data["prior_ytd"], strict=True))
    assert (by_period["2025-05"], by_period["2025-06"]) == (800_000, 1_000_000)
