"""Targets and regime verdicts: progress against annual targets, and 一增一稳四提升 and its kin.

Target progress (``guozi targets``), for each target of ``targets.csv`` in the period's year:

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

Regime verdicts (``guozi verdict``): each clause of the regime's target rule (regimes.yaml) is
evaluated from the data, generically by its test; the comparison base of each test is a parameter
(params/targets.yaml: the same period of the prior year, or the prior year end for "stable"), and
an indicator's direction comes from the catalogue, so "increase" of a lower-is-better indicator
means a decrease. National GDP growth is reference data (reference/gdp_growth.csv), overridden
row by row by a user file (``--gdp FILE`` or ``$GUOZI_GDP``); for a period the figure of the same
period is used if present, else the year's annual figure, else the prior year's, and the verdict
says which.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import yaml

from guozi.catalog.load import SHIPPED, data_path
from guozi.engine.compile import Arith, Const, Expr, Minus, Months, Pick, Term, resolve
from guozi.kernel.errors import CatalogError, GuoziError, InvalidInputError, NotFoundError, Problem
from guozi.kernel.periods import Period

if TYPE_CHECKING:
    from guozi.catalog.model import Catalog, Clause, Indicator
    from guozi.engine.panel import View
    from guozi.workspace import Workspace

FEN = Decimal("0.01")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
GDP_FILE = "reference/gdp_growth.csv"
GDP_ENV = "GUOZI_GDP"
PARAMS_FILE = "params/targets.yaml"
Status = Literal["ahead", "behind", "met", "not_met", "unknown"]
Method = Literal["actual", "profile", "linear", "none"]


# parameters ------------------------------------------------------------------------------------


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"无法读取参数文件 {path}：{exc}", f"cannot read parameter file {path}: {exc}") from exc
    return doc if isinstance(doc, dict) else {}


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), dict) else v
    return out


def user_catalog_files(ws: Workspace) -> list[Path]:
    """The user's own catalogue files of the workspace (those given after the shipped ones)."""
    shipped = {str(data_path(n)) for n in SHIPPED}
    return [Path(f) for f in ws.catalog.files if f not in shipped]


def load_params(ws: Workspace, section: str, file: str = PARAMS_FILE) -> dict[str, Any]:
    """The ``section`` of the shipped ``file`` (under catalog/data), overridden key by key by the
    same section of any user catalogue file of the workspace."""
    out = dict(_read_yaml(data_path(file)).get(section) or {})
    for path in user_catalog_files(ws):
        over = _read_yaml(path).get(section)
        if isinstance(over, Mapping):
            out = _merge(out, over)
    return out


def _int_param(params: Mapping[str, Any], key: str, where: str) -> int:
    try:
        return int(params[key])
    except (KeyError, TypeError, ValueError):
        raise CatalogError(
            f"参数 {where}.{key} 缺失或不是整数", f"parameter {where}.{key} is missing or not an integer"
        ) from None


# numbers ---------------------------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal | None:
    """A value as a Decimal (floats by their shortest repr, so 0.1 stays 0.1); None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):  # numpy floats too: repr of the plain float, the shortest round trip
        return None if math.isnan(value) else Decimal(repr(float(value)))
    return Decimal(str(value))


def _rounded(value: Any, decimals: int) -> Decimal | None:
    d = to_decimal(value)
    return None if d is None else d.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def _typed(value: Decimal | None, ind: Indicator) -> Decimal | float | None:
    """A computed value in the panel's type for ``ind``: Decimal for amounts, float for ratios."""
    if value is None:
        return None
    return value if ind.is_amount else float(value)


def _show(value: Any, unit: str, lang: str) -> str:
    """A number for a sentence: money in 万元, ratios with two decimals."""
    d = to_decimal(value)
    if d is None:
        return "—"
    if unit == "元":
        text = f"{(d / 10000).quantize(FEN, ROUND_HALF_UP):,}"
        return f"{text} 万元" if lang == "zh" else f"{text} 10k yuan"
    if unit == "%":
        return f"{d.quantize(FEN, ROUND_HALF_UP)}%"
    if unit == "人":
        return f"{d.quantize(Decimal(1), ROUND_HALF_UP):,} 人" if lang == "zh" else f"{d:,.0f} persons"
    return f"{d.quantize(FEN, ROUND_HALF_UP)} {unit}"


