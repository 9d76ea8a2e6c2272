"""Target progress (``guozi targets``): each target of ``targets.csv`` in the period's year, against the data.

- *actual*: the entity's own reported (合并) value of the indicator at the period, year to date for
  flows, at the period end for balances;
- *completion* (完成率) = actual / target × 100, for indicators where higher or neither is better
  and a positive target; for a lower-is-better indicator (debt_ratio) no rate is given, the status
  says whether actual ≤ target and the gap by how much;
- *pace* (序时进度), for indicators that accumulate through the year (flows, and ratios of a flow
  to a balance such as roe): month / 12 × 100; the status is *ahead of pace* when
  completion ≥ pace (actual ≥ target × month / 12), *behind* otherwise; in December, and for
  balances and ratios, the status is *met* or *not met*;
- *gap* = actual − target; for accumulating indicators also *gap to pace* = actual − target ×
  month / 12;
- *projection* of the year-end value of an accumulating indicator: actual ÷ share, the share being
  Σ YTD(month) / Σ YTD(December) over the entity's own earlier years in which both are known (at
  most ``profile_years`` of them, params/targets.yaml); when no earlier year is complete, or the
  earlier years' sums are not positive, linearly: actual × 12 / month. The ``method`` column says
  which (``actual`` in December, ``profile``, ``linear``, ``none`` for balances and ratios).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from guozi.analyses.common import object_frame, to_decimal
from guozi.analyses.source import Source
from guozi.analyses.targets.numbers import FEN, rounded, typed
from guozi.analyses.targets.params import accumulates, int_param, section
from guozi.kernel.errors import NotFoundError
from guozi.kernel.money import figure
from guozi.kernel.periods import Period

if TYPE_CHECKING:
    from guozi.catalog.model import Indicator

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
Status = Literal["ahead", "behind", "met", "not_met", "unknown"]
Method = Literal["actual", "profile", "linear", "none"]
Found = tuple[Any, str, str]  # a panel value with its notes in Chinese and English

TARGET_FRAME_COLUMNS = [
    "entity_id",
    "name",
    "year",
    "period",
    "indicator",
    "unit",
    "direction",
    "accumulating",
    "actual",
    "target",
    "completion",
    "pace",
    "gap",
    "pace_target",
    "gap_to_pace",
    "status",
    "projection",
    "projected_completion",
    "method",
    "profile_share",
    "profile_years",
    "note_zh",
    "note_en",
]


@dataclass(frozen=True)
class TargetReport:
    """Progress against every target of the period's year, one row per (entity, indicator).

    ``frame`` columns: see :data:`TARGET_FRAME_COLUMNS`. Amounts (元, 人) are Decimal, ratios
    float; ``completion``, ``pace``, ``projected_completion`` and ``profile_share`` are float
    (percent, share as a fraction); ``profile_years`` the earlier years the profile used, as text.
    """

    period: Period
    frame: pd.DataFrame
    earlier_years: tuple[int, ...]


def _names(source: Source) -> dict[str, str]:
    nodes = source.tree().nodes
    if "name" not in nodes.columns:
        return {}
    latest = nodes.sort_values("to_code")
    return {str(k): str(v) for k, v in zip(latest.entity_id, latest.name, strict=True)}


@dataclass(frozen=True)
class _Projection:
    value: Decimal | None
    method: Method
    share: float | None = None
    years: tuple[int, ...] = ()
    note_zh: str = ""
    note_en: str = ""


def project_year_end(
    actual: Decimal | None, month: int, history: Sequence[tuple[int, Decimal, Decimal]]
) -> _Projection:
    """The year-end value of an accumulating indicator from its year-to-date ``actual`` at ``month``.

    ``history``: (year, YTD at ``month``, YTD at December) of earlier years in which both are known.
    """
    if actual is None:
        return _Projection(None, "none", note_zh="缺少本期实际值", note_en="no actual value")
    if month == 12:
        return _Projection(actual, "actual")
    linear = actual * 12 / month
    if not history:
        return _Projection(
            linear,
            "linear",
            note_zh=f"以往年度无完整数据，线性外推（×12/{month}）",
            note_en=f"no complete earlier year: linear (×12/{month})",
        )
    years = tuple(y for y, _, _ in history)
    sm = sum((m for _, m, _ in history), Decimal(0))
    s12 = sum((d for _, _, d in history), Decimal(0))
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}—{years[-1]}"
    span_en = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    if sm <= 0 or s12 <= 0:
        return _Projection(
            linear,
            "linear",
            years=years,
            note_zh=f"{span}年累计值非正，月度进度不可用，按线性外推（×12/{month}）",
            note_en=f"{span_en} year-to-date sums not positive, profile unusable: linear (×12/{month})",
        )
    share = sm / s12
    return _Projection(
        actual / share,
        "profile",
        share=float(share),
        years=years,
        note_zh=f"{span}年1—{month}月占全年 {figure(share * 100, 1, group='')}%",
        note_en=f"{span_en}: Jan–{_MONTHS_EN[month - 1]} = {figure(share * 100, 1, group='')}% of the year",
    )


def _status(
    actual: Decimal | None, target: Decimal | None, direction: str, accumulating: bool, month: int, decimals: int
) -> Status:
    if actual is None or target is None:
        return "unknown"
    if accumulating and month < 12:
        lhs, rhs = rounded(actual * 12, decimals), rounded(target * month, decimals)
        assert lhs is not None and rhs is not None
        ok = lhs <= rhs if direction == "lower" else lhs >= rhs
        return "ahead" if ok else "behind"
    a, t = rounded(actual, decimals), rounded(target, decimals)
    assert a is not None and t is not None
    ok = a <= t if direction == "lower" else a >= t
    return "met" if ok else "not_met"


def evaluate_targets(
    source: Source, period: Period, *, entity: str | None = None, subtree: bool = False
) -> TargetReport:
    """Progress of every target of ``period.year`` (of ``entity``, or of its subtree) at ``period``."""
    params = section(source, "targets")
    decimals = int_param(section(source, "verdict"), "compare_decimals", "verdict")
    profile_years = int_param(params, "profile_years", "targets")
    catalog = source.catalog
    month = period.month
    t = _targets_of(source, period, entity, subtree)
    codes = sorted(set(t.indicator), key=lambda c: list(catalog.indicators).index(c))
    computable = [c for c in codes if catalog.indicator(c).tree is not None]
    years = sorted({p // 100 for p in source.store.periods() if p // 100 < period.year})
    earlier = tuple(years[-profile_years:]) if profile_years > 0 else ()
    periods = [period, *(Period(y, m) for y in earlier for m in sorted({month, 12}))]
    values: dict[tuple[str, str, str], Found] = {}
    if computable and not t.empty:
        panel = source.indicators(
            sorted(set(periods)), indicators=computable, entity=None if subtree else entity, prior=False
        )
        for r in panel.frame.itertuples(index=False):
            values[(str(r.entity_id), str(r.period), str(r.indicator))] = (r.value, str(r.note_zh), str(r.note_en))
    names = _names(source)
    order = {c: i for i, c in enumerate(codes)}
    records: list[dict[str, Any]] = []
    for row in sorted(t.itertuples(index=False), key=lambda r: (str(r.entity_id), order[str(r.indicator)])):
        eid, code = str(row.entity_id), str(row.indicator)
        ind = catalog.indicator(code)
        acc = accumulates(catalog, code, params)
        history: list[tuple[int, Decimal, Decimal]] = []
        for y in earlier if acc else ():
            vm = to_decimal(values.get((eid, str(Period(y, month)), code), (None,))[0])
            v12 = to_decimal(values.get((eid, str(Period(y, 12)), code), (None,))[0])
            if vm is not None and v12 is not None:
                history.append((y, vm, v12))
        found = values.get((eid, str(period), code), (None, "无数据", "no data"))
        record = _record(
            period,
            ind,
            to_decimal(row.target),
            found,
            acc,
            history[-profile_years:] if profile_years > 0 else [],
            decimals,
        )
        records.append(
            {"entity_id": eid, "name": names.get(eid, eid), "year": period.year, "period": str(period), **record}
        )
    frame = object_frame(records, TARGET_FRAME_COLUMNS)
    return TargetReport(period=period, frame=frame, earlier_years=earlier)


def _targets_of(source: Source, period: Period, entity: str | None, subtree: bool) -> pd.DataFrame:
    """The targets of the period's year, of ``entity`` (or its subtree) if given."""
    targets = source.store.targets()
    t = targets[targets.year == period.year]
    if entity is not None:
        if entity not in set(source.tree().nodes.entity_id):
            raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
        ids = set(source.tree().subtree(entity, period)) if subtree else {entity}
        t = t[t.entity_id.isin(ids)]
    return t


