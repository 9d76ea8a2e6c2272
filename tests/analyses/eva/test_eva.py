"""Economic value added: worked by hand, step by step, with round numbers and one real company.

Parameters are the shipped ``params/eva.yaml`` (tax 25%, non-recurring share 50%, cost of equity
6.5 / 5.5 / 4.5% by category, −0.5 pp for power D44, agriculture A and military enterprises,
debt-ratio surcharges +0.2 / +0.5 pp) unless a test loads its own file. Figures in 万元 unless
said otherwise; results are checked in yuan, exactly (the capital charge rounded to the fen).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from guozi.analyses.eva import (
    EvaReport,
    breakdown_records,
    compute_eva,
    eva_records,
    load_eva_params,
    parameter_records,
)
from guozi.cli import app
from guozi.kernel.errors import CatalogError, NotFoundError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

MakeWorkspace = Callable[..., Workspace]
WriteFile = Callable[[str, str], Path]
DEC = Period.parse("2024-12")
JUN = Period.parse("2024-06")

# X and Y: the same figures (万元); X is a competitive manufacturer, Y a strategic power company.
OPENING = {
    "total_equity": 9000,
    "interest_bearing_debt": 4000,
    "construction_in_progress": 1000,
    "total_assets": 30000,
    "total_liabilities": 21000,
}
CLOSING = {
    "total_equity": 11000,
    "interest_bearing_debt": 6000,
    "construction_in_progress": 3000,
    "total_assets": 40000,
    "total_liabilities": 29000,
}
FULL_YEAR = {"net_profit": 1000, "interest_expense": 200, "rd_expense": 300, "non_recurring_gain": 100}
HALF_YEAR = {"net_profit": 400, "interest_expense": 100, "rd_expense": 100, "non_recurring_gain": 0}
GROUP = [
    {"entity_id": "G", "name": "集团", "industry": "C", "category": "commercial_competitive"},
    {"entity_id": "X", "name": "甲制造", "parent_id": "G", "industry": "C", "category": "commercial_competitive"},
    {"entity_id": "Y", "name": "乙电力", "parent_id": "G", "industry": "D44", "category": "commercial_strategic"},
]
# cost of equity reductions: (industry, military, category) -> cost of equity (%)
REDUCTIONS = [
    ("D44", "", "commercial_competitive", "6.0"),  # power: 6.5 − 0.5
    ("A01", "", "commercial_strategic", "5.0"),  # agriculture (section A): 5.5 − 0.5
    ("C", "1", "public_welfare", "4.0"),  # military attribute: 4.5 − 0.5
    ("C", "是", "commercial_competitive", "6.0"),
    ("C", "", "commercial_competitive", "6.5"),  # none
    ("D45", "", "commercial_competitive", "6.5"),  # gas supply is not power
    ("C", "no", "commercial_strategic", "5.5"),
]


@pytest.fixture(scope="module")
def group_ws(module_ws: MakeWorkspace) -> Workspace:
    """G owns X and Y (figures above); R0.. are entities with only attributes (for the cost of equity)."""
    reductions = [
        {"entity_id": f"R{i}", "name": f"R{i}", "industry": ind, "category": cat, "military": mil}
        for i, (ind, mil, cat, _) in enumerate(REDUCTIONS)
    ]
    figures = {}
    for e in ("X", "Y"):
        figures[(e, "2023-12")] = OPENING
        figures[(e, "2024-06")] = {**HALF_YEAR, **CLOSING}
        figures[(e, "2024-12")] = {**FULL_YEAR, **CLOSING}
    return module_ws([*GROUP, *reductions], figures)


@pytest.fixture(scope="module")
def debt_at_4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user parameter file: the cost of debt 4% from 2024 (round, for the hand calculations)."""
    path = tmp_path_factory.mktemp("params") / "eva.yaml"
    path.write_text(
        'cost_of_debt:\n  - {year: 2024, method: rate, value: 4, source: "test: a round 4%", confirmed: false}\n',
        encoding="utf-8",
    )
    return path


