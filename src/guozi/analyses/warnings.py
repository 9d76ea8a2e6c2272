"""Risk warnings: debt lines, losses, cash, 两金 … each rule is data and explains itself.

The rules live in ``catalog/data/rules/warnings.yaml`` (kind, indicator, thresholds, severity,
source, the explaining sentence in Chinese and English) and the debt lines by industry and year
in ``catalog/data/params/debt_lines.yaml``; a user's files override both. This module only
implements the tests a rule's ``kind`` names. Every figure comes from the panel
(:meth:`Workspace.indicators`); a check that cannot be made is a :class:`Gap` saying what is
missing, never a silent pass.

The module is ``guozi.analyses.warnings``: inside the package every import is absolute, so it does not
shadow the standard library's ``warnings`` (only running a file of ``src/guozi`` as a script
would put this folder first on ``sys.path``).
"""

from __future__ import annotations

import copy
import csv
import functools
import itertools
import json
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple, cast

import pandas as pd
import yaml

from guozi.catalog import Catalog, Indicator, data_path, load_catalog
from guozi.catalog.load import SHIPPED
from guozi.engine.panel import Panel, View
from guozi.kernel.errors import CatalogError, NotFoundError
from guozi.kernel.periods import Period
from guozi.presentation.output import Column, exact_text
from guozi.workspace import Workspace

RISK_CATALOG = "eva_indicators.yaml"
RISK_INDICATORS = (
    "eva_interest_expense",
    "eva_rd_expense",
    "eva_non_recurring_gain",
    "eva_avg_equity",
    "eva_avg_interest_bearing_debt",
    "eva_avg_construction_in_progress",
    "debt_ratio_opening",
)
RULES_FILE = "rules/warnings.yaml"
DEBT_LINES_FILE = "params/debt_lines.yaml"
WARNING_VIEWS: tuple[View, ...] = ("reported", "children", "leaves")


# ---------------------------------------------------------------------------------------------
# shared with guozi.analyses.eva: files, the extended catalogue, industry classes and debt lines


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster
_PARSED: dict[tuple[str, int, int], dict[str, Any]] = {}


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping, or :class:`CatalogError` naming the file (parsed once per file version)."""
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key in _PARSED:
            return copy.deepcopy(_PARSED[key])
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"无法读取文件 {path}：{exc}", f"cannot read {path}: {exc}") from exc
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise CatalogError(f"文件 {path} 应为映射（键: 值）", f"{path} must be a mapping")
    _PARSED[key] = doc
    return copy.deepcopy(cast(dict[str, Any], doc))


def to_decimal(value: Any, where: str) -> Decimal:
    """``value`` as an exact decimal, or :class:`CatalogError` naming ``where``."""
    if isinstance(value, bool):
        raise CatalogError(f"{where} 不是数字：{value!r}", f"{where} is not a number: {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise CatalogError(f"{where} 不是数字：{value!r}", f"{where} is not a number: {value!r}") from None


def risk_workspace(ws: Workspace) -> Workspace:
    """``ws`` itself when its catalogue holds the helper indicators, else one over the same store.

    The helper catalogue ``eva_indicators.yaml`` is loaded after the shipped files and before the
    user's own files (so a user file can still override a helper's definition).
    """
    if all(code in ws.catalog.indicators for code in RISK_INDICATORS):
        return ws
    shipped = {str(data_path(n)) for n in SHIPPED}
    files = tuple(Path(f) for f in (str(data_path(RISK_CATALOG)), *ws.catalog.files) if f not in shipped)
    return ws.with_catalog(_extended_catalog(files, tuple(_version(f) for f in files)))


def _version(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _extended_catalog(files: tuple[Path, ...], versions: tuple[tuple[int, int], ...]) -> Catalog:
    """The shipped catalogue with ``files`` on top; cached by the files' versions (a Catalog is immutable)."""
    del versions  # part of the cache key only
    return load_catalog(list(files))


def attribute_text(value: Any) -> str:
    """An entity column's value as text, '' when blank."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


@dataclass(frozen=True)
class IndustryClass:
    """A class of industries with its own debt lines: industrial, research, non-industrial."""

    code: str
    name_zh: str
    name_en: str
    sections: tuple[str, ...]
    default: bool = False
    source: str = ""

    def name(self, lang: str) -> str:
        """The class's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class DebtLine:
    """The warning and key-supervision lines (%) of one industry key from one year on."""

    industry: str  # a class code, a section letter or a division code
    year: int
    baseline: Decimal | None
    warning: Decimal
    supervision: Decimal
    source: str
    confirmed: bool = True
    note: str = ""
    origin: str = ""


