"""Loss-making subsidiaries (亏损企业治理): how many, how much, for how long, and who turned around.

Definitions (the criterion is data, params/losses.yaml):

- an entity is *loss-making* in a period when its own reported (合并 for a parent) year-to-date
  value of the criterion indicator (``net_profit``) is below the threshold (``0``);
- the *loss amount* (亏损额) of a group is −Σ value over its loss-making entities (positive when
  they lose money); the *loss rate* (亏损面) is loss-making entities / entities reporting × 100;
- groups are the entities' tree level (a level's entities never overlap, so amounts are not
  counted twice), split further by an entity column with ``by`` (e.g. industry); ``level``
  keeps one level only; the prior year is grouped by the tree and attributes of its own period;
- *loss years* (连续亏损年数): consecutive Decembers, back from the latest December not after the
  period, at which the entity was loss-making (the streak crosses year boundaries by definition);
- *loss months* (连续亏损月数): consecutive month ends, back from the period within its year, at
  which the year-to-date value was loss-making;
- *status* against the baseline (``turnaround_baseline``: the same period of the prior year by
  default, or the prior year's December): ``continuing`` (loss then and now), ``new`` (profit
  then, loss now), ``turned_around`` (扭亏: loss then, no loss now), ``loss`` (loss now, no value
  then), ``profit``, ``missing`` (no value now). Missing is never counted as a profit or a loss.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from guozi.analyses.targets import load_params, object_frame, to_decimal
from guozi.kernel.errors import CatalogError, NotFoundError
from guozi.kernel.periods import Period

if TYPE_CHECKING:
    from guozi.workspace import Workspace

PARAMS_FILE = "params/losses.yaml"
TurnaroundBaseline = Literal["prior_year", "prior_year_end"]
LossStatus = Literal["continuing", "new", "turned_around", "loss", "profit", "missing"]
BLANK_GROUP = ""


@dataclass(frozen=True)
class Criterion:
    """When an entity counts as loss-making, and what the turnaround is measured against."""

    indicator: str
    below: Decimal
    turnaround_baseline: TurnaroundBaseline

    def describe(self, ws: Workspace, lang: str) -> str:
        """The criterion in words, e.g. "净利润（本年累计）< 0"."""
        name = ws.catalog.indicator(self.indicator).name(lang)
        base = (
            ("上年同期" if self.turnaround_baseline == "prior_year" else "上年全年")
            if lang == "zh"
            else ("the same period of the prior year" if self.turnaround_baseline == "prior_year" else "the prior year")
        )
        if lang == "zh":
            return f"{name}（本年累计）< {self.below}；扭亏与新增亏损对比{base}"
        return f"{name} (year to date) < {self.below}; turnarounds and new losses against {base}"


def load_criterion(ws: Workspace) -> Criterion:
    """The loss criterion of params/losses.yaml, with any user override."""
    p = load_params(ws, "losses", PARAMS_FILE)
    code = str(p.get("indicator", ""))
    ind = ws.catalog.indicator(code)
    if ind.tree is None:
        raise CatalogError(
            f"亏损判定指标 {code} 须由公式引擎计算", f"the loss criterion indicator {code} must have a formula"
        )
    below = to_decimal(p.get("below"))
    if below is None:
        raise CatalogError("参数 losses.below 缺失", "parameter losses.below is missing")
    base = str(p.get("turnaround_baseline", "prior_year"))
    if base not in ("prior_year", "prior_year_end"):
        raise CatalogError(
            f"参数 losses.turnaround_baseline 应为 prior_year 或 prior_year_end，实为 {base}",
            f"parameter losses.turnaround_baseline must be prior_year or prior_year_end, not {base}",
        )
    return Criterion(code, below, base)  # type: ignore[arg-type]


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


def _scope(ws: Workspace, period: Period, entity: str | None, level: int | None, by: str | None) -> pd.DataFrame:
    """The nodes valid in ``period`` within ``entity``'s subtree (and ``level``), with a group column."""
    tree = ws.tree()
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
    ws: Workspace, period: Period, *, entity: str | None = None, by: str | None = None, level: int | None = None
) -> LossReport:
    """Loss-making entities at ``period`` (of ``entity``'s subtree), grouped by tree level and ``by``."""
    crit = load_criterion(ws)
    tree = ws.tree()
    if entity is not None and entity not in set(tree.nodes.entity_id):
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    if by is not None and by not in tree.attribute_columns():
        raise NotFoundError(f"没有可用于分组的企业列 {by}", f"no entity column {by} to group by")
    ind = ws.catalog.indicator(crit.indicator)
    prior = period.prior_year
    base_period = prior if crit.turnaround_baseline == "prior_year" else Period(period.year - 1, 12)
    last_dec = period.year if period.month == 12 else period.year - 1
    years = sorted({p // 100 for p in ws.store.periods()})
    first_year = years[0] if years else period.year
    periods = {Period(period.year, m) for m in range(1, period.month + 1)}
    periods |= {prior, base_period}
    periods |= {Period(y, 12) for y in range(first_year, last_dec + 1)}
    now = _scope(ws, period, entity, level, by)
    then = _scope(ws, prior, entity, level, by) if entity is None or _exists(ws, entity, prior) else now.iloc[0:0]
    # whose values are read: the subtree's entities now and a year before, and for the months and
    # year ends before only the loss-makers and those turned around; a panel limited to some entities has their rows
    # of the panel of every entity, so it is limited when they are a small part of the tree
    ids = None if entity is None else set(now.entity_id) | set(then.entity_id)
    everyone = tree.at(period).entity_id.nunique()
    values: dict[Period, dict[str, Decimal | None]] = {}  # period → entity → value

    def load(ps: set[Period], among: set[str] | None) -> None:
        small = among is not None and 2 * len(among) <= everyone
        panel = ws.indicators(
            sorted(ps), indicators=[crit.indicator], view="reported", prior=False, entities=among if small else None
        )
        f = panel.frame
        if among is not None and not small:
            f = f[f.entity_id.isin(among)]
        texts, where = np.unique(f.period.astype(str).to_numpy(dtype=object), return_inverse=True)
        keys, raw = f.entity_id.astype(str).to_numpy(dtype=object), f.value.to_numpy(dtype=object)
        for k, text in enumerate(texts):
            rows = np.flatnonzero(where == k)
            values[Period.parse(str(text))] = dict(zip(keys[rows], map(to_decimal, raw[rows]), strict=True))

    latest = {period, prior, base_period}
    load(latest, ids)
    at_period, at_base = values.get(period, {}), values.get(base_period, {})
    listed: set[str] = set()  # the loss-makers and those turned around: their loss months and years are counted
    for e in map(str, now.entity_id):
        loss = _is_loss(at_period.get(e), crit.below)
        if loss is not None and (loss or _is_loss(at_base.get(e), crit.below)):
            listed.add(e)
    if periods - latest and listed:
        load(periods - latest, listed)

    nothing: dict[str, Decimal | None] = {}

    def values_at(p: Period) -> dict[str, Decimal | None]:
        return values.get(p, nothing)

    cur, base = values_at(period), values_at(base_period)
    by_month = [values_at(Period(period.year, m)) for m in range(period.month, 0, -1)]  # latest first
    by_year = [values_at(Period(y, 12)) for y in range(last_dec, first_year - 1, -1)]
    period_text, base_text = str(period), str(base_period)
    names = {str(e): str(n) for e, n in zip(now.entity_id, now.get("name", now.entity_id), strict=True)}

    entity_rows: list[dict[str, Any]] = []
    statuses: dict[str, LossStatus] = {}
    missing: list[str] = []
    ordered = now.sort_values(["level", "group", "entity_id"])
    for eid_, lv, grp in zip(ordered.entity_id, ordered.level, ordered.group, strict=True):
        eid = str(eid_)
        v = cur.get(eid)
        b = base.get(eid)
        loss, was = _is_loss(v, crit.below), _is_loss(b, crit.below)
        status: LossStatus
        if loss is None:
            status = "missing"
            missing.append(eid)
        elif loss:
            status = "loss" if was is None else ("continuing" if was else "new")
        else:
            status = "turned_around" if was else "profit"
        statuses[eid] = status
        if status in ("missing", "profit"):
            continue
        months = 0
        for month in by_month:
            if _is_loss(month.get(eid), crit.below):
                months += 1
            else:
                break
        loss_years, stopped = 0, False
        for year in by_year:
            at = _is_loss(year.get(eid), crit.below)
            if at is None:
                stopped = True
                break
            if not at:
                break
            loss_years += 1
        entity_rows.append(
            {
                "entity_id": eid,
                "name": names.get(eid, eid),
                "period": period_text,
                "level": int(lv),
                "group": str(grp),
                "value": _typed(v, ind.is_amount),
                "baseline": _typed(b, ind.is_amount),
                "baseline_period": base_text,
                "status": status,
                "loss_months": months,
                "loss_years": loss_years,
                "years_stopped_by_missing": stopped,
                "unit": ind.unit,
            }
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


def _exists(ws: Workspace, entity: str, period: Period) -> bool:
    return entity in set(ws.tree().at(period).entity_id)


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


STATUS_LABELS: dict[str, tuple[str, str]] = {
    "continuing": ("持续亏损", "still loss-making"),
    "new": ("新增亏损", "newly loss-making"),
    "turned_around": ("扭亏", "turned around"),
    "loss": ("亏损（上年无数据）", "loss-making (no prior value)"),
    "profit": ("盈利", "profitable"),
    "missing": ("缺数", "no value"),
}


def level_label(level: int, lang: str) -> str:
    """第1级 / level 1."""
    return f"第{level}级" if lang == "zh" else f"level {level}"


def group_label(group: str, lang: str) -> str:
    """A group value, or (未填)/(blank) for entities without one."""
    if group != BLANK_GROUP:
        return group
    return "（未填）" if lang == "zh" else "(blank)"


def loss_summary_rows(report: LossReport, lang: str) -> list[dict[str, Any]]:
    """The group rows as output records."""
    rows: list[dict[str, Any]] = []
    for r in report.groups.to_dict("records"):
        rec = {str(k): v for k, v in r.items()}
        rec["level_label"] = level_label(int(r["level"]), lang)
        rec["group_label"] = group_label(str(r["group"]), lang) if report.by else ""
        rows.append(rec)
    return rows


def loss_entity_rows(report: LossReport, lang: str) -> list[dict[str, Any]]:
    """The entity rows as output records, status in ``lang`` beside its code."""
    rows: list[dict[str, Any]] = []
    for r in report.entities.to_dict("records"):
        rec = {str(k): v for k, v in r.items()}
        zh, en = STATUS_LABELS[str(r["status"])]
        rec["status_label"] = zh if lang == "zh" else en
        rec["level_label"] = level_label(int(r["level"]), lang)
        rec["group_label"] = group_label(str(r["group"]), lang) if report.by else ""
        rows.append(rec)
    return rows


def missing_note(report: LossReport, lang: str, limit: int = 10) -> str:
    """A sentence naming the entities in scope without a value (missing is not zero)."""
    if not report.missing:
        return ""
    shown = ", ".join(report.missing[:limit]) + (" …" if len(report.missing) > limit else "")
    if lang == "zh":
        return f"{len(report.missing)} 家企业本期无数据，未计入亏损或盈利：{shown}"
    return f"{len(report.missing)} entities have no value for the period and are counted neither way: {shown}"
