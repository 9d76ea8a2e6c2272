"""Benchmarking (对标): ranks, percentiles and gaps among peers, and standard-value bands and scores.

Conventions (the same for enterprises among their peers and against an external peer set):

Peers
    The peers of an entity in a period are the entities at one level of the ownership tree (by
    default the entity's own level in that period) with the same value of an entity column (by
    default ``industry``). The entity itself belongs to its peer group. When the column is listed
    under ``peers.fallback_columns`` of ``params/benchmark.yaml`` (``industry``), its value is a
    GB/T 4754 division (``C37``) and the group has fewer than ``min_peers`` entities (the entity
    included), the group is widened to the division's section (``C``: every entity whose industry
    code lies in section C). Figures are each entity's own reported ones (``view='reported'``).

Missing values
    An entity without a value (the panel's note says why) is left out of the ranking and of the
    peer statistics; it gets no rank, no percentile and a note. Missing is never zero.

Rank ("competition ranking", 1-2-2-4)
    ``rank = 1 + the number of peers whose value is strictly better``, better in the direction
    the catalogue gives the indicator (``higher`` or ``lower``). Tied entities share the best
    rank of their tie; the next rank skips as many places as were tied. An indicator whose
    direction is ``none`` is not ranked.

Percentile (share of the other peers the entity is better than, ties counting half)
    ``P = 100 × (W + T / 2) / (n − 1)``, where ``n`` is the number of entities with a value in
    the group (the entity included), ``W`` the number of other entities with a strictly worse
    value and ``T`` the number of other entities with an equal value. The best entity scores 100,
    the worst 0; with ``n = 1`` there is no percentile.

Ties
    Amounts (元, 人) are exact decimals and tie when equal; ratios are floats and tie when equal
    after rounding to :data:`TIE_DECIMALS` decimals (so that 55 % computed two ways still ties).

Peer statistics (over the ``n`` values, the entity included)
    Quantiles by linear interpolation between order statistics (position ``h = (n − 1) · p`` of
    the ascending values, as Excel's QUARTILE.INC and numpy's default): the median is ``p = ½``;
    the *better quartile* is the value a quarter of the group reaches or beats (``p = ¾`` when
    higher is better, ``p = ¼`` when lower is better) and the *worse quartile* the other one; the
    best is the maximum (higher) or minimum (lower). Amounts stay exact decimals.

Gaps
    ``gap = value − reference`` in the indicator's unit (percentage points for ``%``). Whether a
    positive gap is good depends on the direction: for debt ratio a gap of +5 to the best means
    5 pp worse than the best.

Standard values (企业绩效评价标准值) and scores
    A table gives, per indicator, industry, size class and edition year, the standard value of
    each band (优秀 excellent, 良好 good, 平均 average, 较低 low, 较差 poor), best first. A value
    belongs to the best band whose standard value it reaches (``≥`` for higher, ``≤`` for lower is
    better; a value equal to a standard value belongs to that band); worse than the last one it is
    "较差以下". Its score is the band score at each standard value (data, default 100, 80, 60, 40,
    20), linear between two neighbouring standard values, extended with the slope of the end
    segment beyond either end (or 0 below 较差 if ``below_lowest_rule: zero``), and capped to
    ``[score_floor, score_ceiling]`` (0 and 100). For a lower-is-better indicator the standard
    values ascend from 优秀 to 较差 and the same rule applies mirrored. The overall score is the
    weighted mean of the scored indicators (weights are data); it is given only when those carry at
    least ``overall.min_weight_share`` of the total weight, and what was not scored is listed.

Every parameter lives in ``catalog/data/params/benchmark.yaml`` (peer groups, band scores,
weights), ``size_classes.yaml`` (NBS size classes) and ``standard_values.csv`` (an illustrative
table; load the real one).
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import yaml

from guozi.catalog import data_path
from guozi.catalog.formula import MONTH, names, parse
from guozi.catalog.model import UNITS, Catalog, Direction, Indicator
from guozi.engine.panel import Panel, Scope, compute_panel
from guozi.kernel.errors import CatalogError, FormulaError, GuoziError, InvalidInputError, NotFoundError, Problem
from guozi.kernel.periods import Period
from guozi.kernel.units import ALL_UNITS
from guozi.presentation.output import Column

if TYPE_CHECKING:
    from guozi.workspace import Workspace

Num = Decimal | float
TIE_DECIMALS = 9  # ratios (floats) equal to this many decimals are tied; numerical, not a domain rule
ILLUSTRATION_MARK = "ILLUSTRATION"  # the shipped standard-value table says so in its first line
BENCHMARK_FILE = "params/benchmark.yaml"
SIZES_FILE = "params/size_classes.yaml"
STANDARDS_FILE = "params/standard_values.csv"
MAX_NAMED = 5  # peers without a value named in a note; the rest are counted


# --------------------------------------------------------------------------------------------
# parameters


@dataclass(frozen=True)
class Band:
    """One band of a standard-value table and the score at its standard value."""

    code: str
    name_zh: str
    name_en: str
    score: float | None = None

    def name(self, lang: str) -> str:
        """The band's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class BenchmarkParams:
    """The parameters of ``params/benchmark.yaml``, merged with a user's override files."""

    peer_indicators: tuple[str, ...] | None  # None: the regime's indicators
    min_peers: int
    fallback_columns: tuple[str, ...]
    bands: tuple[Band, ...]  # best first
    below: Band  # a value worse than the last band's standard value
    below_rule: Literal["extrapolate", "zero"]
    floor: float
    ceiling: float
    weights: dict[str, Decimal]
    min_weight_share: Decimal
    sections: tuple[tuple[str, int, int], ...]  # (letter, first division, last division)
    world_indicators: tuple[str, ...]
    world_items: dict[str, str]
    extra: dict[str, Indicator]
    source: str
    files: tuple[str, ...]

    def section_of(self, code: str) -> str | None:
        """The GB/T 4754 section letter of an industry code (``C37`` → ``C``, ``37`` → ``C``)."""
        c = code.strip().upper()
        if not c:
            return None
        if c[0].isalpha():
            return c[0]
        if len(c) >= 2 and c[:2].isdigit():
            n = int(c[:2])
            for letter, lo, hi in self.sections:
                if lo <= n <= hi:
                    return letter
        return None

    def industry(self, code: object) -> str:
        """An industry code normalised: upper case, with its section letter (``37`` → ``C37``)."""
        c = _text(code).upper()
        if c and c[0].isdigit():
            letter = self.section_of(c)
            return f"{letter}{c}" if letter else c
        return c


REPLACED_KEYS = ("weights",)  # a user file's weights replace the shipped ones as a whole


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict) and k not in REPLACED_KEYS:
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"无法读取参数文件 {path}：{exc}", f"cannot read parameter file {path}: {exc}") from exc
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise CatalogError(f"参数文件 {path} 应为映射（键: 值）", f"parameter file {path} must be a mapping")
    return cast(dict[str, Any], doc)