@dataclass(frozen=True)
class DebtLines:
    """Industry classes and the debt lines by industry and year."""

    classes: tuple[IndustryClass, ...]
    lines: tuple[DebtLine, ...]
    warning_pp: Decimal
    supervision_pp: Decimal
    files: tuple[str, ...] = ()

    def industry_class(self, industry: str | None) -> IndustryClass | None:
        """The class of a GB/T 4754 code (``None`` when the industry is unknown)."""
        code = (industry or "").strip().upper()
        if not code:
            return None
        for c in self.classes:
            if code[0] in c.sections:
                return c
        for c in self.classes:
            if c.default:
                return c
        return None

    def keys(self, industry: str | None) -> list[str]:
        """The keys an entity's lines may be given under, most specific first."""
        code = (industry or "").strip().upper()
        if not code:
            return []
        keys = [code]
        if len(code) > 3 and code[0].isalpha():
            keys.append(code[:3])
        if len(code) > 1 and code[0].isalpha():
            keys.append(code[0])
        cls = self.industry_class(code)
        if cls is not None:
            keys.append(cls.code)
        return list(dict.fromkeys(keys))

    def line_for(self, industry: str | None, year: int) -> DebtLine | None:
        """The lines that apply to ``industry`` in ``year``: most specific key, latest year."""
        for key in self.keys(industry):
            found = [ln for ln in self.lines if ln.industry.upper() == key.upper() and ln.year <= year]
            if found:
                return max(found, key=lambda ln: ln.year)
        return None


def _line(entry: Mapping[str, Any], where: str, warning_pp: Decimal, supervision_pp: Decimal) -> DebtLine:
    industry = attribute_text(entry.get("industry"))
    if not industry or entry.get("year") in (None, ""):
        raise CatalogError(f"{where}：每条基准线需要 industry 和 year", f"{where}: every line needs industry and year")
    try:
        year = int(str(entry["year"]))
    except ValueError:
        raise CatalogError(f"{where}：year 不是年份", f"{where}: year is not a year") from None
    baseline = None if entry.get("baseline") in (None, "") else to_decimal(entry["baseline"], f"{where} baseline")
    warn = None if entry.get("warning") in (None, "") else to_decimal(entry["warning"], f"{where} warning")
    sup = None if entry.get("supervision") in (None, "") else to_decimal(entry["supervision"], f"{where} supervision")
    if warn is None or sup is None:
        if baseline is None:
            raise CatalogError(
                f"{where}：{industry} {year} 需要 baseline，或 warning 与 supervision",
                f"{where}: {industry} {year} needs a baseline, or both warning and supervision",
            )
        warn = baseline + warning_pp if warn is None else warn
        sup = baseline + supervision_pp if sup is None else sup
    confirmed = entry.get("confirmed", True)
    return DebtLine(
        industry=industry,
        year=year,
        baseline=baseline,
        warning=warn,
        supervision=sup,
        source=attribute_text(entry.get("source")),
        confirmed=str(confirmed).strip().lower() not in ("false", "0", "no"),
        note=attribute_text(entry.get("note")),
        origin=where,
    )


def load_debt_lines(extra: Sequence[Path] = ()) -> DebtLines:
    """The shipped debt lines, then each user file (YAML like the shipped one, or CSV).

    A user entry replaces the shipped entry of the same industry key and year.
    """
    path = data_path(DEBT_LINES_FILE)
    doc = read_yaml(path)
    margins = doc.get("margins") or {}
    warning_pp = to_decimal(margins.get("warning_pp", ""), f"{path} margins.warning_pp")
    supervision_pp = to_decimal(margins.get("supervision_pp", ""), f"{path} margins.supervision_pp")
    classes: dict[str, IndustryClass] = {}
    entries: list[tuple[Mapping[str, Any], str]] = [(e, str(path)) for e in doc.get("baselines") or []]
    for c in doc.get("classes") or []:
        classes[str(c["code"])] = _class(c, str(path))
    files = [str(path)]
    for p in extra:
        files.append(str(p))
        if p.suffix.lower() == ".csv":
            try:
                with p.open(encoding="utf-8-sig", newline="") as fh:
                    entries.extend((row, f"{p}:{i}") for i, row in enumerate(csv.DictReader(fh), start=2))
            except OSError as exc:
                raise CatalogError(f"无法读取文件 {p}：{exc}", f"cannot read {p}: {exc}") from exc
            continue
        user = read_yaml(p)
        m = user.get("margins") or {}
        if "warning_pp" in m:
            warning_pp = to_decimal(m["warning_pp"], f"{p} margins.warning_pp")
        if "supervision_pp" in m:
            supervision_pp = to_decimal(m["supervision_pp"], f"{p} margins.supervision_pp")
        for c in user.get("classes") or []:
            classes[str(c["code"])] = _class(c, str(p))
        entries.extend((e, str(p)) for e in user.get("baselines") or [])
    lines: dict[tuple[str, int], DebtLine] = {}
    for entry, where in entries:
        ln = _line(entry, where, warning_pp, supervision_pp)
        lines[(ln.industry.upper(), ln.year)] = ln
    return DebtLines(
        classes=tuple(classes.values()),
        lines=tuple(lines.values()),
        warning_pp=warning_pp,
        supervision_pp=supervision_pp,
        files=tuple(files),
    )


