"""The workspace's consolidation: the ``consolidated`` view of the panel and 内部往来对账 (issue 21).

The computation is the engine's (:mod:`guozi.engine.consolidate`, :mod:`guozi.engine.reconcile`);
this module reads the store's facts and intercompany rows and the tree for the workspace's methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from guozi.catalog import Catalog
from guozi.engine.consolidate import consolidated_panel
from guozi.engine.panel import Basis, Panel
from guozi.engine.reconcile import ReconcileReport, reconcile_report
from guozi.kernel.periods import Period
from guozi.store import Store
from guozi.tree import Tree


def consolidated(
    store: Store,
    tree: Tree,
    catalog: Catalog,
    *,
    periods: Sequence[Period],
    codes: Sequence[str],
    entity: str | None,
    basis: Basis,
    prior: bool,
) -> Panel:
    """The ``consolidated`` view (计算合并) of ``entity`` (every node without it), beside the filed 合并."""
    return consolidated_panel(
        store.facts(),
        store.intercompany(),
        tree,
        catalog,
        periods=periods,
        indicators=codes,
        entity=entity,
        basis=basis,
        prior=prior,
    )


def reconciled(
    store: Store, tree: Tree, catalog: Catalog, period: Period, *, entity: str | None, given: Decimal | None
) -> ReconcileReport:
    """内部往来对账 of ``entity``'s subtree (the whole tree without it) in ``period``."""
    return reconcile_report(store.intercompany(), tree, catalog, period, root=entity, given=given)