def test_eva_worked_by_hand_with_round_numbers(group_ws: Workspace, debt_at_4: Path) -> None:
    """X, a commercial competitive manufacturer (industry C), full year 2024, cost of debt 4% (user file).

    NOPAT
      net profit 1 000; interest 200; R&D expense 300; non-recurring gain 100 × 50% = 50
      adjustments after tax = (200 + 300 − 50) × (1 − 25%) = 450 × 0.75 = 337.5
      NOPAT = 1 000 + 337.5 = 1 337.5 万元 = 13 375 000 元
    adjusted capital
      avg equity (9 000 + 11 000) / 2 = 10 000; avg interest-bearing debt (4 000 + 6 000) / 2 = 5 000;
      avg construction in progress (1 000 + 3 000) / 2 = 2 000
      capital = 10 000 + 5 000 − 2 000 = 13 000 万元 = 130 000 000 元
    cost of capital
      D/(D+E) = 5 000 / 15 000 = 1/3; E/(D+E) = 2/3
      weighted = 4% × 1/3 × 0.75 + 6.5% × 2/3 = 1% + 4.3333…% = 5.3333…%
      debt ratio 29 000 / 40 000 = 72.5% at year end, 21 000 / 30 000 = 70% a year before: it rose,
      and industrial 70% ≤ 72.5% < 75% → +0.2 pp → 5.5333…%
    capital charge = 130 000 000 × 5.5333…% × 12/12 = 7 193 333.333… → 7 193 333.33 元
    EVA = 13 375 000 − 7 193 333.33 = 6 181 666.67 元
    """
    r = compute_eva(group_ws, DEC, entity="X", params=load_eva_params([debt_at_4])).row("X")
    assert r.non_recurring_adjustment == Decimal(500000)
    assert r.nopat_adjustment == Decimal(3375000)
    assert r.nopat == Decimal(13375000)
    assert (r.avg_equity, r.avg_interest_bearing_debt, r.avg_construction_in_progress) == (
        Decimal(100000000),
        Decimal(50000000),
        Decimal(20000000),
    )
    assert r.adjusted_capital == Decimal(130000000)
    assert r.cost_of_equity == Decimal("6.5") and r.cost_of_debt == Decimal(4)
    assert r.weighted_cost == pytest.approx(Decimal(16) / 3, abs=Decimal("1e-20"))
    assert (r.debt_ratio, r.debt_ratio_opening, r.debt_rose) == (Decimal("72.5"), Decimal(70), True)
    assert r.surcharge == Decimal("0.2")
    assert r.capital_charge == Decimal("7193333.33")
    assert r.eva == Decimal("6181666.67")
    assert r.note_zh == ""


def test_eva_with_the_shipped_2024_cost_of_debt(group_ws: Workspace) -> None:
    """X again with the shipped 2024 cost of debt, the 1-year LPR of 3.10% (params/eva.yaml).

    weighted = 3.10% × 1/3 × 0.75 + 6.5% × 2/3 = 0.775% + 4.3333…% = 5.108333…%; + 0.2 = 5.308333…%
    charge = 130 000 000 × 5.308333…% = 6 900 833.333… → 6 900 833.33
    EVA = 13 375 000 − 6 900 833.33 = 6 474 166.67 元
    """
    r = compute_eva(group_ws, DEC, entity="X").row("X")
    assert r.cost_of_debt == Decimal("3.10")
    assert r.capital_charge == Decimal("6900833.33")
    assert r.eva == Decimal("6474166.67")
    assert "cost_of_debt" in r.unconfirmed  # the LPR is guozi's choice, marked as such


