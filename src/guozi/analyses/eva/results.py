"""What the EVA computation gives: a row per entity or group with every step, and the report."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from guozi.analyses.eva.params import YearParams
from guozi.catalog.params import DebtLines
from guozi.kernel.periods import Period
from guozi.kernel.text import pick

# the EVA inputs: (field of EvaRow, indicator code)
INPUTS: tuple[tuple[str, str], ...] = (
    ("net_profit", "net_profit"),
    ("interest_expense", "eva_interest_expense"),
    ("rd_expense", "eva_rd_expense"),
    ("non_recurring_gain", "eva_non_recurring_gain"),
    ("avg_equity", "eva_avg_equity"),
    ("avg_interest_bearing_debt", "eva_avg_interest_bearing_debt"),
    ("avg_construction_in_progress", "eva_avg_construction_in_progress"),
    ("debt_ratio", "debt_ratio"),
    ("debt_ratio_opening", "debt_ratio_opening"),
)
# the amounts of a group's row: the sums of its members'
SUMMED = (
    "net_profit",
    "interest_expense",
    "rd_expense",
    "non_recurring_gain",
    "non_recurring_adjustment",
    "nopat_adjustment",
    "nopat",
    "avg_equity",
    "avg_interest_bearing_debt",
    "avg_construction_in_progress",
    "adjusted_capital",
    "capital_charge",
    "eva",
)
FEN = Decimal("0.01")


@dataclass(frozen=True)
class EvaRow:
    """The EVA of one entity (or group) and period with every step of its computation.

    Amounts are exact :class:`~decimal.Decimal` yuan (the capital charge rounded to the fen);
    rates, shares and debt ratios are Decimal percentages; ``None`` where an input is missing,
    with ``note_zh``/``note_en`` saying which. For a group (``view`` other than ``reported``)
    the amounts are sums over ``members`` and ``cost_of_capital`` is Σ charge / (Σ capital ×
    months / 12); the per-member rates stay empty.
    """

    entity_id: str
    name: str
    period: str
    view: str
    members: tuple[str, ...]
    months: int
    category: str = ""
    industry: str = ""
    industry_class: str = ""
    net_profit: Decimal | None = None
    interest_expense: Decimal | None = None
    rd_expense: Decimal | None = None
    non_recurring_gain: Decimal | None = None
    non_recurring_share: Decimal | None = None
    non_recurring_adjustment: Decimal | None = None
    tax_rate: Decimal | None = None
    nopat_adjustment: Decimal | None = None
    nopat: Decimal | None = None
    avg_equity: Decimal | None = None
    avg_interest_bearing_debt: Decimal | None = None
    avg_construction_in_progress: Decimal | None = None
    adjusted_capital: Decimal | None = None
    cost_of_equity_base: Decimal | None = None
    equity_cost_reduction: Decimal | None = None
    reduction_reason_zh: str = ""
    reduction_reason_en: str = ""
    cost_of_equity: Decimal | None = None
    cost_of_debt: Decimal | None = None
    debt_weight: Decimal | None = None
    equity_weight: Decimal | None = None
    weighted_cost: Decimal | None = None
    debt_ratio: Decimal | None = None
    debt_ratio_opening: Decimal | None = None
    debt_rose: bool | None = None
    surcharge: Decimal | None = None
    cost_of_capital: Decimal | None = None
    capital_charge: Decimal | None = None
    eva: Decimal | None = None
    unconfirmed: tuple[str, ...] = ()
    note_zh: str = ""
    note_en: str = ""

    def note(self, lang: str) -> str:
        """Why a figure is missing, in ``lang``."""
        return pick(lang, self.note_zh, self.note_en)


@dataclass(frozen=True)
class EvaReport:
    """The EVA rows of a period and the parameters they used."""

    period: Period
    view: str
    rows: tuple[EvaRow, ...]
    params: YearParams
    lines: DebtLines

    def frame(self) -> pd.DataFrame:
        """One row per entity or group, every step a column."""
        return pd.DataFrame([r.__dict__ for r in self.rows])

    def row(self, key: str) -> EvaRow:
        """The row of ``key``; :class:`KeyError` if there is none."""
        for r in self.rows:
            if r.entity_id == key:
                return r
        raise KeyError(key)