def _class(entry: Mapping[str, Any], where: str) -> IndustryClass:
    code = attribute_text(entry.get("code"))
    if not code:
        raise CatalogError(f"{where}：行业类别缺少 code", f"{where}: an industry class lacks its code")
    return IndustryClass(
        code=code,
        name_zh=attribute_text(entry.get("name_zh")) or code,
        name_en=attribute_text(entry.get("name_en")) or code,
        sections=tuple(str(s).strip().upper() for s in entry.get("sections") or []),
        default=bool(entry.get("default", False)),
        source=attribute_text(entry.get("source")),
    )


# ---------------------------------------------------------------------------------------------
# rules

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
        return self.name_zh if lang == "zh" else self.name_en


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
        return self.name_zh if lang == "zh" else self.name_en

    def indicators(self) -> list[str]:
        """Every indicator the rule reads."""
        codes = [self.indicator]
        for key in ("positive", "slow"):
            if key in self.params:
                codes.append(str(self.params[key]))
        return codes

    def decimal(self, key: str) -> Decimal:
        """A numeric parameter."""
        return to_decimal(self.params[key], f"{self.origin} {self.code}.params.{key}")

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
    code = attribute_text(entry.get("code"))
    kind = attribute_text(entry.get("kind"))
    if not code:
        raise CatalogError(f"{where}：规则缺少 code", f"{where}: a rule lacks its code")
    at = f"{where}: {code}"
    if kind not in KINDS:
        raise CatalogError(
            f"{at}：未知的规则类型 {kind!r}（应为 {', '.join(KINDS)}）",
            f"{at}: unknown rule kind {kind!r} (one of {', '.join(KINDS)})",
        )
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
            to_decimal(v, f"{at} params.{k}")
    if kind == "consecutive" and int(to_decimal(params["periods"], f"{at} params.periods")) < 1:
        raise CatalogError(f"{at}：periods 至少为 1", f"{at}: periods must be at least 1")
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
    messages = {}
    for lang in ("zh", "en"):
        text = attribute_text(entry.get(f"message_{lang}"))
        if not text:
            raise CatalogError(f"{at}：缺少 message_{lang}", f"{at}: lacks message_{lang}")
        unknown = _placeholders(text, at) - PLACEHOLDERS[kind]
        if unknown:
            raise CatalogError(
                f"{at}：message_{lang} 用了此类规则没有的占位符 {', '.join(sorted(unknown))}",
                f"{at}: message_{lang} uses placeholders this kind lacks: {', '.join(sorted(unknown))}",
            )
        messages[lang] = text
    indicator = attribute_text(entry.get("indicator"))
    if not indicator:
        raise CatalogError(f"{at}：缺少 indicator", f"{at}: lacks its indicator")
    return Rule(
        code=code,
        kind=kind,
        indicator=indicator,
        name_zh=attribute_text(entry.get("name_zh")) or code,
        name_en=attribute_text(entry.get("name_en")) or code,
        severity=severity,
        params=params,
        message_zh=messages["zh"],
        message_en=messages["en"],
        source=attribute_text(entry.get("source")),
        confirmed=bool(entry.get("confirmed", True)),
        note=attribute_text(entry.get("note")),
        enabled=bool(entry.get("enabled", True)),
        origin=where,
    )


def load_rules(extra: Sequence[Path] = ()) -> RuleSet:
    """The shipped warning rules, then each user file: a rule with the same code replaces it."""
    files = [data_path(RULES_FILE), *extra]
    docs = [(p, read_yaml(p)) for p in files]
    severities: dict[str, Severity] = {}
    for p, doc in docs:
        for s in doc.get("severities") or []:
            code = attribute_text(s.get("code"))
            if not code:
                raise CatalogError(f"{p}：严重程度缺少 code", f"{p}: a severity lacks its code")
            severities[code] = Severity(
                code=code,
                name_zh=attribute_text(s.get("name_zh")) or code,
                name_en=attribute_text(s.get("name_en")) or code,
                rank=int(to_decimal(s.get("rank", 0), f"{p} severity {code} rank")),
            )
    rules: dict[str, Rule] = {}
    for p, doc in docs:
        for entry in doc.get("rules") or []:
            r = _rule(entry, str(p), severities)
            rules[r.code] = r
    return RuleSet(rules=tuple(rules.values()), severities=severities, files=tuple(str(f) for f in files))


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class RiskWarning:
    """One warning: which rule fired for which entity and period, with its figures and reason.

    ``value`` is the indicator's value, ``threshold`` the line it crossed and ``reference`` the
    figure it was compared with (the opening or prior-year value, the other growth …), all in
    ``unit``; ``figures`` holds every figure of the message, machine-readable.
    """

    entity_id: str
    name: str
    period: str
    rule: str
    rule_name_zh: str
    rule_name_en: str
    severity: str
    severity_rank: int
    indicator: str
    value: Decimal | float | None
    threshold: Decimal | float | None
    reference: Decimal | float | None
    unit: str
    message_zh: str
    message_en: str
    source: str
    confirmed: bool
    figures: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        """The explaining sentence in ``lang``."""
        return self.message_zh if lang == "zh" else self.message_en

    def rule_name(self, lang: str) -> str:
        """The rule's name in ``lang``."""
        return self.rule_name_zh if lang == "zh" else self.rule_name_en


