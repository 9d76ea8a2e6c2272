"""The computed consolidation (计算合并) on a hand-worked group (CAS 33 eliminations), in memory on DuckDB.

The group (every figure in yuan, 2025-06, flows year to date)::

    G  集团 (consolidated)
    ├── G0 集团本部 (single)
    ├── S  子集团 (consolidated)
    │   ├── S0 子集团本部 (single)
    │   └── L  子集团下属 (single, level 3)
    └── T  兄弟企业 (single)

Single figures (revenue, operating_cost, accounts_receivable, current_assets, total_assets,
current_liabilities, total_liabilities, total_equity; each balances A = L + E)::

    G0  1000  800  300  600  2000  400  900  1100
    S0   500  400  200  400  1200  300  700   500
    L    300  250  100  200   500  150  300   200
    T    400  320  150  250   800  200  500   300

Intercompany (CAS 33 §§ 30–35: internal sales, receivables/payables and a loan):

- L sells 120 to S0 (inside S, depth 3); L's receivable from S0 50, S0's payable to L 50;
- G0 sells 200 to L (parent's 本部 to the subgroup's leaf, meet at G); G0's receivable from L 80,
  L's payable to G0 70 (the pair that does not match: 10);
- S0 lends 100 to T (across the subgroups, meet at G): S0's receivable 100, T's payable 100.

Worked by hand:

S = S0 + L = (800, 650, 300, 600, 1700, 450, 1000, 700), less the one pair inside S (L–S0):
revenue 800 − 120 = 680, operating_cost 650 − 120 = 530, accounts_receivable 300 − 50 = 250,
current_assets 600 − 50 = 550, total_assets 1700 − 50 = 1650, current_liabilities 450 − 50 = 400,
total_liabilities 1000 − 50 = 950, total_equity 700 − (50 − 50) = 700; 1650 = 950 + 700;
debt ratio 950 / 1650 = 57.57…%.

G = G0 + S0 + L + T = (2200, 1770, 750, 1450, 4500, 1050, 2400, 2100), less every pair:
Σ ic_revenue 120 + 200 = 320, Σ ic_receivable 50 + 80 + 100 = 230, Σ ic_payable 50 + 70 + 100 = 220:
revenue 1880, operating_cost 1450, accounts_receivable 520, current_assets 1220, total_assets 4270,
current_liabilities 830, total_liabilities 2180, total_equity 2100 − (230 − 220) = 2090;
4270 = 2180 + 2090; debt ratio 2180 / 4270 = 51.05…%.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pytest

from guozi.catalog import load_catalog
from guozi.engine.consolidate import consolidated_panel, group_facts, report_types
from guozi.engine.reconcile import Tolerance, reconcile, tolerance
from guozi.kernel.periods import Period
from guozi.tree import build_tree

CATALOG = load_catalog()
JUNE = Period(2025, 6)
ITEMS = (
    "revenue",
    "operating_cost",
    "accounts_receivable",
    "current_assets",
    "total_assets",
    "current_liabilities",
    "total_liabilities",
    "total_equity",
)
SINGLE = {
    "G0": (1000, 800, 300, 600, 2000, 400, 900, 1100),
    "S0": (500, 400, 200, 400, 1200, 300, 700, 500),
    "L": (300, 250, 100, 200, 500, 150, 300, 200),
    "T": (400, 320, 150, 250, 800, 200, 500, 300),
}
FILED = {  # the 合并 figures G and S filed themselves: G's total_assets 30 above the computed
    "G": (1880, 1450, 520, 1220, 4300, 830, 2180, 2120),
    "S": (680, 530, 250, 550, 1650, 400, 950, 700),
}
INTERCOMPANY = [
    ("L", "S0", "ic_revenue", 120),
    ("L", "S0", "ic_receivable", 50),
    ("S0", "L", "ic_payable", 50),
    ("G0", "L", "ic_revenue", 200),
    ("G0", "L", "ic_receivable", 80),
    ("L", "G0", "ic_payable", 70),
    ("S0", "T", "ic_receivable", 100),
    ("T", "S0", "ic_payable", 100),
]


def entities() -> pd.DataFrame:
    rows = [("G", ""), ("G0", "G"), ("S", "G"), ("S0", "S"), ("L", "S"), ("T", "G")]
    return pd.DataFrame([{"entity_id": e, "name": e, "parent_id": p} for e, p in rows])


def facts_table(figures: Mapping[str, tuple[int, ...]]) -> ir.Table:
    rows = [
        (e, JUNE.code, item, str(v)) for e, values in figures.items() for item, v in zip(ITEMS, values, strict=True)
    ]
    t = ibis.memtable(pd.DataFrame(rows, columns=["entity_id", "period", "item", "value"]).astype({"period": "int64"}))
    return t.mutate(value=t.value.cast("decimal(22, 4)"))


def ic_table(rows: list[tuple[str, str, str, int]]) -> ir.Table:
    frame = pd.DataFrame(
        [(e, c, JUNE.code, i, str(v)) for e, c, i, v in rows],
        columns=["entity_id", "counterparty_id", "period", "item", "value"],
    ).astype({"period": "int64"})
    t = ibis.memtable(frame)
    return t.mutate(value=t.value.cast("decimal(22, 4)"))


def test_report_types_follow_the_tree_unless_given() -> None:
    tree = build_tree(entities())
    got = dict(zip(tree.nodes.entity_id, report_types(tree.nodes), strict=True))
    assert got == {
        "G": "consolidated",
        "G0": "single",
        "S": "consolidated",
        "S0": "single",
        "L": "single",
        "T": "single",
    }
    given = entities().assign(report_type=["", "", "single", "", "", "difference"])
    tree = build_tree(given)
    got = dict(zip(tree.nodes.entity_id, report_types(tree.nodes), strict=True))
    assert (got["G"], got["S"], got["T"]) == ("consolidated", "single", "difference")


def test_group_facts_are_the_single_sums_less_eliminations_at_both_levels() -> None:
    tree = build_tree(entities())
    out = group_facts(facts_table({**SINGLE, **FILED}), ic_table(INTERCOMPANY), tree).to_pandas()
    got = {(r.entity_id, r.item): Decimal(r.value) for r in out.itertuples()}
    want_s = dict(zip(ITEMS, (680, 530, 250, 550, 1650, 400, 950, 700), strict=True))
    want_g = dict(zip(ITEMS, (1880, 1450, 520, 1220, 4270, 830, 2180, 2090), strict=True))
    for item in ITEMS:
        assert got["S", item] == want_s[item], item
        assert got["G", item] == want_g[item], item
        assert got["T", item] == SINGLE["T"][ITEMS.index(item)]  # a leaf is its own single figures
    # the balance sheet still balances at both levels
    for node in ("S", "G"):
        assert got[node, "total_assets"] == got[node, "total_liabilities"] + got[node, "total_equity"]


def test_consolidated_panel_gives_figures_debt_ratio_and_the_difference_to_the_filed() -> None:
    tree = build_tree(entities())
    panel = consolidated_panel(
        facts_table({**SINGLE, **FILED}),
        ic_table(INTERCOMPANY),
        tree,
        CATALOG,
        periods=[JUNE],
        indicators=["revenue", "total_assets", "debt_ratio"],
        prior=False,
    )
    assert panel.value("S", JUNE, "revenue") == Decimal(680)
    assert panel.value("G", JUNE, "revenue") == Decimal(1880)
    assert panel.value("S", JUNE, "debt_ratio") == pytest.approx(950 / 1650 * 100, rel=1e-12)
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(2180 / 4270 * 100, rel=1e-12)
    g = panel.row("G", JUNE, "total_assets")
    assert (g.value, g.reported_value, g.difference) == (Decimal(4270), Decimal(4300), Decimal(30))
    assert (g.view, g.members) == ("consolidated", 4)  # G0, S0, L, T
    s = panel.row("S", JUNE, "total_assets")
    assert (s.difference, s.members) == (Decimal(0), 2)
    # the filed debt ratio of G: 2180 / 4300; the difference in percentage points
    assert panel.row("G", JUNE, "debt_ratio").difference == pytest.approx((2180 / 4300 - 2180 / 4270) * 100)


def test_a_member_lacking_an_item_leaves_the_group_empty_and_a_difference_entity_adds() -> None:
    """S0 files no total_equity: S and G lack it. D, G's 差额 entity, adjusts revenue by −5 only."""
    rows = entities()
    rows = pd.concat(
        [rows, pd.DataFrame([{"entity_id": "D", "name": "D", "parent_id": "G", "report_type": "difference"}])]
    )
    tree = build_tree(rows.fillna(""))
    figures = facts_table(SINGLE).filter(lambda t: ~((t.entity_id == "S0") & (t.item == "total_equity")))
    d = ibis.memtable(pd.DataFrame({"entity_id": ["D"], "period": [JUNE.code], "item": ["revenue"], "value": ["-5"]}))
    d = d.mutate(value=d.value.cast("decimal(22, 4)"))
    out = group_facts(figures.union(d), None, tree).to_pandas()
    got = {(r.entity_id, r.item): Decimal(r.value) for r in out.itertuples()}
    assert ("S", "total_equity") not in got and ("G", "total_equity") not in got
    assert got["G", "revenue"] == 1000 + 500 + 300 + 400 - 5
    assert got["G", "total_assets"] == 2000 + 1200 + 500 + 800  # D's missing items are no adjustment


