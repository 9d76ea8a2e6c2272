"""5 风险 (risks): the risk warnings by severity, the loss-makers, and debt ratios against their lines."""

from __future__ import annotations

from decimal import Decimal

from guozi.analyses.losses import STATUS_LABELS as LOSS_LABELS
from guozi.analyses.losses import LossReport, loss_makers, missing_note
from guozi.analyses.warnings import evaluate_warnings, load_debt_lines
from guozi.report import narrative as nv
from guozi.report.context import Ctx, node_attr, table
from guozi.report.model import Block, Cell, Col, Fig, Paragraph, Section, Text


def risks(ctx: Ctx) -> Section:
    """风险情况: warnings, loss-makers and debt ratios against their lines."""
    blocks = [*_warnings(ctx), *_losses(ctx), *_debt_lines(ctx)]
    return Section("risks", 5, Text("风险情况", "Risks"), tuple(blocks))


def _warnings(ctx: Ctx) -> list[Block]:
    """The subtree's warnings: how many of each severity, and a table of each (kept in ``ctx`` for the appendix)."""
    src, p, e, lay = ctx.source, ctx.period, ctx.entity, ctx.layout
    blocks: list[Block] = []
    report = evaluate_warnings(src, p, entity=e, subtree=True)
    ctx.warnings = report
    sev = sorted(report.rules.severities.values(), key=lambda s: -s.rank)
    merged = report.merged()  # one per entity, period and indicator, counted under its most serious rule
    counts = {s.code: sum(1 for w in merged if w.severity == s.code) for s in sev}
    n_all = len(merged)
    zh = f"{nv.span(p, 'zh')}，{ctx.subject.zh}及所属企业共触发风险预警{n_all}条"
    en = f"In {nv.span(p, 'en')}, {ctx.subject.en} and its subsidiaries triggered {n_all} risk warning{'' if n_all == 1 else 's'}"
    if n_all:
        zh += "，其中" + "、".join(f"{s.name_zh}风险{counts[s.code]}条" for s in sev)
        en += " (" + ", ".join(f"{counts[s.code]} {s.name_en}" for s in sev) + ")"
    if report.gaps:
        zh += f"；另有{len(report.gaps)}项检查因缺数无法进行（见附表）"
        en += f"; {len(report.gaps)} checks could not be made for missing data (see the appendix)"
    blocks.append(Paragraph(Text(zh + "。", en + "."), (Fig(n_all, "count", "warnings", e, str(p), measure="count"),)))
    shown = int(lay["warnings_shown_per_severity"])
    for s in sev:
        ws_rows = [w for w in merged if w.severity == s.code]
        if not ws_rows:
            continue
        rows: list[list[Cell]] = [
            [w.name, Text(w.rule_name_zh, w.rule_name_en), Text(w.message_zh, w.message_en)] for w in ws_rows[:shown]
        ]
        notes = []
        if len(ws_rows) > shown:
            notes.append(
                Text(f"另有{len(ws_rows) - shown}条，见附表。", f"{len(ws_rows) - shown} more in the appendix.")
            )
        blocks.append(
            table(
                f"warnings_{s.code}",
                Text(
                    f"{s.name_zh}风险预警（{len(ws_rows)}条）",
                    f"{s.name_en.capitalize()} severity warnings ({len(ws_rows)})",
                ),
                (Col("name", "企业", "entity"), Col("rule", "预警规则", "rule"), Col("message", "说明", "explanation")),
                rows,
                *notes,
            )
        )
    return blocks