@dataclass(frozen=True)
class Gap:
    """A check that could not be made, and why (a missing figure is never taken as zero)."""

    entity_id: str
    name: str
    period: str
    rule: str
    note_zh: str
    note_en: str

    def note(self, lang: str) -> str:
        """Why, in ``lang``."""
        return self.note_zh if lang == "zh" else self.note_en


@dataclass(frozen=True)
class WarningReport:
    """The warnings of a period, most serious first, and the checks that could not be made."""

    period: Period
    warnings: tuple[RiskWarning, ...]
    gaps: tuple[Gap, ...]
    rules: RuleSet
    lines: DebtLines

    def __iter__(self) -> Iterator[RiskWarning]:
        return iter(self.warnings)

    def __len__(self) -> int:
        return len(self.warnings)

    def frame(self) -> pd.DataFrame:
        """The warnings as a DataFrame (one row per warning)."""
        return pd.DataFrame([w.__dict__ for w in self.warnings])


# ---------------------------------------------------------------------------------------------
# display of figures inside messages

Fig = tuple[Any, str]  # (value, how to show it: a unit, "pp", "pct", "int", "text", "texts")
_FEN = Decimal("0.01")


def _round2(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(_FEN, ROUND_HALF_UP)


def show(value: Any, unit: str, lang: str) -> str:
    """A figure for a sentence: money in 万元 (zh) or million yuan (en), ratios to 2 decimals."""
    if value is None:
        return "—"
    zh = lang == "zh"
    if unit == "texts":
        return str(value[0] if zh else value[1])
    if unit in ("text", "int"):
        return str(value)
    if unit == "元":
        d = Decimal(value)
        return f"{_round2(d / 10000):,}万元" if zh else f"{_round2(d / 1_000_000):,} million yuan"
    if unit in ("%", "pct"):
        return f"{_round2(value)}%"
    if unit == "pp":
        return f"{_round2(value)}个百分点" if zh else f"{_round2(value)} pp"
    if unit == "倍":
        return f"{_round2(value)}倍" if zh else f"{_round2(value)}x"
    if unit == "人":
        return f"{Decimal(value):,.0f}人" if zh else f"{Decimal(value):,.0f} persons"
    return f"{_round2(value):,}{unit}" if zh else f"{_round2(value):,} {unit}"


def render(template: str, figures: Mapping[str, Fig], lang: str) -> str:
    """Fill a message template (plain ``{name}`` placeholders only) with shown figures."""
    out: list[str] = []
    for literal, name in _parsed(template):
        out.append(literal)
        if name is not None:
            fig = figures.get(name)
            out.append("—" if fig is None else show(fig[0], fig[1], lang))
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _parsed(template: str) -> tuple[tuple[str, str | None], ...]:
    """A template's (literal text, placeholder) pieces, parsed once."""
    return tuple((literal, name) for literal, name, _, _ in string.Formatter().parse(template))


def _machine(figures: Mapping[str, Fig]) -> dict[str, Any]:
    """The figures of a message as machine values: numbers, and codes for translated texts."""
    out: dict[str, Any] = {}
    for k, (v, unit) in figures.items():
        if unit == "texts":
            if len(v) > 2:
                out[k] = v[2]
        elif unit != "text":
            out[k] = v
    return out


# ---------------------------------------------------------------------------------------------
# evaluation


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class _Cell(NamedTuple):
    value: Any
    prior: Any
    growth: float | None
    note_zh: str
    note_en: str


class _Data:
    """The panel values a rule reads, looked up by (entity, period, indicator)."""

    def __init__(self, panels: Sequence[tuple[str, Panel]]) -> None:
        self.cells: dict[tuple[str, str, str, str], _Cell] = {}
        self._texts: dict[Period, str] = {}
        cells = self.cells
        for basis, panel in panels:
            f = panel.frame
            cols = {c: f[c].tolist() for c in ("entity_id", "period", "indicator", "value", "prior_value", "growth")}
            empty = f.growth.isna().tolist()
            growths = [None if e else float(g) for g, e in zip(cols["growth"], empty, strict=True)]
            keys = zip(
                itertools.repeat(basis),
                map(str, cols["entity_id"]),
                map(str, cols["period"]),
                map(str, cols["indicator"]),
            )
            values = zip(
                cols["value"],
                cols["prior_value"],
                growths,
                map(str, f.note_zh.tolist()),
                map(str, f.note_en.tolist()),
                strict=True,
            )
            # _Cell(*v) without its Python-level __new__: millions of cells for a large group
            cells.update(zip(keys, map(tuple.__new__, itertools.repeat(_Cell), values), strict=True))

    def get(self, key: str, period: Period | str, indicator: str, basis: str = "ytd") -> _Cell | None:
        if not isinstance(period, str):
            text = self._texts.get(period)
            if text is None:
                text = self._texts[period] = str(period)
            period = text
        return self.cells.get((basis, key, period, indicator))


_NO_ROW = ("没有数据", "no figures")


class _Check:
    """The evaluation of one rule for one entity: a warning, a gap or nothing."""

    def __init__(
        self,
        ws: Workspace,
        ruleset: RuleSet,
        r: Rule,
        data: _Data,
        lines: DebtLines,
        key: str,
        name: str,
        industry: str,
        period: Period,
    ) -> None:
        self.ws, self.rules, self.r, self.data, self.lines = ws, ruleset, r, data, lines
        self.key, self.name, self.industry, self.period = key, name, industry, period
        # the same for every entity: worked out once (a check is run for entity after entity)
        self._kind: Callable[[], RiskWarning | Gap | None] | None = None
        self._text = str(period)
        self._opening = period.opening
        self._opening_text = str(self._opening)
        self._decimals: dict[str, Decimal] = {}
        self._inds: dict[str, Indicator] = {}
        self._debts: dict[str, tuple[IndustryClass | None, DebtLine | None]] = {}
        self._consecutive: dict[tuple[int, str], list[tuple[Period, str]]] = {}  # with each period's text

    def at(self, key: str, name: str, industry: str) -> _Check:
        """The check of another entity."""
        self.key, self.name, self.industry = key, name, industry
        return self

    # helpers
    def _ind(self, code: str) -> Indicator:
        ind = self._inds.get(code)
        if ind is None:
            ind = self._inds[code] = self.ws.catalog.indicator(code)
        return ind

    def dec(self, key: str) -> Decimal:
        """The rule's numeric parameter ``key``."""
        d = self._decimals.get(key)
        if d is None:
            d = self._decimals[key] = self.r.decimal(key)
        return d

    def unit(self, code: str) -> str:
        return self._ind(code).unit

    def iname(self, code: str) -> tuple[str, str]:
        ind = self._ind(code)
        return (ind.name_zh, ind.name_en)

    def gap(self, zh: str, en: str) -> Gap:
        return Gap(self.key, self.name, self._text, self.r.code, zh, en)

    def missing(self, code: str, cell: _Cell | None, period: Period | None = None) -> Gap:
        nz, ne = (cell.note_zh, cell.note_en) if cell is not None else _NO_ROW
        iz, ie = self.iname(code)
        when_zh = f"（{period}）" if period is not None else ""
        when_en = f" ({period})" if period is not None else ""
        return self.gap(f"{iz}{when_zh}无法计算：{nz}", f"{ie}{when_en} cannot be computed: {ne}")

    def reference(self, code: str) -> tuple[Any, Fig, _Cell | None, Period | None]:
        """The reference value of ``code`` (opening or prior year) and its label."""
        ref = str(self.r.params["reference"])
        if ref == "opening":
            p = self._opening
            cell = self.data.get(self.key, self._opening_text, code)
            return (None if cell is None else cell.value), (("年初", "previous year end", ref), "texts"), cell, p
        cell = self.data.get(self.key, self._text, code)
        return (None if cell is None else cell.prior), (("上年同期", "same period last year", ref), "texts"), cell, None

    def warn(
        self,
        figures: dict[str, Fig],
        *,
        value: Any,
        threshold: Any,
        reference: Any = None,
        unit: str | None = None,
        level: str = "",
        line: DebtLine | None = None,
    ) -> RiskWarning:
        r = self.r
        source, confirmed = r.source, r.confirmed
        if line is not None:  # the line's own source and status travel with the warning
            source = f"{source}; {line.industry} {line.year}: {line.source}" if line.source else source
            confirmed = confirmed and line.confirmed
        figures = {
            "entity": (self.name, "text"),
            "period": (self._text, "text"),
            "indicator": ((*self.iname(r.indicator), r.indicator), "texts"),
            **figures,
        }
        sev = r.severity_for(level)
        return RiskWarning(
            entity_id=self.key,
            name=self.name,
            period=self._text,
            rule=r.code,
            rule_name_zh=r.name_zh,
            rule_name_en=r.name_en,
            severity=sev,
            severity_rank=self.rules.rank(sev),
            indicator=r.indicator,
            value=value,
            threshold=threshold,
            reference=reference,
            unit=unit or self.unit(r.indicator),
            message_zh=render(r.message_zh, figures, "zh"),
            message_en=render(r.message_en, figures, "en"),
            source=source,
            confirmed=confirmed,
            figures=_machine(figures),
        )

    def current(self) -> tuple[Any, _Cell | None]:
        cell = self.data.cells.get(("ytd", self.key, self._text, self.r.indicator))
        return (None if cell is None else cell.value), cell

    # kinds
    def run(self) -> RiskWarning | Gap | None:
        if self._kind is None:
            self._kind = cast(Callable[[], RiskWarning | Gap | None], getattr(self, f"k_{self.r.kind}"))
        return self._kind()

    def _debt(self) -> tuple[DebtLine | None, dict[str, Fig]]:
        found = self._debts.get(self.industry)
        if found is None:
            found = self._debts[self.industry] = (
                self.lines.industry_class(self.industry),
                self.lines.line_for(self.industry, self.period.year),
            )
        cls, line = found
        if cls is None or line is None:
            return None, {}
        return line, {
            "baseline": (line.baseline, "%"),
            "line_year": (line.year, "int"),
            "industry": (self.industry, "text"),
            "industry_class": ((cls.name_zh, cls.name_en, cls.code), "texts"),
            "warning_line": (line.warning, "%"),
            "supervision_line": (line.supervision, "%"),
        }

    def _no_line(self) -> Gap:
        if not self.industry:
            return self.gap(
                "企业未填行业（industry），无法确定资产负债率警戒线",
                "the entity has no industry, so no debt line applies",
            )
        return self.gap(
            f"没有行业 {self.industry} 在 {self.period.year} 年适用的资产负债率警戒线（可用 --debt-lines 加载）",
            f"no debt line for industry {self.industry} in {self.period.year} (load one with --debt-lines)",
        )

    @staticmethod
    def _level_name(level: str) -> Fig:
        names = ("重点监管线", "key-supervision line") if level == "supervision" else ("预警线", "warning line")
        return (*names, level), "texts"

    def k_debt_line(self) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        line, figs = self._debt()
        if line is None:
            return self._no_line()
        x = _dec(v)
        for level, limit in (("supervision", line.supervision), ("warning", line.warning)):
            if x > limit:
                figs |= {"value": (v, "%"), "line": (limit, "%"), "line_name": self._level_name(level)}
                figs["threshold"] = (limit, "%")
                return self.warn(figs, value=v, threshold=limit, level=level, line=line)
        return None

    def k_debt_rising(self) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        line, figs = self._debt()
        if line is None:
            return self._no_line()
        level = str(self.r.params["line"])
        limit = line.supervision if level == "supervision" else line.warning
        if _dec(v) <= limit:
            return None
        ref, label, rcell, rp = self.reference(self.r.indicator)
        if ref is None:
            return self.missing(self.r.indicator, rcell, rp)
        change = _dec(v) - _dec(ref)
        if change <= self.dec("min_rise_pp"):
            return None
        figs |= {
            "value": (v, "%"),
            "line": (limit, "%"),
            "line_name": self._level_name(level),
            "threshold": (limit, "%"),
            "reference": (ref, "%"),
            "reference_label": label,
            "change": (change, "pp"),
        }
        return self.warn(figs, value=v, threshold=limit, reference=ref, level=level, line=line)

    def k_rise(self) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        ref, label, rcell, rp = self.reference(self.r.indicator)
        if ref is None:
            return self.missing(self.r.indicator, rcell, rp)
        change = _dec(v) - _dec(ref)
        limit = self.dec("min_rise_pp")
        if change <= limit:
            return None
        unit = self.unit(self.r.indicator)
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "reference": (ref, unit),
            "reference_label": label,
            "change": (change, "pp" if unit == "%" else unit),
            "threshold": (limit, "pp" if unit == "%" else unit),
        }
        return self.warn(figs, value=v, threshold=limit, reference=ref)

    def _compare(self, below: bool) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        limit = self.dec("threshold")
        hit = _dec(v) < limit if below else _dec(v) > limit
        if not hit:
            return None
        unit = self.unit(self.r.indicator)
        return self.warn({"value": (v, unit), "threshold": (limit, unit)}, value=v, threshold=limit)

    def k_below(self) -> RiskWarning | Gap | None:
        return self._compare(below=True)

    def k_above(self) -> RiskWarning | Gap | None:
        return self._compare(below=False)

    def k_consecutive(self) -> RiskWarning | Gap | None:
        n = int(self.dec("periods"))
        step = str(self.r.params["step"])
        limit = self.dec("threshold")
        basis = "month" if step == "month" else "ytd"
        periods = self._consecutive.get((n, step))
        if periods is None:
            periods = self._consecutive[(n, step)] = [(p, str(p)) for p in consecutive_periods(self.period, n, step)]
        unit = self.unit(self.r.indicator)
        shown: list[tuple[Period, Any]] = []
        cells, key, code = self.data.cells, self.key, self.r.indicator
        for k, (p, text) in enumerate(periods):
            cell = cells.get((basis, key, text, code))
            v = None if cell is None else cell.value
            if v is None:
                return self.missing(self.r.indicator, cell, p if k else None)
            if _dec(v) >= limit:
                return None
            shown.append((p, v))
        shown.reverse()
        values_zh = "；".join(f"{p} {show(v, unit, 'zh')}" for p, v in shown)
        values_en = "; ".join(f"{p} {show(v, unit, 'en')}" for p, v in shown)
        first = shown[-1][1]
        figs: dict[str, Fig] = {
            "value": (first, unit),
            "threshold": (limit, unit),
            "n": (n, "int"),
            "values": ((values_zh, values_en), "texts"),
        }
        w = self.warn(figs, value=first, threshold=limit)
        return replace(w, figures={**w.figures, "values": {str(p): v for p, v in shown}})

    def k_loss_grew(self) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        if _dec(v) >= 0:
            return None
        prior = None if cell is None else cell.prior
        if prior is None:
            iz, ie = self.iname(self.r.indicator)
            return self.gap(f"缺少上年同期{iz}", f"no prior-year {ie}")
        if _dec(prior) >= 0:
            return None
        increase = (abs(_dec(v)) - abs(_dec(prior))) / abs(_dec(prior)) * 100
        limit = self.dec("min_increase_pct")
        if increase <= limit:
            return None
        unit = self.unit(self.r.indicator)
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "reference": (prior, unit),
            "increase": (increase, "pct"),
            "threshold": (limit, "pct"),
        }
        return self.warn(figs, value=v, threshold=Decimal(0), reference=prior)

    def k_sign_gap(self) -> RiskWarning | Gap | None:
        pos_code = str(self.r.params["positive"])
        pcell = self.data.get(self.key, self._text, pos_code)
        pos = None if pcell is None else pcell.value
        if pos is None:
            return self.missing(pos_code, pcell)
        if _dec(pos) <= 0:
            return None
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        if _dec(v) >= 0:
            return None
        unit = self.unit(self.r.indicator)
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "threshold": (Decimal(0), unit),
            "positive": (pos, self.unit(pos_code)),
            "negative": (v, unit),
            "positive_name": ((*self.iname(pos_code), pos_code), "texts"),
            "negative_name": ((*self.iname(self.r.indicator), self.r.indicator), "texts"),
        }
        return self.warn(figs, value=v, threshold=Decimal(0), reference=pos)

    def k_growth_gap(self) -> RiskWarning | Gap | None:
        slow_code = str(self.r.params["slow"])
        fcell = self.data.get(self.key, self._text, self.r.indicator)
        scell = self.data.get(self.key, self._text, slow_code)
        for code, c in ((self.r.indicator, fcell), (slow_code, scell)):
            if c is None or c.value is None:
                return self.missing(code, c)
            if c.growth is None:
                iz, ie = self.iname(code)
                return self.gap(
                    f"{iz}无同比增速（缺少上年同期数或上年同期为零）",
                    f"{ie} has no year-on-year growth (prior-year figure missing or zero)",
                )
        assert fcell is not None and scell is not None and fcell.growth is not None and scell.growth is not None
        fg, sg = _dec(fcell.growth), _dec(scell.growth)
        margin = self.dec("margin_pp")
        gap = fg - sg
        if gap <= margin:
            return None
        figs: dict[str, Fig] = {
            "value": (fcell.growth, "pct"),
            "threshold": (sg + margin, "pct"),
            "fast_name": ((*self.iname(self.r.indicator), self.r.indicator), "texts"),
            "slow_name": ((*self.iname(slow_code), slow_code), "texts"),
            "fast_growth": (fcell.growth, "pct"),
            "slow_growth": (scell.growth, "pct"),
            "gap": (gap, "pp"),
            "margin": (margin, "pp"),
        }
        return self.warn(figs, value=fcell.growth, threshold=sg + margin, reference=scell.growth, unit="%")