def _pp(value: Any, lang: str) -> str:
    d = to_decimal(value)
    text = "—" if d is None else f"{d.quantize(FEN, ROUND_HALF_UP):+}"
    return f"{text} 个百分点" if lang == "zh" else f"{text} pp"


# which indicators accumulate -------------------------------------------------------------------


def _dimension(expr: Expr, catalog: Catalog, averaged: set[str]) -> int | None:
    """How many times a formula counts the months (1 for a flow, 0 for a balance); None if mixed."""
    match expr:
        case Const():
            return 0
        case Months():
            return 1
        case Term(item, role):
            it = catalog.items[item]
            return 1 if it.kind == "flow" and role == "cur" and item not in averaged else 0
        case Pick(options):
            dims = {_dimension(o, catalog, averaged) for o in options}
            return dims.pop() if len(dims) == 1 else None
        case Minus(operand):
            return _dimension(operand, catalog, averaged)
        case Arith(op, left, right):
            dl, dr = _dimension(left, catalog, averaged), _dimension(right, catalog, averaged)
            if dl is None or dr is None:
                return None
            if op in ("+", "-"):
                return dl if dl == dr else None
            return dl + dr if op == "*" else dl - dr
    return None  # pragma: no cover


def accumulates(catalog: Catalog, code: str, params: Mapping[str, Any]) -> bool:
    """Whether the year-to-date value of ``code`` grows through the year (judged against 序时进度)."""
    if code in set(params.get("accumulating") or ()):
        return True
    if code in set(params.get("not_accumulating") or ()):
        return False
    ind = catalog.indicator(code)
    if ind.tree is None:
        return False
    averaged = {str(i) for i in params.get("averaged_flow_items") or ()}
    return _dimension(resolve(ind.tree, catalog), catalog, averaged) == 1


# targets ---------------------------------------------------------------------------------------

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


