"""The monthly reporting cycle: who is expected to file a month, who has, and which month to show.

A month's lifecycle (open, close, reopen) is :mod:`guozi.workspace.lifecycle`; a month is
``closed`` for a viewer when it is closed for the whole tree or for every entity under the
viewer's roots.

**Who is expected to file** month ``P`` under root ``R``: every entity of ``R``'s subtree alive in
``P`` by the tree's validity periods (and not yet ``established``, where that column is given).
Every such entity files its own form: a leaf or a ``single`` entity (本部) its own figures, a parent
its 合并 report — the figures the reported view shows, so a month is complete only when the
parents' reports are in too. Without a root, every entity of the tree alive in ``P``.

**Its status** (:data:`FILING_STATUSES`): ``approved`` when approved figures of the entity for
``P`` are in the store (an import with ``guozi import`` lands approved); otherwise the status of
the entity's latest submission holding figures of ``P`` (``draft``, ``submitted``, ``returned``);
otherwise ``missing``. **Overdue**: the deadline of the latest ``open`` for the whole tree or for
one of the entity's roots (itself or an ancestor) has passed and the filer's part is not done
(``missing``, ``draft`` or ``returned``). The chase list (催报名单) is those entities.

**The default period** (:func:`default_period`) of every command and page: the latest closed
month holding figures (closed for the whole tree, or for every entity under the viewer's roots); with none closed, the latest month complete for the viewer's roots (every
expected entity has approved figures); only then the latest month holding any figures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, cast

import pandas as pd

from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.store.base import PeriodEvent, Submission
from guozi.store.lifecycle import LOCKING, closed_by, closed_state
from guozi.workspace.filings import CHASED, Filing, FilingProgress, FilingStatus, PeriodStatus, State

if TYPE_CHECKING:
    from guozi.store import Store
    from guozi.tree import Tree

__all__ = [
    "Ledger",
    "all_closed",
    "chains_at",
    "closed_members",
    "closed_whole",
    "default_period",
    "expected_entities",
    "filing_period",
    "latest_event",
    "one_unit",
    "period_status",
    "progress",
]


P = ParamSpec("P")
T = TypeVar("T")


class Ledger(Protocol):
    """What this module reads of the workspace (:class:`~guozi.workspace.Workspace` is one)."""

    store: Store

    def tree(self) -> Tree: ...

    def submission_keys(self, submission_id: int) -> list[tuple[str, int]]: ...


def one_unit(work: Callable[P, T]) -> Callable[P, T]:
    """``work(ledger, …)`` as one unit of work of the store (its lock held throughout: the file opened once)."""

    @functools.wraps(work)
    def held(*args: P.args, **kwargs: P.kwargs) -> T:
        ledger = cast("Ledger", args[0])
        with ledger.store.lock:
            return work(*args, **kwargs)

    return held


# --- who is expected --------------------------------------------------------------------------
def _roots_text(roots: Sequence[str] | None) -> str:
    return ",".join(roots) if roots else ""


def expected_entities(tree: Tree, period: Period, roots: Sequence[str] | None = None) -> pd.DataFrame:
    """The entities expected to file ``period`` under ``roots`` (all of the tree without): one row each.

    An unknown root, or one not alive in ``period``, is refused (NotFoundError).
    """
    at = tree.at(period).drop_duplicates("entity_id")
    if roots:
        members: set[str] = set()
        for r in roots:
            found = tree.subtree(r, period)
            if not found:
                raise NotFoundError(f"{period} 没有企业 {r}", f"no entity {r} in {period}")
            members.update(found)
        at = at[at.entity_id.isin(members)]
    if "established" in at.columns:
        at = at[[_established_by(v, period) for v in at["established"]]]
    return at.sort_values(["level", "entity_id"], kind="stable").reset_index(drop=True)


def _established_by(value: object, period: Period) -> bool:
    if not isinstance(value, str) or not value.strip():
        return True
    try:
        return Period.parse(value.strip()[:7]) <= period
    except ValueError:
        return True  # the contract's checks speak of a bad value; here it does not hide the entity


def _approved(store: Store, period: Period) -> set[str]:
    """The entities holding approved figures for ``period``."""
    facts = store.facts()
    ids = facts.filter(facts.period == period.code).select("entity_id").distinct().to_pyarrow()
    return {str(e) for e in ids.column("entity_id").to_pylist()}


# --- the lifecycle ----------------------------------------------------------------------------
def chains_at(tree: Tree, period: Period, entities: Sequence[str]) -> dict[str, set[str]]:
    """Each entity, its ancestors in ``period``, and ``""`` (the whole tree): the roots whose events reach it."""
    c = tree.closure
    sel = c[(c.from_code <= period.code) & (c.to_code >= period.code) & c.entity_id.isin(entities)]
    out: dict[str, set[str]] = {str(e): {""} for e in entities}
    for e, a in zip(sel.entity_id, sel.ancestor_id, strict=True):
        out[str(e)].add(str(a))
    return out


def latest_event(events: Sequence[PeriodEvent], roots: set[str], actions: Sequence[str]) -> PeriodEvent | None:
    """The latest of ``events`` of one of ``roots`` ("" the whole tree) and one of ``actions``."""
    found = [e for e in events if e.root in roots and e.action in actions]
    return max(found, key=lambda e: e.id) if found else None


def closed_whole(events: Sequence[PeriodEvent]) -> bool:
    """Whether the whole tree's latest close or reopen of the period is ``close`` (the store's rule for every entity)."""
    last = latest_event(events, {""}, LOCKING)
    return last is not None and last.action == "close"


def closed_members(tree: Tree, events: Sequence[PeriodEvent], period: Period, members: Sequence[str]) -> list[str]:
    """The ``members`` closed in ``period`` by the store's rule: the latest close or reopen of the whole
    tree, the entity or one of its ancestors in ``period`` is a close."""
    if not any(e.action == "close" for e in events):
        return []
    state = closed_state(events)
    chains = chains_at(tree, period, members)
    return [m for m in members if closed_by(state, period.code, chains[m]) is not None]


def all_closed(tree: Tree, events: Sequence[PeriodEvent], period: Period, roots: Sequence[str]) -> bool:
    """Whether every entity of the ``roots``' subtrees is closed in ``period`` (the store's rule)."""
    members = sorted({m for r in roots for m in tree.subtree(r, period)})
    return bool(members) and len(closed_members(tree, events, period, members)) == len(members)


def _closed_for(tree: Tree, events: Sequence[PeriodEvent], period: Period, roots: Sequence[str] | None) -> bool:
    """Closed for a viewer of ``roots``: for the whole tree, or for every entity under the roots."""
    return closed_whole(events) or (bool(roots) and all_closed(tree, events, period, roots or ()))


def _scope(
    tree: Tree, events: Sequence[PeriodEvent], period: Period, roots: Sequence[str] | None
) -> tuple[State, date | None]:
    """The month's state and deadline for a viewer of ``roots`` (any root without).

    Closed when closed for the whole tree (the store's rule); open when an ``open`` or ``reopen``
    reached the roots (made for the whole tree, one of them or an ancestor).
    """
    reach = set().union(*chains_at(tree, period, roots).values()) if roots else {"", *(e.root for e in events)}
    opened = latest_event(events, reach, ("open",))
    deadline = opened.deadline if opened is not None else None
    if _closed_for(tree, events, period, roots):
        return "closed", deadline
    return ("open" if latest_event(events, reach, ("open", "reopen")) is not None else "unopened"), deadline


# --- status ---------------------------------------------------------------------------------
@one_unit
def period_status(
    ledger: Ledger, period: Period, roots: Sequence[str] | None = None, *, today: date | None = None
) -> PeriodStatus:
    """Every expected entity's filing of ``period`` under ``roots`` (see the module's rules)."""
    today = today or date.today()
    store = ledger.store
    tree = ledger.tree()
    expected = expected_entities(tree, period, roots)
    events = tuple(store.period_events(period.code))
    approved = _approved(store, period)
    latest = _latest_submissions(ledger, period, set(expected.entity_id))
    reviews: dict[int, Reviewed] = {}
    filings = []
    names = expected["name"] if "name" in expected.columns else expected["entity_id"]
    chains = chains_at(tree, period, list(expected.entity_id))
    for e, name, parent, level in zip(expected.entity_id, names, expected.parent_id, expected.level, strict=True):
        opened = latest_event(events, chains[str(e)], ("open",))
        deadline = opened.deadline if opened is not None else None
        sub = latest.get(str(e), {}).get("approved" if e in approved else "other")
        status: FilingStatus = "approved" if e in approved else _filing_status(sub)
        reviewer, reviewed_at, checker, checked_at = _reviewer(store, sub, reviews)
        filings.append(
            Filing(
                entity_id=str(e),
                name=str(name) if isinstance(name, str) else str(e),
                parent_id=parent if isinstance(parent, str) else "",
                level=int(level),
                status=status,
                deadline=deadline,
                overdue=status in CHASED and deadline is not None and today > deadline,
                submission_id=sub.id if sub is not None else None,
                user=sub.user if sub is not None else "",
                filed_at=sub.created_at if sub is not None else None,
                reviewed_by=reviewer,
                reviewed_at=reviewed_at,
                checked_by=checker,
                checked_at=checked_at,
            )
        )
    state, deadline = _scope(tree, events, period, roots)
    return PeriodStatus(period, _roots_text(roots), state, deadline, tuple(filings), events)


Reviewed = tuple[str, datetime | None, str, datetime | None]


def _filing_status(sub: Submission | None) -> FilingStatus:
    """A submission's status as a filing's: ``checked`` (初审通过) still waits for headquarters (submitted)."""
    if sub is None:
        return "missing"
    return "submitted" if sub.status == "checked" else sub.status


def _reviewer(store: Store, sub: Submission | None, seen: dict[int, Reviewed]) -> Reviewed:
    """Who approved or returned ``sub`` and when (nobody for an import, a draft or a submitted one), and
    who checked it at the first level of two, and when (nobody under one level)."""
    if sub is None or sub.status not in ("approved", "returned", "checked"):
        return "", None, "", None
    if sub.id not in seen:
        steps = store.reviews(sub.id)
        final = [r for r in steps if r.status == sub.status and sub.status != "checked"]
        checked = [r for r in steps if r.status == "checked"]
        seen[sub.id] = (
            final[-1].user if final else "",
            final[-1].at if final else None,
            checked[-1].user if checked else "",
            checked[-1].at if checked else None,
        )
    return seen[sub.id]


def _latest_submissions(ledger: Ledger, period: Period, entities: set[str]) -> dict[str, dict[str, Any]]:
    """Per entity: its latest approved submission holding figures of ``period`` and its latest other one."""
    out: dict[str, dict[str, Any]] = {}
    for sub in ledger.store.submissions():  # oldest first: a later one replaces an earlier one
        if sub.kind in ("entities", "targets"):
            continue
        kind = "approved" if sub.status == "approved" else "other"
        for e, p in ledger.submission_keys(sub.id):
            if p == period.code and e in entities:
                out.setdefault(e, {})[kind] = sub
    return out


@one_unit
def progress(ledger: Ledger, period: Period, roots: Sequence[str] | None = None) -> FilingProgress:
    """How far ``period``'s filing is under ``roots``: a count, without who and when."""
    tree = ledger.tree()
    expected = set(expected_entities(tree, period, roots).entity_id)
    state, deadline = _scope(tree, ledger.store.period_events(period.code), period, roots)
    done = len(expected & _approved(ledger.store, period))
    return FilingProgress(period, _roots_text(roots), state, deadline, done, len(expected))