def test_eva_of_a_part_year_uses_year_to_date_nopat_and_months_over_twelve(
    group_ws: Workspace, debt_at_4: Path
) -> None:
    """X, January–June 2024 (6 months), same balances at 2024-06 as at the year end.

    NOPAT = 400 + (100 + 100 − 0 × 50%) × 0.75 = 400 + 150 = 550 万元 = 5 500 000 元
    capital 130 000 000, cost of capital 5.5333…% (as in the full-year case)
    charge = 130 000 000 × 5.5333…% × 6/12 = 3 596 666.666… → 3 596 666.67
    EVA = 5 500 000 − 3 596 666.67 = 1 903 333.33 元
    """
    r = compute_eva(group_ws, JUN, entity="X", params=load_eva_params([debt_at_4])).row("X")
    assert r.months == 6
    assert r.nopat == Decimal(5500000)
    assert r.capital_charge == Decimal("3596666.67")
    assert r.eva == Decimal("1903333.33")
    assert "part_year" in r.unconfirmed
    assert "part_year" not in compute_eva(group_ws, DEC, entity="X").row("X").unconfirmed


def test_eva_of_a_group_is_the_sum_of_its_members(group_ws: Workspace, debt_at_4: Path) -> None:
    """G's subsidiaries X and Y (节点汇总), full year 2024, cost of debt 4%.

    Y (strategic power, D44): cost of equity 5.5 − 0.5 = 5.0%;
      weighted = 1% + 5% × 2/3 = 4.3333…%; + 0.2 (industrial, 72.5%, rose) = 4.5333…%
      charge = 130 000 000 × 4.5333…% = 5 893 333.33; EVA = 13 375 000 − 5 893 333.33 = 7 481 666.67
    G = Σ: NOPAT 13 375 000 × 2 = 26 750 000; charge 7 193 333.33 + 5 893 333.33 = 13 086 666.66;
      EVA = 26 750 000 − 13 086 666.66 = 13 663 333.34 (= 6 181 666.67 + 7 481 666.67).
    A single rate on the summed capital would be wrong: the members' costs differ (5.53% and 4.53%);
    the group's effective rate is 13 086 666.66 / 260 000 000 = 5.0333…%.
    """
    params = load_eva_params([debt_at_4])
    y = compute_eva(group_ws, DEC, entity="Y", params=params).row("Y")
    assert (y.cost_of_equity, y.surcharge, y.capital_charge, y.eva) == (
        Decimal(5),
        Decimal("0.2"),
        Decimal("5893333.33"),
        Decimal("7481666.67"),
    )
    g = compute_eva(group_ws, DEC, entity="G", subtree=False, view="children", params=params).row("G")
    assert g.members == ("X", "Y")
    assert g.nopat == Decimal(26750000)
    assert g.adjusted_capital == Decimal(260000000)
    assert g.capital_charge == Decimal("13086666.66")
    assert g.eva == Decimal("13663333.34")
    assert g.cost_of_capital == pytest.approx(Decimal("13086666.66") / Decimal(2600000))
    assert g.cost_of_equity is None  # no single rate for a group


def test_eva_grouped_by_a_column_at_a_level(group_ws: Workspace, debt_at_4: Path) -> None:
    """Level 2 (X and Y) grouped by category: each group holds one member, its EVA unchanged."""
    report = compute_eva(group_ws, DEC, entity="G", by="category", level=2, params=load_eva_params([debt_at_4]))
    assert [(r.entity_id, r.members, r.eva) for r in report.rows] == [
        ("commercial_competitive", ("X",), Decimal("6181666.67")),
        ("commercial_strategic", ("Y",), Decimal("7481666.67")),
    ]


@pytest.mark.parametrize(("index", "expected"), [(i, c[3]) for i, c in enumerate(REDUCTIONS)])
def test_cost_of_equity_by_category_and_reduction(group_ws: Workspace, index: int, expected: str) -> None:
    """6.5 / 5.5 / 4.5% by category; 0.5 pp less for power (D44), agriculture (A…) and military (column)."""
    r = compute_eva(group_ws, DEC, entity=f"R{index}").row(f"R{index}")
    assert r.cost_of_equity == Decimal(expected)
    assert r.eva is None  # R entities report no figures: nothing is taken as zero
    assert "缺少" in r.note_zh


