"""A plain-pandas reference for the 2025-regime panel: the benchmark's baseline and an independent engine check."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # only to compare the formulas below with the catalogue's; nothing else from guozi
    from guozi.catalog.model import Catalog

# This module re-implements, by hand and with pandas alone (no DuckDB, no Ibis, no guozi engine),
# the definitions of /work/shared/spec/indicators.md for the indicators of the 2025 regime
# ("一利五率 (2025)"). It is an oracle, not a second engine: the formulas are written out here
# on purpose, and :func:`catalog_differences` says when the catalogue no longer defines them so.
FORMULAS: dict[str, str] = {
    "total_profit": "total_profit",
    "debt_ratio": "total_liabilities / total_assets",
    "roe": "net_profit / avg(total_equity)",
    "rd_intensity": "rd_investment / revenue",
    "labor_productivity": "value_added / average_employees / 10000",
    "cash_collection_ratio": "cash_from_sales / revenue",
    "value_added": "coalesce(value_added, labor_compensation + depreciation + net_production_tax + operating_surplus)",
    "average_employees": "coalesce(employees_avg, avg(employees))",
}
INDICATORS: tuple[str, ...] = (
    "total_profit",
    "debt_ratio",
    "roe",
    "rd_intensity",
    "labor_productivity",
    "cash_collection_ratio",
)
UNITS: dict[str, str] = {
    "total_profit": "元",
    "debt_ratio": "%",
    "roe": "%",
    "rd_intensity": "%",
    "labor_productivity": "万元/人",
    "cash_collection_ratio": "%",
}
VA_COMPONENTS: tuple[str, ...] = ("labor_compensation", "depreciation", "net_production_tax", "operating_surplus")
ITEMS: tuple[str, ...] = (
    "total_profit",
    "total_liabilities",
    "total_assets",
    "net_profit",
    "total_equity",
    "rd_investment",
    "revenue",
    "cash_from_sales",
    "value_added",
    *VA_COMPONENTS,
    "employees_avg",
    "employees",
)
# The summable quantities (per entity, before any sum), with the label of a note naming them.
QUANTITIES: dict[str, tuple[str, str]] = {
    "total_profit": ("利润总额（本年累计）", "total profit (year to date)"),
    "total_liabilities": ("负债总额（期末）", "total liabilities (closing)"),
    "total_assets": ("资产总额（期末）", "total assets (closing)"),
    "net_profit": ("净利润（本年累计）", "net profit (year to date)"),
    "equity_open": ("所有者权益（年初）", "total equity (opening)"),
    "equity_close": ("所有者权益（期末）", "total equity (closing)"),
    "rd_investment": ("研发经费投入（本年累计）", "R&D investment (year to date)"),
    "revenue": ("营业收入（本年累计）", "revenue (year to date)"),
    "cash_from_sales": ("销售商品、提供劳务收到的现金（本年累计）", "cash from sales (year to date)"),
    "value_added": ("增加值", "value added"),
    "employees_x2": ("平均从业人员", "average employees"),
}
# indicator: (numerator quantities, denominator quantities); an empty denominator: an amount.
USES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "total_profit": (("total_profit",), ()),
    "debt_ratio": (("total_liabilities",), ("total_assets",)),
    "roe": (("net_profit",), ("equity_open", "equity_close")),
    "rd_intensity": (("rd_investment",), ("revenue",)),
    "labor_productivity": (("value_added",), ("employees_x2",)),
    "cash_collection_ratio": (("cash_from_sales",), ("revenue",)),
}
SCALE = 4  # decimals kept, as in the store's decimal(18, 4): every value is an exact integer of 10⁻⁴
UNIT_OK = ("", "元", "yuan", "人")  # figures must be in 元 (persons for employees): no unit conversion here
_INT64_MAX = 2**63 - 1
_VALUE = r"-?\d+(?:\.\d{1,4})?"

Read = Literal["filtered", "all"]
View = Literal["reported", "level"]


def period_code(text: str) -> int:
    """``YYYY-MM`` as the integer ``YYYYMM``."""
    year, month = text.split("-")
    return int(year) * 100 + int(month)


def opening(code: int) -> int:
    """The previous December (年初数 date) of a ``YYYYMM`` code."""
    return (code // 100 - 1) * 100 + 12


def prior_year(code: int) -> int:
    """The same month one year earlier."""
    return code - 100


def needed_periods(code: int) -> list[int]:
    """The fact periods a panel at ``code`` with prior-year values reads: closings and openings."""
    return sorted({code, opening(code), prior_year(code), opening(prior_year(code))})


def code_text(code: int) -> str:
    """``YYYYMM`` as ``YYYY-MM``."""
    return f"{code // 100:04d}-{code % 100:02d}"


# ------------------------------------------------------------------------------------ load


def read_facts(path: Path, code: int, *, read: Read = "filtered") -> pd.DataFrame:
    """The facts a panel at ``code`` needs, in long form (entity_id, period, item, value, unit).

    ``filtered`` lets the Parquet reader skip what is not needed (only the items and periods the
    panel reads); ``all`` reads the whole file and filters in pandas.
    """
    periods = [code_text(p) for p in needed_periods(code)]
    columns = ["entity_id", "period", "item", "value", "unit"]
    if read == "filtered":
        return pd.read_parquet(path, columns=columns, filters=[("item", "in", list(ITEMS)), ("period", "in", periods)])
    facts = pd.read_parquet(path)
    if "unit" not in facts.columns:
        facts["unit"] = ""
    keep = facts["item"].isin(ITEMS) & facts["period"].isin(periods)
    return facts.loc[keep, columns].reset_index(drop=True)


def scaled(values: pd.Series) -> pd.Series:
    """Exact decimal strings as integers of 10⁻⁴ (``"-12.5"`` → ``-125000``); raise on anything else."""
    text = values.astype("str").str.strip()
    bad = ~text.str.fullmatch(_VALUE)
    if bad.any():
        raise ValueError(f"not a decimal number with at most {SCALE} decimals: {text[bad].iloc[0]!r}")
    parts = text.str.partition(".")
    whole = parts[0].astype("int64")
    frac = parts[2].str.pad(SCALE, side="right", fillchar="0").astype("int64")
    sign = np.where(parts[0].str.startswith("-"), -1, 1)
    return pd.Series(whole.to_numpy() * 10**SCALE + sign * frac.to_numpy(), index=values.index, dtype="Int64")


def wide_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per (entity_id, period code), one ``Int64`` column per item of :data:`ITEMS`."""
    if "unit" in facts.columns:
        units = facts["unit"].fillna("").astype("str")
        odd = ~units.isin(UNIT_OK)
        if odd.any():
            raise ValueError(f"unit {units[odd].iloc[0]!r}: the reference reads figures in 元 and 人 only")
    frame = pd.DataFrame(
        {
            "entity_id": facts["entity_id"].astype("str"),
            "period": facts["period"].astype("str").str.replace("-", "", regex=False).astype("int64"),
            "item": facts["item"].astype("str"),
            "value": scaled(facts["value"]),
        }
    )
    dup = frame.duplicated(["entity_id", "period", "item"])
    if dup.any():
        raise ValueError(f"several values for one (entity, period, item): {frame[dup].iloc[0].to_dict()}")
    wide = frame.pivot(index=["entity_id", "period"], columns="item", values="value")
    wide = wide.reindex(columns=list(ITEMS)).astype("Int64")
    wide.columns.name = None
    return wide


