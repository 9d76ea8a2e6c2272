"""Economic value added (经济增加值) with its full breakdown, parameters by year from data files.

EVA = NOPAT − adjusted capital × average cost of capital × months / 12, where

* NOPAT = net profit + (interest expense + R&D expense − non-recurring gain × share) × (1 − tax);
* adjusted capital = avg(total equity) + avg(interest-bearing debt) − avg(construction in progress);
* average cost of capital = cost of debt × D/(D+E) × (1 − tax) + cost of equity × E/(D+E)
  + the debt-ratio surcharge, D and E the average interest-bearing debt and equity.

Every rate, share and band is a parameter of ``catalog/data/params/eva.yaml`` (by year, with its
source); the industry classes come from ``params/debt_lines.yaml``. The inputs are computed by
the formula engine from the helper indicators of ``catalog/data/eva_indicators.yaml``.

Part years: NOPAT is year to date and the capital charge is the annual rate × months / 12 on
the average of the opening and period-end capital (guozi's choice; no official method for part
years is published), so December gives the annual EVA. A group aggregate is Σ members' NOPAT
− Σ members' capital charges, each member at its own cost of capital; never an average.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from guozi.analyses.warnings import (
    DebtLines,
    attribute_text,
    load_debt_lines,
    read_yaml,
    risk_workspace,
    selected_entities,
    to_decimal,
)
from guozi.catalog import data_path
from guozi.engine.panel import View
from guozi.kernel.errors import CatalogError, NotFoundError
from guozi.kernel.periods import Period
from guozi.presentation.output import Column
from guozi.workspace import Workspace

EVA_PARAMS_FILE = "params/eva.yaml"
PARAMETERS = (
    "tax_rate",
    "non_recurring_share",
    "cost_of_equity",
    "equity_cost_reduction",
    "cost_of_debt",
    "debt_surcharge",
)
# the EVA inputs: (field of EvaRow, indicator code)
INPUTS: tuple[tuple[str, str], ...] = (
    ("net_profit", "net_profit"),
    ("interest_expense", "eva_interest_expense"),
    ("rd_expense", "eva_rd_expense"),
    ("non_recurring_gain", "eva_non_recurring_gain"),
    ("avg_equity", "eva_avg_equity"),
    ("avg_interest_bearing_debt", "eva_avg_interest_bearing_debt"),
    ("avg_construction_in_progress", "eva_avg_construction_in_progress"),
    ("debt_ratio", "debt_ratio"),
    ("debt_ratio_opening", "debt_ratio_opening"),
)
EVA_VIEWS: tuple[View, ...] = ("reported", "children", "leaves", "level")
_FEN = Decimal("0.01")
_HUNDRED = Decimal(100)


# ---------------------------------------------------------------------------------------------
# parameters


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


@dataclass(frozen=True)
class Unconfirmed:
    """A definition that no primary text available to guozi confirms."""

    code: str
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        """Its description in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en


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
    year = int(to_decimal(raw["year"], f"{at} year"))
    at = f"{at} {year}"
    common: dict[str, Any] = {
        "parameter": parameter,
        "year": year,
        "source": attribute_text(raw.get("source")),
        "confirmed": _bool(raw.get("confirmed", True)),
        "note": attribute_text(raw.get("note")),
        "origin": where,
    }
    if parameter in ("tax_rate", "non_recurring_share"):
        return Entry(value=to_decimal(raw.get("value"), f"{at} value"), **common)
    if parameter == "cost_of_equity":
        values = raw.get("values") or {}
        if not isinstance(values, dict) or not values:
            raise CatalogError(f"{at}：需要 values（按企业类别）", f"{at}: needs values by category")
        return Entry(values={str(k): to_decimal(v, f"{at} values.{k}") for k, v in values.items()}, **common)
    if parameter == "equity_cost_reduction":
        inds = tuple(
            (str(i["code"]), attribute_text(i.get("name_zh")), attribute_text(i.get("name_en")))
            if isinstance(i, dict)
            else (str(i), str(i), str(i))
            for i in raw.get("industries") or []
        )
        return Entry(
            value=to_decimal(raw.get("value_pp"), f"{at} value_pp"),
            industries=inds,
            attribute=attribute_text(raw.get("attribute")),
            attribute_name_zh=attribute_text(raw.get("attribute_name_zh")),
            attribute_name_en=attribute_text(raw.get("attribute_name_en")),
            true_values=tuple(str(v).strip().lower() for v in raw.get("true_values") or []),
            **common,
        )
    if parameter == "cost_of_debt":
        method = attribute_text(raw.get("method")) or "rate"
        if method not in ("rate", "actual"):
            raise CatalogError(f"{at}：method 应为 rate 或 actual", f"{at}: method must be rate or actual")
        value = to_decimal(raw.get("value"), f"{at} value") if method == "rate" else None
        return Entry(value=value, method=method, **common)
    bands_raw = raw.get("bands") or {}
    if not isinstance(bands_raw, dict):
        raise CatalogError(f"{at}：bands 应按行业类别给出", f"{at}: bands must be given by industry class")
    bands = {
        str(cls): tuple(
            (
                to_decimal(b.get("from"), f"{at} bands.{cls}.from"),
                to_decimal(b.get("add_pp"), f"{at} bands.{cls}.add_pp"),
            )
            for b in items or []
        )
        for cls, items in bands_raw.items()
    }
    return Entry(bands=bands, **common)


