"""Size classes (NBS 2017, simplified, ``params/size_classes.yaml``): read from the entity's column
or computed from its figures of the last full year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from guozi.analyses.benchmark.figures import panel_values, reported_panel
from guozi.analyses.benchmark.params import (
    Band,
    BenchmarkParams,
    band_of,
    clean_text,
    load_params,
    param_decimal,
)
from guozi.analyses.benchmark.ranks import Num
from guozi.analyses.source import Source
from guozi.catalog.model import Catalog
from guozi.catalog.params import layers, merge
from guozi.kernel.errors import CatalogError
from guozi.kernel.periods import Period
from guozi.kernel.units import ALL_UNITS

SIZES_FILE = "params/size_classes.yaml"


@dataclass(frozen=True)
class SizeRule:
    """The lower limits of the size classes in some industries."""

    industries: tuple[str, ...]
    name_zh: str
    limits: dict[str, dict[str, Decimal]]  # criterion → class → lower limit, in the criterion's unit


@dataclass(frozen=True)
class SizeRules:
    """The size classes of ``params/size_classes.yaml`` (NBS 2017, simplified)."""

    classes: tuple[Band, ...]  # largest first; the last is what meets no limit
    all_sizes: Band
    entity_column: str
    standards_class: dict[str, str]
    criteria: dict[str, tuple[str, Decimal]]  # criterion → (indicator, factor of its unit to 元/人)
    rules: tuple[SizeRule, ...]
    source: str
    simplified: bool

    def code(self, text: object) -> str | None:
        """A size class code from a code or a name (``大型`` → ``large``); ``None`` if unknown."""
        t = clean_text(text)
        for b in (*self.classes, self.all_sizes):
            if t in (b.code, b.name_zh, b.name_en):
                return b.code
        return None

    def band(self, code: str) -> Band:
        """The class (or all sizes) of ``code``."""
        for b in (*self.classes, self.all_sizes):
            if b.code == code:
                return b
        raise KeyError(code)

    def rule_for(self, industry: str) -> SizeRule | None:
        """The rule of the longest industry code that ``industry`` starts with, else ``default``."""
        best: tuple[int, SizeRule] | None = None
        default = None
        for r in self.rules:
            for code in r.industries:
                if code == "default":
                    default = r
                elif industry.startswith(code) and (best is None or len(code) > best[0]):
                    best = (len(code), r)
        return best[1] if best else default

    def classify(self, industry: str, figures: Mapping[str, Num | None]) -> tuple[str | None, tuple[str, ...]]:
        """The class of an enterprise from its figures by criterion (元, 人); ``None`` and what is missing."""
        rule = self.rule_for(industry) if industry else None
        if rule is None:
            return None, ()
        missing = tuple(c for c in rule.limits if figures.get(c) is None)
        if missing:
            return None, missing
        for cls in self.classes[:-1]:
            if all(
                Decimal(str(figures[c])) >= lim[cls.code] * self.criteria[c][1]
                for c, lim in rule.limits.items()
                if cls.code in lim
            ):
                return cls.code, ()
        return self.classes[-1].code, ()


def load_sizes(path: Path | None = None, *, catalog: Catalog | None = None) -> SizeRules:
    """The size classes in :func:`~guozi.catalog.params.layers` (``path``: ``--sizes``), merged key by
    key over the shipped simplified NBS 2017 table (a list, such as the classes or the rules, whole)."""
    stack = layers(SIZES_FILE, catalog=catalog, files=[path] if path else [])
    doc: dict[str, Any] = {}
    for layer in stack:
        doc = merge(doc, layer.doc)
    where = " + ".join(layer.origin for layer in stack)
    table = [layer for layer in stack if "rules" in layer.doc or "classes" in layer.doc][-1]  # whose table it is
    classes = tuple(band_of(b, where, scored=False) for b in doc.get("classes") or [])
    if len(classes) < 2:
        raise CatalogError(f"{where}：classes 至少需要两类", f"{where}: classes needs at least two classes")
    criteria: dict[str, tuple[str, Decimal]] = {}
    for name, spec in (doc.get("criteria") or {}).items():
        unit = str(spec.get("unit", "元"))
        if unit not in ALL_UNITS:
            raise CatalogError(f"{where}：{name} 的单位 {unit} 无法识别", f"{where}: {name}: unknown unit {unit}")
        criteria[str(name)] = (str(spec["indicator"]), ALL_UNITS[unit])
    rules: list[SizeRule] = []
    codes = {c.code for c in classes}
    for entry in doc.get("rules") or []:
        inds = entry.get("industry")
        industries = tuple(
            str(i).upper() if str(i) != "default" else "default"
            for i in ([inds] if isinstance(inds, str) else inds or [])
        )
        limits: dict[str, dict[str, Decimal]] = {}
        for crit in criteria:
            if crit in entry:
                lim = {str(k): param_decimal(v, where, f"{industries} {crit} {k}") for k, v in entry[crit].items()}
                if not set(lim) <= codes:
                    raise CatalogError(
                        f"{where}：{industries} 的类别 {sorted(lim)} 未定义",
                        f"{where}: {industries}: unknown classes {sorted(lim)}",
                    )
                limits[crit] = lim
        rules.append(SizeRule(industries, str(entry.get("name_zh", "")), limits))
    return SizeRules(
        classes=classes,
        all_sizes=band_of(
            doc.get("all_sizes") or {"code": "all", "name_zh": "全行业", "name_en": "all sizes"}, where, scored=False
        ),
        entity_column=str(doc.get("entity_column", "size_class")),
        standards_class={str(k): str(v) for k, v in (doc.get("standards_class") or {}).items()},
        criteria=criteria,
        rules=tuple(rules),
        source=str(table.doc.get("source", Path(table.file).name)),
        simplified=bool(table.doc.get("simplified", False)),
    )


def size_period(period: Period) -> Period:
    """The period whose figures classify sizes: the last full year (this December, else the last)."""
    return period if period.month == 12 else Period(period.year - 1, 12)


@dataclass(frozen=True)
class SizeClass:
    """An entity's size class and where it came from."""

    code: str | None
    source: Literal["entity", "computed", "unknown"]
    period: Period | None = None
    missing: tuple[str, ...] = ()


def size_classes(
    source: Source,
    period: Period,
    entities: Sequence[str],
    *,
    sizes: SizeRules | None = None,
    params: BenchmarkParams | None = None,
) -> dict[str, SizeClass]:
    """The size class of each entity: its ``size_class`` column, else computed from its figures."""
    sizes = sizes or load_sizes(catalog=source.catalog)
    params = params or load_params(catalog=source.catalog)
    nodes = source.tree().at(period).drop_duplicates("entity_id").set_index("entity_id")
    out: dict[str, SizeClass] = {}
    todo: list[str] = []
    for e in entities:
        given = nodes[sizes.entity_column].get(e) if sizes.entity_column in nodes.columns else None
        code = sizes.code(given) if clean_text(given) else None
        if code is not None:
            out[e] = SizeClass(code, "entity")
        else:
            todo.append(e)
    if not todo:
        return out
    sp = size_period(period)
    codes = sorted({ind for ind, _ in sizes.criteria.values()})
    values, _ = panel_values(reported_panel(source, [sp], codes, params), sp)
    for e in todo:
        industry = params.industry(nodes["industry"].get(e)) if "industry" in nodes.columns else ""
        figs = {c: values[ind].get(e) for c, (ind, _) in sizes.criteria.items()}
        code, missing = sizes.classify(industry, figs)
        out[e] = SizeClass(code, "computed" if code else "unknown", sp, missing)
    return out
