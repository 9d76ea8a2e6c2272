"""The models of the reading pages: what each page shows and its JSON twin returns."""

from __future__ import annotations

from typing import Any

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
    """Up to twelve months of each indicator: ``series[code][i]`` belongs to ``periods[i]``."""

    periods: list[str]
    series: dict[str, list[float | None]]


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
    """A table page (targets, warnings, loss-makers, EVA): its rows and, where there are any, extra rows."""

    period: str
    entity: NodeRef
    rows: list[dict[str, Any]]
    extra: list[dict[str, Any]] = []
    counts: dict[str, int] = {}


class SearchOut(BaseModel):
    """Entities whose id or name contains the query, among those the user may see."""

    period: str
    query: str
    results: list[NodeRef]


class PeriodsOut(BaseModel):
    """The periods holding figures, newest first."""

    periods: list[str]
