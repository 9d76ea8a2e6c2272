"""The drill-down (a node and its children), an entity with the history of its figures, and an
indicator explained (formula, value, inputs with every version)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.store.base import User
from guozi.web.data import WebData, clean
from guozi.web.deps import lang_of
from guozi.web.pages.common import (
    EntityQ,
    OrderQ,
    PeriodQ,
    Signed,
    SortQ,
    cells,
    indicator_refs,
    path_to,
    ref,
    render_page,
    where,
)
from guozi.web.pages.models import Cell, EntityOut, ExplainOut, HistoryOut, TreeOut, TreeRow

__all__ = ["entity_model", "explain_model", "router", "tree_model"]

router = APIRouter()
PER_PAGE = 50  # drill-down rows per page: a node may have hundreds of subsidiaries


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
    view: TreeView = "reported",
) -> TreeOut:
    """A node and one page of its children, each with reported figures and children sums (and, with
    ``view="consolidated"``, the computed 合并 and its 差额, worked out only when asked)."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    key = ("tree", p.code, e, sort, order, page, per_page, lang, user.role, user.scopes, view)
    return data.cached(key, lambda: _tree(data, user, p, e, lang, (sort, order), (page, per_page), view))


def _tree(
    data: WebData,
    user: User,
    p: Period,
    e: str,
    lang: str,
    sorting: tuple[str | None, str],
    paging: tuple[int, int],
    view: TreeView,
) -> TreeOut:
    (sort, order), (page, per_page) = sorting, paging
    kids = data.children_of(p)
    children = kids.get(e, [])
    reported = data.full_panel(p, "reported")
    sums = data.full_panel(p, "children")
    computed = data.full_panel(p, "consolidated") if view == "consolidated" else {}
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
            reported=cells(reported.get(x, {}), lang),
            children_sum=cells(sums.get(x, {}) if kids.get(x) else {}, lang),
            consolidated=cells(computed.get(x, {}), lang),
            difference=differences(computed.get(x, {})),
        )

    return TreeOut(
        period=str(p),
        node=row(e),
        path=path_to(data, user, p, e),
        indicators=indicator_refs(data, p, lang),
        rows=[row(x) for x in shown],
        sort=key,
        order=order,
        page=page,
        pages=pages,
        total=len(ordered),
        view=view,
    )


def differences(rows: dict[str, dict[str, Any]]) -> dict[str, Cell]:
    """差额 = the filed 合并 − the computed 合并, in each indicator's unit (a ratio's in percentage points)."""
    return {code: Cell(value=r.get("difference"), unit=r["unit"]) for code, r in rows.items()}


PageQ = Annotated[int, Query(ge=1, le=1_000_000, description="页码 page (1-based)")]
PerPageQ = Annotated[int, Query(ge=1, le=1000, description="每页行数 rows per page")]
TreeView = Literal["reported", "consolidated"]
TreeViewQ = Annotated[
    TreeView, Query(description="consolidated：另列计算合并与差额 also the computed 合并 and the difference")
]


def tree_query(
    request: Request,
    user: Signed,
    period: PeriodQ = None,
    entity: EntityQ = None,
    sort: SortQ = None,
    order: OrderQ = "asc",
    page: PageQ = 1,
    per_page: PerPageQ = PER_PAGE,
    view: TreeViewQ = "reported",
) -> TreeOut:
    """The drill-down's parameters, shared by the page and the API, and its content."""
    return tree_model(request, user, period, entity, sort, order, page, per_page, view)


TreeQ = Annotated[TreeOut, Depends(tree_query)]


@router.get("/api/v1/tree", response_model=TreeOut, tags=["pages"])
def api_tree(model: TreeQ) -> TreeOut:
    """Drill-down: a node and a page of its direct children (sorted over all of them), reported (合并)
    figures beside the children's sums (节点汇总); with ``view=consolidated`` also the computed 合并
    (计算合并) and the difference (差额 = reported − computed)."""
    return model


@router.get("/tree", include_in_schema=False)
def tree_page(request: Request, model: TreeQ) -> Response:
    """The drill-down page."""
    return render_page(request, "tree.html", model)


# -- entity and history -----------------------------------------------------------------------------


def entity_model(request: Request, user: User, entity_id: str, period: str | None) -> EntityOut:
    """An entity's page content."""
    data, p, e = where(request, user, period, entity_id)
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
        entity=ref(data, p, e),
        path=path_to(data, user, p, e),
        attributes=attrs,
        children=[ref(data, p, k) for k in data.children_of(p).get(e, [])],
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
    return render_page(request, "entity.html", entity_model(request, user, entity_id, period))


@router.get("/api/v1/entities/{entity_id}/history", response_model=HistoryOut, tags=["pages"])
def api_history(
    request: Request,
    user: Signed,
    entity_id: str,
    period: PeriodQ = None,
    item: Annotated[str | None, Query(max_length=100)] = None,
) -> HistoryOut:
    """Every version of the entity's figures for the period (one item or all): value, when, who, file, reason."""
    data, p, e = where(request, user, period, entity_id)
    if item is not None and item not in data.ws.catalog.items:
        raise NotFoundError(f"未知项目代码：{item}", f"unknown item code: {item}")
    return HistoryOut(period=str(p), entity=ref(data, p, e), rows=data.history(p, e, item))


# -- an indicator explained ------------------------------------------------------------------------


def explain_model(request: Request, user: User, code: str, period: str | None, entity: str | None) -> ExplainOut:
    """An indicator explained for an entity."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    if code not in data.ws.catalog.indicators:
        raise NotFoundError(f"未知指标：{code}", f"unknown indicator: {code}")
    x = data.explain(p, e, code)
    return ExplainOut(
        period=str(p),
        entity=ref(data, p, e),
        code=code,
        name=pick(lang, x["name_zh"], x["name_en"]),
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
    return render_page(request, "explain.html", explain_model(request, user, code, period, entity))
