"""Chart-ready data (JSON-safe: numbers as floats) of peer ranks and standard-value scores, for the
report and the web dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from guozi.analyses.benchmark.figures import Values
from guozi.analyses.benchmark.peers import PeerReport
from guozi.analyses.benchmark.ranks import Num, PeerRow, order
from guozi.analyses.benchmark.scores import ScoreReport
from guozi.kernel.text import pick


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
        "title": pick(lang, f"{report.name} 同行对标", f"{report.name} against its peers"),
        "entity": report.entity,
        "entity_name": report.name,
        "period": str(report.period),
        "group": report.group.describe(lang),
        "group_note": pick(lang, report.group.note_zh, report.group.note_en),
        "indicators": stat_chart(report.rows, report.values, report.names, report.entity, lang),
    }


def score_chart(report: ScoreReport, entity: str, *, lang: str = "zh") -> dict[str, Any]:
    """Chart-ready radar of an entity's bands and scores (axes = indicators, scale = band scores)."""
    es = report.entity(entity)
    rows = [r for r in es.rows if r.standard is not None]
    return {
        "kind": "band_radar",
        "title": pick(lang, f"{es.name} 绩效评价标准值对标", f"{es.name} against the standard values"),
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
