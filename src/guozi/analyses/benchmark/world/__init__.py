"""World-class peers (对标世界一流): external peer sets such as the Fortune Global 500, on guozi's definitions.

An external peer set is a CSV (lines starting with ``#`` are comments) or xlsx file, one figure per
row, in the format of the shipped ``catalog/data/peers/fortune_global500.csv``:

=====================  ========  ===============================================================
column                 required  meaning
=====================  ========  ===============================================================
``fiscal_year``        yes       the year the figure is for (compared with the entity's December)
``company``            yes       the company's name, unique within the set
``item``               yes       ``revenue``, ``profit``, ``employees`` (mapped to guozi items by
                                 ``world.items`` of ``params/benchmark.yaml``) or a guozi item code
``value``              yes       the figure exactly as printed
``unit``               yes       as printed: ``USD million``, ``USD billion``, ``USD 100m (亿美元)``,
                                 ``亿美元``, ``万元``, ``persons`` …
``list_year``          no        the edition of the list
``country``            no
``chinese_central_soe``  no      yes / no (free text)
``source_url``         no        where the figure was read
``note``               no        cross-checks, conflicts
``second_hand``        no        ``yes`` when the figure was not read from the publisher itself
=====================  ========  ===============================================================

Money is converted to yuan at the yearly average rate of the fiscal year (``cny_per_unit`` of
``catalog/data/reference/exchange_rates.csv``, with its source; a user's rates file overrides or adds
by year and currency). The converted figures become facts of a one-level tree of companies and go
through the same engine and the same indicator formulas as the enterprises' own figures; so a
ratio is Σ numerator / Σ denominator on the same definitions, and currencies cancel in ratios.
Ranks, percentiles and gaps follow the conventions of :mod:`guozi.analyses.benchmark`, the entity ranked
among the companies of the set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd
import pyarrow as pa

from guozi.analyses.benchmark import (
    BenchmarkParams,
    Notes,
    PeerRow,
    Values,
    entity_names,
    extended_catalog,
    indicator_of,
    load_params,
    panel_values,
    peer_row,
    read_rows,
    reported_panel,
    standing,
    stat_chart,
    stat_columns,
    stat_record,
)
from guozi.catalog import data_path
from guozi.catalog.model import Catalog
from guozi.engine.panel import Scope, compute_panel
from guozi.kernel.errors import GuoziError, InvalidInputError, NotFoundError, Problem
from guozi.kernel.periods import Period
from guozi.kernel.units import STORE_LIMIT, STORE_SCALE, VALUE_PRECISION
from guozi.presentation.output import Column
from guozi.tree import build_tree

if TYPE_CHECKING:
    from guozi.workspace import Workspace

PEER_SET_FILE = "peers/fortune_global500.csv"
RATES_FILE = "reference/exchange_rates.csv"
REQUIRED = ("fiscal_year", "company", "item", "value", "unit")
HOME_CURRENCY = "CNY"

# Unit words as printed in lists and annual reports (definitions of words, not domain parameters).
_SCALE_WORDS: dict[str, Decimal] = {
    "": Decimal(1),
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "100m": Decimal(10) ** 8,
    "100 million": Decimal(10) ** 8,
    "hundred million": Decimal(10) ** 8,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
}
_ZH_SCALES: dict[str, Decimal] = {
    "": Decimal(1),
    "千": Decimal(10) ** 3,
    "万": Decimal(10) ** 4,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "十亿": Decimal(10) ** 9,
}
_ZH_CURRENCIES: dict[str, str] = {
    "人民币元": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
    "港元": "HKD",
    "港币": "HKD",
}
_PERSONS = {"persons", "person", "people", "employees", "人", "名"}


@dataclass(frozen=True)
class PrintedUnit:
    """A unit as printed: money in a currency and scale, or persons."""

    currency: str | None  # None for persons
    scale: Decimal

    @property
    def persons(self) -> bool:
        """Whether the unit counts persons."""
        return self.currency is None


def parse_unit(text: str) -> PrintedUnit | None:
    """``USD million`` → (USD, 10⁶); ``USD 100m (亿美元)`` → (USD, 10⁸); ``亿美元`` → (USD, 10⁸);
    ``persons`` → persons; ``None`` when the unit is not understood."""
    t = re.sub(r"\(.*?\)|（.*?）", "", text).strip()
    if t.lower() in _PERSONS:
        return PrintedUnit(None, Decimal(1))
    m = re.fullmatch(r"([A-Z]{3})\s*(.*)", t) or re.fullmatch(r"(.*?)\s*([A-Z]{3})", t)
    if m:
        code, word = (m.group(1), m.group(2)) if re.fullmatch(r"[A-Z]{3}", m.group(1)) else (m.group(2), m.group(1))
        scale = _SCALE_WORDS.get(word.strip().lower())
        return None if scale is None else PrintedUnit(code, scale)
    for word in sorted(_ZH_CURRENCIES, key=len, reverse=True):
        if t.endswith(word) and t[: -len(word)] in _ZH_SCALES:
            return PrintedUnit(_ZH_CURRENCIES[word], _ZH_SCALES[t[: -len(word)]])
    return None


# --------------------------------------------------------------------------------------------
# exchange rates


@dataclass(frozen=True)
class Rate:
    """A yearly average exchange rate: yuan per unit of ``currency``."""

    year: int
    currency: str
    cny_per_unit: Decimal
    source: str


@dataclass(frozen=True)
class ExchangeRates:
    """Yearly average rates by (year, currency), with their sources."""

    rates: dict[tuple[int, str], Rate]
    files: tuple[str, ...]

    def rate(self, year: int, currency: str) -> Rate:
        """The rate of ``currency`` in ``year``; raise :class:`NotFoundError` if none is loaded."""
        if currency == HOME_CURRENCY:
            return Rate(year, HOME_CURRENCY, Decimal(1), "")
        try:
            return self.rates[(year, currency)]
        except KeyError:
            have = ", ".join(f"{y} {c}" for y, c in sorted(self.rates)) or "—"
            raise NotFoundError(
                f"没有 {year} 年 {currency} 对人民币的年平均汇率（已有：{have}）；请用 --rates 文件补充",
                f"no {year} average rate of {currency} to yuan (loaded: {have}); add it with --rates FILE",
            ) from None

    def to_cny(self, amount: Decimal, currency: str, year: int) -> Decimal:
        """``amount`` of ``currency`` in yuan at the yearly average rate of ``year``, exactly."""
        return amount * self.rate(year, currency).cny_per_unit


def load_rates(files: Sequence[Path] = ()) -> ExchangeRates:
    """The shipped yearly average rates, then each of ``files`` overriding or adding by (year, currency)."""
    paths = [data_path(RATES_FILE), *files]
    rates: dict[tuple[int, str], Rate] = {}
    problems: list[Problem] = []
    for path in paths:
        for line, rec in read_rows(Path(path)):
            try:
                year = int(rec.get("year", ""))
                cur = rec.get("currency", "").strip().upper()
                value = Decimal(rec.get("cny_per_unit", ""))
                if not re.fullmatch(r"[A-Z]{3}", cur) or not value.is_finite() or value <= 0:
                    raise ValueError
            except (ValueError, InvalidOperation):
                problems.append(
                    Problem(
                        "rates.row",
                        "汇率行应有 year、currency（三位代码）和正的 cny_per_unit",
                        "a rate row needs year, currency (3-letter code) and a positive cny_per_unit",
                        file=str(path),
                        row=line,
                        expected="year,currency,cny_per_unit,source",
                        found=",".join(rec.values()),
                    )
                )
                continue
            rates[(year, cur)] = Rate(year, cur, value, rec.get("source", ""))
    if problems:
        raise InvalidInputError(problems=problems)
    return ExchangeRates(rates, tuple(str(p) for p in paths))


# --------------------------------------------------------------------------------------------
# peer sets


@dataclass(frozen=True)
class PeerFigure:
    """One figure of an external peer set, as printed, with its provenance."""

    company: str
    fiscal_year: int
    item: str  # the guozi item code
    printed_item: str
    value: Decimal  # as printed
    unit: str  # as printed
    parsed: PrintedUnit
    country: str = ""
    list_year: int | None = None
    central_soe: str = ""
    source_url: str = ""
    note: str = ""
    second_hand: bool | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class PeerSet:
    """An external peer set: figures of companies by fiscal year."""

    name: str
    file: str
    figures: tuple[PeerFigure, ...]

    def years(self) -> list[int]:
        """The fiscal years the set has figures for."""
        return sorted({f.fiscal_year for f in self.figures})

    def companies(self, year: int) -> list[str]:
        """The companies with a figure for ``year``, in the order of the file."""
        return list(dict.fromkeys(f.company for f in self.figures if f.fiscal_year == year))


def _yes(text: str) -> bool | None:
    t = text.strip().lower()
    if t in ("yes", "y", "true", "1", "是"):
        return True
    if t in ("no", "n", "false", "0", "否"):
        return False
    return None


def load_peer_set(
    path: Path | None, catalog: Catalog, *, params: BenchmarkParams | None = None, name: str = ""
) -> PeerSet:
    """Read an external peer set (default: the shipped Fortune Global 500 figures); list every problem."""
    params = params or load_params()
    p = path or data_path(PEER_SET_FILE)
    rows = read_rows(p)
    problems: list[Problem] = []

    def problem(
        line: int | None, column: str, rule: str, zh: str, en: str, expected: str = "", found: str = ""
    ) -> None:
        problems.append(Problem(rule, zh, en, file=str(p), row=line, column=column, expected=expected, found=found))

    if rows:
        missing = [c for c in REQUIRED if c not in rows[0][1]]
        for c in missing:
            problem(1, c, "peers.column", f"缺少必需列 {c}", f"missing required column {c}", ", ".join(REQUIRED))
        if missing:
            raise InvalidInputError(problems=problems)
    figures: list[PeerFigure] = []
    seen: dict[tuple[str, int, str], int] = {}
    for line, rec in rows:
        company = rec["company"].strip()
        if not company:
            problem(line, "company", "peers.company", "公司名称为空", "empty company name", "a name", "")
            continue
        try:
            year = int(rec["fiscal_year"])
        except ValueError:
            problem(
                line,
                "fiscal_year",
                "peers.year",
                "财年应为整数",
                "fiscal_year must be a whole number",
                "YYYY",
                rec["fiscal_year"],
            )
            continue
        printed = rec["item"].strip()
        item = params.world_items.get(printed, printed)
        if item not in catalog.items:
            allowed = " ".join([*params.world_items, "<item code>"])
            problem(line, "item", "peers.item", f"未知项目 {printed}", f"unknown item {printed}", allowed, printed)
            continue
        try:
            value = Decimal(rec["value"].replace(",", ""))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problem(line, "value", "peers.value", "数值不是数字", "the value is not a number", "a number", rec["value"])
            continue
        unit = parse_unit(rec["unit"])
        persons = catalog.items[item].unit == "人"
        if unit is None or unit.persons != persons:
            want = "persons" if persons else "USD million, USD billion, 亿美元, 万元 …"
            problem(
                line,
                "unit",
                "peers.unit",
                f"{printed} 的单位无法识别或不符",
                f"unit of {printed} not understood or wrong kind",
                want,
                rec["unit"],
            )
            continue
        key = (company, year, item)
        if key in seen:
            problem(
                line,
                "item",
                "peers.duplicate",
                f"与第 {seen[key]} 行重复",
                f"duplicates line {seen[key]}",
                "one figure per company, year and item",
                f"{company} {year} {printed}",
            )
            continue
        seen[key] = line
        list_year = rec.get("list_year", "").strip()
        figures.append(
            PeerFigure(
                company=company,
                fiscal_year=year,
                item=item,
                printed_item=printed,
                value=value,
                unit=rec["unit"],
                parsed=unit,
                country=rec.get("country", ""),
                list_year=int(list_year) if list_year.isdigit() else None,
                central_soe=rec.get("chinese_central_soe", ""),
                source_url=rec.get("source_url", ""),
                note=rec.get("note", ""),
                second_hand=_yes(rec.get("second_hand", "")),
                file=str(p),
                line=line,
            )
        )
    if problems:
        raise InvalidInputError(problems=problems)
    return PeerSet(name or p.stem, str(p), tuple(figures))


# --------------------------------------------------------------------------------------------
# comparison


@dataclass(frozen=True)
class Converted:
    """A peer figure in yuan (or persons), with the rate used."""

    figure: PeerFigure
    value: Decimal  # 元 or 人
    rate: Rate | None  # None for persons and yuan


def convert(figure: PeerFigure, rates: ExchangeRates) -> Converted:
    """``figure`` in guozi's units: yuan at the yearly average rate of its fiscal year, or persons."""
    printed = figure.value * figure.parsed.scale
    if figure.parsed.currency is None:
        return Converted(figure, printed, None)
    rate = rates.rate(figure.fiscal_year, figure.parsed.currency)
    return Converted(figure, printed * rate.cny_per_unit, None if figure.parsed.currency == HOME_CURRENCY else rate)


