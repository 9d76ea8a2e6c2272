"""One rounding for every figure shown: 四舍五入, half up (kernel/money.py ``figure``, ``half_up``).

Worked by hand: 0.125 to two places is 0.13 (half up; half to even would give 0.12), 2.5 to none is
3 (half even: 2), −2.5 is −3 (half up rounds away from zero), 2.675 is 2.68 (its float is just below
2.675, read by its shortest repr it is not). End to end, a small entity A with 负债 1 万元 and 资产 800
万元: 资产负债率 = 1 ÷ 800 = 0.125 % → 「0.13」 on the entity page, in ``guozi indicators`` and in the
report; 营业收入 12 345 650 元 = 1 234.565 万元 → 「1,234.57」 (page, CLI) and 「1 234.57万元」 (report).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.analyses.benchmark.columns import shown_value
from guozi.analyses.warnings.messages import show as warning_show
from guozi.cli.app import app as cli_app
from guozi.cli.common import _amount, _change
from guozi.kernel.money import figure, half_up, money_figure
from guozi.kernel.periods import Period
from guozi.report.narrative import number
from guozi.web.render import fmt, show
from guozi.workspace import Workspace
from tests.web.small_store import admin_client, write_group


def test_half_up_by_hand() -> None:
    assert half_up(0.125) == Decimal("0.13") and half_up(Decimal("0.125")) == Decimal("0.13")
    assert half_up(2.5, 0) == 3 and half_up(-2.5, 0) == -3 and half_up(3.5, 0) == 4
    assert half_up(2.675) == Decimal("2.68")  # the float 2.675 is 2.67499999…: read by its repr
    assert figure(0.125) == "0.13" and figure(2.5, 0) == "3" and figure(None) == "—" and figure(float("nan")) == "—"
    assert figure(-0.001) == "0.00"  # never 「-0.00」
    assert figure(1234567.125, signed=True) == "+1,234,567.13"
    assert money_figure(Decimal(12_345_650)) == "1,234.57"  # 1 234.565 万元


def test_every_surface_rounds_half_up() -> None:
    """Each formatter of the pages, the CLI, the report, warnings and peers: 0.125 → 0.13, 2.5 → 3."""
    assert fmt(0.125, "%") == "0.13%" and fmt(0.125) == "0.13" and show(0.125, "pp") == "+0.13"
    assert show(2.5, "count") == "2.50" and show(3.0, "count") == "3"  # counts are whole numbers
    assert fmt(12_345_650, "元") == "1,234.57"
    assert _amount(0.125, "%") == "0.13" and _amount(2.5, "人") == "3"
    assert _change(0.125, "%", "zh") == "+0.13 个百分点" and _change(2.5, "人", "zh") == "+3"
    assert number(0.125, 2, "zh") == "0.13" and number(2.5, 0, "zh") == "3" and number(-2.5, 0, "en") == "-3"
    assert warning_show(0.125, "pct", "zh") == "0.13%" and warning_show(2.5, "人", "zh") == "3人"
    assert shown_value(0.125, "%") == "0.13" and shown_value(2.5, "人") == "3"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    facts = [
        "A,2025-06,total_assets,800,万元",
        "A,2025-06,total_liabilities,1,万元",
        "A,2025-06,total_equity,799,万元",
        "A,2025-06,revenue,12345650,元",
        "A,2025-06,total_profit,100,万元",
        "A,2025-06,net_profit,75,万元",
    ]
    entities = ["entity_id,name,parent_id,industry,category", "A,甲公司,,C26,commercial_competitive"]
    return write_group(tmp_path_factory.mktemp("rounding"), entities, facts)


def test_cli_rounds_half_up(data: Path) -> None:
    args = [
        "indicators",
        "--data",
        str(data),
        "--period",
        "2025-06",
        "--entity",
        "A",
        "-i",
        "debt_ratio",
        "-i",
        "revenue",
    ]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    lines = {line.split("\t")[0]: line.split("\t") for line in result.output.splitlines() if "\t" in line}
    assert lines["资产负债率"][1] == "0.13"
    assert lines["营业收入"][1] == "1,234.57"


def test_report_rounds_half_up(data: Path) -> None:
    from guozi.report.render_html import render_html

    ws = Workspace.from_data([data])
    try:
        html = render_html(ws.report(Period(2025, 6)), "zh")
    finally:
        ws.close()
    assert "资产负债率0.13%" in html
    assert "1\u202f234.57万元" in html


def test_page_rounds_half_up(data: Path, tmp_path: Path) -> None:
    with admin_client(data, tmp_path / "r.duckdb") as client:
        page = client.get("/entity/A?period=2025-06").text
    text = re.sub(r"<[^>]+>", " ", page)
    assert re.search(r"资产负债率\s+0\.13%", text), text[:3000]
