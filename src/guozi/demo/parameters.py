"""Each entity's parameters, drawn once: its ratios (turnover, debt, margins, shares of revenue and
of assets…), its yearly paths of revenue, assets, debt ratio and employees, and its years of loss."""

from __future__ import annotations

import math

import numpy as np

from guozi.demo.columns import F64
from guozi.demo.industries import INDUSTRIES
from guozi.demo.tree import Tree


class Parameters:
    """The parameters of the entities of ``tree``, drawn from ``seed``, over ``years`` (the year before
    the data first)."""

    def __init__(self, tree: Tree, seed: int, years: list[int]) -> None:
        rng = np.random.default_rng([seed, 2])
        revenue, productivity = self._draw_ratios(rng, tree)
        self._draw_paths(rng, tree.n, years, revenue, productivity)
        self._draw_losses(rng, tree, len(years))

    def _draw_ratios(self, rng: np.random.Generator, tree: Tree) -> tuple[F64, F64]:
        """The ratios; returns the base year's standalone revenue (yuan) and the productivity aimed at."""
        n = tree.n
        ind = tree.industry

        def per_industry(attr: str) -> F64:
            return np.array([getattr(x, attr) for x in INDUSTRIES], dtype=np.float64)[ind]

        # Standalone revenue of the base year (yuan): leaves from a few 千万 to tens of 亿.
        revenue = np.exp(rng.normal(math.log(2.5e8), 1.0, n))
        revenue = np.clip(revenue, 3e7, 8e9)
        parents = ~tree.leaf
        revenue[parents] = np.exp(rng.normal(math.log(3e8), 0.6, n))[parents]
        revenue[0] = 1.5e8 * (1 + 0.2 * rng.random())
        self.turnover = per_industry("turnover") * rng.lognormal(0.0, 0.2, n)
        self.debt = np.clip(per_industry("debt") + rng.normal(0.0, 0.06, n), 0.3, 0.88)
        self.roe = np.clip(rng.normal(0.07, 0.03, n), 0.005, 0.25)
        high_tech = np.isin(ind, [3, 5, 7, 12]) & (rng.random(n) < 0.5)
        self.tax_rate = np.where(high_tech, 0.15, 0.25)
        self.tas_r = rng.uniform(0.003, 0.012, n)
        self.sell_r = rng.uniform(0.004, 0.03, n)
        self.adm_r = rng.uniform(0.025, 0.05, n)
        self.rd_r = per_industry("rd") * rng.lognormal(0.1, 0.35, n)
        self.rd_exp_sh = rng.uniform(0.6, 0.85, n)
        self.fin_sh = rng.uniform(0.75, 1.0, n)
        self.rate = rng.uniform(0.028, 0.045, n)
        self.inv_r = rng.normal(0.004, 0.004, n)
        self.ocf_r = per_industry("ocf") + rng.normal(0.0, 0.04, n)
        self.csr = np.clip(rng.normal(1.05, 0.05, n), 0.85, 1.2)
        self.sei_sh = np.clip(per_industry("sei") * rng.uniform(0.5, 1.5, n), 0.0, 0.95)
        self.taxes_paid_r = rng.uniform(0.03, 0.06, n)
        self.fai_r = rng.uniform(0.03, 0.10, n)
        self.dep_r = rng.uniform(0.02, 0.045, n)
        self.npt_r = rng.uniform(0.015, 0.03, n)
        self.ibd_sh = rng.uniform(0.3, 0.55, n)
        self.cl_sh = rng.uniform(0.45, 0.75, n)
        self.ca_sh = np.clip(per_industry("current") + rng.normal(0.0, 0.05, n), 0.1, 0.88)
        shares = np.stack([rng.uniform(0.15, 0.3, n), rng.uniform(0.15, 0.35, n), rng.uniform(0.05, 0.3, n)])
        shares *= np.minimum(1.0, 0.75 / shares.sum(axis=0))
        self.cash_sh, self.ar_sh, self.inv_sh = shares[0], shares[1], shares[2]
        self.cip_sh = np.minimum(rng.uniform(0.01, 0.08, n), 0.5 * (1.0 - 1.02 * self.ca_sh))
        self.own = np.where(rng.random(n) < 0.7, 1.0, rng.uniform(0.51, 0.95, n))
        self.elim_rev = rng.uniform(0.03, 0.10, n)
        self.elim_ar = rng.uniform(0.05, 0.2, n)
        self.season_amp = rng.normal(0.0, 0.3, n)
        wage = 1.6e5 * rng.lognormal(0.0, 0.15, n)
        productivity = 8.2e5 * rng.lognormal(0.0, 0.2, n)
        self.wage = np.minimum(wage, 0.6 * productivity)
        return revenue, productivity

    def _draw_paths(self, rng: np.random.Generator, n: int, years: list[int], revenue: F64, productivity: F64) -> None:
        """Yearly paths of revenue, assets, debt ratio and employees."""
        # Yearly paths, one column per year of years (the first is the year before the data).
        ny = len(years)
        growth = np.clip(rng.normal(0.045, 0.035, n), -0.1, 0.2)
        yearly = np.clip(growth[:, None] + rng.normal(0.0, 0.05, (n, ny)), -0.3, 0.5)
        yearly[:, 0] = 0.0
        self.revenue_path = revenue[:, None] * np.cumprod(1.0 + yearly, axis=1)
        self.ta_dec = self.revenue_path / self.turnover[:, None] * (1.0 + rng.normal(0.0, 0.02, (n, ny)))
        drift = -0.003 * np.arange(ny)
        self.dr_dec = np.clip(self.debt[:, None] + drift[None, :] + rng.normal(0.0, 0.008, (n, ny)), 0.25, 0.92)
        # Employees so that value added per head is near `productivity`: VA = wage × heads + N
        # where N (depreciation, production taxes, operating surplus) is roughly proportional
        # to revenue.
        margin = np.maximum(self.roe * (1 - self.debt) / self.turnover / (1 - self.tax_rate), 0.0)
        interest = self.debt * self.ibd_sh * self.rate / self.turnover * self.fin_sh
        non_labour = self.dep_r / self.turnover + self.tas_r + self.npt_r + margin + interest
        revenue_per_head = np.clip((productivity - self.wage) / non_labour, 5e5, 3e7)
        heads = self.revenue_path / revenue_per_head[:, None]
        heads *= 1.0 + rng.normal(0.0, 0.02, (n, ny))
        self.emp_dec = np.maximum(np.rint(heads), 3.0)

    def _draw_losses(self, rng: np.random.Generator, tree: Tree, ny: int) -> None:
        """Which leaves lose money in which years."""
        n = tree.n
        # Loss-making leaves: a Markov chain over the years, so losses come in streaks.
        loss = np.zeros((n, ny), dtype=np.bool_)
        leaf = tree.leaf & (tree.depth > 0)
        draws = rng.random((n, ny))
        loss[:, 1] = leaf & (draws[:, 1] < 0.07)
        for j in range(2, ny):
            loss[:, j] = leaf & np.where(loss[:, j - 1], draws[:, j] < 0.55, draws[:, j] < 0.04)
        if ny >= 3:
            # A few leaves lose money in the last two years: a streak across a year boundary.
            candidates = np.flatnonzero(leaf)
            k = max(1, candidates.size // 60)
            forced = rng.choice(candidates, size=min(k, candidates.size), replace=False)
            loss[forced, -2:] = True
        self.loss = loss
