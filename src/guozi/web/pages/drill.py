"""The reading pages — overview, drill-down, entity, indicator explained, targets, warnings, losses, EVA,
report downloads, search — each with its JSON twin under ``/api/v1``.

Every handler picks the period and the entity, checks that the user may see the entity, asks
:class:`~guozi.web.data.WebData` (cached workspace results) and either renders a template or
returns the same model as JSON. A user scoped to a subtree only ever gets rows of that subtree:
everything is rooted at an entity that :func:`~guozi.web.deps.ensure_visible` let through.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from guozi.analyses.targets import STATUS_LABELS
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.store.base import User
from guozi.web.data import WebData, clean
from guozi.web.deps import can_see, current_user, ensure_visible, lang_of, visible_entities
from guozi.web.render import render

__all__ = ["router"]

router = APIRouter()
Signed = Annotated[User, Depends(current_user)]
PeriodQ = Annotated[str | None, Query(description="期间 YYYY-MM（默认最新） period, default the latest", max_length=7)]
EntityQ = Annotated[
    str | None, Query(description="企业代码（默认可见的顶层企业） entity, default your top entity", max_length=100)
]
SortQ = Annotated[str | None, Query(description="排序列：name、entity_id 或指标代码 sort column", max_length=100)]
OrderQ = Annotated[Literal["asc", "desc"], Query(description="asc / desc")]
Format = Literal["html", "pdf", "docx", "xlsx"]
PER_PAGE = 50  # drill-down rows per page: a node may have hundreds of subsidiaries
LOSS_STATUSES = ("continuing", "new", "loss")  # guozi.analyses.losses: loss-making now (not turned around)
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# -- models ---------------------------------------------------------------------------------------


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


# -- helpers --------------------------------------------------------------------------------------


def _data(request: Request) -> WebData:
    data: WebData = request.app.state.data
    return data


def _where(request: Request, user: User, period: str | None, entity: str | None) -> tuple[WebData, Period, str]:
    """The period, and the entity asked for (checked visible) or the user's top entity."""
    data = _data(request)
    data.refresh()
    p = data.period(period)
    if entity:
        ensure_visible(data.ws, user, entity, p)
        return data, p, entity
    if user.role == "admin":
        roots = data.roots(p)
        if roots:
            return data, p, roots[0]
    for s in user.scopes:
        if can_see(data.ws, user, s, p):
            return data, p, s
    raise NotFoundError(f"{p} 没有您可查看的企业", f"no entity you may see in {p}")


def _ref(data: WebData, p: Period, e: str) -> NodeRef:
    return NodeRef(entity_id=e, name=data.name(p, e))


def _path(data: WebData, user: User, p: Period, e: str) -> list[NodeRef]:
    """The chain from the user's highest visible ancestor down to ``e``."""
    return [_ref(data, p, x) for x in data.path(p, e) if can_see(data.ws, user, x, p)]


