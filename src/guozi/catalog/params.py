"""The analyses' parameter files: one reader, and the debt lines shared by the warnings and EVA.

A parameter file is a YAML mapping shipped in ``catalog/data`` (``params/*.yaml``,
``rules/*.yaml``); a user's own file, given on the command line, is read after it and replaces
its entries key by key (:func:`load_debt_lines`, :func:`guozi.analyses.warnings.load_rules`,
:func:`guozi.analyses.eva.load_eva_params`). :func:`read_yaml` reads one file, parsed once per
version of the file; :func:`param_decimal` and :func:`text` read its values.
"""

from __future__ import annotations

import copy
import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

import yaml

from guozi.catalog.load import data_path
from guozi.kernel.errors import CatalogError

__all__ = [
    "DEBT_LINES_FILE",
    "DebtLine",
    "DebtLines",
    "IndustryClass",
    "load_debt_lines",
    "param_decimal",
    "read_yaml",
    "text",
]

DEBT_LINES_FILE = "params/debt_lines.yaml"

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


def param_decimal(value: Any, where: str) -> Decimal:
    """``value`` as an exact decimal, or :class:`CatalogError` naming ``where``."""
    if isinstance(value, bool):
        raise CatalogError(f"{where} 不是数字：{value!r}", f"{where} is not a number: {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise CatalogError(f"{where} 不是数字：{value!r}", f"{where} is not a number: {value!r}") from None


def text(value: Any) -> str:
    """A value of a file or an entity column as text, '' when blank (None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
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
    industry = text(entry.get("industry"))
    if not industry or entry.get("year") in (None, ""):
        raise CatalogError(f"{where}：每条基准线需要 industry 和 year", f"{where}: every line needs industry and year")
    try:
        year = int(str(entry["year"]))
    except ValueError:
        raise CatalogError(f"{where}：year 不是年份", f"{where}: year is not a year") from None
    baseline = None if entry.get("baseline") in (None, "") else param_decimal(entry["baseline"], f"{where} baseline")
    warn = None if entry.get("warning") in (None, "") else param_decimal(entry["warning"], f"{where} warning")
    sup = (
        None if entry.get("supervision") in (None, "") else param_decimal(entry["supervision"], f"{where} supervision")
    )
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
        source=text(entry.get("source")),
        confirmed=str(confirmed).strip().lower() not in ("false", "0", "no"),
        note=text(entry.get("note")),
        origin=where,
    )


def load_debt_lines(extra: Sequence[Path] = ()) -> DebtLines:
    """The shipped debt lines, then each user file (YAML like the shipped one, or CSV).

    A user entry replaces the shipped entry of the same industry key and year.
    """
    path = data_path(DEBT_LINES_FILE)
    doc = read_yaml(path)
    margins = doc.get("margins") or {}
    warning_pp = param_decimal(margins.get("warning_pp", ""), f"{path} margins.warning_pp")
    supervision_pp = param_decimal(margins.get("supervision_pp", ""), f"{path} margins.supervision_pp")
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
            warning_pp = param_decimal(m["warning_pp"], f"{p} margins.warning_pp")
        if "supervision_pp" in m:
            supervision_pp = param_decimal(m["supervision_pp"], f"{p} margins.supervision_pp")
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
    code = text(entry.get("code"))
    if not code:
        raise CatalogError(f"{where}：行业类别缺少 code", f"{where}: an industry class lacks its code")
    return IndustryClass(
        code=code,
        name_zh=text(entry.get("name_zh")) or code,
        name_en=text(entry.get("name_en")) or code,
        sections=tuple(str(s).strip().upper() for s in entry.get("sections") or []),
        default=bool(entry.get("default", False)),
        source=text(entry.get("source")),
    )