def _losses(ctx: Ctx) -> list[Block]:
    """The loss-makers of each tree level below the entity, and the loss-making and turned-around entities."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    blocks: list[Block] = []
    losses = loss_makers(src, p, entity=e)
    lparts_zh, lparts_en, lfigs = _loss_levels(ctx, losses)
    crit = src.catalog.indicator(losses.criterion.indicator)
    if lparts_zh:
        blocks.append(
            Paragraph(
                Text(
                    f"亏损企业（{crit.name_zh}本年累计为负）：" + "；".join(lparts_zh) + "。",
                    f"Loss-makers ({nv.lc(crit.name_en)} year to date below zero): " + "; ".join(lparts_en) + ".",
                ),
                tuple(lfigs),
            )
        )
    lrows: list[list[Cell]] = []
    for r in losses.entities.to_dict("records"):
        zh_s, en_s = LOSS_LABELS[str(r["status"])]
        lrows.append(
            [
                str(r["name"]),
                Fig(r["value"], crit.unit, "panel", str(r["entity_id"]), str(p), crit.code),
                Fig(
                    r["baseline"],
                    crit.unit,
                    "panel",
                    str(r["entity_id"]),
                    str(r["baseline_period"]),
                    crit.code,
                    note_zh="" if r["baseline"] is not None else "上年同期无数据",
                    note_en="" if r["baseline"] is not None else "no prior-year figure",
                ),
                Text(zh_s, en_s),
                Fig(r["loss_months"], "count", "losses", str(r["entity_id"]), str(p), crit.code, "loss_months"),
                Fig(r["loss_years"], "count", "losses", str(r["entity_id"]), str(p), crit.code, "loss_years"),
            ]
        )
    if lrows:
        blocks.append(
            table(
                "losses",
                Text("亏损及扭亏企业", "Loss-making and turned-around entities"),
                (
                    Col("name", "企业", "entity"),
                    Col("value", f"{crit.name_zh}（本年累计）", f"{crit.name_en} (YTD)", "amount"),
                    Col("baseline", "上年同期", "a year earlier", "amount"),
                    Col("status", "状态", "status"),
                    Col("months", "连续亏损月数", "months in loss", "count"),
                    Col("years", "连续亏损年数", "years in loss", "count"),
                ),
                lrows,
            )
        )
    if losses.missing:
        blocks.append(Paragraph(Text(missing_note(losses, "zh"), missing_note(losses, "en")), kind="note"))
    return blocks


def _loss_levels(ctx: Ctx, losses: LossReport) -> tuple[list[str], list[str], list[Fig]]:
    """One phrase per tree level below the entity (Chinese, English) and the loss amounts they quote."""
    p, e = ctx.period, ctx.entity
    lparts_zh: list[str] = []
    lparts_en: list[str] = []
    lfigs: list[Fig] = []
    for g in losses.groups.to_dict("records"):
        lv = int(g["level"])
        if lv <= ctx.level:
            continue
        lbl_zh = f"{nv.ordinal_zh(lv - ctx.level + 1)}级企业"
        lbl_en = f"level-{lv - ctx.level + 1} subsidiaries"
        if g["loss_count"] is None:
            lparts_zh.append(f"{lbl_zh}{g['entities']}户均缺数")
            lparts_en.append(f"{lbl_en}: all {g['entities']} lack figures")
            continue
        amt = Fig(
            g["loss_amount"],
            "元",
            "losses",
            e,
            str(p),
            losses.criterion.indicator,
            f"level {lv} loss_amount",
            prior=g["prior_loss_amount"],
        )
        lfigs.append(amt)
        z = f"{lbl_zh}{g['reported']}户中亏损{g['loss_count']}户"
        en_ = f"{lbl_en}: {g['loss_count']} of {g['reported']} loss-making"
        if g["loss_count"]:
            z += f"，亏损额{nv.amount(g['loss_amount'], 'zh')}"
            en_ += f", losses of {nv.amount(g['loss_amount'], 'en')}"
        if g["prior_loss_count"] is not None:
            z += f"（上年同期{g['prior_loss_count']}户"
            en_ += f" (a year earlier {g['prior_loss_count']}"
            if g["prior_loss_count"]:
                z += f"，{nv.amount(g['prior_loss_amount'], 'zh')}"
                en_ += f", {nv.amount(g['prior_loss_amount'], 'en')}"
            z += "）"
            en_ += ")"
        if g["missing"]:
            z += f"，{g['missing']}户缺数"
            en_ += f", {g['missing']} without figures"
        lparts_zh.append(z)
        lparts_en.append(en_)
    return lparts_zh, lparts_en, lfigs


def _debt_lines(ctx: Ctx) -> list[Block]:
    """Debt ratios against their lines: how many entities are above each line, and the table."""
    p, e = ctx.period, ctx.entity
    drows, over_s, over_w, no_value, no_line = _debt_rows(ctx)
    blocks: list[Block] = []
    blocks.append(
        Paragraph(
            Text(
                f"{nv.month_end(p, 'zh')}，资产负债率超过重点监管线的企业{over_s}户，超过预警线（未超重点监管线）的{over_w}户"
                + (f"；{no_value}户缺少资产负债率，未作判断" if no_value else "")
                + (f"；{no_line}户无适用的管控线" if no_line else "")
                + "。",
                f"At {nv.month_end(p, 'en')}, {over_s} entities are above their key-supervision debt line and {over_w} more above the warning line"
                + (f"; {no_value} lack a debt ratio and are not judged" if no_value else "")
                + (f"; no line applies to {no_line}" if no_line else "")
                + ".",
            ),
            (
                Fig(over_s, "count", "debt_lines", e, str(p), "debt_ratio", "above supervision"),
                Fig(over_w, "count", "debt_lines", e, str(p), "debt_ratio", "above warning"),
            ),
        )
    )
    blocks.append(
        table(
            "debt_lines",
            Text("资产负债率与管控线", "Debt ratios against their lines"),
            (
                Col("name", "企业", "entity"),
                Col("class", "行业类别", "industry class"),
                Col("debt_ratio", "资产负债率", "debt ratio", "number", "%"),
                Col("prior", "上年同期", "a year earlier", "number", "%"),
                Col("warning", "预警线", "warning line", "number", "%"),
                Col("supervision", "重点监管线", "key-supervision line", "number", "%"),
                Col("status", "状态", "status"),
            ),
            drows,
            Text(
                "列示本级、直接下级企业及超线的各级企业。管控线依据《关于加强国有企业资产负债约束的指导意见》（2018）。",
                "Lists the entity, its direct subsidiaries and every entity above a line. Lines per the 2018 guideline on SOE debt constraints.",
            ),
        )
    )
    return blocks


def _debt_rows(ctx: Ctx) -> tuple[list[list[Cell]], int, int, int, int]:
    """The rows of the entity, its direct subsidiaries and every entity above a line; and the counts
    above the key-supervision line, above the warning line only, without a debt ratio, without a line."""
    p, e = ctx.period, ctx.entity
    lines = load_debt_lines(catalog=ctx.source.catalog)
    industries = node_attr(ctx.nodes, "industry")
    drows: list[list[Cell]] = []
    over_w = over_s = no_value = no_line = 0
    for eid_ in ctx.nodes.entity_id:
        eid = str(eid_)
        dr = ctx.subs.fig(eid, p, "debt_ratio", "%")
        line = lines.line_for(industries.get(eid) or None, p.year)
        cls = lines.industry_class(industries.get(eid) or None)
        status = Text("—", "—")
        level: str | None = None
        if line is not None and dr.value is not None:
            v = Decimal(repr(float(dr.value)))
            if v > line.supervision:
                level, status = "s", Text("超重点监管线", "above the key-supervision line")
                over_s += 1
            elif v > line.warning:
                level, status = "w", Text("超预警线", "above the warning line")
                over_w += 1
            else:
                status = Text("线内", "within the lines")
        elif line is None:
            status = Text("无适用基准线", "no line applies")
            no_line += 1
        else:
            no_value += 1
        if eid == e or eid in ctx.children or level is not None:
            drows.append(
                [
                    ctx.names.get(eid, eid),
                    Text(cls.name_zh, cls.name_en) if cls else (industries.get(eid) or None),
                    dr,
                    ctx.subs.fig(eid, p, "debt_ratio", "%", "prior_value"),
                    Fig(
                        line.warning if line else None,
                        "%",
                        "debt_lines",
                        eid,
                        str(line.year) if line else "",
                        "debt_ratio",
                        "warning",
                    ),
                    Fig(
                        line.supervision if line else None,
                        "%",
                        "debt_lines",
                        eid,
                        str(line.year) if line else "",
                        "debt_ratio",
                        "supervision",
                    ),
                    status,
                ]
            )
    return drows, over_s, over_w, no_value, no_line
