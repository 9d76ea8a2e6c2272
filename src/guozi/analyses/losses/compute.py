"""Loss-makers in a period (:func:`loss_makers`): the groups' counts and amounts, and each loss-maker's streaks.

See :mod:`guozi.analyses.losses` for the definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from guozi.analyses.common import in_subtree, object_frame, texts, to_decimal
from guozi.analyses.losses.criterion import BLANK_GROUP, Criterion, load_criterion
from guozi.analyses.source import Source
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period

if TYPE_CHECKING:
    from guozi.catalog.model import Indicator

Values = dict[Period, pd.Series]  # period → the entities' values (exact Decimals, None when empty), by entity
Objects = np.ndarray[Any, np.dtype[np.object_]]
Mask = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

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
        nodes = nodes[in_subtree(tree, nodes, entity, period)]
    if level is not None:
        nodes = nodes[nodes.level == level]
    nodes = nodes.drop_duplicates("entity_id").copy()
    if by is None:
        nodes["group"] = BLANK_GROUP
    else:
        column = nodes[by]
        nodes["group"] = np.where(column.isna().to_numpy(), BLANK_GROUP, texts(column))
    return nodes


def _losses(values: Objects, below: Decimal) -> tuple[Mask, Mask]:
    """Which of ``values`` there are, and which of those are loss-making (below ``below``), by whole columns."""
    has: Mask = ~pd.isna(values)
    loss = np.zeros(len(values), dtype=bool)
    loss[has] = (values[has] < below).astype(bool)
    return has, loss


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
    _read(source, ind, latest, ids, everyone, values)
    keys = texts(now.entity_id)
    has_now, loss_now = _losses(_at(values, period, keys), crit.below)
    loss_base = _losses(_at(values, base_period, keys), crit.below)[1]
    # the loss-makers and those turned around: their loss months and years are counted
    listed = set(keys[has_now & (loss_now | loss_base)].tolist())
    if periods - latest and listed:
        _read(source, ind, periods - latest, listed, everyone, values)

    by_month = [Period(period.year, m) for m in range(period.month, 0, -1)]  # latest first
    by_year = [Period(y, 12) for y in range(last_dec, first_year - 1, -1)]
    entities, statuses, missing = _entities(now, crit, ind, values, (period, base_period), by_month, by_year)
    group_rows = _groups(now, then, (period, prior), crit, statuses, values, ind.is_amount, ind.unit)
    return LossReport(
        period=period,
        criterion=crit,
        by=by,
        level=level,
        groups=object_frame(group_rows, GROUP_COLUMNS),
        entities=entities,
        missing=tuple(missing),
    )


def _entities(
    now: pd.DataFrame,
    crit: Criterion,
    ind: Indicator,
    values: Values,
    periods: tuple[Period, Period],
    by_month: Sequence[Period],
    by_year: Sequence[Period],
) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """The rows of the loss-makers and those turned around (by whole columns), every entity's
    status (by entity), and those without a value."""
    period, base_period = periods
    ordered = now.sort_values(["level", "group", "entity_id"])
    keys = texts(ordered.entity_id)
    cur, base = _at(values, period, keys), _at(values, base_period, keys)
    (has, loss), (had, was) = _losses(cur, crit.below), _losses(base, crit.below)
    status = np.select(
        [~has, loss & ~had, loss & was, loss, was],
        ["missing", "loss", "continuing", "new", "turned_around"],
        "profit",
    ).astype(object)
    statuses = pd.Series(status, index=keys, dtype=object)
    rows = (status != "missing") & (status != "profit")
    months, years, stopped = _streaks(values, keys[rows], by_month, by_year, crit.below)
    names = dict(zip(texts(now.entity_id), map(str, now.get("name", now.entity_id)), strict=True))
    n = int(rows.sum())
    columns: dict[str, list[Any]] = {
        "entity_id": keys[rows].tolist(),
        "name": [names.get(e, e) for e in keys[rows].tolist()],
        "period": [str(period)] * n,
        "level": ordered.level.to_numpy()[rows].astype("int64").tolist(),
        "group": [str(g) for g in ordered.group.to_numpy(dtype=object)[rows].tolist()],
        "value": _typed_column(cur[rows], ind.is_amount),
        "baseline": _typed_column(base[rows], ind.is_amount),
        "baseline_period": [str(base_period)] * n,
        "status": status[rows].tolist(),
        "loss_months": months.tolist(),
        "loss_years": years.tolist(),
        "years_stopped_by_missing": stopped.tolist(),
        "unit": [ind.unit] * n,
    }
    frame = pd.DataFrame({c: pd.Series(columns[c], dtype=object) for c in ENTITY_COLUMNS})
    return frame, statuses, keys[status == "missing"].tolist()


def _at(values: Values, p: Period, keys: Objects) -> Objects:
    """The values of ``keys`` at ``p`` (None where there is none), in their order."""
    out: Objects = np.full(len(keys), None, dtype=object)
    found = values.get(p)
    if found is not None and len(keys):
        pos = found.index.get_indexer(pd.Index(keys))
        there = pos >= 0
        out[there] = found.to_numpy(dtype=object)[pos[there]]
    return out


def _read(
    source: Source, ind: Indicator, periods: set[Period], among: set[str] | None, everyone: int, values: Values
) -> None:
    """Read the values of ``ind`` at ``periods`` (of the entities ``among``, or all) into ``values``:
    by period, the entities' values as exact Decimals (None when empty).

    The panel is limited to ``among`` when they are at most half of ``everyone``, else filtered.
    """
    small = among is not None and 2 * len(among) <= everyone
    panel = source.indicators(
        sorted(periods), indicators=[ind.code], view="reported", prior=False, entities=among if small else None
    )
    f = panel.frame
    if among is not None and not small:
        f = f[f.entity_id.isin(among)]
    labels, where = np.unique(texts(f.period), return_inverse=True)
    keys, raw = texts(f.entity_id), f.value.to_numpy(dtype=object)
    if not ind.is_amount:  # a ratio's floats by their shortest text (an amount is a Decimal already)
        raw = np.frompyfunc(to_decimal, 1, 1)(raw).astype(object)
    for k, text in enumerate(labels):
        rows = np.flatnonzero(where == k)
        values[Period.parse(str(text))] = pd.Series(raw[rows], index=pd.Index(keys[rows]), dtype=object)


def _streaks(
    values: Values, keys: Objects, by_month: Sequence[Period], by_year: Sequence[Period], below: Decimal
) -> tuple[Ints, Ints, Mask]:
    """For each of ``keys``: loss months back from the period, loss years back from the latest
    December, and whether a missing December stopped the count of years."""
    months = np.zeros(len(keys), dtype="int64")
    running = np.ones(len(keys), dtype=bool)
    for month in by_month:
        running &= _losses(_at(values, month, keys), below)[1]
        months += running
    years = np.zeros(len(keys), dtype="int64")
    stopped = np.zeros(len(keys), dtype=bool)
    running = np.ones(len(keys), dtype=bool)
    for year in by_year:
        has, loss = _losses(_at(values, year, keys), below)
        stopped |= running & ~has
        running &= loss
        years += running
    return months, years, stopped


def _exists(source: Source, entity: str, period: Period) -> bool:
    return entity in set(source.tree().at(period).entity_id)


def _typed(value: Decimal | None, amount: bool) -> Decimal | float | None:
    if value is None:
        return None
    return value if amount else float(value)


def _typed_column(values: Objects, amount: bool) -> list[Decimal | float | None]:
    """:func:`_typed` of a column: an amount stays Decimal, a ratio is a float."""
    if amount:
        out: list[Decimal | float | None] = values.tolist()
        return out
    return [None if v is None else float(v) for v in values.tolist()]


def _tally(
    nodes: pd.DataFrame, p: Period, crit: Criterion, values: Values
) -> dict[tuple[int, str], tuple[int, int, int, Decimal]]:
    """(level, group) → (entities, reported, loss count, −Σ value of the loss-makers), by whole columns."""
    keys = texts(nodes.entity_id)
    at = _at(values, p, keys)
    has, loss = _losses(at, crit.below)
    groups = pd.MultiIndex.from_arrays([nodes.level.to_numpy().astype("int64"), texts(nodes.group)])
    codes, uniques = pd.factorize(groups)
    out: dict[tuple[int, str], tuple[int, int, int, Decimal]] = {}
    for g, (lv, grp) in enumerate(uniques):
        rows = codes == g
        lost = at[rows & loss]
        amount = -sum(lost.tolist(), Decimal(0)) if len(lost) else Decimal(0)
        out[(int(lv), str(grp))] = (int(rows.sum()), int((rows & has).sum()), int((rows & loss).sum()), amount)
    return out


def _groups(
    now: pd.DataFrame,
    then: pd.DataFrame,
    periods: tuple[Period, Period],
    crit: Criterion,
    statuses: pd.Series,
    values: Values,
    amount: bool,
    unit: str,
) -> list[dict[str, Any]]:
    period, prior = periods
    cur = _tally(now, period, crit, values)
    old = _tally(then, prior, crit, values)
    # the new and turned-around loss-makers of each group
    status = statuses.reindex(pd.Index(texts(now.entity_id))).to_numpy(dtype=object)
    counted = pd.DataFrame(
        {
            "level": now.level.to_numpy().astype("int64"),
            "group": texts(now.group),
            "new": status == "new",
            "turned_around": status == "turned_around",
        }
    )
    summed = counted.groupby(["level", "group"], sort=False)[["new", "turned_around"]].sum()
    levels, names = summed.index.get_level_values(0), summed.index.get_level_values(1)
    counts = {
        (int(lv), str(g)): (int(n), int(t))
        for lv, g, n, t in zip(levels, names, summed["new"], summed["turned_around"], strict=True)
    }
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
                "new_count": counts.get(key, (0, 0))[0],
                "turned_around_count": counts.get(key, (0, 0))[1],
                "unit": unit,
            }
        )
    return rows