def object_frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame of ``records`` whose columns keep Python values (None stays None, Decimal stays Decimal)."""
    return pd.DataFrame({c: pd.Series([r.get(c) for r in records], dtype=object) for c in columns})


def _names(ws: Workspace) -> dict[str, str]:
    nodes = ws.tree().nodes
    if "name" not in nodes.columns:
        return {}
    latest = nodes.sort_values("to_code")
    return {str(k): str(v) for k, v in zip(latest.entity_id, latest.name, strict=True)}


def _target_value(raw: Any, ind: Indicator) -> Decimal | float | None:
    d = to_decimal(raw)
    return _typed(d, ind)


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
        note_zh=f"{span}年1—{month}月占全年 {float(share) * 100:.1f}%",
        note_en=f"{span_en}: Jan–{_MONTHS_EN[month - 1]} = {float(share) * 100:.1f}% of the year",
    )


def _status(
    actual: Decimal | None, target: Decimal | None, direction: str, accumulating: bool, month: int, decimals: int
) -> Status:
    if actual is None or target is None:
        return "unknown"
    if accumulating and month < 12:
        lhs, rhs = _rounded(actual * 12, decimals), _rounded(target * month, decimals)
        assert lhs is not None and rhs is not None
        ok = lhs <= rhs if direction == "lower" else lhs >= rhs
        return "ahead" if ok else "behind"
    a, t = _rounded(actual, decimals), _rounded(target, decimals)
    assert a is not None and t is not None
    ok = a <= t if direction == "lower" else a >= t
    return "met" if ok else "not_met"


def evaluate_targets(
    ws: Workspace, period: Period, *, entity: str | None = None, subtree: bool = False
) -> TargetReport:
    """Progress of every target of ``period.year`` (of ``entity``, or of its subtree) at ``period``."""
    params = load_params(ws, "targets")
    decimals = _int_param(load_params(ws, "verdict"), "compare_decimals", "verdict")
    profile_years = _int_param(params, "profile_years", "targets")
    catalog = ws.catalog
    month = period.month
    targets = ws.store.targets()
    t = targets[targets.year == period.year]
    if entity is not None:
        if entity not in set(ws.tree().nodes.entity_id):
            raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
        ids = set(ws.tree().subtree(entity, period)) if subtree else {entity}
        t = t[t.entity_id.isin(ids)]
    codes = sorted(set(t.indicator), key=lambda c: list(catalog.indicators).index(c))
    computable = [c for c in codes if catalog.indicator(c).tree is not None]
    years = sorted({p // 100 for p in ws.store.periods() if p // 100 < period.year})
    earlier = tuple(years[-profile_years:]) if profile_years > 0 else ()
    periods = [period, *(Period(y, m) for y in earlier for m in sorted({month, 12}))]
    values: dict[tuple[str, str, str], tuple[Any, str, str]] = {}
    if computable and not t.empty:
        panel = ws.indicators(
            sorted(set(periods)), indicators=computable, entity=None if subtree else entity, prior=False
        )
        for r in panel.frame.itertuples(index=False):
            values[(str(r.entity_id), str(r.period), str(r.indicator))] = (r.value, str(r.note_zh), str(r.note_en))
    names = _names(ws)
    pace = month / 12 * 100
    order = {c: i for i, c in enumerate(codes)}
    records: list[dict[str, Any]] = []
    for row in sorted(t.itertuples(index=False), key=lambda r: (str(r.entity_id), order[str(r.indicator)])):
        eid, code = str(row.entity_id), str(row.indicator)
        ind = catalog.indicator(code)
        acc = accumulates(catalog, code, params)
        target = to_decimal(row.target)
        note_zh = note_en = ""
        if ind.tree is None:
            actual = None
            note_zh = f"指标 {code} 由 {ind.computed_by} 模块计算，目标进度暂不支持"
            note_en = f"indicator {code} is computed by the {ind.computed_by} module; progress not supported yet"
        else:
            raw, note_zh, note_en = values.get((eid, str(period), code), (None, "无数据", "no data"))
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
            history: list[tuple[int, Decimal, Decimal]] = []
            for y in earlier:
                vm = to_decimal(values.get((eid, str(Period(y, month)), code), (None,))[0])
                v12 = to_decimal(values.get((eid, str(Period(y, 12)), code), (None,))[0])
                if vm is not None and v12 is not None:
                    history.append((y, vm, v12))
            proj = project_year_end(actual, month, history[-profile_years:] if profile_years > 0 else [])
        else:
            proj = _Projection(None, "none", note_zh="时点或比率指标", note_en="a balance or a ratio")
        projection = proj.value
        if projection is not None and ind.is_amount:
            projection = projection.quantize(FEN, ROUND_HALF_UP)
        projected_completion = None
        if projection is not None and target is not None and target > 0 and ind.direction != "lower":
            projected_completion = float(projection / target * 100)
        records.append(
            {
                "entity_id": eid,
                "name": names.get(eid, eid),
                "year": period.year,
                "period": str(period),
                "indicator": code,
                "unit": ind.unit,
                "direction": ind.direction,
                "accumulating": acc,
                "actual": _typed(actual, ind),
                "target": _typed(target, ind),
                "completion": completion,
                "pace": pace if acc else None,
                "gap": _typed(gap, ind),
                "pace_target": _typed(pace_target, ind),
                "gap_to_pace": _typed(gap_to_pace, ind),
                "status": _status(actual, target, ind.direction, acc, month, decimals),
                "projection": _typed(projection, ind),
                "projected_completion": projected_completion,
                "method": proj.method,
                "profile_share": proj.share,
                "profile_years": ",".join(str(y) for y in proj.years),
                "note_zh": "；".join(x for x in (note_zh, proj.note_zh) if x),
                "note_en": "; ".join(x for x in (note_en, proj.note_en) if x),
            }
        )
    frame = object_frame(records, TARGET_FRAME_COLUMNS)
    return TargetReport(period=period, frame=frame, earlier_years=earlier)


STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ahead": ("快于序时进度", "ahead of pace"),
    "behind": ("慢于序时进度", "behind pace"),
    "met": ("达标", "met"),
    "not_met": ("未达标", "not met"),
    "unknown": ("无法判断", "cannot tell"),
}
METHOD_LABELS: dict[str, tuple[str, str]] = {
    "actual": ("全年实际", "full-year actual"),
    "profile": ("以往年度月度进度", "earlier years' profile"),
    "linear": ("线性外推", "linear"),
    "none": ("不外推", "not projected"),
}


def _label(labels: Mapping[str, tuple[str, str]], code: str, lang: str) -> str:
    zh, en = labels.get(code, (code, code))
    return zh if lang == "zh" else en


def target_rows(report: TargetReport, ws: Workspace, lang: str) -> list[dict[str, Any]]:
    """The report's rows as output records (codes kept, labels and notes in ``lang``)."""
    rows: list[dict[str, Any]] = []
    for r in report.frame.to_dict("records"):
        rec = {str(k): v for k, v in r.items() if k not in ("note_zh", "note_en")}
        rec["note"] = r["note_zh"] if lang == "zh" else r["note_en"]
        rec["indicator_name"] = ws.catalog.indicator(str(r["indicator"])).name(lang)
        rec["status_label"] = _label(STATUS_LABELS, str(r["status"]), lang)
        rec["method_label"] = _label(METHOD_LABELS, str(r["method"]), lang)
        rows.append(rec)
    return rows


