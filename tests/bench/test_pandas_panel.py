"""The plain-pandas reference panel of the benchmark: hand-worked figures, then agreement with the engine.

The hand-worked group (amounts in 元, employees in persons)::

    G  集团 (C)          level 1
    ├── A  甲 (C26)      level 2
    │   └── A1 甲一 (C26) level 3: must never enter a level-2 sum
    ├── B  乙 (C26)      level 2
    └── D  丁 (D44)      level 2

=====  ======  ======  ======  ======  ======  ======  =====  ======  =====  ==========
       period  profit  liab.   assets  net p.  equity  R&D    revenue  cash   VA / empl.
=====  ======  ======  ======  ======  ======  ======  =====  ======  =====  ==========
G      2025-12   100     600    1000     75     400     30    1200    1260   500 / 110
G      2024-12    80     560     800     60     350     24    1000    1000   400 /  90
A      2025-12    40     300     500     30     200     20     400     420   (200) / 40
A      2024-12    30     240     400     20     160     16     320     320   (160) / 30
B      2025-12    50     250     400     40     150      5     600     570   300 /  60
B      2024-12    50     200     350     35     150      6     500     500   250 /  50
D      2025-12   −10      90     100    −10      10      –      50      50    20 /   5
D      2024-12     5      80     100      4      20      1      60      60    25 /   6
A1     both        7       7      10      7       3      7       7       7     7 /   7
=====  ======  ======  ======  ======  ======  ======  =====  ======  =====  ==========

A reports no value_added, only its four components (2025-12: 100 + 20 + 10 + 70 = 200;
2024-12: 80 + 20 + 10 + 50 = 160); D reports no R&D investment at 2025-12. There is no
2023-12, so the 2024-12 opening balances (equity, employees) are missing. Definitions: the
shared spec indicators.md (avg(X) = (opening + closing) / 2, opening = previous December;
labour productivity = value added / average employees / 10 000; ratios over several entities
Σ numerator / Σ denominator).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module(name: str) -> ModuleType:
    """A module of ``bench/`` (not a package) loaded by path, as ``bench_<name>``."""
    key = f"bench_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


pp = _module("pandas_panel")
P = 202512

ENTITY_ROWS: list[dict[str, str]] = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C"},
    {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C26"},
    {"entity_id": "A1", "name": "甲一", "parent_id": "A", "industry": "C26"},
    {"entity_id": "B", "name": "乙", "parent_id": "G", "industry": "C26"},
    {"entity_id": "D", "name": "丁", "parent_id": "G", "industry": "D44"},
]
ENTITIES = pd.DataFrame(ENTITY_ROWS)
COLUMNS = (
    "total_profit",
    "total_liabilities",
    "total_assets",
    "net_profit",
    "total_equity",
    "rd_investment",
    "revenue",
    "cash_from_sales",
    "value_added",
    "employees",
)
FIGURES: dict[tuple[str, str], tuple[int | None, ...]] = {
    ("G", "2025-12"): (100, 600, 1000, 75, 400, 30, 1200, 1260, 500, 110),
    ("G", "2024-12"): (80, 560, 800, 60, 350, 24, 1000, 1000, 400, 90),
    ("A", "2025-12"): (40, 300, 500, 30, 200, 20, 400, 420, None, 40),
    ("A", "2024-12"): (30, 240, 400, 20, 160, 16, 320, 320, None, 30),
    ("B", "2025-12"): (50, 250, 400, 40, 150, 5, 600, 570, 300, 60),
    ("B", "2024-12"): (50, 200, 350, 35, 150, 6, 500, 500, 250, 50),
    ("D", "2025-12"): (-10, 90, 100, -10, 10, None, 50, 50, 20, 5),
    ("D", "2024-12"): (5, 80, 100, 4, 20, 1, 60, 60, 25, 6),
    ("A1", "2025-12"): (7, 7, 10, 7, 3, 7, 7, 7, 7, 7),
    ("A1", "2024-12"): (7, 7, 10, 7, 3, 7, 7, 7, 7, 7),
}
A_COMPONENTS = {  # labor_compensation, depreciation, net_production_tax, operating_surplus
    "2025-12": (100, 20, 10, 70),
    "2024-12": (80, 20, 10, 50),
}


def _facts() -> pd.DataFrame:
    rows: list[dict[str, str]] = []
    for (entity, period), values in FIGURES.items():
        for item, value in zip(COLUMNS, values, strict=True):
            if value is not None:
                unit = "人" if item == "employees" else "元"
                rows.append({"entity_id": entity, "period": period, "item": item, "value": str(value), "unit": unit})
    for period, parts in A_COMPONENTS.items():
        for item, value in zip(pp.VA_COMPONENTS, parts, strict=True):
            rows.append({"entity_id": "A", "period": period, "item": item, "value": str(value), "unit": "元"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def hand() -> Iterator[tuple[pd.DataFrame, Any]]:
    yield pp.wide_facts(_facts()), pp.nodes(ENTITIES, [P, pp.prior_year(P)])


def _row(frame: pd.DataFrame, key: str, indicator: str) -> pd.Series:
    rows = frame[(frame.entity_id == key) & (frame.indicator == indicator)]
    assert len(rows) == 1, (key, indicator)
    return rows.iloc[0]


# ------------------------------------------------------------------------------------ hand-worked


def test_reported_figures_of_the_top_entity(hand: tuple[pd.DataFrame, Any]) -> None:
    """G at 2025-12, its own figures.

    total_profit 100, prior 80: change 20, growth 20 / 80 = 25 %. debt_ratio 600 / 1000 = 60 %,
    prior 560 / 800 = 70 %: change −10 pp, growth −10 / 70 = −14.285714… %. roe 75 / ((350 +
    400) / 2) = 75 / 375 = 20 %; its prior needs the 2023-12 equity, which is missing. rd_intensity
    30 / 1200 = 2.5 % (prior 24 / 1000 = 2.4 %). labor_productivity 500 / ((90 + 110) / 2) / 10 000
    = 5 / 10 000 = 0.0005 万元/人. cash_collection_ratio 1260 / 1200 = 105 % (prior 100 %).
    """
    wide, tree = hand
    f = pp.panel(wide, tree, P, view="reported")
    tp = _row(f, "G", "total_profit")
    assert (tp.value, tp.prior_value, tp.change) == (Decimal(100), Decimal(80), Decimal(20))
    assert isinstance(tp.value, Decimal)
    assert tp.growth == pytest.approx(25.0)
    dr = _row(f, "G", "debt_ratio")
    assert (dr.value, dr.prior_value) == (pytest.approx(60.0), pytest.approx(70.0))
    assert dr.change == pytest.approx(-10.0)
    assert dr.growth == pytest.approx(-100 / 7)
    roe = _row(f, "G", "roe")
    assert roe.value == pytest.approx(20.0)
    assert roe.prior_value is None and roe.change is None and roe.growth is None
    assert _row(f, "G", "rd_intensity").value == pytest.approx(2.5)
    assert _row(f, "G", "rd_intensity").prior_value == pytest.approx(2.4)
    assert _row(f, "G", "labor_productivity").value == pytest.approx(0.0005)
    assert _row(f, "G", "cash_collection_ratio").value == pytest.approx(105.0)
    assert _row(f, "G", "cash_collection_ratio").prior_value == pytest.approx(100.0)
    assert set(f.entity_id) == {"G", "A", "A1", "B", "D"}
    assert (f.members == 1).all()
    assert tp["name"] == "集团"


def test_prior_values_missing_for_want_of_an_opening_balance_say_so(hand: tuple[pd.DataFrame, Any]) -> None:
    """At 2024-12 the opening equity (2023-12) is missing: roe of 2024-12 has no value.

    So G's roe at 2025-12 has no prior value; the prior panel's note names the opening equity.
    The reference's own 2024-12 panel shows that note (there is no 2023-12 either for its prior).
    """
    wide, _ = hand
    tree_2024 = pp.nodes(ENTITIES, [202412, 202312])
    f = pp.panel(wide, tree_2024, 202412, view="reported")
    roe = _row(f, "G", "roe")
    assert roe.value is None
    assert roe.note_en == "missing: total equity (opening)"
    assert roe.note_zh == "缺少：所有者权益（年初）"


def test_level_two_by_industry_sums_numerators_and_denominators(hand: tuple[pd.DataFrame, Any]) -> None:
    """Level 2 is A, B and D (A1, one level down, stays out); grouped by industry: C26 = A + B, D44 = D.

    C26 at 2025-12: total_profit 40 + 50 = 90, prior 30 + 50 = 80, change 10, growth 12.5 %.
    debt_ratio (300 + 250) / (500 + 400) = 550 / 900 = 61.111… % (the mean of the two ratios, 60 %
    and 62.5 %, would give 61.25 %). roe (30 + 40) / (((160 + 150) + (200 + 150)) / 2) = 70 / 330 =
    21.2121… %. rd_intensity (20 + 5) / (400 + 600) = 2.5 %. labor_productivity: value added
    200 (A's components) + 300 = 500 over average employees (30 + 40) / 2 + (50 + 60) / 2 = 90:
    500 / 90 / 10 000 = 0.000555… 万元/人. cash_collection_ratio (420 + 570) / 1000 = 99 %.
    D44 at 2025-12: no R&D investment reported, so rd_intensity is empty with a note; its prior
    is 1 / 60 = 1.6667 %. total_profit −10, prior 5: change −15, growth −15 / 5 = −300 %.
    """
    wide, tree = hand
    f = pp.panel(wide, tree, P, view="level", level=2, by="industry")
    assert sorted(set(f.entity_id)) == ["C26", "D44"]
    tp = _row(f, "C26", "total_profit")
    assert (tp.value, tp.prior_value, tp.change, tp.members) == (Decimal(90), Decimal(80), Decimal(10), 2)
    assert tp.growth == pytest.approx(12.5)
    assert _row(f, "C26", "debt_ratio").value == pytest.approx(5500 / 90)
    assert _row(f, "C26", "roe").value == pytest.approx(7000 / 330)
    assert _row(f, "C26", "rd_intensity").value == pytest.approx(2.5)
    assert _row(f, "C26", "labor_productivity").value == pytest.approx(500 / 90 / 10000)
    assert _row(f, "C26", "cash_collection_ratio").value == pytest.approx(99.0)
    rd = _row(f, "D44", "rd_intensity")
    assert rd.value is None
    assert rd.note_en == "missing: R&D investment (year to date)"
    assert rd.prior_value == pytest.approx(100 / 60)
    d_tp = _row(f, "D44", "total_profit")
    assert (d_tp.value, d_tp.change) == (Decimal(-10), Decimal(-15))
    assert d_tp.growth == pytest.approx(-300.0)


def test_level_one_is_the_top_entity_alone(hand: tuple[pd.DataFrame, Any]) -> None:
    """Level 1 without grouping: one row per indicator keyed ``level-1``, the only member G (profit 100)."""
    wide, tree = hand
    f = pp.panel(wide, tree, P, view="level", level=1)
    assert set(f.entity_id) == {"level-1"}
    assert len(f) == 6
    assert _row(f, "level-1", "total_profit").value == Decimal(100)
    assert (f.members == 1).all()


def test_a_member_without_a_figure_empties_the_group_sum(hand: tuple[pd.DataFrame, Any]) -> None:
    """Without B's 2025-12 revenue, C26's rd_intensity (25 / (400 + ?)) has no value: missing is not zero.

    The note counts the members that lack it: 1 of 2.
    """
    wide, tree = hand
    dropped = wide.copy()
    dropped.loc[("B", P), "revenue"] = pd.NA
    f = pp.panel(dropped, tree, P, view="level", level=2, by="industry")
    rd = _row(f, "C26", "rd_intensity")
    assert rd.value is None
    assert rd.note_en == "missing: revenue (year to date) (1 of 2 entities lack it)"


def test_zero_denominator_gives_no_value_and_says_so() -> None:
    """An entity with total assets 0 has no debt ratio (600 / 0), with the note 分母为零."""
    facts = pd.DataFrame(
        [
            {"entity_id": "Z", "period": p, "item": i, "value": v, "unit": "元"}
            for p in ("2025-12", "2024-12")
            for i, v in (("total_liabilities", "600"), ("total_assets", "0"))
        ]
    )
    tree = pp.nodes(pd.DataFrame([{"entity_id": "Z", "name": "零", "parent_id": None}]), [P, 202412])
    f = pp.panel(pp.wide_facts(facts), tree, P)
    dr = _row(f, "Z", "debt_ratio")
    assert dr.value is None
    assert dr.note_zh == "分母为零"


def test_values_are_parsed_exactly_to_ten_thousandths() -> None:
    """ "-12.5" → −125 000, "0.0001" → 1, "7" → 70 000, "123456789012.34" → 1 234 567 890 123 400."""
    got = pp.scaled(pd.Series(["-12.5", "0.0001", "7", "123456789012.34"]))
    assert got.tolist() == [-125000, 1, 70000, 1234567890123400]
    with pytest.raises(ValueError, match="decimal"):
        pp.scaled(pd.Series(["1.23456"]))
    with pytest.raises(ValueError, match="decimal"):
        pp.scaled(pd.Series(["1e5"]))


def test_levels_follow_a_transfer_in_time() -> None:
    """X moves from under P1 (level 2) to under Q (level 3, below Q1) in 2025-01.

    At 2024-12 X is at level 3 (G → P1 → X); at 2025-12 at level 4 (G → Q1 → Q → X).
    """
    ent = pd.DataFrame(
        [
            {"entity_id": "G", "parent_id": None, "valid_from": None, "valid_to": None},
            {"entity_id": "P1", "parent_id": "G", "valid_from": None, "valid_to": None},
            {"entity_id": "Q1", "parent_id": "G", "valid_from": None, "valid_to": None},
            {"entity_id": "Q", "parent_id": "Q1", "valid_from": None, "valid_to": None},
            {"entity_id": "X", "parent_id": "P1", "valid_from": None, "valid_to": "2024-12"},
            {"entity_id": "X", "parent_id": "Q", "valid_from": "2025-01", "valid_to": None},
        ]
    )
    tree = pp.nodes(ent, [202412, 202512])
    assert tree.at[202412].loc["X", "level"] == 3
    assert tree.at[202512].loc["X", "level"] == 4
    assert tree.at[202512].loc["G", "level"] == 1


def test_compare_finds_a_changed_amount_and_tolerates_float_noise(hand: tuple[pd.DataFrame, Any]) -> None:
    """One fen-of-a-fen (0.0001 元) off an amount is a difference; 1e-12 relative off a ratio is not."""
    wide, tree = hand
    ref = pp.panel(wide, tree, P, view="reported")
    assert pp.compare(ref, ref) == []
    other = ref.copy()
    i = other.index[(other.entity_id == "G") & (other.indicator == "total_profit")][0]
    other.at[i, "value"] = Decimal("100.0001")
    j = other.index[(other.entity_id == "G") & (other.indicator == "debt_ratio")][0]
    other.at[j, "value"] = 60.0 * (1 + 1e-12)
    problems = pp.compare(other, ref)
    assert len(problems) == 1
    assert "total_profit" in problems[0] and "value" in problems[0]


# ------------------------------------------------------------------------------------ engine agreement


@pytest.mark.parametrize("name", ["reported", "level1", "level2"])
def test_engine_on_the_hand_worked_group_agrees(workspace_of: Callable[..., Any], name: str) -> None:
    """The engine on the same hand-worked group: the reference's rows exactly, and by hand
    C26's debt ratio 550 / 900 = 61.111… % and total profit 90, D44's empty R&D intensity."""
    from guozi.kernel.periods import Period

    ws = workspace_of(entities=ENTITY_ROWS, facts=_facts().to_dict("records"))
    view, level, by = SCOPES[name]
    got = ws.indicators(Period(2025, 12), view=view, level=level, by=by).frame
    wide = pp.wide_facts(_facts())
    ref = pp.panel(wide, pp.nodes(ENTITIES, [P, pp.prior_year(P)]), P, view=view, level=level, by=by)
    assert pp.compare(got, ref) == []
    if name == "level2":
        assert _row(got, "C26", "debt_ratio").value == pytest.approx(5500 / 90)
        assert _row(got, "C26", "total_profit").value == Decimal(90)
        assert _row(got, "D44", "rd_intensity").value is None


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated group of 50 entities × 24 months (2024-01 … 2025-12), all in 元, written as Parquet."""
    from guozi.demo import generate_group, write_group

    folder = tmp_path_factory.mktemp("g50")
    write_group(generate_group(entities=50, months=24, unit_mix=False), folder, fmt="parquet")
    return folder


# The benchmark's three panels, and level 3 by category: groups of many members (50 entities have
# only 4 at level 2, each of its own industry).
SCOPES: dict[str, tuple[Literal["reported", "level"], int, str | None]] = {
    "reported": ("reported", 1, None),
    "level1": ("level", 1, None),
    "level2": ("level", 2, "industry"),
    "level3": ("level", 3, "category"),
}


@pytest.fixture(scope="module")
def reference(generated: Path) -> dict[str, pd.DataFrame]:
    wide = pp.load(generated / "facts.parquet", P)
    tree = pp.nodes(pd.read_parquet(generated / "entities.parquet"), [P, pp.prior_year(P)])
    return {name: pp.panel(wide, tree, P, view=v, level=lv, by=by) for name, (v, lv, by) in SCOPES.items()}


@pytest.fixture(scope="module")
def workspace(generated: Path) -> Iterator[Any]:
    from guozi.workspace import Workspace

    ws = Workspace.from_data([generated])
    yield ws
    ws.close()


def test_the_generated_group_exercises_what_the_reference_checks(
    generated: Path, reference: dict[str, pd.DataFrame]
) -> None:
    """Not a trivial agreement: 50 entities × 6 indicators, some value added only from its components,
    groups of many members, and empty prior values (roe, labour productivity need 2023-12)."""
    rep = reference["reported"]
    assert len(rep) == 6 * rep.entity_id.nunique() and rep.entity_id.nunique() >= 49
    assert rep.value.notna().sum() > 250
    assert reference["level3"].members.max() >= 10
    assert rep[rep.indicator == "roe"].prior_value.isna().all()
    facts = pd.read_parquet(generated / "facts.parquet")
    december = facts[facts.period == "2025-12"]
    with_va = set(december[december.item == "value_added"].entity_id)
    with_parts = set(december[december.item == "labor_compensation"].entity_id)
    assert with_parts - with_va, "some entity reports value added only through its components"


@pytest.mark.parametrize("name", list(SCOPES))
def test_engine_through_the_workspace_agrees_with_the_reference(
    workspace: Any, reference: dict[str, pd.DataFrame], name: str
) -> None:
    """The engine as the CLI calls it (contract files → in-memory store → panel) gives the reference's
    numbers: amounts exactly, ratios to 1e-9 relative, the same empty values and member counts."""
    from guozi.kernel.periods import Period

    view, level, by = SCOPES[name]
    panel = workspace.indicators(Period(2025, 12), view=view, level=level, by=by)
    assert list(panel.indicators) == list(pp.INDICATORS)
    assert pp.compare(panel.frame, reference[name]) == []


def test_engine_on_the_benchmark_loader_agrees_with_the_reference(
    generated: Path, reference: dict[str, pd.DataFrame]
) -> None:
    """The benchmark's own DuckDB path (Parquet → Ibis casts → table → panel) agrees on all three panels,
    computed in one call (the default: one timed step for the three) or one call per panel."""
    bench = _module("panel")
    for together, steps in ((True, {"load", "tree", bench.TOGETHER}), (False, set(bench.STEPS))):
        run, frames = bench.run_duckdb(generated, "2025-12", mode="table", frames=None, profile=None, together=together)
        for name in bench.PANELS:
            assert pp.compare(frames[name], reference[name]) == [], (name, together)
        assert set(run.seconds) == steps


def test_the_catalogue_defines_the_indicators_as_the_reference_does() -> None:
    """The reference writes the formulas out; the shipped catalogue must still say the same."""
    from guozi.catalog import load_catalog

    catalog = load_catalog()
    assert pp.catalog_differences(catalog) == []
    assert tuple(catalog.regime_for(2025).indicators) == pp.INDICATORS
