"""The arithmetic of EVA: one entity's row from its own figures, and a group's as the sum of its members'.

EVA = NOPAT − adjusted capital × average cost of capital × months / 12; each step is kept in
the :class:`EvaRow`, and a step that cannot be worked out is ``None`` with the reason in its note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from guozi.analyses.common import to_decimal
from guozi.analyses.eva.params import YearParams
from guozi.analyses.eva.results import FEN, INPUTS, SUMMED, EvaRow
from guozi.catalog.params import DebtLines, IndustryClass, text
from guozi.kernel.periods import Period

_HUNDRED = Decimal(100)
_NO_FIGURES = (None, "没有数据", "no figures")


class _Missing:
    """What keeps a step from being worked out, in Chinese and English, in the order found."""

    def __init__(self) -> None:
        self.zh: list[str] = []
        self.en: list[str] = []

    def add(self, zh: str, en: str) -> None:
        self.zh.append(zh)
        self.en.append(en)


def entity_row(
    key: str,
    node: Mapping[str, Any],
    cells: Mapping[str, tuple[Any, str, str]],
    period: Period,
    yp: YearParams,
    lines: DebtLines,
) -> EvaRow:
    """The EVA of one entity from its own (reported) figures."""
    missing = _Missing()
    v: dict[str, Decimal | None] = {}
    for fld, _code in INPUTS:
        value, note_zh, note_en = cells.get(fld, _NO_FIGURES)
        v[fld] = to_decimal(value)
        if v[fld] is None and fld not in ("debt_ratio_opening",):
            missing.add(note_zh, note_en)
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

    category = text(node.get("category"))
    industry = text(node.get("industry"))
    ke_base, reduction, why_zh, why_en = _cost_of_equity(node, category, industry, yp, missing)
    ke = None if ke_base is None else ke_base - reduction
    kd: Decimal | None = None
    if yp.cost_of_debt.method == "rate":
        kd = yp.cost_of_debt.value
    elif ie is not None and d is not None and d != 0:
        kd = ie / d * Decimal(12) / Decimal(m) * _HUNDRED
    wd, we, wacc = _weighted_cost(d, e, kd, ke, keep, missing)
    cls = lines.industry_class(industry)
    ratio, opening = v["debt_ratio"], v["debt_ratio_opening"]
    surcharge, rose = _surcharge(ratio, opening, cls, lines, yp, cells, missing)
    coc = None if wacc is None or surcharge is None else wacc + surcharge
    charge = None
    if capital is not None and coc is not None:
        charge = (capital * coc / _HUNDRED * Decimal(m) / Decimal(12)).quantize(FEN, ROUND_HALF_UP)
    unconfirmed = [u.code for u in yp.unconfirmed if not (u.code == "part_year" and m == 12)]
    unconfirmed += [en.parameter for en in yp.entries() if not en.confirmed]
    return EvaRow(
        entity_id=key,
        name=text(node.get("name")) or key,
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
        eva=None if nopat is None or charge is None else nopat - charge,
        unconfirmed=tuple(dict.fromkeys(unconfirmed)),
        note_zh=_join_notes(missing.zh, "缺少：", "；"),
        note_en=_join_notes(missing.en, "missing: ", "; "),
    )


def _cost_of_equity(
    node: Mapping[str, Any], category: str, industry: str, yp: YearParams, missing: _Missing
) -> tuple[Decimal | None, Decimal, str, str]:
    """The cost of equity of the entity's category, the reduction that applies and why (zh, en)."""
    attrs = {str(k): text(x) for k, x in node.items()}
    ke_base = yp.cost_of_equity.values.get(category) if category else None
    if ke_base is None:
        if category:
            missing.add(f"企业类别 {category} 没有股权资本成本率参数", f"no cost of equity for the category {category}")
        else:
            missing.add(
                "企业未填类别（category），无法确定股权资本成本率",
                "the entity has no category, so its cost of equity is unknown",
            )
    reduced, why_zh, why_en = yp.reduced(industry, attrs)
    reduction = (yp.equity_cost_reduction.value or Decimal(0)) if reduced else Decimal(0)
    return ke_base, reduction, why_zh, why_en


def _weighted_cost(
    d: Decimal | None, e: Decimal | None, kd: Decimal | None, ke: Decimal | None, keep: Decimal, missing: _Missing
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The weights of debt and equity and the weighted cost of capital (%)."""
    wd = we = wacc = None
    if d is not None and e is not None:
        if d + e == 0:
            missing.add(
                "分母为零：平均带息负债＋平均所有者权益",
                "zero denominator: average interest-bearing debt + average equity",
            )
        else:
            wd, we = d / (d + e), e / (d + e)
            debt_part = Decimal(0) if d == 0 else (None if kd is None else kd * wd * keep)
            wacc = None if ke is None or debt_part is None else debt_part + ke * we
    return wd, we, wacc


def _surcharge(
    ratio: Decimal | None,
    opening: Decimal | None,
    cls: IndustryClass | None,
    lines: DebtLines,
    yp: YearParams,
    cells: Mapping[str, tuple[Any, str, str]],
    missing: _Missing,
) -> tuple[Decimal | None, bool | None]:
    """The debt-ratio surcharge (pp) and whether the ratio rose since the opening."""
    surcharge: Decimal | None = None
    rose: bool | None = None
    if ratio is None:
        return surcharge, rose
    band: Decimal | None
    if cls is not None:
        band = yp.surcharge(cls.code, ratio)
    else:
        adds = {yp.surcharge(k.code, ratio) for k in lines.classes}
        band = adds.pop() if len(adds) == 1 else None
        if band is None:
            missing.add(
                "企业未填行业（industry），无法确定资产负债率上浮档次",
                "the entity has no industry, so the debt-ratio surcharge band is unknown",
            )
    if band is not None:
        if opening is not None:
            rose = ratio > opening
        if band == 0:
            surcharge = Decimal(0)
        elif rose is None:
            _, nz, ne = cells.get("debt_ratio_opening", _NO_FIGURES)
            missing.add(f"年初资产负债率：{nz}", f"opening debt ratio: {ne}")
        else:
            surcharge = band if rose else Decimal(0)
    return surcharge, rose


def _join_notes(notes: Sequence[str], prefix: str, sep: str) -> str:
    """The panel's notes as one sentence: every "missing: …" under one prefix, the rest after."""
    missing = [n.removeprefix(prefix) for n in notes if n.startswith(prefix)]
    other = [n for n in notes if n and not n.startswith(prefix)]
    parts = ([prefix + sep.join(dict.fromkeys(missing))] if missing else []) + list(dict.fromkeys(other))
    return sep.join(parts)


def aggregate(key: str, name: str, view: str, members: Sequence[EvaRow], period: Period) -> EvaRow:
    """Σ members' NOPAT − Σ members' capital charges, each member at its own cost of capital."""
    sums: dict[str, Decimal | None] = {}
    for fld in SUMMED:
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
