"""EVA as output records: the wide rows, the breakdown step by step, the parameters in force, and
the columns that word them in Chinese or English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from guozi.analyses.eva.params import Entry
from guozi.analyses.eva.results import SUMMED, EvaReport, EvaRow
from guozi.kernel.money import UNITS
from guozi.kernel.text import Text, pick
from guozi.presentation.output import Column


def _unconfirmed_text(report: EvaReport, codes: Sequence[str], lang: str) -> str:
    described = {u.code: u.name(lang) for u in report.params.unconfirmed}
    params = {e.parameter: e for e in report.params.entries()}
    out = []
    for code in codes:
        if code in described:
            out.append(described[code])
        elif code in params:
            label = _STEP_LABELS.get(code, Text(code, code)).in_(lang)
            source = params[code].source_in(lang)
            out.append(pick(lang, f"{label}（{source}）", f"{label} ({source})"))
    return pick(lang, "；".join(out), "; ".join(out))


def unconfirmed_caption(report: EvaReport, lang: str) -> str:
    """One sentence naming every unconfirmed definition or parameter the report used ('' if none)."""
    codes = list(dict.fromkeys(u for r in report.rows for u in r.unconfirmed))
    if not codes:
        return ""
    text = _unconfirmed_text(report, codes, lang)
    return pick(lang, f"未经官方文本确认的口径：{text}", f"not confirmed by an official text: {text}")


# the columns of the wide records: every field of EvaRow but the texts given in one language there
EVA_FIELDS = tuple(
    f.name
    for f in fields(EvaRow)
    if f.name not in ("reduction_reason_zh", "reduction_reason_en", "unconfirmed", "note_zh", "note_en")
)
_STEP_LABELS: dict[str, Text] = {
    "entity_id": Text("企业/分组", "entity / group"),
    "name": Text("名称", "name"),
    "period": Text("期间", "period"),
    "view": Text("口径", "view"),
    "members": Text("成员企业", "members"),
    "months": Text("月数", "months"),
    "category": Text("企业类别", "category"),
    "industry": Text("行业", "industry"),
    "industry_class": Text("行业类别", "industry class"),
    "net_profit": Text("净利润", "net profit"),
    "interest_expense": Text("利息费用", "interest expense"),
    "rd_expense": Text("研发费用", "R&D expense"),
    "non_recurring_gain": Text("非经常性损益", "non-recurring gains"),
    "non_recurring_share": Text("非经常性损益调整比例", "non-recurring adjustment share"),
    "non_recurring_adjustment": Text("非经常性收益调整项", "non-recurring adjustment"),
    "tax_rate": Text("所得税税率", "tax rate"),
    "nopat_adjustment": Text("税后调整项", "adjustments after tax"),
    "nopat": Text("税后净营业利润", "NOPAT"),
    "avg_equity": Text("平均所有者权益", "average equity"),
    "avg_interest_bearing_debt": Text("平均带息负债", "average interest-bearing debt"),
    "avg_construction_in_progress": Text("平均在建工程", "average construction in progress"),
    "adjusted_capital": Text("调整后资本", "adjusted capital"),
    "cost_of_equity_base": Text("股权资本成本率（按类别）", "cost of equity by category"),
    "equity_cost_reduction": Text("股权资本成本率下浮", "cost of equity reduction"),
    "cost_of_equity": Text("股权资本成本率", "cost of equity"),
    "cost_of_debt": Text("债权资本成本率", "cost of debt"),
    "debt_weight": Text("带息负债权重", "debt weight"),
    "equity_weight": Text("所有者权益权重", "equity weight"),
    "weighted_cost": Text("加权平均资本成本率", "weighted cost of capital"),
    "debt_ratio": Text("资产负债率（期末）", "debt ratio (period end)"),
    "debt_ratio_opening": Text("资产负债率（年初）", "debt ratio (opening)"),
    "debt_rose": Text("资产负债率高于年初", "debt ratio rose"),
    "surcharge": Text("资产负债率上浮", "debt-ratio surcharge"),
    "cost_of_capital": Text("平均资本成本率", "average cost of capital"),
    "capital_charge": Text("资本成本", "capital charge"),
    "eva": Text("经济增加值", "EVA"),
    "unconfirmed": Text("未经确认的口径", "unconfirmed definitions"),
    "note": Text("说明", "note"),
    "tax_rate_param": Text("所得税税率", "tax rate"),
    "cost_of_debt_param": Text("债权资本成本率", "cost of debt"),
    "debt_surcharge": Text("资产负债率上浮", "debt-ratio surcharge"),
}
_PERCENT = {
    "non_recurring_share",
    "tax_rate",
    "cost_of_equity_base",
    "cost_of_equity",
    "cost_of_debt",
    "debt_weight",
    "equity_weight",
    "weighted_cost",
    "debt_ratio",
    "debt_ratio_opening",
    "cost_of_capital",
}
_PP = {"equity_cost_reduction", "surcharge"}
_TEXT = {
    "entity_id",
    "name",
    "period",
    "view",
    "members",
    "category",
    "industry",
    "industry_class",
    "debt_rose",
    "note",
}


def _unit(fld: str) -> str:
    if fld in _PERCENT:
        return "%"
    if fld in _PP:
        return "pp"
    if fld == "months":
        return ""
    return "" if fld in _TEXT else "元"


def eva_records(report: EvaReport, lang: str) -> list[dict[str, Any]]:
    """One wide record per entity or group, for :func:`guozi.presentation.output.emit` with :data:`EVA_COLUMNS`."""
    out = []
    for r in report.rows:
        rec: dict[str, Any] = {f: getattr(r, f) for f in EVA_FIELDS}
        rec["members"] = " ".join(r.members)
        rec["debt_rose"] = None if r.debt_rose is None else r.debt_rose
        rec["reduction_reason"] = pick(lang, r.reduction_reason_zh, r.reduction_reason_en)
        rec["unconfirmed"] = _unconfirmed_text(report, r.unconfirmed, lang)
        rec["note"] = r.note(lang)
        out.append(rec)
    return out


EVA_COLUMNS = [
    *[
        Column(f, *_STEP_LABELS[f], None, "left" if f in _TEXT else "right", money="always" if _unit(f) == "元" else "")
        for f in EVA_FIELDS
    ],
    Column("reduction_reason", "下浮原因", "reduction reason"),
    Column("unconfirmed", "未经确认的口径", "unconfirmed definitions"),
    Column("note", "说明", "note"),
]


def _wan(v: Any, r: Mapping[str, Any]) -> str:
    """Money to 2 decimals (already in the unit shown: emit converts it), rates to 4, for the table format."""
    if v is None:
        return "—"
    unit = r.get("unit", "元")
    if unit in UNITS:
        return f"{Decimal(v).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    if unit in ("%", "pp"):
        return f"{Decimal(v).quantize(Decimal('0.0001'), ROUND_HALF_UP)}"
    return str(v)


EVA_TABLE_COLUMNS = [
    Column("name", "企业/分组", "entity / group"),
    Column("nopat", "税后净营业利润", "NOPAT", lambda v, r: _wan(v, {"unit": "元"}), "right", money="always"),
    Column(
        "adjusted_capital",
        "调整后资本",
        "adjusted capital",
        lambda v, r: _wan(v, {"unit": "元"}),
        "right",
        money="always",
    ),
    Column(
        "cost_of_capital", "平均资本成本率（%）", "cost of capital (%)", lambda v, r: _wan(v, {"unit": "%"}), "right"
    ),
    Column(
        "capital_charge", "资本成本", "capital charge", lambda v, r: _wan(v, {"unit": "元"}), "right", money="always"
    ),
    Column("eva", "经济增加值", "EVA", lambda v, r: _wan(v, {"unit": "元"}), "right", money="always"),
    Column("note", "说明", "note"),
]

# the breakdown: (field, formula zh, formula en, parameter whose source applies)
_YTD = ("本年累计", "year to date")
_PARAMETER = ("参数", "parameter")
_AVERAGE = ("（年初 + 期末）/ 2", "(opening + closing) / 2")
_STEPS: tuple[tuple[str, str, str, str], ...] = (
    ("net_profit", *_YTD, ""),
    ("interest_expense", *_YTD, ""),
    ("rd_expense", "本年累计（费用化研发支出）", "year to date (expensed R&D)", ""),
    ("non_recurring_gain", *_YTD, ""),
    ("non_recurring_share", *_PARAMETER, "non_recurring_share"),
    ("non_recurring_adjustment", "非经常性损益 × 调整比例", "non-recurring gains × share", ""),
    ("tax_rate", *_PARAMETER, "tax_rate"),
    (
        "nopat_adjustment",
        "（利息费用 + 研发费用 − 非经常性收益调整项）×（1 − 税率）",
        "(interest + R&D − non-recurring adjustment) × (1 − tax rate)",
        "",
    ),
    ("nopat", "净利润 + 税后调整项", "net profit + adjustments after tax", ""),
    ("avg_equity", *_AVERAGE, ""),
    ("avg_interest_bearing_debt", *_AVERAGE, ""),
    ("avg_construction_in_progress", *_AVERAGE, ""),
    (
        "adjusted_capital",
        "平均所有者权益 + 平均带息负债 − 平均在建工程",
        "avg equity + avg interest-bearing debt − avg construction in progress",
        "adjusted_capital",
    ),
    ("cost_of_equity_base", "按企业类别", "by category", "cost_of_equity"),
    ("equity_cost_reduction", "军工、电力、农业企业下浮", "military, power and agriculture", "equity_cost_reduction"),
    ("cost_of_equity", "类别成本率 − 下浮", "by category − reduction", ""),
    ("cost_of_debt", *_PARAMETER, "cost_of_debt"),
    ("debt_weight", "D /（D + E）", "D / (D + E)", ""),
    ("equity_weight", "E /（D + E）", "E / (D + E)", ""),
    (
        "weighted_cost",
        "债权成本率 × D/(D+E) ×（1 − 税率）+ 股权成本率 × E/(D+E)",
        "cost of debt × D/(D+E) × (1 − tax) + cost of equity × E/(D+E)",
        "weighted_cost",
    ),
    ("debt_ratio", "负债合计 / 资产总计（期末）", "liabilities / assets (period end)", ""),
    ("debt_ratio_opening", "负债合计 / 资产总计（年初）", "liabilities / assets (opening)", ""),
    ("surcharge", "高于年初且达到行业档次时上浮", "when the ratio rose and reaches the band", "debt_surcharge"),
    ("cost_of_capital", "加权平均资本成本率 + 上浮", "weighted cost + surcharge", ""),
    ("months", "本年累计月数", "months year to date", "part_year"),
    (
        "capital_charge",
        "调整后资本 × 平均资本成本率 × 月数 / 12",
        "adjusted capital × cost of capital × months / 12",
        "",
    ),
    ("eva", "税后净营业利润 − 资本成本", "NOPAT − capital charge", ""),
)


def _step_record(
    r: EvaRow, step: str, value: Any, formula: str, source: str, confirmed: bool, lang: str
) -> dict[str, Any]:
    """One row of the breakdown: a step of ``r`` (or its note), with how it is worked out and from what."""
    return {
        "entity_id": r.entity_id,
        "name": r.name,
        "period": r.period,
        "step": step,
        "label": _STEP_LABELS[step].in_(lang),
        "value": value,
        "unit": _unit(step),
        "formula": formula,
        "source": source,
        "confirmed": confirmed,
        "mark": "" if confirmed else pick(lang, "未确认", "unconfirmed"),
    }


def breakdown_records(report: EvaReport, lang: str) -> list[dict[str, Any]]:
    """Every step of every row, long: for :data:`BREAKDOWN_COLUMNS` (the vertical table)."""
    entries = {e.parameter: e for e in report.params.entries()}
    described = {u.code: u for u in report.params.unconfirmed}
    out: list[dict[str, Any]] = []
    for r in report.rows:
        for fld, f_zh, f_en, param in _STEPS:
            value = getattr(r, fld)
            if r.view != "reported" and fld not in (*SUMMED, "cost_of_capital", "months"):
                continue
            formula = pick(lang, f_zh, f_en)
            if fld == "cost_of_capital" and r.view != "reported":
                formula = pick(lang, "Σ资本成本 /（Σ调整后资本 × 月数 / 12）", "Σ charge / (Σ capital × months / 12)")
            if fld == "equity_cost_reduction" and (r.reduction_reason_zh or r.reduction_reason_en):
                formula += pick(lang, f"：{r.reduction_reason_zh}", f": {r.reduction_reason_en}")
            if fld == "cost_of_equity_base" and r.category:
                formula += pick(lang, f"：{r.category}", f": {r.category}")
            if fld == "surcharge" and r.industry_class:
                formula += pick(lang, f"（{r.industry_class}）", f" ({r.industry_class})")
            source, confirmed = "", True
            if param in entries:
                e = entries[param]
                source = pick(lang, f"{e.source_in(lang)}（{e.year}）", f"{e.source} ({e.year})")
                confirmed = e.confirmed
            elif param in described:
                source, confirmed = described[param].name(lang), param not in r.unconfirmed
            if fld == "cost_of_debt" and entries["cost_of_debt"].method == "actual":
                formula = pick(
                    lang, "利息费用 / 平均带息负债 × 12 / 月数", "interest / avg interest-bearing debt × 12 / months"
                )
            out.append(_step_record(r, fld, value, formula, source, confirmed, lang))
        if r.note_zh:
            out.append(_step_record(r, "note", None, r.note(lang), "", True, lang))
    return out


BREAKDOWN_COLUMNS = [
    Column("entity_id", "企业/分组", "entity / group"),
    Column("name", "名称", "name"),
    Column("period", "期间", "period"),
    Column("step", "步骤代码", "step"),
    Column("label", "项目", "item"),
    Column("value", "数值", "value", _wan, "right", money="row"),
    Column("unit", "单位", "unit"),
    Column("formula", "计算方法", "how"),
    Column("source", "参数依据", "parameter source"),
    Column("confirmed", "已确认", "confirmed"),
    Column("mark", "标注", "mark"),
]


def parameter_records(report: EvaReport, lang: str) -> list[dict[str, Any]]:
    """The parameters in force for the report's year, each with its year and source."""
    yp = report.params
    out: list[dict[str, Any]] = []

    def add(e: Entry, key: str, value: Any, unit: str, detail: str = "") -> None:
        out.append(
            {
                "parameter": key,
                "label": _STEP_LABELS.get(e.parameter, Text(e.parameter, e.parameter)).in_(lang),
                "value": value,
                "unit": unit,
                "detail": detail,
                "year": e.year,
                "source": e.source_in(lang),
                "confirmed": e.confirmed,
                "note": e.note_in(lang),
            }
        )

    add(yp.tax_rate, "tax_rate", yp.tax_rate.value, "%")
    add(yp.non_recurring_share, "non_recurring_share", yp.non_recurring_share.value, "%")
    for cat, v in yp.cost_of_equity.values.items():
        add(yp.cost_of_equity, f"cost_of_equity.{cat}", v, "%")
    red = yp.equity_cost_reduction
    names = [f"{pick(lang, zh_name, en_name)} ({code})" for code, zh_name, en_name in red.industries]
    if red.attribute:
        names.append(f"{pick(lang, red.attribute_name_zh, red.attribute_name_en) or red.attribute} [{red.attribute}]")
    add(red, "equity_cost_reduction", red.value, "pp", pick(lang, "、", ", ").join(names))
    debt = yp.cost_of_debt
    add(debt, f"cost_of_debt.{debt.method}", debt.value, "%" if debt.value is not None else "")
    for cls, bands in yp.debt_surcharge.bands.items():
        for start, pp in bands:
            add(yp.debt_surcharge, f"debt_surcharge.{cls}", pp, "pp", f"≥ {start}%")
    for u in yp.unconfirmed:
        out.append(
            {
                "parameter": u.code,
                "label": u.name(lang),
                "value": None,
                "unit": "",
                "detail": "",
                "year": None,
                "source": "",
                "confirmed": False,
                "note": "",
            }
        )
    return out


PARAMETER_COLUMNS = [
    Column("parameter", "参数代码", "parameter"),
    Column("label", "参数", "label"),
    Column("value", "取值", "value", None, "right"),
    Column("unit", "单位", "unit"),
    Column("detail", "适用范围", "applies to"),
    Column("year", "起始年度", "from year", None, "right"),
    Column("source", "依据", "source"),
    Column("confirmed", "已确认", "confirmed"),
    Column("note", "备注", "note"),
]
