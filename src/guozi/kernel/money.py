"""Money as a reader sees it: amounts are kept in yuan, exact, and shown in a unit (元, 万元, 亿元 …).

This is the one place that converts an amount to a unit and writes it with its digits grouped:

    to_unit(Decimal("8433211209.23"), "万元")      == Decimal("843321.120923")   # exact
    money_figure(Decimal("8433211209.23"), "亿元")  == "84.33"                    # rounded half up
    format_money(Decimal("8433211209.23"), "万元", "zh") == "843,321.12 万元"
    format_money(Decimal("8433211209.23"), "万元", "en") == "843,321.12 10k yuan"

The unit is always a parameter (tables show 万元 by default, :data:`DEFAULT_UNIT`), so a command can
let its user choose any of :data:`DISPLAY_UNITS`. The units are data: :data:`UNITS` holds each one's
factor to yuan and its names in both languages. Reading a unit *from input files* (with its English
aliases such as ``10k``) is :mod:`guozi.kernel.units`; its factors are these.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Final

from guozi.kernel.errors import GuoziError
from guozi.kernel.text import Text


@dataclass(frozen=True)
class MoneyUnit:
    """A unit money is shown in: its code (the Chinese name), its factor to yuan and its names."""

    code: str
    factor: Decimal  # yuan in one unit, a power of ten
    label: Text

    def name(self, lang: str) -> str:
        """The unit's name in ``lang``: 万元 / 10k yuan."""
        return self.label.in_(lang)


UNITS: Final[dict[str, MoneyUnit]] = {
    u.code: u
    for u in (
        MoneyUnit("元", Decimal(1), Text("元", "yuan")),
        MoneyUnit("千元", Decimal(1_000), Text("千元", "thousand yuan")),
        MoneyUnit("万元", Decimal(10_000), Text("万元", "10k yuan")),
        MoneyUnit("百万元", Decimal(1_000_000), Text("百万元", "million yuan")),
        MoneyUnit("亿元", Decimal(100_000_000), Text("亿元", "100m yuan")),
        MoneyUnit("十亿元", Decimal(1_000_000_000), Text("十亿元", "billion yuan")),
    )
}
DISPLAY_UNITS: Final[tuple[str, ...]] = ("元", "万元", "亿元")  # what a reader may choose to see money in
DEFAULT_UNIT: Final = "万元"  # tables and sentences show money in 万元 unless told otherwise
NO_VALUE: Final = "—"  # a missing amount is shown as a dash, never as zero

# The one rounding of every figure shown (pages, CLI tables, Excel text, the report, messages):
# 四舍五入, half up, as Chinese finance practice writes figures (0.125 → 0.13, 2.5 → 3); stored and
# machine-readable values (csv, json) are never rounded.
ROUNDING: Final = ROUND_HALF_UP


