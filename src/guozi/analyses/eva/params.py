"""The EVA parameters by year, read from ``params/eva.yaml`` and the user's ``--params`` files.

Every rate, share and band is an :class:`Entry` from one year on, with its source; a user's
file replaces the entry of the same parameter and year. :meth:`EvaParams.for_year` gives the
:class:`YearParams` in force in a year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from guozi.catalog.model import Catalog
from guozi.catalog.params import files_of, layers, param_decimal, text
from guozi.kernel.errors import CatalogError, NotFoundError
from guozi.kernel.text import pick

EVA_PARAMS_FILE = "params/eva.yaml"
PARAMETERS = (
    "tax_rate",
    "non_recurring_share",
    "cost_of_equity",
    "equity_cost_reduction",
    "cost_of_debt",
    "debt_surcharge",
)


@dataclass(frozen=True)
class Entry:
    """One parameter's value from one year on, with its source."""

    parameter: str
    year: int
    value: Decimal | None = None
    values: Mapping[str, Decimal] = field(default_factory=dict)  # cost_of_equity by category
    method: str = ""  # cost_of_debt: rate | actual
    bands: Mapping[str, tuple[tuple[Decimal, Decimal], ...]] = field(default_factory=dict)  # class -> (from, add)
    industries: tuple[tuple[str, str, str], ...] = ()  # (code, name_zh, name_en)
    attribute: str = ""
    attribute_name_zh: str = ""
    attribute_name_en: str = ""
    true_values: tuple[str, ...] = ()
    source: str = ""
    confirmed: bool = True
    note: str = ""
    origin: str = ""
    source_zh: str = ""  # the source in Chinese for Chinese outputs ('' → ``source`` as written)
    note_zh: str = ""

    def source_in(self, lang: str) -> str:
        """The source in ``lang``: ``source_zh`` on Chinese outputs when the file gives one, else as written."""
        return pick(lang, self.source_zh or self.source, self.source)

    def note_in(self, lang: str) -> str:
        """The note in ``lang``, like :meth:`source_in`."""
        return pick(lang, self.note_zh or self.note, self.note)


@dataclass(frozen=True)
class Unconfirmed:
    """A definition that no primary text available to guozi confirms."""

    code: str
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        """Its description in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)


@dataclass(frozen=True)
class YearParams:
    """The parameters in force in one year."""

    year: int
    tax_rate: Entry
    non_recurring_share: Entry
    cost_of_equity: Entry
    equity_cost_reduction: Entry
    cost_of_debt: Entry
    debt_surcharge: Entry
    unconfirmed: tuple[Unconfirmed, ...]

    def entries(self) -> list[Entry]:
        """Every entry, in the order of :data:`PARAMETERS`."""
        return [getattr(self, name) for name in PARAMETERS]

    def surcharge(self, industry_class: str, debt_ratio: Decimal) -> Decimal:
        """The add-on (pp) of the highest band that ``debt_ratio`` (%) reaches, 0 below every band."""
        add = Decimal(0)
        for start, pp in sorted(self.debt_surcharge.bands.get(industry_class, ())):
            if debt_ratio >= start:
                add = pp
        return add

    def reduced(self, industry: str, attributes: Mapping[str, str]) -> tuple[bool, str, str]:
        """Whether the cost of equity is lowered for the entity, and why (zh, en)."""
        e = self.equity_cost_reduction
        code = industry.strip().upper()
        for ind, zh, en in e.industries:
            if code and code.startswith(ind.upper()):
                return True, f"{zh}（{ind}）", f"{en} ({ind})"
        if e.attribute and attributes.get(e.attribute, "").strip().lower() in e.true_values:
            return True, e.attribute_name_zh or e.attribute, e.attribute_name_en or e.attribute
        return False, "", ""


@dataclass(frozen=True)
class EvaParams:
    """Every parameter's entries by year, and the definitions marked unconfirmed."""

    entries: Mapping[str, tuple[Entry, ...]]
    unconfirmed: tuple[Unconfirmed, ...]
    files: tuple[str, ...] = ()

    def pick(self, parameter: str, year: int) -> Entry:
        """The entry of ``parameter`` with the latest year not after ``year``."""
        found = [e for e in self.entries.get(parameter, ()) if e.year <= year]
        if not found:
            raise NotFoundError(
                f"经济增加值参数 {parameter} 没有 {year} 年或更早的取值（可用 --params 文件补充）",
                f"the EVA parameter {parameter} has no value for {year} or earlier (add one with --params FILE)",
            )
        return max(found, key=lambda e: e.year)

    def for_year(self, year: int) -> YearParams:
        """The parameters in force in ``year``."""
        return YearParams(
            year=year,
            tax_rate=self.pick("tax_rate", year),
            non_recurring_share=self.pick("non_recurring_share", year),
            cost_of_equity=self.pick("cost_of_equity", year),
            equity_cost_reduction=self.pick("equity_cost_reduction", year),
            cost_of_debt=self.pick("cost_of_debt", year),
            debt_surcharge=self.pick("debt_surcharge", year),
            unconfirmed=self.unconfirmed,
        )


