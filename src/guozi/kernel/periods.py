"""Periods: the month a figure is reported for, as ``YYYY-MM`` outside and ``YYYYMM`` inside."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)  # ASCII digits only: not ٢٠٢٥ nor ²⁰²⁵
FIRST_YEAR = 1900  # the years a period may have: anything else is a typo, refused at the edge
LAST_YEAR = 2999
RANGE_TEXT = f"{FIRST_YEAR}-01 … {LAST_YEAR}-12"  # how messages name the range of periods


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month; ``Period.parse("2025-06")``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"not a period: {self.year}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``YYYY-MM``; raise ``ValueError`` on anything else."""
        m = _PERIOD.match(text.strip())
        if m is None:
            raise ValueError(f"not a period (YYYY-MM): {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def from_code(cls, code: int) -> Period:
        """The period of a ``YYYYMM`` integer code."""
        return cls(code // 100, code % 100)

    @property
    def code(self) -> int:
        """``YYYYMM`` as an integer: how the store and the engine key periods."""
        return self.year * 100 + self.month

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Period:
        """The period ``months`` later (earlier when negative)."""
        i = self.index + months
        return Period(i // 12, i % 12 + 1)

    @property
    def prior_year(self) -> Period:
        """The same month of the previous year (上年同期)."""
        return Period(self.year - 1, self.month)

    @property
    def opening(self) -> Period:
        """The previous December, whose stocks are this year's opening balances (年初数)."""
        return Period(self.year - 1, 12)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def period_range(start: Period, end: Period) -> list[Period]:
    """Every month from ``start`` to ``end`` inclusive."""
    return [start.shift(k) for k in range(end.index - start.index + 1)]