@dataclass(frozen=True)
class WorldCompany:
    """A company of the peer set in the comparison, with its figures and the rates used."""

    name: str
    country: str
    central_soe: str
    figures: tuple[Converted, ...]

    @property
    def second_hand(self) -> bool | None:
        """Whether any of its figures is second-hand (``None`` when the set does not say)."""
        marks = [c.figure.second_hand for c in self.figures]
        if any(m is True for m in marks):
            return True
        return None if any(m is None for m in marks) else False


@dataclass(frozen=True)
class WorldReport:
    """An entity's standing among an external peer set, indicator by indicator."""

    entity: str
    name: str
    year: int
    peer_set: str
    rows: tuple[PeerRow, ...]
    values: Values  # indicator → key (the entity's id or a company's name) → value
    notes: Notes
    companies: tuple[WorldCompany, ...]
    rates: tuple[Rate, ...]

    def row(self, indicator: str) -> PeerRow:
        """The row of ``indicator``."""
        for r in self.rows:
            if r.indicator == indicator:
                return r
        raise KeyError(indicator)

    def names(self) -> dict[str, str]:
        """Display names by key."""
        return {self.entity: self.name, **{c.name: c.name for c in self.companies}}


def _facts_table(converted: Sequence[Converted], period: Period) -> pa.Table:
    q = Decimal(1).scaleb(-STORE_SCALE)
    values: list[Decimal] = []
    for c in converted:
        # the limit first: quantizing a value far beyond it would need more than the context's 28 digits
        v = c.value if abs(c.value) >= STORE_LIMIT else c.value.quantize(q, ROUND_HALF_UP)
        if abs(v) >= STORE_LIMIT:
            raise GuoziError(
                f"{c.figure.company} 的 {c.figure.printed_item} 折合后超出范围：{v}",
                f"{c.figure.company}'s {c.figure.printed_item} is out of range once converted: {v}",
            )
        values.append(v)
    return pa.table(
        {
            "entity_id": pa.array([c.figure.company for c in converted], pa.string()),
            "period": pa.array([period.code] * len(converted), pa.int32()),
            "item": pa.array([c.figure.item for c in converted], pa.string()),
            "value": pa.array(values, pa.decimal128(VALUE_PRECISION, STORE_SCALE)),
        }
    )