# GDP reference ---------------------------------------------------------------------------------

GdpRule = Literal["same_period", "annual", "prior_annual"]


@dataclass(frozen=True)
class GdpFigure:
    """One row of the GDP growth series: real growth in percent for a period, with its source."""

    period: Period
    growth: Decimal
    source: str
    note: str
    file: str


@dataclass(frozen=True)
class GdpPick:
    """The GDP growth figure used for a period, and by which rule it was chosen."""

    figure: GdpFigure
    rule: GdpRule

    def describe(self, lang: str) -> str:
        """Which figure was used, e.g. "2025-06 同期数据（国家统计局…）"."""
        p = self.figure.period
        src = self.figure.source
        if lang == "zh":
            how = {"same_period": "同期数据", "annual": "当年全年数据", "prior_annual": "上年全年数据（当年无数据）"}
            return f"{p} {how[self.rule]}" + (f"，来源：{src}" if src else "")
        how_en = {
            "same_period": "same period",
            "annual": "the year's annual figure",
            "prior_annual": "the prior year's annual figure (none for the year)",
        }
        return f"{p} {how_en[self.rule]}" + (f"; source: {src}" if src else "")


@dataclass(frozen=True)
class GdpSeries:
    """National real GDP growth by period (the shipped series, overridden by a user's rows)."""

    figures: dict[Period, GdpFigure] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def pick(self, period: Period) -> GdpPick | None:
        """The same period's figure, else the year's annual figure, else the prior year's."""
        if period in self.figures:
            return GdpPick(self.figures[period], "same_period")
        annual = Period(period.year, 12)
        if annual in self.figures:
            return GdpPick(self.figures[annual], "annual")
        prior = Period(period.year - 1, 12)
        if prior in self.figures:
            return GdpPick(self.figures[prior], "prior_annual")
        return None


def _gdp_rows(path: Path) -> list[GdpFigure]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = set(reader.fieldnames or ())
            rows = list(reader)
    except OSError as exc:
        raise GuoziError(
            f"无法读取 GDP 增速文件 {path}：{exc}", f"cannot read the GDP growth file {path}: {exc}"
        ) from exc
    missing = {"period", "real_gdp_growth_pct"} - fields
    if missing:
        raise InvalidInputError(
            problems=[
                Problem(
                    "gdp.columns",
                    "GDP 增速文件缺少列：" + "、".join(sorted(missing)),
                    "the GDP growth file lacks column(s): " + ", ".join(sorted(missing)),
                    file=str(path),
                    row=1,
                    expected="period,real_gdp_growth_pct[,source,note]",
                    found=",".join(sorted(fields)),
                )
            ]
        )
    out: list[GdpFigure] = []
    problems: list[Problem] = []
    for i, r in enumerate(rows, start=2):
        text_p, text_v = (r.get("period") or "").strip(), (r.get("real_gdp_growth_pct") or "").strip()
        try:
            p = Period.parse(text_p)
        except ValueError:
            problems.append(
                Problem(
                    "period.format",
                    f"期间格式错误：{text_p!r}",
                    f"bad period: {text_p!r}",
                    file=str(path),
                    row=i,
                    column="period",
                    expected="YYYY-MM",
                    found=text_p,
                )
            )
            continue
        try:
            v = Decimal(text_v)
            if not v.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                Problem(
                    "value.not_numeric",
                    f"GDP 增速不是数字：{text_v!r}",
                    f"GDP growth is not a number: {text_v!r}",
                    file=str(path),
                    row=i,
                    column="real_gdp_growth_pct",
                    expected="a decimal number (percent)",
                    found=text_v,
                )
            )
            continue
        out.append(GdpFigure(p, v, (r.get("source") or "").strip(), (r.get("note") or "").strip(), str(path)))
    if problems:
        raise InvalidInputError(problems=problems)
    return out


