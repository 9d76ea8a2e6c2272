"""The models of the reading pages: what each page shows and its JSON twin returns."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

__all__ = [
    "Card",
    "Cell",
    "EntityOut",
    "ExplainOut",
    "HistoryOut",
    "IndicatorRef",
    "NodeRef",
    "Overview",
    "PeriodsOut",
    "SearchOut",
    "TableOut",
    "TreeOut",
    "TreeRow",
    "Trend",
    "VerdictOut",
]


class NodeRef(BaseModel):
    """An entity by id and name."""

    entity_id: str
    name: str


class IndicatorRef(BaseModel):
    """An indicator by code, name and unit."""

    code: str
    name: str
    unit: str


class Cell(BaseModel):
    """One indicator value with its prior-year value and change (amounts in 元, ratios in %)."""

    value: float | None = None
    prior_value: float | None = None
    change: float | None = None
    growth: float | None = None
    unit: str | None = None
    note: str = ""
    members: int | None = None


class Card(BaseModel):
    """An overview card: the value, the prior year, the change, the target and the pace."""

    indicator: str
    name: str
    unit: str
    value: float | None
    prior_value: float | None
    change: float | None
    growth: float | None
    note: str
    target: float | None = None
    completion: float | None = None
    pace: float | None = None
    status: str = "unknown"
    status_label: str = ""


class VerdictOut(BaseModel):
    """The regime's verdict (一增一稳四提升 …) clause by clause."""

    entity_id: str
    name: str
    regime: str
    phrase: str
    passed: bool | None
    clauses: list[dict[str, Any]]


class Trend(BaseModel):
    """The year so far of each indicator: ``series[code][i]`` belongs to ``periods[i]``.

    ``basis`` ``ytd``: every value is year to date (本年累计; a stock or ratio at the month's end),
    so the line never drops back in January; ``prior[code][i]`` is the same month of the year
    before (上年同期); ``targets[code]`` the year's target where one is set.
    """

    periods: list[str]
    series: dict[str, list[float | None]]
    basis: str = "ytd"
    prior: dict[str, list[float | None]] = {}
    targets: dict[str, float | None] = {}


class Overview(BaseModel):
    """One period at a glance for one entity (by default the user's top entity)."""

    period: str
    periods: list[str]
    entity: NodeRef
    path: list[NodeRef]
    roots: list[NodeRef]
    indicators: list[IndicatorRef]
    cards: list[Card]
    verdict: VerdictOut | None
    trend: Trend
    warning_counts: dict[str, int]
    loss_makers: int
    loss_rows: list[dict[str, Any]]


class TreeRow(BaseModel):
    """A node of the drill-down: its reported (合并) figures and the sums of its children (节点汇总)."""

    entity_id: str
    name: str
    level: int | None
    children: int
    reported: dict[str, Cell]
    children_sum: dict[str, Cell]
    # with ?view=consolidated only (computed on demand): 计算合并 and 差额 = reported 合并 − computed
    consolidated: dict[str, Cell] = {}
    difference: dict[str, Cell] = {}


class TreeOut(BaseModel):
    """A node and its direct children, sortable."""

    period: str
    node: TreeRow
    path: list[NodeRef]
    indicators: list[IndicatorRef]
    rows: list[TreeRow]
    sort: str
    order: str
    page: int
    pages: int
    total: int
    view: Literal["reported", "consolidated"] = "reported"  # consolidated: 计算合并 and 差额 columns too


class EntityOut(BaseModel):
    """An entity: its attributes, every indicator, its children, and every version of its figures."""

    period: str
    entity: NodeRef
    path: list[NodeRef]
    attributes: dict[str, Any]
    children: list[NodeRef]
    indicators: list[dict[str, Any]]
    history: list[dict[str, Any]]


class HistoryOut(BaseModel):
    """Every version of an entity's figures for a period, with who submitted it and when."""

    period: str
    entity: NodeRef
    rows: list[dict[str, Any]]


class ExplainOut(BaseModel):
    """An indicator explained: formula, value and its inputs with every version."""

    period: str
    entity: NodeRef
    code: str
    name: str
    unit: str
    direction: str
    formula: str
    source: str
    note: str
    row: dict[str, Any] | None
    inputs: list[dict[str, Any]]


class TableOut(BaseModel):
    """A table page (targets, warnings, loss-makers, EVA): its rows and, where there are any, extra rows.

    ``counts`` by status or severity code, ``count_names`` the words for those codes. A paged table
    (warnings) says its ``page`` of ``pages``, the ``total`` rows its ``filters`` let through, and
    the ``options`` each filter may take (code: words).
    """

    period: str
    entity: NodeRef
    rows: list[dict[str, Any]]
    extra: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    count_names: dict[str, str] = {}
    page: int = 1
    pages: int = 1
    total: int | None = None
    filters: dict[str, str] = {}
    options: dict[str, dict[str, str]] = {}


class SearchOut(BaseModel):
    """Entities whose id or name contains the query, among those the user may see."""

    period: str
    query: str
    results: list[NodeRef]


class PeriodsOut(BaseModel):
    """The periods holding figures, newest first."""

    periods: list[str]
