"""The demo group's trade inside itself (contract §2b): sales, receivables and payables between its leaves.

Every leaf is a ``single`` entity (单户), every parent ``consolidated`` (合并), so the computed
consolidation of a parent sums its leaves and eliminates their trade. The pairs are drawn once
from the seed over the last period's tree: within each level-2 subsidiary, every third leaf sells
to the next one (eliminated at that subsidiary and above), and the first leaf of each level-2
subsidiary sells to the first of the next (eliminated at the top only). Each month the seller
reports its sales to the buyer (a share of the smaller of its revenue and the buyer's operating
cost, year to date) and its receivable (a share of the smaller of its accounts receivable and the
buyer's current liabilities); the buyer reports its payable, equal to the receivable except for
one pair in eight, where it is 1–3 % lower (未达账项: an invoice the buyer has not booked yet), so
that 内部往来对账 has differences to show. Amounts are whole fen, in yuan.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa

from guozi.kernel.units import ALL_UNITS
from guozi.tree import build_tree

IC_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("counterparty_id", pa.string()),
        ("period", pa.string()),
        ("item", pa.string()),
        ("value", pa.string()),
        ("unit", pa.string()),
    ]
)
_NEEDED = ("revenue", "operating_cost", "accounts_receivable", "current_liabilities")
_FEN = Decimal("0.01")


def _pairs(entities: pd.DataFrame, last: str) -> list[tuple[str, str]]:
    """(seller, buyer) pairs among the leaves of the tree of period ``last``."""
    tree = build_tree(entities)
    code = int(last.replace("-", ""))
    nodes = tree.nodes[(tree.nodes.from_code <= code) & (tree.nodes.to_code >= code)]
    leaves = nodes[nodes.is_leaf & (nodes.level >= 2)]
    c = tree.closure
    c = c[(c.from_code <= code) & (c.to_code >= code)]
    level2 = set(nodes[nodes.level == 2].entity_id.astype(str))
    top = c[c.ancestor_id.astype(str).isin(level2)]
    owner = dict(zip(top.entity_id.astype(str), top.ancestor_id.astype(str), strict=True))
    groups: dict[str, list[str]] = {}
    for leaf in sorted(leaves.entity_id.astype(str)):
        if leaf in owner and leaf != owner[leaf]:
            groups.setdefault(owner[leaf], []).append(leaf)
    pairs: list[tuple[str, str]] = []
    for members in groups.values():
        pairs += [(members[i], members[i + 1]) for i in range(0, len(members) - 1, 3)]
    firsts = [members[0] for _, members in sorted(groups.items())]
    pairs += list(itertools.pairwise(firsts))
    return pairs


def _yuan(facts: pa.Table) -> dict[tuple[str, str], dict[str, Decimal]]:
    """The facts needed, as exact yuan: (entity_id, period) → item of :data:`_NEEDED` → yuan."""
    f = facts.to_pandas()
    f = f[f.item.isin(_NEEDED)]
    out: dict[tuple[str, str], dict[str, Decimal]] = {}
    for e, p, i, v, u in zip(f.entity_id, f.period, f.item, f.value, f.unit, strict=True):
        out.setdefault((str(e), str(p)), {})[str(i)] = Decimal(v) * ALL_UNITS[u]
    return out


def intercompany_table(entities: pa.Table, facts: pa.Table, periods: list[str], seed: int) -> pa.Table:
    """The demo's intercompany rows for ``periods`` (see the module's docstring)."""
    frame = entities.to_pandas()
    if not set(_NEEDED) <= set(facts.column("item").unique().to_pylist()) or not periods:
        return IC_SCHEMA.empty_table()
    pairs = _pairs(frame, periods[-1])
    rng = np.random.default_rng(seed + 21)
    shares = rng.uniform(0.04, 0.12, size=(len(pairs), 2))
    short = rng.uniform(0.01, 0.03, size=len(pairs)) * (np.arange(len(pairs)) % 8 == 3)
    figures = _yuan(facts)
    rows: list[tuple[str, str, str, str, str, str]] = []
    for k, (seller, buyer) in enumerate(pairs):
        for period in periods:
            s, b = figures.get((seller, period)), figures.get((buyer, period))
            if s is None or b is None or len(s) < len(_NEEDED) or len(b) < len(_NEEDED):
                continue  # a party not in the tree that month
            sales = _share(min(s["revenue"], b["operating_cost"]), shares[k, 0])
            receivable = _share(min(s["accounts_receivable"], b["current_liabilities"]), shares[k, 1])
            payable = receivable - _share(receivable, short[k])
            for who, other, item, value in (
                (seller, buyer, "ic_revenue", sales),
                (seller, buyer, "ic_receivable", receivable),
                (buyer, seller, "ic_payable", payable),
            ):
                rows.append((who, other, period, item, f"{value:.2f}", "元"))
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in IC_SCHEMA]
    return pa.table({f.name: pa.array(c, pa.string()) for f, c in zip(IC_SCHEMA, columns, strict=True)})


def _share(amount: Decimal, share: float) -> Decimal:
    """``share`` of ``amount`` in whole fen, rounded down; nothing of a negative amount."""
    if amount <= 0:
        return Decimal(0)
    return (amount * Decimal(str(round(share, 6)))).quantize(_FEN, rounding="ROUND_FLOOR")
