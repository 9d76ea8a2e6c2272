"""The public API that the command line and the web application call: one workspace object.

Nothing in ``cli`` or ``web`` computes a figure: they call these methods and render the result.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guozi.catalog import Catalog, load_catalog
from guozi.engine.panel import Basis, Panel, Scope, View, compute_panel
from guozi.engine.tree import Tree, build_tree
from guozi.errors import InvalidInputError, NotFoundError
from guozi.ingest.contract import Batch, read_batch
from guozi.periods import Period
from guozi.store import Store, WriteResult, open_store
from guozi.store.duckdb import DuckDBStore


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    batch: Batch
    result: WriteResult

    @property
    def facts(self) -> int:
        """Facts read from the input."""
        return 0 if self.batch.facts is None else self.batch.facts.num_rows


class Workspace:
    """A store and a catalogue, and everything computed from them."""

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog
        self._tree: Tree | None = None

    @classmethod
    def open(cls, store: str | None = None, *, catalog_files: Sequence[Path] = ()) -> Workspace:
        """Open the store at ``store`` (or ``$GUOZI_STORE``, or ``./guozi.duckdb``)."""
        return cls(open_store(store), load_catalog(_catalog_files(catalog_files)))

    @classmethod
    def from_data(cls, paths: Sequence[Path], *, catalog_files: Sequence[Path] = ()) -> Workspace:
        """A workspace over files alone (``--data DIR``): checked, then held in memory."""
        ws = cls(DuckDBStore(":memory:"), load_catalog(_catalog_files(catalog_files)))
        ws.import_files(paths, user="--data")
        return ws

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    # collect
    def check(self, paths: Sequence[Path]) -> Batch:
        """Read and check ``paths`` against the contract and the store; change nothing."""
        return read_batch(paths, self.catalog, known_entities=self.store.entities())

    def import_files(self, paths: Sequence[Path], *, user: str = "", reason: str = "") -> ImportReport:
        """Check ``paths`` and land them atomically; raise :class:`InvalidInputError` if invalid."""
        batch = self.check(paths)
        if batch.blocking:
            raise InvalidInputError(problems=batch.problems)
        result = self.store.write(batch, user=user, reason=reason)
        self._tree = None
        return ImportReport(batch, result)

    # compute
    def tree(self) -> Tree:
        """The ownership tree over time."""
        if self._tree is None:
            self._tree = build_tree(self.store.entities())
        return self._tree

    def latest_period(self) -> Period:
        """The latest period holding facts."""
        periods = self.store.periods()
        if not periods:
            raise NotFoundError(
                "存储中还没有数据，请先 guozi import", "the store holds no facts yet; run guozi import first"
            )
        return Period.from_code(periods[-1])

    def regime_indicators(self, period: Period, regime: str | None = None) -> list[str]:
        """The indicators of ``regime`` (default: the regime of the period's year)."""
        reg = self.catalog.regime(regime) if regime else self.catalog.regime_for(period.year)
        return list(reg.indicators)

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
    ) -> Panel:
        """The panel of ``indicators`` (default: the regime's) for one or several periods."""
        periods = [period] if isinstance(period, Period) else list(period)
        if not periods:
            raise NotFoundError("未指定期间", "no period given")
        codes = list(indicators) if indicators else self.regime_indicators(periods[-1], regime)
        tree = self.tree()
        if entity is not None and entity not in set(tree.nodes.entity_id):
            raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
        if by is not None and view == "reported":
            view = "level"
        scope = Scope(view=view, entity=entity, level=level, by=by)
        return compute_panel(
            self.store.facts(),
            tree,
            self.catalog,
            periods=periods,
            indicators=codes,
            scope=scope,
            basis=basis,
            prior=prior,
        )


def _catalog_files(files: Sequence[Path]) -> list[Path]:
    extra = list(files)
    env = os.environ.get("GUOZI_CATALOG")
    if env:
        extra.extend(Path(p) for p in env.split(os.pathsep) if p)
    return extra
