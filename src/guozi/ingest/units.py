"""Units of the data contract and their exact factors to yuan (or persons)."""

from __future__ import annotations

from decimal import Decimal

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
STORE_LIMIT = Decimal(10) ** 14  # |value| in yuan; 100 万亿元, above any single enterprise


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
