"""The public API that the command line and the web application call: one workspace object.

Nothing in ``cli`` or ``web`` computes a figure: they call these methods and render the result.
"""

from __future__ import annotations

import gc
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Collection, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from guozi.catalog import Catalog, load_catalog
from guozi.engine.panel import Basis, Panel, Scope, View, compute_panel
from guozi.ingest.contract import Batch
from guozi.kernel.errors import GuoziError, NotFoundError, Problem, Severity
from guozi.kernel.periods import Period
from guozi.store import Store, open_store
from guozi.store.base import Review, Status, Submission, User
from guozi.store.duckdb import DuckDBStore
from guozi.tree import Tree, build_tree
from guozi.workspace import collect
from guozi.workspace.collect import CheckResult, Explain, ImportReport, Rules

if TYPE_CHECKING:
    from guozi.analyses.benchmark import PeerReport
    from guozi.analyses.eva import EvaReport
    from guozi.analyses.losses import LossReport
    from guozi.analyses.targets import TargetReport, Verdict
    from guozi.analyses.warnings import WarningReport
    from guozi.ingest.readers import Progress
    from guozi.report import Report

__all__ = [
    "CheckResult",
    "Explain",
    "ForbiddenError",
    "ImportReport",
    "Staged",
    "TransitionError",
    "Workspace",
]

MEMO_PANELS = 8  # panels a workspace keeps for repeated calls (the least recently used go first) …
MEMO_ROWS = 5_000_000  # … and at most this many rows of them in all
FILTER_IDS = 2000  # up to this many members, a limited panel's facts are filtered by a list, beyond by a join
UPLOADERS = ("filer", "admin")  # who may upload and submit
REVIEWERS = ("supervisor", "admin")  # who may approve or return


class ForbiddenError(GuoziError):
    """The user's role does not allow this step of the review workflow."""


class TransitionError(GuoziError):
    """The submission's status does not allow this step (e.g. approving a draft)."""


@dataclass
class Staged:
    """What an upload did: every problem found, the 核实 problems still unexplained, the drafts written.

    Nothing is written (``submissions`` is empty) while a 强制 problem or an unexplained 核实
    problem remains.
    """

    problems: list[Problem] = field(default_factory=list)
    unexplained: list[Problem] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)  # (file, submission already holding it)

    @property
    def blocking(self) -> list[Problem]:
        """The 强制 problems: the upload is refused."""
        return [p for p in self.problems if p.severity == Severity.BLOCKING]


