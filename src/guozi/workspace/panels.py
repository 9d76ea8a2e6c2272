"""The panel of indicators behind :meth:`guozi.workspace.Workspace.indicators`: scope checked, kept
in the workspace's :class:`~guozi.workspace.memo.Memo` while the store does not change, computed
as one unit of work on the store (reported and level views from the facts, or 计算合并 through
:mod:`guozi.workspace.consolidation`).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from guozi.engine.panel import Basis, Panel, Scope, View
from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.periods import Period
from guozi.tree import Tree
from guozi.workspace import consolidation as consolidating
from guozi.workspace import inplace
from guozi.workspace.memo import Memo, read_panel

if TYPE_CHECKING:
    from guozi.analyses.source import Source

__all__ = ["indicators"]


def indicators(
    ws: Source,
    memo: Memo,
    period: Period | Sequence[Period],
    *,
    regime: str | None,
    codes: Sequence[str] | None,
    entity: str | None,
    view: View,
    by: str | None,
    level: int,
    basis: Basis,
    prior: bool,
    same_basis: bool,
    entities: Collection[str] | None,
) -> Panel:
    """The panel of ``codes`` (default: the regime's) for one or several periods; a copy of the
    kept one when the same was asked while the store did not change."""
    periods = [period] if isinstance(period, Period) else list(period)
    if not periods:
        raise NotFoundError("未指定期间", "no period given")
    codes = list(codes) if codes else ws.regime_indicators(periods[-1], regime)
    state = memo.state_of(ws.store)
    tree = ws.tree()
    if entity is not None and entity not in set(tree.nodes.entity_id):
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    if by is not None and view == "reported":
        view = "level"
    scope = Scope(view=view, entity=entity, level=level, by=by, same_basis=same_basis)
    among = None if entities is None else frozenset(entities)
    if among is not None and view != "reported":
        raise GuoziError(
            f"只有 reported 口径可以限定企业，不支持 {view}",
            f"only the reported view can be limited to entities, not {view}",
        )
    key = (state, ws.catalog.files, tuple(periods), tuple(codes), scope, basis, prior, among)
    panel = memo.kept(key, ws.catalog)
    if panel is None:
        panel = _compute(ws, memo, key, tree, periods, codes, scope, basis, prior, among)
    return replace(panel, frame=panel.frame.copy(deep=False))  # a caller's changes stay its own


def _compute(
    ws: Source,
    memo: Memo,
    key: tuple[Hashable, ...],
    tree: Tree,
    periods: list[Period],
    codes: list[str],
    scope: Scope,
    basis: Basis,
    prior: bool,
    among: frozenset[str] | None,
) -> Panel:
    """Compute and keep the panel of ``key``: one unit of work on the store (its queries built and run in it)."""
    with ws.store.lock:
        if scope.view == "consolidated":  # 计算合并: see guozi.workspace.consolidation
            panel = consolidating.consolidated(
                ws.store,
                tree,
                ws.catalog,
                periods=periods,
                codes=codes,
                entity=scope.entity,
                basis=basis,
                prior=prior,
            )
        else:
            panel = read_panel(
                inplace.panel_facts(ws.store, ws.catalog, periods, codes, prior=prior, basis=basis),
                tree,
                ws.catalog,
                periods=periods,
                codes=codes,
                scope=scope,
                basis=basis,
                prior=prior,
                among=among,
                version=memo.version(key[0]),
            )
    memo.keep(key[0], key, ws.catalog, panel)
    return panel
