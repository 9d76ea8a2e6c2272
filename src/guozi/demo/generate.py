"""Deterministic, vectorised generator of a fictional enterprise group (华夏实业集团)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "ALL_ITEMS",
    "BENCH_ITEMS",
    "FACTS_SCHEMA",
    "GroupData",
    "GroupGenerator",
    "generate_group",
    "iter_fact_batches",
    "write_group",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]

GROUP_NAME = "华夏实业集团有限公司"
ID_PREFIX = "HX"

# Internal value columns, all int64: money in fen (分), employees in persons. Primary columns are
# generated or summed up the tree; derived columns are recomputed from them after every step, so
# the accounting identities hold exactly. Names starting with "_" are internal, never emitted.
_FLOW_PRIMARY: tuple[str, ...] = (
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
_STOCK_PRIMARY: tuple[str, ...] = (
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
_DERIVED: tuple[str, ...] = (
    "operating_profit",
    "operating_cost",
    "net_profit",
    "net_profit_parent",
    "total_equity",
    "equity_parent",
    "value_added",
)
_COLUMNS = _FLOW_PRIMARY + _STOCK_PRIMARY + _DERIVED
_C = {name: i for i, name in enumerate(_COLUMNS)}
_NF = len(_FLOW_PRIMARY)
_NP = _NF + len(_STOCK_PRIMARY)
_NMONEY = _NP - 1  # primary money columns: all primaries but employees

_VA_COMPONENTS = ("labor_compensation", "depreciation", "net_production_tax", "operating_surplus")

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
    if i not in ("investment_income", *_VA_COMPONENTS, "taxes_paid", "fixed_asset_investment", "sei_revenue")
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

# Unit codes: how an int64 value (fen, or persons) is printed.
_UNIT_NAMES = ("元", "万元", "千元", "人")
_U_YUAN, _U_WAN, _U_QIAN, _U_PERSON = 0, 1, 2, 3
_DIVISOR = np.array([100, 1_000_000, 100_000, 1], dtype=np.int64)  # fen per unit
_PRESCALE = np.array([1, 1, 100, 1], dtype=np.int64)  # 千元 figures are whole yuan
_FRAC_POW = np.array([100, 1_000_000, 1_000, 1], dtype=np.int64)  # 10 ** decimals
_TRIM = np.array([False, True, True, False])
_QUANTUM = np.array([1, 1, 100], dtype=np.int64)  # fen: 千元 with 3 decimals is whole yuan

# December-heavy monthly weights of flows (share of the year).
_SEASON = np.array([0.060, 0.064, 0.080, 0.080, 0.082, 0.090, 0.079, 0.080, 0.088, 0.081, 0.088, 0.128])

_CATEGORIES = ("commercial_competitive", "commercial_strategic", "public_welfare")


@dataclass(frozen=True)
class _Industry:
    """Typical ratios of one GB/T 4754 division, the level-2 names and the leaves' name words."""

    code: str
    names: tuple[str, str]
    words: tuple[str, ...]
    category: str
    turnover: float  # revenue / total assets
    debt: float  # debt ratio
    rd: float  # R&D investment / revenue
    ocf: float  # operating cash flow / revenue
    sei: float  # strategic-emerging-industry share of revenue
    current: float  # current assets / total assets