def load_gdp(path: Path | str | None = None) -> GdpSeries:
    """The shipped GDP growth series, overridden row by row (by period) by ``path`` or ``$GUOZI_GDP``."""
    files = [data_path(GDP_FILE)]
    user = path if path is not None else os.environ.get(GDP_ENV) or None
    if user is not None:
        files.append(Path(user))
    figures: dict[Period, GdpFigure] = {}
    for f in files:
        for g in _gdp_rows(f):
            figures[g.period] = g
    return GdpSeries(figures=figures, files=tuple(str(f) for f in files))


# regime verdicts -------------------------------------------------------------------------------

Baseline = Literal["prior_year", "opening"]
TESTS = (
    "growth_above_reference",
    "at_most",
    "at_least",
    "stable",
    "increase",
    "change_at_least",
    "growth_at_least",
)


@dataclass(frozen=True)
class ClauseResult:
    """One clause of a regime's target rule, evaluated, with every number it rests on.

    ``passed`` is None when the clause cannot be judged (a value, its base or the reference is
    missing); ``reason_zh``/``reason_en`` say why, or how it was decided.
    """

    indicator: str
    test: str
    direction: str
    unit: str
    value: Decimal | float | None
    baseline: Decimal | float | None
    baseline_period: str
    change: Decimal | float | None
    growth: float | None
    threshold: Decimal | None
    reference: Decimal | None
    reference_period: str
    reference_source: str
    passed: bool | None
    reason_zh: str
    reason_en: str

    def reason(self, lang: str) -> str:
        """The explanation in ``lang``."""
        return self.reason_zh if lang == "zh" else self.reason_en


@dataclass(frozen=True)
class Verdict:
    """Whether an entity (or an aggregate) meets its regime's target rule in a period."""

    entity_id: str
    name: str
    period: Period
    regime: str
    phrase_zh: str
    phrase_en: str
    clauses: tuple[ClauseResult, ...]

    @property
    def passed(self) -> bool | None:
        """True if every clause passed, False if any failed, None if some cannot be judged."""
        if not self.clauses:
            return None
        results = [c.passed for c in self.clauses]
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None

    def phrase(self, lang: str) -> str:
        """The regime's phrase (一增一稳四提升 …) in ``lang``."""
        return self.phrase_zh if lang == "zh" else self.phrase_en


def _baseline_of(params: Mapping[str, Any], test: str) -> Baseline:
    b = str((params.get("baseline") or {}).get(test, "prior_year"))
    if b not in ("prior_year", "opening"):
        raise CatalogError(
            f"参数 verdict.baseline.{test} 应为 prior_year 或 opening，实为 {b}",
            f"parameter verdict.baseline.{test} must be prior_year or opening, not {b}",
        )
    return b  # type: ignore[return-value]


def _threshold(clause: Clause, catalog: Catalog) -> Decimal | None:
    if clause.value is not None:
        return clause.value
    if clause.parameter:
        if clause.parameter not in catalog.parameters:
            raise CatalogError(
                f"考核规则引用了未定义的参数 {clause.parameter}",
                f"a regime clause refers to the undefined parameter {clause.parameter}",
            )
        return catalog.parameters[clause.parameter]
    return None


@dataclass(frozen=True)
class ClauseInputs:
    """What a clause is judged on: the value (with the panel's note when empty) and its base."""

    value: Any
    note_zh: str
    note_en: str
    baseline: Any
    baseline_period: Period
    baseline_kind: Baseline = "prior_year"