def _record(
    period: Period,
    ind: Indicator,
    target: Decimal | None,
    found: Found,
    acc: bool,
    history: Sequence[tuple[int, Decimal, Decimal]],
    decimals: int,
) -> dict[str, Any]:
    """One target's progress: the columns of :data:`TARGET_FRAME_COLUMNS` after the period's."""
    code, month = ind.code, period.month
    if ind.tree is None:
        actual = None
        note_zh = f"指标 {code} 由 {ind.computed_by} 模块计算，目标进度暂不支持"
        note_en = f"indicator {code} is computed by the {ind.computed_by} module; progress not supported yet"
    else:
        raw, note_zh, note_en = found
        actual = to_decimal(raw)
    completion = None
    if actual is not None and target is not None and ind.direction != "lower":
        if target > 0:
            completion = float(actual / target * 100)
        else:
            note_zh = (note_zh + "；" if note_zh else "") + "目标非正，不计完成率"
            note_en = (note_en + "; " if note_en else "") + "target not positive: no completion rate"
    gap = None if actual is None or target is None else actual - target
    pace_target = gap_to_pace = None
    if acc and target is not None:
        pace_target = target * month / 12
        if ind.is_amount:
            pace_target = pace_target.quantize(FEN, ROUND_HALF_UP)
        gap_to_pace = None if actual is None else actual - pace_target
    if acc:
        proj = project_year_end(actual, month, history)
    else:
        proj = _Projection(None, "none", note_zh="时点或比率指标", note_en="a balance or a ratio")
    projection = proj.value
    if projection is not None and ind.is_amount:
        projection = projection.quantize(FEN, ROUND_HALF_UP)
    projected_completion = None
    if projection is not None and target is not None and target > 0 and ind.direction != "lower":
        projected_completion = float(projection / target * 100)
    return {
        "indicator": code,
        "unit": ind.unit,
        "direction": ind.direction,
        "accumulating": acc,
        "actual": typed(actual, ind),
        "target": typed(target, ind),
        "completion": completion,
        "pace": month / 12 * 100 if acc else None,
        "gap": typed(gap, ind),
        "pace_target": typed(pace_target, ind),
        "gap_to_pace": typed(gap_to_pace, ind),
        "status": _status(actual, target, ind.direction, acc, month, decimals),
        "projection": typed(projection, ind),
        "projected_completion": projected_completion,
        "method": proj.method,
        "profile_share": proj.share,
        "profile_years": ",".join(str(y) for y in proj.years),
        "note_zh": "；".join(x for x in (note_zh, proj.note_zh) if x),
        "note_en": "; ".join(x for x in (note_en, proj.note_en) if x),
    }