def world_comparison(
    ws: Workspace,
    year: int,
    entity: str,
    *,
    peer_set: PeerSet | Path | None = None,
    rates: ExchangeRates | None = None,
    indicators: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    params: BenchmarkParams | None = None,
) -> WorldReport:
    """Compare ``entity``'s figures of ``year`` (its ``YYYY-12`` reported figures) with the
    companies of an external peer set for that fiscal year (default: the Fortune Global 500 set),
    on the indicators of ``world.indicators`` (or ``indicators``); ``exclude`` drops companies
    (e.g. the entity itself when it is in the set)."""
    params = params or load_params()
    ps = peer_set if isinstance(peer_set, PeerSet) else load_peer_set(peer_set, ws.catalog, params=params)
    rates = rates or load_rates()
    codes = list(indicators or params.world_indicators)
    period = Period(year, 12)
    tree = ws.tree()
    if entity not in set(tree.nodes.entity_id):
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    if entity not in set(tree.at(period).entity_id):
        raise NotFoundError(f"企业 {entity} 在 {period} 不存在", f"entity {entity} does not exist in {period}")
    figures = [f for f in ps.figures if f.fiscal_year == year and f.company not in set(exclude)]
    if not figures:
        have = "、".join(str(y) for y in ps.years()) or "—"
        raise NotFoundError(
            f"对标集 {ps.name} 没有 {year} 财年的数据（有：{have}）",
            f"the peer set {ps.name} has no figures for fiscal year {year} (it has: {have.replace('、', ', ')})",
        )
    companies = list(dict.fromkeys(f.company for f in figures))
    if entity in companies:
        raise GuoziError(
            f"企业代码 {entity} 与对标集中的公司同名，请用 --exclude 排除",
            f"entity id {entity} is also a company of the peer set; --exclude it",
        )
    converted = [convert(f, rates) for f in figures]
    own, own_notes = panel_values(reported_panel(ws, [period], codes, params), period)
    tree_w = build_tree(pd.DataFrame({"entity_id": companies, "name": companies, "parent_id": [None] * len(companies)}))
    panel = compute_panel(
        ibis.memtable(_facts_table(converted, period)),
        tree_w,
        extended_catalog(ws.catalog, params),
        periods=[period],
        indicators=codes,
        scope=Scope(view="reported"),
        prior=False,
    )
    ext, ext_notes = panel_values(panel, period)
    values: Values = {}
    notes: Notes = {}
    rows: list[PeerRow] = []
    for code in codes:
        values[code] = {entity: own[code].get(entity), **{c: ext[code].get(c) for c in companies}}
        notes[code] = {
            entity: own_notes[code].get(entity, ("", "")),
            **{c: ext_notes[code].get(c, ("", "")) for c in companies},
        }
        rows.append(peer_row(indicator_of(ws, params, code), entity, values[code], notes[code]))
    by_company: dict[str, list[Converted]] = {}
    for c in converted:
        by_company.setdefault(c.figure.company, []).append(c)
    wc = tuple(
        WorldCompany(name, cs[0].figure.country, cs[0].figure.central_soe, tuple(cs)) for name, cs in by_company.items()
    )
    used = {(c.rate.year, c.rate.currency): c.rate for c in converted if c.rate is not None}
    names_ = entity_names(ws)
    return WorldReport(
        entity,
        names_.get(entity, entity),
        year,
        ps.name,
        tuple(rows),
        values,
        notes,
        wc,
        tuple(used[k] for k in sorted(used)),
    )


