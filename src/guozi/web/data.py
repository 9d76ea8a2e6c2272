"""What the pages and the API show, as plain records: workspace results, cached per store state.

No figure is computed here: every value comes from a :class:`~guozi.workspace.Workspace` method
(``indicators``, ``evaluate_targets``, ``regime_verdict``, ``warnings``, ``loss_makers``, ``eva``,
``report``, ``history``, ``tree_view``, ``trend``, ``indicator_inputs``, ``periods``); this module
only keeps them, picks rows and turns values into JSON. A warning's sentence is worded only when a
page reads it (:class:`WarningRow`).

Caching: a period's results are computed once per *store state* (:meth:`~guozi.workspace.Workspace.state`:
the store's version, i.e. its last submission and review step, with this process's writes). An
import or a review step changes the state and empties the cache. A change made by this process is seen by the next request; one made by another process
(a second server or a CLI on the same PostgreSQL database) within :data:`STATE_TTL` seconds, the
store being asked at most that often. Workspace calls are serialised by the store's lock (the store
is one connection, which the engine's Ibis queries use too): :attr:`WebData.lock` is that lock, so
a computation here and a store call anywhere else (a sign-in, a scope check rebuilding the tree)
never run at once. Cached answers are immutable and served without it, so a long computation does
not hold up pages already computed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TypeVar, cast

import pandas as pd

from guozi.analyses.eva import eva_records
from guozi.analyses.losses import loss_entity_rows, loss_summary_rows
from guozi.catalog.files import SHIPPED, data_path
from guozi.engine.panel import View
from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.periods import Period
from guozi.report import Report
from guozi.store.base import User
from guozi.web.jobs import ReportOrder
from guozi.web.rows import Made, PanelRows, WarningRow, WarningRows, clean, clean_rows, records
from guozi.web.security import SESSION_MAX_AGE, new_token
from guozi.workspace import Workspace, paused_gc
from guozi.workspace.accounts import accounts_generation
from guozi.workspace.browse import TreeView

__all__ = ["PanelRows", "WarningRow", "WarningRows", "WebData", "clean", "file_name", "records"]

T = TypeVar("T")
USER_TTL = 5.0  # seconds an account is trusted from the cache (changes through guozi.workspace.accounts apply at once)
USER_BUSY_TTL = 300.0  # ... and while the store is busy with a long computation (see WebData.user)
PAGES = 2000  # rendered pages kept per store state (the least recently used go first)
STATE_TTL = 1.0  # seconds between two looks at the store's version for changes made by other processes
LOOK_WAIT = 0.25  # seconds refresh() waits for such a look (or user() for an account's) before answering from the cache
PAGE_WAIT = 0.0  # ... and a page's request: none, a look the file makes slow never holds a page (issue 18)
_MISSING = object()
LOG = logging.getLogger("guozi.web")
TREND_MONTHS = 12


def file_name(source: object) -> str:
    """A stored ``source`` (the path a file was read from) as the web shows it: the file's name only."""
    text = str(source or "")
    return PureWindowsPath(text).name if "\\" in text else PurePosixPath(text).name


def session_digest(sid: str) -> str:
    """What the audit log keeps of a session id: its SHA-256, so the log holds no usable token."""
    return hashlib.sha256(sid.encode()).hexdigest()


def _session_json(sid: str) -> str:
    return json.dumps({"session": session_digest(sid)})