def load(path: Path, code: int, *, read: Read = "filtered") -> pd.DataFrame:
    """Read and pivot the facts of ``path`` (a facts file) for a panel at ``code``."""
    return wide_facts(read_facts(path, code, read=read))


# ------------------------------------------------------------------------------------ tree


@dataclass(frozen=True)
class Nodes:
    """The entities valid at each period code: parent, level (1 = no parent) and their columns."""

    at: dict[int, pd.DataFrame]  # code -> frame indexed by entity_id
    names: dict[str, str]  # entity_id -> name of its latest row


def _bound(column: pd.Series, default: int) -> pd.Series:
    text = column.astype("object").where(column.notna(), None)
    return pd.Series(
        [default if v is None or str(v).strip() == "" else period_code(str(v)) for v in text],
        index=column.index,
        dtype="int64",
    )


def nodes(entities: pd.DataFrame, codes: Sequence[int]) -> Nodes:
    """Each entity's row valid at each of ``codes``, with its level in the tree of that period."""
    ent = entities.reset_index(drop=True).copy()
    ent["entity_id"] = ent["entity_id"].astype("str")
    for col in ("parent_id", "valid_from", "valid_to"):
        if col not in ent.columns:
            ent[col] = None
    parent = ent["parent_id"].astype("object")
    ent["parent_id"] = parent.where(parent.notna() & (parent.astype("str").str.strip() != ""), None)
    start = _bound(ent["valid_from"], 0)
    end = _bound(ent["valid_to"], 999999)
    at: dict[int, pd.DataFrame] = {}
    for code in sorted(set(codes)):
        rows = ent[(start <= code) & (end >= code)].set_index("entity_id")
        if rows.index.has_duplicates:
            raise ValueError(f"entity {rows.index[rows.index.duplicated()][0]} has two rows valid at {code}")
        parents = rows["parent_id"]
        level = pd.Series(1, index=rows.index, dtype="int64")
        up = parents.copy()
        for _ in range(len(rows) + 1):
            has = up.notna()
            if not has.any():
                break
            level += has.astype("int64")
            up = up.map(parents).where(has, None)
        else:
            raise ValueError(f"the ownership at {code} forms a cycle")
        rows = rows.assign(level=level)
        at[code] = rows
    latest = ent.assign(_end=end).sort_values("_end", kind="stable")
    names = (
        dict(zip(latest["entity_id"], latest["name"].astype("str"), strict=True)) if "name" in latest.columns else {}
    )
    return Nodes(at=at, names=names)


