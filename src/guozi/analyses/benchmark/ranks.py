"""Ranks, percentiles, peer statistics and gaps of one indicator among a group's values (pure; the
conventions are in :mod:`guozi.analyses.benchmark`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from guozi.catalog.model import Direction, Indicator
from guozi.kernel.text import pick

Num = Decimal | float
TIE_DECIMALS = 9  # ratios (floats) equal to this many decimals are tied; numerical, not a domain rule
MAX_NAMED = 5  # peers without a value named in a note; the rest are counted


def _key(value: Num, direction: Direction) -> Num:
    """A sort key in which larger is better, ratios rounded so equal ratios tie."""
    v: Num = round(value, TIE_DECIMALS) if isinstance(value, float) else value
    return -v if direction == "lower" else v


@dataclass(frozen=True)
class Standing:
    """An entity's place among the values of its group."""

    rank: int | None
    ranked: int  # entities with a value, the entity included if it has one
    percentile: float | None
    better: int  # others strictly better
    tied: int  # others equal
    worse: int  # others strictly worse


def standing(values: Mapping[str, Num | None], entity: str, direction: Direction) -> Standing:
    """The rank (competition ranking) and percentile of ``entity`` among ``values`` (see the module)."""
    present = {k: v for k, v in values.items() if v is not None}
    own = present.get(entity)
    n = len(present)
    if own is None or direction == "none":
        return Standing(None, n, None, 0, 0, 0)
    ko = _key(own, direction)
    others = [_key(v, direction) for k, v in present.items() if k != entity]
    better = sum(1 for k in others if k > ko)
    worse = sum(1 for k in others if k < ko)
    tied = len(others) - better - worse
    pct = None if n <= 1 else 100.0 * (worse + tied / 2) / (n - 1)
    return Standing(1 + better, n, pct, better, tied, worse)


def quantile(values: Sequence[Num], p: Decimal) -> Num:
    """The ``p``-quantile of ``values`` by linear interpolation at ``h = (n − 1) · p``; exact for decimals."""
    xs = sorted(values)
    if not xs:
        raise ValueError("quantile of no values")
    h = (len(xs) - 1) * p
    lo = int(h)
    frac = h - lo
    if frac == 0 or lo + 1 >= len(xs):
        return xs[lo]
    a, b = xs[lo], xs[lo + 1]
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a + (b - a) * frac
    return float(a) + (float(b) - float(a)) * float(frac)


@dataclass(frozen=True)
class PeerStats:
    """The statistics of a group's values (the entities without a value left out)."""

    count: int
    median: Num | None = None
    better_quartile: Num | None = None
    worse_quartile: Num | None = None
    best: Num | None = None
    best_keys: tuple[str, ...] = ()


def peer_stats(values: Mapping[str, Num | None], direction: Direction) -> PeerStats:
    """Median, better and worse quartile and best of ``values`` (see the module)."""
    present = {k: v for k, v in values.items() if v is not None}
    if not present:
        return PeerStats(0)
    xs = list(present.values())
    median = quantile(xs, Decimal("0.5"))
    if direction == "none":
        return PeerStats(len(xs), median)
    hi, lo = quantile(xs, Decimal("0.75")), quantile(xs, Decimal("0.25"))
    best_key = max(_key(v, direction) for v in xs)
    best_keys = tuple(sorted(k for k, v in present.items() if _key(v, direction) == best_key))
    best = present[best_keys[0]]
    if direction == "higher":
        return PeerStats(len(xs), median, hi, lo, best, best_keys)
    return PeerStats(len(xs), median, lo, hi, best, best_keys)


def _minus(a: Num | None, b: Num | None) -> Num | None:
    if a is None or b is None:
        return None
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a - b
    return float(a) - float(b)


def order(values: Mapping[str, Num | None], direction: Direction) -> list[str]:
    """The keys with a value, best first (ascending for ``none``), ties by key."""
    present = sorted((k, v) for k, v in values.items() if v is not None)
    if direction == "none":
        return [k for k, _ in sorted(present, key=lambda kv: _key(kv[1], "higher"))]
    return [k for k, _ in sorted(present, key=lambda kv: _key(kv[1], direction), reverse=True)]


@dataclass(frozen=True)
class PeerRow:
    """One indicator of a benchmark: the entity's value, its place and the gaps."""

    indicator: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    value: Num | None
    standing: Standing
    stats: PeerStats
    group_size: int  # entities in the group, with or without a value
    missing: tuple[str, ...]  # keys of the group without a value
    note_zh: str = ""
    note_en: str = ""

    def name(self, lang: str) -> str:
        """The indicator's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)

    def note(self, lang: str) -> str:
        """The row's note in ``lang``."""
        return pick(lang, self.note_zh, self.note_en)

    @property
    def rank(self) -> int | None:
        """1 = best; ties share the best rank."""
        return self.standing.rank

    @property
    def percentile(self) -> float | None:
        """Share (%) of the other peers the entity is better than, ties counting half."""
        return self.standing.percentile

    def gap(self, reference: str) -> Num | None:
        """``value − reference`` for ``median``, ``better_quartile``, ``worse_quartile`` or ``best``."""
        ref: Num | None = getattr(self.stats, reference)
        return _minus(self.value, ref)


def peer_row(
    indicator: Indicator, key: str, values: Mapping[str, Num | None], notes: Mapping[str, tuple[str, str]]
) -> PeerRow:
    """Rank ``key`` among ``values`` on ``indicator``, with notes on what is missing."""
    st = standing(values, key, indicator.direction)
    stats = peer_stats(values, indicator.direction)
    missing = tuple(sorted(k for k, v in values.items() if v is None and k != key))
    zh: list[str] = []
    en: list[str] = []
    own = values.get(key)
    if own is None:
        nz, ne = notes.get(key, ("", ""))
        zh.append(f"本企业无值，不参与排名（{nz or '未报送'}）")
        en.append(f"no value for the entity, not ranked ({ne or 'not reported'})")
    if indicator.direction == "none":
        zh.append("该指标无优劣方向，不排名")
        en.append("the indicator has no better direction; not ranked")
    if missing:
        shown, more = missing[:MAX_NAMED], len(missing) - MAX_NAMED
        zh.append(f"{len(missing)} 家同行无值，未计入统计：{'、'.join(shown)}" + (" 等" if more > 0 else ""))
        en.append(f"{len(missing)} peer(s) without a value left out: {', '.join(shown)}" + (" …" if more > 0 else ""))
    if own is not None and st.ranked == 1:
        zh.append("同行均无值，无法比较")
        en.append("no peer has a value; nothing to compare with")
    return PeerRow(
        indicator=indicator.code,
        name_zh=indicator.name_zh,
        name_en=indicator.name_en,
        unit=indicator.unit,
        direction=indicator.direction,
        value=own,
        standing=st,
        stats=stats,
        group_size=len(values),
        missing=missing,
        note_zh="；".join(zh),
        note_en="; ".join(en),
    )
