"""A plain-polars reference for the 2025-regime panel, beside the pandas one (issue 18: "a user would try either").

The same panel as ``bench/pandas_panel.py`` — the same formulas written out by hand (its
:data:`FORMULAS`, :data:`USES`, :data:`UNITS`), the same notes, the same long layout — computed
the way a polars user would: a lazy, filtered Parquet scan, values parsed as exact
``Decimal(18, 4)``, one pivot, group sums with null counts, ratios in float64. The tree step
(each entity's level at the two periods) is the pandas reference's own :func:`nodes`, turned
into polars frames: both references time the same tree code. Nothing from guozi is used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

HERE = Path(__file__).resolve().parent


sys.path.insert(0, str(HERE))  # bench is not a package: its pandas reference, beside this file
import pandas_panel as pp  # noqa: E402 - after the path is set

AMOUNT = pl.Decimal(38, pp.SCALE)  # a group's sums: exact, 38 digits


def load(path: Path, code: int) -> pl.DataFrame:
    """The facts a panel at ``code`` needs, pivoted: one row per (entity_id, period code), one column per item."""
    periods = [pp.code_text(p) for p in pp.needed_periods(code)]
    facts = (
        pl.scan_parquet(path)
        .filter(pl.col("item").is_in(list(pp.ITEMS)) & pl.col("period").is_in(periods))
        .select(
            pl.col("entity_id").cast(pl.String),
            pl.col("period").str.replace("-", "", literal=True).cast(pl.Int64),
            pl.col("item").cast(pl.String),
            pl.col("value").str.strip_chars().cast(pl.Decimal(18, pp.SCALE), strict=True),
            pl.col("unit").fill_null("").cast(pl.String),
        )
        .collect()
    )
    odd = facts.filter(~pl.col("unit").is_in(list(pp.UNIT_OK)))
    if odd.height:
        raise ValueError(f"unit {odd['unit'][0]!r}: the reference reads figures in 元 and 人 only")
    if facts.select(pl.struct("entity_id", "period", "item").is_duplicated().any()).item():
        raise ValueError("several values for one (entity, period, item)")
    wide = facts.pivot(on="item", index=["entity_id", "period"], values="value", aggregate_function=None)
    missing = [pl.lit(None, dtype=pl.Decimal(18, pp.SCALE)).alias(i) for i in pp.ITEMS if i not in wide.columns]
    return wide.with_columns(missing).select("entity_id", "period", *pp.ITEMS)


def quantities(wide: pl.DataFrame, code: int) -> pl.DataFrame:
    """Each entity's summable quantities at ``code`` (exact decimals, null when missing)."""
    cur = wide.filter(pl.col("period") == code).drop("period")
    opening = wide.filter(pl.col("period") == pp.opening(code)).select(
        "entity_id", pl.col("total_equity").alias("equity_open"), pl.col("employees").alias("employees_open")
    )
    both = cur.join(opening, on="entity_id", how="full", coalesce=True)
    components = pl.sum_horizontal(*(pl.col(c) for c in pp.VA_COMPONENTS))
    components = pl.when(pl.all_horizontal(*(pl.col(c).is_not_null() for c in pp.VA_COMPONENTS))).then(components)
    return both.select(
        "entity_id",
        *(pl.col(c) for c in ("total_profit", "total_liabilities", "total_assets", "net_profit")),
        pl.col("equity_open"),
        pl.col("total_equity").alias("equity_close"),
        *(pl.col(c) for c in ("rd_investment", "revenue", "cash_from_sales")),
        pl.col("value_added").fill_null(components).alias("value_added"),  # coalesce before any sum
        # twice the average headcount keeps (opening + closing) / 2 exact
        (pl.col("employees_avg") * 2).fill_null(pl.col("employees_open") + pl.col("employees")).alias("employees_x2"),
    )


def members(frame: pd.DataFrame, view: str, level: int, by: str | None) -> pl.DataFrame:
    """(key, entity_id) of every member of every group, from the tree step's frame at one period."""
    ids = frame.index.to_numpy().astype(str)
    if view == "reported":
        return pl.DataFrame({"key": ids, "entity_id": ids})
    rows = frame[frame["level"] == level]
    ids = rows.index.to_numpy().astype(str)
    if by is None:
        keys = np.full(len(rows), f"level-{level}", dtype=object)
    else:
        col = rows[by].astype("object")
        keys = col.where(col.notna(), "").astype("str").to_numpy()
    return pl.DataFrame({"key": keys.astype(str), "entity_id": ids})