# fmt: off
_INDUSTRIES: tuple[_Industry, ...] = (
    #         code   level-2 names  leaf name words  category  turnover debt rd ocf sei current
    _Industry("E48", ("华夏建设工程集团有限公司", "华夏第二工程局有限公司"),
              ("建设工程", "路桥", "市政工程", "基础设施"),
              "commercial_competitive", 0.85, 0.78, 0.0144, 0.024, 0.10, 0.70),
    _Industry("D44", ("华夏电力有限公司", "华夏新能源有限公司"),
              ("发电", "热电", "新能源", "风电", "光伏发电"),
              "commercial_strategic", 0.36, 0.72, 0.0080, 0.160, 0.40, 0.18),
    _Industry("C26", ("华夏化工集团有限公司", "华夏新材料有限公司"),
              ("化工", "新材料", "精细化工", "化肥"),
              "commercial_competitive", 0.95, 0.62, 0.0160, 0.064, 0.25, 0.40),
    _Industry("C37", ("华夏装备制造有限公司", "华夏航空工业有限公司"),
              ("轨道装备", "船舶", "航空部件", "机车车辆"),
              "commercial_strategic", 0.70, 0.68, 0.0320, 0.048, 0.60, 0.60),
    _Industry("B06", ("华夏能源控股有限公司", "华夏煤业有限公司"),
              ("煤业", "矿业", "洗选煤", "煤矿"),
              "commercial_strategic", 0.60, 0.64, 0.0080, 0.120, 0.05, 0.30),
    _Industry("I63", ("华夏数字科技有限公司", "华夏信息网络有限公司"),
              ("信息技术", "数据科技", "网络服务", "数字科技"),
              "commercial_strategic", 0.60, 0.52, 0.0280, 0.144, 0.70, 0.40),
    _Industry("K70", ("华夏置业有限公司", "华夏城市发展有限公司"),
              ("置业", "房地产开发", "物业", "城市开发"),
              "commercial_competitive", 0.28, 0.79, 0.0016, 0.024, 0.02, 0.75),
    _Industry("M73", ("华夏科学研究总院有限公司", "华夏检测认证有限公司"),
              ("研究院", "检测技术", "设计研究", "工程技术"),
              "commercial_competitive", 0.60, 0.52, 0.0600, 0.064, 0.70, 0.55),
    _Industry("G53", ("华夏铁路投资有限公司", "华夏物流有限公司"),
              ("铁路物流", "铁路运输", "货运", "物流"),
              "commercial_strategic", 0.36, 0.66, 0.0064, 0.128, 0.10, 0.15),
    _Industry("F51", ("华夏国际贸易有限公司", "华夏供应链管理有限公司"),
              ("贸易", "供应链", "进出口", "商贸"),
              "commercial_competitive", 1.80, 0.74, 0.0016, 0.016, 0.05, 0.80),
    _Industry("D46", ("华夏水务有限公司", "华夏环境有限公司"),
              ("水务", "供水", "污水处理", "水处理"),
              "public_welfare", 0.25, 0.64, 0.0064, 0.144, 0.05, 0.15),
    _Industry("G55", ("华夏海运有限公司", "华夏港航有限公司"),
              ("航运", "港务", "船务", "海运"),
              "commercial_strategic", 0.50, 0.64, 0.0048, 0.096, 0.05, 0.30),
    _Industry("C39", ("华夏电子信息有限公司", "华夏半导体有限公司"),
              ("电子", "半导体", "通信设备", "智能终端"),
              "commercial_competitive", 0.90, 0.60, 0.0360, 0.064, 0.65, 0.60),
    _Industry("N78", ("华夏城市服务有限公司", "华夏公用事业有限公司"),
              ("市政服务", "公用设施", "环卫", "园林"),
              "public_welfare", 0.22, 0.68, 0.0024, 0.064, 0.03, 0.25),
    _Industry("C34", ("华夏机械有限公司", "华夏重工有限公司"),
              ("机械", "重工", "通用设备", "动力设备"),
              "commercial_competitive", 0.80, 0.66, 0.0200, 0.056, 0.35, 0.60),
)

_CITIES: tuple[tuple[str, str], ...] = (
    ("北京", "北京市"), ("天津", "天津市"), ("上海", "上海市"), ("重庆", "重庆市"),
    ("石家庄", "河北省"), ("唐山", "河北省"), ("太原", "山西省"), ("大同", "山西省"),
    ("呼和浩特", "内蒙古自治区"), ("鄂尔多斯", "内蒙古自治区"), ("沈阳", "辽宁省"),
    ("大连", "辽宁省"), ("长春", "吉林省"), ("哈尔滨", "黑龙江省"), ("南京", "江苏省"),
    ("苏州", "江苏省"), ("无锡", "江苏省"), ("杭州", "浙江省"), ("宁波", "浙江省"),
    ("合肥", "安徽省"), ("芜湖", "安徽省"), ("福州", "福建省"), ("厦门", "福建省"),
    ("南昌", "江西省"), ("济南", "山东省"), ("青岛", "山东省"), ("烟台", "山东省"),
    ("郑州", "河南省"), ("洛阳", "河南省"), ("武汉", "湖北省"), ("宜昌", "湖北省"),
    ("长沙", "湖南省"), ("株洲", "湖南省"), ("广州", "广东省"), ("深圳", "广东省"),
    ("佛山", "广东省"), ("南宁", "广西壮族自治区"), ("海口", "海南省"), ("成都", "四川省"),
    ("绵阳", "四川省"), ("贵阳", "贵州省"), ("昆明", "云南省"), ("拉萨", "西藏自治区"),
    ("西安", "陕西省"), ("宝鸡", "陕西省"), ("兰州", "甘肃省"), ("西宁", "青海省"),
    ("银川", "宁夏回族自治区"), ("乌鲁木齐", "新疆维吾尔自治区"), ("包头", "内蒙古自治区"),
)
_BRANDS: tuple[str, ...] = (
    "恒泰", "宏远", "嘉禾", "瑞丰", "鼎盛", "华兴", "永安", "昌盛", "中原", "东方",
    "长城", "长江", "黄河", "泰山", "天元", "金桥", "新远", "博达", "立信", "联创",
    "启明", "凯旋", "海川", "山河", "锦程", "晨光", "通达", "安顺", "润泽", "和信",
    "信达", "同舟", "致远", "振华", "兴业", "汇通", "聚源", "广源", "富源", "裕丰",
)
# fmt: on
_ORDINALS = "二三四五六七八九十"


