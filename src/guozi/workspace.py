"""The public API that the command line and the web application call: one workspace object.

Nothing in ``cli`` or ``web`` computes a figure: they call these methods and render the result.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guozi.catalog import Catalog, load_catalog
from guozi.engine.panel import Basis, Panel, Scope, View, compute_panel
from guozi.engine.tree import Tree, build_tree
from guozi.errors import NotFoundError
from guozi.ingest import collect
from guozi.ingest.collect import CheckResult, Explain, ImportReport, Rules
from guozi.periods import Period
from guozi.store import Store, open_store
from guozi.store.duckdb import DuckDBStore

if TYPE_CHECKING:
    import pandas as pd

    from guozi.benchmark import PeerReport
    from guozi.eva import EvaReport
    from guozi.ingest.readers import Progress
    from guozi.losses import LossReport
    from guozi.report import Report
    from guozi.targets import TargetReport, Verdict
    from guozi.warnings import WarningReport

__all__ = ["CheckResult", "Explain", "ImportReport", "Workspace"]


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
        ws.import_files(paths, user="--data", validate=False)  # the contract's checks; rules are for collecting
        return ws

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    # collect (see guozi.ingest.collect)
    def check(
        self,
        paths: Sequence[Path],
        *,
        reason: str = "",
        rules: Rules = None,
        today: date | None = None,
        validate: bool = True,
        progress: Progress | None = None,
    ) -> CheckResult:
        """Read and check ``paths`` against the contract, the validation rules and the store; change nothing."""
        return collect.check_files(
            self, paths, reason=reason, rules=rules, today=today, validate=validate, progress=progress
        )

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        user: str = "",
        reason: str = "",
        explanations: Sequence[Explain] = (),
        rules: Rules = None,
        today: date | None = None,
        validate: bool = True,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Check ``paths`` and land them atomically; raise :class:`InvalidInputError` if refused."""
        report = collect.import_files(
            self,
            paths,
            user=user,
            reason=reason,
            explanations=explanations,
            rules=rules,
            today=today,
            validate=validate,
            progress=progress,
        )
        self._tree = None
        return report

    def history(self, entity: str, period: Period, item: str | None = None) -> pd.DataFrame:
        """Every version of ``entity``'s figures for ``period``: value, when, who, file hash, reason, explanation."""
        return collect.history(self, entity, period, item)

    def template(self, entity: str, period: Period, path: Path, *, unit: str = "万元", lang: str = "zh") -> Path:
        """Write ``entity``'s monthly report form for ``period`` to ``path`` (xlsx)."""
        return collect.make_template(self, entity, period, path, unit=unit, lang=lang)

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

    # assess: thin entries to the modules that do the work (see each function's docstring)
    def evaluate_targets(self, period: Period, **options: Any) -> TargetReport:
        """Progress against the year's targets: :func:`guozi.targets.evaluate_targets`."""
        from guozi.targets import evaluate_targets

        return evaluate_targets(self, period, **options)

    def regime_verdict(self, period: Period, **options: Any) -> list[Verdict]:
        """The regime's verdict clause by clause: :func:`guozi.targets.regime_verdict`."""
        from guozi.targets import regime_verdict

        return regime_verdict(self, period, **options)

    def loss_makers(self, period: Period, **options: Any) -> LossReport:
        """Loss-making subsidiaries: :func:`guozi.losses.loss_makers`."""
        from guozi.losses import loss_makers

        return loss_makers(self, period, **options)

    def warnings(self, period: Period, **options: Any) -> WarningReport:
        """Risk warnings with their reasons: :func:`guozi.warnings.evaluate_warnings`."""
        from guozi.warnings import evaluate_warnings

        return evaluate_warnings(self, period, **options)

    def eva(self, period: Period, **options: Any) -> EvaReport:
        """Economic value added with its breakdown: :func:`guozi.eva.compute_eva`."""
        from guozi.eva import compute_eva

        return compute_eva(self, period, **options)

    def peers(self, period: Period, entity: str, **options: Any) -> PeerReport:
        """Ranks and gaps among peers: :func:`guozi.benchmark.peer_ranks`."""
        from guozi.benchmark import peer_ranks

        return peer_ranks(self, period, entity, **options)

    def report(self, period: Period, **options: Any) -> Report:
        """The monthly analysis report's content: :func:`guozi.report.build_report`."""
        from guozi.report import build_report

        return build_report(self, period, **options)


def _catalog_files(files: Sequence[Path]) -> list[Path]:
    extra = list(files)
    env = os.environ.get("GUOZI_CATALOG")
    if env:
        extra.extend(Path(p) for p in env.split(os.pathsep) if p)
    return extra
