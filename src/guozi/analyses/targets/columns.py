"""The targets' and verdicts' output records: codes kept, labels and notes in the chosen language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from guozi.analyses.source import Source
from guozi.analyses.targets.progress import TargetReport
from guozi.analyses.targets.verdict import Verdict
from guozi.kernel.text import Text, pick

STATUS_LABELS: dict[str, Text] = {
    "ahead": Text("快于序时进度", "ahead of pace"),
    "behind": Text("慢于序时进度", "behind pace"),
    "met": Text("达标", "met"),
    "not_met": Text("未达标", "not met"),
    "unknown": Text("无法判断", "cannot tell"),
}
METHOD_LABELS: dict[str, Text] = {
    "actual": Text("全年实际", "full-year actual"),
    "profile": Text("以往年度月度进度", "earlier years' profile"),
    "linear": Text("线性外推", "linear"),
    "none": Text("不外推", "not projected"),
}


def _label(labels: Mapping[str, Text], code: str, lang: str) -> str:
    return labels.get(code, Text(code, code)).in_(lang)


def target_rows(report: TargetReport, source: Source, lang: str) -> list[dict[str, Any]]:
    """The report's rows as output records (codes kept, labels and notes in ``lang``)."""
    rows: list[dict[str, Any]] = []
    for r in report.frame.to_dict("records"):
        rec = {str(k): v for k, v in r.items() if k not in ("note_zh", "note_en")}
        rec["note"] = pick(lang, r["note_zh"], r["note_en"])
        rec["indicator_name"] = source.catalog.indicator(str(r["indicator"])).name(lang)
        rec["status_label"] = _label(STATUS_LABELS, str(r["status"]), lang)
        rec["method_label"] = _label(METHOD_LABELS, str(r["method"]), lang)
        rows.append(rec)
    return rows


TEST_LABELS: dict[str, Text] = {
    "growth_above_reference": Text("增速高于GDP增速", "growth above GDP growth"),
    "at_most": Text("不高于上限", "at most"),
    "at_least": Text("不低于下限", "at least"),
    "stable": Text("基本稳定", "stable"),
    "increase": Text("同比改善", "improve year on year"),
    "change_at_least": Text("改善不少于", "improve by at least"),
    "growth_at_least": Text("增速不低于", "grow at least"),
}
PASS_LABELS: dict[str, Text] = {
    "True": Text("通过", "pass"),
    "False": Text("未通过", "fail"),
    "None": Text("无法判断", "cannot tell"),
}


def verdict_label(passed: bool | None, lang: str) -> str:
    """通过 / 未通过 / 无法判断 (pass / fail / cannot tell)."""
    return _label(PASS_LABELS, str(passed), lang)


def verdict_rows(verdicts: Sequence[Verdict], source: Source, lang: str) -> list[dict[str, Any]]:
    """One record per (entity, clause), the entity's overall verdict on each."""
    rows: list[dict[str, Any]] = []
    for v in verdicts:
        common = {
            "entity_id": v.entity_id,
            "name": v.name,
            "period": str(v.period),
            "regime": v.regime,
            "target_phrase": v.phrase(lang),
            "overall": v.passed,
            "overall_label": verdict_label(v.passed, lang),
        }
        if not v.clauses:
            rows.append(
                {
                    **common,
                    "clause": None,
                    "reason": pick(lang, "该年考核体系没有目标规则", "the year's regime has no target rule"),
                }
            )
            continue
        for i, c in enumerate(v.clauses, start=1):
            rows.append(
                {
                    **common,
                    "clause": i,
                    "indicator": c.indicator,
                    "indicator_name": source.catalog.indicator(c.indicator).name(lang),
                    "test": c.test,
                    "test_label": _label(TEST_LABELS, c.test, lang),
                    "unit": c.unit,
                    "value": c.value,
                    "baseline": c.baseline,
                    "baseline_period": c.baseline_period,
                    "change": c.change,
                    "growth": c.growth,
                    "threshold": c.threshold,
                    "reference": c.reference,
                    "reference_period": c.reference_period,
                    "reference_source": c.reference_source,
                    "passed": c.passed,
                    "passed_label": verdict_label(c.passed, lang),
                    "reason": c.reason(lang),
                }
            )
    return rows
