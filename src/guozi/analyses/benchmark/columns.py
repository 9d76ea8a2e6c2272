"""Records and columns of peer ranks and standard-value scores for :func:`guozi.presentation.output.emit`,
and the wording of values, gaps and units shared with the world comparison.
"""

from __future__ import annotations

from typing import Any

from guozi.analyses.benchmark.params import BenchmarkParams
from guozi.analyses.benchmark.peers import PeerReport
from guozi.analyses.benchmark.ranks import PeerRow
from guozi.analyses.benchmark.scores import ScoreReport
from guozi.kernel.money import UNITS, figure
from guozi.kernel.text import is_zh, pick
from guozi.presentation.output import Column


def shown_value(v: Any, unit: str, signed: bool = False) -> str:
    """A value for the table format; money is already in its row's unit (emit converts it)."""
    if v is None:
        return "—"
    return figure(v, 0 if unit == "人" else 2, signed=signed)


def shown_gap(v: Any, r: dict[str, Any]) -> str:
    text = shown_value(v, r["unit"], signed=True)
    if v is None or r.get("direction") not in ("higher", "lower") or v == 0:
        return text
    good = (v > 0) == (r["direction"] == "higher")
    return f"{text} {'▲' if good else '▼'}"


def shown_unit(unit: str, lang: str) -> str:
    """A row's unit in ``lang`` (money by its name: 万元 / 10k yuan)."""
    if unit in UNITS:
        return UNITS[unit].name(lang)
    if is_zh(lang):
        return unit
    return {"万元/人": "10k yuan/person", "人": "persons", "倍": "times"}.get(unit, unit)


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
        Column("value", "本企业", "value", lambda v, r: shown_value(v, r["unit"]), "right", money="row"),
        Column("unit", "单位", "unit", lambda v, r: shown_unit(v, lang)),
        Column("direction", "优劣方向", "better when"),
        Column("rank", "排名", "rank", None, "right"),
        Column("of", "参与排名", "ranked", None, "right"),
        Column("percentile", "百分位", "percentile", lambda v, r: figure(v, 1), "right"),
        *(
            Column(k, zh, en, lambda v, r: shown_value(v, r["unit"]), "right", money="row")
            for k, zh, en in (
                ("median", "中位数", "median"),
                ("better_quartile", "较优四分位", "better quartile"),
                ("worse_quartile", "较差四分位", "worse quartile"),
                ("best", "最优", "best"),
            )
        ),
        Column("best_entity", "最优者", "best by"),
        Column("gap_median", "与中位数差", "gap to median", shown_gap, "right", money="row"),
        Column("gap_better_quartile", "与较优四分位差", "gap to better quartile", shown_gap, "right", money="row"),
        Column("gap_worse_quartile", "与较差四分位差", "gap to worse quartile", shown_gap, "right", money="row"),
        Column("gap_best", "与最优差", "gap to best", shown_gap, "right", money="row"),
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
                "indicator_name": pick(lang, "综合得分", "overall score"),
                "score": es.overall,
                "coverage": es.coverage,
                "note": es.note(lang),
            }
        )
    return out


def score_columns(params: BenchmarkParams, lang: str, *, table: bool = False) -> list[Column]:
    """The columns of :func:`score_records`; ``table``: the shorter set for the terminal."""
    score = Column("score", "得分", "score", lambda v, r: figure(v, 1), "right")
    cols = [
        Column("entity_id", "企业", "entity"),
        Column("name", "名称", "name"),
        Column("period", "期间", "period"),
        Column("industry", "行业", "industry"),
        Column("size", "规模", "size"),
        Column("indicator", "指标代码", "indicator"),
        Column("indicator_name", "指标", "indicator name"),
        Column("value", "本企业", "value", lambda v, r: shown_value(v, r.get("unit", "")), "right", money="row"),
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
                money="row",
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
