"""The public API that the command line and the web application call: one workspace object.

Nothing in ``cli`` or ``web`` computes a figure: they call these methods and render the result.
The work is done by the modules named in each method: :mod:`.collect` (check and import files),
:mod:`.review` (the upload and review workflow), :mod:`.memo` (what is kept between calls, and
how a panel is read), the engine (:mod:`guozi.engine.panel`), the analyses and the report.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import pandas as pd

from guozi.analyses.benchmark import (
    BenchmarkParams,
    PeerReport,
    ScoreReport,
    SizeRules,
    StandardTable,
    peer_ranks,
    standard_scores,
)
from guozi.analyses.benchmark.world import ExchangeRates, PeerSet, WorldReport, world_comparison
from guozi.analyses.eva import EvaParams, EvaReport, compute_eva
from guozi.analyses.losses import LossReport, loss_makers
from guozi.analyses.targets import GdpSeries, TargetReport, Verdict, evaluate_targets, regime_verdict
from guozi.analyses.warnings import DebtLines, RuleSet, WarningReport, evaluate_warnings
from guozi.catalog import Catalog, load_catalog
from guozi.catalog.files import catalog_files as user_catalog
from guozi.engine.panel import Basis, Panel, View
from guozi.engine.reconcile import ReconcileReport
from guozi.kernel.errors import NotFoundError, Problem
from guozi.kernel.periods import Period
from guozi.report import Report, build_report
from guozi.store import Store, open_store
from guozi.store.base import PeriodEvent, Review, Status, Submission, User
from guozi.store.duckdb import DuckDBStore
from guozi.store.export import ExportReport, export_parquet
from guozi.tree import Tree
from guozi.workspace import browse as browsing
from guozi.workspace import collect, forms, lake, levels, lifecycle, panels
from guozi.workspace import consolidation as consolidating
from guozi.workspace import history as records
from guozi.workspace import periods as cycle
from guozi.workspace import review as workflow
from guozi.workspace import typed as typed_figures
from guozi.workspace.browse import IndicatorInput, TreeView, Trend
from guozi.workspace.collect import CheckResult, Explain, ImportReport, Rules
from guozi.workspace.filings import FilingProgress, PeriodStatus
from guozi.workspace.forms import FormLine, ReviewSheet
from guozi.workspace.levels import LineComment, ReviewState
from guozi.workspace.memo import Memo, paused_gc
from guozi.workspace.review import (
    REVIEWERS,
    STATUS_ZH,
    UPLOADERS,
    ForbiddenError,
    Staged,
    TransitionError,
)

if TYPE_CHECKING:
    from guozi.ingest.readers import Progress

P = ParamSpec("P")
R = TypeVar("R")

__all__ = [
    "REVIEWERS",
    "STATUS_ZH",
    "UPLOADERS",
    "CheckResult",
    "Explain",
    "ForbiddenError",
    "ImportReport",
    "Staged",
    "TransitionError",
    "Workspace",
    "paused_gc",
]


def _one_unit(method: Callable[Concatenate[Workspace, P], R]) -> Callable[Concatenate[Workspace, P], R]:
    """``method`` as one unit of work on the store: its reads (the version, the tree, the panel) open the file once."""

    @functools.wraps(method)
    def in_one_unit(ws: Workspace, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with ws.store.lock:
            return method(ws, *args, **kwargs)

    return in_one_unit


class Workspace:
    """A store and a catalogue, and everything computed from them.

    Results of :meth:`indicators` (on which every assessment builds) are kept for repeated calls
    with the same arguments while the store does not change (see :class:`~guozi.workspace.memo.Memo`).
    """

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog
        self._memo = Memo()
        self._keys: dict[int, list[tuple[str, int]]] = {}  # submission id → its (entity, period) pairs

    @classmethod
    def open(cls, store: str | None = None, *, catalog_files: Sequence[Path] = ()) -> Workspace:
        """Open the store at ``store`` (or ``$GUOZI_STORE``, or ``./guozi.duckdb``)."""
        return cls(open_store(store), load_catalog(user_catalog(catalog_files)))

    @classmethod
    def from_data(cls, paths: Sequence[Path], *, catalog_files: Sequence[Path] = ()) -> Workspace:
        """A workspace over files alone (``--data DIR``): checked, then read in place
        (:func:`~guozi.workspace.collect.in_place_store`) or, if they cannot be, held in memory."""
        catalog = load_catalog(user_catalog(catalog_files))
        lake_store = collect.in_place_store(paths, catalog)
        if lake_store is not None:
            return cls(lake_store, catalog)
        ws = cls(DuckDBStore(":memory:"), catalog)
        ws.import_files(paths, user="--data", validate=False)  # the contract's checks; rules are for collecting
        return ws

    @classmethod
    @contextmanager
    def over_lake(
        cls,
        path: Path,
        *,
        engine: str = "duckdb",
        catalog_files: Sequence[Path] = (),
        master: str | None = None,
        conf: Sequence[str] = (),
    ) -> Iterator[Workspace]:
        """A read-only workspace over a lake or a contract folder, computed by ``engine`` (duckdb or
        spark), closed on every way out: :func:`guozi.workspace.lake.lake_store`."""
        catalog = load_catalog(user_catalog(catalog_files))
        with lake.lake_store(path, catalog, engine=engine, master=master, conf=conf) as store:
            yield cls(store, catalog)

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    # collect (see guozi.workspace.collect)
    def check(
        self,
        paths: Sequence[Path],
        *,
        reason: str = "",
        rules: Rules = None,
        today: date | None = None,
        validate: bool = True,
        progress: Progress | None = None,
        status: Status = "approved",
        staged: bool = False,
    ) -> CheckResult:
        """Read and check ``paths`` against the contract, the validation rules and the store; change nothing.

        ``status`` is the one the files would land with (an upload: ``draft``): it decides which
        earlier submission of the same bytes makes a file a repeat. ``staged``: the checked facts
        wait in a spilling DuckDB file (``result.batch.staged``, which the caller closes) instead
        of one table in memory: memory bounded as an import's, for a check of a national month.
        """
        return collect.check_files(
            self,
            paths,
            reason=reason,
            rules=rules,
            today=today,
            validate=validate,
            progress=progress,
            status=status,
            keep=staged,
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
        self._memo.clear()
        return report

    def history(self, entity: str, period: Period, item: str | None = None) -> pd.DataFrame:
        """Every version of ``entity``'s figures for ``period``: value, when, who, file hash, reason, explanation."""
        return records.history(self, entity, period, item)

    def template(self, entity: str, period: Period, path: Path, *, unit: str = "万元", lang: str = "zh") -> Path:
        """Write ``entity``'s monthly report form for ``period`` to ``path`` (xlsx)."""
        return records.make_template(self, entity, period, path, unit=unit, lang=lang)

    def export_parquet(self, output: Path, *, overwrite: bool = False) -> ExportReport:
        """Write the store's facts, entities and targets as a Parquet lake: :func:`guozi.store.export.export_parquet`."""
        return export_parquet(self.store, self.catalog, output, overwrite=overwrite)

    # review workflow (see guozi.workspace.review): draft → submitted → approved | returned
    def stage_upload(
        self,
        paths: Sequence[Path],
        user: User,
        explanations: Sequence[Explain] = (),
        *,
        reason: str = "",
        rules: Rules = None,
        today: date | None = None,
        notices: Sequence[Problem] = (),
    ) -> Staged:
        """Check uploaded files like an import, and land them as ``draft`` submissions of ``user``.

        A filer may upload figures (a filled template or a facts file) only of entities in its
        subtrees; entities and targets files are for an admin. Refused (nothing written) when a
        problem is 强制 or a 核实 problem has no explanation in ``explanations``. The 提示 of a
        figure read from its usual writing (the form's own, and ``notices`` of figures read before,
        naming their file: :meth:`read_typed`) are kept with the draft (:func:`.forms.keep_notices`).
        """
        return workflow.stage_upload(
            self, paths, user, explanations, reason=reason, rules=rules, today=today, notices=notices
        )

    def submit(self, submission_id: int, user: User) -> Review:
        """The filer hands a draft in for review: draft → submitted."""
        workflow.require(user, UPLOADERS, "提交报表", "submit reports")
        return workflow.move(self, submission_id, user, ("draft",), "submitted", "", "submission.submit")

    def withdraw(self, submission_id: int, user: User) -> Review:
        """The filer takes back an own draft (draft → returned, audited as ``submission.withdraw``)."""
        return workflow.withdraw(self, submission_id, user)

    def form_lines(self, entity: str, period: Period) -> list[FormLine]:
        """``entity``'s form for ``period`` in form order, with the previous period's and prior year's figures."""
        return forms.form_lines(self, entity, period)

    def read_typed(
        self, entity: str, period: Period, typed: Mapping[str, str]
    ) -> tuple[dict[str, str], dict[str, Problem]]:
        """Figures typed in the browser form read as an upload reads its cells: :func:`.typed.read_typed`."""
        return typed_figures.read_typed(self, entity, period, typed)

    def review_lines(self, submission_id: int) -> ReviewSheet:
        """A submission's figures in form order beside the earlier figures, large jumps marked."""
        return forms.review_lines(self, submission_id)

    def review(
        self, submission_id: int, user: User, approve: bool, comment: str = "", lines: Sequence[LineComment] = ()
    ) -> Review:
        """A supervisor approves (its figures then count) or returns (with a comment, ``lines`` on single figures)
        a submitted report; two levels: :mod:`~guozi.workspace.levels`. Nobody reviews their own upload."""
        step = workflow.review(self, submission_id, user, approve, comment, lines)
        self._memo.clear()  # approved rows change the figures and may change the tree
        return step

    def review_state(self, submission_id: int, user: User) -> ReviewState:
        """Where a submission ``user`` may see stands in review: levels, who may act, each step's level, line comments."""
        return levels.review_state(self, self.visible_submission(submission_id, user), user)

    def submissions_for(self, user: User, status: Status | None = None) -> list[Submission]:
        """The submissions ``user`` may see (all of their figures in its subtrees), newest first."""
        found = [s for s in self.store.submissions() if status is None or s.status == status]
        return [s for s in reversed(found) if workflow.covers(self, user, s.id)]

    def visible_submission(self, submission_id: int, user: User) -> Submission:
        """The submission, if ``user`` may see it; otherwise NotFoundError (its existence is not revealed)."""
        sub = self.store.submission(submission_id)
        if sub is None or not workflow.covers(self, user, submission_id):
            raise NotFoundError(f"没有编号为 {submission_id} 的报送", f"no submission with id {submission_id}")
        return sub

    def submission_keys(self, submission_id: int) -> list[tuple[str, int]]:
        """The (entity_id, period ``YYYYMM``) pairs whose figures the submission brought (fixed once written)."""
        cache = self._keys
        if submission_id not in cache:
            facts = self.store.submission_facts(submission_id)
            pairs = zip(facts.column("entity_id").to_pylist(), facts.column("period").to_pylist(), strict=True)
            cache[submission_id] = sorted({(str(e), int(p)) for e, p in pairs})
        return cache[submission_id]

    # compute
    def tree(self) -> Tree:
        """The ownership tree over time (built again after a write through the store)."""
        return self._memo.tree_of(self.store)

    def state(self) -> Hashable:
        """The store's state now (its version and this process's writes); drops what was kept for another."""
        return self._memo.state_of(self.store)

    def latest_period(self) -> Period:
        """The latest period holding facts."""
        periods = self.store.periods()
        if not periods:
            raise NotFoundError(
                "存储中还没有数据，请先 guozi import", "the store holds no facts yet; run guozi import first"
            )
        return Period.from_code(periods[-1])

    # the monthly reporting cycle (see guozi.workspace.periods and .lifecycle)
    def default_period(self, entity: str | Sequence[str] | None = None) -> Period:
        """The month shown when none is asked for: the latest closed, else complete for ``entity``, else latest."""
        return cycle.default_period(self, _roots(entity))

    def period_status(
        self, period: Period | None = None, *, entity: str | Sequence[str] | None = None, today: date | None = None
    ) -> PeriodStatus:
        """Who is expected to file ``period`` under ``entity``, and who has (default: :meth:`filing_period`)."""
        roots = _roots(entity)
        return cycle.period_status(self, period or cycle.filing_period(self, roots), roots, today=today)

    def filing_progress(self, period: Period, *, entity: str | Sequence[str] | None = None) -> FilingProgress:
        """How far ``period``'s filing is under ``entity``: state, deadline, approved of expected («填报中 213/299»)."""
        return cycle.progress(self, period, _roots(entity))

    def filing_period(self, entity: str | Sequence[str] | None = None) -> Period:
        """The month the 上报情况 page shows by default: the latest open for filing, else :meth:`default_period`."""
        return cycle.filing_period(self, _roots(entity))

    def open_period(self, period: Period, deadline: date, *, entity: str | None = None, user: str = "") -> PeriodEvent:
        """Open ``period`` for filing by ``deadline`` (for ``entity``'s subtree, or the whole tree), in the audit log."""
        event = lifecycle.open_period(self, period, deadline, root=entity or "", user=user)
        self._memo.clear()
        return event

    def close_period(self, period: Period, *, user: str = "", entity: str | None = None) -> PeriodEvent:
        """Close ``period`` (for ``entity``'s subtree, or all): imports and uploads into it are refused (audited)."""
        event = lifecycle.close_period(self, period, root=entity or "", user=user)
        self._memo.clear()
        return event

    def reopen_period(self, period: Period, reason: str, *, user: str = "", entity: str | None = None) -> PeriodEvent:
        """Reopen a closed ``period`` (for ``entity``'s subtree, or all) with a reason, kept with it and audited."""
        event = lifecycle.reopen_period(self, period, reason, root=entity or "", user=user)
        self._memo.clear()
        return event

    def closing(self, entity: str, period: Period) -> PeriodEvent | None:
        """The close that locks ``entity``'s ``period`` (root, who, when; an ancestor's subtree included), or None."""
        return lifecycle.closing(self, entity, period)

    def closed_figures(self, result: CheckResult) -> list[tuple[str, Period]]:
        """The (entity, period) pairs of checked files lying in a closed month: their import would be refused."""
        return lifecycle.closed_figures(self, [result.batch.fact_keys(), result.batch.intercompany])

    def regime_indicators(self, period: Period, regime: str | None = None) -> list[str]:
        """The indicators of ``regime`` (default: the regime of the period's year)."""
        reg = self.catalog.regime(regime) if regime else self.catalog.regime_for(period.year)
        return list(reg.indicators)

    # browse (see guozi.workspace.browse): what a reader looks through besides the assessments
    def periods(self) -> list[Period]:
        """Every period holding facts, oldest first."""
        return [Period.from_code(c) for c in self.store.periods()]

    def tree_view(self, period: Period) -> TreeView:
        """The ownership tree as valid in ``period``: nodes, children, tops (:func:`.browse.tree_view`)."""
        return browsing.tree_view(self, period)

    def trend(self, period: Period, entity: str, *, indicators: Sequence[str] | None = None, months: int = 12) -> Trend:
        """``entity``'s ``indicators`` (default: the regime's) over ``months`` up to ``period`` (:func:`.browse.trend`)."""
        codes = list(indicators) if indicators else self.regime_indicators(period)
        return browsing.trend(self, period, entity, codes, months)

    def indicator_inputs(self, code: str, period: Period) -> list[IndicatorInput]:
        """The reported items the formula of ``code`` reads for ``period`` (:func:`.browse.indicator_inputs`)."""
        return browsing.indicator_inputs(self.catalog, code, period)

    @_one_unit
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
        """The panel of ``indicators`` (default: the regime's) for one or several periods.

        ``same_basis``: prior-year values of groups over this period's members (同口径).
        ``entities`` (``reported`` view only): the rows of these entities alone, each the same as
        in the panel of every entity (an entity's row depends on its own figures only).
        """
        return panels.indicators(
            self,
            self._memo,
            period,
            regime=regime,
            codes=indicators,
            entity=entity,
            view=view,
            by=by,
            level=level,
            basis=basis,
            prior=prior,
            same_basis=same_basis,
            entities=entities,
        )

    # assess: thin entries to the modules that do the work (see each function's docstring)
    def evaluate_targets(self, period: Period, *, entity: str | None = None, subtree: bool = False) -> TargetReport:
        """Progress against the year's targets: :func:`guozi.analyses.targets.evaluate_targets`."""
        with paused_gc():
            return evaluate_targets(self, period, entity=entity, subtree=subtree)

    def regime_verdict(
        self,
        period: Period,
        *,
        entity: str | None = None,
        view: View = "reported",
        by: str | None = None,
        level: int = 1,
        regime: str | None = None,
        gdp: GdpSeries | Path | str | None = None,
    ) -> list[Verdict]:
        """The regime's verdict clause by clause: :func:`guozi.analyses.targets.regime_verdict`."""
        with paused_gc():
            return regime_verdict(self, period, entity=entity, view=view, by=by, level=level, regime=regime, gdp=gdp)

    def loss_makers(
        self, period: Period, *, entity: str | None = None, by: str | None = None, level: int | None = None
    ) -> LossReport:
        """Loss-making subsidiaries: :func:`guozi.analyses.losses.loss_makers`."""
        with paused_gc():
            return loss_makers(self, period, entity=entity, by=by, level=level)

    def warnings(
        self,
        period: Period,
        *,
        entity: str | None = None,
        subtree: bool = True,
        view: View = "reported",
        rules: RuleSet | None = None,
        lines: DebtLines | None = None,
        only: Sequence[str] | None = None,
    ) -> WarningReport:
        """Risk warnings with their reasons: :func:`guozi.analyses.warnings.evaluate_warnings`."""
        with paused_gc():
            return evaluate_warnings(
                self, period, entity=entity, subtree=subtree, view=view, rules=rules, lines=lines, only=only
            )

    def eva(
        self,
        period: Period,
        *,
        entity: str | None = None,
        subtree: bool = True,
        view: View = "reported",
        by: str | None = None,
        level: int = 1,
        params: EvaParams | None = None,
        lines: DebtLines | None = None,
    ) -> EvaReport:
        """Economic value added with its breakdown: :func:`guozi.analyses.eva.compute_eva`."""
        with paused_gc():
            return compute_eva(
                self,
                period,
                entity=entity,
                subtree=subtree,
                view=view,
                by=by,
                level=level,
                params=params,
                lines=lines,
            )

    def peers(
        self,
        period: Period,
        entity: str,
        *,
        by: str = "industry",
        level: int | None = None,
        indicators: Sequence[str] | None = None,
        min_peers: int | None = None,
        params: BenchmarkParams | None = None,
    ) -> PeerReport:
        """Ranks and gaps among peers: :func:`guozi.analyses.benchmark.peer_ranks`."""
        with paused_gc():
            return peer_ranks(
                self, period, entity, by=by, level=level, indicators=indicators, min_peers=min_peers, params=params
            )

    def standard_scores(
        self,
        period: Period,
        *,
        entity: str | None = None,
        level: int | None = None,
        standards: StandardTable | Sequence[Path] | None = None,
        params: BenchmarkParams | None = None,
        sizes: SizeRules | None = None,
    ) -> ScoreReport:
        """Bands and scores against the standard values: :func:`guozi.analyses.benchmark.standard_scores`."""
        with paused_gc():
            return standard_scores(
                self, period, entity=entity, level=level, standards=standards, params=params, sizes=sizes
            )

    def world_comparison(
        self,
        year: int,
        entity: str,
        *,
        peer_set: PeerSet | Path | None = None,
        rates: ExchangeRates | None = None,
        indicators: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        params: BenchmarkParams | None = None,
    ) -> WorldReport:
        """The year's figures against world-class peers: :func:`guozi.analyses.benchmark.world.world_comparison`."""
        with paused_gc():
            return world_comparison(
                self,
                year,
                entity,
                peer_set=peer_set,
                rates=rates,
                indicators=indicators,
                exclude=exclude,
                params=params,
            )

    def reconcile(
        self, period: Period, *, entity: str | None = None, tolerance: Decimal | None = None
    ) -> ReconcileReport:
        """内部往来对账 of ``entity``'s subtree (the whole tree without it): :mod:`guozi.workspace.consolidation`."""
        tree = self.tree()
        if entity is not None and entity not in set(tree.nodes.entity_id):
            raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
        with self.store.lock:  # one unit of work: the intercompany rows are read and matched in it
            return consolidating.reconciled(self.store, tree, self.catalog, period, entity=entity, given=tolerance)

    def report(self, period: Period, *, entity: str | None = None, benchmark: bool = False) -> Report:
        """The monthly analysis report's content: :func:`guozi.report.build_report`."""
        with paused_gc():
            return build_report(self, period, entity=entity, benchmark=benchmark)


def _roots(entity: str | Sequence[str] | None) -> list[str] | None:
    """The viewer's roots: one entity, several (a user's scopes), or ``None`` for the whole tree."""
    if entity is None:
        return None
    return [entity] if isinstance(entity, str) else list(entity) or None
