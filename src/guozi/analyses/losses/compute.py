"""Loss-makers in a period (:func:`loss_makers`): the groups' counts and amounts, and each loss-maker's streaks.

See :mod:`guozi.analyses.losses` for the definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from guozi.analyses.common import object_frame, to_decimal
from guozi.analyses.losses.criterion import BLANK_GROUP, Criterion, LossStatus, load_criterion
from guozi.analyses.source import Source
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period

if TYPE_CHECKING:
    from guozi.catalog.model import Indicator

Values = dict[Period, dict[str, Decimal | None]]  # period → entity → value

GROUP_COLUMNS = [
    "period",
    "level",
    "group",
    "entities",
    "reported",
    "missing",
    "loss_count",
    "loss_rate",
    "loss_amount",
    "prior_period",
    "prior_entities",
    "prior_reported",
    "prior_loss_count",
    "prior_loss_amount",
    "change_count",
    "change_amount",
    "amount_growth",
    "new_count",
    "turned_around_count",
    "unit",
]
ENTITY_COLUMNS = [
    "entity_id",
    "name",
    "period",
    "level",
    "group",
    "value",
    "baseline",
    "baseline_period",
    "status",
    "loss_months",
    "loss_years",
    "years_stopped_by_missing",
    "unit",
]


@dataclass(frozen=True)
class LossReport:
    """Loss-makers in a period.

    ``groups``: one row per (tree level, ``by`` value) with the counts and amounts now and in the
    same period of the prior year (:data:`GROUP_COLUMNS`; a prior figure is None when no entity of
    the group reported then). ``entities``: one row per entity that is loss-making now or turned
    around (:data:`ENTITY_COLUMNS`). ``missing``: the entities in scope without a value now.
    """

    period: Period
    criterion: Criterion
    by: str | None
    level: int | None
    groups: pd.DataFrame
    entities: pd.DataFrame
    missing: tuple[str, ...]


def _scope(source: Source, period: Period, entity: str | None, level: int | None, by: str | None) -> pd.DataFrame:
    """The nodes valid in ``period`` within ``entity``'s subtree (and ``level``), with a group column."""
    tree = source.tree()
    nodes = tree.at(period)
    if entity is not None:
        nodes = nodes[nodes.entity_id.isin(tree.subtree(entity, period))]
    if level is not None:
        nodes = nodes[nodes.level == level]
    nodes = nodes.drop_duplicates("entity_id").copy()
    if by is None:
        nodes["group"] = BLANK_GROUP
    else:
        nodes["group"] = [
            BLANK_GROUP if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in nodes[by]
        ]
    return nodes


def _is_loss(value: Decimal | None, below: Decimal) -> bool | None:
    return None if value is None else value < below


