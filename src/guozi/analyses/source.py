"""What an analysis reads: the protocol the workspace satisfies, so no analysis imports the workspace.

Every analysis (targets, loss-makers, warnings, EVA, benchmarks) takes a :class:`Source` and
reads from it the catalogue, the ownership tree, panels of indicators and the store's targets,
periods and facts. :class:`guozi.workspace.Workspace` is one; a test may pass another.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from guozi.catalog import Catalog
from guozi.engine.panel import Basis, Panel, View
from guozi.kernel.periods import Period
from guozi.store.base import Store
from guozi.tree import Tree

__all__ = ["Source"]


class Source(Protocol):
    """A store and a catalogue, with the panels computed from them."""

    store: Store
    catalog: Catalog

    def tree(self) -> Tree:
        """The ownership tree over time."""
        ...

    def regime_indicators(self, period: Period, regime: str | None = None) -> list[str]:
        """The indicators of ``regime`` (default: the regime of the period's year)."""
        ...

    def indicators(
        self,
        period: Period | Sequence[Period],
        *,
        regime: str | None = None,
        indicators: Sequence[str] | None = None,
        entity: str | None = None,
        view: View = "reported",
        by: str | None = None,
        level: int = 1,
        basis: Basis = "ytd",
        prior: bool = True,
        same_basis: bool = False,
        entities: Collection[str] | None = None,
    ) -> Panel:
        """The panel of ``indicators`` for one or several periods."""
        ...
