"""Properties of the engine that must hold for any data (Hypothesis)."""

from __future__ import annotations

import random
from decimal import Decimal

import ibis
import ibis.expr.types as ir
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guozi.catalog import load_catalog
from guozi.engine.panel import Scope, View, compute_panel
from guozi.kernel.periods import Period
from guozi.tree import build_tree

CATALOG = load_catalog()
JUNE = Period(2025, 6)
SETTINGS = settings(max_examples=25, deadline=None)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2)


def facts_table(rows: list[tuple[str, int, str, Decimal]]) -> ir.Table:
    frame = pd.DataFrame(rows, columns=["entity_id", "period", "item", "value"]).astype({"period": "int64"})
    frame["value"] = frame["value"].map(str)
    t = ibis.memtable(frame)
    return t.mutate(value=t.value.cast("decimal(18, 4)"))


def star(n: int) -> pd.DataFrame:
    """A root R with leaves L0 … L(n-1)."""
    rows = [{"entity_id": "R", "name": "R", "parent_id": ""}]
    rows += [{"entity_id": f"L{i}", "name": f"L{i}", "parent_id": "R"} for i in range(n)]
    return pd.DataFrame(rows)


@SETTINGS
@given(st.lists(st.tuples(amounts, amounts), min_size=1, max_size=6))
def test_aggregate_ratio_is_sum_of_numerators_over_sum_of_denominators(pairs: list[tuple[Decimal, Decimal]]) -> None:
    rows = []
    for i, (assets, liabilities) in enumerate(pairs):
        rows.append((f"L{i}", JUNE.code, "total_assets", assets))
        rows.append((f"L{i}", JUNE.code, "total_liabilities", liabilities))
    panel = compute_panel(
        facts_table(rows),
        build_tree(star(len(pairs))),
        CATALOG,
        periods=[JUNE],
        indicators=["debt_ratio"],
        scope=Scope(view="children"),
        prior=False,
    )
    expected = sum(li for _, li in pairs) / sum(a for a, _ in pairs) * 100
    assert panel.value("R", JUNE, "debt_ratio") == pytest.approx(float(expected), rel=1e-12)


@SETTINGS
@given(st.lists(st.tuples(amounts, amounts, amounts), min_size=2, max_size=6), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(values: list[tuple[Decimal, Decimal, Decimal]], rnd: random.Random) -> None:
    rows = []
    for i, (a, li, rev) in enumerate(values):
        rows += [(f"L{i}", JUNE.code, "total_assets", a), (f"L{i}", JUNE.code, "total_liabilities", li)]
        rows += [(f"L{i}", JUNE.code, "revenue", rev), (f"L{i}", Period(2024, 12).code, "total_assets", a)]
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    tree = build_tree(star(len(values)))
    entities = star(len(values)).sample(frac=1, random_state=rnd.randint(0, 10**6))
    codes = ["debt_ratio", "revenue", "total_assets"]
    views: tuple[View, ...] = ("reported", "children", "leaves")
    for view in views:
        ordered = compute_panel(
            facts_table(rows), tree, CATALOG, periods=[JUNE], indicators=codes, scope=Scope(view=view), prior=False
        ).frame
        reordered = compute_panel(
            facts_table(shuffled),
            build_tree(entities),
            CATALOG,
            periods=[JUNE],
            indicators=codes,
            scope=Scope(view=view),
            prior=False,
        ).frame
        pd.testing.assert_frame_equal(ordered.reset_index(drop=True), reordered.reset_index(drop=True))


@SETTINGS
@given(st.lists(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2), min_size=12, max_size=12))
def test_single_month_to_year_to_date_and_back(months: list[Decimal]) -> None:
    """Monthly figures m1…m12 stored as year-to-date sums come back as the same months, and their
    sum is the December year-to-date figure."""
    ytd = [sum(months[: k + 1], Decimal(0)) for k in range(12)]
    rows = [("E", Period(2025, k + 1).code, "revenue", v) for k, v in enumerate(ytd)]
    tree = build_tree(pd.DataFrame([{"entity_id": "E", "name": "E", "parent_id": ""}]))
    periods = [Period(2025, k + 1) for k in range(12)]
    monthly = compute_panel(
        facts_table(rows), tree, CATALOG, periods=periods, indicators=["revenue"], basis="month", prior=False
    )
    back = [monthly.value("E", p, "revenue") for p in periods]
    assert back == months
    yearly = compute_panel(
        facts_table(rows), tree, CATALOG, periods=[Period(2025, 12)], indicators=["revenue"], prior=False
    )
    assert yearly.value("E", Period(2025, 12), "revenue") == sum(back, Decimal(0))


@st.composite
def trees(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, Decimal]]:
    """A root, 1–4 children, each with 0–3 children of its own, and a revenue for everyone."""
    rows = [{"entity_id": "R", "name": "R", "parent_id": ""}]
    for i in range(draw(st.integers(1, 4))):
        rows.append({"entity_id": f"C{i}", "name": f"C{i}", "parent_id": "R"})
        for j in range(draw(st.integers(0, 3))):
            rows.append({"entity_id": f"C{i}.{j}", "name": f"C{i}.{j}", "parent_id": f"C{i}"})
    revenue = {r["entity_id"]: draw(amounts) for r in rows}
    return pd.DataFrame(rows), revenue


@SETTINGS
@given(trees())
def test_a_level_total_is_the_sum_of_that_levels_entities_without_double_counting(
    case: tuple[pd.DataFrame, dict[str, Decimal]],
) -> None:
    entities, revenue = case
    rows = [(e, JUNE.code, "revenue", v) for e, v in revenue.items()]
    tree = build_tree(entities)
    for level, prefix_dots in ((1, None), (2, 0), (3, 1)):
        members = [
            e for e in revenue if (e == "R" if prefix_dots is None else (e != "R" and e.count(".") == prefix_dots))
        ]
        panel = compute_panel(
            facts_table(rows),
            tree,
            CATALOG,
            periods=[JUNE],
            indicators=["revenue"],
            scope=Scope(view="level", level=level),
            prior=False,
        )
        if not members:
            assert panel.frame.empty
            continue
        assert panel.value(f"level-{level}", JUNE, "revenue") == sum((revenue[e] for e in members), Decimal(0))
        assert panel.row(f"level-{level}", JUNE, "revenue").members == len(members)