def load_eva_params(extra: Sequence[Path] = ()) -> EvaParams:
    """The shipped EVA parameters, then each user file: an entry replaces the same parameter and year."""
    files = [data_path(EVA_PARAMS_FILE), *extra]
    entries: dict[str, dict[int, Entry]] = {p: {} for p in PARAMETERS}
    unconfirmed: dict[str, Unconfirmed] = {}
    for path in files:
        doc = read_yaml(path)
        for u in doc.get("unconfirmed") or []:
            code = attribute_text(u.get("code"))
            unconfirmed[code] = Unconfirmed(code, attribute_text(u.get("name_zh")), attribute_text(u.get("name_en")))
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
        files=tuple(str(f) for f in files),
    )


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class EvaRow:
    """The EVA of one entity (or group) and period with every step of its computation.

    Amounts are exact :class:`~decimal.Decimal` yuan (the capital charge rounded to the fen);
    rates, shares and debt ratios are Decimal percentages; ``None`` where an input is missing,
    with ``note_zh``/``note_en`` saying which. For a group (``view`` other than ``reported``)
    the amounts are sums over ``members`` and ``cost_of_capital`` is Σ charge / (Σ capital ×
    months / 12); the per-member rates stay empty.
    """

    entity_id: str
    name: str
    period: str
    view: str
    members: tuple[str, ...]
    months: int
    category: str = ""
    industry: str = ""
    industry_class: str = ""
    net_profit: Decimal | None = None
    interest_expense: Decimal | None = None
    rd_expense: Decimal | None = None
    non_recurring_gain: Decimal | None = None
    non_recurring_share: Decimal | None = None
    non_recurring_adjustment: Decimal | None = None
    tax_rate: Decimal | None = None
    nopat_adjustment: Decimal | None = None
    nopat: Decimal | None = None
    avg_equity: Decimal | None = None
    avg_interest_bearing_debt: Decimal | None = None
    avg_construction_in_progress: Decimal | None = None
    adjusted_capital: Decimal | None = None
    cost_of_equity_base: Decimal | None = None
    equity_cost_reduction: Decimal | None = None
    reduction_reason_zh: str = ""
    reduction_reason_en: str = ""
    cost_of_equity: Decimal | None = None
    cost_of_debt: Decimal | None = None
    debt_weight: Decimal | None = None
    equity_weight: Decimal | None = None
    weighted_cost: Decimal | None = None
    debt_ratio: Decimal | None = None
    debt_ratio_opening: Decimal | None = None
    debt_rose: bool | None = None
    surcharge: Decimal | None = None
    cost_of_capital: Decimal | None = None
    capital_charge: Decimal | None = None
    eva: Decimal | None = None
    unconfirmed: tuple[str, ...] = ()
    note_zh: str = ""
    note_en: str = ""

    def note(self, lang: str) -> str:
        """Why a figure is missing, in ``lang``."""
        return self.note_zh if lang == "zh" else self.note_en


@dataclass(frozen=True)
class EvaReport:
    """The EVA rows of a period and the parameters they used."""

    period: Period
    view: str
    rows: tuple[EvaRow, ...]
    params: YearParams
    lines: DebtLines

    def frame(self) -> pd.DataFrame:
        """One row per entity or group, every step a column."""
        return pd.DataFrame([r.__dict__ for r in self.rows])

    def row(self, key: str) -> EvaRow:
        """The row of ``key``; :class:`KeyError` if there is none."""
        for r in self.rows:
            if r.entity_id == key:
                return r
        raise KeyError(key)


# ---------------------------------------------------------------------------------------------
# computation


