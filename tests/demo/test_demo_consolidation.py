"""The demo group's computed consolidation: 合并 = Σ single − eliminations at every node (issue 21).

Worked independently of the engine: the demo's files are read with the standard library and
pandas, each node's members found by walking ``parent_id`` up from every entity valid in the
period, amounts converted to yuan with Decimal, and every intercompany row eliminated at each
common ancestor of its two parties (the mapping of docs/consolidation.md). The engine's figures
(:func:`guozi.engine.consolidate.group_facts` over the store) must equal them to the fen.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.demo import generate_group, write_group
from guozi.engine.backends import to_arrow
from guozi.engine.consolidate import group_facts
from guozi.kernel.periods import Period
from guozi.workspace import Workspace
from tests.engine.test_consolidate import ITEMS as ELIMINATED

pytestmark = pytest.mark.slow
PERIOD = Period(2025, 6)
UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000)}
MINUS = {  # ic item → the items it is taken from, with the sign of the subtraction
    "ic_revenue": {"revenue": 1, "operating_cost": 1},
    "ic_receivable": {"accounts_receivable": 1, "current_assets": 1, "total_assets": 1, "total_equity": 1},
    "ic_payable": {"current_liabilities": 1, "total_liabilities": 1, "total_equity": -1},
}
ITEMS = (*ELIMINATED, "net_profit")  # the items the eliminations touch (tests/engine), and one they do not


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    folder = tmp_path_factory.mktemp("demo")
    write_group(generate_group(), folder)
    ws = Workspace.from_data([folder])
    yield ws, folder
    ws.close()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _ancestors(folder: Path, code: int) -> dict[str, list[str]]:
    """Each entity valid in the period: itself and every ancestor, by walking parent_id."""
    parent = {
        r["entity_id"]: r["parent_id"]
        for r in _rows(folder / "entities.csv")
        if (r["valid_from"] == "" or int(r["valid_from"].replace("-", "")) <= code)
        and (r["valid_to"] == "" or int(r["valid_to"].replace("-", "")) >= code)
    }
    out: dict[str, list[str]] = {}
    for x, first in parent.items():
        chain, y = [x], first
        while y:
            chain.append(y)
            y = parent.get(y, "")
        out[x] = chain
    return out


def _by_hand(folder: Path) -> dict[tuple[str, str], Decimal]:
    up = _ancestors(folder, PERIOD.code)
    parents = {a for chain in up.values() for a in chain[1:]}
    singles = [x for x in up if x not in parents]  # the demo files no report_type: a leaf is single
    own = {
        (r["entity_id"], r["item"]): Decimal(r["value"]) * UNITS[r["unit"]]
        for r in _rows(folder / "facts.csv")
        if r["period"] == str(PERIOD) and r["item"] in ITEMS
    }
    total: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for x in singles:
        for item in ITEMS:
            for node in up[x]:
                total[node, item] += own[x, item]
    for r in _rows(folder / "intercompany.csv"):
        if r["period"] != str(PERIOD):
            continue
        common = [n for n in up[r["entity_id"]] if n in up[r["counterparty_id"]]]
        for node in common:
            for item, sign in MINUS[r["item"]].items():
                total[node, item] -= sign * Decimal(r["value"]) * UNITS[r["unit"]]
    return dict(total)


def test_consolidation_is_the_single_sum_less_eliminations_at_every_node(demo: tuple[Workspace, Path]) -> None:
    ws, folder = demo
    want = _by_hand(folder)
    got_t = to_arrow(group_facts(ws.store.facts(), ws.store.intercompany(), ws.tree())).to_pandas()
    got_t = got_t[(got_t.period == PERIOD.code) & got_t.item.isin(ITEMS)]
    got = {(r.entity_id, r.item): Decimal(r.value) for r in got_t.itertuples()}
    assert len(want) == len(got) > 200 * len(ITEMS)
    wrong = [(k, got.get(k), v) for k, v in want.items() if got.get(k) != v]
    assert wrong == []


def test_the_demo_shows_a_real_difference_between_the_sum_and_the_consolidation(demo: tuple[Workspace, Path]) -> None:
    """At the top, Σ leaves (完全汇总) − computed 合并 = every internal sale of the group (all pairs meet there)."""
    ws, folder = demo
    top = "HX00001"
    codes = ["revenue", "debt_ratio"]
    leaves = ws.indicators(PERIOD, indicators=codes, entity=top, view="leaves", prior=False)
    merged = ws.indicators(PERIOD, indicators=codes, entity=top, view="consolidated", prior=False)
    rows = _rows(folder / "intercompany.csv")
    sales = sum(Decimal(r["value"]) for r in rows if r["period"] == str(PERIOD) and r["item"] == "ic_revenue")
    assert sales > 0
    assert leaves.value(top, PERIOD, "revenue") - merged.value(top, PERIOD, "revenue") == sales
    assert merged.value(top, PERIOD, "debt_ratio") != leaves.value(top, PERIOD, "debt_ratio")
    assert merged.row(top, PERIOD, "revenue").difference != 0  # the filed 合并 differs from the computed one
