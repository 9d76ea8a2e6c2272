"""What a reader browses besides the assessments: the tree as of a period, a trend, an indicator's inputs.

The web application shows these (and keeps them per store state); they are worked out here, from
the workspace's tree, panels and catalogue, so that no shell computes them:

* :func:`tree_view`: the ownership tree valid in a period (:class:`TreeView`: its nodes, each
  node's children, its tops, the chain down to an entity);
* :func:`trend`: an entity's indicators over the months up to a period (those holding figures);
* :func:`indicator_inputs`: the reported items an indicator's formula reads, at which period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from guozi.analyses.source import Source
from guozi.catalog import Catalog
from guozi.engine.compile import resolve, terms
from guozi.kernel.periods import Period

__all__ = ["IndicatorInput", "TreeView", "Trend", "indicator_inputs", "tree_view", "trend"]


@dataclass(frozen=True)
class TreeView:
    """The ownership tree as valid in one period: its nodes, each node's children, its tops."""

    period: Period
    nodes: pd.DataFrame  # one row per entity, indexed by entity id
    children: Mapping[str, list[str]]  # each node's direct children, ids sorted
    roots: tuple[str, ...]  # the nodes without a parent, the largest subtree first, then by id

    def name(self, entity: str) -> str:
        """The entity's name (its id when it has none)."""
        n = self.nodes
        if entity in n.index and "name" in n.columns:
            v = n.at[entity, "name"]
            if isinstance(v, str) and v:
                return v
        return entity

    def path(self, entity: str) -> list[str]:
        """The chain from the top of the tree down to ``entity``."""
        n = self.nodes
        chain = [entity]
        while chain[-1] in n.index:
            p = n.at[chain[-1], "parent_id"]
            if not isinstance(p, str) or not p or p in chain:
                break
            chain.append(p)
        return list(reversed(chain))


def tree_view(ws: Source, period: Period) -> TreeView:
    """The tree of ``ws`` as valid in ``period``."""
    tree = ws.tree()
    nodes = tree.at(period).drop_duplicates("entity_id").set_index("entity_id", drop=False)
    children: dict[str, list[str]] = {}
    tops: list[str] = []
    for e, p in zip(nodes.entity_id, nodes.parent_id, strict=True):
        if isinstance(p, str) and p:
            children.setdefault(p, []).append(str(e))
        else:
            tops.append(str(e))
    for kids in children.values():
        kids.sort()
    size = {r: len(tree.subtree(r, period)) for r in tops}
    return TreeView(period, nodes, children, tuple(sorted(tops, key=lambda r: (-size[r], r))))


@dataclass(frozen=True)
class Trend:
    """An entity's indicators month by month: ``values[indicator][k]`` is the value at ``periods[k]``."""

    entity: str
    periods: tuple[Period, ...]
    values: Mapping[str, tuple[Any, ...]]  # None where the indicator cannot be computed


def trend(ws: Source, period: Period, entity: str, indicators: Sequence[str], months: int = 12) -> Trend:
    """``entity``'s ``indicators`` (year to date, reported) over the ``months`` months up to ``period``.

    Months without any figure in the store are left out (``period`` itself is always kept).
    """
    wanted = [period.shift(-k) for k in range(months - 1, -1, -1)]
    held = set(ws.store.periods())
    shown = [m for m in wanted if m.code in held] or [period]
    frame = ws.indicators(shown, indicators=list(indicators), entity=entity, prior=False).frame
    values: dict[str, tuple[Any, ...]] = {}
    for code in indicators:
        sel = frame[frame.indicator == code].set_index("period")
        values[code] = tuple(sel.at[str(m), "value"] if str(m) in sel.index else None for m in shown)
    return Trend(entity, tuple(shown), values)


@dataclass(frozen=True)
class IndicatorInput:
    """A reported item an indicator reads: as ``role`` (``cur`` this period, else the opening) at ``period``."""

    item: str
    role: str
    period: Period
    name_zh: str
    name_en: str


def indicator_inputs(catalog: Catalog, code: str, period: Period) -> list[IndicatorInput]:
    """The items the formula of ``code`` reads for ``period``, each (item, period) once, in formula order.

    A term of the current period is read at ``period``, an opening balance at the prior year end.
    An item of the formula the catalogue does not name is shown by its code.
    """
    ind = catalog.indicator(code)
    if ind.tree is None:
        return []
    out: list[IndicatorInput] = []
    seen: set[tuple[str, Period]] = set()
    for term in terms(resolve(ind.tree, catalog)):
        at = period if term.role == "cur" else period.opening
        if (term.item, at) in seen:
            continue
        seen.add((term.item, at))
        item = catalog.items.get(term.item)
        out.append(
            IndicatorInput(
                term.item, term.role, at, item.name_zh if item else term.item, item.name_en if item else term.item
            )
        )
    return out
