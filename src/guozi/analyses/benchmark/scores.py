"""Bands and scores against the standard values, per indicator and overall (weighted)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import cast

import pandas as pd

from guozi.analyses.benchmark.figures import entity_names, indicator_of, panel_values, reported_panel
from guozi.analyses.benchmark.params import Band, BenchmarkParams, load_params
from guozi.analyses.benchmark.ranks import TIE_DECIMALS, Num
from guozi.analyses.benchmark.sizes import SizeClass, SizeRules, load_sizes, size_classes
from guozi.analyses.benchmark.standards import StandardRow, StandardTable, load_standards
from guozi.analyses.source import Source
from guozi.catalog.model import Direction, Indicator
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.kernel.text import pick


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
        return pick(lang, self.name_zh, self.name_en)

    def note(self, lang: str) -> str:
        """The row's note in ``lang``."""
        return pick(lang, self.note_zh, self.note_en)


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
        return pick(lang, self.note_zh, self.note_en)


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
    source: Source,
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
    params = params or load_params(catalog=source.catalog)
    sizes = sizes or load_sizes(catalog=source.catalog)
    table = (
        standards
        if isinstance(standards, StandardTable)
        else load_standards(standards, source, params=params, sizes=sizes)
    )
    nodes = source.tree().at(period)
    targets = _targets(source, period, nodes, entity, level)
    codes = list(dict.fromkeys([*(c for c, w in params.weights.items() if w > 0), *table.indicators()]))
    if not codes:
        raise NotFoundError(
            "标准值表与权重均未给出指标", "neither the standard values nor the weights name an indicator"
        )
    values, notes = panel_values(reported_panel(source, [period], codes, params), period)
    klass = size_classes(source, period, targets, sizes=sizes, params=params)
    industry_of = (
        {str(e): params.industry(v) for e, v in zip(nodes.entity_id, nodes["industry"], strict=True)}
        if "industry" in nodes.columns
        else {}
    )
    names_ = entity_names(source)
    out: list[EntityScore] = []
    for e in targets:
        industry = industry_of.get(e, "")
        sc = klass[e]
        lookup_size = sizes.standards_class.get(sc.code, sc.code) if sc.code else None
        rows = tuple(
            _score_row(
                code,
                indicator_of(source, params, code),
                values[code].get(e),
                notes[code].get(e, ("", "")),
                table.lookup(code, industry, lookup_size, period.year, sizes.all_sizes.code),
                params.weights.get(code, Decimal(0)),
                industry,
                period.year,
                params,
            )
            for code in codes
        )
        overall, share, unscored = overall_score(rows, params)
        zh, en = _overall_note(sc, overall, share, unscored, params)
        out.append(EntityScore(e, names_.get(e, e), industry, sc, rows, overall, share, zh, en))
    return ScoreReport(period, tuple(out), table, params, sizes)


def _targets(source: Source, period: Period, nodes: pd.DataFrame, entity: str | None, level: int | None) -> list[str]:
    """The entities scored: ``entity`` (which must exist in ``period``), else those at ``level``, else all."""
    if entity is not None:
        if entity not in set(nodes.entity_id):
            if entity not in set(source.tree().nodes.entity_id):
                raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
            raise NotFoundError(f"企业 {entity} 在 {period} 不存在", f"entity {entity} does not exist in {period}")
        return [entity]
    sel = nodes if level is None else nodes[nodes.level == level]
    return sorted(set(sel.entity_id))


def _score_row(
    code: str,
    ind: Indicator,
    v: Num | None,
    note: tuple[str, str],
    std: StandardRow | None,
    weight: Decimal,
    industry: str,
    year: int,
    params: BenchmarkParams,
) -> ScoreRow:
    """One indicator of one entity: its band and score if it has a value and a standard row, with notes."""
    zh: list[str] = []
    en: list[str] = []
    band: Band | None = None
    score: float | None = None
    if v is None:
        nz, ne = note
        zh.append(f"无值（{nz or '未报送'}）")
        en.append(f"no value ({ne or 'not reported'})")
    if std is None:
        zh.append(f"标准值表中没有适用的行（行业 {industry or '未填'}，{year} 年及以前）")
        en.append(f"no applicable standard values (industry {industry or 'blank'}, {year} or earlier)")
    if v is not None and std is not None:
        bs = band_score(v, std.values, ind.direction, params)
        band, score = bs.band, bs.score
    if weight == 0:
        zh.append("未计入综合得分（无权重）")
        en.append("not in the overall score (no weight)")
    return ScoreRow(
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


def _overall_note(
    sc: SizeClass, overall: float | None, share: float, unscored: Sequence[str], params: BenchmarkParams
) -> tuple[str, str]:
    """The note of an entity's overall score (zh, en): size class unknown, indicators not scored."""
    zh: list[str] = []
    en: list[str] = []
    if sc.code is None:
        if sc.missing:
            zh.append(f"规模类别未定（缺少 {sc.period} 的 {'、'.join(sc.missing)}），按全行业标准值")
            en.append(f"size class unknown (no {', '.join(sc.missing)} for {sc.period}); all-size standard values used")
        else:
            zh.append("规模类别未定（行业未填或无规则），按全行业标准值")
            en.append("size class unknown (no industry or no rule); all-size standard values used")
    if unscored:
        zh.append(f"未评分：{'、'.join(unscored)}（已得分指标权重占 {share:.0%}）")
        en.append(f"not scored: {', '.join(unscored)} (scored indicators carry {share:.0%} of the weight)")
    if overall is None and share > 0:
        zh.append(f"已得分指标权重不足 {params.min_weight_share:.0%}，不计综合得分")
        en.append(f"scored indicators carry less than {params.min_weight_share:.0%} of the weight; no overall score")
    return "；".join(zh), "; ".join(en)
