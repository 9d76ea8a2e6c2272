"""Numbers of the targets and verdicts: rounding for comparisons, the panel's types, and numbers in words."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from guozi.analyses.common import to_decimal
from guozi.kernel.money import DEFAULT_UNIT, format_money
from guozi.kernel.text import pick

if TYPE_CHECKING:
    from guozi.catalog.model import Indicator

FEN = Decimal("0.01")


def rounded(value: Any, decimals: int) -> Decimal | None:
    """``value`` rounded half up to ``decimals`` places, as compared (None stays None)."""
    d = to_decimal(value)
    return None if d is None else d.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def typed(value: Decimal | None, ind: Indicator) -> Decimal | float | None:
    """A computed value in the panel's type for ``ind``: Decimal for amounts, float for ratios."""
    if value is None:
        return None
    return value if ind.is_amount else float(value)


def show(value: Any, unit: str, lang: str) -> str:
    """A number for a sentence: money in 万元, ratios with two decimals."""
    d = to_decimal(value)
    if d is None:
        return "—"
    if unit == "元":
        return format_money(d, DEFAULT_UNIT, lang)
    if unit == "%":
        return f"{d.quantize(FEN, ROUND_HALF_UP)}%"
    if unit == "人":
        return pick(lang, f"{d.quantize(Decimal(1), ROUND_HALF_UP):,} 人", f"{d:,.0f} persons")
    return f"{d.quantize(FEN, ROUND_HALF_UP)} {unit}"