def _tr(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _indicators(data: WebData, p: Period, lang: str) -> list[IndicatorRef]:
    cat = data.ws.catalog
    return [
        IndicatorRef(code=c, name=cat.indicator(c).name(lang), unit=cat.indicator(c).unit)
        for c in data.indicator_codes(p)
    ]


def _cells(rows: dict[str, dict[str, Any]], lang: str) -> dict[str, Cell]:
    out = {}
    for code, r in rows.items():
        out[code] = Cell(
            value=r["value"],
            prior_value=r["prior_value"],
            change=r["change"],
            growth=r["growth"],
            unit=r["unit"],
            note=r["note_zh"] if lang == "zh" else r["note_en"],
            members=r["members"],
        )
    return out


def _page(request: Request, template: str, model: BaseModel, **extra: Any) -> Response:
    # every page here depends only on its URL, the account and the store state: rendered once per those
    return render(request, template, {"m": model, **extra}, cache_key="page")


# -- overview -------------------------------------------------------------------------------------


def overview_model(request: Request, user: User, period: str | None, entity: str | None) -> Overview:
    """The overview's content (built once per store state, entity, language and scopes)."""
    data, p, e = _where(request, user, period, entity)
    lang = lang_of(request)
    key = ("overview", p.code, e, lang, user.role, user.scopes)
    return data.cached(key, lambda: _overview(data, user, p, e, lang))


def _overview(data: WebData, user: User, p: Period, e: str, lang: str) -> Overview:
    cat = data.ws.catalog
    codes = data.indicator_codes(p)
    rows = data.rows_for(p, "reported", [e])[e]
    targets = {str(r["indicator"]): r for r in data.targets(p, e, False) if r["entity_id"] == e}
    cards = []
    for code in codes:
        ind = cat.indicator(code)
        r = rows.get(code, {})
        t = targets.get(code, {})
        status = str(t.get("status") or "unknown")
        zh, en = STATUS_LABELS.get(status, (status, status))
        cards.append(
            Card(
                indicator=code,
                name=ind.name(lang),
                unit=ind.unit,
                value=r.get("value"),
                prior_value=r.get("prior_value"),
                change=r.get("change"),
                growth=r.get("growth"),
                note=str(r.get("note_zh" if lang == "zh" else "note_en") or ""),
                target=t.get("target"),
                completion=t.get("completion"),
                pace=t.get("pace"),
                status=status,
                status_label=_tr(lang, zh, en) if t else "",
            )
        )
    verdicts = [v for v in data.verdict(p, e) if v["entity_id"] == e]
    verdict = None
    if verdicts:
        v = verdicts[0]
        verdict = VerdictOut(
            entity_id=v["entity_id"],
            name=v["name"],
            regime=v["regime"],
            phrase=v["phrase_zh"] if lang == "zh" else v["phrase_en"],
            passed=v["passed"],
            clauses=[
                {
                    **c,
                    "reason": c["reason_zh"] if lang == "zh" else c["reason_en"],
                    "name": cat.indicator(c["indicator"]).name(lang),
                }
                for c in v["clauses"]
            ],
        )
    warn = data.warnings(p, e)
    counts: dict[str, int] = {}
    for w in warn["warnings"]:
        counts[w["severity"]] = counts.get(w["severity"], 0) + 1
    losses = data.losses(p, e)
    loss_rows = [r for r in losses[f"entities_{lang}"] if r.get("status") in LOSS_STATUSES]
    trend = data.trend(p, e)
    visible_roots = data.roots(p) if user.role == "admin" else [s for s in user.scopes if can_see(data.ws, user, s, p)]
    return Overview(
        period=str(p),
        periods=data.periods(),
        entity=_ref(data, p, e),
        path=_path(data, user, p, e),
        roots=[_ref(data, p, r) for r in visible_roots],
        indicators=_indicators(data, p, lang),
        cards=cards,
        verdict=verdict,
        trend=Trend(periods=trend["periods"], series={c: trend[c] for c in codes}),
        warning_counts=counts,
        loss_makers=len(loss_rows),
        loss_rows=loss_rows[:20],
    )


@router.get("/api/v1/overview", response_model=Overview, tags=["pages"])
def api_overview(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> Overview:
    """Overview of a period: indicator cards with targets and pace, trend, verdict, warnings, loss-makers."""
    return overview_model(request, user, period, entity)


@router.get("/", include_in_schema=False)
def overview_page(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> Response:
    """The overview page."""
    m = overview_model(request, user, period, entity)
    return _page(
        request,
        "overview.html",
        m,
        severities=_data(request).warnings(Period.parse(m.period), m.entity.entity_id)["severities"],
    )


# -- drill-down -----------------------------------------------------------------------------------


def tree_model(
    request: Request,
    user: User,
    period: str | None,
    entity: str | None,
    sort: str | None,
    order: str,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> TreeOut:
    """A node and one page of its children, each with reported figures and children sums."""
    data, p, e = _where(request, user, period, entity)
    lang = lang_of(request)
    key = ("tree", p.code, e, sort, order, page, per_page, lang, user.role, user.scopes)
    return data.cached(key, lambda: _tree(data, user, p, e, lang, sort, order, page, per_page))


def _tree(
    data: WebData, user: User, p: Period, e: str, lang: str, sort: str | None, order: str, page: int, per_page: int
) -> TreeOut:
    kids = data.children_of(p)
    children = kids.get(e, [])
    reported = data.full_panel(p, "reported")
    sums = data.full_panel(p, "children")
    nodes = data.nodes(p)
    key = sort or "entity_id"
    if key in ("entity_id", "name", "children"):
        sort_key: Callable[[str], Any] = {
            "entity_id": lambda x: x,
            "name": lambda x: data.name(p, x),
            "children": lambda x: len(kids.get(x, [])),
        }[key]
        ordered = sorted(children, key=sort_key, reverse=order == "desc")
    elif key in data.indicator_codes(p):

        def value(x: str) -> float | None:
            v = reported.get(x, {}).get(key, {}).get("value")
            return float(v) if isinstance(v, int | float) else None

        have = [x for x in children if value(x) is not None]
        have.sort(key=lambda x: value(x) or 0.0, reverse=order == "desc")
        ordered = have + [x for x in children if value(x) is None]  # empty values last either way
    else:
        raise NotFoundError(f"无法按 {key} 排序", f"cannot sort by {key}")
    pages = max(1, -(-len(ordered) // per_page))
    page = min(max(1, page), pages)
    shown = ordered[(page - 1) * per_page : page * per_page]

    def row(x: str) -> TreeRow:
        level = clean(nodes.at[x, "level"]) if x in nodes.index and "level" in nodes.columns else None
        return TreeRow(
            entity_id=x,
            name=data.name(p, x),
            level=int(level) if level is not None else None,
            children=len(kids.get(x, [])),
            reported=_cells(reported.get(x, {}), lang),
            children_sum=_cells(sums.get(x, {}) if kids.get(x) else {}, lang),
        )

    return TreeOut(
        period=str(p),
        node=row(e),
        path=_path(data, user, p, e),
        indicators=_indicators(data, p, lang),
        rows=[row(x) for x in shown],
        sort=key,
        order=order,
        page=page,
        pages=pages,
        total=len(ordered),
    )


PageQ = Annotated[int, Query(ge=1, le=1_000_000, description="页码 page (1-based)")]
PerPageQ = Annotated[int, Query(ge=1, le=1000, description="每页行数 rows per page")]


def tree_query(
    request: Request,
    user: Signed,
    period: PeriodQ = None,
    entity: EntityQ = None,
    sort: SortQ = None,
    order: OrderQ = "asc",
    page: PageQ = 1,
    per_page: PerPageQ = PER_PAGE,
) -> TreeOut:
    """The drill-down's parameters, shared by the page and the API, and its content."""
    return tree_model(request, user, period, entity, sort, order, page, per_page)


TreeQ = Annotated[TreeOut, Depends(tree_query)]


@router.get("/api/v1/tree", response_model=TreeOut, tags=["pages"])
def api_tree(model: TreeQ) -> TreeOut:
    """Drill-down: a node and a page of its direct children (sorted over all of them), reported (合并)
    figures beside the children's sums (节点汇总)."""
    return model


@router.get("/tree", include_in_schema=False)
def tree_page(request: Request, model: TreeQ) -> Response:
    """The drill-down page."""
    return _page(request, "tree.html", model)


# -- entity and history -----------------------------------------------------------------------------


def entity_model(request: Request, user: User, entity_id: str, period: str | None) -> EntityOut:
    """An entity's page content."""
    data, p, e = _where(request, user, period, entity_id)
    lang = lang_of(request)
    nodes = data.nodes(p)
    attrs: dict[str, Any] = {}
    if e in nodes.index:
        skip = {"row", "from_code", "to_code"}
        attrs = {str(k): clean(v) for k, v in nodes.loc[e].items() if k not in skip}
    inds = []
    for r in data.entity_indicators(p, e):
        code = str(r["indicator"])
        inds.append(
            {**r, "indicator_name": data.ws.catalog.indicator(code).name(lang), "note": r.get(f"note_{lang}") or ""}
        )
    return EntityOut(
        period=str(p),
        entity=_ref(data, p, e),
        path=_path(data, user, p, e),
        attributes=attrs,
        children=[_ref(data, p, k) for k in data.children_of(p).get(e, [])],
        indicators=inds,
        history=data.history(p, e),
    )


@router.get("/api/v1/entities/{entity_id}", response_model=EntityOut, tags=["pages"])
def api_entity(request: Request, user: Signed, entity_id: str, period: PeriodQ = None) -> EntityOut:
    """An entity: attributes, every indicator with prior year, children, and every version of its figures."""
    return entity_model(request, user, entity_id, period)


@router.get("/entity/{entity_id}", include_in_schema=False)
def entity_page(request: Request, user: Signed, entity_id: str, period: PeriodQ = None) -> Response:
    """The entity page."""
    return _page(request, "entity.html", entity_model(request, user, entity_id, period))


@router.get("/api/v1/entities/{entity_id}/history", response_model=HistoryOut, tags=["pages"])
def api_history(
    request: Request,
    user: Signed,
    entity_id: str,
    period: PeriodQ = None,
    item: Annotated[str | None, Query(max_length=100)] = None,
) -> HistoryOut:
    """Every version of the entity's figures for the period (one item or all): value, when, who, file, reason."""
    data, p, e = _where(request, user, period, entity_id)
    if item is not None and item not in data.ws.catalog.items:
        raise NotFoundError(f"未知项目代码：{item}", f"unknown item code: {item}")
    return HistoryOut(period=str(p), entity=_ref(data, p, e), rows=data.history(p, e, item))


# -- an indicator explained ------------------------------------------------------------------------


def explain_model(request: Request, user: User, code: str, period: str | None, entity: str | None) -> ExplainOut:
    """An indicator explained for an entity."""
    data, p, e = _where(request, user, period, entity)
    lang = lang_of(request)
    if code not in data.ws.catalog.indicators:
        raise NotFoundError(f"未知指标：{code}", f"unknown indicator: {code}")
    x = data.explain(p, e, code)
    return ExplainOut(
        period=str(p),
        entity=_ref(data, p, e),
        code=code,
        name=x["name_zh"] if lang == "zh" else x["name_en"],
        unit=x["unit"],
        direction=x["direction"],
        formula=x["formula"],
        source=x["source"],
        note=x["note"],
        row=x["row"],
        inputs=x["inputs"],
    )


@router.get("/api/v1/indicators/{code}", response_model=ExplainOut, tags=["pages"])
def api_explain(
    request: Request, user: Signed, code: str, period: PeriodQ = None, entity: EntityQ = None
) -> ExplainOut:
    """An indicator explained: formula, the value, and each input with every version and who submitted it."""
    return explain_model(request, user, code, period, entity)


@router.get("/indicator/{code}", include_in_schema=False)
def explain_page(request: Request, user: Signed, code: str, period: PeriodQ = None, entity: EntityQ = None) -> Response:
    """The indicator-explained page."""
    return _page(request, "explain.html", explain_model(request, user, code, period, entity))


# -- targets, warnings, loss-makers, EVA -------------------------------------------------------------


def targets_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """Target progress of the entity's subtree."""
    data, p, e = _where(request, user, period, entity)
    lang = lang_of(request)
    rows = []
    for r in data.targets(p, e, True):
        zh, en = STATUS_LABELS.get(str(r["status"]), (r["status"], r["status"]))
        rows.append(
            {
                **{k: v for k, v in r.items() if k not in ("note_zh", "note_en")},
                "note": r["note_zh"] if lang == "zh" else r["note_en"],
                "status_label": _tr(lang, str(zh), str(en)),
                "indicator_name": data.ws.catalog.indicator(str(r["indicator"])).name(lang),
            }
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
    return TableOut(period=str(p), entity=_ref(data, p, e), rows=rows, counts=counts)


def warnings_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """Warnings of the entity's subtree, and the checks that could not be made."""
    data, p, e = _where(request, user, period, entity)
    lang = lang_of(request)
    w = data.warnings(p, e)
    sev = w["severities"]
    rows = [
        {
            **{k: v for k, v in r.items() if not k.endswith(("_zh", "_en"))},
            "rule_name": r["rule_name_zh"] if lang == "zh" else r["rule_name_en"],
            "message": r["message_zh"] if lang == "zh" else r["message_en"],
            "severity_name": sev.get(r["severity"], {}).get(f"name_{lang}", r["severity"]),
        }
        for r in w["warnings"]
    ]
    gaps = [
        {
            **{k: v for k, v in g.items() if k not in ("note_zh", "note_en")},
            "note": g["note_zh"] if lang == "zh" else g["note_en"],
        }
        for g in w["gaps"]
    ]
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["severity"])] = counts.get(str(r["severity"]), 0) + 1
    return TableOut(period=str(p), entity=_ref(data, p, e), rows=rows, extra=gaps, counts=counts)


def losses_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """Loss-makers of the entity's subtree (``rows``) and the counts by level (``extra``)."""
    data, p, e = _where(request, user, period, entity)
    lang = lang_of(request)
    x = data.losses(p, e)
    rows = x[f"entities_{lang}"]
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
    return TableOut(period=str(p), entity=_ref(data, p, e), rows=rows, extra=x[f"groups_{lang}"], counts=counts)


def eva_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """EVA of the entity's subtree with every step."""
    data, p, e = _where(request, user, period, entity)
    return TableOut(period=str(p), entity=_ref(data, p, e), rows=data.eva(p, e)[lang_of(request)])


TABLES: dict[str, tuple[Callable[[Request, User, str | None, str | None], TableOut], str, str, str]] = {
    "targets": (
        targets_model,
        "目标完成情况",
        "Targets",
        "Progress against the year's targets for the entity's subtree: actual, target, completion, pace, status.",
    ),
    "warnings": (
        warnings_model,
        "风险预警",
        "Warnings",
        "Risk warnings of the entity's subtree with their reasons; ``extra``: checks that could not be made.",
    ),
    "losses": (
        losses_model,
        "亏损企业",
        "Loss-makers",
        "Loss-making and turned-around entities of the subtree; ``extra``: counts and amounts by level.",
    ),
    "eva": (
        eva_model,
        "经济增加值",
        "EVA",
        "Economic value added of the entity and its subtree, with every step of the calculation.",
    ),
}


def _table_routes(table: str) -> tuple[Callable[..., TableOut], Callable[..., Response]]:
    """The JSON endpoint and the page of one table."""
    build, zh, en, about = TABLES[table]

    def api(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> TableOut:
        return build(request, user, period, entity)

    def page(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> Response:
        model = build(request, user, period, entity)
        return _page(request, f"{table}.html", model, title_zh=zh, title_en=en, table=table)

    api.__name__, api.__doc__ = f"api_{table}", about
    page.__name__, page.__doc__ = f"{table}_page", f"The {en} page."
    return api, page


for _table, (_build, _zh, _en, _about) in TABLES.items():
    _api, _html = _table_routes(_table)
    router.add_api_route(
        f"/api/v1/{_table}", _api, methods=["GET"], response_model=TableOut, tags=["pages"], description=_about
    )
    router.add_api_route(f"/{_table}", _html, methods=["GET"], include_in_schema=False)


class PeriodsOut(BaseModel):
    """The periods holding figures, newest first."""

    periods: list[str]


@router.get("/api/v1/periods", response_model=PeriodsOut, tags=["pages"])
def api_periods(request: Request, user: Signed) -> PeriodsOut:
    """The periods holding figures, newest first."""
    data = _data(request)
    data.refresh()
    return PeriodsOut(periods=data.periods())


# -- report downloads and search ---------------------------------------------------------------------


def _report_bytes(data: WebData, p: Period, e: str, fmt: Format, lang: str) -> bytes:
    def compute() -> bytes:
        from guozi.report import write_report

        report = data.cached(("report", p.code, e), lambda: data.ws.report(p, entity=e))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"report.{fmt}"
            write_report(report, path, fmt, lang)
            return path.read_bytes()

    return data.cached(("report-file", p.code, e, fmt, lang), compute)


@router.get(
    "/api/v1/report",
    tags=["downloads"],
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA.values()}, "description": "the report file"}},
)
def api_report(
    request: Request,
    user: Signed,
    period: PeriodQ = None,
    entity: EntityQ = None,
    format: Annotated[Format, Query(description="html / pdf / docx / xlsx")] = "html",
) -> Response:
    """The monthly analysis report of the entity's subtree as a file (html, pdf, docx or xlsx)."""
    data, p, e = _where(request, user, period, entity)
    lang = lang_of(request)
    body = _report_bytes(data, p, e, format, lang)
    name = f"guozi-report-{e}-{p}.{format}"
    disposition = "inline" if format == "html" else "attachment"
    return Response(
        body,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'{disposition}; filename="{name}"', "Content-Security-Policy": "sandbox"},
    )


@router.get("/report", include_in_schema=False)
def report_download(
    request: Request,
    user: Signed,
    period: PeriodQ = None,
    entity: EntityQ = None,
    format: Annotated[Format, Query()] = "html",
) -> Response:
    """The report download from the pages (same as the API)."""
    return api_report(request, user, period, entity, format)


def search_model(request: Request, user: User, q: str, period: str | None) -> SearchOut:
    """Entities matching ``q`` among those the user may see (at most 50)."""
    data = _data(request)
    data.refresh()
    p = data.period(period)
    needle = q.strip().lower()
    nodes = data.nodes(p)
    allowed = visible_entities(data.ws, user, p)
    found: list[NodeRef] = []
    if needle:
        names = nodes["name"] if "name" in nodes.columns else nodes["entity_id"]
        for e, n in zip(nodes.entity_id, names, strict=True):
            if (needle in str(e).lower() or needle in str(n).lower()) and e in allowed:
                found.append(NodeRef(entity_id=str(e), name=str(n)))
                if len(found) >= 50:
                    break
    return SearchOut(period=str(p), query=q, results=found)


@router.get("/api/v1/search", response_model=SearchOut, tags=["pages"])
def api_search(
    request: Request, user: Signed, q: Annotated[str, Query(max_length=100)] = "", period: PeriodQ = None
) -> SearchOut:
    """Find entities by id or name, only among those in your subtrees."""
    return search_model(request, user, q, period)


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request, user: Signed, q: Annotated[str, Query(max_length=100)] = "", period: PeriodQ = None
) -> Response:
    """The search page."""
    return _page(request, "search.html", search_model(request, user, q, period))
