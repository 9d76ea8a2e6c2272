"""Chart data, records and columns of a world comparison."""

from __future__ import annotations

from typing import Any

from guozi.analyses.benchmark.charts import stat_chart
from guozi.analyses.benchmark.columns import shown_unit, shown_value, stat_columns, stat_record
from guozi.analyses.benchmark.ranks import standing
from guozi.analyses.benchmark.world.compare import Converted, WorldReport
from guozi.kernel.money import figure
from guozi.kernel.text import pick
from guozi.presentation.output import Column


def world_chart(report: WorldReport, *, lang: str = "zh") -> dict[str, Any]:
    """Chart-ready bars of the entity among the world peers (numbers as floats, yuan-based units)."""
    return {
        "kind": "world_bars",
        "title": (
            pick(
                lang,
                f"{report.name} 对标世界一流（{report.year} 财年）",
                f"{report.name} against world-class peers, FY{report.year}",
            )
        ),
        "entity": report.entity,
        "entity_name": report.name,
        "year": report.year,
        "peer_set": report.peer_set,
        "rates": [
            {"year": r.year, "currency": r.currency, "cny_per_unit": float(r.cny_per_unit), "source": r.source}
            for r in report.rates
        ],
        "second_hand": any(c.second_hand for c in report.companies),
        "indicators": stat_chart(report.rows, report.values, report.names(), report.entity, lang),
    }


def world_records(report: WorldReport, lang: str = "zh") -> list[dict[str, Any]]:
    """One record per indicator: the entity's place among the peer set."""
    return [
        {
            "entity_id": report.entity,
            "name": report.name,
            "year": report.year,
            "peer_set": report.peer_set,
            **stat_record(r, lang),
        }
        for r in report.rows
    ]


def world_columns(lang: str, *, table: bool = False) -> list[Column]:
    """The columns of :func:`world_records`; ``table``: the shorter set for the terminal."""
    cols = [
        Column("entity_id", "企业", "entity"),
        Column("name", "名称", "name"),
        Column("year", "财年", "fiscal year", None, "right"),
        Column("peer_set", "对标集", "peer set"),
        *stat_columns(lang),
    ]
    if table:
        by_key = {c.key: c for c in cols}
        keep = (
            "indicator_name",
            "value",
            "rank",
            "of",
            "percentile",
            "median",
            "best",
            "best_entity",
            "gap_median",
            "gap_best",
            "unit",
            "note",
        )
        return [by_key[k] for k in keep]
    return cols


def _printed(c: Converted) -> str:
    f = c.figure
    return f"{f.printed_item} {f.value} {f.unit}"


def world_company_records(report: WorldReport, lang: str = "zh") -> list[dict[str, Any]]:
    """One record per company (and the entity) and indicator, with the figures as printed, the
    rates used and the sources; second-hand figures marked."""
    out: list[dict[str, Any]] = []
    companies = {c.name: c for c in report.companies}
    for r in report.rows:
        vals = report.values[r.indicator]
        ranked = sorted(vals, key=lambda k: (standing(vals, k, r.direction).rank or len(vals) + 1, k))
        for key in ranked:
            c = companies.get(key)
            st = standing(vals, key, r.direction)
            nz, ne = report.notes[r.indicator].get(key, ("", ""))
            notes = [pick(lang, nz, ne)] + ([] if c is None else [x.figure.note for x in c.figures if x.figure.note])
            out.append(
                {
                    "indicator": r.indicator,
                    "indicator_name": r.name(lang),
                    "company": report.name if c is None else c.name,
                    "self": c is None,
                    "country": "" if c is None else c.country,
                    "central_soe": "" if c is None else c.central_soe,
                    "value": vals[key],
                    "unit": r.unit,
                    "rank": st.rank,
                    "percentile": st.percentile,
                    "figures": "" if c is None else "; ".join(_printed(x) for x in c.figures),
                    "rates": ""
                    if c is None
                    else "; ".join(
                        sorted(
                            {f"{x.rate.currency} {x.rate.cny_per_unit} ({x.rate.year})" for x in c.figures if x.rate}
                        )
                    ),
                    "second_hand": None if c is None else c.second_hand,
                    "source_url": ""
                    if c is None
                    else " ".join(dict.fromkeys(x.figure.source_url for x in c.figures if x.figure.source_url)),
                    "note": " | ".join(n for n in notes if n),
                }
            )
    return out


def world_company_columns(lang: str) -> list[Column]:
    """The columns of :func:`world_company_records`."""
    yes_no = pick(
        lang,
        lambda v, r: "" if v is None else ("是" if v else "否"),
        lambda v, r: "" if v is None else ("yes" if v else "no"),
    )
    return [
        Column("indicator", "指标代码", "indicator"),
        Column("indicator_name", "指标", "indicator name"),
        Column("company", "公司", "company"),
        Column("self", "本企业", "self", yes_no),
        Column("country", "国家", "country"),
        Column("central_soe", "中央企业", "Chinese central SOE"),
        Column("value", "数值", "value", lambda v, r: shown_value(v, r["unit"]), "right", money="row"),
        Column("unit", "单位", "unit", lambda v, r: shown_unit(v, lang)),
        Column("rank", "排名", "rank", None, "right"),
        Column("percentile", "百分位", "percentile", lambda v, r: figure(v, 1), "right"),
        Column("figures", "原始数据", "figures as printed"),
        Column("rates", "汇率（元/单位）", "rates (yuan per unit)"),
        Column("second_hand", "二手来源", "second-hand", yes_no),
        Column("source_url", "来源", "source"),
        Column("note", "说明", "note"),
    ]
