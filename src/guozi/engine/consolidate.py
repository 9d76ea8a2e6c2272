"""The computed consolidation (计算合并): a node's single entities summed, less its intercompany eliminations.

For a node N and a period p (the tree of p), the members are the entities of N's subtree (N
itself included) whose report type is ``single`` (单户) or ``difference`` (差额: adjustments,
added like any member); a ``consolidated`` (合并) entity's own figures are never summed. An
entity's report type is its ``report_type`` column, or by its place in the tree: ``single`` for
a leaf, ``consolidated`` for an entity with subsidiaries (:func:`report_types`).

A pair's eliminations count at N when the reporting entity is a member of N and its counterparty
lies in N's subtree, so at their lowest common parent and every node above it, never below
(:data:`ELIMINATIONS`): ``revenue`` and ``operating_cost`` less the seller's ``ic_revenue``;
``accounts_receivable``, ``current_assets``, ``total_assets`` less the creditor's
``ic_receivable``; ``current_liabilities``, ``total_liabilities`` less the debtor's ``ic_payable``;
``total_equity`` less Σ ``ic_receivable`` − Σ ``ic_payable``. Every other item is summed.

The group's figures are formed as facts of N (:func:`group_facts`: flows year to date, stocks at
the period, each on the tree of its own period), and the panel's ``reported`` computation runs on
them, so every formula (ratios Σ numerator / Σ denominator, single months, opening balances,
prior years) applies unchanged. An item some member lacks is missing for the group, not zero.
All of it is Ibis: it runs on DuckDB, PostgreSQL and Spark alike.

Out of scope (written down in docs/consolidation.md): unrealised profit in inventory, minority
interests and goodwill, currency translation. A ``coalesce`` of the catalogue is chosen on the
group's figures, not entity by entity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from guozi.catalog.model import Catalog
from guozi.engine.panel import Basis, Panel, Scope, compute_panels
from guozi.kernel.periods import Period
from guozi.tree import Tree

REPORT_TYPES = ("single", "consolidated", "difference")
MEMBER_TYPES = ("single", "difference")  # the report types whose figures a consolidation sums
# ic item → (item, sign): the elimination at a node is Σ sign · value, subtracted from the item's sum
ELIMINATIONS: tuple[tuple[str, str, int], ...] = (
    ("ic_revenue", "revenue", 1),
    ("ic_revenue", "operating_cost", 1),
    ("ic_receivable", "accounts_receivable", 1),
    ("ic_receivable", "current_assets", 1),
    ("ic_receivable", "total_assets", 1),
    ("ic_receivable", "total_equity", 1),
    ("ic_payable", "current_liabilities", 1),
    ("ic_payable", "total_liabilities", 1),
    ("ic_payable", "total_equity", -1),
)


_SEP = "\x1f"  # the unit separator: between the two ids of a pair key (no entity id holds it)


def report_types(nodes: pd.DataFrame) -> pd.Series:
    """Each node row's report type: its ``report_type`` when given, else by its place in the tree."""
    default = pd.Series(np.where(nodes.is_leaf.astype(bool), "single", "consolidated"), index=nodes.index)
    if "report_type" not in nodes.columns:
        return default
    given = nodes.report_type.astype(object).where(nodes.report_type.isin(REPORT_TYPES), None)
    return given.fillna(default).astype(object)


def member_closure(tree: Tree) -> pd.DataFrame:
    """(ancestor_id, entity_id, depth, from_code, to_code, required): each node's members, interval by interval.

    ``required`` is 1 for a ``single`` member (the group's item is missing when it lacks it) and 0
    for a ``difference`` one (an adjustment it does not report is no adjustment).
    """
    nodes = tree.nodes[["entity_id", "from_code", "to_code"]].assign(report_type=report_types(tree.nodes))
    members = nodes[nodes.report_type.isin(MEMBER_TYPES)]
    members = members.assign(required=(members.report_type == "single").astype("int64")).drop(columns="report_type")
    closure = tree.closure.astype({"from_code": "int64", "to_code": "int64", "depth": "int64"})
    keys = members.astype({"from_code": "int64", "to_code": "int64"})
    keys = keys.assign(entity_id=keys.entity_id.astype(object))
    out = closure.assign(entity_id=closure.entity_id.astype(object)).merge(
        keys, on=["entity_id", "from_code", "to_code"]
    )  # the tree's closure and nodes share their intervals (guozi.tree.build_tree)
    return out.assign(ancestor_id=out.ancestor_id.astype(object))[
        ["ancestor_id", "entity_id", "depth", "from_code", "to_code", "required"]
    ]