def consecutive_periods(period: Period, n: int, step: str) -> list[Period]:
    """``period`` and the ``n − 1`` before it, a year or a month apart, latest first."""
    months = 12 if step == "year" else 1
    return [period.shift(-months * k) for k in range(n)]


def selected_entities(ws: Workspace, period: Period, entity: str | None, subtree: bool) -> pd.DataFrame:
    """The tree's nodes valid in ``period``: all, or ``entity`` (and, with ``subtree``, below it)."""
    tree = ws.tree()
    nodes = tree.at(period)
    if entity is None:
        return nodes
    if entity not in set(tree.nodes.entity_id):
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    keep = set(tree.subtree(entity, period)) if subtree else {entity}
    return nodes[nodes.entity_id.isin(keep)]


def _reaching(panel: Panel, period: Period, r: Rule, ids: set[str] | None) -> set[str]:
    """The entities (of ``ids``) whose ``r.indicator`` at ``period`` is below the rule's threshold
    (or not a number): those whose consecutive-year check reads the years before."""
    f = panel.frame
    f = f[(f.period == str(period)) & (f.indicator == r.indicator)]
    limit = r.decimal("threshold")
    out: set[str] = set()
    for key, value in zip(map(str, f.entity_id), f.value, strict=True):
        if value is None or (ids is not None and key not in ids):
            continue
        try:
            below = bool(_dec(value) < limit)
        except (ArithmeticError, ValueError):
            below = True
        if below:
            out.add(key)
    return out