# --------------------------------------------------------------------------------------------
# chart data and records


def world_chart(report: WorldReport, *, lang: str = "zh") -> dict[str, Any]:
    """Chart-ready bars of the entity among the world peers (numbers as floats, yuan-based units)."""
    return {
        "kind": "world_bars",
        "title": (
            f"{report.name} 对标世界一流（{report.year} 财年）"
            if lang == "zh"
            else f"{report.name} against world-class peers, FY{report.year}"
        ),
        "entity": report.entity,
        "entity_name": report.name,
        "year": report.year,
        "peer_set": report.peer_set,
        "rates": [
            {"year": r.year, "currency": r.currency, "cny_per_unit": float(r.cny_per_unit), "source": r.source}
            for r in report.rates
        ],
        "second_hand": any(c.second_hand for c in report.companies),
        "indicators": stat_chart(report.rows, report.values, report.names(), report.entity, lang),
    }


def world_records(report: WorldReport, lang: str = "zh") -> list[dict[str, Any]]:
    """One record per indicator: the entity's place among the peer set."""
    return [
        {
            "entity_id": report.entity,
            "name": report.name,
            "year": report.year,
            "peer_set": report.peer_set,
            **stat_record(r, lang),
        }
        for r in report.rows
    ]


def world_columns(lang: str, *, table: bool = False) -> list[Column]:
    """The columns of :func:`world_records`; ``table``: the shorter set for the terminal."""
    cols = [
        Column("entity_id", "企业", "entity"),
        Column("name", "名称", "name"),
        Column("year", "财年", "fiscal year", None, "right"),
        Column("peer_set", "对标集", "peer set"),
        *stat_columns(lang),
    ]
    if table:
        by_key = {c.key: c for c in cols}
        keep = (
            "indicator_name",
            "value",
            "rank",
            "of",
            "percentile",
            "median",
            "best",
            "best_entity",
            "gap_median",
            "gap_best",
            "unit",
            "note",
        )
        return [by_key[k] for k in keep]
    return cols


