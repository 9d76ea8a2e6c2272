"""Units as printed in lists and annual reports (``USD million``, ``亿美元``, ``persons``) parsed into
a currency and a scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

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
