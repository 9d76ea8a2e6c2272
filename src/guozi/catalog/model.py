"""The vocabulary: items, indicators, regimes and their target rules, as immutable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from guozi.catalog.formula import Node
from guozi.kernel.errors import NotFoundError
from guozi.kernel.text import pick

Kind = Literal["flow", "stock"]
Direction = Literal["higher", "lower", "none"]
UNITS = ("元", "%", "万元/人", "倍", "人")


@dataclass(frozen=True)
class Item:
    """A reported line (an item code of the data contract)."""

    code: str
    name_zh: str
    name_en: str
    kind: Kind
    statement: str
    unit: str
    note: str = ""

    def name(self, lang: str) -> str:
        """The item's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)


@dataclass(frozen=True)
class Indicator:
    """A computed figure: its formula, unit and which direction is better."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    formula: str | None
    tree: Node | None
    source: str
    year: int | None = None
    since: int | None = None
    confirmed: bool = True
    note: str = ""
    computed_by: str = ""
    origin: str = ""  # the catalogue file the definition came from

    def name(self, lang: str) -> str:
        """The indicator's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)

    @property
    def is_amount(self) -> bool:
        """Money or persons, summed exactly; not a ratio."""
        return self.unit in ("元", "人")


@dataclass(frozen=True)
class Clause:
    """One clause of a regime's target rule, e.g. "debt ratio stable within 1 pp"."""

    indicator: str
    test: str
    value: Decimal | None = None
    reference: str = ""
    parameter: str = ""


@dataclass(frozen=True)
class Regime:
    """The indicators a range of years is assessed on, and that period's target rule."""

    code: str
    name_zh: str
    name_en: str
    from_year: int
    to_year: int | None
    indicators: tuple[str, ...]
    phrase_zh: str = ""
    phrase_en: str = ""
    clauses: tuple[Clause, ...] = ()
    confirmed: bool = True  # False: carried over or inferred, not published (``note`` says why)
    source: str = ""
    note: str = ""

    def name(self, lang: str) -> str:
        """The regime's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)

    def covers(self, year: int) -> bool:
        """Whether ``year`` is assessed under this regime."""
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True)
class Catalog:
    """Everything guozi knows about the vocabulary, loaded from versioned data files."""

    items: dict[str, Item]
    indicators: dict[str, Indicator]
    regimes: tuple[Regime, ...]
    parameters: dict[str, Decimal] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def regime_for(self, year: int) -> Regime:
        """The regime in force in ``year`` (the latest one starting on or before it)."""
        covering = [r for r in self.regimes if r.covers(year)]
        if not covering:
            raise NotFoundError(f"{year} 年没有适用的考核指标体系", f"no regime covers the year {year}")
        return max(covering, key=lambda r: r.from_year)

    def regime(self, code: str) -> Regime:
        """The regime with ``code``, or the one in force in the year ``code``."""
        for r in self.regimes:
            if r.code == code:
                return r
        if code.isdigit():
            return self.regime_for(int(code))
        raise NotFoundError(f"未知的考核指标体系：{code}", f"unknown regime: {code}")

    def indicator(self, code: str) -> Indicator:
        """The indicator ``code``; raise :class:`NotFoundError` naming it."""
        try:
            return self.indicators[code]
        except KeyError:
            raise NotFoundError(f"未知指标：{code}", f"unknown indicator: {code}") from None

    def computable(self) -> list[str]:
        """The indicators the formula engine computes (those with a formula)."""
        return [c for c, i in self.indicators.items() if i.tree is not None]