def _printed(c: Converted) -> str:
    f = c.figure
    return f"{f.printed_item} {f.value} {f.unit}"


def world_company_records(report: WorldReport, lang: str = "zh") -> list[dict[str, Any]]:
    """One record per company (and the entity) and indicator, with the figures as printed, the
    rates used and the sources; second-hand figures marked."""
    out: list[dict[str, Any]] = []
    companies = {c.name: c for c in report.companies}
    for r in report.rows:
        vals = report.values[r.indicator]
        ranked = sorted(vals, key=lambda k: (standing(vals, k, r.direction).rank or len(vals) + 1, k))
        for key in ranked:
            c = companies.get(key)
            st = standing(vals, key, r.direction)
            nz, ne = report.notes[r.indicator].get(key, ("", ""))
            notes = [nz if lang == "zh" else ne] + (
                [] if c is None else [x.figure.note for x in c.figures if x.figure.note]
            )
            out.append(
                {
                    "indicator": r.indicator,
                    "indicator_name": r.name(lang),
                    "company": report.name if c is None else c.name,
                    "self": c is None,
                    "country": "" if c is None else c.country,
                    "central_soe": "" if c is None else c.central_soe,
                    "value": vals[key],
                    "unit": r.unit,
                    "rank": st.rank,
                    "percentile": st.percentile,
                    "figures": "" if c is None else "; ".join(_printed(x) for x in c.figures),
                    "rates": ""
                    if c is None
                    else "; ".join(
                        sorted(
                            {f"{x.rate.currency} {x.rate.cny_per_unit} ({x.rate.year})" for x in c.figures if x.rate}
                        )
                    ),
                    "second_hand": None if c is None else c.second_hand,
                    "source_url": ""
                    if c is None
                    else " ".join(dict.fromkeys(x.figure.source_url for x in c.figures if x.figure.source_url)),
                    "note": " | ".join(n for n in notes if n),
                }
            )
    return out