@pytest.mark.parametrize(
    ("industry_class", "ratio", "add"),
    [
        ("industrial", "69.99", "0"),
        ("industrial", "70", "0.2"),  # bands are inclusive at the bottom (70% 含)
        ("industrial", "74.99", "0.2"),
        ("industrial", "75", "0.5"),
        ("research", "64.99", "0"),
        ("research", "65", "0.2"),
        ("research", "70", "0.5"),
        ("non_industrial", "74.99", "0"),
        ("non_industrial", "75", "0.2"),
        ("non_industrial", "80", "0.5"),
    ],
)
def test_debt_ratio_surcharge_bands(industry_class: str, ratio: str, add: str) -> None:
    """The 2019 bands: research 65–70 / ≥70, industrial 70–75 / ≥75, non-industrial 75–80 / ≥80."""
    assert load_eva_params().for_year(2024).surcharge(industry_class, Decimal(ratio)) == Decimal(add)


def test_no_surcharge_when_the_debt_ratio_did_not_rise(risk_ws: MakeWorkspace) -> None:
    """72.5% at both year ends: in the industrial +0.2 band, but it did not rise → no surcharge."""
    ws = risk_ws(
        [{"entity_id": "X", "name": "甲", "industry": "C", "category": "commercial_competitive"}],
        {
            ("X", "2023-12"): {**OPENING, "total_liabilities": 21750},
            ("X", "2024-12"): {**FULL_YEAR, **CLOSING},
        },
    )
    r = compute_eva(ws, DEC).row("X")
    assert (r.debt_ratio, r.debt_ratio_opening, r.debt_rose, r.surcharge) == (
        Decimal("72.5"),
        Decimal("72.5"),
        False,
        Decimal(0),
    )


def test_a_missing_input_leaves_eva_empty_and_says_which(risk_ws: MakeWorkspace) -> None:
    """No construction in progress reported, no category: EVA empty; the note names both."""
    closing = {k: v for k, v in CLOSING.items() if k != "construction_in_progress"}
    opening = {k: v for k, v in OPENING.items() if k != "construction_in_progress"}
    ws = risk_ws(
        [{"entity_id": "X", "name": "甲", "industry": "C"}],
        {("X", "2023-12"): opening, ("X", "2024-12"): {**FULL_YEAR, **closing}},
    )
    r = compute_eva(ws, DEC).row("X")
    assert r.nopat == Decimal(13375000)  # what can be computed still is
    assert r.adjusted_capital is None and r.eva is None
    assert "在建工程（年初）" in r.note_zh and "category" in r.note_en


def test_cost_of_debt_from_the_enterprise_s_own_interest(group_ws: Workspace, write_file: WriteFile) -> None:
    """method: actual → interest 200 / average interest-bearing debt 5 000 × 12/12 = 4%: as the 4% case."""
    path = write_file("actual.yaml", 'cost_of_debt:\n  - {year: 2024, method: actual, source: "own interest"}\n')
    r = compute_eva(group_ws, DEC, entity="X", params=load_eva_params([path])).row("X")
    assert r.cost_of_debt == Decimal(4)
    assert r.eva == Decimal("6181666.67")


def test_a_year_without_parameters_is_refused(group_ws: Workspace) -> None:
    """The differentiated cost of equity starts in 2019: a 2018 period has no parameters to use."""
    with pytest.raises(NotFoundError) as exc:
        compute_eva(group_ws, Period.parse("2018-12"))
    assert "cost_of_equity" in exc.value.message_en


def test_a_bad_parameter_file_is_refused(write_file: WriteFile) -> None:
    """A rate that is not a number names the file and the parameter."""
    path = write_file("bad.yaml", "tax_rate:\n  - {year: 2024, value: lots}\n")
    with pytest.raises(CatalogError) as exc:
        load_eva_params([path])
    assert "tax_rate" in exc.value.message_en and "lots" in exc.value.message_en