@one_unit
def filing_period(ledger: Ledger, roots: Sequence[str] | None = None) -> Period:
    """The month the 上报情况 page shows by default: the latest one open for filing under ``roots``, else the default."""
    tree = ledger.tree()
    by_period: dict[int, list[PeriodEvent]] = {}
    for e in ledger.store.period_events():
        by_period.setdefault(e.period, []).append(e)
    for code in sorted(by_period, reverse=True):
        p = Period.from_code(code)
        if _scope(tree, by_period[code], p, roots)[0] == "open":
            return p
    return default_period(ledger, roots)


@one_unit
def default_period(ledger: Ledger, roots: Sequence[str] | None = None) -> Period:
    """The month a command or page shows when none is asked for (see the module's rules; a month closed for
    every entity under ``roots`` counts as closed for them)."""
    store = ledger.store
    codes = store.periods()
    if not codes:
        raise NotFoundError(
            "存储中还没有数据，请先 guozi import", "the store holds no facts yet; run guozi import first"
        )
    events = store.period_events()
    by_period: dict[int, list[PeriodEvent]] = {}
    for e in events:
        by_period.setdefault(e.period, []).append(e)
    held = set(codes)
    tree = ledger.tree()
    closed = [c for c, evs in by_period.items() if c in held and _closed_for(tree, evs, Period.from_code(c), roots)]
    if closed:
        return Period.from_code(max(closed))
    for code in reversed(codes):
        p = Period.from_code(code)
        try:
            expected = set(expected_entities(tree, p, roots).entity_id)
        except NotFoundError:
            continue  # the root is not in the tree this month
        if expected and expected <= _approved(store, p):
            return p
    return Period.from_code(codes[-1])
