"""Tests of the generated demo group: determinism, exact identities, magnitudes, semantics."""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guozi.demo import (
    ALL_ITEMS,
    BENCH_ITEMS,
    GroupData,
    generate_group,
    iter_fact_batches,
    write_group,
)

_FEN_PER_UNIT = {"元": 100, "万元": 1_000_000, "千元": 100_000, "人": 1}
_COMPONENTS = ("labor_compensation", "depreciation", "net_production_tax", "operating_surplus")
_TOP = "HX00001"

# entity -> period -> item -> exact value in fen (persons for employees)
Figures = dict[str, dict[str, dict[str, int]]]
Rows = list[dict[str, str | None]]


def _fen(value: str, unit: str) -> int:
    exact = Decimal(value) * _FEN_PER_UNIT[unit]
    assert exact == exact.to_integral_value(), f"{value} {unit} is not whole fen"
    return int(exact)


@pytest.fixture(scope="module")
def demo() -> GroupData:
    return generate_group()


@pytest.fixture(scope="module")
def facts(demo: GroupData) -> Rows:
    rows: Rows = demo.facts.to_pylist()
    return rows


@pytest.fixture(scope="module")
def figures(facts: Rows) -> Figures:
    result: Figures = defaultdict(lambda: defaultdict(dict))
    for row in facts:
        entity, period, item = str(row["entity_id"]), str(row["period"]), str(row["item"])
        assert item not in result[entity][period], "duplicate fact"
        result[entity][period][item] = _fen(str(row["value"]), str(row["unit"]))
    return result


@pytest.fixture(scope="module")
def entities(demo: GroupData) -> Rows:
    rows: Rows = demo.entities.to_pylist()
    return rows


def _leaves(entities: Rows) -> set[str]:
    parents = {row["parent_id"] for row in entities}
    return {str(row["entity_id"]) for row in entities} - {p for p in parents if p}


def _value_added(row: dict[str, int]) -> int:
    return row["value_added"] if "value_added" in row else sum(row[c] for c in _COMPONENTS)


def test_same_seed_gives_identical_tables_and_another_seed_does_not() -> None:
    first = generate_group(entities=40, months=14, seed=7)
    second = generate_group(entities=40, months=14, seed=7)
    other = generate_group(entities=40, months=14, seed=8)
    assert first.entities.equals(second.entities)
    assert first.facts.equals(second.facts)
    assert first.targets.equals(second.targets)
    assert not first.facts.equals(other.facts)
    assert not first.entities.equals(other.entities)


def test_batches_do_not_depend_on_their_size() -> None:
    small = pa.Table.from_batches(list(iter_fact_batches(entities=30, months=13, seed=3, batch_rows=97)))
    large = pa.Table.from_batches(list(iter_fact_batches(entities=30, months=13, seed=3)))
    assert small.equals(large)
    assert max(b.num_rows for b in iter_fact_batches(entities=30, months=2, batch_rows=97)) == 97
    generated = generate_group(entities=30, months=13, seed=3).facts
    order = [("entity_id", "ascending"), ("period", "ascending"), ("item", "ascending")]
    assert large.sort_by(order).equals(generated.sort_by(order))


def test_tables_have_the_contract_columns(demo: GroupData) -> None:
    assert demo.entities.column_names == [
        "entity_id", "name", "parent_id", "industry", "category", "region",
        "valid_from", "valid_to",
    ]  # fmt: skip
    assert demo.facts.column_names == ["entity_id", "period", "item", "value", "unit"]
    assert demo.targets.column_names == ["entity_id", "year", "indicator", "target"]
    assert set(demo.facts.column("item").to_pylist()) == set(ALL_ITEMS)
    spec = Path(__file__).resolve().parents[3] / "shared" / "spec" / "items.csv"
    if spec.is_file():  # the shared specification beside the repository
        assert set(ALL_ITEMS) <= set(pd.read_csv(spec)["code"])


def test_tree_has_three_levels(entities: Rows) -> None:
    tops = [row["entity_id"] for row in entities if row["parent_id"] is None]
    assert tops == [_TOP]
    level2 = {str(row["entity_id"]) for row in entities if row["parent_id"] == _TOP}
    assert 15 <= len(level2) <= 20
    level3 = [row for row in entities if row["parent_id"] not in (None, _TOP)]
    assert {row["parent_id"] for row in level3} <= level2
    assert not {row["entity_id"] for row in level3} - _leaves(entities)
    assert len({row["industry"] for row in entities}) >= 10
    assert {row["category"] for row in entities} == {
        "commercial_competitive", "commercial_strategic", "public_welfare",
    }  # fmt: skip
    ids = [str(row["entity_id"]) for row in entities]
    assert all(re.fullmatch(r"HX\d{5}", i) for i in ids)
    assert len({row["name"] for row in entities}) == len(set(ids))