def test_reconcile_shows_the_one_pair_that_does_not_match_first() -> None:
    """G0's receivable from L is 80, L's payable to G0 70: difference 10, met at G. The other pairs match."""
    tree = build_tree(entities())
    out = reconcile(ic_table(INTERCOMPANY), tree, JUNE, root="G", tolerance=Decimal("0.01"))
    columns = ["creditor_id", "debtor_id", "receivable", "payable", "difference", "meet_id", "mismatch"]
    got: list[tuple[object, ...]] = [tuple(r) for r in out[columns].itertuples(index=False)]
    assert got == [
        ("G0", "L", Decimal(80), Decimal(70), Decimal(10), "G", True),
        ("L", "S0", Decimal(50), Decimal(50), Decimal(0), "S", False),
        ("S0", "T", Decimal(100), Decimal(100), Decimal(0), "G", False),
    ]
    assert out.sales.tolist()[:2] == [Decimal(200), Decimal(120)]
    # inside S only the pair L–S0; a tolerance of 10 lets the 10 pass
    inside = reconcile(ic_table(INTERCOMPANY), tree, JUNE, root="S", tolerance=Decimal("0.01"))
    assert list(zip(inside.creditor_id, inside.debtor_id, strict=True)) == [("L", "S0")]
    loose = reconcile(ic_table(INTERCOMPANY), tree, JUNE, root="G", tolerance=Decimal(10))
    assert not loose.mismatch.any()