# ------------------------------------------------------------------------------------ panel


def quantities(wide: pd.DataFrame, code: int) -> pd.DataFrame:
    """Each entity's summable quantities at ``code`` (``Int64`` of 10⁻⁴, missing as ``<NA>``)."""
    entities = wide.index.get_level_values("entity_id").unique()

    def at(period: int) -> pd.DataFrame:
        rows = wide[wide.index.get_level_values("period") == period].droplevel("period")
        return rows.reindex(entities)

    cur, open_ = at(code), at(opening(code))
    components = cur[VA_COMPONENTS[0]]
    for c in VA_COMPONENTS[1:]:
        components = components + cur[c]
    return pd.DataFrame(
        {
            "total_profit": cur["total_profit"],
            "total_liabilities": cur["total_liabilities"],
            "total_assets": cur["total_assets"],
            "net_profit": cur["net_profit"],
            "equity_open": open_["total_equity"],
            "equity_close": cur["total_equity"],
            "rd_investment": cur["rd_investment"],
            "revenue": cur["revenue"],
            "cash_from_sales": cur["cash_from_sales"],
            # coalesce entity by entity, before any sum
            "value_added": cur["value_added"].fillna(components),
            # twice the average headcount keeps (opening + closing) / 2 an exact integer
            "employees_x2": (cur["employees_avg"] * 2).fillna(open_["employees"] + cur["employees"]),
        },
        index=entities,
    )


def _members(frame: pd.DataFrame, code: int, view: View, level: int, by: str | None) -> pd.DataFrame:
    """(key, entity_id) of every member of every group at ``code``."""
    if view == "reported":
        return pd.DataFrame({"key": frame.index.to_numpy(), "entity_id": frame.index.to_numpy()})
    rows = frame[frame["level"] == level]
    if by is None:
        key = pd.Series(f"level-{level}", index=rows.index)
    else:
        if by not in rows.columns:
            raise KeyError(f"no entity column {by}")
        col = rows[by].astype("object")
        key = col.where(col.notna(), "").astype("str")
    return pd.DataFrame({"key": key.to_numpy(), "entity_id": rows.index.to_numpy()})