def _within(t: ir.Table, period: ir.IntegerValue) -> ir.BooleanValue:
    return (t.from_code <= period) & (t.to_code >= period)


def _period(t: ir.Table) -> ir.IntegerValue:
    return t.period if t.period.type().is_int64() else t.period.cast("int64")


def eliminations(intercompany: ir.Table, tree: Tree, members: ir.Table | None = None) -> ir.Table:
    """(entity_id = node, period, item, value): Σ sign · value of the pairs eliminated at each node."""
    mc = members if members is not None else ibis.memtable(member_closure(tree))
    # the counterparty's ancestors keyed by (entity, ancestor) in one text column, so that the
    # counterparty is matched to the seller's nodes only: with two columns a planner may join the
    # two closures on the ancestor first (every pair of entities below a node: millions of rows)
    c = tree.closure
    closure = ibis.memtable(
        pd.DataFrame(
            {
                "pair": c.entity_id.astype(str) + _SEP + c.ancestor_id.astype(str),
                "from_code": c.from_code.astype("int64"),
                "to_code": c.to_code.astype("int64"),
            }
        )
    )
    rules = ibis.memtable(
        pd.DataFrame(list(ELIMINATIONS), columns=["ic_item", "item", "sign"]).astype({"sign": "int64"})
    )
    ic = intercompany.select(
        intercompany.entity_id,
        intercompany.counterparty_id,
        period=_period(intercompany),
        ic_item=intercompany.item,
        value=intercompany.value,
    )
    seller = ic.join(mc, (ic.entity_id == mc.entity_id) & _within(mc, ic.period)).select(
        ic.counterparty_id, ic.period, ic.ic_item, ic.value, node=mc.ancestor_id
    )
    pair = seller.join(
        closure,
        (seller.counterparty_id.concat(_SEP, seller.node) == closure.pair) & _within(closure, seller.period),
    ).select(seller.node, seller.period, seller.ic_item, seller.value)
    signed = pair.join(rules, pair.ic_item == rules.ic_item).select(
        pair.node, pair.period, rules.item, value=ibis.ifelse(rules.sign > 0, pair.value, -pair.value)
    )
    return (
        signed.group_by([signed.node, signed.period, signed.item])
        .aggregate(value=signed.value.sum())
        .rename(entity_id="node")
    )


def group_facts(
    facts: ir.Table,
    intercompany: ir.Table | None,
    tree: Tree,
    *,
    root: str | None = None,
    periods: tuple[int, int] | None = None,
) -> ir.Table:
    """(entity_id = node, period, item, value): every node's computed 合并 figures, as facts.

    A node's item in a period is the sum over its members valid then, present only when every
    ``single`` member reports it, less the node's eliminations of that item. ``root``: that
    node's figures alone; ``periods``: only the facts of the period codes ``first..last``.
    """
    members = member_closure(tree)
    if root is not None:
        members = members[members.ancestor_id == root]
    mc = ibis.memtable(members)
    f = facts.select(facts.entity_id, period=_period(facts), item=facts.item, value=facts.value)
    if periods is not None:
        f = f.filter((f.period >= periods[0]) & (f.period <= periods[1]))
    joined = f.join(mc, (f.entity_id == mc.entity_id) & _within(mc, f.period)).select(
        node=mc.ancestor_id, period=f.period, item=f.item, value=f.value, required=mc.required
    )
    sums = joined.group_by([joined.node, joined.period, joined.item]).aggregate(
        value=joined.value.sum(), present=joined.required.sum()
    )
    seen = f.select(f.period).distinct()
    needed = (
        seen.join(mc, _within(mc, seen.period))
        .group_by([mc.ancestor_id, seen.period])
        .aggregate(members=mc.required.sum())
    )
    whole = (
        sums.join(needed, (sums.node == needed.ancestor_id) & (sums.period == needed.period))
        .filter(sums.present == needed.members)
        .select(sums.node, sums.period, sums.item, sums.value)
    )
    if intercompany is None:
        return whole.rename(entity_id="node")
    elim = eliminations(intercompany, tree, mc)
    return whole.left_join(
        elim, (whole.node == elim.entity_id) & (whole.period == elim.period) & (whole.item == elim.item)
    ).select(
        entity_id=whole.node,
        period=whole.period,
        item=whole.item,
        value=whole.value - ibis.coalesce(elim.value, ibis.literal(0).cast(whole.value.type())),
    )