def evaluate_clause(
    clause: Clause,
    ind: Indicator,
    inputs: ClauseInputs,
    *,
    threshold: Decimal | None,
    reference: GdpPick | None,
    decimals: int,
) -> ClauseResult:
    """Evaluate one clause on its inputs (see the module docstring for the tests)."""
    test = clause.test
    if test not in TESTS:
        raise CatalogError(
            f"未知的考核规则检验：{test}（应为 {'、'.join(TESTS)}）", f"unknown clause test: {test} (one of {TESTS})"
        )
    unit, direction = ind.unit, ind.direction
    sign = -1 if direction == "lower" else 1
    name_zh, name_en = ind.name_zh, ind.name_en
    value = to_decimal(inputs.value)
    base = to_decimal(inputs.baseline)
    bp = inputs.baseline_period
    change = None if value is None or base is None else value - base
    growth = None
    if change is not None and base is not None and base != 0 and (unit != "%" or test.startswith("growth")):
        growth = float(change / abs(base) * 100)  # a ratio's relative growth only where a test asks for it
    ref = reference.figure.growth if reference is not None else None

    def result(passed: bool | None, zh: str, en: str) -> ClauseResult:
        return ClauseResult(
            indicator=ind.code,
            test=test,
            direction=direction,
            unit=unit,
            value=_typed(value, ind),
            baseline=_typed(base, ind),
            baseline_period=str(bp) if test not in ("at_most", "at_least") else "",
            change=_typed(change, ind),
            growth=growth,
            threshold=threshold,
            reference=ref,
            reference_period=str(reference.figure.period) if reference is not None else "",
            reference_source=reference.describe("en") if reference is not None else "",
            passed=passed,
            reason_zh=zh,
            reason_en=en,
        )

    base_zh = "上年末" if inputs.baseline_kind == "opening" else "上年同期"
    base_en = "the prior year end" if inputs.baseline_kind == "opening" else "the same period of the prior year"
    if value is None:
        return result(
            None,
            f"{name_zh}本期无值（{inputs.note_zh or '无数据'}）",
            f"{name_en}: no value ({inputs.note_en or 'no data'})",
        )
    if test in ("at_most", "at_least"):
        if threshold is None:
            raise CatalogError(f"考核规则 {ind.code} {test} 缺少 value", f"clause {ind.code} {test} lacks a value")
        v, t = _rounded(value, decimals), _rounded(threshold, decimals)
        assert v is not None and t is not None
        ok = v <= t if test == "at_most" else v >= t
        rel_zh = ("不高于" if ok else "高于") if test == "at_most" else ("不低于" if ok else "低于")
        rel_en = ("not above" if ok else "above") if test == "at_most" else ("not below" if ok else "below")
        return result(
            ok,
            f"{name_zh} {_show(value, unit, 'zh')}，{rel_zh}上限 {_show(threshold, unit, 'zh')}"
            if test == "at_most"
            else f"{name_zh} {_show(value, unit, 'zh')}，{rel_zh}下限 {_show(threshold, unit, 'zh')}",
            f"{name_en} {_show(value, unit, 'en')}, {rel_en} the {'cap' if test == 'at_most' else 'floor'} "
            f"of {_show(threshold, unit, 'en')}",
        )
    if base is None:
        return result(
            None,
            f"{name_zh}缺少{base_zh}（{bp}）值，无法比较",
            f"{name_en}: no value for {base_en} ({bp}) to compare with",
        )
    assert change is not None
    now_zh = f"{name_zh} {_show(value, unit, 'zh')}，{base_zh} {_show(base, unit, 'zh')}"
    now_en = f"{name_en} {_show(value, unit, 'en')}, {base_en} {_show(base, unit, 'en')}"
    if test in ("growth_above_reference", "growth_at_least"):
        if growth is None:
            return result(
                None,
                f"{now_zh}，基数为零，无法计算增速",
                f"{now_en}: the base is zero, no growth rate",
            )
        g = _rounded(growth, decimals)
        assert g is not None
        if test == "growth_at_least":
            if threshold is None:
                raise CatalogError(f"考核规则 {ind.code} {test} 缺少 value", f"clause {ind.code} {test} lacks a value")
            t = _rounded(threshold, decimals)
            assert t is not None
            ok = sign * g >= t
            return result(
                ok,
                f"{now_zh}，增长 {growth:.2f}%，{'达到' if ok else '未达到'}要求的 "
                f"{'' if sign > 0 else '下降 '}{threshold}%",
                f"{now_en}: growth {growth:.2f}%, {'meets' if ok else 'misses'} the required "
                f"{'' if sign > 0 else 'fall of '}{threshold}%",
            )
        if reference is None or ref is None:
            return result(
                None,
                f"{now_zh}，增长 {growth:.2f}%；缺少本期及当年、上年的 GDP 增速（可用 --gdp 文件补充）",
                f"{now_en}: growth {growth:.2f}%; no GDP growth for the period, its year or the prior year "
                "(add one with --gdp FILE)",
            )
        r = _rounded(ref, decimals)
        assert r is not None
        ok = g > r if sign > 0 else g < r
        return result(
            ok,
            f"{now_zh}，增长 {growth:.2f}%，{'高于' if g > r else '不高于'} GDP 增速 {ref}%"
            f"（{reference.describe('zh')}）",
            f"{now_en}: growth {growth:.2f}%, {'above' if g > r else 'not above'} GDP growth of {ref}% "
            f"({reference.describe('en')})",
        )
    c = _rounded(change, decimals)
    assert c is not None
    ch_zh = _pp(change, "zh") if unit == "%" else _show(change, unit, "zh")
    ch_en = _pp(change, "en") if unit == "%" else _show(change, unit, "en")
    if test == "stable":
        if threshold is None:
            raise CatalogError(f"考核规则 {ind.code} stable 缺少容差", f"clause {ind.code} stable lacks a tolerance")
        t = _rounded(threshold, decimals)
        assert t is not None
        ok = abs(c) <= t
        tol_zh = f"±{threshold} 个百分点" if unit == "%" else f"±{_show(threshold, unit, 'zh')}"
        tol_en = f"±{threshold} pp" if unit == "%" else f"±{_show(threshold, unit, 'en')}"
        return result(
            ok,
            f"{now_zh}，变动 {ch_zh}，{'在' if ok else '超出'} {tol_zh}{'以内' if ok else '的稳定区间'}",
            f"{now_en}: change {ch_en}, {'within' if ok else 'outside'} {tol_en}",
        )
    if test == "increase":
        ok = sign * c > 0
        want_zh = "下降" if sign < 0 else "提升"
        want_en = "a decrease" if sign < 0 else "an increase"
        return result(
            ok,
            f"{now_zh}，变动 {ch_zh}，{'实现' if ok else '未实现'}{want_zh}",
            f"{now_en}: change {ch_en}, {'' if ok else 'not '}{want_en}",
        )
    # change_at_least
    if threshold is None:
        raise CatalogError(f"考核规则 {ind.code} {test} 缺少 value", f"clause {ind.code} {test} lacks a value")
    t = _rounded(threshold, decimals)
    assert t is not None
    ok = sign * c >= t
    need_zh = f"{threshold} 个百分点" if unit == "%" else _show(threshold, unit, "zh")
    need_en = f"{threshold} pp" if unit == "%" else _show(threshold, unit, "en")
    return result(
        ok,
        f"{now_zh}，变动 {ch_zh}，{'达到' if ok else '未达到'}要求的{'下降' if sign < 0 else '提高'} {need_zh}",
        f"{now_en}: change {ch_en}, {'meets' if ok else 'misses'} the required "
        f"{'fall' if sign < 0 else 'rise'} of {need_en}",
    )