def test_unconfirmed_parts_are_marked_in_every_output(group_ws: Workspace, debt_at_4: Path) -> None:
    """Adjusted capital and the weighted cost are not confirmed from the primary text: said everywhere."""
    report = compute_eva(group_ws, DEC, entity="X", params=load_eva_params([debt_at_4]))
    r = report.row("X")
    assert {"adjusted_capital", "weighted_cost", "cost_of_debt"} <= set(r.unconfirmed)
    steps = {s["step"]: s for s in breakdown_records(report, "zh")}
    assert steps["adjusted_capital"]["confirmed"] is False and steps["adjusted_capital"]["mark"] == "未确认"
    assert steps["weighted_cost"]["confirmed"] is False
    assert steps["cost_of_equity_base"]["confirmed"] is True
    assert steps["eva"]["value"] == Decimal("6181666.67")
    (rec,) = eva_records(report, "en")
    assert "adjusted capital" in rec["unconfirmed"] and "weighted" in rec["unconfirmed"]
    params = {p["parameter"]: p for p in parameter_records(report, "en")}
    assert params["cost_of_equity.commercial_competitive"]["value"] == Decimal("6.5")
    assert params["adjusted_capital"]["confirmed"] is False


def test_eva_of_a_real_company(risk_ws: MakeWorkspace) -> None:
    """中国建筑 China State Construction (601668), FY2023, in 千元.

    From /work/shared/data/public_companies.csv (rows named by company, ticker, year, item):
      net_profit_净利润 2023 = 73,539,713 (Yahoo, incl. minority interests)
      rd_expense_研发费用 2023 = 46,073,572
      np_parent_归属于母公司股东的净利润 2023 = 54,264,173; np_parent_deducted_扣非归母净利润 2023 =
        485.39 亿元 = 48,539,000 → non-recurring gain (parent's share) = 5,725,173
      total_assets_end_资产总计(期末) 2023 = 2,903,322,519; debt_ratio_资产负债率 2023 = 74.820%,
        2022 = 74.353% (vendor-computed)
    2022 year-end total assets 2,652,903,306 (the company's 2023 Q1 report, 上年度末,
    http://stock.stockstar.com/notice/SN2023042800002424.shtml).
    Liabilities = assets × published ratio, to the 千元: 2,172,265,909 (2023), 1,972,513,195 (2022);
    total equity = assets − liabilities: 731,056,610 (2023), 680,390,111 (2022).
    NOT in the public file, assumed round figures for illustration: interest expense 20,000,000;
    interest-bearing debt 500,000,000 (2022) and 600,000,000 (2023); construction in progress
    10,000,000 (2022) and 12,000,000 (2023).
    Category commercial_competitive, industry E47 (src/guozi/demo/public/entities.csv): non-industrial.

    NOPAT = 73,539,713 + (20,000,000 + 46,073,572 − 5,725,173 × 50%) × 0.75
          = 73,539,713 + 63,210,985.5 × 0.75 = 73,539,713 + 47,408,239.125 = 120,947,952.125 千元
    capital: E = (680,390,111 + 731,056,610) / 2 = 705,723,360.5; D = 550,000,000; C = 11,000,000
          = 705,723,360.5 + 550,000,000 − 11,000,000 = 1,244,723,360.5 千元
    weights D/(D+E) = 550,000,000 / 1,255,723,360.5 = 0.4379946; E/(D+E) = 0.5620054
    weighted = 3.45% (shipped 2023 LPR) × 0.4379946 × 0.75 + 6.5% × 0.5620054 = 1.1333109% + 3.6530354%
             = 4.7863463%
    surcharge: 74.82% rose from 74.353%, but the non-industrial band starts at 75% → 0
    charge = 1,244,723,360,500 元 × 4.7863463% = 59,576,770,340.998… → 59,576,770,341.00 元
    EVA = 120,947,952,125 − 59,576,770,341.00 = 61,371,181,784.00 元 (about 613.7 亿元)
    """
    ws = risk_ws(
        [{"entity_id": "601668", "name": "中国建筑", "industry": "E47", "category": "commercial_competitive"}],
        {
            ("601668", "2022-12"): {
                "total_assets": 2652903306,
                "total_liabilities": 1972513195,
                "total_equity": 680390111,
                "interest_bearing_debt": 500000000,
                "construction_in_progress": 10000000,
            },
            ("601668", "2023-12"): {
                "net_profit": 73539713,
                "interest_expense": 20000000,
                "rd_expense": 46073572,
                "non_recurring_gain": 5725173,
                "total_assets": 2903322519,
                "total_liabilities": 2172265909,
                "total_equity": 731056610,
                "interest_bearing_debt": 600000000,
                "construction_in_progress": 12000000,
            },
        },
        unit="千元",
    )
    r = compute_eva(ws, Period.parse("2023-12")).row("601668")
    assert r.nopat == Decimal("120947952125")
    assert r.adjusted_capital == Decimal("1244723360500")
    assert r.industry_class == "non_industrial"
    assert r.debt_rose is True and r.surcharge == Decimal(0)
    assert r.weighted_cost == pytest.approx(Decimal("4.7863462863801685"), abs=Decimal("1e-12"))
    assert r.capital_charge == Decimal("59576770341.00")
    assert r.eva == Decimal("61371181784.00")