def _bool(value: Any) -> bool:
    return str(value).strip().lower() not in ("false", "0", "no", "")


def _entry(parameter: str, raw: Mapping[str, Any], where: str) -> Entry:
    at = f"{where}: {parameter}"
    if raw.get("year") in (None, ""):
        raise CatalogError(f"{at}：每个取值需要 year", f"{at}: every entry needs a year")
    year = int(param_decimal(raw["year"], f"{at} year"))
    at = f"{at} {year}"
    common: dict[str, Any] = {
        "parameter": parameter,
        "year": year,
        "source": text(raw.get("source")),
        "source_zh": text(raw.get("source_zh")),
        "confirmed": _bool(raw.get("confirmed", True)),
        "note": text(raw.get("note")),
        "note_zh": text(raw.get("note_zh")),
        "origin": where,
    }
    if parameter in ("tax_rate", "non_recurring_share"):
        return Entry(value=param_decimal(raw.get("value"), f"{at} value"), **common)
    if parameter == "cost_of_equity":
        values = raw.get("values") or {}
        if not isinstance(values, dict) or not values:
            raise CatalogError(f"{at}：需要 values（按企业类别）", f"{at}: needs values by category")
        return Entry(values={str(k): param_decimal(v, f"{at} values.{k}") for k, v in values.items()}, **common)
    if parameter == "equity_cost_reduction":
        inds = tuple(
            (str(i["code"]), text(i.get("name_zh")), text(i.get("name_en")))
            if isinstance(i, dict)
            else (str(i), str(i), str(i))
            for i in raw.get("industries") or []
        )
        return Entry(
            value=param_decimal(raw.get("value_pp"), f"{at} value_pp"),
            industries=inds,
            attribute=text(raw.get("attribute")),
            attribute_name_zh=text(raw.get("attribute_name_zh")),
            attribute_name_en=text(raw.get("attribute_name_en")),
            true_values=tuple(str(v).strip().lower() for v in raw.get("true_values") or []),
            **common,
        )
    if parameter == "cost_of_debt":
        method = text(raw.get("method")) or "rate"
        if method not in ("rate", "actual"):
            raise CatalogError(f"{at}：method 应为 rate 或 actual", f"{at}: method must be rate or actual")
        value = param_decimal(raw.get("value"), f"{at} value") if method == "rate" else None
        return Entry(value=value, method=method, **common)
    bands_raw = raw.get("bands") or {}
    if not isinstance(bands_raw, dict):
        raise CatalogError(f"{at}：bands 应按行业类别给出", f"{at}: bands must be given by industry class")
    bands = {
        str(cls): tuple(
            (
                param_decimal(b.get("from"), f"{at} bands.{cls}.from"),
                param_decimal(b.get("add_pp"), f"{at} bands.{cls}.add_pp"),
            )
            for b in items or []
        )
        for cls, items in bands_raw.items()
    }
    return Entry(bands=bands, **common)


def load_eva_params(extra: Sequence[Path] = (), *, catalog: Catalog | None = None) -> EvaParams:
    """The EVA parameters in :func:`~guozi.catalog.params.layers` (``extra``: ``--params`` files):
    an entry replaces the one of the same parameter and year before it."""
    stack = layers(EVA_PARAMS_FILE, catalog=catalog, files=extra)
    entries: dict[str, dict[int, Entry]] = {p: {} for p in PARAMETERS}
    unconfirmed: dict[str, Unconfirmed] = {}
    for layer in stack:
        doc, path = layer.doc, layer.origin
        for u in doc.get("unconfirmed") or []:
            code = text(u.get("code"))
            unconfirmed[code] = Unconfirmed(code, text(u.get("name_zh")), text(u.get("name_en")))
        for parameter in PARAMETERS:
            raw = doc.get(parameter) or []
            if not isinstance(raw, list):
                raise CatalogError(
                    f"{path}：{parameter} 应为按年份的列表", f"{path}: {parameter} must be a list of entries by year"
                )
            for item in raw:
                e = _entry(parameter, item, str(path))
                entries[parameter][e.year] = e
    return EvaParams(
        entries={p: tuple(sorted(v.values(), key=lambda e: e.year)) for p, v in entries.items()},
        unconfirmed=tuple(unconfirmed.values()),
        files=files_of(stack),
    )