def test_one_transfer_one_disposal_one_foundation(entities: Rows, figures: Figures) -> None:
    rows = Counter(str(row["entity_id"]) for row in entities)
    (transferred,) = [e for e, n in rows.items() if n == 2]
    before, after = [row for row in entities if row["entity_id"] == transferred]
    assert (before["valid_from"], before["valid_to"]) == (None, "2024-12")
    assert (after["valid_from"], after["valid_to"]) == ("2025-01", None)
    assert before["parent_id"] != after["parent_id"]
    assert min(figures[transferred]) == "2023-01"
    assert max(figures[transferred]) == "2025-12"

    single = [row for row in entities if row["entity_id"] != transferred]
    (disposed,) = [row for row in single if row["valid_to"] is not None]
    (founded,) = [row for row in single if row["valid_from"] is not None]
    assert disposed["valid_to"] == "2024-12"
    assert founded["valid_from"] == "2024-07"
    assert max(figures[str(disposed["entity_id"])]) == "2024-12"
    first = figures[str(founded["entity_id"])]
    assert min(first) == "2024-07"
    # Flows of a new entity count from its first month: July is small against December.
    assert 0 < first["2024-07"]["revenue"] < first["2024-12"]["revenue"] / 3


def test_identities_hold_exactly_for_every_row(figures: Figures) -> None:
    checked = 0
    for periods in figures.values():
        for f in periods.values():
            assert f["total_assets"] == f["total_liabilities"] + f["total_equity"]
            assert f["net_profit"] == f["total_profit"] - f["income_tax"]
            assert f["current_assets"] <= f["total_assets"]
            assert f["accounts_receivable"] + f["inventory"] + f["cash"] <= f["current_assets"]
            assert f["operating_profit"] == (
                f["revenue"] - f["operating_cost"] - f["taxes_and_surcharges"]
                - f["selling_expense"] - f["admin_expense"] - f["rd_expense"]
                - f["finance_expense"] + f["investment_income"]
            )  # fmt: skip
            assert 0 <= f["rd_expense"] <= f["rd_investment"]
            assert 0 <= f["sei_revenue"] <= f["revenue"]
            assert 0 <= f["interest_bearing_debt"] <= f["total_liabilities"]
            assert 0 <= f["current_liabilities"] <= f["total_liabilities"]
            assert f["employees"] > 0
            checked += 1
    assert checked == sum(len(p) for p in figures.values()) > 10_000


def test_value_added_is_given_directly_or_by_its_four_components(figures: Figures) -> None:
    direct = components = 0
    for periods in figures.values():
        for f in periods.values():
            given = [c in f for c in _COMPONENTS]
            if "value_added" in f:
                assert not any(given)
                direct += 1
            else:
                assert all(given)
                components += 1
    assert 0.1 < components / (direct + components) < 0.3


def test_units_are_mixed_and_exact(facts: Rows) -> None:
    units: dict[str, set[str]] = defaultdict(set)
    for row in facts:
        value, unit = str(row["value"]), str(row["unit"])
        if row["item"] == "employees":
            assert unit == "人"
            assert re.fullmatch(r"\d+", value)
            continue
        units[str(row["entity_id"])].add(unit)
        pattern = {"元": r"-?\d+\.\d{2}", "万元": r"-?\d+(\.\d{0,5}[1-9])?",
                   "千元": r"-?\d+(\.\d{0,2}[1-9])?"}[unit]  # fmt: skip
        assert re.fullmatch(pattern, value), (value, unit)
        assert not re.match(r"-?0\d", value)
    assert all(len(u) == 1 for u in units.values())
    shares = Counter(next(iter(u)) for u in units.values())
    total = sum(shares.values())
    assert shares["元"] / total > 0.75
    assert 0.05 < shares["万元"] / total < 0.15
    assert 0.02 < shares["千元"] / total < 0.09


def test_flows_are_year_to_date_and_december_is_heaviest(figures: Figures) -> None:
    for periods in figures.values():
        ordered = sorted(periods)
        for earlier, later in itertools.pairwise(ordered):
            if earlier[:4] == later[:4]:
                assert periods[later]["revenue"] > periods[earlier]["revenue"]
                assert periods[later]["income_tax"] >= periods[earlier]["income_tax"]
    top = figures[_TOP]
    for year in (2024, 2025):
        assert top[f"{year}-01"]["revenue"] < top[f"{year - 1}-12"]["revenue"] / 5
        months = [top[f"{year}-{m:02d}"]["revenue"] for m in range(1, 13)]
        monthly = [b - a for a, b in zip([0, *months[:-1]], months, strict=True)]
        assert monthly[11] == max(monthly)


def test_group_magnitudes_in_the_last_year(figures: Figures) -> None:
    close, opening = figures[_TOP]["2025-12"], figures[_TOP]["2024-12"]

    def pct(num: int | Decimal, den: int | Decimal) -> Decimal:
        return Decimal(num) / Decimal(den) * 100

    assert 60 <= pct(close["total_liabilities"], close["total_assets"]) <= 70
    equity = Decimal(close["total_equity"] + opening["total_equity"]) / 2
    assert 4 <= pct(close["net_profit"], equity) <= 8
    assert 2 <= pct(close["rd_investment"], close["revenue"]) <= 3
    assert 5 <= pct(close["operating_cash_flow"], close["revenue"]) <= 15
    heads = Decimal(close["employees"] + opening["employees"]) / 2
    assert 70 <= Decimal(_value_added(close)) / 100 / heads / 10_000 <= 80
    assert 1 <= pct(close["revenue"] - opening["revenue"], opening["revenue"]) <= 8


