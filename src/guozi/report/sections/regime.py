"""2 考核指标 (the assessment regime): each indicator against its target, and the regime's verdict."""

from __future__ import annotations

from typing import Any

from guozi.analyses.targets import (
    STATUS_LABELS,
    TEST_LABELS,
    Verdict,
    evaluate_targets,
    regime_verdict,
    verdict_label,
)
from guozi.catalog import Regime
from guozi.kernel.text import is_zh, pick
from guozi.report import narrative as nv
from guozi.report.context import Ctx, ind_name, table
from guozi.report.model import Block, Cell, Col, Fig, Paragraph, Section, Text

_COLUMNS = (
    Col("indicator", "指标", "indicator"),
    Col("value", "本期", "this period", "value"),
    Col("prior", "上年同期", "a year earlier", "value"),
    Col("change", "增减", "change", "value"),
    Col("target", "目标", "target", "value"),
    Col("completion", "完成率", "completion", "pct"),
    Col("pace", "序时进度", "time pace", "pct"),
    Col("status", "进度", "progress"),
    Col("test", "考核要求", "requirement"),
    Col("passed", "判定", "verdict"),
)


def regime(ctx: Ctx) -> Section:
    """考核指标: the regime's verdict in a paragraph, and each indicator against its target."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    rules = src.catalog.regime_for(p.year)
    targets = evaluate_targets(src, p, entity=e)
    trows = {str(r["indicator"]): r for r in targets.frame.to_dict("records") if r["entity_id"] == e}
    verdicts = [v for v in regime_verdict(src, p, entity=e) if v.entity_id == e]
    verdict = verdicts[0] if verdicts else None
    blocks: list[Block] = [_verdict_paragraph(ctx, rules, verdict)]
    projected = _projection_paragraph(ctx, trows)
    if projected is not None:
        blocks.append(projected)
    notes = [
        Text(
            "完成率 = 本期累计 ÷ 全年目标；序时进度 = 月份 ÷ 12；资产负债率等越低越好的指标不计完成率。",
            "Completion = year to date ÷ annual target; time pace = month ÷ 12; lower-is-better indicators "
            "such as the debt ratio have no completion rate.",
        )
    ]
    if not trows:
        notes.append(Text(f"{ctx.name}没有{p.year}年的目标值（targets）。", f"{ctx.name} has no targets for {p.year}."))
    blocks.append(
        table(
            "regime",
            Text(f"「{rules.name_zh}」指标完成情况", f"The regime's indicators ({rules.name_en})"),
            _COLUMNS,
            _rows(ctx, trows, verdict),
            *notes,
        )
    )
    return Section(
        "regime", 2, Text(f"「{rules.name_zh}」考核指标完成情况", "The assessment indicators"), tuple(blocks)
    )


def _rows(ctx: Ctx, trows: dict[str, Any], verdict: Verdict | None) -> list[list[Cell]]:
    """Each indicator of the regime: value, prior, change, target, completion, pace, and its clause's verdict."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    clauses = {c.indicator: c for c in (verdict.clauses if verdict else ())}
    rows: list[list[Cell]] = []
    for code in ctx.regime_codes:
        ind = src.catalog.indicator(code)
        if ind.tree is None:
            na = Fig(
                None,
                ind.unit,
                "panel",
                e,
                str(p),
                code,
                note_zh=f"由 {ind.computed_by} 模块计算",
                note_en=f"computed by {ind.computed_by}",
            )
            rows.append([ind_name(src, code), na, None, None, None, None, None, None, None, None])
            continue
        value = ctx.main.fig(e, p, code, ind.unit)
        prior = ctx.main.fig(e, p, code, ind.unit, "prior_value")
        change = ctx.main.fig(e, p, code, "pp" if ind.unit == "%" else ind.unit, "change")
        tr = trows.get(code)
        target: Cell = None
        completion: Cell = None
        pace: Cell = None
        status: Cell = None
        if tr is not None:
            target = Fig(tr["target"], ind.unit, "targets", e, str(p), code, "target")
            completion = Fig(tr["completion"], "pct", "targets", e, str(p), code, "completion")
            pace = Fig(tr["pace"], "pct", "targets", e, str(p), code, "pace")
            zh, en = STATUS_LABELS.get(str(tr["status"]), (str(tr["status"]), str(tr["status"])))
            status = Text(zh, en)
        clause = clauses.get(code)
        test: Cell = None
        passed: Cell = None
        if clause is not None:
            tz, te = TEST_LABELS.get(clause.test, (clause.test, clause.test))
            test = Text(tz, te)
            passed = Text(verdict_label(clause.passed, "zh"), verdict_label(clause.passed, "en"))
        rows.append([ind_name(src, code), value, prior, change, target, completion, pace, status, test, passed])
    return rows