class _Memo:
    """What a workspace keeps between calls, valid for one state of its store.

    The state is the store's :meth:`~guozi.store.base.Store.version` (the last submission and
    review step: every import and review step changes it, by any process) with its ``writes``
    count (changes made through this store object). The tree is dropped when ``writes`` moves
    (a look at an attribute, safe from any thread); the panels are keyed by the version read at
    the start of each :meth:`Workspace.indicators` call, so a panel of another state is never
    returned, and are all dropped when it moves. Shared by a workspace and the workspaces it
    derives over the same store (:meth:`Workspace.with_catalog`); its own lock guards it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.writes: int | None = None  # the store's ``writes`` when the tree was built
        self.tree: Tree | None = None
        self.state: Hashable = None  # the store's version when the panels were computed
        self.panels: OrderedDict[Hashable, tuple[Catalog, Panel]] = OrderedDict()  # with the catalogue used
        self.derived: dict[tuple[str, ...], Workspace] = {}

    def clear(self) -> None:
        with self.lock:
            self.tree, self.writes, self.state = None, None, None
            self.panels.clear()


class Workspace:
    """A store and a catalogue, and everything computed from them.

    Results of :meth:`indicators` (on which every assessment builds) are kept for repeated calls
    with the same arguments while the store does not change (see :class:`_Memo`).
    """

    def __init__(self, store: Store, catalog: Catalog, *, _memo: _Memo | None = None) -> None:
        self.store = store
        self.catalog = catalog
        self._memo = _memo if _memo is not None else _Memo()
        self._keys: dict[int, list[tuple[str, int]]] = {}  # submission id → its (entity, period) pairs

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
    ) -> CheckResult:
        """Read and check ``paths`` against the contract, the validation rules and the store; change nothing.

        ``status`` is the one the files would land with (an upload: ``draft``): it decides which
        earlier submission of the same bytes makes a file a repeat.
        """
        return collect.check_files(
            self, paths, reason=reason, rules=rules, today=today, validate=validate, progress=progress, status=status
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

    # review workflow: draft → submitted → approved | returned (a returned file is uploaded anew)
    def stage_upload(
        self,
        paths: Sequence[Path],
        user: User,
        explanations: Sequence[Explain] = (),
        *,
        reason: str = "",
        rules: Rules = None,
        today: date | None = None,
    ) -> Staged:
        """Check uploaded files like an import, and land them as ``draft`` submissions of ``user``.

        A filer may upload figures (a filled template or a facts file) only of entities in its
        subtrees; entities and targets files are for an admin. Refused (nothing written) when a
        problem is 强制 or a 核实 problem has no explanation in ``explanations``.
        """
        self._require(user, UPLOADERS, "上传报表", "upload reports")
        result = self.check(paths, reason=reason, rules=rules, today=today, status="draft")
        if user.role != "admin":
            result.notes.extend(self._scope_problems(result.batch, user))
        hidden = {sid for _, sid in result.skipped if not self._covers(user, sid)}
        if hidden:  # the same bytes sit in a submission outside the user's subtrees: do not name it
            files = {f for f, sid in result.skipped if sid in hidden}
            result.notes = [n for n in result.notes if not (n.rule == "file.imported" and n.file in files)]
            result.notes.extend(
                Problem(
                    "file.imported",
                    "内容与已有的一次报送相同，不会重复导入",
                    "same content as an earlier submission; it will not be imported again",
                    file=f,
                    severity=Severity.NOTICE,
                )
                for f, sid in result.skipped
                if sid in hidden
            )
        staged = Staged(problems=result.problems, skipped=[(f, s) for f, s in result.skipped if s not in hidden])
        staged.unexplained = [f.problem for f in result.unexplained(explanations)]
        if staged.blocking or staged.unexplained or not result.batch.files:
            return staged
        stored = collect.stored_explanations(result, explanations)
        with self.store.atomic():  # the drafts and their audit entries are stored together or not at all
            written = self.store.write(result.batch, user=user.name, reason=reason, explanations=stored, status="draft")
            for sub in written.submissions:
                self.store.audit(
                    user=user.name,
                    action="submission.upload",
                    target=f"submission:{sub.id}",
                    after=_submission_json(sub, explanations=len([x for x in stored if x.source == sub.source])),
                )
        staged.submissions = written.submissions
        staged.skipped.extend(written.skipped)
        return staged

    def submit(self, submission_id: int, user: User) -> Review:
        """The filer hands a draft in for review: draft → submitted."""
        self._require(user, UPLOADERS, "提交报表", "submit reports")
        return self._move(submission_id, user, ("draft",), "submitted", "", "submission.submit")

    def review(self, submission_id: int, user: User, approve: bool, comment: str = "") -> Review:
        """A supervisor approves (its figures then count) or returns (with a comment) a submitted report.

        Nobody reviews their own upload; returning needs a comment saying what to fix.
        """
        self._require(user, REVIEWERS, "审核报表", "review reports")
        sub = self.visible_submission(submission_id, user)
        if sub.user == user.name:
            raise ForbiddenError(
                f"第 {submission_id} 号报送是您本人上传的，须由他人审核",
                f"you uploaded submission {submission_id}; someone else must review it",
            )
        comment = comment.strip()
        if not approve and not comment:
            raise GuoziError("退回时请填写意见，说明需要改正什么", "give a comment when returning: say what to correct")
        action = "submission.approve" if approve else "submission.return"
        step = self._move(submission_id, user, ("submitted",), "approved" if approve else "returned", comment, action)
        self._memo.clear()  # approved rows change the figures and may change the tree
        return step

    def submissions_for(self, user: User, status: Status | None = None) -> list[Submission]:
        """The submissions ``user`` may see (all of their figures in its subtrees), newest first."""
        found = [s for s in self.store.submissions() if status is None or s.status == status]
        return [s for s in reversed(found) if self._covers(user, s.id)]

    def visible_submission(self, submission_id: int, user: User) -> Submission:
        """The submission, if ``user`` may see it; otherwise NotFoundError (its existence is not revealed)."""
        sub = self.store.submission(submission_id)
        if sub is None or not self._covers(user, submission_id):
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

    def _covers(self, user: User, submission_id: int) -> bool:
        if user.role == "admin":
            return True
        keys = self.submission_keys(submission_id)
        if not keys:
            return False  # no figures (entities, targets): an admin's business
        frame = pd.DataFrame(keys, columns=["entity_id", "period"])
        return bool(self._inside(user, frame).all())

    def _inside(self, user: User, frame: pd.DataFrame) -> pd.Series:
        """For each (entity_id, period) row of ``frame``: whether it lies in ``user``'s subtrees then."""
        c = self.tree().closure
        c = c[c.ancestor_id.isin(user.scopes)][["entity_id", "from_code", "to_code"]]
        m = frame[["entity_id", "period"]].reset_index(names="_k").merge(c, on="entity_id", how="inner")
        ok = set(m.loc[(m.from_code <= m.period) & (m.to_code >= m.period), "_k"])
        return pd.Series([k in ok for k in range(len(frame))], index=frame.index)

    def _scope_problems(self, batch: Batch, user: User) -> list[Problem]:
        """The rows of an upload outside ``user``'s subtrees, and files other than figures (强制)."""
        out = [
            Problem(
                "upload.kind",
                f"只有管理员可以上传{'企业' if f.kind == 'entities' else '目标'}文件；请上传填好的报表模板或 facts 文件",
                f"only an admin may upload {f.kind} files; upload a filled report template or a facts file",
                file=f.path.name,
                found=f.kind,
            )
            for f in batch.files
            if f.kind != "facts"
        ]
        if batch.facts is None or not batch.facts.num_rows:
            return out
        frame = batch.facts.select(["entity_id", "period", "source", "sheet", "row"]).to_pandas()
        outside = frame[~self._inside(user, frame)]
        scopes = "、".join(user.scopes) or "—"
        for (source, sheet, entity, period), rows in outside.groupby(["source", "sheet", "entity_id", "period"]):
            first = int(rows["row"].min())
            more = len(rows) - 1
            out.append(
                Problem(
                    "upload.scope",
                    f"第{first}行{f'等 {more + 1} 行' if more else ''}：企业 {entity}（{Period.from_code(int(period))}）"
                    f"不在您的填报范围（{scopes} 及其下级）内",
                    f"row {first}{f' and {more} more' if more else ''}: entity {entity} "
                    f"({Period.from_code(int(period))}) is outside your subtrees ({', '.join(user.scopes) or '-'})",
                    file=Path(str(source)).name,
                    sheet=str(sheet or ""),
                    row=first,
                    column="entity_id",
                    expected=f"{', '.join(user.scopes)} …",
                    found=str(entity),
                )
            )
        return out

    def _require(self, user: User, roles: Sequence[str], zh: str, en: str) -> None:
        if user.role not in roles:
            raise ForbiddenError(f"您的角色不能{zh}", f"your role may not {en}")

    def _move(
        self, submission_id: int, user: User, allowed: Sequence[Status], to: Status, comment: str, action: str
    ) -> Review:
        self.visible_submission(submission_id, user)
        # the status is read, moved and audited in one transaction: all stored together, or nothing
        with self.store.atomic():
            sub = self.store.submission(submission_id)
            assert sub is not None  # submissions are never deleted
            if sub.status not in allowed:
                raise TransitionError(
                    f"第 {submission_id} 号报送当前状态为 {STATUS_ZH[sub.status]}，不能改为 {STATUS_ZH[to]}",
                    f"submission {submission_id} is {sub.status}; it cannot become {to}",
                )
            step = self.store.set_status(submission_id, to, user=user.name, comment=comment)
            self.store.audit(
                user=user.name,
                action=action,
                target=f"submission:{submission_id}",
                before=json.dumps({"status": sub.status}),
                after=json.dumps({"status": to, "comment": comment}, ensure_ascii=False),
            )
        return step

    def history(self, entity: str, period: Period, item: str | None = None) -> pd.DataFrame:
        """Every version of ``entity``'s figures for ``period``: value, when, who, file hash, reason, explanation."""
        return collect.history(self, entity, period, item)

    def template(self, entity: str, period: Period, path: Path, *, unit: str = "万元", lang: str = "zh") -> Path:
        """Write ``entity``'s monthly report form for ``period`` to ``path`` (xlsx)."""
        return collect.make_template(self, entity, period, path, unit=unit, lang=lang)

    # compute
    def tree(self) -> Tree:
        """The ownership tree over time (built again after a write through the store)."""
        memo = self._memo
        writes = self.store.writes
        with memo.lock:
            tree = memo.tree if memo.writes == writes else None
        if tree is None:
            with paused_gc():
                tree = build_tree(self.store.entities())
            with memo.lock:
                memo.tree, memo.writes = tree, writes
        return tree

    def with_catalog(self, catalog: Catalog) -> Workspace:
        """A workspace over the same store with another catalogue, sharing this one's tree and memo.

        Kept (one per catalogue's files) so that repeated calls find the panels computed before.
        """
        if catalog is self.catalog:
            return self
        key = tuple(catalog.files)
        with self._memo.lock:
            found = self._memo.derived.get(key)
            if found is None or found.catalog is not catalog:
                found = Workspace(self.store, catalog, _memo=self._memo)
                self._memo.derived[key] = found
        return found

    def state(self) -> Hashable:
        """The store's state now (its version and this process's writes); drops what was kept for another."""
        state = (self.store.version(), self.store.writes)
        memo = self._memo
        with memo.lock:
            if memo.state != state:
                memo.panels.clear()
                if memo.state is not None:  # a change since the last look (the first look keeps a tree just built)
                    memo.tree, memo.writes = None, None
                memo.state = state
        return state

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
        same_basis: bool = False,
        entities: Collection[str] | None = None,
    ) -> Panel:
        """The panel of ``indicators`` (default: the regime's) for one or several periods.

        ``same_basis``: prior-year values of groups over this period's members (同口径).
        ``entities`` (``reported`` view only): the rows of these entities alone, each the same as
        in the panel of every entity (an entity's row depends on its own figures only).
        """
        periods = [period] if isinstance(period, Period) else list(period)
        if not periods:
            raise NotFoundError("未指定期间", "no period given")
        codes = list(indicators) if indicators else self.regime_indicators(periods[-1], regime)
        state = self.state()
        tree = self.tree()
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
        key = (state, self.catalog.files, tuple(periods), tuple(codes), scope, basis, prior, among)
        memo = self._memo
        with memo.lock:
            kept = memo.panels.get(key)
            panel = kept[1] if kept is not None and kept[0] is self.catalog else None
            if panel is not None:
                memo.panels.move_to_end(key)
        if panel is None:
            facts = self.store.facts()
            if view == "reported" and (among is not None or entity is not None):
                if entity is not None:
                    among = frozenset([entity]) if among is None else among & {entity}
                assert among is not None
                tree = _pruned(tree, among)  # the other entities' rows are not wanted
            members = _member_ids(tree, scope, among)
            if members is not None and len(members) <= FILTER_IDS:  # read only the members' facts
                facts = facts.filter(facts.entity_id.isin(members))
            elif members is not None:
                wanted = ibis.memtable(pd.DataFrame({"entity_id": pd.Series(members, dtype=object)}))
                facts = facts.semi_join(wanted, facts.entity_id == wanted.entity_id)
            with paused_gc():
                panel = compute_panel(
                    facts, tree, self.catalog, periods=periods, indicators=codes, scope=scope, basis=basis, prior=prior
                )
            with memo.lock:
                if memo.state == state:
                    memo.panels[key] = (self.catalog, panel)
                    while len(memo.panels) > MEMO_PANELS or (
                        len(memo.panels) > 1 and sum(len(p.frame) for _, p in memo.panels.values()) > MEMO_ROWS
                    ):
                        memo.panels.popitem(last=False)
        return replace(panel, frame=panel.frame.copy(deep=False))  # a caller's changes stay its own

    # assess: thin entries to the modules that do the work (see each function's docstring)
    def evaluate_targets(self, period: Period, **options: Any) -> TargetReport:
        """Progress against the year's targets: :func:`guozi.analyses.targets.evaluate_targets`."""
        from guozi.analyses.targets import evaluate_targets

        with paused_gc():
            return evaluate_targets(self, period, **options)

    def regime_verdict(self, period: Period, **options: Any) -> list[Verdict]:
        """The regime's verdict clause by clause: :func:`guozi.analyses.targets.regime_verdict`."""
        from guozi.analyses.targets import regime_verdict

        with paused_gc():
            return regime_verdict(self, period, **options)

    def loss_makers(self, period: Period, **options: Any) -> LossReport:
        """Loss-making subsidiaries: :func:`guozi.analyses.losses.loss_makers`."""
        from guozi.analyses.losses import loss_makers

        with paused_gc():
            return loss_makers(self, period, **options)

    def warnings(self, period: Period, **options: Any) -> WarningReport:
        """Risk warnings with their reasons: :func:`guozi.analyses.warnings.evaluate_warnings`."""
        from guozi.analyses.warnings import evaluate_warnings

        with paused_gc():
            return evaluate_warnings(self, period, **options)

    def eva(self, period: Period, **options: Any) -> EvaReport:
        """Economic value added with its breakdown: :func:`guozi.analyses.eva.compute_eva`."""
        from guozi.analyses.eva import compute_eva

        with paused_gc():
            return compute_eva(self, period, **options)

    def peers(self, period: Period, entity: str, **options: Any) -> PeerReport:
        """Ranks and gaps among peers: :func:`guozi.analyses.benchmark.peer_ranks`."""
        from guozi.analyses.benchmark import peer_ranks

        with paused_gc():
            return peer_ranks(self, period, entity, **options)

    def report(self, period: Period, **options: Any) -> Report:
        """The monthly analysis report's content: :func:`guozi.report.build_report`."""
        from guozi.report import build_report

        with paused_gc():
            return build_report(self, period, **options)