def world_company_columns(lang: str) -> list[Column]:
    """The columns of :func:`world_company_records`."""
    from guozi.analyses.benchmark import shown_unit, shown_value

    yes_no = (
        (lambda v, r: "" if v is None else ("是" if v else "否"))
        if lang == "zh"
        else (lambda v, r: "" if v is None else ("yes" if v else "no"))
    )
    return [
        Column("indicator", "指标代码", "indicator"),
        Column("indicator_name", "指标", "indicator name"),
        Column("company", "公司", "company"),
        Column("self", "本企业", "self", yes_no),
        Column("country", "国家", "country"),
        Column("central_soe", "中央企业", "Chinese central SOE"),
        Column("value", "数值", "value", lambda v, r: shown_value(v, r["unit"]), "right"),
        Column("unit", "单位", "unit", lambda v, r: shown_unit(v, lang)),
        Column("rank", "排名", "rank", None, "right"),
        Column("percentile", "百分位", "percentile", lambda v, r: "—" if v is None else f"{v:.1f}", "right"),
        Column("figures", "原始数据", "figures as printed"),
        Column("rates", "汇率（元/单位）", "rates (yuan per unit)"),
        Column("second_hand", "二手来源", "second-hand", yes_no),
        Column("source_url", "来源", "source"),
        Column("note", "说明", "note"),
    ]


__all__ = [
    "Converted",
    "ExchangeRates",
    "PeerFigure",
    "PeerSet",
    "PrintedUnit",
    "Rate",
    "WorldCompany",
    "WorldReport",
    "convert",
    "load_peer_set",
    "load_rates",
    "parse_unit",
    "world_chart",
    "world_columns",
    "world_company_columns",
    "world_company_records",
    "world_comparison",
    "world_records",
]
