"""Yearly average exchange rates (``reference/exchange_rates.csv``, a user's files overriding or
adding by year and currency).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from guozi.analyses.benchmark.params import read_rows
from guozi.catalog import data_path
from guozi.kernel.errors import InvalidInputError, NotFoundError, Problem

RATES_FILE = "reference/exchange_rates.csv"
HOME_CURRENCY = "CNY"


@dataclass(frozen=True)
class Rate:
    """A yearly average exchange rate: yuan per unit of ``currency``."""

    year: int
    currency: str
    cny_per_unit: Decimal
    source: str


@dataclass(frozen=True)
class ExchangeRates:
    """Yearly average rates by (year, currency), with their sources."""

    rates: dict[tuple[int, str], Rate]
    files: tuple[str, ...]

    def rate(self, year: int, currency: str) -> Rate:
        """The rate of ``currency`` in ``year``; raise :class:`NotFoundError` if none is loaded."""
        if currency == HOME_CURRENCY:
            return Rate(year, HOME_CURRENCY, Decimal(1), "")
        try:
            return self.rates[(year, currency)]
        except KeyError:
            have = ", ".join(f"{y} {c}" for y, c in sorted(self.rates)) or "—"
            raise NotFoundError(
                f"没有 {year} 年 {currency} 对人民币的年平均汇率（已有：{have}）；请用 --rates 文件补充",
                f"no {year} average rate of {currency} to yuan (loaded: {have}); add it with --rates FILE",
            ) from None

    def to_cny(self, amount: Decimal, currency: str, year: int) -> Decimal:
        """``amount`` of ``currency`` in yuan at the yearly average rate of ``year``, exactly."""
        return amount * self.rate(year, currency).cny_per_unit


def load_rates(files: Sequence[Path] = ()) -> ExchangeRates:
    """The shipped yearly average rates, then each of ``files`` overriding or adding by (year, currency)."""
    paths = [data_path(RATES_FILE), *files]
    rates: dict[tuple[int, str], Rate] = {}
    problems: list[Problem] = []
    for path in paths:
        for line, rec in read_rows(Path(path)):
            try:
                year = int(rec.get("year", ""))
                cur = rec.get("currency", "").strip().upper()
                value = Decimal(rec.get("cny_per_unit", ""))
                if not re.fullmatch(r"[A-Z]{3}", cur) or not value.is_finite() or value <= 0:
                    raise ValueError
            except (ValueError, InvalidOperation):
                problems.append(
                    Problem(
                        "rates.row",
                        "汇率行应有 year、currency（三位代码）和正的 cny_per_unit",
                        "a rate row needs year, currency (3-letter code) and a positive cny_per_unit",
                        file=str(path),
                        row=line,
                        expected="year,currency,cny_per_unit,source",
                        found=",".join(rec.values()),
                    )
                )
                continue
            rates[(year, cur)] = Rate(year, cur, value, rec.get("source", ""))
    if problems:
        raise InvalidInputError(problems=problems)
    return ExchangeRates(rates, tuple(str(p) for p in paths))
