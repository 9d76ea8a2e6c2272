"""对标 (benchmarking, optional; placed before the appendix): peers in the same tree level and
industry, standard-value bands and world-class peers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from guozi.analyses.benchmark import benchmark_section
from guozi.analyses.benchmark.standards import load_standards
from guozi.report import narrative as nv
from guozi.report.context import Ctx, table
from guozi.report.model import Block, Cell, Col, Fig, Number, Paragraph, Section, Table, Text


def _stat_table(key: str, title: Text, zh: Mapping[str, Any], en: Mapping[str, Any], entity: str, period: str) -> Table:
    """The peers' (or world peers') bars as a table: value, rank, median, best, and why not ranked."""
    rows: list[list[Cell]] = []
    for rz, re_ in zip(zh.get("indicators") or [], en.get("indicators") or [], strict=True):
        unit = str(rz["unit"])

        def fig(v: Any, what: str, unit: str = unit, code: str = str(rz["indicator"])) -> Fig:
            d = nv.dec(v)
            value: Number | None = None if d is None else (d if unit in ("元", "人") else float(d))
            return Fig(value, unit, "benchmark", entity, period, code, what)

        rank: Cell = Text(f"{rz['rank']}/{rz['of']}", f"{rz['rank']} of {rz['of']}") if rz.get("rank") else None
        note: Cell = Text(str(rz.get("note") or ""), str(re_.get("note") or "")) if rz.get("note") else None
        rows.append(
            [
                Text(str(rz["name"]), str(re_["name"])),
                fig(rz["value"], "value"),
                rank,
                fig(rz["median"], "median"),
                fig(rz["best"], "best"),
                note,
            ]
        )
    cols = (
        Col("indicator", "指标", "indicator"),
        Col("value", "本企业", "this entity", "value"),
        Col("rank", "排名", "rank"),
        Col("median", "中位数", "median", "value"),
        Col("best", "最优值", "best", "value"),
        Col("note", "说明", "note"),
    )
    group = Text(str(zh.get("group") or ""), str(en.get("group") or ""))
    notes = (Text(f"对标范围：{group.zh}", f"Peers: {group.en}"),) if group.zh else ()
    return table(key, title, cols, rows, *notes)


EXAMPLE_NOTE = Text(
    "注意：上述得分与综合得分依据软件自带的示例标准值（虚构数字，仅作演示），并非国务院国资委发布的"
    "《企业绩效评价标准值》；请以 guozi peers --standards 文件载入正式标准值后再作评价。",
    "Note: these scores and the overall score are computed on the example standard values shipped with "
    "guozi (invented figures, for illustration), not SASAC's published standard values; load the official "
    "table with guozi peers --standards FILE before drawing conclusions.",
)


def _bilingual(zh: str, en: str) -> Text:
    """A note of the benchmark in both languages: a missing fiscal year of the world-class peers is
    said as what it means for the reader, not as the raw error."""
    m = re.search(r"(\d{4})", zh)
    if "财年" in zh and "没有" in zh and m:  # the peer set lacks the year (a fallback note passes as is)
        return Text(
            f"世界一流企业对标：{m.group(1)}财年的对标企业数据尚未收录，本节未列示（原因：{zh}）。",
            f"World-class peers: their fiscal year {m.group(1)} figures are not in the data yet, so "
            f"this part is left out (reason: {en}).",
        )
    return Text(zh, en)


def benchmarking(ctx: Ctx) -> Section:
    """对标: the peers' table, the standard-value bands and the world-class peers."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    zh = benchmark_section(src, p, e, lang="zh")
    en = benchmark_section(src, p, e, lang="en")
    blocks: list[Block] = []
    if zh.get("peers"):
        blocks.append(
            _stat_table(
                "peers", Text(str(zh["peers"]["title"]), str(en["peers"]["title"])), zh["peers"], en["peers"], e, str(p)
            )
        )
    scores_zh, scores_en = zh.get("scores"), en.get("scores")
    if scores_zh and scores_en:
        rows: list[list[Cell]] = []
        for i, code in enumerate(scores_zh["indicators"]):
            unit = str(scores_zh["units"][i])
            d = nv.dec(scores_zh["values"][i])
            value: Number | None = None if d is None else (d if unit in ("元", "人") else float(d))
            band_zh, band_en = scores_zh["bands"][i], scores_en["bands"][i]
            rows.append(
                [
                    Text(str(scores_zh["axes"][i]), str(scores_en["axes"][i])),
                    Fig(value, unit, "benchmark", e, str(p), str(code), "value"),
                    Text(str(band_zh), str(band_en)) if band_zh else None,
                    Fig(scores_zh["scores"][i], "score", "benchmark", e, str(p), str(code), "score"),
                ]
            )
        overall = scores_zh.get("overall")
        notes = (
            [Text(f"综合得分：{nv.number(overall, 1, 'zh')}", f"Overall score: {nv.number(overall, 1, 'en')}")]
            if overall is not None
            else []
        )
        if load_standards(None, src).illustration:
            notes.append(EXAMPLE_NOTE)
        if scores_zh.get("note"):
            notes.append(Text(str(scores_zh["note"]), str(scores_en.get("note") or "")))
        blocks.append(
            table(
                "bands",
                Text(str(scores_zh["title"]), str(scores_en["title"])),
                (
                    Col("indicator", "指标", "indicator"),
                    Col("value", "本企业", "this entity", "value"),
                    Col("band", "档次", "band"),
                    Col("score", "得分", "score", "number"),
                ),
                rows,
                *notes,
            )
        )
    if zh.get("world") and en.get("world"):
        blocks.append(
            _stat_table(
                "world", Text(str(zh["world"]["title"]), str(en["world"]["title"])), zh["world"], en["world"], e, str(p)
            )
        )
    for nz, ne in zip(zh.get("notes") or [], en.get("notes") or [], strict=False):
        blocks.append(Paragraph(_bilingual(str(nz), str(ne)), kind="note"))
    if not blocks:
        blocks.append(Paragraph(Text("无可用的对标数据。", "No benchmarking data."), kind="note"))
    return Section("benchmark", 8, Text("对标分析", "Benchmarking"), tuple(blocks))
