"""The loss-makers' output records: codes kept, labels in the chosen language beside them."""

from __future__ import annotations

from typing import Any

from guozi.analyses.losses.compute import LossReport
from guozi.analyses.losses.criterion import BLANK_GROUP
from guozi.kernel.text import Text, is_zh, pick

STATUS_LABELS: dict[str, Text] = {
    "continuing": Text("持续亏损", "still loss-making"),
    "new": Text("新增亏损", "newly loss-making"),
    "turned_around": Text("扭亏", "turned around"),
    "loss": Text("亏损（上年无数据）", "loss-making (no prior value)"),
    "profit": Text("盈利", "profitable"),
    "missing": Text("缺数", "no value"),
}


def level_label(level: int, lang: str) -> str:
    """第1级 / level 1."""
    return pick(lang, f"第{level}级", f"level {level}")


def group_label(group: str, lang: str) -> str:
    """A group value, or (未填)/(blank) for entities without one."""
    if group != BLANK_GROUP:
        return group
    return pick(lang, "（未填）", "(blank)")


def loss_summary_rows(report: LossReport, lang: str) -> list[dict[str, Any]]:
    """The group rows as output records."""
    rows: list[dict[str, Any]] = []
    for r in report.groups.to_dict("records"):
        rec = {str(k): v for k, v in r.items()}
        rec["level_label"] = level_label(int(r["level"]), lang)
        rec["group_label"] = group_label(str(r["group"]), lang) if report.by else ""
        rows.append(rec)
    return rows


def loss_entity_rows(report: LossReport, lang: str) -> list[dict[str, Any]]:
    """The entity rows as output records, status in ``lang`` beside its code."""
    rows: list[dict[str, Any]] = []
    for r in report.entities.to_dict("records"):
        rec = {str(k): v for k, v in r.items()}
        rec["status_label"] = STATUS_LABELS[str(r["status"])].in_(lang)
        rec["level_label"] = level_label(int(r["level"]), lang)
        rec["group_label"] = group_label(str(r["group"]), lang) if report.by else ""
        rows.append(rec)
    return rows


def missing_note(report: LossReport, lang: str, limit: int = 10) -> str:
    """A sentence naming the entities in scope without a value (missing is not zero)."""
    if not report.missing:
        return ""
    shown = ", ".join(report.missing[:limit]) + (" …" if len(report.missing) > limit else "")
    if is_zh(lang):
        return f"{len(report.missing)} 家企业本期无数据，未计入亏损或盈利：{shown}"
    return f"{len(report.missing)} entities have no value for the period and are counted neither way: {shown}"