class WebData:
    """The workspace behind the web app, with a cache of its answers per store state."""

    page_wait = PAGE_WAIT  # what a page's request passes to refresh() and user()

    def __init__(self, ws: Workspace, *, warm_up: bool = False) -> None:
        self.ws = ws
        self.warm_up = warm_up  # compute the latest overview in the background after each change
        # the store's own lock: held by every store method, it is held here too around every engine
        # computation (Ibis queries on the store's connection), so no two threads ever use it at once
        self.lock: threading.RLock = ws.store.lock
        self._cache: dict[Hashable, Any] = {}
        self._state: Hashable = None
        self._writes = -1  # the store's write count when its version was last read
        self._checked = -math.inf  # time.monotonic() of that look
        self._users: dict[str, tuple[User | None, int, float]] = {}
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._pages_lock = threading.Lock()
        self._background: dict[str, threading.Event] = {}  # the looks at the store running in a thread, by what
        self._ended: frozenset[str] = frozenset()  # digests of the sessions signed out (see end_session)
        self._ended_checked = -math.inf

    # -- cache -----------------------------------------------------------------------------
    def refresh(self, wait: float | None = None) -> None:
        """Empty the cache if the store changed since the last look (called once per request).

        Free when this process wrote nothing and the store was asked less than :data:`STATE_TTL`
        seconds ago. A write of this process is always waited for. The periodic look for other
        processes' changes runs in a thread of its own, waited for at most ``wait`` seconds (default
        :data:`LOOK_WAIT`; a page's request: :data:`PAGE_WAIT`): while another thread computes, or another process holds the store's file (a
        report job reading its figures, a command), the request answers from the cache and the
        look ends in the background.
        """
        writes = self.ws.store.writes
        if writes == self._writes and time.monotonic() - self._checked < STATE_TTL:
            return
        if writes != self._writes:
            with self.lock:
                self._look()
            return
        self._in_background("state", self._look_when_free).wait(LOOK_WAIT if wait is None else wait)

    def _look_when_free(self) -> None:
        with self.lock:
            self._look()

    def _look(self) -> None:
        """Read the store's state (under its lock); a change empties the cache and starts the warm-up."""
        writes = self.ws.store.writes
        try:
            state = self.ws.state()  # the workspace drops its own panels and tree of another state
        except GuoziError:  # the file held by another process all along: look again later
            self._checked = time.monotonic()
            LOG.warning("the store was busy; its state is read again in %.0f s", STATE_TTL)
            return
        self._writes, self._checked = writes, time.monotonic()
        if state != self._state:
            self._cache = {}
            with self._pages_lock:
                self._pages = OrderedDict()
            self._state = state
            if self.ws.periods():
                self.ws.tree()  # rebuilt here, under the lock, not by a scope check outside it
                if self.warm_up:
                    threading.Thread(target=self.warm, name="guozi-warm-up", daemon=True).start()

    def _in_background(self, key: str, work: Callable[[], None]) -> threading.Event:
        """``work()`` in a thread of its own unless one for ``key`` runs already; set when it ends."""
        with self._pages_lock:
            running = self._background.get(key)
            if running is not None:
                return running
            done = self._background[key] = threading.Event()

        def run() -> None:
            try:
                work()
            except Exception:
                LOG.exception("%s in the background failed", key)
            finally:
                with self._pages_lock:
                    self._background.pop(key, None)
                done.set()

        threading.Thread(target=run, name=f"guozi-{key}", daemon=True).start()
        return done

    def warm(self) -> None:
        """Compute what the latest period's overview and drill-down need, before anybody asks.

        Run in the background when the server starts and after each change of the store (with
        ``warm_up``): the panels of every entity, and the top entity's targets, verdict,
        warnings, loss-makers and trend. A failure here is logged; the request that needs the
        figure then computes it again and shows its error.
        """
        try:
            self.refresh()
            with self.lock:  # every use of the store's connection is under the lock
                if not self.ws.periods():
                    return
            started = time.perf_counter()
            p = self.period(None)
            for view in ("reported", "children"):
                self.full_panel(p, view)
            for e in self.roots(p)[:1]:
                self.targets(p, e, False)
                self.verdict(p, e)
                self.warnings(p, e)
                self.losses(p, e)
                self.trend(p, e)
                # the overview's chart sets the year beside the year before, of this year's indicators
                self.trend(p.shift(-12), e, self.indicator_codes(p))
            LOG.info("warm-up of %s took %.1f s", p, time.perf_counter() - started)
        except Exception:
            LOG.exception("warm-up failed")

    @property
    def state(self) -> Hashable:
        """The store state the cache belongs to (as of the last :meth:`refresh`)."""
        return self._state

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per store state (see :meth:`refresh`) and ``key``; a hit takes no lock."""
        found = self._cache.get(key, _MISSING)
        if found is not _MISSING:
            return cast(T, found)
        with self.lock:
            cache = self._cache
            if key in cache:
                hit: T = cache[key]
                return hit
            with paused_gc():  # a period's panels are millions of small objects: no collector walks over them
                value = compute()
            cache[key] = value
            return value

    def page(self, key: Hashable, render: Callable[[], str]) -> str:
        """A rendered page: ``render()`` once per store state and ``key``, the last :data:`PAGES` kept."""
        with self._pages_lock:
            pages = self._pages
            found = pages.get(key)
            if found is not None:
                pages.move_to_end(key)
                return found
        text = render()
        with self._pages_lock:
            if pages is self._pages:  # not emptied by a change meanwhile
                pages[key] = text
                while len(pages) > PAGES:
                    pages.popitem(last=False)
        return text

    # -- sessions ----------------------------------------------------------------------------
    def start_session(self, user: str) -> str:
        """A new session id for ``user``, its start written to the audit log."""
        sid = new_token()
        with self.lock:
            self.ws.store.audit(user=user, action="session.start", target=user, after=_session_json(sid))
        return sid

    def end_session(self, user: str, sid: str) -> None:
        """Sign the session ``sid`` out for good: its cookie is refused from now on, by every server
        process on the store and after a restart (the end is in the audit log, found there for as long
        as a cookie lives)."""
        with self.lock:
            self.ws.store.audit(user=user, action="session.end", target=user, after=_session_json(sid))
            self._ended = self._ended | {session_digest(sid)}

    def session_ended(self, sid: str) -> bool:
        """Whether the session ``sid`` was signed out (the list read again at most every STATE_TTL seconds)."""
        if time.monotonic() - self._ended_checked >= STATE_TTL and self.lock.acquire(blocking=False):
            try:
                since = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=SESSION_MAX_AGE)
                ended = self.ws.store.audit_log(1_000_000, action="session.end", since=since)
                digests = {json.loads(e.after).get("session", "") for e in ended if e.after.startswith("{")}
                self._ended = self._ended | digests
                self._ended_checked = time.monotonic()
            finally:
                self.lock.release()
        return session_digest(sid) in self._ended

    def user(self, name: str, wait: float | None = None) -> User | None:
        """The account ``name``, read at most every few seconds (and again after any change made here).

        An account read less than :data:`USER_BUSY_TTL` seconds ago is read again in a thread of its
        own, waited for at most ``wait`` seconds (default :data:`LOOK_WAIT`): while the store is busy (a long
        computation holds its lock, or a report job's process its file) the one read before is
        trusted a while longer, so a signed-in user's cached pages never wait. A change made through
        this process is always waited for.
        """
        now = time.monotonic()
        hit = self._users.get(name)
        if hit is not None and hit[1] == accounts_generation():
            age = now - hit[2]
            if age < USER_TTL:
                return hit[0]
            if age < USER_BUSY_TTL and not self._lock_free():
                return hit[0]
            if age < USER_BUSY_TTL:
                reading = self._in_background(f"user {name}", functools.partial(self._read_user, name))
                reading.wait(LOOK_WAIT if wait is None else wait)
                return self._users.get(name, hit)[0]
        self._read_user(name)
        return self._users[name][0]

    def _read_user(self, name: str) -> None:
        now = time.monotonic()
        with self.lock:
            user = self.ws.store.get_user(name)
            if len(self._users) > 10_000:
                self._users = {}
            self._users[name] = (user, accounts_generation(), now)

    def _lock_free(self) -> bool:
        """Whether the store's lock could be taken now (taken and let go at once if so)."""
        if self.lock.acquire(blocking=False):
            self.lock.release()
            return True
        return False

    # -- periods and the tree --------------------------------------------------------------
    def period(self, text: str | None, roots: Sequence[str] | None = None) -> Period:
        """The period asked for (``YYYY-MM``), or the default for a viewer of ``roots`` (the whole tree without).

        The default (:meth:`~guozi.workspace.Workspace.default_period`): the latest closed month;
        with none closed, the latest month complete under ``roots``; only then the latest holding facts.
        """
        if text:
            try:
                return Period.parse(text)
            except (ValueError, TypeError) as exc:
                raise NotFoundError(f"期间格式应为 YYYY-MM，实为 {text}", f"a period is YYYY-MM, not {text}") from exc
        key = tuple(roots) if roots else None
        return self.cached(("default-period", key), lambda: self.ws.default_period(key))

    def periods(self) -> list[str]:
        """Every period holding facts, newest first."""
        return self.cached(("periods",), lambda: [str(p) for p in reversed(self.ws.periods())])

    def tree_view(self, period: Period) -> TreeView:
        """The tree as valid in ``period`` (:meth:`Workspace.tree_view`)."""
        return self.cached(("tree", period.code), lambda: self.ws.tree_view(period))

    def nodes(self, period: Period) -> pd.DataFrame:
        """The tree's nodes valid in ``period``, indexed by entity id."""
        return self.tree_view(period).nodes

    def children_of(self, period: Period) -> Mapping[str, list[str]]:
        """Each node's direct children in ``period``, by id."""
        return self.tree_view(period).children

    def roots(self, period: Period) -> list[str]:
        """The tops of the tree in ``period``, biggest first."""
        return list(self.tree_view(period).roots)

    def name(self, period: Period, entity: str) -> str:
        """The entity's name in ``period`` (its id when it has none)."""
        return self.tree_view(period).name(entity)

    def path(self, period: Period, entity: str) -> list[str]:
        """The chain from the top of the tree down to ``entity``."""
        return self.tree_view(period).path(entity)

    # -- panels ----------------------------------------------------------------------------
    def indicator_codes(self, period: Period) -> list[str]:
        """The regime's indicators for ``period``."""
        return self.cached(("codes", period.code), lambda: self.ws.regime_indicators(period))

    def full_panel(self, period: Period, view: View) -> Mapping[str, dict[str, dict[str, Any]]]:
        """Every entity's ``{indicator: row}`` (``reported`` or ``children`` sums) of the regime's indicators.

        The rows of an entity are made into JSON-ready records when first read (:class:`PanelRows`):
        a page shows a few dozen entities of the 100 000 a large group's panel holds.
        """

        def compute() -> PanelRows:
            f = self.ws.indicators(period, view=view).frame
            return PanelRows(f[f.period == str(period)])

        return self.cached(("panel", period.code, view), compute)

    def rows_for(self, period: Period, view: View, ids: Sequence[str]) -> dict[str, dict[str, dict[str, Any]]]:
        """``{entity: {indicator: row}}`` of the cached full panel for ``ids``."""
        full = self.full_panel(period, view)
        return {i: full.get(i, {}) for i in ids}

    def trend(self, period: Period, entity: str, codes: Sequence[str] | None = None) -> dict[str, list[Any]]:
        """The last twelve months of ``codes`` (default: the regime's indicators) for ``entity``:
        ``{indicator: [values]}`` and ``periods``. Any indicator is computed by its catalogue
        definition, whether or not ``period``'s regime assesses it (the prior year of a new one)."""
        wanted = tuple(codes) if codes is not None else tuple(self.indicator_codes(period))

        def compute() -> dict[str, list[Any]]:
            t = self.ws.trend(period, entity, indicators=list(wanted), months=TREND_MONTHS)
            out: dict[str, list[Any]] = {"periods": [str(m) for m in t.periods]}
            out.update({code: [clean(v) for v in values] for code, values in t.values.items()})
            return out

        return self.cached(("trend", period.code, entity, wanted), compute)

    # -- assessments -------------------------------------------------------------------------
    def targets(self, period: Period, entity: str, subtree: bool) -> list[dict[str, Any]]:
        """Target progress rows (entity, indicator, value, target, completion, pace, status …)."""
        return self.cached(
            ("targets", period.code, entity, subtree),
            lambda: records(self.ws.evaluate_targets(period, entity=entity, subtree=subtree).frame),
        )

    def verdict(self, period: Period, entity: str) -> list[dict[str, Any]]:
        """The regime's verdict of ``entity``, clause by clause."""

        def compute() -> list[dict[str, Any]]:
            out = []
            for v in self.ws.regime_verdict(period, entity=entity):
                out.append(
                    {
                        "entity_id": v.entity_id,
                        "name": v.name,
                        "regime": v.regime,
                        "phrase_zh": v.phrase_zh,
                        "phrase_en": v.phrase_en,
                        "passed": v.passed,
                        "clauses": [clean(c.__dict__) for c in v.clauses],
                    }
                )
            return out

        return self.cached(("verdict", period.code, entity), compute)

    def warnings(self, period: Period, entity: str) -> dict[str, Any]:
        """Warnings of ``entity``'s subtree, most serious first, and the checks not made.

        The warnings are :class:`WarningRows`: a warning is made, as a :class:`WarningRow`, only
        when a page reads it, and its sentence worded in a language only when a page reads that
        (``row["message_zh"]``); the counts and filters read their columns.
        """

        def compute() -> dict[str, Any]:
            report = self.ws.warnings(period, entity=entity, subtree=True)
            sev = {k: {"name_zh": s.name("zh"), "name_en": s.name("en")} for k, s in report.rules.severities.items()}
            return {
                "severities": sev,
                "warnings": WarningRows(report.warnings),
                "gaps": [clean(g.__dict__) for g in report.gaps],
            }

        return self.cached(("warnings", period.code, entity), compute)

    def losses(self, period: Period, entity: str) -> dict[str, Any]:
        """Loss-makers in ``entity``'s subtree: counts by level and the entities."""

        def compute() -> dict[str, Any]:
            report = self.ws.loss_makers(period, entity=entity)
            rows = {
                f"{k}_{lang}": functools.partial(clean_rows, make, report, lang)
                for lang in ("zh", "en")
                for k, make in (("groups", loss_summary_rows), ("entities", loss_entity_rows))
            }
            return Made({"missing": list(report.missing)}, rows)  # each language's rows when first read

        return self.cached(("losses", period.code, entity), compute)

    def eva(self, period: Period, entity: str) -> dict[str, list[dict[str, Any]]]:
        """EVA rows of ``entity``'s subtree with every step."""

        def compute() -> dict[str, list[dict[str, Any]]]:
            report = self.ws.eva(period, entity=entity, subtree=True)
            return {lang: [clean(r) for r in eva_records(report, lang)] for lang in ("zh", "en")}

        return self.cached(("eva", period.code, entity), compute)

    def report(self, period: Period, entity: str) -> Report:
        """The monthly report's content for ``entity``'s subtree (rendered to a file by a job)."""
        return self.cached(("report", period.code, entity), lambda: self.ws.report(period, entity=entity))

    def report_source(self, period: Period, entity: str) -> Report | ReportOrder:
        """What a report job renders: when another process can open the store (a DuckDB file), the
        order by which the job's own process reads the figures, so that neither this process's
        interpreter nor the store's lock is taken from the pages; else the content, read here."""
        url = str(getattr(self.ws.store, "url", ""))
        if url.startswith("duckdb:///") and not url.endswith(":memory:"):
            shipped = {str(data_path(name)) for name in SHIPPED}
            extra = tuple(f for f in self.ws.catalog.files if f not in shipped)
            return ReportOrder(url, extra, period, entity)
        return self.report(period, entity)

    def entity_indicators(self, period: Period, entity: str) -> list[dict[str, Any]]:
        """Every computable indicator of ``entity`` (its reported figures), with prior year."""

        def compute() -> list[dict[str, Any]]:
            panel = self.ws.indicators(period, indicators=self.ws.catalog.computable(), entity=entity)
            f = panel.frame
            return records(f[f.period == str(period)])

        return self.cached(("entity", period.code, entity), compute)

    def history(self, period: Period, entity: str, item: str | None = None) -> list[dict[str, Any]]:
        """Every version of ``entity``'s figures for ``period``, who submitted each and when.

        ``source`` is the file's name as its sender named it: the store keeps where the file was
        read (for an upload, the server's private upload folder), which is nobody's business here.
        """

        def compute() -> list[dict[str, Any]]:
            rows = records(self.ws.history(entity, period, item))
            for r in rows:
                r["source"] = file_name(r.get("source"))
            return rows

        return self.cached(("history", period.code, entity, item), compute)

    def explain(self, period: Period, entity: str, code: str) -> dict[str, Any]:
        """An indicator explained: its formula, its inputs with every version and who submitted it."""

        def compute() -> dict[str, Any]:
            ind = self.ws.catalog.indicator(code)
            rows = [r for r in self.entity_indicators(period, entity) if r["indicator"] == code]
            inputs = [
                {
                    "item": i.item,
                    "role": i.role,
                    "period": str(i.period),
                    "name_zh": i.name_zh,
                    "name_en": i.name_en,
                    "versions": self.history(i.period, entity, i.item),
                }
                for i in self.ws.indicator_inputs(code, period)
            ]
            return {
                "code": code,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "direction": ind.direction,
                "formula": ind.formula or "",
                "source": ind.source,
                "note": ind.note,
                "row": rows[0] if rows else None,
                "inputs": inputs,
            }

        return self.cached(("explain", period.code, entity, code), compute)