def _d(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _entity_row(
    key: str,
    node: Mapping[str, Any],
    cells: Mapping[str, tuple[Any, str, str]],
    period: Period,
    yp: YearParams,
    lines: DebtLines,
) -> EvaRow:
    """The EVA of one entity from its own (reported) figures."""
    missing_zh: list[str] = []
    missing_en: list[str] = []
    v: dict[str, Decimal | None] = {}
    for fld, _code in INPUTS:
        value, note_zh, note_en = cells.get(fld, (None, "没有数据", "no figures"))
        v[fld] = _d(value)
        if v[fld] is None and fld not in ("debt_ratio_opening",):
            missing_zh.append(note_zh)
            missing_en.append(note_en)
    m = period.month
    tax = yp.tax_rate.value or Decimal(0)
    share = yp.non_recurring_share.value or Decimal(0)
    keep = 1 - tax / _HUNDRED
    np_, ie, rd, nrg = v["net_profit"], v["interest_expense"], v["rd_expense"], v["non_recurring_gain"]
    nr_adj = None if nrg is None else nrg * share / _HUNDRED
    adj = None if ie is None or rd is None or nr_adj is None else (ie + rd - nr_adj) * keep
    nopat = None if np_ is None or adj is None else np_ + adj
    e, d, c = v["avg_equity"], v["avg_interest_bearing_debt"], v["avg_construction_in_progress"]
    capital = None if e is None or d is None or c is None else e + d - c

    category = attribute_text(node.get("category"))
    industry = attribute_text(node.get("industry"))
    attrs = {str(k): attribute_text(x) for k, x in node.items()}
    ke_base = yp.cost_of_equity.values.get(category) if category else None
    if ke_base is None:
        if category:
            missing_zh.append(f"企业类别 {category} 没有股权资本成本率参数")
            missing_en.append(f"no cost of equity for the category {category}")
        else:
            missing_zh.append("企业未填类别（category），无法确定股权资本成本率")
            missing_en.append("the entity has no category, so its cost of equity is unknown")
    reduced, why_zh, why_en = yp.reduced(industry, attrs)
    reduction = (yp.equity_cost_reduction.value or Decimal(0)) if reduced else Decimal(0)
    ke = None if ke_base is None else ke_base - reduction

    kd: Decimal | None = None
    if yp.cost_of_debt.method == "rate":
        kd = yp.cost_of_debt.value
    elif ie is not None and d is not None and d != 0:
        kd = ie / d * Decimal(12) / Decimal(m) * _HUNDRED
    wd = we = wacc = None
    if d is not None and e is not None:
        if d + e == 0:
            missing_zh.append("分母为零：平均带息负债＋平均所有者权益")
            missing_en.append("zero denominator: average interest-bearing debt + average equity")
        else:
            wd, we = d / (d + e), e / (d + e)
            debt_part = Decimal(0) if d == 0 else (None if kd is None else kd * wd * keep)
            wacc = None if ke is None or debt_part is None else debt_part + ke * we

    cls = lines.industry_class(industry)
    ratio, opening = v["debt_ratio"], v["debt_ratio_opening"]
    surcharge: Decimal | None = None
    rose: bool | None = None
    if ratio is not None:
        band: Decimal | None
        if cls is not None:
            band = yp.surcharge(cls.code, ratio)
        else:
            adds = {yp.surcharge(k.code, ratio) for k in lines.classes}
            band = adds.pop() if len(adds) == 1 else None
            if band is None:
                missing_zh.append("企业未填行业（industry），无法确定资产负债率上浮档次")
                missing_en.append("the entity has no industry, so the debt-ratio surcharge band is unknown")
        if band is not None:
            if opening is not None:
                rose = ratio > opening
            if band == 0:
                surcharge = Decimal(0)
            elif rose is None:
                _, nz, ne = cells.get("debt_ratio_opening", (None, "没有数据", "no figures"))
                missing_zh.append(f"年初资产负债率：{nz}")
                missing_en.append(f"opening debt ratio: {ne}")
            else:
                surcharge = band if rose else Decimal(0)
    coc = None if wacc is None or surcharge is None else wacc + surcharge
    charge = None
    if capital is not None and coc is not None:
        charge = (capital * coc / _HUNDRED * Decimal(m) / Decimal(12)).quantize(_FEN, ROUND_HALF_UP)
    eva = None if nopat is None or charge is None else nopat - charge
    unconfirmed = [u.code for u in yp.unconfirmed if not (u.code == "part_year" and m == 12)]
    unconfirmed += [e.parameter for e in yp.entries() if not e.confirmed]
    return EvaRow(
        entity_id=key,
        name=attribute_text(node.get("name")) or key,
        period=str(period),
        view="reported",
        members=(key,),
        months=m,
        category=category,
        industry=industry,
        industry_class="" if cls is None else cls.code,
        net_profit=np_,
        interest_expense=ie,
        rd_expense=rd,
        non_recurring_gain=nrg,
        non_recurring_share=share,
        non_recurring_adjustment=nr_adj,
        tax_rate=tax,
        nopat_adjustment=adj,
        nopat=nopat,
        avg_equity=e,
        avg_interest_bearing_debt=d,
        avg_construction_in_progress=c,
        adjusted_capital=capital,
        cost_of_equity_base=ke_base,
        equity_cost_reduction=reduction if ke_base is not None else None,
        reduction_reason_zh=why_zh,
        reduction_reason_en=why_en,
        cost_of_equity=ke,
        cost_of_debt=kd,
        debt_weight=None if wd is None else wd * _HUNDRED,
        equity_weight=None if we is None else we * _HUNDRED,
        weighted_cost=wacc,
        debt_ratio=ratio,
        debt_ratio_opening=opening,
        debt_rose=rose,
        surcharge=surcharge,
        cost_of_capital=coc,
        capital_charge=charge,
        eva=eva,
        unconfirmed=tuple(dict.fromkeys(unconfirmed)),
        note_zh=_join_notes(missing_zh, "缺少：", "；"),
        note_en=_join_notes(missing_en, "missing: ", "; "),
    )


def _join_notes(notes: Sequence[str], prefix: str, sep: str) -> str:
    """The panel's notes as one sentence: every "missing: …" under one prefix, the rest after."""
    missing = [n.removeprefix(prefix) for n in notes if n.startswith(prefix)]
    other = [n for n in notes if n and not n.startswith(prefix)]
    parts = ([prefix + sep.join(dict.fromkeys(missing))] if missing else []) + list(dict.fromkeys(other))
    return sep.join(parts)


_SUMMED = (
    "net_profit",
    "interest_expense",
    "rd_expense",
    "non_recurring_gain",
    "non_recurring_adjustment",
    "nopat_adjustment",
    "nopat",
    "avg_equity",
    "avg_interest_bearing_debt",
    "avg_construction_in_progress",
    "adjusted_capital",
    "capital_charge",
    "eva",
)


def _aggregate(key: str, name: str, view: str, members: Sequence[EvaRow], period: Period) -> EvaRow:
    """Σ members' NOPAT − Σ members' capital charges, each member at its own cost of capital."""
    sums: dict[str, Decimal | None] = {}
    for fld in _SUMMED:
        values = [getattr(r, fld) for r in members]
        sums[fld] = None if any(x is None for x in values) else sum(values, Decimal(0))
    m = period.month
    capital, charge = sums["adjusted_capital"], sums["capital_charge"]
    coc = None
    if capital is not None and charge is not None and capital != 0:
        coc = charge / (capital * Decimal(m) / Decimal(12)) * _HUNDRED
    lacking = [r for r in members if r.eva is None]
    note_zh = f"{len(members)} 家成员企业各按自身资本成本率计算后加总"
    note_en = f"sum over {len(members)} member entities, each at its own cost of capital"
    if lacking:
        names_zh = "、".join(f"{r.name}（{r.note_zh}）" for r in lacking)
        names_en = "; ".join(f"{r.name} ({r.note_en})" for r in lacking)
        note_zh += f"；{len(lacking)} 家无法计算：{names_zh}"
        note_en += f"; {len(lacking)} cannot be computed: {names_en}"
    unconfirmed = tuple(dict.fromkeys(u for r in members for u in r.unconfirmed))
    return EvaRow(
        entity_id=key,
        name=name,
        period=str(period),
        view=view,
        members=tuple(r.entity_id for r in members),
        months=m,
        net_profit=sums["net_profit"],
        interest_expense=sums["interest_expense"],
        rd_expense=sums["rd_expense"],
        non_recurring_gain=sums["non_recurring_gain"],
        non_recurring_adjustment=sums["non_recurring_adjustment"],
        nopat_adjustment=sums["nopat_adjustment"],
        nopat=sums["nopat"],
        avg_equity=sums["avg_equity"],
        avg_interest_bearing_debt=sums["avg_interest_bearing_debt"],
        avg_construction_in_progress=sums["avg_construction_in_progress"],
        adjusted_capital=sums["adjusted_capital"],
        cost_of_capital=coc,
        capital_charge=sums["capital_charge"],
        eva=sums["eva"],
        unconfirmed=unconfirmed,
        note_zh=note_zh,
        note_en=note_en,
    )


def _groups(
    ws: Workspace, period: Period, view: View, entity: str | None, subtree: bool, by: str | None, level: int
) -> list[tuple[str, str, list[str]]]:
    """(key, name, member entity ids) of every group of ``view``."""
    tree = ws.tree()
    nodes = tree.at(period)
    names = {
        str(k): attribute_text(n) or str(k)
        for k, n in zip(nodes.entity_id, nodes.get("name", nodes.entity_id), strict=True)
    }
    c = tree.closure
    c = c[(c.from_code <= period.code) & (c.to_code >= period.code)]
    selected = selected_entities(ws, period, entity, subtree if view != "level" else True)
    out: list[tuple[str, str, list[str]]] = []
    if view == "level":
        lv = selected[selected.level == level]
        if by is not None:
            if by not in tree.attribute_columns():
                raise NotFoundError(f"没有可用于分组的企业列 {by}", f"no entity column {by} to group by")
            keys = [attribute_text(x) for x in lv[by]]
            for k in sorted(set(keys)):
                members = sorted(str(e) for e, kk in zip(lv.entity_id, keys, strict=True) if kk == k)
                out.append((k, k or "—", members))
        elif not lv.empty:
            out.append((f"level-{level}", f"level-{level}", sorted(str(e) for e in lv.entity_id)))
        return out
    leaves = set(nodes.entity_id[nodes.is_leaf])
    for key in sorted(str(e) for e in selected.entity_id):
        below = c[c.ancestor_id == key]
        if view == "children":
            members = sorted(str(e) for e in below.entity_id[below.depth == 1])
        else:
            members = sorted(str(e) for e in below.entity_id[below.depth >= 1] if e in leaves)
        if members:
            out.append((key, names.get(key, key), members))
    return out


def compute_eva(
    ws: Workspace,
    period: Period,
    *,
    entity: str | None = None,
    subtree: bool = True,
    view: View = "reported",
    by: str | None = None,
    level: int = 1,
    params: EvaParams | None = None,
    lines: DebtLines | None = None,
) -> EvaReport:
    """The EVA of every entity in ``period`` (or ``entity`` and, with ``subtree``, its subsidiaries).

    ``view``: ``reported`` (each entity's own figures), ``children`` / ``leaves`` (Σ over its
    direct subsidiaries / the leaves below it) or ``level`` (the entities at ``level`` grouped
    by the entity column ``by``); ``by`` implies ``level``. ``params`` and ``lines`` default to
    the shipped files.
    """
    if by is not None:
        view = "level"
    if view not in EVA_VIEWS:
        raise NotFoundError(f"未知口径：{view}", f"unknown view: {view}")
    params = params if params is not None else load_eva_params()
    lines = lines if lines is not None else load_debt_lines()
    yp = params.for_year(period.year)
    rws = risk_workspace(ws)
    if view == "reported":
        selected = selected_entities(rws, period, entity, subtree)
        groups = [(str(e), "", [str(e)]) for e in sorted(selected.entity_id)]
    else:
        groups = _groups(rws, period, view, entity, subtree, by, level)
    needed = sorted({m for _, _, ms in groups for m in ms})
    if not needed:
        return EvaReport(period, view, (), yp, lines)
    panel = rws.indicators(
        period,
        indicators=[code for _, code in INPUTS],
        entity=needed[0] if len(needed) == 1 else None,
        prior=False,
    )
    f = panel.frame
    field_of = {code: fld for fld, code in INPUTS}
    cells: dict[str, dict[str, tuple[Any, str, str]]] = {}
    for key, ind, value, nz, ne in zip(f.entity_id, f.indicator, f.value, f.note_zh, f.note_en, strict=True):
        cells.setdefault(str(key), {})[field_of[str(ind)]] = (value, str(nz), str(ne))
    nodes = rws.tree().at(period).set_index("entity_id")
    rows: dict[str, EvaRow] = {}
    for key in needed:
        node: dict[str, Any] = {"entity_id": key}
        if key in nodes.index:
            node |= {str(k): x for k, x in nodes.loc[key].to_dict().items()}
        rows[key] = _entity_row(key, node, cells.get(key, {}), period, yp, lines)
    if view == "reported":
        out = tuple(rows[k] for _, _, ms in groups for k in ms)
    else:
        out = tuple(_aggregate(key, name, view, [rows[m] for m in ms], period) for key, name, ms in groups)
    return EvaReport(period, view, out, yp, lines)


# ---------------------------------------------------------------------------------------------
# output records


def _unconfirmed_text(report: EvaReport, codes: Sequence[str], lang: str) -> str:
    described = {u.code: u.name(lang) for u in report.params.unconfirmed}
    params = {e.parameter: e for e in report.params.entries()}
    out = []
    for code in codes:
        if code in described:
            out.append(described[code])
        elif code in params:
            label = _STEP_LABELS.get(code, (code, code))[0 if lang == "zh" else 1]
            out.append(f"{label}（{params[code].source}）" if lang == "zh" else f"{label} ({params[code].source})")
    return "；".join(out) if lang == "zh" else "; ".join(out)


def unconfirmed_caption(report: EvaReport, lang: str) -> str:
    """One sentence naming every unconfirmed definition or parameter the report used ('' if none)."""
    codes = list(dict.fromkeys(u for r in report.rows for u in r.unconfirmed))
    if not codes:
        return ""
    text = _unconfirmed_text(report, codes, lang)
    return f"未经官方文本确认的口径：{text}" if lang == "zh" else f"not confirmed by an official text: {text}"


# the columns of the wide records: every field of EvaRow but the texts given in one language there
EVA_FIELDS = tuple(
    f.name
    for f in fields(EvaRow)
    if f.name not in ("reduction_reason_zh", "reduction_reason_en", "unconfirmed", "note_zh", "note_en")
)
_STEP_LABELS: dict[str, tuple[str, str]] = {
    "entity_id": ("企业/分组", "entity / group"),
    "name": ("名称", "name"),
    "period": ("期间", "period"),
    "view": ("口径", "view"),
    "members": ("成员企业", "members"),
    "months": ("月数", "months"),
    "category": ("企业类别", "category"),
    "industry": ("行业", "industry"),
    "industry_class": ("行业类别", "industry class"),
    "net_profit": ("净利润", "net profit"),
    "interest_expense": ("利息费用", "interest expense"),
    "rd_expense": ("研发费用", "R&D expense"),
    "non_recurring_gain": ("非经常性损益", "non-recurring gains"),
    "non_recurring_share": ("非经常性损益调整比例", "non-recurring adjustment share"),
    "non_recurring_adjustment": ("非经常性收益调整项", "non-recurring adjustment"),
    "tax_rate": ("所得税税率", "tax rate"),
    "nopat_adjustment": ("税后调整项", "adjustments after tax"),
    "nopat": ("税后净营业利润", "NOPAT"),
    "avg_equity": ("平均所有者权益", "average equity"),
    "avg_interest_bearing_debt": ("平均带息负债", "average interest-bearing debt"),
    "avg_construction_in_progress": ("平均在建工程", "average construction in progress"),
    "adjusted_capital": ("调整后资本", "adjusted capital"),
    "cost_of_equity_base": ("股权资本成本率（按类别）", "cost of equity by category"),
    "equity_cost_reduction": ("股权资本成本率下浮", "cost of equity reduction"),
    "cost_of_equity": ("股权资本成本率", "cost of equity"),
    "cost_of_debt": ("债权资本成本率", "cost of debt"),
    "debt_weight": ("带息负债权重", "debt weight"),
    "equity_weight": ("所有者权益权重", "equity weight"),
    "weighted_cost": ("加权平均资本成本率", "weighted cost of capital"),
    "debt_ratio": ("资产负债率（期末）", "debt ratio (period end)"),
    "debt_ratio_opening": ("资产负债率（年初）", "debt ratio (opening)"),
    "debt_rose": ("资产负债率高于年初", "debt ratio rose"),
    "surcharge": ("资产负债率上浮", "debt-ratio surcharge"),
    "cost_of_capital": ("平均资本成本率", "average cost of capital"),
    "capital_charge": ("资本成本", "capital charge"),
    "eva": ("经济增加值", "EVA"),
    "unconfirmed": ("未经确认的口径", "unconfirmed definitions"),
    "note": ("说明", "note"),
    "tax_rate_param": ("所得税税率", "tax rate"),
    "cost_of_debt_param": ("债权资本成本率", "cost of debt"),
    "debt_surcharge": ("资产负债率上浮", "debt-ratio surcharge"),
}
_PERCENT = {
    "non_recurring_share",
    "tax_rate",
    "cost_of_equity_base",
    "cost_of_equity",
    "cost_of_debt",
    "debt_weight",
    "equity_weight",
    "weighted_cost",
    "debt_ratio",
    "debt_ratio_opening",
    "cost_of_capital",
}
_PP = {"equity_cost_reduction", "surcharge"}
_TEXT = {
    "entity_id",
    "name",
    "period",
    "view",
    "members",
    "category",
    "industry",
    "industry_class",
    "debt_rose",
    "note",
}


def _unit(fld: str) -> str:
    if fld in _PERCENT:
        return "%"
    if fld in _PP:
        return "pp"
    if fld == "months":
        return ""
    return "" if fld in _TEXT else "元"


def eva_records(report: EvaReport, lang: str) -> list[dict[str, Any]]:
    """One wide record per entity or group, for :func:`guozi.presentation.output.emit` with :data:`EVA_COLUMNS`."""
    out = []
    for r in report.rows:
        rec: dict[str, Any] = {f: getattr(r, f) for f in EVA_FIELDS}
        rec["members"] = " ".join(r.members)
        rec["debt_rose"] = None if r.debt_rose is None else r.debt_rose
        rec["reduction_reason"] = r.reduction_reason_zh if lang == "zh" else r.reduction_reason_en
        rec["unconfirmed"] = _unconfirmed_text(report, r.unconfirmed, lang)
        rec["note"] = r.note(lang)
        out.append(rec)
    return out


EVA_COLUMNS = [
    *[Column(f, *_STEP_LABELS[f], None, "left" if f in _TEXT else "right") for f in EVA_FIELDS],
    Column("reduction_reason", "下浮原因", "reduction reason"),
    Column("unconfirmed", "未经确认的口径", "unconfirmed definitions"),
    Column("note", "说明", "note"),
]


def _wan(v: Any, r: Mapping[str, Any]) -> str:
    """Money in 万元, rates to 4 decimals, for the table format."""
    if v is None:
        return "—"
    unit = r.get("unit", "元")
    if unit == "元":
        return f"{(Decimal(v) / 10000).quantize(_FEN, ROUND_HALF_UP):,}"
    if unit in ("%", "pp"):
        return f"{Decimal(v).quantize(Decimal('0.0001'), ROUND_HALF_UP)}"
    return str(v)


EVA_TABLE_COLUMNS = [
    Column("name", "企业/分组", "entity / group"),
    Column("nopat", "税后净营业利润（万元）", "NOPAT (10k yuan)", lambda v, r: _wan(v, {"unit": "元"}), "right"),
    Column(
        "adjusted_capital",
        "调整后资本（万元）",
        "adjusted capital (10k yuan)",
        lambda v, r: _wan(v, {"unit": "元"}),
        "right",
    ),
    Column(
        "cost_of_capital", "平均资本成本率（%）", "cost of capital (%)", lambda v, r: _wan(v, {"unit": "%"}), "right"
    ),
    Column(
        "capital_charge", "资本成本（万元）", "capital charge (10k yuan)", lambda v, r: _wan(v, {"unit": "元"}), "right"
    ),
    Column("eva", "经济增加值（万元）", "EVA (10k yuan)", lambda v, r: _wan(v, {"unit": "元"}), "right"),
    Column("note", "说明", "note"),
]

# the breakdown: (field, formula zh, formula en, parameter whose source applies)
_YTD = ("本年累计", "year to date")
_PARAMETER = ("参数", "parameter")
_AVERAGE = ("（年初 + 期末）/ 2", "(opening + closing) / 2")
_STEPS: tuple[tuple[str, str, str, str], ...] = (
    ("net_profit", *_YTD, ""),
    ("interest_expense", *_YTD, ""),
    ("rd_expense", "本年累计（费用化研发支出）", "year to date (expensed R&D)", ""),
    ("non_recurring_gain", *_YTD, ""),
    ("non_recurring_share", *_PARAMETER, "non_recurring_share"),
    ("non_recurring_adjustment", "非经常性损益 × 调整比例", "non-recurring gains × share", ""),
    ("tax_rate", *_PARAMETER, "tax_rate"),
    (
        "nopat_adjustment",
        "（利息费用 + 研发费用 − 非经常性收益调整项）×（1 − 税率）",
        "(interest + R&D − non-recurring adjustment) × (1 − tax rate)",
        "",
    ),
    ("nopat", "净利润 + 税后调整项", "net profit + adjustments after tax", ""),
    ("avg_equity", *_AVERAGE, ""),
    ("avg_interest_bearing_debt", *_AVERAGE, ""),
    ("avg_construction_in_progress", *_AVERAGE, ""),
    (
        "adjusted_capital",
        "平均所有者权益 + 平均带息负债 − 平均在建工程",
        "avg equity + avg interest-bearing debt − avg construction in progress",
        "adjusted_capital",
    ),
    ("cost_of_equity_base", "按企业类别", "by category", "cost_of_equity"),
    ("equity_cost_reduction", "军工、电力、农业企业下浮", "military, power and agriculture", "equity_cost_reduction"),
    ("cost_of_equity", "类别成本率 − 下浮", "by category − reduction", ""),
    ("cost_of_debt", *_PARAMETER, "cost_of_debt"),
    ("debt_weight", "D /（D + E）", "D / (D + E)", ""),
    ("equity_weight", "E /（D + E）", "E / (D + E)", ""),
    (
        "weighted_cost",
        "债权成本率 × D/(D+E) ×（1 − 税率）+ 股权成本率 × E/(D+E)",
        "cost of debt × D/(D+E) × (1 − tax) + cost of equity × E/(D+E)",
        "weighted_cost",
    ),
    ("debt_ratio", "负债合计 / 资产总计（期末）", "liabilities / assets (period end)", ""),
    ("debt_ratio_opening", "负债合计 / 资产总计（年初）", "liabilities / assets (opening)", ""),
    ("surcharge", "高于年初且达到行业档次时上浮", "when the ratio rose and reaches the band", "debt_surcharge"),
    ("cost_of_capital", "加权平均资本成本率 + 上浮", "weighted cost + surcharge", ""),
    ("months", "本年累计月数", "months year to date", "part_year"),
    (
        "capital_charge",
        "调整后资本 × 平均资本成本率 × 月数 / 12",
        "adjusted capital × cost of capital × months / 12",
        "",
    ),
    ("eva", "税后净营业利润 − 资本成本", "NOPAT − capital charge", ""),
)


def _step_record(
    r: EvaRow, step: str, value: Any, formula: str, source: str, confirmed: bool, zh: bool
) -> dict[str, Any]:
    """One row of the breakdown: a step of ``r`` (or its note), with how it is worked out and from what."""
    return {
        "entity_id": r.entity_id,
        "name": r.name,
        "period": r.period,
        "step": step,
        "label": _STEP_LABELS[step][0 if zh else 1],
        "value": value,
        "unit": _unit(step),
        "formula": formula,
        "source": source,
        "confirmed": confirmed,
        "mark": "" if confirmed else ("未确认" if zh else "unconfirmed"),
    }


def breakdown_records(report: EvaReport, lang: str) -> list[dict[str, Any]]:
    """Every step of every row, long: for :data:`BREAKDOWN_COLUMNS` (the vertical table)."""
    entries = {e.parameter: e for e in report.params.entries()}
    described = {u.code: u for u in report.params.unconfirmed}
    out: list[dict[str, Any]] = []
    zh = lang == "zh"
    for r in report.rows:
        for fld, f_zh, f_en, param in _STEPS:
            value = getattr(r, fld)
            if r.view != "reported" and fld not in (*_SUMMED, "cost_of_capital", "months"):
                continue
            formula = f_zh if zh else f_en
            if fld == "cost_of_capital" and r.view != "reported":
                formula = "Σ资本成本 /（Σ调整后资本 × 月数 / 12）" if zh else "Σ charge / (Σ capital × months / 12)"
            if fld == "equity_cost_reduction" and (r.reduction_reason_zh or r.reduction_reason_en):
                formula += f"：{r.reduction_reason_zh}" if zh else f": {r.reduction_reason_en}"
            if fld == "cost_of_equity_base" and r.category:
                formula += f"：{r.category}" if zh else f": {r.category}"
            if fld == "surcharge" and r.industry_class:
                formula += f"（{r.industry_class}）" if zh else f" ({r.industry_class})"
            source, confirmed = "", True
            if param in entries:
                e = entries[param]
                source = f"{e.source}（{e.year}）" if zh else f"{e.source} ({e.year})"
                confirmed = e.confirmed
            elif param in described:
                source, confirmed = described[param].name(lang), param not in r.unconfirmed
            if fld == "cost_of_debt" and entries["cost_of_debt"].method == "actual":
                formula = (
                    "利息费用 / 平均带息负债 × 12 / 月数"
                    if zh
                    else "interest / avg interest-bearing debt × 12 / months"
                )
            out.append(_step_record(r, fld, value, formula, source, confirmed, zh))
        if r.note_zh:
            out.append(_step_record(r, "note", None, r.note(lang), "", True, zh))
    return out


BREAKDOWN_COLUMNS = [
    Column("entity_id", "企业/分组", "entity / group"),
    Column("name", "名称", "name"),
    Column("period", "期间", "period"),
    Column("step", "步骤代码", "step"),
    Column("label", "项目", "item"),
    Column("value", "数值", "value", _wan, "right"),
    Column("unit", "单位", "unit", lambda v, r: "万元" if v == "元" else v),
    Column("formula", "计算方法", "how"),
    Column("source", "参数依据", "parameter source"),
    Column("confirmed", "已确认", "confirmed"),
    Column("mark", "标注", "mark"),
]


def parameter_records(report: EvaReport, lang: str) -> list[dict[str, Any]]:
    """The parameters in force for the report's year, each with its year and source."""
    zh = lang == "zh"
    yp = report.params
    out: list[dict[str, Any]] = []

    def add(e: Entry, key: str, value: Any, unit: str, detail: str = "") -> None:
        out.append(
            {
                "parameter": key,
                "label": _STEP_LABELS.get(e.parameter, (e.parameter, e.parameter))[0 if zh else 1],
                "value": value,
                "unit": unit,
                "detail": detail,
                "year": e.year,
                "source": e.source,
                "confirmed": e.confirmed,
                "note": e.note,
            }
        )

    add(yp.tax_rate, "tax_rate", yp.tax_rate.value, "%")
    add(yp.non_recurring_share, "non_recurring_share", yp.non_recurring_share.value, "%")
    for cat, v in yp.cost_of_equity.values.items():
        add(yp.cost_of_equity, f"cost_of_equity.{cat}", v, "%")
    red = yp.equity_cost_reduction
    names = [f"{zh_name if zh else en_name} ({code})" for code, zh_name, en_name in red.industries]
    if red.attribute:
        names.append(f"{(red.attribute_name_zh if zh else red.attribute_name_en) or red.attribute} [{red.attribute}]")
    add(red, "equity_cost_reduction", red.value, "pp", ("、" if zh else ", ").join(names))
    debt = yp.cost_of_debt
    add(debt, f"cost_of_debt.{debt.method}", debt.value, "%" if debt.value is not None else "")
    for cls, bands in yp.debt_surcharge.bands.items():
        for start, pp in bands:
            add(yp.debt_surcharge, f"debt_surcharge.{cls}", pp, "pp", f"≥ {start}%")
    for u in yp.unconfirmed:
        out.append(
            {
                "parameter": u.code,
                "label": u.name(lang),
                "value": None,
                "unit": "",
                "detail": "",
                "year": None,
                "source": "",
                "confirmed": False,
                "note": "",
            }
        )
    return out


PARAMETER_COLUMNS = [
    Column("parameter", "参数代码", "parameter"),
    Column("label", "参数", "label"),
    Column("value", "取值", "value", None, "right"),
    Column("unit", "单位", "unit"),
    Column("detail", "适用范围", "applies to"),
    Column("year", "起始年度", "from year", None, "right"),
    Column("source", "依据", "source"),
    Column("confirmed", "已确认", "confirmed"),
    Column("note", "备注", "note"),
]
