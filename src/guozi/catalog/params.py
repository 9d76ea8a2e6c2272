"""The one loader of the catalogue's parameter files, its override rule, and the debt lines shared
by the warnings and EVA.

A parameter file is a YAML mapping shipped in ``catalog/data`` (``params/*.yaml``,
``rules/*.yaml``; the report's layout beside the report). Whatever overrides it is read in
:func:`layers`, always in the same order, each layer replacing what it names in the ones before:

1. the shipped file;
2. the user's catalogue files (``--catalog``, else ``$GUOZI_CATALOG``), in order, each by its
   section for that file (:data:`SECTIONS`: ``targets:``, ``losses:``, ``debt_lines:`` …);
3. the files of the command's own option for that file (``--debt-lines``, ``--rules``,
   ``--params``, ``--sizes``), in the order given.

What a layer replaces is the file's key: a warning rule by its code, a debt line by industry
and year, an EVA parameter by year, and a mapping key by key (:func:`merge`). Files are read by
:func:`guozi.catalog.files.read_yaml` only; :func:`param_decimal` and :func:`text` read values.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guozi.catalog.files import data_path, read_yaml, user_files
from guozi.kernel.errors import CatalogError
from guozi.kernel.text import pick

if TYPE_CHECKING:
    from guozi.catalog.model import Catalog

__all__ = [
    "DEBT_LINES_FILE",
    "SECTIONS",
    "WRAPPED",
    "DebtLine",
    "DebtLines",
    "IndustryClass",
    "Layer",
    "files_of",
    "layers",
    "load_debt_lines",
    "load_section",
    "merge",
    "param_decimal",
    "read_yaml",
    "text",
]

DEBT_LINES_FILE = "params/debt_lines.yaml"

# Where a user's catalogue file overrides each parameter file. A file made of sections (targets.yaml:
# targets and verdict) is overridden section by section, under the same keys; any other file under
# one key named after it (``debt_lines:``), holding what the file itself holds.
SECTIONS: dict[str, tuple[str, ...]] = {
    "params/targets.yaml": ("targets", "verdict"),
    "params/losses.yaml": ("losses",),
    "params/consolidation.yaml": ("consolidation",),
    "params/review.yaml": ("review",),
    "report.yaml": ("report",),
}
WRAPPED: dict[str, str] = {
    DEBT_LINES_FILE: "debt_lines",
    "rules/warnings.yaml": "warnings",
    "params/eva.yaml": "eva",
    "params/benchmark.yaml": "benchmark",
    "params/size_classes.yaml": "size_classes",
}


@dataclass(frozen=True)
class Layer:
    """One document of a parameter file's layers, from ``file`` (at ``where`` in it: a section, a row)."""

    file: str
    doc: dict[str, Any]
    where: str = ""

    @property
    def origin(self) -> str:
        """Where the document comes from, for messages: ``file``, ``file#section``, ``file:row``."""
        return f"{self.file}{self.where}"


def files_of(stack: Sequence[Layer]) -> tuple[str, ...]:
    """The files a parameter file was read from, each once, in order."""
    return tuple(dict.fromkeys(layer.file for layer in stack))


def _yaml_layers(path: Path) -> list[Layer]:
    return [Layer(str(path), read_yaml(path))]


def layers(
    name: str,
    *,
    catalog: Catalog | None = None,
    files: Sequence[Path] = (),
    shipped: Path | None = None,
    read: Callable[[Path], list[Layer]] = _yaml_layers,
) -> list[Layer]:
    """The documents that make up parameter file ``name`` (under ``catalog/data``, or ``shipped``),
    in the order they apply: the shipped file, the sections of the user's catalogue files of
    ``catalog``, then ``files`` (each read by ``read``; YAML by default)."""
    path = shipped or data_path(name)
    out = [Layer(str(path), read_yaml(path))]
    for own in user_files(catalog) if catalog is not None else ():
        doc = read_yaml(own)
        if name in WRAPPED and isinstance(doc.get(WRAPPED[name]), Mapping):
            out.append(Layer(str(own), dict(doc[WRAPPED[name]]), f"#{WRAPPED[name]}"))
        picked = {s: doc[s] for s in SECTIONS.get(name, ()) if isinstance(doc.get(s), Mapping)}
        if picked:
            out.append(Layer(str(own), picked, "#" + ",".join(picked)))
    for p in files:
        out.extend(read(Path(p)))
    return out


def merge(base: Mapping[str, Any], over: Mapping[str, Any], *, whole: Sequence[str] = ()) -> dict[str, Any]:
    """``base`` overridden by ``over`` key by key, into nested mappings except the keys in ``whole``
    (replaced as a whole); anything else (a list, a number) is replaced."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) and k not in whole:
            out[k] = merge(out[k], v, whole=whole)
        else:
            out[k] = v
    return out


def load_section(catalog: Catalog, section: str, name: str, *, shipped: Path | None = None) -> dict[str, Any]:
    """The ``section`` of parameter file ``name``, overridden key by key by the same section of the
    user's catalogue files of ``catalog``."""
    out: dict[str, Any] = {}
    for layer in layers(name, catalog=catalog, shipped=shipped):
        over = layer.doc.get(section)
        if isinstance(over, Mapping):
            out = merge(out, over)
    return out


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
        return pick(lang, self.name_zh, self.name_en)


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


def _debt_layers(path: Path) -> list[Layer]:
    """A user's debt-line file: YAML like the shipped one, or CSV (a layer per row, named by its row)."""
    if path.suffix.lower() != ".csv":
        return [Layer(str(path), read_yaml(path))]
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [Layer(str(path), {"baselines": [row]}, f":{i}") for i, row in enumerate(csv.DictReader(fh), 2)]
    except OSError as exc:
        raise CatalogError(f"无法读取文件 {path}：{exc}", f"cannot read {path}: {exc}") from exc


def load_debt_lines(extra: Sequence[Path] = (), *, catalog: Catalog | None = None) -> DebtLines:
    """The debt lines in :func:`layers` (``extra``: ``--debt-lines`` files, YAML or CSV).

    A later entry replaces an earlier one of the same industry key and year; the margins that turn a
    baseline into its two lines are the last given, for every baseline.
    """
    stack = layers(DEBT_LINES_FILE, catalog=catalog, files=extra, read=_debt_layers)
    margins: dict[str, Any] = {}
    where: dict[str, str] = {}
    classes: dict[str, IndustryClass] = {}
    for layer in stack:
        for key, value in (layer.doc.get("margins") or {}).items():
            margins[key], where[key] = value, layer.origin
        for c in layer.doc.get("classes") or []:
            classes[str(c["code"])] = _class(c, layer.origin)
    warning_pp, supervision_pp = (
        param_decimal(margins.get(k, ""), f"{where.get(k, stack[0].origin)} margins.{k}")
        for k in ("warning_pp", "supervision_pp")
    )
    lines: dict[tuple[str, int], DebtLine] = {}
    for layer in stack:
        for entry in layer.doc.get("baselines") or []:
            ln = _line(entry, layer.origin, warning_pp, supervision_pp)
            lines[(ln.industry.upper(), ln.year)] = ln
    return DebtLines(
        classes=tuple(classes.values()),
        lines=tuple(lines.values()),
        warning_pp=warning_pp,
        supervision_pp=supervision_pp,
        files=files_of(stack),
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
