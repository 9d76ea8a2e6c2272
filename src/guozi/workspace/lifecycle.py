"""A month's lifecycle: open for filing by a deadline, close, reopen with a reason.

The lifecycle is a list of appended events kept by the store (``period_events``, see
:mod:`guozi.store.lifecycle`): ``open`` with a deadline, ``close`` and ``reopen`` with a reason, each
for the whole tree or for one root's subtree (one event of the root, and one audit entry naming the
subtree's entities at the time). Closing refuses every later import or upload into the month for
every entity in the subtree in that month, one added to it later included (the store's guard walks
the tree; :func:`closed_figures` names what would be refused); reopening lets them in again. Who is expected
to file and each one's status: :mod:`guozi.workspace.periods`.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.periods import Period
from guozi.store.base import PeriodEvent
from guozi.store.lifecycle import closed_by, closed_pairs, closed_state, closure_chains, touched
from guozi.workspace.periods import Ledger, all_closed, chains_at, closed_members, closed_whole, latest_event, one_unit

if TYPE_CHECKING:
    import pyarrow as pa

    from guozi.store import Store

__all__ = ["close_period", "closed_figures", "closing", "open_period", "reopen_period"]


# --- open, close, reopen --------------------------------------------------------------------
def _event_json(e: PeriodEvent | None) -> str:
    if e is None:
        return ""
    return json.dumps(
        {
            "period": str(Period.from_code(e.period)),
            "root": e.root,
            "action": e.action,
            "deadline": str(e.deadline) if e.deadline else None,
            "reason": e.reason,
            "user": e.user,
        },
        ensure_ascii=False,
    )


def _record(store: Store, period: Period, action: Literal["open", "close", "reopen"], **kw: Any) -> PeriodEvent:
    """Append the event and its audit entry in one transaction."""
    user: str = kw.pop("user") or getpass.getuser()
    root: str = kw.get("root", "")
    with store.atomic():
        before = latest_event(store.period_events(period.code), {root}, ("open", "close", "reopen"))
        event = store.add_period_event(period.code, action, user=user, **kw)
        target = f"period:{period}" + (f"/{root}" if root else "")
        store.audit(
            user=user, action=f"period.{action}", target=target, before=_event_json(before), after=_event_json(event)
        )
    return event


@one_unit
def open_period(ledger: Ledger, period: Period, deadline: date, *, root: str = "", user: str) -> PeriodEvent:
    """Open ``period`` for filing by ``deadline`` (for ``root``'s subtree, or the whole tree); again: a new deadline."""
    events = ledger.store.period_events(period.code)
    if closed_whole(events):
        raise GuoziError(
            f"期间 {period} 已关账；如需继续填报，请用 guozi period reopen {period} --reason 说明原因",
            f"period {period} is closed; to let filing go on, use guozi period reopen {period} --reason TEXT",
        )
    if root and _members(ledger, period, root) and all_closed(ledger.tree(), events, period, [root]):
        raise GuoziError(
            f"期间 {period} 的 {root} 及其下属企业已关账；请先 guozi period reopen {period} --entity {root}",
            f"period {period} is closed for {root}'s subtree; reopen it first (guozi period reopen --entity {root})",
        )
    return _record(ledger.store, period, "open", user=user, root=root, deadline=deadline)


def _members(ledger: Ledger, period: Period, root: str) -> list[str]:
    found = ledger.tree().subtree(root, period)
    if not found:
        raise NotFoundError(f"{period} 没有企业 {root}", f"no entity {root} in {period}")
    return found


def _record_subtree(
    store: Store, period: Period, action: Literal["close", "reopen"], members: Sequence[str], *, root: str, **kw: Any
) -> PeriodEvent:
    """A subtree's step: one event of ``root`` (the store's rule reaches every entity below it in the
    month, one added later included) and one audit entry naming the ``members`` it changed now."""
    user: str = kw.pop("user") or getpass.getuser()
    with store.atomic():
        before = latest_event(store.period_events(period.code), {root}, ("open", "close", "reopen"))
        event = store.add_period_event(period.code, action, user=user, root=root, **kw)
        after = json.loads(_event_json(event)) | {"entities": list(members)}
        store.audit(
            user=user,
            action=f"period.{action}",
            target=f"period:{period}/{root}",
            before=_event_json(before),
            after=json.dumps(after, ensure_ascii=False),
        )
    return event


@one_unit
def close_period(ledger: Ledger, period: Period, *, root: str = "", user: str) -> PeriodEvent:
    """Close ``period`` for the whole tree, or for ``root``'s subtree (every entity of it in ``period``):
    imports and uploads of the closed entities' figures into it are refused from now on."""
    events = ledger.store.period_events(period.code)
    if not root:
        if closed_whole(events) and not _reopened_inside(events):
            raise GuoziError(f"期间 {period} 已经关账", f"period {period} is already closed")
        return _record(ledger.store, period, "close", user=user)  # again: a subtree reopened inside is locked too
    members = _members(ledger, period, root)
    shut = set(closed_members(ledger.tree(), events, period, members))
    todo = [m for m in members if m not in shut]
    if not todo:
        raise GuoziError(
            f"期间 {period} 的 {root} 及其下属企业已经关账", f"period {period} is already closed for {root}'s subtree"
        )
    reason = f"关账 {root} 及其下属企业 closed with {root}'s subtree"
    return _record_subtree(ledger.store, period, "close", todo, root=root, user=user, reason=reason)


def _reopened_inside(events: Sequence[PeriodEvent]) -> bool:
    """Whether a subtree was reopened after the whole tree's latest close."""
    whole = latest_event(events, {""}, ("close",))
    return whole is not None and any(e.action == "reopen" and e.root and e.id > whole.id for e in events)


@one_unit
def reopen_period(ledger: Ledger, period: Period, reason: str, *, root: str = "", user: str) -> PeriodEvent:
    """Reopen a closed ``period`` for the whole tree, or for ``root``'s subtree (its closed entities); the
    reason is kept with the events and in the audit log."""
    if not reason.strip():
        raise GuoziError("重新打开期间须说明原因（--reason）", "reopening a period needs a reason (--reason)")
    events = ledger.store.period_events(period.code)
    if root:
        todo = closed_members(ledger.tree(), events, period, _members(ledger, period, root))
        if not todo:
            raise GuoziError(
                f"期间 {period} 的 {root} 及其下属企业未关账，无需重新打开",
                f"period {period} is not closed for {root}'s subtree; there is nothing to reopen",
            )
        return _record_subtree(ledger.store, period, "reopen", todo, root=root, user=user, reason=reason.strip())
    if not closed_whole(events):
        part = any(e.action == "close" and e.root for e in events)
        hint = ("（只关闭了部分子树：请用 --entity 指定）", " (only subtrees are closed: name one with --entity)")
        raise GuoziError(
            f"期间 {period} 未关账，无需重新打开{hint[0] if part else ''}",
            f"period {period} is not closed; there is nothing to reopen{hint[1] if part else ''}",
        )
    return _record(ledger.store, period, "reopen", user=user, reason=reason.strip())


@one_unit
def closed_figures(ledger: Ledger, tables: Sequence[pa.Table | None]) -> list[tuple[str, Period]]:
    """The (entity, period) pairs of ``tables`` (entity_id, period columns) that lie in a closed month:
    an import or upload of them would be refused (:mod:`guozi.store.lifecycle`)."""
    events = ledger.store.period_events()
    if not any(e.action == "close" for e in events):
        return []
    closure = ledger.tree().closure
    state = closed_state(events)
    found = closed_pairs(state, touched(state, tables), lambda asked: closure_chains(closure, asked))
    return [(e, Period.from_code(p)) for e, p in sorted(found, key=lambda x: (x[1], x[0]))]


@one_unit
def closing(ledger: Ledger, entity: str, period: Period) -> PeriodEvent | None:
    """The ``close`` that locks ``entity``'s figures of ``period`` (its root and who closed it when), or None
    when they may be filed (the store's rule: the whole tree's, its own or an ancestor's latest step)."""
    events = ledger.store.period_events(period.code)
    if not any(e.action == "close" for e in events):
        return None
    roots = chains_at(ledger.tree(), period, [entity])[entity]
    return closed_by(closed_state(events), period.code, {entity, *roots})