# --- command line ---------------------------------------------------------------------------


def _folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entities.csv").write_text(
        "entity_id,name,parent_id,industry,category\n"
        "G,集团,,C,commercial_competitive\nX,甲制造,G,C,commercial_competitive\n",
        encoding="utf-8",
    )
    rows = ["entity_id,period,item,value,unit"]
    rows += [f"X,2023-12,{k},{v},万元" for k, v in OPENING.items()]
    rows += [f"X,2024-12,{k},{v},万元" for k, v in {**FULL_YEAR, **CLOSING}.items()]
    (folder / "facts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_cli_eva_formats(tmp_path: Path, debt_at_4: Path) -> None:
    """csv (wide, exact), json in English, the single-entity breakdown table, xlsx with three sheets."""
    folder = _folder(tmp_path / "data")
    base = ["eva", "--data", str(folder), "--period", "2024-12", "--params", str(debt_at_4)]
    runner = CliRunner()
    res = runner.invoke(app, [*base, "--entity", "X", "-f", "csv"])
    assert res.exit_code == 0, res.output
    header, row = res.stdout.splitlines()[:2]
    cols = header.split(",")
    assert cols[:3] == ["entity_id", "name", "period"] and "unconfirmed" in cols
    values = dict(zip(cols, next(csv.reader([row])), strict=True))
    assert (values["nopat"], values["capital_charge"], values["eva"]) == ("13375000", "7193333.33", "6181666.67")

    res = runner.invoke(app, [*base, "-f", "json", "--lang", "en", "--view", "children"])
    assert res.exit_code == 0, res.output
    (g,) = json.loads(res.stdout)
    assert (g["entity_id"], g["members"], g["eva"]) == ("G", "X", 6181666.67)
    assert g["note"] == "sum over 1 member entities, each at its own cost of capital"

    res = runner.invoke(app, [*base, "--entity", "X", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "618.17" in res.stdout and "unconfirmed" in res.stdout  # EVA in 10k yuan, the unconfirmed steps marked

    out = tmp_path / "eva.xlsx"
    res = runner.invoke(app, [*base, "-f", "xlsx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(out).sheetnames == ["经济增加值", "计算过程", "参数"]


def test_report_frame_has_one_row_per_entity(group_ws: Workspace) -> None:
    """The DataFrame the web and the monthly report reuse: one row per entity, every step a column."""
    report: EvaReport = compute_eva(group_ws, DEC, entity="G")
    frame = report.frame()
    assert list(frame.entity_id) == ["G", "X", "Y"]
    assert {"nopat", "adjusted_capital", "cost_of_capital", "capital_charge", "eva"} <= set(frame.columns)