def evaluate_warnings(
    ws: Workspace,
    period: Period,
    *,
    entity: str | None = None,
    subtree: bool = True,
    view: View = "reported",
    rules: RuleSet | None = None,
    lines: DebtLines | None = None,
    only: Sequence[str] | None = None,
) -> WarningReport:
    """Every warning of ``period`` for every entity (or ``entity`` and, with ``subtree``, its subsidiaries).

    ``view`` is the panel's view: ``reported`` (each entity's own figures), ``children`` or
    ``leaves`` (the sum over its subsidiaries). ``rules`` and ``lines`` default to the shipped
    files; ``only`` restricts the check to those rule codes.
    """
    if view not in WARNING_VIEWS:
        raise NotFoundError(
            f"预警只支持 reported、children、leaves 口径，不支持 {view}",
            f"warnings support the views reported, children and leaves, not {view}",
        )
    rules = rules if rules is not None else load_rules()
    lines = lines if lines is not None else load_debt_lines()
    active = rules.enabled(only)
    rws = risk_workspace(ws)
    nodes = selected_entities(rws, period, entity, subtree)
    if nodes.empty or not active:
        return WarningReport(period, (), (), rules, lines)

    codes = list(dict.fromkeys(c for r in active for c in r.indicators()))
    for c in codes:
        rws.catalog.indicator(c)  # an unknown indicator is named before anything runs
    ytd_periods = {period}
    monthly: dict[str, set[Period]] = {}
    yearly: list[tuple[Rule, list[Period]]] = []
    at_opening: dict[str, None] = {}  # the indicators read at the prior year end
    for r in active:
        if r.params.get("reference") == "opening":
            ytd_periods.add(period.opening)
            at_opening[r.indicator] = None
        if r.kind == "consecutive":
            ps = consecutive_periods(period, int(r.decimal("periods")), str(r.params["step"]))
            if r.params["step"] == "year":
                yearly.append((r, ps))
            else:
                monthly.setdefault(r.indicator, set()).update(ps)
    panels: list[tuple[str, Panel]]
    if view == "reported":
        # A row of the reported view is one entity's own figures, the same in any panel holding
        # it, so only what the rules read is computed: every indicator at the period; at the prior
        # year end the indicators compared with it; the earlier years of a consecutive-year rule
        # for the entities whose latest figure is below its threshold (the others stop there);
        # and all of it for the entities checked alone when they are a small part of the tree.
        ids: set[str] | None = None
        if entity is not None and 2 * nodes.entity_id.nunique() <= rws.tree().at(period).entity_id.nunique():
            ids = set(nodes.entity_id)
        panels = [("ytd", rws.indicators([period], indicators=codes, prior=True, entities=ids))]
        if at_opening:
            opening = rws.indicators([period.opening], indicators=list(at_opening), prior=True, entities=ids)
            panels.append(("ytd", opening))
        for r, ps in yearly:
            reach = _reaching(panels[0][1], period, r, ids) if ps[1:] else set()
            if reach:
                panels.append(("ytd", rws.indicators(ps[1:], indicators=[r.indicator], prior=True, entities=reach)))
    else:
        ids = None
        for _, ps in yearly:
            ytd_periods.update(ps)
        panels = [("ytd", rws.indicators(sorted(ytd_periods), indicators=codes, view=view, prior=True))]
    for code, months in monthly.items():
        panels.append(
            (
                "month",
                rws.indicators(sorted(months), indicators=[code], view=view, basis="month", prior=False, entities=ids),
            )
        )
    data = _Data(panels)

    keys = set(panels[0][1].frame.entity_id[panels[0][1].frame.period == str(period)])
    found: list[RiskWarning] = []
    gaps: list[Gap] = []
    checks = [_Check(rws, rules, r, data, lines, "", "", "", period) for r in active]
    ordered = nodes.sort_values("entity_id")
    entity_ids = [str(e) for e in ordered.entity_id]
    names = ordered["name"].tolist() if "name" in ordered.columns else entity_ids
    industries = ordered["industry"].tolist() if "industry" in ordered.columns else [""] * len(ordered)
    for key, raw_name, raw_industry in zip(entity_ids, names, industries, strict=True):
        if key not in keys:
            continue
        name = attribute_text(raw_name) or key
        industry = attribute_text(raw_industry)
        for check in checks:
            out = check.at(key, name, industry).run()
            if isinstance(out, RiskWarning):
                found.append(out)
            elif isinstance(out, Gap):
                gaps.append(out)
    found.sort(key=lambda w: (-w.severity_rank, w.entity_id, w.rule))
    return WarningReport(period, tuple(found), tuple(gaps), rules, lines)


