"""``--unit`` on peers, warnings, eva, reconcile and history (issue 20).

Hand-worked: 1 234 567 800 元 = 123 456.78 万元 (÷ 10^4) = 12.345678 亿元 (÷ 10^8), shown 12.35 in a
table. Tables and Excel default to 万元, csv and json to 元 (their golden outputs do not change).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from guozi.analyses.eva import EVA_TABLE_COLUMNS
from guozi.cli import app
from guozi.presentation.output import emit
from tests.workspace.test_consolidation import write_group

runner = CliRunner()
ENTITIES = [
    {"entity_id": "A", "name": "甲", "parent_id": "", "industry": "C26"},
    {"entity_id": "B", "name": "乙", "parent_id": "", "industry": "C26"},
]
FACTS = [
    {"entity_id": "A", "period": "2025-06", "item": "revenue", "value": 1234567800, "unit": "元"},
    {"entity_id": "B", "period": "2025-06", "item": "revenue", "value": 1000000000, "unit": "元"},
]


@pytest.fixture
def store(tmp_path: Path, contract: Callable[..., Path]) -> str:
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    result = runner.invoke(app, ["import", str(contract(entities=ENTITIES, facts=FACTS)), "--store", url])
    assert result.exit_code == 0, result.output
    return url


def _line(text: str, start: str) -> list[str]:
    return next(x.split("\t") for x in text.splitlines() if x.startswith(start))


def test_history_in_the_unit_asked(store: str) -> None:
    """A's revenue 1 234 567 800 元: 123,456.78 万元 by default, 12.35 亿元 asked; csv exact in 元."""
    base = ["history", "--entity", "A", "--period", "2025-06", "--item", "revenue", "--store", store]
    result = runner.invoke(app, base)
    assert result.exit_code == 0, result.output
    assert "金额：万元" in result.output
    line = _line(result.output, "营业收入")
    assert "123,456.78" in line and "万元" in line
    result = runner.invoke(app, [*base, "--unit", "亿元"])
    assert "金额：亿元" in result.output
    line = _line(result.output, "营业收入")
    assert "12.35" in line and "亿元" in line
    (row,) = csv.DictReader(io.StringIO(runner.invoke(app, [*base, "-f", "csv"]).output))
    assert (row["value"], row["unit"]) == ("1234567800", "元") and "money_unit" not in row
    (rec,) = json.loads(runner.invoke(app, [*base, "-f", "json", "--unit", "万元"]).output)
    assert (rec["value"], rec["unit"], rec["money_unit"]) == (123456.78, "万元", "万元")


def test_history_refuses_an_unknown_unit(store: str) -> None:
    result = runner.invoke(app, ["history", "--entity", "A", "--period", "2025-06", "--store", store, "--unit", "千元"])
    assert result.exit_code == 2 and "--unit" in result.output and "Traceback" not in result.output


def test_peers_in_the_unit_asked(store: str) -> None:
    """A's revenue among its C26 peers: 123,456.78 万元 in the table, 12.35 亿元 asked, 元 in csv."""
    base = ["peers", "--entity", "A", "--period", "2025-06", "-i", "revenue", "--store", store]
    result = runner.invoke(app, base)
    assert result.exit_code == 0, result.output
    line = _line(result.stdout, "营业收入")
    # median (1 234 567 800 + 1 000 000 000) / 2 = 1 117 283 900 元; the better quartile 1 175 925 850 元
    # = 117 592.585 万元, rounded half up (四舍五入) like every figure shown; the gap to the median +117 283 900 元
    assert line[:2] == ["营业收入", "123,456.78"] and line[5:7] == ["111,728.39", "117,592.59"]
    assert line[8] == "+11,728.39 ▲" and line[10] == "万元"
    line = _line(runner.invoke(app, [*base, "--unit", "亿元"]).stdout, "营业收入")
    assert line[1] == "12.35" and line[5] == "11.17" and line[10] == "亿元"
    (row,) = csv.DictReader(io.StringIO(runner.invoke(app, [*base, "-f", "csv"]).stdout))
    assert (row["value"], row["median"], row["unit"]) == ("1234567800", "1117283900", "元")


