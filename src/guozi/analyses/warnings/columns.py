"""The warnings as output records and the columns that word them, in Chinese or English."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from guozi.analyses.warnings.results import WarningReport
from guozi.presentation.output import Column, exact_text


def figures_json(value: Any) -> str:
    """The figures as JSON text, numbers exact (a Decimal is written as an exact JSON number)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {figures_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return exact_text(value) or "null"
    return json.dumps(value, ensure_ascii=False)


def warning_records(report: WarningReport, lang: str) -> list[dict[str, Any]]:
    """One record per warning, for :func:`guozi.presentation.output.emit` with :data:`WARNING_COLUMNS`:
    the warnings about one entity, period and indicator merged into one (:meth:`WarningReport.merged`),
    read as the most serious of them, every rule code in ``rules`` and their findings in one sentence."""
    return [
        {
            "entity_id": w.entity_id,
            "name": w.name,
            "period": w.period,
            "rule": w.rule,
            "rules": list(w.rules),
            "rule_name": w.rule_name(lang),
            "severity": w.severity,
            "severities": list(w.severities),
            "severity_name": report.rules.severities[w.severity].name(lang),
            "indicator": w.indicator,
            "value": w.value,
            "threshold": w.threshold,
            "reference": w.reference,
            "unit": w.unit,
            "message": w.message(lang),
            "figures": figures_json(w.figures),
            "source": w.sources(lang),
            "confirmed": w.confirmed,
        }
        for w in report.merged()
    ]


def gap_records(report: WarningReport, lang: str) -> list[dict[str, Any]]:
    """One record per check that could not be made, with :data:`GAP_COLUMNS`."""
    names = {r.code: r.name(lang) for r in report.rules.rules}
    return [
        {
            "entity_id": g.entity_id,
            "name": g.name,
            "period": g.period,
            "rule": g.rule,
            "rule_name": names.get(g.rule, g.rule),
            "note": g.note(lang),
        }
        for g in report.gaps
    ]


WARNING_COLUMNS = [
    Column("entity_id", "企业代码", "entity"),
    Column("name", "企业", "name"),
    Column("period", "期间", "period"),
    Column("rule", "规则代码", "rule"),
    Column("rules", "全部规则代码", "all rule codes"),
    Column("rule_name", "规则", "rule name"),
    Column("severity", "严重程度代码", "severity"),
    Column("severities", "各规则严重程度代码", "each rule's severity"),
    Column("severity_name", "严重程度", "severity name"),
    Column("indicator", "指标", "indicator"),
    Column("value", "本期值", "value", None, "right", money="row"),
    Column("threshold", "阈值", "threshold", None, "right", money="row"),
    Column("reference", "比较值", "reference", None, "right", money="row"),
    Column("unit", "单位", "unit"),
    Column("message", "说明", "explanation"),
    Column("figures", "数据", "figures"),
    Column("source", "依据", "source"),
    Column("confirmed", "依据已确认", "source confirmed"),
]
WARNING_TABLE_KEYS = ("name", "severity_name", "rule_name", "message")
GAP_COLUMNS = [
    Column("entity_id", "企业代码", "entity"),
    Column("name", "企业", "name"),
    Column("period", "期间", "period"),
    Column("rule", "规则代码", "rule"),
    Column("rule_name", "规则", "rule name"),
    Column("note", "无法判断的原因", "why it cannot be checked"),
]