def test_leaf_revenue_ranges_from_tens_of_millions_to_billions(entities: Rows, figures: Figures) -> None:
    yi = 100 * 10**8
    revenue = sorted(
        Decimal(figures[e]["2025-12"]["revenue"]) / yi for e in _leaves(entities) if "2025-12" in figures[e]
    )
    assert Decimal("0.1") < revenue[0] < 1
    assert revenue[-1] > 10
    assert 1 < revenue[len(revenue) // 2] < 5


def test_some_leaves_lose_money_in_streaks_across_a_year_boundary(entities: Rows, figures: Figures) -> None:
    live = [e for e in _leaves(entities) if "2024-12" in figures[e] and "2025-12" in figures[e]]
    losing = [e for e in live if figures[e]["2025-12"]["net_profit"] < 0]
    assert 0.05 < len(losing) / len(live) < 0.2
    streaks = [
        e for e in losing
        if figures[e]["2024-12"]["net_profit"] < 0 and figures[e]["2025-01"]["net_profit"] < 0
    ]  # fmt: skip
    assert len(streaks) >= 2


def test_parents_report_other_figures_than_the_sum_of_their_children(entities: Rows, figures: Figures) -> None:
    children: dict[str, list[str]] = defaultdict(list)
    for row in entities:
        if row["parent_id"] is not None and row["valid_to"] is None:
            children[str(row["parent_id"])].append(str(row["entity_id"]))

    def total(ids: list[str] | set[str], item: str) -> int:
        return sum(figures[e]["2025-12"][item] for e in ids if "2025-12" in figures[e])

    for parent, kids in children.items():
        reported = figures[parent]["2025-12"]
        for item in ("revenue", "operating_cost", "total_assets", "employees"):
            assert reported[item] != total(kids, item), (parent, item)
    revenues = {
        figures[_TOP]["2025-12"]["revenue"],
        total(children[_TOP], "revenue"),
        total(_leaves(entities), "revenue"),
    }
    assert len(revenues) == 3


def test_targets_are_the_regime_indicators_of_the_last_year(demo: GroupData, entities: Rows) -> None:
    targets = demo.targets.to_pylist()
    level2 = {str(row["entity_id"]) for row in entities if row["parent_id"] == _TOP}
    assert {row["entity_id"] for row in targets} == {_TOP} | level2
    assert {row["year"] for row in targets} == {2025}
    assert {row["indicator"] for row in targets} == {
        "total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity",
        "cash_collection_ratio",
    }  # fmt: skip
    top = {row["indicator"]: Decimal(row["target"]) for row in targets if row["entity_id"] == _TOP}
    assert 60 <= top["debt_ratio"] <= 71
    assert 4 <= top["roe"] <= 9
    assert 2 <= top["rd_intensity"] <= 3.5
    assert 70 <= top["labor_productivity"] <= 90
    assert top["total_profit"] > 0


def test_item_selection_without_components_gives_value_added_for_all() -> None:
    data = generate_group(entities=25, months=12, items=BENCH_ITEMS, unit_mix=False)
    assert set(data.facts.column("item").to_pylist()) == set(BENCH_ITEMS)
    assert len(BENCH_ITEMS) == 30
    assert set(data.facts.column("unit").to_pylist()) == {"元", "人"}
    per_period = Counter(
        zip(
            data.facts.column("entity_id").to_pylist(),
            data.facts.column("period").to_pylist(),
            strict=True,
        )
    )
    assert set(per_period.values()) == {30}
    assert data.targets.num_rows == 0  # no prior year to base targets on
    with pytest.raises(ValueError, match="unknown"):
        generate_group(entities=5, months=2, items=["revenue", "profit"])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_group_writes_three_files(tmp_path: Path, fmt: str) -> None:
    data = generate_group(entities=20, months=13)
    if fmt == "csv":
        write_group(data, tmp_path, fmt="csv")
    else:
        write_group(data, tmp_path, fmt="parquet")
    for name in ("entities", "facts", "targets"):
        assert (tmp_path / f"{name}.{fmt}").is_file()
    if fmt == "csv":
        facts = pd.read_csv(tmp_path / "facts.csv", dtype=str, keep_default_na=False)
        assert list(facts.columns) == ["entity_id", "period", "item", "value", "unit"]
        assert facts["value"].tolist() == data.facts.column("value").to_pylist()
        text = (tmp_path / "entities.csv").read_text(encoding="utf-8")
        assert text.splitlines()[1].startswith("HX00001,华夏实业集团有限公司,,C,")
    else:
        assert pq.read_table(tmp_path / "facts.parquet").equals(data.facts)
