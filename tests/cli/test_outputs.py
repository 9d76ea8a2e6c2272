"""What a user's files look like (issue 20): --unit, Excel built for finance, the CSV BOM, output paths
checked before any work, plain text for a pipe, Chinese titles.

The group G files 营业收入 12 345.678 万元 (= 123 456 780 元), 资产 100 and 负债 60 万元 (资产负债率
60/100 = 60 %); its subsidiary A files 营业收入 1 000 万元, 资产 40 and 负债 30 万元.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from guozi.cli import app

runner = CliRunner()
ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C"},
    {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C26"},
]
BOM = b"\xef\xbb\xbf"


def _facts(entity: str, **items: object) -> list[dict[str, object]]:
    return [{"entity_id": entity, "period": "2025-06", "item": k, "value": v, "unit": "万元"} for k, v in items.items()]


@pytest.fixture
def store(tmp_path: Path, contract: Callable[..., Path]) -> str:
    path = tmp_path / "s.duckdb"
    good = contract(
        entities=ENTITIES,
        facts=_facts("G", revenue="12345.678", total_assets=100, total_liabilities=60)
        + _facts("A", revenue=1000, total_assets=40, total_liabilities=30),
    )
    url = f"duckdb:///{path}"
    result = runner.invoke(app, ["import", str(good), "--store", url])
    assert result.exit_code == 0, result.output
    return url


def _run(store: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["indicators", "--period", "2025-06", "--store", store, *args])
    return result.exit_code, result.output


def _revenue(text: str) -> dict[str, str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return next(r for r in rows if r["entity_id"] == "G" and r["indicator"] == "revenue")


def test_csv_and_json_default_to_yuan_and_unit_converts_exactly(store: str) -> None:
    """12 345.678 万元 is 123 456 780 元 by default and 1.23456780 亿元 with --unit 亿元 (÷ 10^8)."""
    code, text = _run(store, "--entity", "G", "-i", "revenue", "-f", "csv")
    assert code == 0, text
    row = _revenue(text)
    assert (row["value"], row["unit"]) == ("123456780", "元")
    assert "money_unit" not in row  # the golden csv is unchanged without --unit
    code, text = _run(store, "--entity", "G", "-i", "revenue", "-f", "csv", "--unit", "亿元")
    row = _revenue(text)
    assert (row["value"], row["unit"], row["money_unit"]) == ("1.2345678", "亿元", "亿元")
    code, text = _run(store, "--entity", "G", "-i", "revenue", "-f", "json", "--unit", "万元")
    (rec,) = json.loads(text)
    assert (rec["value"], rec["unit"], rec["money_unit"]) == (12345.678, "万元", "万元")


def test_table_shows_wan_yuan_and_percent_as_points_in_plain_lines_for_a_pipe(store: str) -> None:
    """The test runner's stdout is a pipe: tab-separated lines, 12,345.68 万元, 60.00 (%) for 资产负债率."""
    code, text = _run(store, "--entity", "G", "-i", "revenue", "-i", "debt_ratio")
    assert code == 0, text
    lines = text.splitlines()
    assert "┃" not in text and "│" not in text
    assert lines[1].split("\t")[:2] == ["指标", "本期"]
    revenue = next(line.split("\t") for line in lines if line.startswith("营业收入"))
    assert (revenue[1], revenue[-2]) == ("12,345.68", "万元")
    debt = next(line.split("\t") for line in lines if line.startswith("资产负债率"))
    assert (debt[1], debt[-2]) == ("60.00", "%")
    code, text = _run(store, "--entity", "G", "-i", "revenue", "--unit", "元")
    assert next(line for line in text.splitlines() if line.startswith("营业收入")).split("\t")[1] == "123,456,780.00"


def test_view_named_in_chinese_in_the_title(store: str) -> None:
    """「指标（children）」 reads 「指标（节点汇总）」 in Chinese and (sum of direct subsidiaries) in English."""
    _, text = _run(store, "--entity", "G", "--view", "children")
    assert text.splitlines()[0].endswith("（节点汇总）") and "children" not in text.splitlines()[0]
    _, text = _run(store, "--entity", "G", "--view", "children", "--lang", "en")
    assert text.splitlines()[0].endswith("(sum of direct subsidiaries)")


def test_csv_file_has_a_bom_and_stdout_none(store: str, tmp_path: Path) -> None:
    out = tmp_path / "panel.csv"
    code, text = _run(store, "-f", "csv", "-o", str(out))
    assert code == 0, text
    assert out.read_bytes().startswith(BOM + b"entity_id,")
    _, text = _run(store, "-f", "csv")
    assert text.startswith("entity_id,")
    json_out = tmp_path / "panel.json"
    _run(store, "-f", "json", "-o", str(json_out))
    assert json_out.read_bytes().startswith(b"[")  # JSON never carries a BOM