def _verdict_paragraph(ctx: Ctx, rules: Regime, verdict: Verdict | None) -> Paragraph:
    """The regime's target, how many of its requirements are met, missed or cannot be judged, and why."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    phrase = Text(verdict.phrase_zh, verdict.phrase_en) if verdict and verdict.phrase_zh else None
    intro_zh = f"{p.year}年考核执行「{rules.name_zh}」指标体系"
    intro_en = f"The year {p.year} is assessed on the regime “{rules.name_en}”"
    figs: list[Fig] = []
    if verdict is not None and verdict.clauses and phrase is not None:
        ok = [c for c in verdict.clauses if c.passed is True]
        bad = [c for c in verdict.clauses if c.passed is False]
        unk = [c for c in verdict.clauses if c.passed is None]

        overall = verdict_label(verdict.passed, "zh"), verdict_label(verdict.passed, "en")
        tally_zh = [f"{n}项{w}" for n, w in ((len(ok), "达到"), (len(bad), "未达到"), (len(unk), "无法判断")) if n]
        tally_en = [
            f"{n} {w}" for n, w in ((len(ok), "met"), (len(bad), "missed"), (len(unk), "cannot be judged")) if n
        ]
        n_all = len(verdict.clauses)
        whole = next((w for k, w in ((ok, "均已达到"), (bad, "均未达到"), (unk, "均无法判断")) if len(k) == n_all), "")
        zh = f"{intro_zh}，目标要求为「{phrase.zh}」。{nv.span(p, 'zh')}，{n_all}项要求" + (
            whole or "中" + "、".join(tally_zh)
        )
        en = (
            f"{intro_en}, with the target “{phrase.en}”. In {nv.span(p, 'en')}, of {len(verdict.clauses)} "
            "requirements " + nv.join(tally_en, "en")
        )
        if bad:
            parts_zh, parts_en = [], []
            for c in bad:
                f = ctx.main.fig(e, p, c.indicator, src.catalog.indicator(c.indicator).unit)
                figs.append(f)
                parts_zh.append(f"{src.catalog.indicator(c.indicator).name_zh}{nv.value_with_change(f, 'zh')}")
                parts_en.append(f"{nv.lc(src.catalog.indicator(c.indicator).name_en)} {nv.value_with_change(f, 'en')}")
            zh += "，未达到的是：" + "；".join(parts_zh)
            en += "; missed: " + "; ".join(parts_en)
        if unk:
            zh += "；无法判断的是" + "；".join(_unknown_clause(ctx, c, "zh") for c in unk)
            en += "; cannot be judged: " + "; ".join(_unknown_clause(ctx, c, "en") for c in unk)
        zh += f"。总体判定：{overall[0]}。"
        en += f". Overall: {overall[1]}."
        return Paragraph(Text(zh, en), tuple(figs))
    return Paragraph(
        Text(
            f"{intro_zh}；该年考核体系没有可逐项判定的目标规则。",
            f"{intro_en}; the year's regime has no target rule to judge clause by clause.",
        )
    )


def _projection_paragraph(ctx: Ctx, trows: dict[str, Any]) -> Paragraph | None:
    """Before December, the full-year projection of ``guozi targets`` (the earlier years' monthly
    profile, else linear): 「按时序进度预计全年，利润总额约 80.12亿元，完成全年目标的 101.3%……」,
    so a mid-year verdict is read against where the year is heading, not only the months so far."""
    p, e = ctx.period, ctx.entity
    if p.month == 12:
        return None
    parts_zh: list[str] = []
    parts_en: list[str] = []
    figs: list[Fig] = []
    for code in ctx.regime_codes:
        tr = trows.get(code)
        if tr is None or tr.get("projection") is None or tr.get("projected_completion") is None:
            continue
        ind = ctx.source.catalog.indicator(code)
        proj = Fig(tr["projection"], ind.unit, "targets", e, str(p), code, "projection")
        done = Fig(tr["projected_completion"], "pct", "targets", e, str(p), code, "projected_completion")
        figs += [proj, done]
        pc = nv.number(tr["projected_completion"], 1, "zh")
        parts_zh.append(f"{ind.name_zh}约{nv.fig_text(proj, 'zh')}，完成全年目标的{pc}%")
        parts_en.append(f"{nv.lc(ind.name_en)} about {nv.fig_text(proj, 'en')}, {pc}% of the annual target")
    if not parts_zh:
        return None
    return Paragraph(
        Text(
            "按时序进度预计全年（以往年度同期占全年比重推算，无历史数据时按线性外推）："
            + "；".join(parts_zh)
            + "。上述判定依据本年累计数，全年结论以年末数据为准。",
            "Projected to the year end (by the earlier years' share of the year reached by this month, "
            "else linearly): " + "; ".join(parts_en) + ". The verdict above is on the year to date; "
            "the year's is made on December's figures.",
        ),
        tuple(figs),
    )


def _unknown_clause(ctx: Ctx, clause: Any, lang: str) -> str:
    """Why a clause cannot be judged: the value, its base or the reference figure is missing."""
    ind = ctx.source.catalog.indicator(clause.indicator)
    name = pick(lang, ind.name_zh, nv.lc(ind.name_en))
    if clause.value is None:
        f = ctx.main.fig(ctx.entity, ctx.period, clause.indicator, ind.unit)
        return name + pick(lang, "", " ") + nv.missing(f.note_zh, f.note_en, lang)
    if clause.baseline is None and clause.test not in ("at_most", "at_least"):
        bp = clause.baseline_period or str(ctx.period.prior_year)
        if is_zh(lang):
            return f"{name}（缺数：{bp}的{ind.name_zh}，无从比较）"
        return f"{name} (missing: its {bp} value to compare with)"
    if clause.test == "growth_above_reference" and clause.reference is None:
        return pick(lang, f"{name}（缺数：GDP增速）", f"{name} (missing: GDP growth)")
    return pick(lang, f"{name}（{clause.reason_zh}）", f"{name} ({clause.reason_en})")
