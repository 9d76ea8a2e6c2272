"""Units of the data contract and their exact factors to yuan (or persons)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from guozi.kernel.money import UNITS, format_money
from guozi.kernel.text import pick

# The factor that turns a value in the unit into yuan, exactly.
MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "yuan": Decimal(1),
    "千元": Decimal(1_000),
    "thousand": Decimal(1_000),
    "万元": Decimal(10_000),
    "10k": Decimal(10_000),
    "million": Decimal(1_000_000),
    "百万元": Decimal(1_000_000),
    "亿元": Decimal(100_000_000),
    "100m": Decimal(100_000_000),
    "billion": Decimal(1_000_000_000),
    "十亿元": Decimal(1_000_000_000),
}
PERSON_UNITS: dict[str, Decimal] = {"人": Decimal(1), "persons": Decimal(1)}
ALL_UNITS: dict[str, Decimal] = {**MONEY_UNITS, **PERSON_UNITS}

STORE_SCALE = 4  # decimals kept in the store: sub-fen precision, so every conversion is exact
# |value| in yuan, exclusive: 10^16 yuan (1 亿亿元) is far above any real enterprise (State Grid's
# total assets are about 5 x 10^12 yuan), so a value at or beyond it is a typo, refused at the edge.
STORE_LIMIT = Decimal(10) ** 16
# Digits of a stored value: 16 before the point (below STORE_LIMIT) plus STORE_SCALE after, with two
# to spare, so sums of many facts still fit. The store, the lake and the engine all use this type.
VALUE_PRECISION = 22
VALUE_TYPE = f"decimal({VALUE_PRECISION}, {STORE_SCALE})"
LIMIT_EXPONENT = 16  # STORE_LIMIT = 10 ** LIMIT_EXPONENT
LIMIT_ZH = "10^16 元（1 亿亿元）"  # how messages name STORE_LIMIT
LIMIT_EN = "10^16 yuan"
assert Decimal(10) ** LIMIT_EXPONENT == STORE_LIMIT

# Targets are in their indicator's unit (元, %, 人, 倍, 万元/人) and kept with 10 decimals (the
# store's decimal(38, 10)). An amount's target is bounded like a fact; a ratio's (%, 倍) by 10^6:
# a million per cent is no one's plan, and the bound keeps every product of the engine in range.
TARGET_SCALE = 10
TARGET_LIMIT_EXPONENT: dict[str, int] = {"%": 6, "倍": 6}  # others: LIMIT_EXPONENT

# The numbers the contract reads: plain or scientific decimals with ASCII digits, or thousands
# grouped by commas, every group of three (``1,234,567.5``; never ``1,0,0``).
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
GROUPED = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"
_NUMBER_RE = re.compile(NUMBER, re.ASCII)
_GROUPED_RE = re.compile(GROUPED, re.ASCII)
_PARTS = re.compile(r"^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$", re.ASCII)


def number_text(text: str) -> str | None:
    """``text`` (trimmed) as a plain number without grouping commas, or ``None`` if it is no number."""
    t = text.strip()
    if _NUMBER_RE.match(t):
        return t
    if _GROUPED_RE.match(t):
        return t.replace(",", "")
    return None


@dataclass(frozen=True)
class Exact:
    """A number read exactly: ``value`` (``None`` unless ``verdict`` is ``ok``) and why not."""

    value: Decimal | None
    verdict: Literal["ok", "range", "precision", "number"]


def exact_number(text: str, *, shift: int = 0, scale: int = STORE_SCALE, limit_exponent: int = LIMIT_EXPONENT) -> Exact:
    """``text`` × 10^``shift`` exactly, if it has at most ``scale`` decimals and is below 10^``limit_exponent``.

    No rounding anywhere: the digits are counted, never put through a float or a decimal context,
    so ``12345678.12345e0`` is refused (``precision``), not cut to ``12345678.1234``, and an
    exponent of any size is answered at once (``1e999999999`` is out of ``range``).
    """
    t = number_text(text)
    m = _PARTS.match(t) if t is not None else None
    if m is None:
        return Exact(None, "number")
    sign, whole, frac, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4) or "0"
    digits = (whole + frac).lstrip("0")
    if not digits:
        return Exact(Decimal(0).quantize(Decimal(1).scaleb(-scale)), "ok")
    e_digits = exp.lstrip("+-").lstrip("0") or "0"
    if len(e_digits) > 6:  # an exponent of a million or more: far outside any limit or scale
        return Exact(None, "precision" if exp.startswith("-") else "range")
    e = (-1 if exp.startswith("-") else 1) * int(e_digits) - len(frac) + shift
    significant = digits.rstrip("0")
    e += len(digits) - len(significant)  # value = ±significant × 10^e
    if e + len(significant) - 1 >= limit_exponent:
        return Exact(None, "range")
    if e < -scale:
        return Exact(None, "precision")
    value = Decimal(f"{sign}{significant}E{e}").quantize(Decimal(1).scaleb(-scale))
    return Exact(value, "ok")


def normalise_unit(text: str | None, *, persons: bool) -> str | None:
    """The canonical spelling of a unit, the default where empty, or ``None`` if unknown."""
    raw = (text or "").strip()
    if raw == "":
        return "人" if persons else "元"
    key = raw if raw in ALL_UNITS else raw.lower()
    if key not in ALL_UNITS:
        return None
    if persons != (key in PERSON_UNITS):
        return None
    return key


def allowed_units(*, persons: bool) -> str:
    """The units an item accepts, for error messages."""
    return " ".join(PERSON_UNITS if persons else MONEY_UNITS)


UNIT_NAMES_EN: dict[str, str] = {**{code: u.name("en") for code, u in UNITS.items()}, "人": "persons"}
THIN_SPACE = "\u2009"  # the thousands separator of messages: 1 250.00 万元


def unit_name(unit: str, lang: str) -> str:
    """A canonical unit as printed in ``lang``."""
    return pick(lang, unit, UNIT_NAMES_EN.get(unit, unit))


def grouped(value: Decimal, decimals: int) -> str:
    """``value`` rounded half-up to ``decimals`` places, thousands separated by a thin space."""
    q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{q:,.{decimals}f}".replace(",", THIN_SPACE)


def amount_text(
    value: Decimal | None, *, persons: bool, unit: str = "万元", decimals: int = 2, lang: str = "zh"
) -> str:
    """An amount held in yuan (or persons) as a message shows it: ``1 250.00 万元``, ``3 200 人``."""
    if value is None:
        return "—"
    if persons:
        return f"{grouped(value, 0)} {unit_name('人', lang)}"
    return format_money(value, chinese_money_unit(unit) or unit, lang, decimals=decimals, group=THIN_SPACE)


_CHINESE = {"yuan": "元", "thousand": "千元", "10k": "万元", "million": "百万元", "100m": "亿元", "billion": "十亿元"}


def chinese_money_unit(text: str) -> str | None:
    """The Chinese spelling of a money unit (``10k`` → ``万元``), or ``None`` if not a money unit."""
    key = normalise_unit(text, persons=False)
    if key is None or text.strip() == "":
        return None
    return _CHINESE.get(key, key)