def test_workbook_is_built_for_finance(store: str, tmp_path: Path) -> None:
    """Long and wide sheets with Chinese names; 万元 amounts #,##0.00; % as 0.00"%"; header frozen and
    repeated; A4 landscape, one page wide; widths fitted to the longest cell."""
    out = tmp_path / "panel.xlsx"
    code, text = _run(
        store, "--entity", "G", "-i", "revenue", "-i", "debt_ratio", "-i", "rd_intensity", "-f", "xlsx", "-o", str(out)
    )
    assert code == 0, text
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["指标", "指标（宽表）"]
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize in (9, "9")  # A4
        assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToHeight == 0
    long = wb["指标"]
    head = [c.value for c in long[1]]
    rows = [dict(zip(head, r, strict=True)) for r in long.iter_rows(min_row=2)]
    revenue = next(r for r in rows if r["企业/分组"].value == "G" and r["指标代码"].value == "revenue")
    assert revenue["本期"].value == pytest.approx(12345.678) and revenue["本期"].number_format == "#,##0.00"
    assert revenue["单位"].value == "万元"
    debt = next(r for r in rows if r["企业/分组"].value == "G" and r["指标代码"].value == "debt_ratio")
    assert debt["本期"].value == pytest.approx(60.0) and debt["本期"].number_format == '0.00"%"'
    # 「指标」 column fits its widest entry (研发经费投入强度, 8 characters): 2 columns per CJK character
    name_col = head.index("指标") + 1
    widest = max(len(str(long.cell(i, name_col).value or "")) for i in range(1, long.max_row + 1))
    width = long.column_dimensions[get_column_letter(name_col)].width
    assert width >= 2 * widest
    wide = wb["指标（宽表）"]
    head = [c.value for c in wide[1]]
    assert head[:3] == ["企业/分组", "名称", "期间"] and "营业收入（万元）" in head and "资产负债率（%）" in head
    g = next(r for r in wide.iter_rows(min_row=2) if r[0].value == "G")
    assert g[head.index("营业收入（万元）")].value == pytest.approx(12345.678)
    assert g[head.index("资产负债率（%）")].number_format == '0.00"%"'


def test_english_workbook_names_its_sheets_in_english(store: str, tmp_path: Path) -> None:
    out = tmp_path / "panel.xlsx"
    _run(store, "--entity", "G", "-i", "revenue", "-f", "xlsx", "-o", str(out), "--lang", "en", "--unit", "亿元")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["indicators", "indicators (wide)"]
    assert "Operating revenue (100m yuan)" in [c.value for c in wb["indicators (wide)"][1]]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-f", "csv", "-o", "{tmp}/missing/x.csv"], "输出文件夹不存在"),
        (["-f", "json", "-o", "{tmp}/x.pdf"], "后缀应为 .json"),
        (["-f", "xlsx", "-o", "{tmp}/x.csv"], "后缀应为 .xlsx"),
        (["-f", "csv", "-o", "{tmp}"], "输出路径是文件夹"),
        (["--unit", "千元"], "--unit 应为 元、万元、亿元 之一"),
    ],
)
def test_bad_output_refused_at_once(store: str, tmp_path: Path, args: list[str], words: str) -> None:
    """Exit 2 with the reason, no traceback, nothing written."""
    before = set(tmp_path.rglob("*"))
    code, text = _run(store, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert code == 2, text
    assert words in " ".join(text.split()) and "Traceback" not in text  # the message may wrap
    assert set(tmp_path.rglob("*")) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["report", "--format", "html", "--output", "{tmp}/x.pdf"], "后缀应为 .html、.htm（html），实为 .pdf"),
        (["report", "--output", "{tmp}/missing/r.pdf"], "输出文件夹不存在"),
        (["template", "--entity", "G", "--period", "2025-07", "--output", "{tmp}/f.csv"], "后缀应为 .xlsx"),
    ],
)
def test_report_and_template_paths_refused_before_work(store: str, tmp_path: Path, args: list[str], words: str) -> None:
    """HTML is not written into x.pdf; a missing folder is named before the report is built."""
    before = set(tmp_path.rglob("*"))
    result = runner.invoke(app, [*[a.replace("{tmp}", str(tmp_path)) for a in args], "--store", store])
    assert result.exit_code == 2, result.output
    assert words in " ".join(result.output.split()) and "Traceback" not in result.output
    assert set(tmp_path.rglob("*")) == before


@pytest.fixture
def progress(contract: Callable[..., Path]) -> Path:
    """G's 2025-06 year-to-date 利润总额 540 000 元 against a 2025 target of 1 200 000 元: 45 % done."""
    facts = [{"entity_id": "G", "period": "2025-06", "item": "total_profit", "value": 540000, "unit": "元"}]
    targets = [{"entity_id": "G", "year": 2025, "indicator": "total_profit", "target": 1200000}]
    return contract(entities=ENTITIES[:1], facts=facts, targets=targets, name="progress")


def test_targets_in_the_unit_asked_with_completion_as_a_percentage(progress: Path, tmp_path: Path) -> None:
    """54.00 / 120.00 万元 by default, 540,000.00 / 1,200,000.00 with --unit 元; completion 45.00% either
    way; in Excel the amounts in 万元 (#,##0.00) and completion 45 shown 0.00"%"."""
    base = ["targets", "--data", str(progress), "--period", "2025-06", "--entity", "G", "--no-verdict"]
    result = runner.invoke(app, base)
    assert result.exit_code == 0, result.output
    line = next(x.split("\t") for x in result.output.splitlines() if x.startswith("集团\t利润总额"))
    assert line[2:5] == ["54.00", "120.00", "45.00%"] and line[-2] == "万元"
    result = runner.invoke(app, [*base, "--unit", "元"])
    line = next(x.split("\t") for x in result.output.splitlines() if x.startswith("集团\t利润总额"))
    assert line[2:5] == ["540,000.00", "1,200,000.00", "45.00%"] and line[-2] == "元"
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, [*base, "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["目标完成"]
    head = [c.value for c in ws[1]]
    row = dict(zip(head, ws[2], strict=True))
    assert row["本年实际"].value == pytest.approx(54) and row["本年实际"].number_format == "#,##0.00"
    assert row["完成率"].value == pytest.approx(45) and row["完成率"].number_format == '0.00"%"'
    assert row["单位"].value == "万元" and row["累计指标"].value == "是"