class _GcPause:
    """How many calls are inside :func:`paused_gc` now (in any thread), and the collector's state before."""

    lock = threading.Lock()
    depth = 0
    was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block without the cyclic garbage collector (reference counting still frees memory).

    A panel of a large group is millions of small objects (Decimals, tuples, strings) kept alive
    together; every few thousand allocations the collector would walk all of them again, which
    took half the time of a warm-up. Nothing here forms reference cycles. Nested and concurrent
    pauses are counted: the collector is enabled again when the last one ends (if it was before).
    """
    with _GcPause.lock:
        if _GcPause.depth == 0:
            _GcPause.was_enabled = gc.isenabled()
            gc.disable()
        _GcPause.depth += 1
    try:
        yield
    finally:
        with _GcPause.lock:
            _GcPause.depth -= 1
            if _GcPause.depth == 0 and _GcPause.was_enabled:
                gc.enable()


def _pruned(tree: Tree, ids: frozenset[str]) -> Tree:
    """The tree's rows of ``ids`` alone: a ``reported`` panel over it has exactly their rows."""
    n, c = tree.nodes, tree.closure
    return Tree(
        nodes=n[n.entity_id.isin(ids)].reset_index(drop=True),
        closure=c[c.entity_id.isin(ids) & c.ancestor_id.isin(ids)].reset_index(drop=True),
    )


