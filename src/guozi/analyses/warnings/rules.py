"""The warning rules: their kinds, parameters and severities, read from ``rules/warnings.yaml``.

A rule is data (kind, indicator, parameters, severity, source, the explaining sentence in
Chinese and English); a user's file given with ``--rules`` (or the ``warnings:`` section of a
catalogue file, :func:`guozi.catalog.params.layers`) replaces a rule of the same code.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from guozi.catalog.model import Catalog
from guozi.catalog.params import files_of, layers, param_decimal, text
from guozi.kernel.errors import CatalogError, NotFoundError
from guozi.kernel.text import pick

RULES_FILE = "rules/warnings.yaml"

KINDS: dict[str, tuple[str, ...]] = {  # kind -> the params it needs
    "debt_line": (),
    "debt_rising": ("line", "reference", "min_rise_pp"),
    "rise": ("reference", "min_rise_pp"),
    "below": ("threshold",),
    "above": ("threshold",),
    "consecutive": ("periods", "step", "threshold"),
    "loss_grew": ("min_increase_pct",),
    "sign_gap": ("positive",),
    "growth_gap": ("slow", "margin_pp"),
}
_COMMON = {"entity", "period", "indicator", "value", "threshold"}
_DEBT = {"line_name", "line", "baseline", "line_year", "industry", "industry_class", "warning_line", "supervision_line"}
PLACEHOLDERS: dict[str, set[str]] = {
    "debt_line": _COMMON | _DEBT,
    "debt_rising": _COMMON | _DEBT | {"reference", "reference_label", "change"},
    "rise": _COMMON | {"reference", "reference_label", "change"},
    "below": _COMMON,
    "above": _COMMON,
    "consecutive": _COMMON | {"n", "values"},
    "loss_grew": _COMMON | {"reference", "increase"},
    "sign_gap": _COMMON | {"positive", "negative", "positive_name", "negative_name"},
    "growth_gap": _COMMON | {"fast_name", "slow_name", "fast_growth", "slow_growth", "gap", "margin"},
}
REFERENCES = ("opening", "prior_year")
LEVELS = ("supervision", "warning")


@dataclass(frozen=True)
class Severity:
    """How serious a warning is."""

    code: str
    name_zh: str
    name_en: str
    rank: int

    def name(self, lang: str) -> str:
        """The severity's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)


