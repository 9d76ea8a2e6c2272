"""Which periods are closed to writing: the rule the store applies to every write of figures.

A period's lifecycle is a list of appended events (``period_events``): ``open`` (with a deadline),
``close``, ``reopen`` (with a reason), each for the whole tree (``root = ''``) or for one root
entity. The rule, kept simple on purpose:

- for a figure of entity ``E`` in period ``P``, the events that count are those of ``P`` whose
  root is ``''`` (the whole tree) or exactly ``E``;
- the latest of them (by id) decides: ``close`` refuses the figure, anything else (or no event)
  lets it in.

So closing the whole tree locks every entity, an event of root ``G`` locks only ``G``'s own
figures (the store looks up no tree), and a later ``reopen`` of either unlocks. ``guozi period
close --entity G`` locks G's subtree by appending one event per entity of the subtree in that month
(:func:`guozi.workspace.lifecycle.close_period`); ``reopen --entity G`` likewise, so reopening one
subtree of a month closed for the whole tree lets only that subtree file again. A write holding
any refused figure is refused whole, nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.store.base import PeriodEvent

SHOWN = 5  # refused (entity, period) pairs named in the message


def closed_state(events: Iterable[PeriodEvent]) -> dict[int, tuple[PeriodEvent | None, dict[str, PeriodEvent]]]:
    """Per period with events: its latest whole-tree event and the latest event of each root."""
    out: dict[int, tuple[PeriodEvent | None, dict[str, PeriodEvent]]] = {}
    for e in sorted(events, key=lambda e: e.id):
        whole, roots = out.get(e.period, (None, {}))
        if e.root == "":
            whole = e
        else:
            roots[e.root] = e
        out[e.period] = (whole, roots)
    return out


def is_closed(state: dict[int, tuple[PeriodEvent | None, dict[str, PeriodEvent]]], entity: str, period: int) -> bool:
    """Whether a figure of ``entity`` in ``period`` is refused (the module's rule)."""
    whole, roots = state.get(period, (None, {}))
    own = roots.get(entity)
    latest = max((e for e in (whole, own) if e is not None), key=lambda e: e.id, default=None)
    return latest is not None and latest.action == "close"


def refuse_closed(events: Sequence[PeriodEvent], tables: Iterable[pa.Table | None]) -> None:
    """Raise a bilingual :class:`GuoziError` if a row of ``tables`` (entity_id, period) lies in a closed period."""
    if not any(e.action == "close" for e in events):
        return  # nothing was ever closed: no look at the rows
    state = closed_state(events)
    refused: set[tuple[str, int]] = set()
    for table in tables:
        if table is None or not table.num_rows:
            continue
        touched = table.filter(pc.is_in(table.column("period"), pa.array(list(state), pa.int32())))
        pairs = touched.group_by(["entity_id", "period"]).aggregate([])
        ents, pers = pairs.column("entity_id").to_pylist(), pairs.column("period").to_pylist()
        refused.update((str(e), int(p)) for e, p in zip(ents, pers, strict=True) if is_closed(state, str(e), int(p)))
    if not refused:
        return
    listed = sorted(refused, key=lambda x: (x[1], x[0]))
    periods = sorted({str(Period.from_code(p)) for _, p in listed})
    shown = "、".join(f"{e} {Period.from_code(p)}" for e, p in listed[:SHOWN])
    shown_en = ", ".join(f"{e} {Period.from_code(p)}" for e, p in listed[:SHOWN])
    more_zh = f" 等 {len(listed)} 项" if len(listed) > SHOWN else ""
    more_en = f" and {len(listed) - SHOWN} more" if len(listed) > SHOWN else ""
    raise GuoziError(
        f"期间 {'、'.join(periods)} 已关账，不能再导入或上报其数据（{shown}{more_zh}）；"
        "请先 guozi period reopen 重新打开该期间。未写入任何数据",
        f"period {', '.join(periods)} is closed: its figures can no longer be imported or uploaded "
        f"({shown_en}{more_en}); reopen it first (guozi period reopen). Nothing was written",
    )