def group_sums(qty: pl.DataFrame, mem: pl.DataFrame) -> pl.DataFrame:
    """Σ of each quantity per key (null when a member lacks it), ``members``, and ``miss__q`` counts."""
    names = [c for c in qty.columns if c != "entity_id"]
    joined = mem.join(qty, on="entity_id", how="left")
    size = pl.len().alias("members")
    sums = [pl.col(q).cast(AMOUNT).sum().alias(f"sum__{q}") for q in names]
    counts = [pl.col(q).count().alias(f"n__{q}") for q in names]
    grouped = joined.group_by("key").agg(size, *sums, *counts).sort("key")
    return grouped.select(
        "key",
        "members",
        *(pl.when(pl.col(f"n__{q}") == pl.col("members")).then(pl.col(f"sum__{q}")).alias(q) for q in names),
        *((pl.col("members") - pl.col(f"n__{q}")).cast(pl.Int64).alias(f"miss__{q}") for q in names),
    )


def _ratio(num: pl.Expr, den: pl.Expr, scale: float) -> tuple[pl.Expr, pl.Expr]:
    d = den.cast(pl.Float64)
    return pl.when(d != 0).then(num.cast(pl.Float64) / d * scale), d == 0


def indicator_values(sums: pl.DataFrame) -> pl.DataFrame:
    """Each indicator on the group sums (``v__ind``; amounts exact) and where its denominator is zero (``z__ind``)."""
    c = pl.col
    exprs: dict[str, tuple[pl.Expr, pl.Expr]] = {
        "total_profit": (c("total_profit"), pl.lit(False)),
        "debt_ratio": _ratio(c("total_liabilities"), c("total_assets"), 100.0),
        "roe": _ratio(c("net_profit"), (c("equity_open") + c("equity_close")).cast(pl.Float64) / 2, 100.0),
        "rd_intensity": _ratio(c("rd_investment"), c("revenue"), 100.0),
        "cash_collection_ratio": _ratio(c("cash_from_sales"), c("revenue"), 100.0),
    }
    lp, lp_zero = _ratio(c("value_added"), c("employees_x2").cast(pl.Float64) / 2, 1.0)
    exprs["labor_productivity"] = (lp / 10000, lp_zero)
    return sums.with_columns(
        *(v.alias(f"v__{k}") for k, (v, _) in exprs.items()), *(z.alias(f"z__{k}") for k, (_, z) in exprs.items())
    )


def panel(
    wide: pl.DataFrame, tree: Any, code: int, *, view: str = "reported", level: int = 1, by: str | None = None
) -> pd.DataFrame:
    """The six indicators at ``code`` with prior-year values, in the long layout of ``pandas_panel.panel``."""
    at: dict[int, pl.DataFrame] = {}
    for c in (code, pp.prior_year(code)):
        frame = tree.at.get(c)
        if frame is None:
            raise KeyError(f"the tree was not built for {pp.code_text(c)}")
        at[c] = indicator_values(group_sums(quantities(wide, c), members(frame, view, level, by)))
    cur = at[code]
    prior = at[pp.prior_year(code)].select("key", *(pl.col(f"v__{i}").alias(f"p__{i}") for i in pp.INDICATORS))
    both = cur.join(prior, on="key", how="left")
    notes_input = both.select("members", *(c for c in both.columns if c.startswith("miss__"))).to_pandas()
    keys = both["key"].to_list()
    names = [tree.names.get(str(k), str(k)) for k in keys]
    parts: list[pd.DataFrame] = []
    for order, ind in enumerate(pp.INDICATORS):
        v, p = both[f"v__{ind}"], both[f"p__{ind}"]
        if pp.UNITS[ind] == "元":
            change = (v.cast(AMOUNT) - p.cast(AMOUNT)).to_list()
            v_obj, p_obj = v.to_list(), p.to_list()
            cf = pl.Series([None if x is None else float(x) for x in change], dtype=pl.Float64)
            pf = pl.Series([None if x is None else float(x) for x in p_obj], dtype=pl.Float64)
        else:
            cf, pf = v - p, p
            v_obj, p_obj, change = v.to_list(), p.to_list(), cf.to_list()
        growth = pl.select(pl.when(pf != 0).then(cf / pf.abs() * 100)).to_series().to_list()
        empty = v.is_null().to_numpy()
        zero = both[f"z__{ind}"].fill_null(False).to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "entity_id": keys,
                    "period": pp.code_text(code),
                    "indicator": ind,
                    "value": pd.Series(v_obj, dtype=object),
                    "unit": pp.UNITS[ind],
                    "note_zh": pp._notes(notes_input, ind, zero, empty, "zh"),
                    "note_en": pp._notes(notes_input, ind, zero, empty, "en"),
                    "prior_value": pd.Series(p_obj, dtype=object),
                    "change": pd.Series(change, dtype=object),
                    "growth": pd.Series(growth, dtype=object),
                    "name": names,
                    "view": view,
                    "members": both["members"].to_numpy(),
                    "_order": order,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True).sort_values(["entity_id", "_order"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)