def test_warnings_workbook_in_the_unit_asked(tmp_path: Path) -> None:
    """A's net profit −1 万元 (−10 000 元) raises the loss warning: −1 in the 万元 workbook, −0.0001 in
    亿元, −10000 元 in json."""
    (tmp_path / "entities.csv").write_text("entity_id,name,industry\nA,甲公司,C\n", encoding="utf-8")
    (tmp_path / "facts.csv").write_text(
        "entity_id,period,item,value,unit\nA,2025-06,net_profit,-1,万元\n", encoding="utf-8"
    )
    base = ["warnings", "--data", str(tmp_path), "--period", "2025-06"]
    (rec,) = [r for r in json.loads(runner.invoke(app, [*base, "-f", "json"]).output) if r["rule"] == "loss"]
    assert (Decimal(str(rec["value"])), rec["unit"]) == (Decimal(-10000), "元")
    for unit, value in (("万元", Decimal(-1)), ("亿元", Decimal("-0.0001"))):
        out = tmp_path / f"w{unit}.xlsx"
        result = runner.invoke(app, [*base, "-f", "xlsx", "-o", str(out), "--unit", unit])
        assert result.exit_code == 0, result.output
        ws = openpyxl.load_workbook(out)["预警"]
        head = [c.value for c in ws[1]]
        rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
        (loss,) = [r for r in rows if r["规则代码"] == "loss"]
        assert Decimal(str(loss["本期值"])) == value and loss["单位"] == unit


def test_eva_table_names_the_unit_in_its_headings() -> None:
    """EVA 1 234 567 800 元 reads 12.35 under 「经济增加值（亿元）」; the cost-of-capital rate is no amount."""
    rows = [
        {
            "name": "甲",
            "nopat": Decimal(1234567800),
            "adjusted_capital": None,
            "cost_of_capital": Decimal("5.5"),
            "capital_charge": None,
            "eva": Decimal(1234567800),
            "note": "",
        }
    ]
    console = Console(file=io.StringIO(), width=80)
    emit(rows, EVA_TABLE_COLUMNS, fmt="table", output=None, lang="zh", console=console, unit="亿元")
    head, line = console.file.getvalue().splitlines()[:2]  # type: ignore[attr-defined]
    assert head.split("\t") == [
        "企业/分组",
        "税后净营业利润（亿元）",
        "调整后资本（亿元）",
        "平均资本成本率（%）",
        "资本成本（亿元）",
        "经济增加值（亿元）",
        "说明",
    ]
    assert line.split("\t")[:6] == ["甲", "12.35", "—", "5.5000", "—", "12.35"]


def test_reconcile_in_the_unit_asked(tmp_path: Path) -> None:
    """G0's receivable from L 80 元 against L's payable 70 元: 0.008 / 0.007 万元 in csv, 80.00 in an 元 table."""
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    assert runner.invoke(app, ["import", *map(str, write_group(tmp_path)), "--store", url]).exit_code == 0
    base = ["reconcile", "--period", "2025-06", "--entity", "G", "--store", url]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*base, "-f", "csv", "--unit", "万元"]).output)))
    first = rows[0]
    assert (first["creditor_id"], first["debtor_id"]) == ("G0", "L")
    assert [Decimal(first[k]) for k in ("receivable", "payable", "difference")] == [
        Decimal("0.008"),
        Decimal("0.007"),
        Decimal("0.001"),
    ]
    assert first["money_unit"] == "万元"
    plain = runner.invoke(app, [*base, "-f", "csv"]).output
    assert "money_unit" not in plain.splitlines()[0]  # the golden csv unchanged
    table = runner.invoke(app, [*base, "--unit", "元"]).output
    assert "金额：元" in table and "应收（元）" in table.replace("账款", "")
    assert "80.00" in table and "70.00" in table
