"""The monthly report form: generated, filled programmatically, imported and read back.

Figures are hand-picked; a 万元 form holds 1 250.00 for 12 500 000 元 (1 万元 = 10 000 元).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from guozi.ingest.template import read_form
from guozi.kernel.errors import NotFoundError, Severity
from guozi.kernel.periods import Period

from .conftest import TODAY, Desk, wan

JUNE = Period.parse("2025-06")


def fill(path: Path, values: dict[str, float | str], out: Path | None = None) -> Path:
    """Type ``values`` (by item code) into the form's value column (C), found by the hidden codes (G)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.title == "_meta":
            continue
        for row in range(5, ws.max_row + 1):
            code = str(ws.cell(row, 7).value)
            if code in values:
                ws.cell(row, 3).value = values[code]
    target = out or path.with_name(path.stem + "_filled.xlsx")
    wb.save(target)
    return target


def current(desk: Desk, entity: str, period: Period) -> dict[str, Decimal]:
    keys = pa.table({"entity_id": [entity], "period": pa.array([period.code], pa.int32())})
    return {r["item"]: r["value"] for r in desk.ws.store.current_values(keys).to_pylist()}


def row_of(path: Path, sheet: str, code: str) -> int:
    ws = openpyxl.load_workbook(path)[sheet]
    return next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 7).value == code)


def test_round_trip_generate_fill_import_read_back(desk: Desk, tmp_path: Path) -> None:
    """May is stored; June's form shows May's assets beside 资产总计 (1 200.00 万元, 上月末数), and
    June 2024's 3 000 人 as 上年同期. Filled with 资产 1 250, 负债 750, 权益 500 (balanced), 收入 360
    万元 and 3 200 人, it imports and the store holds 12 500 000 / 7 500 000 / 5 000 000 / 3 600 000 元
    and 3 200 persons."""
    desk.seed(
        wan("A", "2025-05", total_assets=1200, total_liabilities=700, total_equity=500, revenue=300)
        + wan("A", "2024-06", employees=3000)
    )
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(form)
    assert wb.sheetnames == ["资产负债表", "利润表", "现金流量表", "统计指标", "_meta"]
    bs = wb["资产负债表"]
    assert bs["A2"].value == "企业：甲公司（A）    期间：2025年6月    金额单位：万元"
    assert [c.value for c in bs[4]] == [
        "项目", "行次", "期末数", "年初数（2024年末）", "上月末数（2025-05）", "单位", "代码",
    ]  # fmt: skip
    assets = row_of(form, "资产负债表", "total_assets")
    # 资产总计 is the 34th line: 13 current-asset lines + 流动资产合计, 18 lines + 非流动资产合计 (form.yaml)
    assert [c.value for c in bs[assets]] == ["资产总计", 34, None, None, 1200, "万元", "total_assets"]
    stats = wb["统计指标"]
    people = row_of(form, "统计指标", "employees")
    assert (stats.cell(people, 4).value, stats.cell(people, 5).value, stats.cell(people, 6).value) == (
        3000,
        "期末数",
        "人",
    )
    income = wb["利润表"]
    revenue = row_of(form, "利润表", "revenue")
    assert [c.value for c in income[4]][2:5] == ["本年累计数", "本月数", "上年同期累计数（2024-06）"]
    assert income.cell(revenue, 1).value == "营业收入"

    filled = fill(
        form,
        {"total_assets": 1250, "total_liabilities": 750, "total_equity": 500, "revenue": 360, "employees": 3200},
    )
    report = desk.ws.import_files([filled], user="filer", today=TODAY)
    assert report.facts == 5
    assert current(desk, "A", JUNE) == {
        "total_assets": Decimal("12500000.0000"),
        "total_liabilities": Decimal("7500000.0000"),
        "total_equity": Decimal("5000000.0000"),
        "revenue": Decimal("3600000.0000"),
        "employees": Decimal("3200.0000"),
    }


def test_the_form_is_locked_but_its_value_cells_and_numbers_only(desk: Desk, tmp_path: Path) -> None:
    """Sheets protected, the code column hidden, only column C unlocked (and 年初数 where no 上年末数
    is stored), Excel validation 'decimal' over C5 to the last line, and _meta very hidden. Row 5
    is the heading 流动资产：, row 6 货币资金."""
    desk.seed(wan("A", "2024-12", cash=80))
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(form)
    bs = wb["资产负债表"]
    assert bs.protection.sheet
    assert bs.column_dimensions["G"].hidden
    assert (bs["A5"].value, bs["G5"].value, bs["A6"].value) == ("流动资产：", None, "货币资金")
    assert not bs["C6"].protection.locked and bs["A6"].protection.locked and bs["E6"].protection.locked
    assert bs["D6"].protection.locked and not bs["D7"].protection.locked  # cash's 年初数 is stored
    dv = {str(v.sqref)[0]: v for v in bs.data_validations.dataValidation}
    assert sorted(dv) == ["C", "D"]
    last = bs.max_row
    assert (dv["C"].type, str(dv["C"].sqref)) == ("decimal", f"C5:C{last}")
    assert str(dv["D"].sqref) == f"D7:D{last}"
    dv = dv["C"]
    assert dv.error == "只能填写数字（单位：万元，人数以人计）"
    assert wb["_meta"].sheet_state == "veryHidden"
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows(max_col=2)}
    assert (meta["entity_id"], meta["period"], meta["unit"]) == ("A", "2025-06", "万元")