def group_sums(qty: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Σ of each quantity per key, ``<NA>`` when a member lacks it; ``members`` the count."""
    joined = qty.reindex(members["entity_id"].to_numpy())
    joined.index = pd.Index(members["key"].to_numpy(), name="key")
    size = joined.groupby(level="key", sort=True).size()
    if size.empty:
        return pd.DataFrame({"members": size})
    peak = int(joined.abs().max().max(skipna=True)) if joined.notna().any().any() else 0
    if peak * int(size.max()) > _INT64_MAX:
        raise OverflowError("a group sum could exceed int64 at 10⁻⁴ yuan")
    grouped = joined.groupby(level="key", sort=True)
    sums = grouped.sum(min_count=1)
    counts = grouped.count()
    out = sums.where(counts.eq(size, axis=0)).astype("Int64")
    out["members"] = size.astype("int64")
    for q in qty.columns:
        out[f"miss__{q}"] = (size - counts[q]).astype("int64")
    return out


def _ratio(num: pd.Series, den: pd.Series, scale: float) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """num / den × scale in float, NaN when either is missing; and where den is zero."""
    n = num.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    d = den.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    zero = d == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(zero, np.nan, n / d) * scale
    return value, zero


def indicator_values(sums: pd.DataFrame) -> dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """Each indicator on the group sums: (values, zero denominator) with NaN where not computable.

    Amounts come back as float-free object arrays of exact integers of 10⁻⁴ (``None`` when missing).
    """
    s = sums
    out: dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = {}
    tp = s["total_profit"]
    out["total_profit"] = (
        np.array([None if pd.isna(v) else int(v) for v in tp], dtype=object),
        np.zeros(len(s), dtype=bool),
    )
    out["debt_ratio"] = _ratio(s["total_liabilities"], s["total_assets"], 100.0)
    # avg(total_equity) over the group: (Σ opening + Σ closing) / 2
    out["roe"] = _ratio(s["net_profit"], (s["equity_open"] + s["equity_close"]).astype("Float64") / 2, 100.0)
    out["rd_intensity"] = _ratio(s["rd_investment"], s["revenue"], 100.0)
    # value added / average employees / 10 000 (万元 per person)
    lp, lp_zero = _ratio(s["value_added"], s["employees_x2"].astype("Float64") / 2, 1.0)
    out["labor_productivity"] = (lp / 10000, lp_zero)
    out["cash_collection_ratio"] = _ratio(s["cash_from_sales"], s["revenue"], 100.0)
    return out


def _amount(v: Any) -> Decimal | None:
    return None if v is None else Decimal(int(v)).scaleb(-SCALE)


def _float(v: float) -> float | None:
    return None if math.isnan(v) else float(v)


def _notes(
    sums: pd.DataFrame, code: str, zero: np.ndarray[Any, Any], empty: np.ndarray[Any, Any], lang: str
) -> list[str]:
    """Why each empty value is empty: the quantities some member lacks, else the zero denominator."""
    num, den = USES[code]
    pos = 0 if lang == "zh" else 1
    members = sums["members"].to_numpy()
    missing = {q: sums[f"miss__{q}"].to_numpy() for q in (*num, *den)}
    notes = [""] * len(sums)
    for i in np.flatnonzero(empty):
        parts: list[str] = []
        for q, m in missing.items():
            if m[i] == 0:
                continue
            label = QUANTITIES[q][pos]
            if members[i] == 1:
                parts.append(label)
            elif lang == "zh":
                parts.append(f"{label}（{m[i]}/{members[i]} 家企业未报）")
            else:
                parts.append(f"{label} ({m[i]} of {members[i]} entities lack it)")
        if parts:
            notes[i] = ("缺少：" + "；".join(parts)) if lang == "zh" else ("missing: " + "; ".join(parts))
        elif zero[i]:
            notes[i] = "分母为零" if lang == "zh" else "zero denominator"
        else:
            notes[i] = "无法计算" if lang == "zh" else "cannot be computed"
    return notes


def panel(
    wide: pd.DataFrame,
    tree: Nodes,
    code: int,
    *,
    view: View = "reported",
    level: int = 1,
    by: str | None = None,
) -> pd.DataFrame:
    """The six indicators at ``code`` with prior-year values, in the engine's long layout.

    Columns: entity_id (or group key), period, indicator, value, unit, note_zh, note_en,
    prior_value, change, growth, name, view, members. Amounts are exact :class:`Decimal`, ratios
    ``float``, ``None`` where not computable.
    """
    results: dict[int, tuple[pd.DataFrame, dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]]] = {}
    for c in (code, prior_year(code)):
        frame = tree.at.get(c)
        if frame is None:
            raise KeyError(f"the tree was not built for {code_text(c)}")
        sums = group_sums(quantities(wide, c), _members(frame, c, view, level, by))
        results[c] = (sums, indicator_values(sums))
    sums, values = results[code]
    prior_sums, prior_values = results[prior_year(code)]
    keys = sums.index.to_numpy()
    where_prior = prior_sums.index.get_indexer(pd.Index(keys))
    parts: list[pd.DataFrame] = []
    for ind in INDICATORS:
        value, zero = values[ind]
        pv_all, _ = prior_values[ind]
        pv = np.array([pv_all[i] if i >= 0 else None for i in where_prior], dtype=object)
        if UNITS[ind] == "元":
            v_obj = np.array([_amount(x) for x in value], dtype=object)
            p_obj = np.array([_amount(x) for x in pv], dtype=object)
            change = np.array([None if a is None or b is None else a - b for a, b in zip(v_obj, p_obj, strict=True)])
        else:
            v_obj = np.array([_float(x) for x in value], dtype=object)
            p_obj = np.array([None if x is None else _float(x) for x in pv], dtype=object)
            change = np.array([None if a is None or b is None else a - b for a, b in zip(v_obj, p_obj, strict=True)])
        growth = np.array(
            [
                None if c is None or b == 0 else float(c) / abs(float(b)) * 100
                for c, b in zip(change, p_obj, strict=True)
            ],
            dtype=object,
        )
        empty = np.array([x is None for x in v_obj])
        parts.append(
            pd.DataFrame(
                {
                    "entity_id": keys,
                    "period": code_text(code),
                    "indicator": ind,
                    "value": pd.Series(v_obj, dtype=object),
                    "unit": UNITS[ind],
                    "note_zh": _notes(sums, ind, zero, empty, "zh"),
                    "note_en": _notes(sums, ind, zero, empty, "en"),
                    "prior_value": pd.Series(p_obj, dtype=object),
                    "change": pd.Series(change, dtype=object),
                    "growth": pd.Series(growth, dtype=object),
                    "name": [tree.names.get(str(k), str(k)) for k in keys],
                    "view": view,
                    "members": sums["members"].to_numpy(),
                    "_order": INDICATORS.index(ind),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True).sort_values(["entity_id", "_order"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


# ------------------------------------------------------------------------------------ checks


def catalog_differences(catalog: Catalog) -> list[str]:
    """Where the catalogue's formulas or units differ from those this reference implements."""
    out: list[str] = []
    for code, formula in FORMULAS.items():
        ind = catalog.indicators.get(code)
        if ind is None:
            out.append(f"{code}: not in the catalogue")
        elif (ind.formula or "").replace(" ", "") != formula.replace(" ", ""):
            out.append(f"{code}: the catalogue says {ind.formula!r}, the reference implements {formula!r}")
        elif code in UNITS and ind.unit != UNITS[code]:
            out.append(f"{code}: unit {ind.unit!r} in the catalogue, {UNITS[code]!r} here")
    return out


def _same(a: Any, b: Any, amount: bool, rel: float, scale: float) -> bool:
    """Equal amounts, or floats within ``rel`` of the larger of |a|, |b| and ``scale``."""
    if a is None or b is None:
        return a is None and b is None
    if amount:
        return Decimal(a) == Decimal(b)
    return abs(float(a) - float(b)) <= rel * max(abs(float(a)), abs(float(b)), scale)


def _magnitude(*values: Any) -> float:
    return max([abs(float(v)) for v in values if v is not None] + [0.0])


def compare(engine: pd.DataFrame, reference: pd.DataFrame, *, rel: float = 1e-9, limit: int = 20) -> list[str]:
    """Where an engine panel and the reference differ (empty when they agree).

    Rows are matched on (entity_id, period, indicator). Amounts must be equal exactly; ratios
    within ``rel`` relative. A change is held to ``rel`` of the larger of value and prior value
    and a growth to that over the prior value (× 100), so that the difference of two close
    ratios is not asked to be more precise than the ratios themselves. An empty value must be
    empty in both, with a note in both; the member counts must be equal.
    """
    key = ["entity_id", "period", "indicator"]
    cols = ["value", "prior_value", "change", "growth", "members", "note_zh"]
    e = engine[key + cols].set_index(key)
    r = reference[key + cols].set_index(key)
    problems: list[str] = []
    problems += [f"only in the engine: {k}" for k in e.index.difference(r.index)[:limit]]
    problems += [f"only in the reference: {k}" for k in r.index.difference(e.index)[:limit]]
    both = e.index.intersection(r.index)
    e, r = e.loc[both], r.loc[both]
    for k, er, rr in zip(both, e.itertuples(index=False), r.itertuples(index=False), strict=True):
        amount = UNITS.get(str(k[2]), "") == "元"
        size = _magnitude(er.value, er.prior_value, rr.value, rr.prior_value)
        prior = _magnitude(er.prior_value, rr.prior_value)
        checks: dict[str, tuple[Any, Any, bool, float]] = {
            "value": (er.value, rr.value, amount, 0.0),
            "prior_value": (er.prior_value, rr.prior_value, amount, 0.0),
            "change": (er.change, rr.change, amount, size),
            "growth": (er.growth, rr.growth, False, size / prior * 100 if prior else 0.0),
        }
        for name, (a, b, exact, scale) in checks.items():
            if not _same(a, b, exact, rel, scale):
                problems.append(f"{k} {name}: engine {a!r}, reference {b!r}")
        if str(er.members) != str(rr.members):
            problems.append(f"{k} members: engine {er.members}, reference {rr.members}")
        if (er.value is None) != (er.note_zh != "") or (rr.value is None) != (rr.note_zh != ""):
            problems.append(f"{k} note: engine {er.note_zh!r}, reference {rr.note_zh!r}")
        if len(problems) >= limit:
            break
    return problems
