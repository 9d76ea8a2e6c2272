"""The targets of the last year for the top entity and the level-2 subsidiaries, set from the prior
year's actuals as a group would set them."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

import numpy as np
import pyarrow as pa

from guozi.demo.columns import COL, I64, TARGETS_SCHEMA
from guozi.demo.figures import Figures
from guozi.kernel.money import UNITS, to_unit


def targets_table(figures: Figures) -> pa.Table:
    """Targets of the last year for the top entity and the level-2 subsidiaries.

    Based on the prior year's actuals: a little above them for the indicators where
    higher is better, a ceiling near them for the debt ratio. Empty when the data do not
    reach back to a prior December.
    """
    year = figures.years[-1]
    if year - 1 not in figures.decembers and figures.ym[0][0] <= year - 1:
        for _ in figures.months():
            pass
    prior = figures.decembers.get(year - 1)
    rows: dict[str, list[object]] = {name: [] for name in TARGETS_SCHEMA.names}
    if prior is None:
        return pa.table(rows, schema=TARGETS_SCHEMA)
    opening = figures.decembers.get(year - 2, prior)
    indicators = _regime_indicators(year)
    for k, i in enumerate(np.flatnonzero(figures.tree.depth <= 1)):
        actual = _actuals(prior[k], opening[k])
        for indicator in indicators:
            target = _target(indicator, actual[indicator])
            if target is None:
                continue
            rows["entity_id"].append(figures.tree.ids[i])
            rows["year"].append(year)
            rows["indicator"].append(indicator)
            rows["target"].append(target)
    return pa.table(rows, schema=TARGETS_SCHEMA)


def _regime_indicators(year: int) -> tuple[str, ...]:
    """The indicators a year is assessed on (indicators.md, "Regimes")."""
    if year >= 2025:
        return ("total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity", "cash_collection_ratio")
    if year >= 2023:
        return ("total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity", "operating_cash_ratio")
    if year >= 2021:
        return (
            "total_profit",
            "net_profit",
            "debt_ratio",
            "revenue_profit_margin",
            "rd_intensity",
            "labor_productivity",
        )
    return ("total_profit", "net_profit", "debt_ratio", "revenue_profit_margin", "rd_intensity")


def _actuals(closing: I64, opening: I64) -> dict[str, Decimal | None]:
    """The regime indicators of one entity's December row (opening: the December before)."""

    def d(name: str, row: I64 = closing) -> Decimal:
        return Decimal(int(row[COL[name]]))

    def ratio(num: Decimal, den: Decimal) -> Decimal | None:
        return None if den == 0 else num / den * 100

    equity = (d("total_equity") + d("total_equity", opening)) / 2
    heads = (d("employees") + d("employees", opening)) / 2
    revenue = d("revenue")
    return {
        "total_profit": d("total_profit") / 100,
        "net_profit": d("net_profit") / 100,
        "debt_ratio": ratio(d("total_liabilities"), d("total_assets")),
        "roe": ratio(d("net_profit"), equity),
        "rd_intensity": ratio(d("rd_investment"), revenue),
        "labor_productivity": None if heads == 0 else d("value_added") / 100 / heads / 10000,
        "operating_cash_ratio": ratio(d("operating_cash_flow"), revenue),
        "cash_collection_ratio": ratio(d("cash_from_sales"), revenue),
        "revenue_profit_margin": ratio(d("total_profit"), revenue),
    }


def _target(indicator: str, actual: Decimal | None) -> str | None:
    """A realistic target from the prior year's actual, as an exact decimal string."""
    if actual is None:
        return None
    cent = Decimal("0.01")
    if indicator in ("total_profit", "net_profit"):
        # 6 % growth, or a loss cut by 30 %, rounded to 万元.
        value = actual * Decimal("1.06") if actual > 0 else actual * Decimal("0.7")
        rounded = to_unit(value, "万元").quantize(Decimal(1), ROUND_HALF_UP) * UNITS["万元"].factor
        return str(rounded.quantize(cent))
    if indicator == "debt_ratio":
        # A ceiling: the prior year end rounded up to the next half point.
        ceiling = ((actual + Decimal("0.2")) * 2).to_integral_value(ROUND_CEILING) / 2
        return str(ceiling.quantize(cent))
    step = {
        "roe": Decimal("0.2"),
        "rd_intensity": Decimal("0.1"),
        "operating_cash_ratio": Decimal("0.3"),
        "cash_collection_ratio": Decimal("0.5"),
        "revenue_profit_margin": Decimal("0.1"),
    }
    if indicator == "labor_productivity":
        return str((actual * Decimal("1.05")).quantize(cent, ROUND_HALF_UP))
    return str((actual + step[indicator]).quantize(cent, ROUND_HALF_UP))