def _span(periods: Sequence[Period], prior: bool) -> tuple[int, int]:
    """The period codes of the facts a panel of ``periods`` can read: from the December before the
    earliest year (the opening balance; a year earlier with prior-year values) to the last period."""
    first = min(p.year for p in periods) - (2 if prior else 1)
    return first * 100 + 12, max(p.code for p in periods)


def member_counts(tree: Tree, periods: Sequence[Period]) -> pd.DataFrame:
    """(entity_id, period ``YYYY-MM``, members): how many entities each node's consolidation sums."""
    mc = member_closure(tree)
    rows = [
        mc[(mc.from_code <= p.code) & (mc.to_code >= p.code)]
        .groupby("ancestor_id")
        .size()
        .rename("members")
        .reset_index()
        .rename(columns={"ancestor_id": "entity_id"})
        .assign(period=str(p))
        for p in periods
    ]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["entity_id", "members", "period"])


def consolidated_panel(
    facts: ir.Table,
    intercompany: ir.Table | None,
    tree: Tree,
    catalog: Catalog,
    *,
    periods: Sequence[Period],
    indicators: Sequence[str],
    entity: str | None = None,
    basis: Basis = "ytd",
    prior: bool = True,
) -> Panel:
    """The ``consolidated`` view: each node's computed 合并 beside its own reported one.

    The frame is the panel's (view ``consolidated``; ``members`` the entities summed) with two more
    columns: ``reported_value``, the node's own filed figure (合并 for a parent), and
    ``difference`` = ``reported_value`` − ``value`` (差额: how far the filed 合并 is from the
    computed one), empty where either is.
    """
    scope = Scope(view="reported", entity=entity)
    (computed,) = compute_panels(
        group_facts(facts, intercompany, tree, root=entity, periods=_span(periods, prior)),
        tree,
        catalog,
        periods=periods,
        indicators=indicators,
        scopes=[scope],
        basis=basis,
        prior=prior,
    )
    (reported,) = compute_panels(
        facts, tree, catalog, periods=periods, indicators=indicators, scopes=[scope], basis=basis, prior=False
    )
    frame = computed.frame
    filed = reported.frame[["entity_id", "period", "indicator", "value"]].rename(columns={"value": "reported_value"})
    frame = frame.merge(filed, on=["entity_id", "period", "indicator"], how="left")
    frame["reported_value"] = frame.reported_value.astype(object).where(frame.reported_value.notna(), None)
    frame["difference"] = [
        None if r is None or v is None else r - v
        for r, v in zip(frame.reported_value.tolist(), frame.value.tolist(), strict=True)
    ]
    counts = member_counts(tree, computed.periods)
    frame = frame.drop(columns="members").merge(counts, on=["entity_id", "period"], how="left")
    frame["members"] = frame.members.fillna(0).astype("int64")
    frame["view"] = "consolidated"
    columns = [*computed.frame.columns, "reported_value", "difference"]
    return replace(computed, frame=frame[columns], scope=replace(scope, view="consolidated"))
