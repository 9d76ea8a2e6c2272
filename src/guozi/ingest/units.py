"""Units of the data contract and their exact factors to yuan (or persons)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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


UNIT_NAMES_EN: dict[str, str] = {
    "元": "yuan",
    "千元": "thousand yuan",
    "万元": "10k yuan",
    "百万元": "million yuan",
    "亿元": "100m yuan",
    "十亿元": "billion yuan",
    "人": "persons",
}
THIN_SPACE = "\u2009"  # the thousands separator of messages: 1 250.00 万元


def unit_name(unit: str, lang: str) -> str:
    """A canonical unit as printed in ``lang``."""
    return unit if lang == "zh" else UNIT_NAMES_EN.get(unit, unit)


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
    return f"{grouped(value / MONEY_UNITS[unit], decimals)} {unit_name(unit, lang)}"


_CHINESE = {"yuan": "元", "thousand": "千元", "10k": "万元", "million": "百万元", "100m": "亿元", "billion": "十亿元"}


def chinese_money_unit(text: str) -> str | None:
    """The Chinese spelling of a money unit (``10k`` → ``万元``), or ``None`` if not a money unit."""
    key = normalise_unit(text, persons=False)
    if key is None or text.strip() == "":
        return None
    return _CHINESE.get(key, key)
