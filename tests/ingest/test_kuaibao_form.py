"""The 快报 form (issue 19): every line round trip, the columns beside the figure, 年初数 = 上年末数,
January against the previous January, and forms of the first layout still read back.

Figures are hand-picked in 万元 (1 万元 = 10 000 元); the whole statement is the one worked by hand
in test_kuaibao_identities.py.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from guozi.ingest.template import read_form
from guozi.kernel.periods import Period
from guozi.store.base import User
from guozi.workspace.collect import ExplanationRequiredError, parse_explain

from .conftest import TODAY, Desk, wan
from .test_kuaibao_identities import ALL
from .test_template import current, fill, row_of

JUNE = Period.parse("2025-06")
JANUARY = Period.parse("2025-01")
FORMS = Path(__file__).parent / "forms"


def test_every_line_of_a_hand_made_statement_round_trips(desk: Desk, tmp_path: Path) -> None:
    """The 115 balance, income and cash-flow figures and 2 statistics typed into June's form are
    stored exactly as typed × 10 000 元 (persons as they are), each on its own item."""
    figures: dict[str, float | str] = {**ALL, "employees": 3200, "total_wages": 150}
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    report = desk.ws.import_files([fill(form, figures)], user="filer", today=TODAY)
    assert report.facts == len(figures) == 117
    stored = current(desk, "A", JUNE)
    assert stored == {code: Decimal(str(v)) * (1 if code == "employees" else 10_000) for code, v in figures.items()}
    assert stored["investing_cash_flow"] == Decimal(-1_500_000)
    assert stored["credit_impairment_loss"] == Decimal(-30_000)


def test_the_columns_beside_the_figure_are_the_paper_forms(desk: Desk, tmp_path: Path) -> None:
    """Stored: 2024-12 货币资金 80 (年初数 of 2025), 2025-05 营业收入 300 year to date, 2024-06 营业收入
    280. June's 货币资金 shows 年初数 80, locked; 营业收入 本月数 = its 本年累计 − May's 300, its
    上年同期累计数 280; 存货, with no 2024-12 figure, has its 年初数 open to fill in."""
    desk.seed(wan("A", "2024-12", cash=80) + wan("A", "2025-05", revenue=300) + wan("A", "2024-06", revenue=280))
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(form)
    bs, income = wb["资产负债表"], wb["利润表"]
    cash, stock = row_of(form, "资产负债表", "cash"), row_of(form, "资产负债表", "inventory")
    assert (bs.cell(cash, 4).value, bs.cell(cash, 4).protection.locked) == (80, True)
    assert (bs.cell(stock, 4).value, bs.cell(stock, 4).protection.locked) == (None, False)
    rev = row_of(form, "利润表", "revenue")
    assert income.cell(rev, 4).value == f'=IF(C{rev}="","",C{rev}-(300))'
    assert income.cell(rev, 5).value == 280
    assert income.cell(rev, 4).protection.locked and income.cell(rev, 5).protection.locked


def test_january_is_compared_with_the_previous_january(desk: Desk, tmp_path: Path) -> None:
    """Stored: 2024-01 营业收入 25 (January 2024 alone), 2024-12 营业收入 400 (the whole of 2024) and
    资产总计 1 000. January 2025's form: 营业收入 上年同期累计数 25, not 400; 本月数 = 本年累计 (no
    subtraction); the web form's lines agree, and its previous period for a flow is none (a
    January flow never compared with a whole year), while 资产总计 keeps 2024-12 as 上月末数 and 年初数."""
    desk.seed(wan("A", "2024-01", revenue=25) + wan("A", "2024-12", revenue=400, total_assets=1000))
    form = desk.ws.template("A", JANUARY, tmp_path / "form.xlsx")
    income = openpyxl.load_workbook(form)["利润表"]
    rev = row_of(form, "利润表", "revenue")
    assert (income.cell(rev, 4).value, income.cell(rev, 5).value) == (f'=IF(C{rev}="","",C{rev})', 25)
    lines = {line.item: line for line in desk.ws.form_lines("A", JANUARY)}
    revenue, assets = lines["revenue"], lines["total_assets"]
    assert (revenue.previous, revenue.prior_year, revenue.month_base) == (None, Decimal(250_000), Decimal(0))
    assert (assets.previous, assets.opening, assets.month_base) == (Decimal(10_000_000), Decimal(10_000_000), None)
    assert (lines["cash"].section_zh, lines["trading_financial_assets"].section_zh) == ("流动资产：", "")


def test_the_review_of_a_january_compares_a_flow_with_the_previous_january(desk: Desk, tmp_path: Path) -> None:
    """January 2025 filed with 营业收入 30: no previous period nor change (December's 400 is a whole
    year), 上年同期 25; 资产总计 1 100 beside December's 1 000, change 100 万元."""
    desk.seed(wan("A", "2024-01", revenue=25) + wan("A", "2024-12", revenue=400, total_assets=1000))
    admin = User("admin", "admin", (), "")
    staged = desk.ws.stage_upload([desk.file(wan("A", "2025-01", revenue=30, total_assets=1100))], admin, today=TODAY)
    sheet = desk.ws.review_lines(staged.submissions[0].id)
    by = {r.line.item: r for r in sheet.lines}
    assert (by["revenue"].line.previous, by["revenue"].change, by["revenue"].line.prior_year) == (
        None,
        None,
        Decimal(250_000),
    )
    assert (by["total_assets"].line.previous, by["total_assets"].change) == (Decimal(10_000_000), Decimal(1_000_000))
    assert [r.line.item for r in sheet.lines] == ["total_assets", "revenue"]  # the form's order


