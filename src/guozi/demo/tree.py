"""The group's tree and entities: levels, parents, industries, categories, names, regions, reporting
units, and the structural changes of the period (one transfer, one disposal, one foundation)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from guozi.demo.columns import ENTITIES_SCHEMA, I64, QUANTUM, U_QIAN, U_WAN, U_YUAN
from guozi.demo.industries import BRANDS, CATEGORIES, CITIES, GROUP_NAME, ID_PREFIX, INDUSTRIES, ORDINALS


def _tree_shape(n: int) -> tuple[int, int, int]:
    """Sizes of levels 2, 3 and 4 (the top is level 1) for a group of ``n`` entities."""
    rest = n - 1
    n2 = min(18, max(1 if rest else 0, rest // 10))
    below = rest - n2
    if below > 5000:
        n3 = below // 20
        return n2, n3, below - n3
    return n2, below, 0


def _spread(rng: np.random.Generator, children: int, parents: int, sigma: float) -> I64:
    """How many of ``children`` each of ``parents`` gets (lognormal weights)."""
    weights = rng.lognormal(0.0, sigma, parents)
    weights /= weights.sum()
    base = 1 if children >= parents else 0
    counts = rng.multinomial(children - base * parents, weights) + base
    return np.asarray(counts, dtype=np.int64)


class Tree:
    """The ``n`` entities of the group (index 0 is the top), drawn from ``seed``.

    ``periods`` are the months of the data (``YYYY-MM``), ``years`` the years of the data with the
    year before them first; the changes of the structure fall on some of them.
    """

    def __init__(self, n: int, seed: int, *, unit_mix: bool, periods: list[str], years: list[int]) -> None:
        self.n = n
        self.periods = periods
        self.years = years
        rng = np.random.default_rng([seed, 1])
        n2, n3, n4 = _tree_shape(n)
        self._build_levels(rng, n2, n3, n4)
        self._build_industries(rng, n2)
        self._build_names(rng, n2)
        self._build_units(rng, unit_mix)
        self._build_changes(rng)

    def _build_levels(self, rng: np.random.Generator, n2: int, n3: int, n4: int) -> None:
        """Depths, parents, leaves and ids."""
        n = self.n
        depth = np.zeros(n, dtype=np.int64)
        parent = np.full(n, -1, dtype=np.int64)
        depth[1 : 1 + n2] = 1
        parent[1 : 1 + n2] = 0
        start3 = 1 + n2
        if n3:
            counts = _spread(rng, n3, n2, 0.6)
            parent[start3 : start3 + n3] = np.repeat(np.arange(1, 1 + n2), counts)
            depth[start3 : start3 + n3] = 2
        start4 = start3 + n3
        if n4:
            counts = _spread(rng, n4, n3, 0.8)
            parent[start4:] = np.repeat(np.arange(start3, start3 + n3), counts)
            depth[start4:] = 3
        self.depth = depth
        self.parent = parent
        has_child = np.zeros(n, dtype=np.bool_)
        has_child[parent[parent >= 0]] = True
        self.leaf = ~has_child
        self.by_depth = [np.flatnonzero(depth == d) for d in range(int(depth.max()) + 1)]

        width = max(5, len(str(n)))
        self.ids = [f"{ID_PREFIX}{i + 1:0{width}d}" for i in range(n)]

    def _build_industries(self, rng: np.random.Generator, n2: int) -> None:
        """Industries: level 2 cycles through the list, everything below follows its parent."""
        n, depth, parent = self.n, self.depth, self.parent
        industry = np.zeros(n, dtype=np.int64)
        industry[1 : 1 + n2] = np.arange(n2) % len(INDUSTRIES)
        for d in range(2, len(self.by_depth)):
            rows = self.by_depth[d]
            industry[rows] = industry[parent[rows]]
        self.industry = industry
        category = np.array([CATEGORIES.index(INDUSTRIES[k].category) for k in industry], dtype=np.int64)
        # Some subsidiaries of commercial groups carry the other commercial class.
        flip = (depth >= 2) & (category < 2) & (rng.random(n) < 0.1)
        category[flip] = 1 - category[flip]
        category[0] = 0
        self.category = category

    def _build_names(self, rng: np.random.Generator, n2: int) -> None:
        """Names and regions: level 2 from its industry, below from a city, a brand and a word."""
        n, industry = self.n, self.industry
        names: list[str] = [GROUP_NAME]
        regions: list[str] = ["北京市"]
        for k in range(n2):
            names.append(INDUSTRIES[k % len(INDUSTRIES)].names[(k // len(INDUSTRIES)) % 2])
            regions.append("北京市")
        seen: dict[str, int] = {}
        city = rng.integers(0, len(CITIES), n)
        brand = rng.integers(0, len(BRANDS), n)
        word = rng.integers(0, 1000, n)
        for i in range(1 + n2, n):
            words = INDUSTRIES[industry[i]].words
            base = f"{CITIES[city[i]][0]}{BRANDS[brand[i]]}{words[word[i] % len(words)]}"
            k = seen.get(base, 0)
            seen[base] = k + 1
            # A name already taken becomes a numbered branch (分公司) of the first one.
            ordinal = ORDINALS[k - 1] if k <= len(ORDINALS) else str(k + 1)
            names.append(f"{base}有限公司" + (f"第{ordinal}分公司" if k else ""))
            regions.append(CITIES[city[i]][1])
        self.names = names
        self.regions = regions

    def _build_units(self, rng: np.random.Generator, unit_mix: bool) -> None:
        """Units: most report in 元, some in 万元 or 千元; the top always in 元."""
        n = self.n
        unit = np.zeros(n, dtype=np.int8)
        if unit_mix:
            draw = rng.random(n)
            unit[draw < 0.15] = U_QIAN
            unit[draw < 0.10] = U_WAN
            unit[0] = U_YUAN
        self.unit = unit
        self.quantum = QUANTUM[unit]
        self.va_direct = rng.random(n) >= 0.2  # the others report only the four components

    def _build_changes(self, rng: np.random.Generator) -> None:
        """One transfer, one disposal and one foundation among the level-3 leaves."""
        n, months = self.n, len(self.periods)
        self.valid_from_t = np.zeros(n, dtype=np.int64)
        self.valid_to_t = np.full(n, months - 1, dtype=np.int64)
        self.transfer: tuple[int, int, int] | None = None  # entity, new parent, first period
        self.disposed: int | None = None
        self.founded: int | None = None
        leaves = np.flatnonzero(self.leaf & (self.depth == 2))
        if leaves.size < 3:
            leaves = np.flatnonzero(self.leaf & (self.depth == self.depth.max()) & (self.depth > 0))
        if leaves.size < 3:
            return
        picks = [int(i) for i in rng.choice(leaves, size=3, replace=False)]
        last_year = self.years[-1]
        data_years = self.years[1:]
        transfer_t = self._index(f"{last_year:04d}-01")
        if transfer_t is not None and transfer_t > 0:
            # Prefer a move between two parents of the same industry (two 工程局, say).
            kind = self.depth * len(INDUSTRIES) + self.industry
            twins = np.bincount(kind)[kind[self.parent[leaves]]] >= 2
            movable = leaves[twins & ~np.isin(leaves, picks[1:])]
            e = int(movable[rng.integers(0, movable.size)]) if movable.size else picks[0]
            old = self.parent[e]
            peers = np.flatnonzero(kind == kind[old]) if movable.size else np.flatnonzero(self.depth == self.depth[old])
            peers = peers[peers != old]
            if peers.size:
                self.transfer = (e, int(peers[rng.integers(0, peers.size)]), transfer_t)
        middle = data_years[(len(data_years) - 1) // 2]
        disposal_t = self._index(f"{middle:04d}-12")
        if disposal_t is not None and disposal_t < months - 1:
            self.disposed = picks[1]
            self.valid_to_t[picks[1]] = disposal_t
        if months >= 3:
            self.founded = picks[2]
            self.valid_from_t[picks[2]] = months // 2

    def _index(self, period: str) -> int | None:
        try:
            return self.periods.index(period)
        except ValueError:
            return None

    def entities_table(self) -> pa.Table:
        """The entities with the contract's columns; a transferred entity has two rows."""
        rows: dict[str, list[str | None]] = {name: [] for name in ENTITIES_SCHEMA.names}

        def add(i: int, parent: int, valid_from: str | None, valid_to: str | None) -> None:
            rows["entity_id"].append(self.ids[i])
            rows["name"].append(self.names[i])
            rows["parent_id"].append(self.ids[parent] if parent >= 0 else None)
            rows["industry"].append("C" if i == 0 else INDUSTRIES[self.industry[i]].code)
            rows["category"].append(CATEGORIES[self.category[i]])
            rows["region"].append(self.regions[i])
            rows["valid_from"].append(valid_from)
            rows["valid_to"].append(valid_to)

        months = len(self.periods)
        for i in range(self.n):
            start = int(self.valid_from_t[i])
            end = int(self.valid_to_t[i])
            valid_from = self.periods[start] if start > 0 else None
            valid_to = self.periods[end] if end < months - 1 else None
            if self.transfer is not None and self.transfer[0] == i:
                _, new, t = self.transfer
                add(i, int(self.parent[i]), valid_from, self.periods[t - 1])
                add(i, new, self.periods[t], valid_to)
            else:
                add(i, int(self.parent[i]), valid_from, valid_to)
        return pa.table(rows, schema=ENTITIES_SCHEMA)