def loss_makers(
    source: Source, period: Period, *, entity: str | None = None, by: str | None = None, level: int | None = None
) -> LossReport:
    """Loss-making entities at ``period`` (of ``entity``'s subtree), grouped by tree level and ``by``."""
    crit = load_criterion(source)
    tree = source.tree()
    if entity is not None and entity not in set(tree.nodes.entity_id):
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    if by is not None and by not in tree.attribute_columns():
        raise NotFoundError(f"没有可用于分组的企业列 {by}", f"no entity column {by} to group by")
    ind = source.catalog.indicator(crit.indicator)
    prior = period.prior_year
    base_period = prior if crit.turnaround_baseline == "prior_year" else Period(period.year - 1, 12)
    last_dec = period.year if period.month == 12 else period.year - 1
    years = sorted({p // 100 for p in source.store.periods()})
    first_year = years[0] if years else period.year
    periods = {Period(period.year, m) for m in range(1, period.month + 1)}
    periods |= {prior, base_period}
    periods |= {Period(y, 12) for y in range(first_year, last_dec + 1)}
    now = _scope(source, period, entity, level, by)
    then = (
        _scope(source, prior, entity, level, by) if entity is None or _exists(source, entity, prior) else now.iloc[0:0]
    )
    # whose values are read: the subtree's entities now and a year before, and for the months and
    # year ends before only the loss-makers and those turned around; a panel limited to some entities has their rows
    # of the panel of every entity, so it is limited when they are a small part of the tree
    ids = None if entity is None else set(now.entity_id) | set(then.entity_id)
    everyone = tree.at(period).entity_id.nunique()
    values: Values = {}
    latest = {period, prior, base_period}
    _read(source, crit.indicator, latest, ids, everyone, values)
    at_period, at_base = values.get(period, {}), values.get(base_period, {})
    listed: set[str] = set()  # the loss-makers and those turned around: their loss months and years are counted
    for e in map(str, now.entity_id):
        loss = _is_loss(at_period.get(e), crit.below)
        if loss is not None and (loss or _is_loss(at_base.get(e), crit.below)):
            listed.add(e)
    if periods - latest and listed:
        _read(source, crit.indicator, periods - latest, listed, everyone, values)

    nothing: dict[str, Decimal | None] = {}

    def values_at(p: Period) -> dict[str, Decimal | None]:
        return values.get(p, nothing)

    by_month = [values_at(Period(period.year, m)) for m in range(period.month, 0, -1)]  # latest first
    by_year = [values_at(Period(y, 12)) for y in range(last_dec, first_year - 1, -1)]
    entity_rows, statuses, missing = _entity_rows(
        now, crit, ind, (period, values_at(period)), (base_period, values_at(base_period)), by_month, by_year
    )

    group_rows = _groups(now, then, period, prior, crit, statuses, values_at, ind.is_amount, ind.unit)
    return LossReport(
        period=period,
        criterion=crit,
        by=by,
        level=level,
        groups=object_frame(group_rows, GROUP_COLUMNS),
        entities=object_frame(entity_rows, ENTITY_COLUMNS),
        missing=tuple(missing),
    )


def _entity_rows(
    now: pd.DataFrame,
    crit: Criterion,
    ind: Indicator,
    current: tuple[Period, Mapping[str, Decimal | None]],
    baseline: tuple[Period, Mapping[str, Decimal | None]],
    by_month: Sequence[Mapping[str, Decimal | None]],
    by_year: Sequence[Mapping[str, Decimal | None]],
) -> tuple[list[dict[str, Any]], dict[str, LossStatus], list[str]]:
    """The rows of the loss-makers and those turned around, every entity's status, and those without a value."""
    (period, cur), (base_period, base) = current, baseline
    names = {str(e): str(n) for e, n in zip(now.entity_id, now.get("name", now.entity_id), strict=True)}
    ordered = now.sort_values(["level", "group", "entity_id"])
    entity_rows: list[dict[str, Any]] = []
    statuses: dict[str, LossStatus] = {}
    missing: list[str] = []
    for eid_, lv, grp in zip(ordered.entity_id, ordered.level, ordered.group, strict=True):
        eid = str(eid_)
        v, b = cur.get(eid), base.get(eid)
        status = _status(_is_loss(v, crit.below), _is_loss(b, crit.below))
        statuses[eid] = status
        if status == "missing":
            missing.append(eid)
        if status in ("missing", "profit"):
            continue
        months, loss_years, stopped = _streaks(eid, by_month, by_year, crit.below)
        entity_rows.append(
            {
                "entity_id": eid,
                "name": names.get(eid, eid),
                "period": str(period),
                "level": int(lv),
                "group": str(grp),
                "value": _typed(v, ind.is_amount),
                "baseline": _typed(b, ind.is_amount),
                "baseline_period": str(base_period),
                "status": status,
                "loss_months": months,
                "loss_years": loss_years,
                "years_stopped_by_missing": stopped,
                "unit": ind.unit,
            }
        )
    return entity_rows, statuses, missing


def _read(
    source: Source, code: str, periods: set[Period], among: set[str] | None, everyone: int, values: Values
) -> None:
    """Read the values of ``code`` at ``periods`` (of the entities ``among``, or all) into ``values``.

    The panel is limited to ``among`` when they are at most half of ``everyone``, else filtered.
    """
    small = among is not None and 2 * len(among) <= everyone
    panel = source.indicators(
        sorted(periods), indicators=[code], view="reported", prior=False, entities=among if small else None
    )
    f = panel.frame
    if among is not None and not small:
        f = f[f.entity_id.isin(among)]
    texts, where = np.unique(f.period.astype(str).to_numpy(dtype=object), return_inverse=True)
    keys, raw = f.entity_id.astype(str).to_numpy(dtype=object), f.value.to_numpy(dtype=object)
    for k, text in enumerate(texts):
        rows = np.flatnonzero(where == k)
        values[Period.parse(str(text))] = dict(zip(keys[rows], map(to_decimal, raw[rows]), strict=True))


def _status(loss: bool | None, was: bool | None) -> LossStatus:
    """An entity's status from whether it is loss-making now and at the baseline (None: no value)."""
    if loss is None:
        return "missing"
    if loss:
        return "loss" if was is None else ("continuing" if was else "new")
    return "turned_around" if was else "profit"


def _streaks(
    eid: str,
    by_month: Sequence[Mapping[str, Decimal | None]],
    by_year: Sequence[Mapping[str, Decimal | None]],
    below: Decimal,
) -> tuple[int, int, bool]:
    """Loss months back from the period, loss years back from the latest December, and whether a
    missing December stopped the count of years."""
    months = 0
    for month in by_month:
        if _is_loss(month.get(eid), below):
            months += 1
        else:
            break
    loss_years, stopped = 0, False
    for year in by_year:
        at = _is_loss(year.get(eid), below)
        if at is None:
            stopped = True
            break
        if not at:
            break
        loss_years += 1
    return months, loss_years, stopped


def _exists(source: Source, entity: str, period: Period) -> bool:
    return entity in set(source.tree().at(period).entity_id)


def _typed(value: Decimal | None, amount: bool) -> Decimal | float | None:
    if value is None:
        return None
    return value if amount else float(value)


def _tally(
    nodes: pd.DataFrame, p: Period, crit: Criterion, values_at: Callable[[Period], Mapping[str, Decimal | None]]
) -> dict[tuple[int, str], tuple[int, int, int, Decimal]]:
    """(level, group) → (entities, reported, loss count, −Σ value of the loss-makers)."""
    out: dict[tuple[int, str], tuple[int, int, int, Decimal]] = {}
    at = values_at(p)
    for eid, lv, grp in zip(nodes.entity_id, nodes.level, nodes.group, strict=True):
        key = (int(lv), str(grp))
        n, rep, cnt, amt = out.get(key, (0, 0, 0, Decimal(0)))
        v = at.get(str(eid))
        n += 1
        if v is not None:
            rep += 1
            if v < crit.below:
                cnt += 1
                amt -= v
        out[key] = (n, rep, cnt, amt)
    return out


def _groups(
    now: pd.DataFrame,
    then: pd.DataFrame,
    period: Period,
    prior: Period,
    crit: Criterion,
    statuses: Mapping[str, LossStatus],
    values_at: Callable[[Period], Mapping[str, Decimal | None]],
    amount: bool,
    unit: str,
) -> list[dict[str, Any]]:
    cur = _tally(now, period, crit, values_at)
    old = _tally(then, prior, crit, values_at)
    group_of = {str(e): (int(lv), str(g)) for e, lv, g in zip(now.entity_id, now.level, now.group, strict=True)}
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for eid, st in statuses.items():
        c = counts.setdefault(group_of[eid], {"new": 0, "turned_around": 0})
        if st in c:
            c[st] += 1
    rows: list[dict[str, Any]] = []
    for key in sorted(set(cur) | set(old)):
        n, rep, cnt, amt = cur.get(key, (0, 0, 0, Decimal(0)))
        pn, prep, pcnt, pamt = old.get(key, (0, 0, 0, Decimal(0)))
        has_now, has_then = rep > 0, prep > 0
        change_amount = amt - pamt if has_now and has_then else None
        rows.append(
            {
                "period": str(period),
                "level": key[0],
                "group": key[1],
                "entities": n,
                "reported": rep,
                "missing": n - rep,
                "loss_count": cnt if has_now else None,
                "loss_rate": cnt / rep * 100 if has_now else None,
                "loss_amount": _typed(amt, amount) if has_now else None,
                "prior_period": str(prior),
                "prior_entities": pn,
                "prior_reported": prep,
                "prior_loss_count": pcnt if has_then else None,
                "prior_loss_amount": _typed(pamt, amount) if has_then else None,
                "change_count": cnt - pcnt if has_now and has_then else None,
                "change_amount": _typed(change_amount, amount),
                "amount_growth": (float((amt - pamt) / pamt * 100) if has_now and has_then and pamt != 0 else None),
                "new_count": counts.get(key, {}).get("new", 0),
                "turned_around_count": counts.get(key, {}).get("turned_around", 0),
                "unit": unit,
            }
        )
    return rows