def test_a_years_opening_balance_that_differs_from_last_years_end_is_to_verify(desk: Desk, tmp_path: Path) -> None:
    """The form was made when 2024-12 货币资金 was 80 (its 年初数 prefilled 80); December is then
    restated to 82. The filed form's 年初数 80 ≠ 上年末数 82: a 核实 problem naming A, 2025-06 and
    货币资金 with both values, on the 年初数 cell (column D); the import needs an explanation."""
    desk.seed(wan("A", "2024-12", cash=80))
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    desk.ws.import_files([desk.file(wan("A", "2024-12", cash=82))], user="seed", validate=False, reason="restated")
    filled = fill(form, {"cash": 90})
    (p,) = [p for p in desk.ws.check([filled], today=TODAY).problems if p.rule.startswith("opening.")]
    row = row_of(form, "资产负债表", "cash")
    assert (p.rule, p.severity.value, p.sheet, p.row, p.column) == (
        "opening.prior_year_end",
        "verify",
        "资产负债表",
        row,
        "D",
    )
    assert (
        p.message_zh
        == "A 2025-06 货币资金：报表中的年初数 80.00 万元 与已报送的上年末数（2024-12 期末数）82.00 万元 不一致"
    )
    with pytest.raises(ExplanationRequiredError):
        desk.ws.import_files([filled], today=TODAY)
    why = parse_explain(f"opening.prior_year_end:资产负债表!{row}=2024年报审计调整后重述")
    desk.ws.import_files([filled], explanations=[why], today=TODAY)
    assert current(desk, "A", JUNE) == {"cash": Decimal(900_000)}


def test_an_opening_balance_without_last_years_end_is_noted_not_stored(desk: Desk, tmp_path: Path) -> None:
    """Nothing stored for 2024-12: 存货's 年初数 50 typed into the open cell cannot be checked (one
    提示 for the form); the import goes ahead and stores June's 存货 60 only, no 2024-12 figure."""
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(form)
    row = row_of(form, "资产负债表", "inventory")
    wb["资产负债表"].cell(row, 3).value = 60
    wb["资产负债表"].cell(row, 4).value = 50
    wb.save(tmp_path / "filled.xlsx")
    report = desk.ws.import_files([tmp_path / "filled.xlsx"], today=TODAY)
    (p,) = [p for p in report.problems if p.rule.startswith("opening.")]
    assert (p.rule, p.severity.value, p.row, p.column) == ("opening.unchecked", "notice", row, "D")
    assert p.message_zh == "A 2025-06：上年末（2024-12）没有已报送的期末数，报表中 1 项年初数无法与上年末数核对"
    assert current(desk, "A", JUNE) == {"inventory": Decimal(600_000)}
    assert current(desk, "A", Period.parse("2024-12")) == {}


def test_a_form_of_the_first_layout_still_reads_back(desk: Desk) -> None:
    """forms/form_v1_A_2025-06.xlsx was made by guozi template before issue 19 (43 lines: 本期数 |
    上期数, version 1) and filled with 资产 1 250, 负债 750, 权益 500, 收入 360 万元 and 3 200 人."""
    form = read_form(FORMS / "form_v1_A_2025-06.xlsx")
    assert form is not None and (form.version, form.statements) == (1, ())
    report = desk.ws.import_files([FORMS / "form_v1_A_2025-06.xlsx"], today=TODAY)
    assert report.facts == 5
    assert current(desk, "A", JUNE) == {
        "total_assets": Decimal(12_500_000),
        "total_liabilities": Decimal(7_500_000),
        "total_equity": Decimal(5_000_000),
        "revenue": Decimal(3_600_000),
        "employees": Decimal(3200),
    }