@dataclass(frozen=True)
class Rule:
    """One warning rule: a kind of test with its parameters and its explaining sentence."""

    code: str
    kind: str
    indicator: str
    name_zh: str
    name_en: str
    severity: Mapping[str, str]  # level -> severity code; the key "" for rules with one level
    params: Mapping[str, Any]
    message_zh: str
    message_en: str
    source: str = ""
    confirmed: bool = True
    note: str = ""
    enabled: bool = True
    origin: str = ""

    def name(self, lang: str) -> str:
        """The rule's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)

    def indicators(self) -> list[str]:
        """Every indicator the rule reads."""
        codes = [self.indicator]
        for key in ("positive", "slow"):
            if key in self.params:
                codes.append(str(self.params[key]))
        return codes

    def decimal(self, key: str) -> Decimal:
        """A numeric parameter."""
        return param_decimal(self.params[key], f"{self.origin} {self.code}.params.{key}")

    def severity_for(self, level: str = "") -> str:
        """The severity code of ``level`` (or the rule's single severity)."""
        return self.severity.get(level) or self.severity.get("") or next(iter(self.severity.values()))


@dataclass(frozen=True)
class RuleSet:
    """The rules in force and the severities they use."""

    rules: tuple[Rule, ...]
    severities: Mapping[str, Severity]
    files: tuple[str, ...] = ()

    def enabled(self, only: Sequence[str] | None = None) -> list[Rule]:
        """The enabled rules (restricted to the codes ``only`` when given)."""
        if only:
            known = {r.code for r in self.rules}
            unknown = [c for c in only if c not in known]
            if unknown:
                raise NotFoundError(
                    f"未知预警规则：{', '.join(unknown)}", f"unknown warning rule(s): {', '.join(unknown)}"
                )
            return [r for r in self.rules if r.code in only]
        return [r for r in self.rules if r.enabled]

    def rank(self, code: str) -> int:
        """The rank of a severity (higher is more serious)."""
        return self.severities[code].rank


def _placeholders(template: str, where: str) -> set[str]:
    fields: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise CatalogError(f"{where}：消息模板无效：{exc}", f"{where}: bad message template: {exc}") from exc
    for _, name, spec, conv in parsed:
        if name is None:
            continue
        if not name or not name.isidentifier() or spec or conv:
            raise CatalogError(
                f"{where}：消息模板只能用 {{名称}} 形式的占位符：{{{name}}}",
                f"{where}: message placeholders must be plain {{name}}: {{{name}}}",
            )
        fields.add(name)
    return fields


def _rule(entry: Mapping[str, Any], where: str, severities: Mapping[str, Severity]) -> Rule:
    code = text(entry.get("code"))
    kind = text(entry.get("kind"))
    if not code:
        raise CatalogError(f"{where}：规则缺少 code", f"{where}: a rule lacks its code")
    at = f"{where}: {code}"
    if kind not in KINDS:
        raise CatalogError(
            f"{at}：未知的规则类型 {kind!r}（应为 {', '.join(KINDS)}）",
            f"{at}: unknown rule kind {kind!r} (one of {', '.join(KINDS)})",
        )
    params = _params(entry, at, kind)
    severity = _severity(entry, at, severities)
    messages = _messages(entry, at, kind)
    indicator = text(entry.get("indicator"))
    if not indicator:
        raise CatalogError(f"{at}：缺少 indicator", f"{at}: lacks its indicator")
    return Rule(
        code=code,
        kind=kind,
        indicator=indicator,
        name_zh=text(entry.get("name_zh")) or code,
        name_en=text(entry.get("name_en")) or code,
        severity=severity,
        params=params,
        message_zh=messages["zh"],
        message_en=messages["en"],
        source=text(entry.get("source")),
        confirmed=bool(entry.get("confirmed", True)),
        note=text(entry.get("note")),
        enabled=bool(entry.get("enabled", True)),
        origin=where,
    )


def _params(entry: Mapping[str, Any], at: str, kind: str) -> dict[str, Any]:
    """The rule's parameters: those its kind needs, each a number or one of the allowed words."""
    params = dict(entry.get("params") or {})
    missing = [k for k in KINDS[kind] if k not in params]
    if missing:
        raise CatalogError(f"{at}：缺少参数 {', '.join(missing)}", f"{at}: missing params {', '.join(missing)}")
    if "reference" in params and params["reference"] not in REFERENCES:
        raise CatalogError(
            f"{at}：reference 应为 opening 或 prior_year", f"{at}: reference must be opening or prior_year"
        )
    if "line" in params and params["line"] not in LEVELS:
        raise CatalogError(f"{at}：line 应为 warning 或 supervision", f"{at}: line must be warning or supervision")
    if kind == "consecutive" and params["step"] not in ("year", "month"):
        raise CatalogError(f"{at}：step 应为 year 或 month", f"{at}: step must be year or month")
    for k, v in params.items():
        if k not in ("reference", "line", "step", "positive", "slow"):
            param_decimal(v, f"{at} params.{k}")
    if kind == "consecutive" and int(param_decimal(params["periods"], f"{at} params.periods")) < 1:
        raise CatalogError(f"{at}：periods 至少为 1", f"{at}: periods must be at least 1")
    return params


def _severity(entry: Mapping[str, Any], at: str, severities: Mapping[str, Severity]) -> dict[str, str]:
    """The rule's severity by level ({"": code} for a rule with one level)."""
    raw_sev = entry.get("severity")
    severity: dict[str, str] = (
        {str(k): str(v) for k, v in raw_sev.items()} if isinstance(raw_sev, dict) else {"": str(raw_sev or "")}
    )
    for level, sev in severity.items():
        if sev not in severities:
            raise CatalogError(
                f"{at}：未知的严重程度 {sev!r}（应为 {', '.join(severities)}）",
                f"{at}: unknown severity {sev!r} (one of {', '.join(severities)})",
            )
        if level and level not in LEVELS:
            raise CatalogError(f"{at}：未知的级别 {level}", f"{at}: unknown level {level}")
    return severity


def _messages(entry: Mapping[str, Any], at: str, kind: str) -> dict[str, str]:
    """The explaining sentence in each language, with only the placeholders the kind fills."""
    messages = {}
    for lang in ("zh", "en"):
        message = text(entry.get(f"message_{lang}"))
        if not message:
            raise CatalogError(f"{at}：缺少 message_{lang}", f"{at}: lacks message_{lang}")
        unknown = _placeholders(message, at) - PLACEHOLDERS[kind]
        if unknown:
            raise CatalogError(
                f"{at}：message_{lang} 用了此类规则没有的占位符 {', '.join(sorted(unknown))}",
                f"{at}: message_{lang} uses placeholders this kind lacks: {', '.join(sorted(unknown))}",
            )
        messages[lang] = message
    return messages


def load_rules(extra: Sequence[Path] = (), *, catalog: Catalog | None = None) -> RuleSet:
    """The warning rules in :func:`~guozi.catalog.params.layers` (``extra``: ``--rules`` files): a
    rule replaces the one of the same code before it."""
    stack = layers(RULES_FILE, catalog=catalog, files=extra)
    docs = [(layer.origin, layer.doc) for layer in stack]
    severities: dict[str, Severity] = {}
    for p, doc in docs:
        for s in doc.get("severities") or []:
            code = text(s.get("code"))
            if not code:
                raise CatalogError(f"{p}：严重程度缺少 code", f"{p}: a severity lacks its code")
            severities[code] = Severity(
                code=code,
                name_zh=text(s.get("name_zh")) or code,
                name_en=text(s.get("name_en")) or code,
                rank=int(param_decimal(s.get("rank", 0), f"{p} severity {code} rank")),
            )
    rules: dict[str, Rule] = {}
    for p, doc in docs:
        for entry in doc.get("rules") or []:
            r = _rule(entry, str(p), severities)
            rules[r.code] = r
    return RuleSet(rules=tuple(rules.values()), severities=severities, files=files_of(stack))