def regime_verdict(
    ws: Workspace,
    period: Period,
    *,
    entity: str | None = None,
    view: View = "reported",
    by: str | None = None,
    level: int = 1,
    regime: str | None = None,
    gdp: GdpSeries | Path | str | None = None,
) -> list[Verdict]:
    """The verdict of the regime's target rule for each entity or aggregate of the panel.

    ``view``, ``by``, ``level`` and ``entity`` choose the rows as for :meth:`Workspace.indicators`
    (each entity's reported figures by default; ``children``/``leaves`` sums, or a level grouped
    by an entity column). ``gdp``: a series, or a user file overriding the shipped one.
    """
    reg = ws.catalog.regime(regime) if regime else ws.catalog.regime_for(period.year)
    params = load_params(ws, "verdict")
    decimals = _int_param(params, "compare_decimals", "verdict")
    series = gdp if isinstance(gdp, GdpSeries) else load_gdp(gdp)
    catalog = ws.catalog
    codes = list(dict.fromkeys(c.indicator for c in reg.clauses))
    computable = [c for c in codes if catalog.indicator(c).tree is not None]
    opening = period.opening
    periods = sorted({period, opening})
    panel = ws.indicators(
        periods, indicators=computable or list(reg.indicators), entity=entity, view=view, by=by, level=level
    )
    f = panel.frame
    cur = f[f.period == str(period)]
    at_open = f[f.period == str(opening)]
    opening_values = {(str(r.entity_id), str(r.indicator)): r.value for r in at_open.itertuples(index=False)}
    rows: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    for r in cur.itertuples(index=False):
        rows.setdefault(str(r.entity_id), {})[str(r.indicator)] = r
        names[str(r.entity_id)] = str(r.name)
    pick = series.pick(period)
    verdicts: list[Verdict] = []
    for key, by_ind in rows.items():
        results: list[ClauseResult] = []
        for clause in reg.clauses:
            ind = catalog.indicator(clause.indicator)
            base_kind = _baseline_of(params, clause.test)
            row = by_ind.get(clause.indicator)
            if row is None:
                inputs = ClauseInputs(
                    None,
                    f"指标由 {ind.computed_by} 模块计算，此处不可用",
                    f"computed by the {ind.computed_by} module, not available here",
                    None,
                    period.prior_year,
                )
            elif base_kind == "opening":
                inputs = ClauseInputs(
                    row.value,
                    str(row.note_zh),
                    str(row.note_en),
                    opening_values.get((key, clause.indicator)),
                    opening,
                    "opening",
                )
            else:
                inputs = ClauseInputs(row.value, str(row.note_zh), str(row.note_en), row.prior_value, period.prior_year)
            reference = None
            if clause.test == "growth_above_reference":
                if clause.reference not in ("gdp_growth", ""):
                    raise CatalogError(
                        f"未知的参考序列：{clause.reference}", f"unknown reference series: {clause.reference}"
                    )
                reference = pick
            results.append(
                evaluate_clause(
                    clause,
                    ind,
                    inputs,
                    threshold=_threshold(clause, catalog),
                    reference=reference,
                    decimals=decimals,
                )
            )
        verdicts.append(
            Verdict(
                entity_id=key,
                name=names.get(key, key),
                period=period,
                regime=reg.code,
                phrase_zh=reg.phrase_zh or reg.name_zh,
                phrase_en=reg.phrase_en or reg.name_en,
                clauses=tuple(results),
            )
        )
    return verdicts


