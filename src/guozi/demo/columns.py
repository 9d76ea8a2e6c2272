"""What the generator computes and emits: its internal value columns (int64: money in fen, employees
in persons), the items it can emit, the schemas of the three tables and the units figures are
printed in."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]

# Internal value columns, all int64: money in fen (分), employees in persons. Primary columns are
# generated or summed up the tree; derived columns are recomputed from them after every step, so
# the accounting identities hold exactly. Names starting with "_" are internal, never emitted.
FLOW_PRIMARY: tuple[str, ...] = (
    "revenue",
    "taxes_and_surcharges",
    "selling_expense",
    "admin_expense",
    "rd_expense",
    "finance_expense",
    "interest_expense",
    "investment_income",
    "total_profit",
    "_non_operating",  # total_profit - operating_profit
    "income_tax",
    "non_recurring_gain",
    "operating_cash_flow",
    "cash_from_sales",
    "rd_investment",
    "labor_compensation",
    "depreciation",
    "net_production_tax",
    "operating_surplus",
    "taxes_paid",
    "fixed_asset_investment",
    "sei_revenue",
    "_minority_profit",  # net_profit - net_profit_parent
)
STOCK_PRIMARY: tuple[str, ...] = (
    "total_assets",
    "total_liabilities",
    "current_assets",
    "cash",
    "accounts_receivable",
    "inventory",
    "construction_in_progress",
    "current_liabilities",
    "interest_bearing_debt",
    "_minority_equity",  # total_equity - equity_parent
    "employees",  # must stay the last primary column: it is not money
)
DERIVED: tuple[str, ...] = (
    "operating_profit",
    "operating_cost",
    "net_profit",
    "net_profit_parent",
    "total_equity",
    "equity_parent",
    "value_added",
)
COLUMNS = FLOW_PRIMARY + STOCK_PRIMARY + DERIVED
COL = {name: i for i, name in enumerate(COLUMNS)}
NF = len(FLOW_PRIMARY)
NP = NF + len(STOCK_PRIMARY)
NMONEY = NP - 1  # primary money columns: all primaries but employees

VA_COMPONENTS = ("labor_compensation", "depreciation", "net_production_tax", "operating_surplus")

# Every item the generator can emit, in the order of items.csv.
ALL_ITEMS: tuple[str, ...] = (
    "revenue",
    "operating_cost",
    "taxes_and_surcharges",
    "selling_expense",
    "admin_expense",
    "rd_expense",
    "finance_expense",
    "interest_expense",
    "investment_income",
    "operating_profit",
    "total_profit",
    "income_tax",
    "net_profit",
    "net_profit_parent",
    "non_recurring_gain",
    "total_assets",
    "current_assets",
    "cash",
    "accounts_receivable",
    "inventory",
    "construction_in_progress",
    "total_liabilities",
    "current_liabilities",
    "interest_bearing_debt",
    "total_equity",
    "equity_parent",
    "operating_cash_flow",
    "cash_from_sales",
    "rd_investment",
    "value_added",
    "labor_compensation",
    "depreciation",
    "net_production_tax",
    "operating_surplus",
    "employees",
    "taxes_paid",
    "fixed_asset_investment",
    "sei_revenue",
)

# The 30 items of the benchmark datasets: every regime indicator and EVA can be computed from them
# (ALL_ITEMS but investment income, the value-added components, taxes paid, fixed-asset investment, SEI revenue).
BENCH_ITEMS: tuple[str, ...] = tuple(
    i
    for i in ALL_ITEMS
    if i not in ("investment_income", *VA_COMPONENTS, "taxes_paid", "fixed_asset_investment", "sei_revenue")
)

ENTITIES_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("name", pa.string()),
        ("parent_id", pa.string()),
        ("industry", pa.string()),
        ("category", pa.string()),
        ("region", pa.string()),
        ("valid_from", pa.string()),
        ("valid_to", pa.string()),
    ]
)
FACTS_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("period", pa.string()),
        ("item", pa.string()),
        ("value", pa.string()),
        ("unit", pa.string()),
    ]
)
TARGETS_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("year", pa.int32()),
        ("indicator", pa.string()),
        ("target", pa.string()),
    ]
)

# Unit codes: the unit an entity reports in (facts.py prints an int64 value, fen or persons, in it).
UNIT_NAMES = ("元", "万元", "千元", "人")
U_YUAN, U_WAN, U_QIAN, U_PERSON = 0, 1, 2, 3
QUANTUM = np.array([1, 1, 100], dtype=np.int64)  # fen: 千元 with 3 decimals is whole yuan