@dataclass(frozen=True)
class GroupData:
    """The three tables of a generated group, with the data contract's columns."""

    entities: pa.Table
    facts: pa.Table
    targets: pa.Table


def _parse_period(period: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    return int(match.group(1)), int(match.group(2))


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


def _floor_fen(yuan: F64) -> I64:
    return np.floor(yuan * 100.0).astype(np.int64)


def _floor_int(x: F64) -> I64:
    return np.floor(x).astype(np.int64)


def _flows_to_date(annual: I64, cumulative: F64, hump: F64, month: int) -> I64:
    """Year-to-date flows through ``month`` (0-11) from annual flows and seasonal shares."""
    flows = _floor_int(annual * cumulative[:, month : month + 1])
    if month < 11:
        flows[:, _C["operating_cash_flow"]] -= _floor_int(hump * math.sin(math.pi * (month + 1) / 12))
    return flows


def _format_values(values: I64, units: npt.NDArray[np.int8]) -> pa.Array:
    """Exact decimal strings of int64 fen (or persons) in each row's unit, without float noise."""
    negative = values < 0
    magnitude = np.abs(values)
    divisor = _DIVISOR[units]
    whole = magnitude // divisor
    frac_num = (magnitude % divisor) // _PRESCALE[units] + _FRAC_POW[units]
    whole_s = pa.array(whole).cast(pa.string())
    # "1" + zero-padded digits, then drop the leading "1".
    frac = pc.utf8_slice_codeunits(pa.array(frac_num).cast(pa.string()), 1)
    trim = _TRIM[units]
    if trim.any():
        frac = pc.if_else(pa.array(trim), pc.utf8_rtrim(frac, characters="0"), frac)
    dot = pc.if_else(pc.equal(pc.utf8_length(frac), 0), "", ".")
    sign = pc.if_else(pa.array(negative), "-", "")
    return pc.binary_join_element_wise(sign, whole_s, dot, frac, "")


class GroupGenerator:
    """One fictional group: its tree, its per-entity parameters and its monthly figures.

    Everything is drawn from ``seed``; the figures of a month depend only on the seed, the
    group's shape and the month, never on how the months are iterated.
    """

    def __init__(
        self,
        *,
        entities: int = 300,
        months: int = 36,
        end_period: str = "2025-12",
        seed: int = 20230717,
        unit_mix: bool = True,
        items: Sequence[str] | None = None,
    ) -> None:
        if entities < 1:
            raise ValueError("entities must be at least 1")
        if months < 1:
            raise ValueError("months must be at least 1")
        if isinstance(items, str):
            raise TypeError("items must be a sequence of item codes, not a string")
        chosen = ALL_ITEMS if items is None else tuple(dict.fromkeys(items))
        unknown = sorted(set(chosen) - set(ALL_ITEMS))
        if unknown:
            raise ValueError(f"unknown or unsupported item codes: {', '.join(unknown)}")
        self.n = entities
        self.seed = seed
        self.unit_mix = unit_mix
        self.items: tuple[str, ...] = tuple(i for i in ALL_ITEMS if i in chosen)
        end_year, end_month = _parse_period(end_period)
        end_index = end_year * 12 + end_month - 1
        self._ym: list[tuple[int, int]] = [
            divmod(end_index - months + 1 + t, 12) for t in range(months)
        ]  # (year, month 0-11)
        self.periods: list[str] = [f"{y:04d}-{m + 1:02d}" for y, m in self._ym]
        data_years = sorted({y for y, _ in self._ym})
        self.years: list[int] = [data_years[0] - 1, *data_years]
        self._decembers: dict[int, I64] = {}
        self._build_tree()
        self._build_parameters()

    # ------------------------------------------------------------------ tree and entities

    def _build_tree(self) -> None:
        n = self.n
        rng = np.random.default_rng([self.seed, 1])
        n2, n3, n4 = _tree_shape(n)
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

        # Industries: level 2 cycles through the list, everything below follows its parent.
        industry = np.zeros(n, dtype=np.int64)
        industry[1 : 1 + n2] = np.arange(n2) % len(_INDUSTRIES)
        for d in range(2, len(self.by_depth)):
            rows = self.by_depth[d]
            industry[rows] = industry[parent[rows]]
        self.industry = industry
        category = np.array([_CATEGORIES.index(_INDUSTRIES[k].category) for k in industry], dtype=np.int64)
        # Some subsidiaries of commercial groups carry the other commercial class.
        flip = (depth >= 2) & (category < 2) & (rng.random(n) < 0.1)
        category[flip] = 1 - category[flip]
        category[0] = 0
        self.category = category

        names: list[str] = [GROUP_NAME]
        regions: list[str] = ["北京市"]
        for k in range(n2):
            names.append(_INDUSTRIES[k % len(_INDUSTRIES)].names[(k // len(_INDUSTRIES)) % 2])
            regions.append("北京市")
        seen: dict[str, int] = {}
        city = rng.integers(0, len(_CITIES), n)
        brand = rng.integers(0, len(_BRANDS), n)
        word = rng.integers(0, 1000, n)
        for i in range(1 + n2, n):
            words = _INDUSTRIES[industry[i]].words
            base = f"{_CITIES[city[i]][0]}{_BRANDS[brand[i]]}{words[word[i] % len(words)]}"
            k = seen.get(base, 0)
            seen[base] = k + 1
            # A name already taken becomes a numbered branch (分公司) of the first one.
            ordinal = _ORDINALS[k - 1] if k <= len(_ORDINALS) else str(k + 1)
            names.append(f"{base}有限公司" + (f"第{ordinal}分公司" if k else ""))
            regions.append(_CITIES[city[i]][1])
        self.names = names
        self.regions = regions

        # Units: most report in 元, some in 万元 or 千元; the top always in 元.
        unit = np.zeros(n, dtype=np.int8)
        if self.unit_mix:
            draw = rng.random(n)
            unit[draw < 0.15] = _U_QIAN
            unit[draw < 0.10] = _U_WAN
            unit[0] = _U_YUAN
        self.unit = unit
        self.quantum = _QUANTUM[unit]
        self.va_direct = rng.random(n) >= 0.2  # the others report only the four components

        self._build_changes(rng)

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
            kind = self.depth * len(_INDUSTRIES) + self.industry
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
            rows["industry"].append("C" if i == 0 else _INDUSTRIES[self.industry[i]].code)
            rows["category"].append(_CATEGORIES[self.category[i]])
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

    # ------------------------------------------------------------------ parameters

    def _build_parameters(self) -> None:
        n = self.n
        rng = np.random.default_rng([self.seed, 2])
        ind = self.industry
        table = _INDUSTRIES

        def per_industry(attr: str) -> F64:
            return np.array([getattr(x, attr) for x in table], dtype=np.float64)[ind]

        depth = self.depth
        # Standalone revenue of the base year (yuan): leaves from a few 千万 to tens of 亿.
        revenue = np.exp(rng.normal(math.log(2.5e8), 1.0, n))
        revenue = np.clip(revenue, 3e7, 8e9)
        parents = ~self.leaf
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

        # Yearly paths, one column per year of self.years (the first is the year before the data).
        ny = len(self.years)
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

        # Loss-making leaves: a Markov chain over the years, so losses come in streaks.
        loss = np.zeros((n, ny), dtype=np.bool_)
        leaf = self.leaf & (depth > 0)
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

    # ------------------------------------------------------------------ yearly figures

    def _annual(self, j: int) -> tuple[I64, F64, F64]:
        """Annual standalone flows (fen) of year index ``j``, its cumulative seasonal shares
        (entities × 12) and the operating cash-flow hump (entities, fen)."""
        n = self.n
        rng = np.random.default_rng([self.seed, 3, self.years[j]])
        rev = self.revenue_path[:, j]
        ta0, ta1 = self.ta_dec[:, j - 1], self.ta_dec[:, j]
        dr0, dr1 = self.dr_dec[:, j - 1], self.dr_dec[:, j]
        ta_avg = (ta0 + ta1) / 2
        equity_avg = (ta0 * (1 - dr0) + ta1 * (1 - dr1)) / 2
        loss = self.loss[:, j]
        roe = np.where(loss, -rng.uniform(0.02, 0.15, n), self.roe + rng.normal(0.0, 0.01, n))
        net = roe * equity_avg
        t = self.tax_rate
        profit = np.minimum(np.maximum(net, 0.0) / (1 - t), 0.35 * rev)
        tax_on_loss = rev * rng.uniform(0.0, 0.002, n)
        tax = np.where(net > 0, profit * t, tax_on_loss)
        total_profit = np.where(net > 0, profit, net + tax_on_loss)
        non_operating = rev * rng.normal(0.001, 0.002, n)
        debt_avg = (ta0 * dr0 + ta1 * dr1) / 2 * self.ibd_sh
        interest = debt_avg * self.rate
        finance = interest * self.fin_sh
        rd_investment = rev * self.rd_r
        operating_surplus = total_profit - non_operating + finance
        heads = (self.emp_dec[:, j - 1] + self.emp_dec[:, j]) / 2
        taxes = rev * self.tas_r
        flows = {
            "revenue": rev,
            "taxes_and_surcharges": taxes,
            "selling_expense": rev * self.sell_r,
            "admin_expense": rev * self.adm_r,
            "rd_expense": rd_investment * self.rd_exp_sh,
            "finance_expense": finance,
            "interest_expense": interest,
            "investment_income": rev * (self.inv_r + rng.normal(0.0, 0.002, n)),
            "total_profit": total_profit,
            "_non_operating": non_operating,
            "income_tax": tax,
            "non_recurring_gain": rev * rng.normal(0.002, 0.003, n),
            "operating_cash_flow": rev * (self.ocf_r + rng.normal(0.0, 0.03, n) - 0.03 * loss),
            "cash_from_sales": rev * (self.csr + rng.normal(0.0, 0.02, n)),
            "rd_investment": rd_investment,
            "labor_compensation": heads * self.wage,
            "depreciation": ta_avg * self.dep_r,
            "net_production_tax": taxes + rev * self.npt_r,
            "operating_surplus": operating_surplus,
            "taxes_paid": rev * self.taxes_paid_r + tax,
            "fixed_asset_investment": ta_avg * self.fai_r,
            "sei_revenue": rev * self.sei_sh,
            "_minority_profit": np.zeros(n),
        }
        annual = np.stack([_floor_fen(flows[name]) for name in _FLOW_PRIMARY], axis=1)

        weights = _SEASON[None, :] ** (1.0 + self.season_amp[:, None])
        weights = weights * (1.0 + rng.normal(0.0, 0.04, (n, 12))).clip(0.5, 1.5)
        cumulative = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
        cumulative[:, 11] = 1.0
        # Operating cash flow runs negative early in the year and catches up in December.
        hump = np.abs(flows["operating_cash_flow"]) * 0.6 + rev * 0.02
        return annual, cumulative, hump

    # ------------------------------------------------------------------ monthly figures

    def _standalone(self, t: int, annual: I64, cumulative: F64, hump: F64) -> I64:
        """Each entity's own (standalone) primaries for period index ``t``."""
        n = self.n
        year, m = self._ym[t]
        j = self.years.index(year)
        values = np.zeros((n, len(_COLUMNS)), dtype=np.int64)
        values[:, :_NF] = _flows_to_date(annual, cumulative, hump, m)
        if self.founded is not None:
            # A new entity's flows count from its first month.
            e = self.founded
            f_year, f_month = self._ym[int(self.valid_from_t[e])]
            if f_year == year and f_month > 0:
                rows = slice(e, e + 1)
                values[e, :_NF] -= _flows_to_date(annual[rows], cumulative[rows], hump[rows], f_month - 1)[0]

        rng = np.random.default_rng([self.seed, 4, t])
        noise = rng.normal(0.0, 1.0, (n, 2)) if m < 11 else np.zeros((n, 2))
        frac = (m + 1) / 12
        wave = math.sin(math.pi * frac)
        ta0, ta1 = self.ta_dec[:, j - 1], self.ta_dec[:, j]
        total_assets = _floor_fen(ta0 * (ta1 / ta0) ** frac * (1.0 + 0.004 * noise[:, 0]))
        dr0, dr1 = self.dr_dec[:, j - 1], self.dr_dec[:, j]
        ratio = dr0 + (dr1 - dr0) * frac + 0.006 * wave + 0.002 * noise[:, 1]
        ta_f = total_assets.astype(np.float64)
        liabilities = _floor_int(ta_f * ratio)
        current = _floor_int(ta_f * self.ca_sh * (1.0 + 0.02 * wave))
        current_f = current.astype(np.float64)
        li_f = liabilities.astype(np.float64)
        stocks = {
            "total_assets": total_assets,
            "total_liabilities": liabilities,
            "current_assets": current,
            "cash": _floor_int(current_f * self.cash_sh * (0.9 + 0.2 * frac)),
            "accounts_receivable": _floor_int(current_f * self.ar_sh * (1.0 + 0.12 * wave)),
            "inventory": _floor_int(current_f * self.inv_sh * (1.0 + 0.05 * wave)),
            "construction_in_progress": _floor_int(ta_f * self.cip_sh),
            "current_liabilities": _floor_int(li_f * self.cl_sh),
            "interest_bearing_debt": _floor_int(li_f * self.ibd_sh),
            "employees": np.rint(self.emp_dec[:, j - 1] + (self.emp_dec[:, j] - self.emp_dec[:, j - 1]) * frac).astype(
                np.int64
            ),
        }
        for name, column in stocks.items():
            values[:, _C[name]] = column
        return values

    @staticmethod
    def _derive(values: I64, rows: I64) -> None:
        """Recompute the derived columns of ``rows`` from their primaries (in place)."""
        v = values[rows]
        col = _C
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

    def _consolidate(self, values: I64, active: Bool, parent: I64) -> None:
        """Turn standalone figures into reported ones, from the deepest level up (in place).

        A parent reports its own business plus its active children's reported figures, less
        internal sales (revenue and operating cost alike, and the cash received for them) and
        internal receivables (against current liabilities).
        """
        n = self.n
        col = _C
        child_sum = np.zeros((n, _NP), dtype=np.int64)
        has_children = np.zeros(n, dtype=np.bool_)
        for depth in range(len(self.by_depth) - 1, -1, -1):
            rows = self.by_depth[depth]
            parents = rows[has_children[rows]]
            if parents.size:
                sums = child_sum[parents]
                sales = _floor_int(self.elim_rev[parents] * sums[:, col["revenue"]])
                child_rev = sums[:, col["revenue"]].astype(np.float64)
                sei_share = np.divide(
                    sums[:, col["sei_revenue"]].astype(np.float64),
                    child_rev,
                    out=np.zeros(parents.size),
                    where=child_rev > 0,
                )
                receivables = _floor_int(self.elim_ar[parents] * sums[:, col["accounts_receivable"]])
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
            quantum = self.quantum[rows]
            coarse = rows[quantum > 1]
            if coarse.size:
                money = values[coarse, :_NMONEY]
                values[coarse, :_NMONEY] = money - money % self.quantum[coarse][:, None]
            self._derive(values, rows)
            if depth == 0:
                break
            children = rows[active[rows]]
            if not children.size:
                continue
            contribution = values[children, :_NP].copy()
            minority = 1.0 - self.own[children]
            contribution[:, col["_minority_profit"]] += _floor_int(
                minority * values[children, col["net_profit_parent"]]
            )
            contribution[:, col["_minority_equity"]] += _floor_int(minority * values[children, col["equity_parent"]])
            owners = parent[children]
            order = np.argsort(owners, kind="stable")
            owners = owners[order]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            sums = np.add.reduceat(contribution[order], starts, axis=0)
            unique_owners = owners[starts]
            child_sum[unique_owners] += sums
            values[unique_owners, :_NP] += sums
            has_children[unique_owners] = True

    def _months(self) -> Iterator[tuple[int, I64, Bool]]:
        """Reported figures of every entity, month by month: (period index, values, active)."""
        annual_cache: tuple[int, tuple[I64, F64, F64]] | None = None
        target_rows = np.flatnonzero(self.depth <= 1)
        for t, (year, month) in enumerate(self._ym):
            j = self.years.index(year)
            if annual_cache is None or annual_cache[0] != j:
                annual_cache = (j, self._annual(j))
            values = self._standalone(t, *annual_cache[1])
            active = (self.valid_from_t <= t) & (t <= self.valid_to_t)
            values[~active] = 0
            parent = self.parent
            if self.transfer is not None and t >= self.transfer[2]:
                parent = parent.copy()
                parent[self.transfer[0]] = self.transfer[1]
            self._consolidate(values, active, parent)
            if month == 11:
                self._decembers[year] = values[target_rows].copy()
            yield t, values, active

    def fact_batches(self, *, batch_rows: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        """The facts as record batches of at most ``batch_rows`` rows, month by month."""
        item_cols = np.array([_C[i] for i in self.items], dtype=np.int64)
        item_names = pa.array(self.items, type=pa.string())
        ids = pa.array(self.ids, type=pa.string())
        unit_names = pa.array(_UNIT_NAMES, type=pa.string())
        is_component = np.isin(np.array(self.items), _VA_COMPONENTS)
        is_va = np.array(self.items) == "value_added"
        both = bool(is_va.any()) and all(c in self.items for c in _VA_COMPONENTS)
        is_person = np.array(self.items) == "employees"
        for t, values, active in self._months():
            rows = np.flatnonzero(active)
            mask = np.ones((rows.size, len(self.items)), dtype=np.bool_)
            if both:
                direct = self.va_direct[rows][:, None]
                mask &= ~(is_va[None, :] & ~direct)
                mask &= ~(is_component[None, :] & direct)
            entity_pos, item_pos = np.nonzero(mask)
            entity = rows[entity_pos]
            numbers = values[entity, item_cols[item_pos]]
            units = np.where(is_person[item_pos], _U_PERSON, self.unit[entity]).astype(np.int8)
            period = self.periods[t]
            # Format slice by slice, so the strings of only one batch are alive at a time.
            for start in range(0, entity.size, batch_rows):
                part = slice(start, start + batch_rows)
                yield pa.record_batch(
                    [
                        ids.take(pa.array(entity[part])),
                        pa.repeat(pa.scalar(period), entity[part].size),
                        item_names.take(pa.array(item_pos[part])),
                        _format_values(numbers[part], units[part]),
                        unit_names.take(pa.array(units[part])),
                    ],
                    schema=FACTS_SCHEMA,
                )

    # ------------------------------------------------------------------ targets

    def targets_table(self) -> pa.Table:
        """Targets of the last year for the top entity and the level-2 subsidiaries.

        Based on the prior year's actuals: a little above them for the indicators where
        higher is better, a ceiling near them for the debt ratio. Empty when the data do not
        reach back to a prior December.
        """
        year = self.years[-1]
        if year - 1 not in self._decembers and self._ym[0][0] <= year - 1:
            for _ in self._months():
                pass
        prior = self._decembers.get(year - 1)
        rows: dict[str, list[object]] = {name: [] for name in TARGETS_SCHEMA.names}
        if prior is None:
            return pa.table(rows, schema=TARGETS_SCHEMA)
        opening = self._decembers.get(year - 2, prior)
        indicators = _regime_indicators(year)
        for k, i in enumerate(np.flatnonzero(self.depth <= 1)):
            actual = _actuals(prior[k], opening[k])
            for indicator in indicators:
                target = _target(indicator, actual[indicator])
                if target is None:
                    continue
                rows["entity_id"].append(self.ids[i])
                rows["year"].append(year)
                rows["indicator"].append(indicator)
                rows["target"].append(target)
        return pa.table(rows, schema=TARGETS_SCHEMA)


def _regime_indicators(year: int) -> tuple[str, ...]:
    """The indicators a year is assessed on (indicators.md, "Regimes")."""
    if year >= 2025:
        return ("total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity", "cash_collection_ratio")
    if year >= 2023:
        return ("total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity", "operating_cash_ratio")
    if year >= 2021:
        return (
            "total_profit",
            "net_profit",
            "debt_ratio",
            "revenue_profit_margin",
            "rd_intensity",
            "labor_productivity",
        )
    return ("total_profit", "net_profit", "debt_ratio", "revenue_profit_margin", "rd_intensity")


def _actuals(closing: I64, opening: I64) -> dict[str, Decimal | None]:
    """The regime indicators of one entity's December row (opening: the December before)."""

    def d(name: str, row: I64 = closing) -> Decimal:
        return Decimal(int(row[_C[name]]))

    def ratio(num: Decimal, den: Decimal) -> Decimal | None:
        return None if den == 0 else num / den * 100

    equity = (d("total_equity") + d("total_equity", opening)) / 2
    heads = (d("employees") + d("employees", opening)) / 2
    revenue = d("revenue")
    return {
        "total_profit": d("total_profit") / 100,
        "net_profit": d("net_profit") / 100,
        "debt_ratio": ratio(d("total_liabilities"), d("total_assets")),
        "roe": ratio(d("net_profit"), equity),
        "rd_intensity": ratio(d("rd_investment"), revenue),
        "labor_productivity": None if heads == 0 else d("value_added") / 100 / heads / 10000,
        "operating_cash_ratio": ratio(d("operating_cash_flow"), revenue),
        "cash_collection_ratio": ratio(d("cash_from_sales"), revenue),
        "revenue_profit_margin": ratio(d("total_profit"), revenue),
    }


def _target(indicator: str, actual: Decimal | None) -> str | None:
    """A realistic target from the prior year's actual, as an exact decimal string."""
    if actual is None:
        return None
    cent = Decimal("0.01")
    if indicator in ("total_profit", "net_profit"):
        # 6 % growth, or a loss cut by 30 %, rounded to 万元.
        value = actual * Decimal("1.06") if actual > 0 else actual * Decimal("0.7")
        rounded = (value / 10000).quantize(Decimal(1), ROUND_HALF_UP) * 10000
        return str(rounded.quantize(cent))
    if indicator == "debt_ratio":
        # A ceiling: the prior year end rounded up to the next half point.
        ceiling = ((actual + Decimal("0.2")) * 2).to_integral_value(ROUND_CEILING) / 2
        return str(ceiling.quantize(cent))
    step = {
        "roe": Decimal("0.2"),
        "rd_intensity": Decimal("0.1"),
        "operating_cash_ratio": Decimal("0.3"),
        "cash_collection_ratio": Decimal("0.5"),
        "revenue_profit_margin": Decimal("0.1"),
    }
    if indicator == "labor_productivity":
        return str((actual * Decimal("1.05")).quantize(cent, ROUND_HALF_UP))
    return str((actual + step[indicator]).quantize(cent, ROUND_HALF_UP))


def iter_fact_batches(
    *,
    entities: int = 300,
    months: int = 36,
    end_period: str = "2025-12",
    seed: int = 20230717,
    unit_mix: bool = True,
    items: Sequence[str] | None = None,
    batch_rows: int = 1_000_000,
) -> Iterator[pa.RecordBatch]:
    """The facts of :func:`generate_group` as record batches, month by month."""
    generator = GroupGenerator(
        entities=entities,
        months=months,
        end_period=end_period,
        seed=seed,
        unit_mix=unit_mix,
        items=items,
    )
    return generator.fact_batches(batch_rows=batch_rows)


def generate_group(
    *,
    entities: int = 300,
    months: int = 36,
    end_period: str = "2025-12",
    seed: int = 20230717,
    unit_mix: bool = True,
    items: Sequence[str] | None = None,
) -> GroupData:
    """Generate the fictional group 华夏实业集团: entities, facts and targets.

    Args:
        entities: number of entities, the top one included.
        months: number of monthly periods, ending with ``end_period``.
        end_period: the last period, ``YYYY-MM``.
        seed: everything is drawn from it; the same seed gives identical tables.
        unit_mix: report some entities in 万元 and 千元 (otherwise all money in 元).
        items: the item codes to emit (default :data:`ALL_ITEMS`).

    Returns:
        The three tables; facts sorted by entity and period, items in the order of items.csv.
    """
    generator = GroupGenerator(
        entities=entities,
        months=months,
        end_period=end_period,
        seed=seed,
        unit_mix=unit_mix,
        items=items,
    )
    facts = pa.Table.from_batches(list(generator.fact_batches()), schema=FACTS_SCHEMA)
    facts = facts.sort_by([("entity_id", "ascending"), ("period", "ascending")])
    return GroupData(
        entities=generator.entities_table(),
        facts=facts,
        targets=generator.targets_table(),
    )


def write_group(data: GroupData, out_dir: Path, *, fmt: Literal["csv", "parquet"] = "csv") -> None:
    """Write ``entities``, ``facts`` and ``targets`` as UTF-8 CSV (with header) or Parquet."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {"entities": data.entities, "facts": data.facts, "targets": data.targets}
    for name, table in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        elif fmt == "csv":
            table.to_pandas().to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        else:
            raise ValueError(f"unknown format {fmt!r}")
