"""The monthly figures: each year's standalone flows, each month's standalone balances, and the
consolidation up the tree (a parent reports its own business plus its children's, less internal
sales and receivables), with the accounting identities exact in int64 fen."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from guozi.demo.columns import COL, COLUMNS, F64, FLOW_PRIMARY, I64, NF, NMONEY, NP, Bool
from guozi.demo.parameters import Parameters
from guozi.demo.tree import Tree

# December-heavy monthly weights of flows (share of the year).
SEASON = np.array([0.060, 0.064, 0.080, 0.080, 0.082, 0.090, 0.079, 0.080, 0.088, 0.081, 0.088, 0.128])


def floor_fen(yuan: F64) -> I64:
    """Amounts in yuan as whole fen, rounded down."""
    return np.floor(yuan * 100.0).astype(np.int64)


def floor_int(x: F64) -> I64:
    """``x`` rounded down to int64."""
    return np.floor(x).astype(np.int64)


def _flows_to_date(annual: I64, cumulative: F64, hump: F64, month: int) -> I64:
    """Year-to-date flows through ``month`` (0-11) from annual flows and seasonal shares."""
    flows = floor_int(annual * cumulative[:, month : month + 1])
    if month < 11:
        flows[:, COL["operating_cash_flow"]] -= floor_int(hump * math.sin(math.pi * (month + 1) / 12))
    return flows


def derive(values: I64, rows: I64) -> None:
    """Recompute the derived columns of ``rows`` from their primaries (in place)."""
    v = values[rows]
    col = COL
    operating_profit = v[:, col["total_profit"]] - v[:, col["_non_operating"]]
    v[:, col["operating_profit"]] = operating_profit
    v[:, col["operating_cost"]] = (
        v[:, col["revenue"]]
        - v[:, col["taxes_and_surcharges"]]
        - v[:, col["selling_expense"]]
        - v[:, col["admin_expense"]]
        - v[:, col["rd_expense"]]
        - v[:, col["finance_expense"]]
        + v[:, col["investment_income"]]
        - operating_profit
    )
    net = v[:, col["total_profit"]] - v[:, col["income_tax"]]
    v[:, col["net_profit"]] = net
    v[:, col["net_profit_parent"]] = net - v[:, col["_minority_profit"]]
    equity = v[:, col["total_assets"]] - v[:, col["total_liabilities"]]
    v[:, col["total_equity"]] = equity
    v[:, col["equity_parent"]] = equity - v[:, col["_minority_equity"]]
    v[:, col["value_added"]] = (
        v[:, col["labor_compensation"]]
        + v[:, col["depreciation"]]
        + v[:, col["net_production_tax"]]
        + v[:, col["operating_surplus"]]
    )
    values[rows] = v


class Figures:
    """The reported figures of the entities of ``tree`` with their ``params``, month by month over
    ``ym`` ((year, month 0-11) of each period); ``years`` as :class:`Parameters` has them."""

    def __init__(self, tree: Tree, params: Parameters, seed: int, ym: list[tuple[int, int]], years: list[int]) -> None:
        self.tree = tree
        self.params = params
        self.seed = seed
        self.ym = ym
        self.years = years
        self.decembers: dict[int, I64] = {}  # year → the December figures of the top two levels

    def _annual(self, j: int) -> tuple[I64, F64, F64]:
        """Annual standalone flows (fen) of year index ``j``, its cumulative seasonal shares
        (entities × 12) and the operating cash-flow hump (entities, fen)."""
        p = self.params
        n = self.tree.n
        rng = np.random.default_rng([self.seed, 3, self.years[j]])
        rev = p.revenue_path[:, j]
        ta0, ta1 = p.ta_dec[:, j - 1], p.ta_dec[:, j]
        dr0, dr1 = p.dr_dec[:, j - 1], p.dr_dec[:, j]
        ta_avg = (ta0 + ta1) / 2
        equity_avg = (ta0 * (1 - dr0) + ta1 * (1 - dr1)) / 2
        loss = p.loss[:, j]
        roe = np.where(loss, -rng.uniform(0.02, 0.15, n), p.roe + rng.normal(0.0, 0.01, n))
        net = roe * equity_avg
        t = p.tax_rate
        profit = np.minimum(np.maximum(net, 0.0) / (1 - t), 0.35 * rev)
        tax_on_loss = rev * rng.uniform(0.0, 0.002, n)
        tax = np.where(net > 0, profit * t, tax_on_loss)
        total_profit = np.where(net > 0, profit, net + tax_on_loss)
        non_operating = rev * rng.normal(0.001, 0.002, n)
        debt_avg = (ta0 * dr0 + ta1 * dr1) / 2 * p.ibd_sh
        interest = debt_avg * p.rate
        finance = interest * p.fin_sh
        rd_investment = rev * p.rd_r
        operating_surplus = total_profit - non_operating + finance
        heads = (p.emp_dec[:, j - 1] + p.emp_dec[:, j]) / 2
        taxes = rev * p.tas_r
        flows = {
            "revenue": rev,
            "taxes_and_surcharges": taxes,
            "selling_expense": rev * p.sell_r,
            "admin_expense": rev * p.adm_r,
            "rd_expense": rd_investment * p.rd_exp_sh,
            "finance_expense": finance,
            "interest_expense": interest,
            "investment_income": rev * (p.inv_r + rng.normal(0.0, 0.002, n)),
            "total_profit": total_profit,
            "_non_operating": non_operating,
            "income_tax": tax,
            "non_recurring_gain": rev * rng.normal(0.002, 0.003, n),
            "operating_cash_flow": rev * (p.ocf_r + rng.normal(0.0, 0.03, n) - 0.03 * loss),
            "cash_from_sales": rev * (p.csr + rng.normal(0.0, 0.02, n)),
            "rd_investment": rd_investment,
            "labor_compensation": heads * p.wage,
            "depreciation": ta_avg * p.dep_r,
            "net_production_tax": taxes + rev * p.npt_r,
            "operating_surplus": operating_surplus,
            "taxes_paid": rev * p.taxes_paid_r + tax,
            "fixed_asset_investment": ta_avg * p.fai_r,
            "sei_revenue": rev * p.sei_sh,
            "_minority_profit": np.zeros(n),
        }
        annual = np.stack([floor_fen(flows[name]) for name in FLOW_PRIMARY], axis=1)

        weights = SEASON[None, :] ** (1.0 + p.season_amp[:, None])
        weights = weights * (1.0 + rng.normal(0.0, 0.04, (n, 12))).clip(0.5, 1.5)
        cumulative = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
        cumulative[:, 11] = 1.0
        # Operating cash flow runs negative early in the year and catches up in December.
        hump = np.abs(flows["operating_cash_flow"]) * 0.6 + rev * 0.02
        return annual, cumulative, hump

    def _standalone(self, t: int, annual: I64, cumulative: F64, hump: F64) -> I64:
        """Each entity's own (standalone) primaries for period index ``t``."""
        tree = self.tree
        p = self.params
        n = tree.n
        year, m = self.ym[t]
        j = self.years.index(year)
        values = np.zeros((n, len(COLUMNS)), dtype=np.int64)
        values[:, :NF] = _flows_to_date(annual, cumulative, hump, m)
        if tree.founded is not None:
            # A new entity's flows count from its first month.
            e = tree.founded
            f_year, f_month = self.ym[int(tree.valid_from_t[e])]
            if f_year == year and f_month > 0:
                rows = slice(e, e + 1)
                values[e, :NF] -= _flows_to_date(annual[rows], cumulative[rows], hump[rows], f_month - 1)[0]

        rng = np.random.default_rng([self.seed, 4, t])
        noise = rng.normal(0.0, 1.0, (n, 2)) if m < 11 else np.zeros((n, 2))
        frac = (m + 1) / 12
        wave = math.sin(math.pi * frac)
        ta0, ta1 = p.ta_dec[:, j - 1], p.ta_dec[:, j]
        total_assets = floor_fen(ta0 * (ta1 / ta0) ** frac * (1.0 + 0.004 * noise[:, 0]))
        dr0, dr1 = p.dr_dec[:, j - 1], p.dr_dec[:, j]
        ratio = dr0 + (dr1 - dr0) * frac + 0.006 * wave + 0.002 * noise[:, 1]
        ta_f = total_assets.astype(np.float64)
        liabilities = floor_int(ta_f * ratio)
        current = floor_int(ta_f * p.ca_sh * (1.0 + 0.02 * wave))
        current_f = current.astype(np.float64)
        li_f = liabilities.astype(np.float64)
        stocks = {
            "total_assets": total_assets,
            "total_liabilities": liabilities,
            "current_assets": current,
            "cash": floor_int(current_f * p.cash_sh * (0.9 + 0.2 * frac)),
            "accounts_receivable": floor_int(current_f * p.ar_sh * (1.0 + 0.12 * wave)),
            "inventory": floor_int(current_f * p.inv_sh * (1.0 + 0.05 * wave)),
            "construction_in_progress": floor_int(ta_f * p.cip_sh),
            "current_liabilities": floor_int(li_f * p.cl_sh),
            "interest_bearing_debt": floor_int(li_f * p.ibd_sh),
            "employees": np.rint(p.emp_dec[:, j - 1] + (p.emp_dec[:, j] - p.emp_dec[:, j - 1]) * frac).astype(np.int64),
        }
        for name, column in stocks.items():
            values[:, COL[name]] = column
        return values

    def _consolidate(self, values: I64, active: Bool, parent: I64) -> None:
        """Turn standalone figures into reported ones, from the deepest level up (in place).

        A parent reports its own business plus its active children's reported figures, less
        internal sales (revenue and operating cost alike, and the cash received for them) and
        internal receivables (against current liabilities).
        """
        tree = self.tree
        p = self.params
        n = tree.n
        col = COL
        child_sum = np.zeros((n, NP), dtype=np.int64)
        has_children = np.zeros(n, dtype=np.bool_)
        for depth in range(len(tree.by_depth) - 1, -1, -1):
            rows = tree.by_depth[depth]
            parents = rows[has_children[rows]]
            if parents.size:
                self._eliminate(values, parents, child_sum[parents])
            quantum = tree.quantum[rows]
            coarse = rows[quantum > 1]
            if coarse.size:
                money = values[coarse, :NMONEY]
                values[coarse, :NMONEY] = money - money % tree.quantum[coarse][:, None]
            derive(values, rows)
            if depth == 0:
                break
            children = rows[active[rows]]
            if not children.size:
                continue
            contribution = values[children, :NP].copy()
            minority = 1.0 - p.own[children]
            contribution[:, col["_minority_profit"]] += floor_int(minority * values[children, col["net_profit_parent"]])
            contribution[:, col["_minority_equity"]] += floor_int(minority * values[children, col["equity_parent"]])
            owners = parent[children]
            order = np.argsort(owners, kind="stable")
            owners = owners[order]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            sums = np.add.reduceat(contribution[order], starts, axis=0)
            unique_owners = owners[starts]
            child_sum[unique_owners] += sums
            values[unique_owners, :NP] += sums
            has_children[unique_owners] = True

    def _eliminate(self, values: I64, parents: I64, sums: I64) -> None:
        """Take the internal sales and receivables out of the figures of ``parents`` (in place), given
        the sums of their children's reported figures."""
        p = self.params
        col = COL
        sales = floor_int(p.elim_rev[parents] * sums[:, col["revenue"]])
        child_rev = sums[:, col["revenue"]].astype(np.float64)
        sei_share = np.divide(
            sums[:, col["sei_revenue"]].astype(np.float64),
            child_rev,
            out=np.zeros(parents.size),
            where=child_rev > 0,
        )
        receivables = floor_int(p.elim_ar[parents] * sums[:, col["accounts_receivable"]])
        v = values[parents]
        v[:, col["revenue"]] -= sales
        v[:, col["cash_from_sales"]] -= sales
        v[:, col["sei_revenue"]] -= np.ceil(sales * sei_share).astype(np.int64)
        for name in (
            "accounts_receivable",
            "current_assets",
            "total_assets",
            "current_liabilities",
            "total_liabilities",
        ):
            v[:, col[name]] -= receivables
        values[parents] = v

    def months(self) -> Iterator[tuple[int, I64, Bool]]:
        """Reported figures of every entity, month by month: (period index, values, active)."""
        tree = self.tree
        annual_cache: tuple[int, tuple[I64, F64, F64]] | None = None
        target_rows = np.flatnonzero(tree.depth <= 1)
        for t, (year, month) in enumerate(self.ym):
            j = self.years.index(year)
            if annual_cache is None or annual_cache[0] != j:
                annual_cache = (j, self._annual(j))
            values = self._standalone(t, *annual_cache[1])
            active = (tree.valid_from_t <= t) & (t <= tree.valid_to_t)
            values[~active] = 0
            parent = tree.parent
            if tree.transfer is not None and t >= tree.transfer[2]:
                parent = parent.copy()
                parent[tree.transfer[0]] = tree.transfer[1]
            self._consolidate(values, active, parent)
            if month == 11:
                self.decembers[year] = values[target_rows].copy()
            yield t, values, active
