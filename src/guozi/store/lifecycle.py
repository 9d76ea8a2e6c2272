"""Which periods are closed to writing: the rule the store applies to every write of figures.

A period's lifecycle is a list of appended events (``period_events``): ``open`` (with a deadline),
``close``, ``reopen`` (with a reason), each for the whole tree (``root = ''``) or for one root
entity's subtree. The rule:

- for a figure of entity ``E`` in period ``P``, the events that count are the ``close`` and
  ``reopen`` events of ``P`` whose root is ``''`` (the whole tree), ``E`` itself or an ancestor of
  ``E`` in ``P`` (by the tree as it stands, valid in ``P``);
- the latest of them (by id) decides: ``close`` refuses the figure, ``reopen`` (or no event) lets it in.
  ``open`` only sets a deadline: it neither locks nor unlocks.

So a closed subtree month covers every entity that is in the subtree in that month, an entity
added to it later by an entities import included, and reopening the subtree (or the whole tree)
reopens it too. Closing the whole tree locks every entity; reopening one subtree of it lets only
that subtree file again; closing a subtree inside a reopened one locks it again. Stores written
before this rule hold one ``close`` per member entity of a subtree: the rule reads them alike. A
write holding any refused figure is refused whole, nothing written; the message names each
refused entity and period, the closed root and who closed it when.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.store.base import PeriodEvent
from guozi.tree import build_tree

__all__ = [
    "LOCKING",
    "closed_by",
    "closed_pairs",
    "closed_state",
    "closure_chains",
    "refuse_closed",
    "touched",
    "tree_chains",
]

SHOWN = 5  # refused (entity, period) pairs named in the message
LOCKING = ("close", "reopen")  # the actions that lock or unlock; ``open`` only sets a deadline

State = dict[int, dict[str, PeriodEvent]]
Pair = tuple[str, int]
Chains = Callable[[Collection[Pair]], Mapping[Pair, Collection[str]]]


def closed_state(events: Iterable[PeriodEvent]) -> State:
    """Per period with a close or reopen: the latest such event of each root (``''`` the whole tree)."""
    out: State = {}
    for e in sorted(events, key=lambda e: e.id):
        if e.action in LOCKING:
            out.setdefault(e.period, {})[e.root] = e
    return out


def closed_by(state: State, period: int, roots: Iterable[str]) -> PeriodEvent | None:
    """The ``close`` that locks a figure reached by ``roots`` (``''``, the entity, its ancestors) in
    ``period``, or None when the latest close or reopen among them is a reopen (or there is none)."""
    mine = state.get(period, {})
    latest = max((mine[r] for r in {"", *roots} if r in mine), key=lambda e: e.id, default=None)
    return latest if latest is not None and latest.action == "close" else None


def tree_chains(entities: pd.DataFrame, pairs: Collection[Pair]) -> dict[Pair, set[str]]:
    """Each (entity, period) of ``pairs`` and its ancestors in that period by the tree of ``entities``
    (the store's entity rows; an entity the tree does not hold has none)."""
    if entities.empty or not pairs:
        return {p: set() for p in pairs}
    return closure_chains(build_tree(entities).closure, pairs)


def closure_chains(closure: pd.DataFrame, pairs: Collection[Pair]) -> dict[Pair, set[str]]:
    """Each (entity, period) of ``pairs`` and its ancestors in that period by a tree's ``closure``
    (:attr:`guozi.tree.Tree.closure`; an entity it does not hold has none)."""
    out: dict[Pair, set[str]] = {p: set() for p in pairs}
    periods: dict[str, set[int]] = {}
    for e, p in pairs:
        periods.setdefault(e, set()).add(p)
    c = closure[closure.entity_id.isin(list(periods)) & (closure.depth > 0)]
    for e, a, lo, hi in zip(c.entity_id, c.ancestor_id, c.from_code, c.to_code, strict=True):
        for p in periods[str(e)]:
            if lo <= p <= hi:
                out[(str(e), p)].add(str(a))
    return out


def touched(state: State, tables: Iterable[pa.Table | None]) -> set[Pair]:
    """The (entity, period) pairs of ``tables`` (entity_id, period columns) in a period ``state`` has events of."""
    found: set[Pair] = set()
    for table in tables:
        if table is None or not table.num_rows:
            continue
        column = table.column("period")
        kept = table.filter(pc.is_in(column, pa.array(list(state), column.type)))
        pairs = kept.group_by(["entity_id", "period"]).aggregate([])
        ents, pers = pairs.column("entity_id").to_pylist(), pairs.column("period").to_pylist()
        found.update((str(e), int(p)) for e, p in zip(ents, pers, strict=True))
    return found


def closed_pairs(state: State, pairs: Collection[Pair], chains: Chains | None) -> dict[Pair, PeriodEvent]:
    """The pairs of ``pairs`` that are refused, each with the ``close`` that locks it."""
    subtree = {p for p, roots in state.items() if set(roots) - {""}}  # periods with a root's event
    asked = [x for x in pairs if x[1] in subtree]
    above = chains(asked) if chains is not None and asked else {}
    out: dict[Pair, PeriodEvent] = {}
    for e, p in pairs:
        event = closed_by(state, p, {e, *above.get((e, p), ())})
        if event is not None:
            out[(e, p)] = event
    return out


def _who(e: PeriodEvent) -> tuple[str, str]:
    when = e.at.strftime("%Y-%m-%d %H:%M UTC")
    if e.root:
        return (
            f"{e.root} 及其下属企业由 {e.user} 于 {when} 关账",
            f"{e.root}'s subtree closed by {e.user} at {when}",
        )
    return f"全集团由 {e.user} 于 {when} 关账", f"the whole tree closed by {e.user} at {when}"


def refuse_closed(
    events: Sequence[PeriodEvent], tables: Iterable[pa.Table | None], chains: Chains | None = None
) -> None:
    """Raise a bilingual :class:`GuoziError` if a row of ``tables`` (entity_id, period) lies in a closed period.

    ``chains`` gives the ancestors of (entity, period) pairs in their period (:func:`tree_chains`);
    without it only whole-tree events and an entity's own events count.
    """
    state = closed_state(events)
    if not any(e.action == "close" for roots in state.values() for e in roots.values()):
        return  # nothing is closed: no look at the rows
    refused = closed_pairs(state, touched(state, tables), chains)
    if not refused:
        return
    listed = sorted(refused, key=lambda x: (x[1], x[0]))
    periods = sorted({str(Period.from_code(p)) for _, p in listed})
    named = [(f"{e} {Period.from_code(p)}", *_who(refused[(e, p)])) for e, p in listed[:SHOWN]]
    shown = "；".join(f"{pair}（{zh}）" for pair, zh, _ in named)
    shown_en = "; ".join(f"{pair} ({en})" for pair, _, en in named)
    more_zh = f" 等 {len(listed)} 项" if len(listed) > SHOWN else ""
    more_en = f" and {len(listed) - SHOWN} more" if len(listed) > SHOWN else ""
    roots = sorted({refused[x].root for x in listed if refused[x].root})
    how = f" --entity {roots[0]}" if len(roots) == 1 and all(refused[x].root for x in listed) else ""
    raise GuoziError(
        f"期间 {'、'.join(periods)} 已关账，不能再导入或上报其数据：{shown}{more_zh}；"
        f"请先 guozi period reopen {periods[0]}{how} --reason 重新打开该期间。未写入任何数据",
        f"period {', '.join(periods)} is closed: its figures can no longer be imported or uploaded: "
        f"{shown_en}{more_en}; reopen it first (guozi period reopen {periods[0]}{how} --reason TEXT). "
        "Nothing was written",
    )