def test_an_empty_line_is_not_reported_not_zero(desk: Desk, tmp_path: Path) -> None:
    """Only 营业收入 filled: one fact, and 资产总计 is missing rather than 0."""
    filled = fill(desk.ws.template("A", JUNE, tmp_path / "f.xlsx"), {"revenue": 10})
    desk.ws.import_files([filled], today=TODAY)
    assert current(desk, "A", JUNE) == {"revenue": Decimal("100000.0000")}


def test_a_form_in_yuan_or_in_english(desk: Desk, tmp_path: Path) -> None:
    """``--unit 元``: 12 500 000 typed is 12 500 000 元. ``10k`` is 万元 spelt in English; the English
    form has English sheet names and reads back the same."""
    yuan = desk.ws.template("A", JUNE, tmp_path / "yuan.xlsx", unit="元")
    desk.ws.import_files([fill(yuan, {"cash": 12_500_000})], today=TODAY)
    assert current(desk, "A", JUNE)["cash"] == Decimal("12500000.0000")
    en = desk.ws.template("A", Period.parse("2025-07"), tmp_path / "en.xlsx", unit="10k", lang="en")
    wb = openpyxl.load_workbook(en)
    assert wb.sheetnames[:2] == ["Balance sheet", "Income statement"]
    assert wb["Balance sheet"]["A2"].value.endswith("Amounts in 10k yuan")
    desk.ws.import_files([fill(en, {"cash": 1300})], today=TODAY)
    assert current(desk, "A", Period.parse("2025-07"))["cash"] == Decimal("13000000.0000")


def test_a_problem_in_a_form_names_its_sheet_row_and_column(desk: Desk, tmp_path: Path) -> None:
    """资产 1 250, 负债 748.30, 权益 500 in the form: the identity message at 资产负债表, the 资产总计
    row, column C; text typed into 货币资金 is not a number, at its own row."""
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    filled = fill(form, {"total_assets": 1250, "total_liabilities": 748.30, "total_equity": 500, "cash": "一百"})
    problems = desk.ws.check([filled], today=TODAY).problems
    by = {p.rule: p for p in problems}
    identity = by["balance.identity"]
    assets = row_of(form, "资产负债表", "total_assets")
    assert (identity.sheet, identity.row, identity.column) == ("资产负债表", assets, "C")
    assert identity.location("zh") + " " + identity.message_zh == (
        f"form_filled.xlsx 资产负债表 第{assets}行 C列 A 2025-06：资产总计 与 负债和所有者权益总计 不等："
        "资产总计 1\u2009250.00 万元，负债+所有者权益 1\u2009248.30 万元，差额 1.70 万元（允许 0.01 万元）"
    )
    text = by["value.not_numeric"]
    assert (text.sheet, text.row, text.column, text.found) == (
        "资产负债表",
        row_of(form, "资产负债表", "cash"),
        "C",
        "一百",
    )


def test_a_formula_without_a_result_is_refused(desk: Desk, tmp_path: Path) -> None:
    """openpyxl writes '=1+1' without its computed result: the line cannot be read, and says why."""
    filled = fill(desk.ws.template("A", JUNE, tmp_path / "form.xlsx"), {"revenue": "=1+1"})
    (p,) = desk.ws.check([filled], today=TODAY).problems
    assert (p.rule, p.severity, p.sheet, p.column, p.found) == (
        "value.formula",
        Severity.BLOCKING,
        "利润表",
        "C",
        "=1+1",
    )


@pytest.mark.parametrize(
    ("sheet", "cell", "value"),
    [
        ("_meta", "B2", "B"),
        ("_meta", "B4", "2025-05"),
        ("资产负债表", "G5", "current_assets"),
        ("_meta", "B9", "0" * 32),
    ],
)
def test_an_altered_form_is_refused(desk: Desk, tmp_path: Path, sheet: str, cell: str, value: str) -> None:
    """Changing the form's entity, period, a line's item code or the checksum: template.invalid."""
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(form)
    wb[sheet][cell] = value
    wb["资产负债表"]["C6"] = 1
    wb.save(tmp_path / "altered.xlsx")
    (p,) = desk.ws.check([tmp_path / "altered.xlsx"], today=TODAY).problems
    assert (p.rule, p.severity) == ("template.invalid", Severity.BLOCKING)
    assert "guozi template" in p.message_zh


def test_the_visible_heading_does_not_decide_the_entity(desk: Desk, tmp_path: Path) -> None:
    """Retyping the heading to name entity N changes nothing: the figures land on A (from _meta)."""
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(form)
    wb["资产负债表"]["A2"] = "企业：新设公司（N）"
    wb["资产负债表"].cell(row_of(form, "资产负债表", "accounts_receivable"), 3).value = 7
    wb.save(tmp_path / "renamed.xlsx")
    desk.ws.import_files([tmp_path / "renamed.xlsx"], today=TODAY)
    assert current(desk, "A", JUNE) == {"accounts_receivable": Decimal("70000.0000")}
    assert current(desk, "N", JUNE) == {}


def test_a_form_for_an_unknown_entity_cannot_be_made(desk: Desk, tmp_path: Path) -> None:
    """X is not among the entities."""
    with pytest.raises(NotFoundError):
        desk.ws.template("X", JUNE, tmp_path / "x.xlsx")


def test_a_form_tells_its_entity_and_period_before_it_is_read(desk: Desk, tmp_path: Path) -> None:
    """``read_form`` (for an upload page): A, 2025-06, 万元, the four statement sheets; a csv is no form."""
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    meta = read_form(form)
    assert meta is not None
    assert (meta.entity_id, meta.period, meta.unit, meta.sheets) == (
        "A",
        "2025-06",
        "万元",
        ("资产负债表", "利润表", "现金流量表", "统计指标"),
    )
    assert read_form(desk.file(wan("A", "2025-06", cash=1))) is None