def _member_ids(tree: Tree, scope: Scope, among: frozenset[str] | None) -> list[str] | None:
    """Every entity whose facts ``scope``'s panel may read; ``None``: any.

    ``reported``: the entity itself, or ``among``; ``children``: whoever was ever the entity's
    direct subsidiary; ``leaves``: whoever was ever below it (in any period: the engine itself
    keeps the panel's periods and their prior years).
    """
    ids: list[str] | None = None
    if scope.view == "reported" and among is not None:
        ids = sorted(among)
    elif scope.entity is not None and scope.view in ("children", "leaves"):
        c = tree.closure
        below = c[(c.ancestor_id == scope.entity) & (c.depth == 1 if scope.view == "children" else c.depth >= 1)]
        ids = sorted(set(below.entity_id))
    return ids


STATUS_ZH: dict[str, str] = {"draft": "草稿", "submitted": "已提交", "approved": "已通过", "returned": "已退回"}


def _submission_json(sub: Submission, **extra: object) -> str:
    """A submission as the audit log keeps it."""
    record = {
        "id": sub.id,
        "source": Path(sub.source).name,
        "sha256": sub.sha256,
        "kind": sub.kind,
        "rows": sub.rows,
        "status": sub.status,
        "reason": sub.reason,
        **extra,
    }
    return json.dumps(record, ensure_ascii=False)


def _catalog_files(files: Sequence[Path]) -> list[Path]:
    extra = list(files)
    env = os.environ.get("GUOZI_CATALOG")
    if env:
        extra.extend(Path(p) for p in env.split(os.pathsep) if p)
    return extra