def test_the_tolerance_is_a_parameter_with_its_year_and_source(tmp_path: Path) -> None:
    """params/consolidation.yaml ships one fen (0.01 yuan), year 2026; a user's catalogue overrides it."""
    shipped = tolerance(CATALOG)
    assert (shipped.value, shipped.year) == (Decimal("0.01"), 2026) and "issue 21" in shipped.source
    own = tmp_path / "mine.yaml"
    own.write_text("consolidation:\n  reconcile_tolerance: 5\n", encoding="utf-8")
    assert tolerance(load_catalog([own])).value == Decimal(5)
    assert tolerance(CATALOG, Decimal("0.5")) == Tolerance(Decimal("0.5"), None, "--tolerance")


def test_prior_year_is_the_consolidation_of_the_prior_period_and_the_month_a_difference() -> None:
    """The same single figures filed for 2024-06 and 2025-05 without any intercompany trade: G's
    prior-year revenue is the plain sum 1000 + 500 + 300 + 400 = 2200, so the change is
    1880 − 2200 = −320 (the internal sales); June alone is 1880 − 2200 = −320 as well (year to
    date less May's, where nothing was eliminated)."""
    year_ago, may = Period(2024, 6), Period(2025, 5)
    june = facts_table(SINGLE)
    others = [june.mutate(period=ibis.literal(p.code, type="int64")) for p in (year_ago, may)]
    facts = june.union(others[0]).union(others[1])
    tree = build_tree(entities())
    panel = consolidated_panel(facts, ic_table(INTERCOMPANY), tree, CATALOG, periods=[JUNE], indicators=["revenue"])
    row = panel.row("G", JUNE, "revenue")
    assert (row.value, row.prior_value, row.change) == (Decimal(1880), Decimal(2200), Decimal(-320))
    month = consolidated_panel(
        facts, ic_table(INTERCOMPANY), tree, CATALOG, periods=[JUNE], indicators=["revenue"], basis="month", prior=False
    )
    assert month.value("G", JUNE, "revenue") == Decimal(-320)
