"""存在的主要问题、原因分析、下一步工作措施: drafted from what the other sections found (the regime's
verdict, the drivers, the warnings, the loss-makers and the debt lines), as plain paragraphs the
finance department rewrites in the Word file before the report is sent.

Each sentence quotes figures already shown above; the measures are the layout's (``measures``),
one for each kind of problem found."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from guozi.report import narrative as nv
from guozi.report.context import Ctx
from guozi.report.model import Fig, Paragraph, Section, Table, Text


def _table(sections: list[Section], key: str) -> Table | None:
    for s in sections:
        for t in s.tables():
            if t.key == key:
                return t
    return None


def _missed(sections: list[Section]) -> list[str]:
    """The regime's indicators judged 未通过 (the regime table's last column)."""
    t = _table(sections, "regime")
    if t is None:
        return []
    out = []
    for row in t.rows:
        name, verdict = row[0], row[-1]
        if isinstance(verdict, Text) and verdict.zh == "未通过" and isinstance(name, Text):
            out.append(name.zh)
    return out


def _decliners(sections: list[Section], n: int = 3) -> list[tuple[str, Decimal]]:
    """The subsidiaries whose change (the drivers' table) is most negative, at most ``n``."""
    t = _table(sections, "drivers")
    if t is None:
        return []
    j = t.column("change")
    out = []
    for row in t.rows:
        ch = row[j]
        d = nv.dec(ch.value) if isinstance(ch, Fig) else None
        if d is not None and d < 0:
            out.append((str(row[0]), d))
    return sorted(out, key=lambda x: x[1])[:n]


def closing(ctx: Ctx, sections: list[Section]) -> list[Section]:
    """The three closing sections, drafted; empty paragraphs are left out."""
    measures = ctx.layout.get("measures") or {}
    problems_zh: list[str] = []
    problems_en: list[str] = []
    causes_zh: list[str] = []
    causes_en: list[str] = []
    kinds: list[str] = []
    missed = _missed(sections)
    if missed:
        problems_zh.append(f"考核指标完成有差距：{'、'.join(missed)}未达到考核要求")
        problems_en.append(f"{len(missed)} assessed indicator(s) missed the requirement ({', '.join(missed)})")
        kinds.append("verdict")
    falls = _decliners(sections)
    if falls:
        listed = "、".join(f"{n}（减少{nv.amount(-d, 'zh')}）" for n, d in falls)
        listed_en = ", ".join(f"{n} (down {nv.amount(-d, 'en')})" for n, d in falls)
        causes_zh.append(f"部分企业效益下滑拖累整体，{listed}")
        causes_en.append(f"some subsidiaries' fall weighed on the whole: {listed_en}")
        kinds.append("decliners")
    report = ctx.warnings
    if report is not None and report.warnings:
        merged = report.merged()  # counted as the risks section counts them
        top = merged[0].severity_rank
        high = [w for w in merged if w.severity_rank == top]
        rules = Counter((w.lead.rule_name_zh, w.lead.rule_name_en) for w in high).most_common(3)
        level = report.rules.severities[high[0].severity]
        problems_zh.append(
            f"风险隐患仍较突出：{level.name_zh}风险预警{len(high)}条，主要为"
            + "、".join(f"{zh}（{k}条）" for (zh, _), k in rules)
        )
        problems_en.append(
            f"risks remain: {len(high)} {level.name_en} warnings, mainly "
            + ", ".join(f"{en} ({k})" for (_, en), k in rules)
        )
        kinds.append("warnings")
        if any("负债" in zh for (zh, _), _k in rules):
            causes_zh.append("部分企业负债水平偏高、带息负债增长较快，资产负债率超出管控线")
            causes_en.append("some subsidiaries carry high debt, their debt ratio above the control lines")
            kinds.append("debt")
    losses = _table(sections, "losses")
    j = losses.column("status") if losses is not None else 0
    losing = [r for r in (losses.rows if losses else ()) if "扭亏" not in str(getattr(r[j], "zh", ""))]
    if losing:
        problems_zh.append(f"亏损企业治理仍需加力：亏损企业表列示亏损企业{len(losing)}户")
        problems_en.append(f"loss-makers remain: {len(losing)} in the table of loss-makers")
        kinds.append("losses")
    out: list[Section] = []
    note = Text(
        "（本节为系统根据上文数据起草，请结合实际修改完善。）",
        "(Drafted from the figures above; revise before sending.)",
    )
    for key, zh_title, en_title, parts_zh, parts_en in (
        ("problems", "存在的主要问题", "Main problems", problems_zh, problems_en),
        ("causes", "原因分析", "Causes", causes_zh, causes_en),
    ):
        if parts_zh:
            paras = [
                Paragraph(Text(f"{nv.ordinal_zh(i)}是{z}。", f"{i}. {e[0].upper()}{e[1:]}."))
                for i, (z, e) in enumerate(zip(parts_zh, parts_en, strict=True), start=1)
            ]
            out.append(Section(key, 0, Text(zh_title, en_title), (*paras, Paragraph(note, kind="note"))))
    steps = [measures[k] for k in dict.fromkeys(kinds) if k in measures]
    if steps:
        paras = [
            Paragraph(Text(f"{nv.ordinal_zh(i)}是{zh}", f"{i}. {en}")) for i, (zh, en) in enumerate(steps, start=1)
        ]
        out.append(Section("measures", 0, Text("下一步工作措施", "Next steps"), (*paras, Paragraph(note, kind="note"))))
    return out