def exact_decimal(value: Decimal | float | int | str | None) -> Decimal | None:
    """``value`` as a Decimal: a float by its shortest repr (0.125 stays 0.125, 2.675 stays 2.675,
    not its binary neighbour), NaN and None as ``None`` (missing is not zero)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return None if value.is_nan() else value
    if isinstance(value, float):
        return None if math.isnan(value) else Decimal(repr(value))
    return Decimal(str(value))


def half_up(value: Decimal | float | int | str, decimals: int = 2) -> Decimal:
    """``value`` rounded to ``decimals`` places the one way figures are shown (:data:`ROUNDING`)."""
    d = exact_decimal(value)
    if d is None:
        raise ValueError("no value to round")
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUNDING)


def figure(
    value: Decimal | float | int | str | None, decimals: int = 2, *, signed: bool = False, group: str = ","
) -> str:
    """A number as shown: rounded half up to ``decimals`` places, thousands grouped by ``group``
    (``""`` for none), ``+`` before a positive figure if ``signed``, never ``-0.00``; ``—`` if missing."""
    d = exact_decimal(value)
    if d is None:
        return NO_VALUE
    q = half_up(d, decimals)
    if q == 0:
        q = abs(q)
    text = f"{q:+,.{decimals}f}" if signed else f"{q:,.{decimals}f}"
    return text if group == "," else text.replace(",", group)


MOST_DECIMALS: Final = 4  # a change or a rate is shown to at most four decimals to keep its decision


def decisive_decimals(
    value: Decimal | float | int | str | None, mark: Decimal | int = 0, decimals: int = 2, most: int = MOST_DECIMALS
) -> int:
    """Decimals enough that ``value`` off ``mark`` does not show as the mark itself: ``decimals`` (two),
    more while a value that is not the mark would round (half up) to it, at most ``most``.

    A change of +0.0012 point against 0 is shown to 3 (「+0.001 个百分点」, never 「+0.00」 beside
    实现提升); a completion of 99.997 % against 100 to 3 (「99.997%」, never 「100.00%」 beside 未达标);
    0.00004 stays at 4 (0.0000: at most four decimals); 0.29, 0 and a missing value keep 2.
    """
    d = exact_decimal(value)
    if d is None:
        return decimals
    while decimals < most and d != mark and half_up(d, decimals) == mark:
        decimals += 1
    return decimals


def points(value: Decimal | float | int | str | None, *, most: int = MOST_DECIMALS, group: str = ",") -> str:
    """A change of a percentage in points, signed, with the digits that decide it and without the
    unit's name: ``+0.29``, ``+0.001`` (not ``+0.00``), ``-0.004``, ``0.00`` for no change (a shown
    zero has no sign), ``—`` if missing. ``most`` caps the decimals (a comparison made at six
    decimals shows up to six)."""
    d = exact_decimal(value)
    if d is None:
        return NO_VALUE
    decimals = decisive_decimals(d, 0, most=most)
    return figure(d, decimals, signed=half_up(d, decimals) != 0, group=group)


def money_unit(unit: str) -> MoneyUnit:
    """The unit named ``unit`` (its Chinese code: ``万元``); an unknown one is refused in both languages."""
    try:
        return UNITS[unit]
    except KeyError:
        choices = " ".join(UNITS)
        raise GuoziError(
            f"金额单位应为 {choices} 之一，实为 {unit}", f"the money unit must be one of {choices}, not {unit}"
        ) from None


def to_unit(value: Decimal | int | str, unit: str) -> Decimal:
    """``value`` yuan in ``unit``, exactly: the factor is a power of ten, so nothing is rounded.

    Floats are refused: they carry binary noise; convert them first as the caller's source requires.
    """
    if isinstance(value, float):
        raise TypeError("to_unit takes a Decimal, an int or a decimal string, not a float")
    with localcontext() as ctx:
        ctx.prec = 60  # far above the store's 22 digits: the division is exact
        return Decimal(value) / money_unit(unit).factor


def money_figure(
    value: Decimal | int | str | None,
    unit: str = DEFAULT_UNIT,
    *,
    decimals: int = 2,
    signed: bool = False,
    group: str = ",",
) -> str:
    """The figure of ``value`` yuan in ``unit``, without the unit's name: ``843,321.12``.

    Rounded half up to ``decimals`` places (:data:`ROUNDING`, the one rule of every figure shown),
    thousands grouped by ``group`` (a comma; a thin space in messages), with ``+`` before a positive
    figure if ``signed``.
    """
    if value is None:
        return NO_VALUE
    q = to_unit(value, unit).quantize(Decimal(1).scaleb(-decimals), rounding=ROUNDING)
    text = f"{q:+,}" if signed else f"{q:,}"
    return text if group == "," else text.replace(",", group)


def format_money(
    value: Decimal | int | str | None,
    unit: str = DEFAULT_UNIT,
    lang: str = "zh",
    *,
    decimals: int = 2,
    signed: bool = False,
    group: str = ",",
    gap: str = " ",
) -> str:
    """``value`` yuan in ``unit`` with the unit's name in ``lang``: ``843,321.12 万元`` / ``843,321.12 10k yuan``.

    ``gap`` stands between the figure and the name (Chinese sentences write none: ``843,321.12万元``).
    """
    if value is None:
        return NO_VALUE
    figure = money_figure(value, unit, decimals=decimals, signed=signed, group=group)
    return f"{figure}{gap}{money_unit(unit).name(lang)}"