def _dec(value: Any, path: str, what: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise CatalogError(
            f"{path}：{what} 不是数字：{value!r}", f"{path}: {what} is not a number: {value!r}"
        ) from None
    if not d.is_finite():
        raise CatalogError(f"{path}：{what} 不是有限数：{value!r}", f"{path}: {what} is not a finite number: {value!r}")
    return d


def _band(entry: Any, path: str, *, scored: bool) -> Band:
    if not isinstance(entry, Mapping) or "code" not in entry:
        raise CatalogError(f"{path}：档次应有 code、name_zh、name_en", f"{path}: a band needs code, name_zh, name_en")
    score = float(_dec(entry["score"], path, f"band {entry['code']} score")) if scored else None
    return Band(
        str(entry["code"]), str(entry.get("name_zh", entry["code"])), str(entry.get("name_en", entry["code"])), score
    )


def _extra_indicator(entry: Mapping[str, Any], path: str, source: str) -> Indicator:
    code = str(entry.get("code", ""))
    unit = str(entry.get("unit", ""))
    if not code or unit not in UNITS or "formula" not in entry:
        raise CatalogError(
            f"{path}：附加指标 {code or '?'} 需要 code、unit（{'/'.join(UNITS)}）和 formula",
            f"{path}: extra indicator {code or '?'} needs code, unit (one of {UNITS}) and formula",
        )
    direction = str(entry.get("direction", "none"))
    if direction not in ("higher", "lower", "none"):
        raise CatalogError(
            f"{path}：附加指标 {code} 的 direction 应为 higher/lower/none",
            f"{path}: extra indicator {code}: direction must be higher, lower or none",
        )
    try:
        tree = parse(str(entry["formula"]))
    except FormulaError as exc:
        raise CatalogError(
            f"{path}：附加指标 {code}：{exc.message_zh}", f"{path}: extra indicator {code}: {exc.message_en}"
        ) from exc
    return Indicator(
        code=code,
        name_zh=str(entry.get("name_zh", code)),
        name_en=str(entry.get("name_en", entry.get("name_zh", code))),
        unit=unit,
        direction=cast(Direction, direction),
        formula=str(entry["formula"]),
        tree=tree,
        source=str(entry.get("source", source)),
        note=str(entry.get("note", "")),
        origin=path,
    )


def load_params(files: Sequence[Path] = ()) -> BenchmarkParams:
    """The shipped ``params/benchmark.yaml``, overridden key by key by each of ``files``."""
    shipped = data_path(BENCHMARK_FILE)
    paths = [shipped, *files]
    doc: dict[str, Any] = {}
    for p in paths:
        doc = _merge(doc, _read_yaml(Path(p)))
    where = " + ".join(str(p) for p in paths)
    peers = doc.get("peers") or {}
    ind = peers.get("indicators", "regime")
    peer_indicators = None if ind in (None, "regime") else tuple(str(c) for c in ind)
    bands = tuple(_band(b, where, scored=True) for b in doc.get("bands") or [])
    if len(bands) < 2:
        raise CatalogError(f"{where}：bands 至少需要两个档次", f"{where}: bands needs at least two bands")
    scores = [b.score for b in bands]
    if any(a is None or b is None or a < b for a, b in itertools.pairwise(scores)):
        raise CatalogError(
            f"{where}：各档得分应自优至差不增：{scores}",
            f"{where}: band scores must not rise from best to worst: {scores}",
        )
    rule = str(doc.get("below_lowest_rule", "extrapolate"))
    if rule not in ("extrapolate", "zero"):
        raise CatalogError(
            f"{where}：below_lowest_rule 应为 extrapolate 或 zero",
            f"{where}: below_lowest_rule must be extrapolate or zero",
        )
    sections: list[tuple[str, int, int]] = []
    for letter, span in (doc.get("sections") or {}).items():
        lo, _, hi = str(span).partition("-")
        sections.append((str(letter).upper(), int(lo), int(hi or lo)))
    weights = {str(k): _dec(v, where, f"weight of {k}") for k, v in (doc.get("weights") or {}).items()}
    if any(w < 0 for w in weights.values()):
        raise CatalogError(f"{where}：权重不能为负", f"{where}: weights must not be negative")
    world = doc.get("world") or {}
    source = str(doc.get("source", shipped.name))
    extra = {}
    for entry in doc.get("indicators") or []:
        e = _extra_indicator(entry, where, source)
        extra[e.code] = e
    return BenchmarkParams(
        peer_indicators=peer_indicators,
        min_peers=int(peers.get("min_peers", 5)),
        fallback_columns=tuple(str(c) for c in peers.get("fallback_columns") or ()),
        bands=bands,
        below=_band(doc.get("below_lowest") or {"code": "below"}, where, scored=False),
        below_rule=cast(Literal["extrapolate", "zero"], rule),
        floor=float(_dec(doc.get("score_floor", 0), where, "score_floor")),
        ceiling=float(_dec(doc.get("score_ceiling", 100), where, "score_ceiling")),
        weights=weights,
        min_weight_share=_dec((doc.get("overall") or {}).get("min_weight_share", 0), where, "min_weight_share"),
        sections=tuple(sections),
        world_indicators=tuple(str(c) for c in world.get("indicators") or ()),
        world_items={str(k): str(v) for k, v in (world.get("items") or {}).items()},
        extra=extra,
        source=source,
        files=tuple(str(p) for p in paths),
    )


# --------------------------------------------------------------------------------------------
# computing indicators, the catalogue's and the extra ones, on reported figures


def extended_catalog(catalog: Catalog, params: BenchmarkParams) -> Catalog:
    """The catalogue plus the extra indicators of ``params`` (the catalogue wins on a shared code)."""
    extra = {c: i for c, i in params.extra.items() if c not in catalog.indicators}
    for ind in extra.values():
        assert ind.tree is not None
        for name in names(ind.tree):
            if name != MONTH and name not in catalog.items and name not in catalog.indicators and name not in extra:
                raise CatalogError(
                    f"{ind.origin}：附加指标 {ind.code} 引用了未知的项目或指标 {name}",
                    f"{ind.origin}: extra indicator {ind.code} refers to unknown item or indicator {name}",
                )
    if not extra:
        return catalog
    return dataclasses.replace(catalog, indicators={**catalog.indicators, **extra})


def indicator_of(ws: Workspace, params: BenchmarkParams, code: str) -> Indicator:
    """The definition of ``code``: the catalogue's, else benchmarking's extra one."""
    if code in ws.catalog.indicators:
        return ws.catalog.indicators[code]
    if code in params.extra:
        return params.extra[code]
    return ws.catalog.indicator(code)  # raises NotFoundError naming it


def reported_panel(ws: Workspace, periods: Sequence[Period], codes: Sequence[str], params: BenchmarkParams) -> Panel:
    """Every entity's own reported figures of ``codes`` in ``periods``, through the engine."""
    if all(c in ws.catalog.indicators for c in codes):
        return ws.indicators(list(periods), indicators=list(codes), view="reported", prior=False)
    for c in codes:
        indicator_of(ws, params, c)
    return compute_panel(
        ws.store.facts(),
        ws.tree(),
        extended_catalog(ws.catalog, params),
        periods=list(periods),
        indicators=list(codes),
        scope=Scope(view="reported"),
        prior=False,
    )


Values = dict[str, dict[str, Num | None]]  # indicator → key → value
Notes = dict[str, dict[str, tuple[str, str]]]  # indicator → key → (zh, en)


def _clean(v: Any) -> Num | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return v
    f = float(v)
    return None if math.isnan(f) else f


def panel_values(panel: Panel, period: Period) -> tuple[Values, Notes]:
    """A panel's values and notes of one period, by indicator and key."""
    values: Values = {c: {} for c in panel.indicators}
    notes: Notes = {c: {} for c in panel.indicators}
    f = panel.frame
    f = f[f.period == str(period)]
    for key, ind, v, nz, ne in zip(f.entity_id, f.indicator, f.value, f.note_zh, f.note_en, strict=True):
        values[str(ind)][str(key)] = _clean(v)
        notes[str(ind)][str(key)] = (str(nz or ""), str(ne or ""))
    return values, notes


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def entity_names(ws: Workspace) -> dict[str, str]:
    """Every entity's latest name."""
    nodes = ws.tree().nodes
    if "name" not in nodes.columns:
        return {}
    latest = nodes.sort_values("to_code")
    return {str(k): _text(v) or str(k) for k, v in zip(latest.entity_id, latest.name, strict=True)}


# --------------------------------------------------------------------------------------------
# ranks, percentiles and statistics (pure)


def _key(value: Num, direction: Direction) -> Num:
    """A sort key in which larger is better, ratios rounded so equal ratios tie."""
    v: Num = round(value, TIE_DECIMALS) if isinstance(value, float) else value
    return -v if direction == "lower" else v


@dataclass(frozen=True)
class Standing:
    """An entity's place among the values of its group."""

    rank: int | None
    ranked: int  # entities with a value, the entity included if it has one
    percentile: float | None
    better: int  # others strictly better
    tied: int  # others equal
    worse: int  # others strictly worse


def standing(values: Mapping[str, Num | None], entity: str, direction: Direction) -> Standing:
    """The rank (competition ranking) and percentile of ``entity`` among ``values`` (see the module)."""
    present = {k: v for k, v in values.items() if v is not None}
    own = present.get(entity)
    n = len(present)
    if own is None or direction == "none":
        return Standing(None, n, None, 0, 0, 0)
    ko = _key(own, direction)
    others = [_key(v, direction) for k, v in present.items() if k != entity]
    better = sum(1 for k in others if k > ko)
    worse = sum(1 for k in others if k < ko)
    tied = len(others) - better - worse
    pct = None if n <= 1 else 100.0 * (worse + tied / 2) / (n - 1)
    return Standing(1 + better, n, pct, better, tied, worse)


def quantile(values: Sequence[Num], p: Decimal) -> Num:
    """The ``p``-quantile of ``values`` by linear interpolation at ``h = (n − 1) · p``; exact for decimals."""
    xs = sorted(values)
    if not xs:
        raise ValueError("quantile of no values")
    h = (len(xs) - 1) * p
    lo = int(h)
    frac = h - lo
    if frac == 0 or lo + 1 >= len(xs):
        return xs[lo]
    a, b = xs[lo], xs[lo + 1]
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a + (b - a) * frac
    return float(a) + (float(b) - float(a)) * float(frac)


@dataclass(frozen=True)
class PeerStats:
    """The statistics of a group's values (the entities without a value left out)."""

    count: int
    median: Num | None = None
    better_quartile: Num | None = None
    worse_quartile: Num | None = None
    best: Num | None = None
    best_keys: tuple[str, ...] = ()


def peer_stats(values: Mapping[str, Num | None], direction: Direction) -> PeerStats:
    """Median, better and worse quartile and best of ``values`` (see the module)."""
    present = {k: v for k, v in values.items() if v is not None}
    if not present:
        return PeerStats(0)
    xs = list(present.values())
    median = quantile(xs, Decimal("0.5"))
    if direction == "none":
        return PeerStats(len(xs), median)
    hi, lo = quantile(xs, Decimal("0.75")), quantile(xs, Decimal("0.25"))
    best_key = max(_key(v, direction) for v in xs)
    best_keys = tuple(sorted(k for k, v in present.items() if _key(v, direction) == best_key))
    best = present[best_keys[0]]
    if direction == "higher":
        return PeerStats(len(xs), median, hi, lo, best, best_keys)
    return PeerStats(len(xs), median, lo, hi, best, best_keys)


def _minus(a: Num | None, b: Num | None) -> Num | None:
    if a is None or b is None:
        return None
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a - b
    return float(a) - float(b)


def order(values: Mapping[str, Num | None], direction: Direction) -> list[str]:
    """The keys with a value, best first (ascending for ``none``), ties by key."""
    present = sorted((k, v) for k, v in values.items() if v is not None)
    if direction == "none":
        return [k for k, _ in sorted(present, key=lambda kv: _key(kv[1], "higher"))]
    return [k for k, _ in sorted(present, key=lambda kv: _key(kv[1], direction), reverse=True)]


@dataclass(frozen=True)
class PeerRow:
    """One indicator of a benchmark: the entity's value, its place and the gaps."""

    indicator: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    value: Num | None
    standing: Standing
    stats: PeerStats
    group_size: int  # entities in the group, with or without a value
    missing: tuple[str, ...]  # keys of the group without a value
    note_zh: str = ""
    note_en: str = ""

    def name(self, lang: str) -> str:
        """The indicator's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en

    def note(self, lang: str) -> str:
        """The row's note in ``lang``."""
        return self.note_zh if lang == "zh" else self.note_en

    @property
    def rank(self) -> int | None:
        """1 = best; ties share the best rank."""
        return self.standing.rank

    @property
    def percentile(self) -> float | None:
        """Share (%) of the other peers the entity is better than, ties counting half."""
        return self.standing.percentile

    def gap(self, reference: str) -> Num | None:
        """``value − reference`` for ``median``, ``better_quartile``, ``worse_quartile`` or ``best``."""
        ref: Num | None = getattr(self.stats, reference)
        return _minus(self.value, ref)


def peer_row(
    indicator: Indicator, key: str, values: Mapping[str, Num | None], notes: Mapping[str, tuple[str, str]]
) -> PeerRow:
    """Rank ``key`` among ``values`` on ``indicator``, with notes on what is missing."""
    st = standing(values, key, indicator.direction)
    stats = peer_stats(values, indicator.direction)
    missing = tuple(sorted(k for k, v in values.items() if v is None and k != key))
    zh: list[str] = []
    en: list[str] = []
    own = values.get(key)
    if own is None:
        nz, ne = notes.get(key, ("", ""))
        zh.append(f"本企业无值，不参与排名（{nz or '未报送'}）")
        en.append(f"no value for the entity, not ranked ({ne or 'not reported'})")
    if indicator.direction == "none":
        zh.append("该指标无优劣方向，不排名")
        en.append("the indicator has no better direction; not ranked")
    if missing:
        shown, more = missing[:MAX_NAMED], len(missing) - MAX_NAMED
        zh.append(f"{len(missing)} 家同行无值，未计入统计：{'、'.join(shown)}" + (" 等" if more > 0 else ""))
        en.append(f"{len(missing)} peer(s) without a value left out: {', '.join(shown)}" + (" …" if more > 0 else ""))
    if own is not None and st.ranked == 1:
        zh.append("同行均无值，无法比较")
        en.append("no peer has a value; nothing to compare with")
    return PeerRow(
        indicator=indicator.code,
        name_zh=indicator.name_zh,
        name_en=indicator.name_en,
        unit=indicator.unit,
        direction=indicator.direction,
        value=own,
        standing=st,
        stats=stats,
        group_size=len(values),
        missing=missing,
        note_zh="；".join(zh),
        note_en="; ".join(en),
    )


# --------------------------------------------------------------------------------------------
# peer groups and peer ranks


@dataclass(frozen=True)
class PeerGroup:
    """Who an entity is compared with, and why."""

    entity: str
    period: Period
    by: str
    value: str  # the entity's value of ``by``
    key: str  # the value the group shares (the section letter after a fallback)
    level: int
    members: tuple[str, ...]  # the entity included
    fallback: bool = False
    note_zh: str = ""
    note_en: str = ""

    def describe(self, lang: str) -> str:
        """One line: the column, its value, the level and the size of the group."""
        key = self.key or ("（空）" if lang == "zh" else "(blank)")
        if lang == "zh":
            text = f"第{self.level}层级、{self.by}={key} 的 {len(self.members)} 家企业"
            if self.fallback:
                text += f"（{self.value} 同行不足，按门类 {self.key} 比较）"
            return text
        text = f"{len(self.members)} entities at level {self.level} with {self.by}={key}"
        if self.fallback:
            text += f" (too few peers in {self.value}; compared within section {self.key})"
        return text


def peer_group(
    ws: Workspace,
    period: Period,
    entity: str,
    *,
    by: str = "industry",
    level: int | None = None,
    min_peers: int | None = None,
    params: BenchmarkParams | None = None,
) -> PeerGroup:
    """The peers of ``entity`` in ``period`` (see the module), the entity included."""
    params = params or load_params()
    tree = ws.tree()
    nodes = tree.at(period)
    own = nodes[nodes.entity_id == entity]
    if own.empty:
        if entity not in set(tree.nodes.entity_id):
            raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
        raise NotFoundError(f"企业 {entity} 在 {period} 不存在", f"entity {entity} does not exist in {period}")
    if by not in tree.attribute_columns() or by == "level":
        raise NotFoundError(f"没有可用于分组的企业列 {by}", f"no entity column {by} to group by")
    lvl = int(own.level.iloc[0]) if level is None else level
    fallback_col = by in params.fallback_columns

    def norm(v: object) -> str:
        return params.industry(v) if fallback_col else _text(v)

    value = norm(own[by].iloc[0])
    at_level = nodes[nodes.level == lvl]
    keys = {str(e): norm(v) for e, v in zip(at_level.entity_id, at_level[by], strict=True)}
    zh = en = ""
    if value:
        members = {e for e, k in keys.items() if k == value}
    else:
        members = set(keys)
        zh = f"本企业未填 {by}，与第{lvl}层级全部企业比较"
        en = f"the entity has no {by}; compared with every entity at level {lvl}"
    members.add(entity)
    n = min_peers if min_peers is not None else params.min_peers
    key, fell_back = value, False
    section = params.section_of(value) if (fallback_col and len(value) > 1) else None
    if section and len(members) < n:
        before = len(members)
        members = {e for e, k in keys.items() if k and params.section_of(k) == section} | {entity}
        key, fell_back = section, True
        zh = f"{value} 同行仅 {before} 家（含本企业），少于 {n} 家，改按门类 {section} 比较"
        en = f"only {before} entities in {value} (the entity included), fewer than {n}; compared within section {section}"
    return PeerGroup(entity, period, by, value, key, lvl, tuple(sorted(members)), fell_back, zh, en)


@dataclass(frozen=True)
class PeerReport:
    """An entity's standing among its peers on each indicator."""

    entity: str
    name: str
    period: Period
    group: PeerGroup
    rows: tuple[PeerRow, ...]
    values: Values  # indicator → member → value (the group's, for charts)
    names: dict[str, str]

    def row(self, indicator: str) -> PeerRow:
        """The row of ``indicator``; raise :class:`KeyError` if it was not benchmarked."""
        for r in self.rows:
            if r.indicator == indicator:
                return r
        raise KeyError(indicator)


def _peer_codes(ws: Workspace, period: Period, params: BenchmarkParams, indicators: Sequence[str] | None) -> list[str]:
    if indicators:
        return list(indicators)
    if params.peer_indicators:
        return list(params.peer_indicators)
    return ws.regime_indicators(period)


def peer_ranks(
    ws: Workspace,
    period: Period,
    entity: str,
    *,
    by: str = "industry",
    level: int | None = None,
    indicators: Sequence[str] | None = None,
    min_peers: int | None = None,
    params: BenchmarkParams | None = None,
) -> PeerReport:
    """Rank ``entity`` among its peers (:func:`peer_group`) on each indicator (default: the regime's)."""
    params = params or load_params()
    group = peer_group(ws, period, entity, by=by, level=level, min_peers=min_peers, params=params)
    codes = _peer_codes(ws, period, params, indicators)
    values, notes = panel_values(reported_panel(ws, [period], codes, params), period)
    members = set(group.members)
    rows: list[PeerRow] = []
    kept: Values = {}
    for code in codes:
        vals = {k: values[code].get(k) for k in sorted(members)}
        kept[code] = vals
        rows.append(peer_row(indicator_of(ws, params, code), entity, vals, notes[code]))
    names_ = entity_names(ws)
    return PeerReport(entity, names_.get(entity, entity), period, group, tuple(rows), kept, names_)


# --------------------------------------------------------------------------------------------
# bands and scores (pure)


@dataclass(frozen=True)
class BandScore:
    """The band a value falls in and its interpolated score."""

    band: Band
    score: float


def band_score(value: Num, standards: Sequence[Num], direction: Direction, params: BenchmarkParams) -> BandScore:
    """The band and score of ``value`` against the standard values of ``params.bands`` (best first)."""
    bands = params.bands
    if len(standards) != len(bands):
        raise ValueError(f"{len(standards)} standard values for {len(bands)} bands")
    if direction == "none":
        raise ValueError("an indicator without a better direction cannot be banded")
    sign = -1.0 if direction == "lower" else 1.0
    v = sign * round(float(value), TIE_DECIMALS)
    s = [sign * float(x) for x in standards]
    sc = [cast(float, b.score) for b in bands]

    def along(i: int, j: int) -> float:  # on the line through (s[i], sc[i]) and (s[j], sc[j])
        if s[i] == s[j]:
            return sc[i] if v >= s[i] else sc[j]
        return sc[j] + (v - s[j]) / (s[i] - s[j]) * (sc[i] - sc[j])

    if v >= s[0]:
        band, score = bands[0], along(0, 1)
    else:
        band, score = params.below, 0.0
        for i in range(1, len(s)):
            if v >= s[i]:
                band, score = bands[i], along(i - 1, i)
                break
        else:
            score = along(len(s) - 2, len(s) - 1) if params.below_rule == "extrapolate" else params.floor
    return BandScore(band, min(params.ceiling, max(params.floor, score)))


# --------------------------------------------------------------------------------------------
# size classes


@dataclass(frozen=True)
class SizeRule:
    """The lower limits of the size classes in some industries."""

    industries: tuple[str, ...]
    name_zh: str
    limits: dict[str, dict[str, Decimal]]  # criterion → class → lower limit, in the criterion's unit


@dataclass(frozen=True)
class SizeRules:
    """The size classes of ``params/size_classes.yaml`` (NBS 2017, simplified)."""

    classes: tuple[Band, ...]  # largest first; the last is what meets no limit
    all_sizes: Band
    entity_column: str
    standards_class: dict[str, str]
    criteria: dict[str, tuple[str, Decimal]]  # criterion → (indicator, factor of its unit to 元/人)
    rules: tuple[SizeRule, ...]
    source: str
    simplified: bool

    def code(self, text: object) -> str | None:
        """A size class code from a code or a name (``大型`` → ``large``); ``None`` if unknown."""
        t = _text(text)
        for b in (*self.classes, self.all_sizes):
            if t in (b.code, b.name_zh, b.name_en):
                return b.code
        return None

    def band(self, code: str) -> Band:
        """The class (or all sizes) of ``code``."""
        for b in (*self.classes, self.all_sizes):
            if b.code == code:
                return b
        raise KeyError(code)

    def rule_for(self, industry: str) -> SizeRule | None:
        """The rule of the longest industry code that ``industry`` starts with, else ``default``."""
        best: tuple[int, SizeRule] | None = None
        default = None
        for r in self.rules:
            for code in r.industries:
                if code == "default":
                    default = r
                elif industry.startswith(code) and (best is None or len(code) > best[0]):
                    best = (len(code), r)
        return best[1] if best else default

    def classify(self, industry: str, figures: Mapping[str, Num | None]) -> tuple[str | None, tuple[str, ...]]:
        """The class of an enterprise from its figures by criterion (元, 人); ``None`` and what is missing."""
        rule = self.rule_for(industry) if industry else None
        if rule is None:
            return None, ()
        missing = tuple(c for c in rule.limits if figures.get(c) is None)
        if missing:
            return None, missing
        for cls in self.classes[:-1]:
            if all(
                Decimal(str(figures[c])) >= lim[cls.code] * self.criteria[c][1]
                for c, lim in rule.limits.items()
                if cls.code in lim
            ):
                return cls.code, ()
        return self.classes[-1].code, ()


def load_sizes(path: Path | None = None) -> SizeRules:
    """The size classes of ``path`` (default: the shipped simplified NBS 2017 table)."""
    p = path or data_path(SIZES_FILE)
    doc = _read_yaml(p)
    where = str(p)
    classes = tuple(_band(b, where, scored=False) for b in doc.get("classes") or [])
    if len(classes) < 2:
        raise CatalogError(f"{where}：classes 至少需要两类", f"{where}: classes needs at least two classes")
    criteria: dict[str, tuple[str, Decimal]] = {}
    for name, spec in (doc.get("criteria") or {}).items():
        unit = str(spec.get("unit", "元"))
        if unit not in ALL_UNITS:
            raise CatalogError(f"{where}：{name} 的单位 {unit} 无法识别", f"{where}: {name}: unknown unit {unit}")
        criteria[str(name)] = (str(spec["indicator"]), ALL_UNITS[unit])
    rules: list[SizeRule] = []
    codes = {c.code for c in classes}
    for entry in doc.get("rules") or []:
        inds = entry.get("industry")
        industries = tuple(
            str(i).upper() if str(i) != "default" else "default"
            for i in ([inds] if isinstance(inds, str) else inds or [])
        )
        limits: dict[str, dict[str, Decimal]] = {}
        for crit in criteria:
            if crit in entry:
                lim = {str(k): _dec(v, where, f"{industries} {crit} {k}") for k, v in entry[crit].items()}
                if not set(lim) <= codes:
                    raise CatalogError(
                        f"{where}：{industries} 的类别 {sorted(lim)} 未定义",
                        f"{where}: {industries}: unknown classes {sorted(lim)}",
                    )
                limits[crit] = lim
        rules.append(SizeRule(industries, str(entry.get("name_zh", "")), limits))
    return SizeRules(
        classes=classes,
        all_sizes=_band(
            doc.get("all_sizes") or {"code": "all", "name_zh": "全行业", "name_en": "all sizes"}, where, scored=False
        ),
        entity_column=str(doc.get("entity_column", "size_class")),
        standards_class={str(k): str(v) for k, v in (doc.get("standards_class") or {}).items()},
        criteria=criteria,
        rules=tuple(rules),
        source=str(doc.get("source", p.name)),
        simplified=bool(doc.get("simplified", False)),
    )


def size_period(period: Period) -> Period:
    """The period whose figures classify sizes: the last full year (this December, else the last)."""
    return period if period.month == 12 else Period(period.year - 1, 12)


@dataclass(frozen=True)
class SizeClass:
    """An entity's size class and where it came from."""

    code: str | None
    source: Literal["entity", "computed", "unknown"]
    period: Period | None = None
    missing: tuple[str, ...] = ()


def size_classes(
    ws: Workspace,
    period: Period,
    entities: Sequence[str],
    *,
    sizes: SizeRules | None = None,
    params: BenchmarkParams | None = None,
) -> dict[str, SizeClass]:
    """The size class of each entity: its ``size_class`` column, else computed from its figures."""
    sizes = sizes or load_sizes()
    params = params or load_params()
    nodes = ws.tree().at(period).drop_duplicates("entity_id").set_index("entity_id")
    out: dict[str, SizeClass] = {}
    todo: list[str] = []
    for e in entities:
        given = nodes[sizes.entity_column].get(e) if sizes.entity_column in nodes.columns else None
        code = sizes.code(given) if _text(given) else None
        if code is not None:
            out[e] = SizeClass(code, "entity")
        else:
            todo.append(e)
    if not todo:
        return out
    sp = size_period(period)
    codes = sorted({ind for ind, _ in sizes.criteria.values()})
    values, _ = panel_values(reported_panel(ws, [sp], codes, params), sp)
    for e in todo:
        industry = params.industry(nodes["industry"].get(e)) if "industry" in nodes.columns else ""
        figs = {c: values[ind].get(e) for c, (ind, _) in sizes.criteria.items()}
        code, missing = sizes.classify(industry, figs)
        out[e] = SizeClass(code, "computed" if code else "unknown", sp, missing)
    return out


# --------------------------------------------------------------------------------------------
# standard-value tables


@dataclass(frozen=True)
class StandardRow:
    """One row of a standard-value table: the band values of an indicator, industry, size and year."""

    year: int
    indicator: str
    industry: str  # a GB/T 4754 code or "all"
    size: str  # a size class code or the all-sizes code
    values: tuple[Decimal, ...]  # best band first, in the indicator's unit
    source: str
    note: str
    file: str
    line: int


@dataclass(frozen=True)
class StandardTable:
    """A standard-value table (企业绩效评价标准值), possibly several files merged."""

    rows: tuple[StandardRow, ...]
    files: tuple[str, ...]
    illustration: bool = False
    _index: dict[tuple[str, str, str], list[StandardRow]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for r in self.rows:
            self._index.setdefault((r.indicator, r.industry, r.size), []).append(r)

    def indicators(self) -> list[str]:
        """The indicators the table has values for, in the order they first appear."""
        return list(dict.fromkeys(r.indicator for r in self.rows))

    def lookup(
        self, indicator: str, industry: str, size: str | None, year: int, all_sizes: str = "all"
    ) -> StandardRow | None:
        """The row for an enterprise: the most specific industry (``C37``, ``C``, ``all``) that has one,
        its size class else all sizes, the latest edition not after ``year``."""
        candidates = [industry[:k] for k in range(len(industry), 0, -1)] if industry else []
        for ind in (*candidates, "ALL"):
            for sz in (size, all_sizes) if size else (all_sizes,):
                rows = [r for r in self._index.get((indicator, ind, sz), []) if r.year <= year]
                if rows:
                    return max(rows, key=lambda r: (r.year, r.line))
        return None


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line or row number, record) of a CSV (lines starting with ``#`` are comments) or xlsx file."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = wb.worksheets[0]
        cells = [[_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        wb.close()
        numbered = [(i, r) for i, r in enumerate(cells, start=1) if any(r) and not r[0].startswith("#")]
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise GuoziError(f"无法读取 {path}：{exc}", f"cannot read {path}: {exc}") from exc
        lines = [
            (i, ln) for i, ln in enumerate(text.splitlines(), start=1) if ln.strip() and not ln.lstrip().startswith("#")
        ]
        parsed = list(csv.reader([ln for _, ln in lines]))
        numbered = [(lines[k][0], [c.strip() for c in row]) for k, row in enumerate(parsed)]
    if not numbered:
        return []
    header = [h.strip() for h in numbered[0][1]]
    return [(i, dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))) for i, row in numbered[1:]]


def load_standards(
    paths: Sequence[Path] | None,
    ws: Workspace,
    *,
    params: BenchmarkParams | None = None,
    sizes: SizeRules | None = None,
) -> StandardTable:
    """Read standard-value tables (default: the shipped illustration); list every problem at once.

    Columns: ``year, indicator, industry, size`` and one per band (the band codes of
    ``benchmark.yaml`` or their Chinese names), optional ``source, note``. Values are in the
    indicator's unit and must run from best to worst in its direction.
    """
    params = params or load_params()
    sizes = sizes or load_sizes()
    files = list(paths) if paths else [data_path(STANDARDS_FILE)]
    rows: list[StandardRow] = []
    problems: list[Problem] = []
    illustration = False
    seen: dict[tuple[int, str, str, str], str] = {}
    for path in files:
        head = path.read_text(encoding="utf-8-sig")[:200] if path.suffix.lower() != ".xlsx" else ""
        illustration = illustration or ILLUSTRATION_MARK in head
        for line, rec in read_rows(path):

            def problem(
                column: str,
                rule: str,
                zh: str,
                en: str,
                expected: str = "",
                found: str = "",
                line: int = line,
                path: Path = path,
            ) -> None:
                problems.append(
                    Problem(rule, zh, en, file=str(path), row=line, column=column, expected=expected, found=found)
                )

            band_cols = []
            for b in params.bands:
                col = b.code if b.code in rec else b.name_zh if b.name_zh in rec else None
                if col is None:
                    problem(
                        b.code,
                        "standards.column",
                        f"缺少档次列 {b.code}（{b.name_zh}）",
                        f"missing band column {b.code} ({b.name_zh})",
                    )
                band_cols.append(col)
            if None in band_cols:
                break  # the header is wrong; every row would repeat it
            code = rec.get("indicator", "")
            ind = ws.catalog.indicators.get(code) or params.extra.get(code)
            if ind is None:
                problem(
                    "indicator",
                    "standards.indicator",
                    f"未知指标 {code}",
                    f"unknown indicator {code}",
                    "an indicator code",
                    code,
                )
                continue
            if ind.direction == "none":
                problem(
                    "indicator",
                    "standards.direction",
                    f"指标 {code} 无优劣方向，不能分档",
                    f"indicator {code} has no better direction",
                    "higher or lower",
                    "none",
                )
                continue
            try:
                year = int(rec.get("year", ""))
            except ValueError:
                problem(
                    "year", "standards.year", "年份应为整数", "year must be a whole number", "YYYY", rec.get("year", "")
                )
                continue
            industry_text = rec.get("industry", "").strip()
            industry = (
                "ALL"
                if industry_text.lower() in ("all", "全部", "全国", "全行业", "")
                else params.industry(industry_text)
            )
            size = sizes.code(rec.get("size", "") or sizes.all_sizes.code)
            if size is None:
                allowed = " ".join(b.code for b in (*sizes.classes, sizes.all_sizes))
                problem(
                    "size", "standards.size", "规模类别无法识别", "unknown size class", allowed, rec.get("size", "")
                )
                continue
            vals: list[Decimal] = []
            for b, col in zip(params.bands, band_cols, strict=True):
                try:
                    d = Decimal(rec.get(cast(str, col), "").replace(",", ""))
                    if not d.is_finite():
                        raise InvalidOperation
                    vals.append(d)
                except InvalidOperation:
                    problem(
                        cast(str, col),
                        "standards.value",
                        f"{b.name_zh}值不是数字",
                        f"the {b.name_en} value is not a number",
                        "a number",
                        rec.get(cast(str, col), ""),
                    )
            if len(vals) != len(params.bands):
                continue
            ok = (
                all(a >= b for a, b in itertools.pairwise(vals))
                if ind.direction == "higher"
                else all(a <= b for a, b in itertools.pairwise(vals))
            )
            if not ok:
                way_zh, way_en = (
                    ("自优秀至较差递减", "descending from excellent to poor")
                    if ind.direction == "higher"
                    else ("自优秀至较差递增（越低越好）", "ascending from excellent to poor (lower is better)")
                )
                problem(
                    str(band_cols[0]),
                    "standards.order",
                    f"{code} 的标准值应{way_zh}",
                    f"{code}'s standard values must be {way_en}",
                    way_en,
                    " ".join(str(v) for v in vals),
                )
                continue
            k = (year, code, industry, size)
            if k in seen:
                problem(
                    "indicator",
                    "standards.duplicate",
                    f"与 {seen[k]} 重复",
                    f"duplicates {seen[k]}",
                    "one row per year, indicator, industry and size",
                    " ".join(map(str, k)),
                )
                continue
            seen[k] = f"{path.name}:{line}"
            rows.append(
                StandardRow(
                    year, code, industry, size, tuple(vals), rec.get("source", ""), rec.get("note", ""), str(path), line
                )
            )
    if problems:
        raise InvalidInputError(problems=problems)
    return StandardTable(tuple(rows), tuple(str(f) for f in files), illustration)


# --------------------------------------------------------------------------------------------
# standard scores


@dataclass(frozen=True)
class ScoreRow:
    """One indicator of one entity scored against the standard values."""

    indicator: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    value: Num | None
    standard: StandardRow | None
    band: Band | None
    score: float | None
    weight: Decimal
    note_zh: str = ""
    note_en: str = ""

    def name(self, lang: str) -> str:
        """The indicator's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en

    def note(self, lang: str) -> str:
        """The row's note in ``lang``."""
        return self.note_zh if lang == "zh" else self.note_en


@dataclass(frozen=True)
class EntityScore:
    """An entity's scores per indicator and overall."""

    entity: str
    name: str
    industry: str
    size: SizeClass
    rows: tuple[ScoreRow, ...]
    overall: float | None
    coverage: float  # share of the total weight that was scored
    note_zh: str = ""
    note_en: str = ""

    def row(self, indicator: str) -> ScoreRow:
        """The row of ``indicator``."""
        for r in self.rows:
            if r.indicator == indicator:
                return r
        raise KeyError(indicator)

    def note(self, lang: str) -> str:
        """The overall note in ``lang``."""
        return self.note_zh if lang == "zh" else self.note_en


@dataclass(frozen=True)
class ScoreReport:
    """Standard-value bands and scores of one or several entities in a period."""

    period: Period
    entities: tuple[EntityScore, ...]
    table: StandardTable
    params: BenchmarkParams
    sizes: SizeRules

    def entity(self, entity: str) -> EntityScore:
        """The scores of ``entity``."""
        for e in self.entities:
            if e.entity == entity:
                return e
        raise KeyError(entity)


def overall_score(rows: Sequence[ScoreRow], params: BenchmarkParams) -> tuple[float | None, float, tuple[str, ...]]:
    """The weighted mean of the scored rows, the share of weight scored, and the weighted rows not scored."""
    total = sum((r.weight for r in rows if r.weight > 0), Decimal(0))
    scored = [r for r in rows if r.weight > 0 and r.score is not None]
    unscored = tuple(r.indicator for r in rows if r.weight > 0 and r.score is None)
    w = sum((r.weight for r in scored), Decimal(0))
    if total == 0 or w == 0:
        return None, 0.0, unscored
    share = w / total
    value = sum(float(r.weight) * cast(float, r.score) for r in scored) / float(w)
    return (value if share >= params.min_weight_share else None), float(share), unscored


def standard_scores(
    ws: Workspace,
    period: Period,
    *,
    entity: str | None = None,
    level: int | None = None,
    standards: StandardTable | Sequence[Path] | None = None,
    params: BenchmarkParams | None = None,
    sizes: SizeRules | None = None,
) -> ScoreReport:
    """Band and score per indicator, and the weighted overall score, of ``entity`` (default: every
    entity valid in ``period``, or those at ``level``) against a standard-value table (default:
    the shipped illustration)."""
    params = params or load_params()
    sizes = sizes or load_sizes()
    table = (
        standards if isinstance(standards, StandardTable) else load_standards(standards, ws, params=params, sizes=sizes)
    )
    nodes = ws.tree().at(period)
    if entity is not None:
        if entity not in set(nodes.entity_id):
            if entity not in set(ws.tree().nodes.entity_id):
                raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
            raise NotFoundError(f"企业 {entity} 在 {period} 不存在", f"entity {entity} does not exist in {period}")
        targets = [entity]
    else:
        sel = nodes if level is None else nodes[nodes.level == level]
        targets = sorted(set(sel.entity_id))
    codes = list(dict.fromkeys([*(c for c, w in params.weights.items() if w > 0), *table.indicators()]))
    if not codes:
        raise NotFoundError(
            "标准值表与权重均未给出指标", "neither the standard values nor the weights name an indicator"
        )
    values, notes = panel_values(reported_panel(ws, [period], codes, params), period)
    klass = size_classes(ws, period, targets, sizes=sizes, params=params)
    industry_of = (
        {str(e): params.industry(v) for e, v in zip(nodes.entity_id, nodes["industry"], strict=True)}
        if "industry" in nodes.columns
        else {}
    )
    names_ = entity_names(ws)
    out: list[EntityScore] = []
    for e in targets:
        industry = industry_of.get(e, "")
        sc = klass[e]
        lookup_size = sizes.standards_class.get(sc.code, sc.code) if sc.code else None
        rows: list[ScoreRow] = []
        for code in codes:
            ind = indicator_of(ws, params, code)
            weight = params.weights.get(code, Decimal(0))
            v = values[code].get(e)
            std = table.lookup(code, industry, lookup_size, period.year, sizes.all_sizes.code)
            zh: list[str] = []
            en: list[str] = []
            band: Band | None = None
            score: float | None = None
            if v is None:
                nz, ne = notes[code].get(e, ("", ""))
                zh.append(f"无值（{nz or '未报送'}）")
                en.append(f"no value ({ne or 'not reported'})")
            if std is None:
                zh.append(f"标准值表中没有适用的行（行业 {industry or '未填'}，{period.year} 年及以前）")
                en.append(f"no applicable standard values (industry {industry or 'blank'}, {period.year} or earlier)")
            if v is not None and std is not None:
                bs = band_score(v, std.values, ind.direction, params)
                band, score = bs.band, bs.score
            if weight == 0:
                zh.append("未计入综合得分（无权重）")
                en.append("not in the overall score (no weight)")
            rows.append(
                ScoreRow(
                    code,
                    ind.name_zh,
                    ind.name_en,
                    ind.unit,
                    ind.direction,
                    v,
                    std,
                    band,
                    score,
                    weight,
                    "；".join(zh),
                    "; ".join(en),
                )
            )
        overall, share, unscored = overall_score(rows, params)
        zh = []
        en = []
        if sc.code is None:
            if sc.missing:
                zh.append(f"规模类别未定（缺少 {sc.period} 的 {'、'.join(sc.missing)}），按全行业标准值")
                en.append(
                    f"size class unknown (no {', '.join(sc.missing)} for {sc.period}); all-size standard values used"
                )
            else:
                zh.append("规模类别未定（行业未填或无规则），按全行业标准值")
                en.append("size class unknown (no industry or no rule); all-size standard values used")
        if unscored:
            zh.append(f"未评分：{'、'.join(unscored)}（已得分指标权重占 {share:.0%}）")
            en.append(f"not scored: {', '.join(unscored)} (scored indicators carry {share:.0%} of the weight)")
        if overall is None and share > 0:
            zh.append(f"已得分指标权重不足 {params.min_weight_share:.0%}，不计综合得分")
            en.append(
                f"scored indicators carry less than {params.min_weight_share:.0%} of the weight; no overall score"
            )
        out.append(
            EntityScore(e, names_.get(e, e), industry, sc, tuple(rows), overall, share, "；".join(zh), "; ".join(en))
        )
    return ScoreReport(period, tuple(out), table, params, sizes)


# --------------------------------------------------------------------------------------------
# chart-ready data for the report and the web dashboard


def _f(v: Num | None) -> float | None:
    return None if v is None else float(v)


def stat_chart(
    rows: Sequence[PeerRow], values: Values, names_: Mapping[str, str], self_key: str, lang: str
) -> list[dict[str, Any]]:
    """One bar chart per indicator: every member's value, best first, the entity marked."""
    charts: list[dict[str, Any]] = []
    for r in rows:
        vals = values.get(r.indicator, {})
        bars = [
            {"key": k, "name": names_.get(k, k), "value": _f(vals[k]), "self": k == self_key}
            for k in order(vals, r.direction)
        ]
        charts.append(
            {
                "indicator": r.indicator,
                "name": r.name(lang),
                "unit": r.unit,
                "direction": r.direction,
                "value": _f(r.value),
                "rank": r.rank,
                "of": r.standing.ranked,
                "percentile": r.percentile,
                "median": _f(r.stats.median),
                "better_quartile": _f(r.stats.better_quartile),
                "worse_quartile": _f(r.stats.worse_quartile),
                "best": _f(r.stats.best),
                "bars": bars,
                "missing": [names_.get(k, k) for k in r.missing],
                "note": r.note(lang),
            }
        )
    return charts


def peer_chart(report: PeerReport, *, lang: str = "zh") -> dict[str, Any]:
    """Chart-ready bars against the peers (JSON-safe: numbers as floats, in the indicator's unit)."""
    return {
        "kind": "peer_bars",
        "title": (f"{report.name} 同行对标" if lang == "zh" else f"{report.name} against its peers"),
        "entity": report.entity,
        "entity_name": report.name,
        "period": str(report.period),
        "group": report.group.describe(lang),
        "group_note": report.group.note_zh if lang == "zh" else report.group.note_en,
        "indicators": stat_chart(report.rows, report.values, report.names, report.entity, lang),
    }


def score_chart(report: ScoreReport, entity: str, *, lang: str = "zh") -> dict[str, Any]:
    """Chart-ready radar of an entity's bands and scores (axes = indicators, scale = band scores)."""
    es = report.entity(entity)
    rows = [r for r in es.rows if r.standard is not None]
    return {
        "kind": "band_radar",
        "title": (f"{es.name} 绩效评价标准值对标" if lang == "zh" else f"{es.name} against the standard values"),
        "entity": es.entity,
        "entity_name": es.name,
        "period": str(report.period),
        "illustration": report.table.illustration,
        "axes": [r.name(lang) for r in rows],
        "indicators": [r.indicator for r in rows],
        "scores": [r.score for r in rows],
        "bands": [None if r.band is None else r.band.name(lang) for r in rows],
        "values": [_f(r.value) for r in rows],
        "units": [r.unit for r in rows],
        "rings": [{"band": b.name(lang), "score": b.score} for b in report.params.bands],
        "scale": [report.params.floor, report.params.ceiling],
        "overall": es.overall,
        "coverage": es.coverage,
        "size": None if es.size.code is None else report.sizes.band(es.size.code).name(lang),
        "note": es.note(lang),
    }


def benchmark_section(
    ws: Workspace,
    period: Period,
    entity: str,
    *,
    by: str = "industry",
    standards: StandardTable | Sequence[Path] | None = None,
    world: bool = True,
    lang: str = "zh",
    params: BenchmarkParams | None = None,
) -> dict[str, Any]:
    """The benchmarking section of the monthly report and the dashboard: peer bars, the radar of
    bands, and bars against the world peers of the last full year (each ``None`` if not computable,
    with the reason in ``notes``)."""
    from guozi.analyses.benchmark.world import world_chart, world_comparison

    params = params or load_params()
    notes: list[str] = []
    peers = peer_chart(peer_ranks(ws, period, entity, by=by, params=params), lang=lang)
    scores: dict[str, Any] | None = None
    try:
        scores = score_chart(
            standard_scores(ws, period, entity=entity, standards=standards, params=params), entity, lang=lang
        )
    except GuoziError as exc:
        notes.append(exc.message(lang))
    world_part: dict[str, Any] | None = None
    if world:
        year = size_period(period).year
        try:
            world_part = world_chart(world_comparison(ws, year, entity, params=params), lang=lang)
        except GuoziError as exc:
            notes.append(exc.message(lang))
    return {
        "kind": "benchmark_section",
        "title": "对标世界一流" if lang == "zh" else "Benchmarking against peers and world-class enterprises",
        "period": str(period),
        "entity": entity,
        "peers": peers,
        "scores": scores,
        "world": world_part,
        "notes": notes,
    }


# --------------------------------------------------------------------------------------------
# records for guozi.presentation.output.emit


def shown_value(v: Any, unit: str, signed: bool = False) -> str:
    if v is None:
        return "—"
    if unit == "元":
        x = Decimal(v) / 10000
        return f"{x:+,.2f}" if signed else f"{x:,.2f}"
    if unit == "人":
        return f"{Decimal(v):+,.0f}" if signed else f"{Decimal(v):,.0f}"
    return f"{float(v):+,.2f}" if signed else f"{float(v):,.2f}"


def shown_gap(v: Any, r: dict[str, Any]) -> str:
    text = shown_value(v, r["unit"], signed=True)
    if v is None or r.get("direction") not in ("higher", "lower") or v == 0:
        return text
    good = (v > 0) == (r["direction"] == "higher")
    return f"{text} {'▲' if good else '▼'}"


def shown_unit(unit: str, lang: str) -> str:
    shown = "万元" if unit == "元" else unit
    if lang == "zh":
        return shown
    return {"万元": "10k yuan", "万元/人": "10k yuan/person", "人": "persons", "倍": "times"}.get(shown, shown)


def stat_record(row: PeerRow, lang: str) -> dict[str, Any]:
    """The record of one benchmarked indicator (shared by peer and world comparisons)."""
    return {
        "indicator": row.indicator,
        "indicator_name": row.name(lang),
        "value": row.value,
        "unit": row.unit,
        "direction": row.direction,
        "rank": row.rank,
        "of": row.standing.ranked,
        "percentile": row.percentile,
        "median": row.stats.median,
        "better_quartile": row.stats.better_quartile,
        "worse_quartile": row.stats.worse_quartile,
        "best": row.stats.best,
        "best_entity": " ".join(row.stats.best_keys),
        "gap_median": row.gap("median"),
        "gap_better_quartile": row.gap("better_quartile"),
        "gap_worse_quartile": row.gap("worse_quartile"),
        "gap_best": row.gap("best"),
        "group_size": row.group_size,
        "note": row.note(lang),
    }


def peer_records(report: PeerReport, lang: str = "zh") -> list[dict[str, Any]]:
    """One record per indicator (full precision; the table format rounds)."""
    group = report.group.describe(lang)
    return [
        {
            "entity_id": report.entity,
            "name": report.name,
            "period": str(report.period),
            "group": group,
            **stat_record(r, lang),
        }
        for r in report.rows
    ]


def stat_columns(lang: str) -> list[Column]:
    """The columns of :func:`stat_record`."""
    return [
        Column("indicator", "指标代码", "indicator"),
        Column("indicator_name", "指标", "indicator name"),
        Column("value", "本企业", "value", lambda v, r: shown_value(v, r["unit"]), "right"),
        Column("unit", "单位", "unit", lambda v, r: shown_unit(v, lang)),
        Column("direction", "优劣方向", "better when"),
        Column("rank", "排名", "rank", None, "right"),
        Column("of", "参与排名", "ranked", None, "right"),
        Column("percentile", "百分位", "percentile", lambda v, r: "—" if v is None else f"{v:.1f}", "right"),
        Column("median", "中位数", "median", lambda v, r: shown_value(v, r["unit"]), "right"),
        Column("better_quartile", "较优四分位", "better quartile", lambda v, r: shown_value(v, r["unit"]), "right"),
        Column("worse_quartile", "较差四分位", "worse quartile", lambda v, r: shown_value(v, r["unit"]), "right"),
        Column("best", "最优", "best", lambda v, r: shown_value(v, r["unit"]), "right"),
        Column("best_entity", "最优者", "best by"),
        Column("gap_median", "与中位数差", "gap to median", shown_gap, "right"),
        Column("gap_better_quartile", "与较优四分位差", "gap to better quartile", shown_gap, "right"),
        Column("gap_worse_quartile", "与较差四分位差", "gap to worse quartile", shown_gap, "right"),
        Column("gap_best", "与最优差", "gap to best", shown_gap, "right"),
        Column("group_size", "同行数", "group size", None, "right"),
        Column("note", "说明", "note"),
    ]


STAT_TABLE_KEYS = (
    "indicator_name",
    "value",
    "rank",
    "of",
    "percentile",
    "median",
    "better_quartile",
    "best",
    "gap_median",
    "gap_best",
    "unit",
    "note",
)


def peer_columns(lang: str, *, table: bool = False) -> list[Column]:
    """The columns of :func:`peer_records`; ``table``: the shorter set for the terminal."""
    cols = [
        Column("entity_id", "企业", "entity"),
        Column("name", "名称", "name"),
        Column("period", "期间", "period"),
        Column("group", "同行组", "peer group"),
        *stat_columns(lang),
    ]
    if table:
        by_key = {c.key: c for c in cols}
        return [by_key[k] for k in STAT_TABLE_KEYS]
    return cols


def score_records(report: ScoreReport, lang: str = "zh") -> list[dict[str, Any]]:
    """One record per entity and indicator, then one ``overall`` record per entity."""
    out: list[dict[str, Any]] = []
    for es in report.entities:
        size = "" if es.size.code is None else report.sizes.band(es.size.code).name(lang)
        base = {
            "entity_id": es.entity,
            "name": es.name,
            "period": str(report.period),
            "industry": es.industry,
            "size": size,
        }
        for r in es.rows:
            std = r.standard
            rec: dict[str, Any] = {
                **base,
                "indicator": r.indicator,
                "indicator_name": r.name(lang),
                "value": r.value,
                "unit": r.unit,
                "band": None if r.band is None else r.band.name(lang),
                "score": r.score,
                "weight": r.weight,
                "standard_industry": None
                if std is None
                else std.industry.lower()
                if std.industry == "ALL"
                else std.industry,
                "standard_size": None if std is None else report.sizes.band(std.size).name(lang),
                "standard_year": None if std is None else std.year,
                "note": r.note(lang),
            }
            for b, v in zip(report.params.bands, std.values if std else [None] * len(report.params.bands), strict=True):
                rec[f"std_{b.code}"] = v
            out.append(rec)
        out.append(
            {
                **base,
                "indicator": "overall",
                "indicator_name": "综合得分" if lang == "zh" else "overall score",
                "score": es.overall,
                "coverage": es.coverage,
                "note": es.note(lang),
            }
        )
    return out


def score_columns(params: BenchmarkParams, lang: str, *, table: bool = False) -> list[Column]:
    """The columns of :func:`score_records`; ``table``: the shorter set for the terminal."""
    score = Column("score", "得分", "score", lambda v, r: "—" if v is None else f"{v:.1f}", "right")
    cols = [
        Column("entity_id", "企业", "entity"),
        Column("name", "名称", "name"),
        Column("period", "期间", "period"),
        Column("industry", "行业", "industry"),
        Column("size", "规模", "size"),
        Column("indicator", "指标代码", "indicator"),
        Column("indicator_name", "指标", "indicator name"),
        Column("value", "本企业", "value", lambda v, r: shown_value(v, r.get("unit", "")), "right"),
        Column("unit", "单位", "unit", lambda v, r: "" if v is None else shown_unit(v, lang)),
        Column("band", "档次", "band"),
        score,
        Column("weight", "权重", "weight", None, "right"),
        Column("coverage", "已评分权重占比", "weight scored", lambda v, r: "" if v is None else f"{v:.0%}", "right"),
        *[
            Column(
                f"std_{b.code}",
                f"{b.name_zh}值",
                f"{b.name_en} value",
                lambda v, r: shown_value(v, r.get("unit") or "%"),
                "right",
            )
            for b in params.bands
        ],
        Column("standard_industry", "标准值行业", "standard industry"),
        Column("standard_size", "标准值规模", "standard size"),
        Column("standard_year", "标准值年份", "standard year", None, "right"),
        Column("note", "说明", "note"),
    ]
    if table:
        keep = [
            "name",
            "indicator_name",
            "value",
            "unit",
            "band",
            "score",
            "weight",
            "coverage",
            *[f"std_{b.code}" for b in params.bands],
            "note",
        ]
        by_key = {c.key: c for c in cols}
        return [by_key[k] for k in keep]
    return cols