# ---------------------------------------------------------------------------------------------
# output records


def figures_json(value: Any) -> str:
    """The figures as JSON text, numbers exact (a Decimal is written as an exact JSON number)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {figures_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return exact_text(value) or "null"
    return json.dumps(value, ensure_ascii=False)


def warning_records(report: WarningReport, lang: str) -> list[dict[str, Any]]:
    """One record per warning, for :func:`guozi.presentation.output.emit` with :data:`WARNING_COLUMNS`."""
    return [
        {
            "entity_id": w.entity_id,
            "name": w.name,
            "period": w.period,
            "rule": w.rule,
            "rule_name": w.rule_name(lang),
            "severity": w.severity,
            "severity_name": report.rules.severities[w.severity].name(lang),
            "indicator": w.indicator,
            "value": w.value,
            "threshold": w.threshold,
            "reference": w.reference,
            "unit": w.unit,
            "message": w.message(lang),
            "figures": figures_json(w.figures),
            "source": w.source,
            "confirmed": w.confirmed,
        }
        for w in report.warnings
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
    Column("rule_name", "规则", "rule name"),
    Column("severity", "严重程度代码", "severity"),
    Column("severity_name", "严重程度", "severity name"),
    Column("indicator", "指标", "indicator"),
    Column("value", "本期值", "value", None, "right"),
    Column("threshold", "阈值", "threshold", None, "right"),
    Column("reference", "比较值", "reference", None, "right"),
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