TEST_LABELS: dict[str, tuple[str, str]] = {
    "growth_above_reference": ("增速高于GDP增速", "growth above GDP growth"),
    "at_most": ("不高于上限", "at most"),
    "at_least": ("不低于下限", "at least"),
    "stable": ("基本稳定", "stable"),
    "increase": ("同比改善", "improve year on year"),
    "change_at_least": ("改善不少于", "improve by at least"),
    "growth_at_least": ("增速不低于", "grow at least"),
}
PASS_LABELS: dict[str, tuple[str, str]] = {
    "True": ("通过", "pass"),
    "False": ("未通过", "fail"),
    "None": ("无法判断", "cannot tell"),
}


def verdict_label(passed: bool | None, lang: str) -> str:
    """通过 / 未通过 / 无法判断 (pass / fail / cannot tell)."""
    return _label(PASS_LABELS, str(passed), lang)


def verdict_rows(verdicts: Sequence[Verdict], ws: Workspace, lang: str) -> list[dict[str, Any]]:
    """One record per (entity, clause), the entity's overall verdict on each."""
    rows: list[dict[str, Any]] = []
    for v in verdicts:
        common = {
            "entity_id": v.entity_id,
            "name": v.name,
            "period": str(v.period),
            "regime": v.regime,
            "target_phrase": v.phrase(lang),
            "overall": v.passed,
            "overall_label": verdict_label(v.passed, lang),
        }
        if not v.clauses:
            rows.append(
                {
                    **common,
                    "clause": None,
                    "reason": "该年考核体系没有目标规则" if lang == "zh" else "the year's regime has no target rule",
                }
            )
            continue
        for i, c in enumerate(v.clauses, start=1):
            rows.append(
                {
                    **common,
                    "clause": i,
                    "indicator": c.indicator,
                    "indicator_name": ws.catalog.indicator(c.indicator).name(lang),
                    "test": c.test,
                    "test_label": _label(TEST_LABELS, c.test, lang),
                    "unit": c.unit,
                    "value": c.value,
                    "baseline": c.baseline,
                    "baseline_period": c.baseline_period,
                    "change": c.change,
                    "growth": c.growth,
                    "threshold": c.threshold,
                    "reference": c.reference,
                    "reference_period": c.reference_period,
                    "reference_source": c.reference_source,
                    "passed": c.passed,
                    "passed_label": verdict_label(c.passed, lang),
                    "reason": c.reason(lang),
                }
            )
    return rows
