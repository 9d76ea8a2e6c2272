"""An entity among the companies of a peer set: their figures converted to yuan, computed by the
engine on guozi's definitions, and ranked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa

from guozi.analyses.benchmark.figures import (
    Notes,
    Values,
    entity_names,
    extended_catalog,
    indicator_of,
    panel_values,
    reported_panel,
)
from guozi.analyses.benchmark.params import BenchmarkParams, load_params
from guozi.analyses.benchmark.ranks import PeerRow, peer_row
from guozi.analyses.benchmark.world.peer_set import PeerFigure, PeerSet, load_peer_set
from guozi.analyses.benchmark.world.rates import HOME_CURRENCY, ExchangeRates, Rate, load_rates
from guozi.analyses.source import Source
from guozi.engine.panel import Scope, compute_panel
from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.periods import Period
from guozi.kernel.units import STORE_LIMIT, STORE_SCALE, VALUE_PRECISION
from guozi.tree import build_tree


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


def latest_fiscal_year(ps: PeerSet, year: int) -> tuple[int, str, str]:
    """``year``, or the set's latest earlier fiscal year when it has none for ``year`` yet (the
    Fortune list of a year comes out the next summer), with the note saying so in both languages
    ("" when ``year`` is kept). Without an earlier year, ``year`` is kept and the comparison says
    what the set has."""
    earlier = [y for y in ps.years() if y < year]
    if year in ps.years() or not earlier:
        return year, "", ""
    used = earlier[-1]
    return (
        used,
        f"对标集 {ps.name} 尚无 {year} 财年数据，改用最近的 {used} 财年（双方均用 {used} 年数据）",
        f"the peer set {ps.name} has no figures for FY{year} yet; "
        f"the latest fiscal year, {used}, is compared instead (both sides' {used} figures)",
    )


def world_comparison(
    source: Source,
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
    (e.g. the entity itself when it is in the set); :func:`latest_fiscal_year` picks an earlier
    year when the set has none for ``year`` yet."""
    params = params or load_params(catalog=source.catalog)
    ps = peer_set if isinstance(peer_set, PeerSet) else load_peer_set(peer_set, source.catalog, params=params)
    rates = rates or load_rates()
    codes = list(indicators or params.world_indicators)
    period = Period(year, 12)
    tree = source.tree()
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
    own, own_notes = panel_values(reported_panel(source, [period], codes, params), period)
    tree_w = build_tree(pd.DataFrame({"entity_id": companies, "name": companies, "parent_id": [None] * len(companies)}))
    panel = compute_panel(
        ibis.memtable(_facts_table(converted, period)),
        tree_w,
        extended_catalog(source.catalog, params),
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
        rows.append(peer_row(indicator_of(source, params, code), entity, values[code], notes[code]))
    by_company: dict[str, list[Converted]] = {}
    for c in converted:
        by_company.setdefault(c.figure.company, []).append(c)
    wc = tuple(
        WorldCompany(name, cs[0].figure.country, cs[0].figure.central_soe, tuple(cs)) for name, cs in by_company.items()
    )
    used = {(c.rate.year, c.rate.currency): c.rate for c in converted if c.rate is not None}
    names_ = entity_names(source)
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
