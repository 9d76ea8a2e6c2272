"""What every reading page shares: the query parameters, where the user looks (period and a visible
entity), and the small pieces of the models (references, indicator lists, cells)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel

from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.store.base import User
from guozi.web.data import WebData
from guozi.web.deps import can_see, current_user, ensure_visible
from guozi.web.pages.banner import filing_banner
from guozi.web.pages.models import Cell, IndicatorRef, NodeRef
from guozi.web.render import render

Signed = Annotated[User, Depends(current_user)]
PeriodQ = Annotated[str | None, Query(description="期间 YYYY-MM（默认最新） period, default the latest", max_length=7)]
EntityQ = Annotated[
    str | None, Query(description="企业代码（默认可见的顶层企业） entity, default your top entity", max_length=100)
]
SortQ = Annotated[str | None, Query(description="排序列：name、entity_id 或指标代码 sort column", max_length=100)]
OrderQ = Annotated[Literal["asc", "desc"], Query(description="asc / desc")]


__all__ = [
    "EntityQ",
    "OrderQ",
    "PeriodQ",
    "Signed",
    "SortQ",
    "cells",
    "indicator_refs",
    "path_to",
    "ref",
    "render_page",
    "tr",
    "viewer_roots",
    "web_data",
    "where",
]


def web_data(request: Request) -> WebData:
    """The application's cached workspace results."""
    data: WebData = request.app.state.data
    return data


def where(request: Request, user: User, period: str | None, entity: str | None) -> tuple[WebData, Period, str]:
    """The period, and the entity asked for (checked visible) or the user's top entity."""
    data = web_data(request)
    data.refresh(data.page_wait)  # a page answers from the cache while the store's version is read again
    p = data.period(period, viewer_roots(user))
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


def viewer_roots(user: User) -> tuple[str, ...] | None:
    """The roots whose default period a user sees: the whole tree for an admin, else the user's scopes."""
    return None if user.role == "admin" else user.scopes


def ref(data: WebData, p: Period, e: str) -> NodeRef:
    return NodeRef(entity_id=e, name=data.name(p, e))


def path_to(data: WebData, user: User, p: Period, e: str) -> list[NodeRef]:
    """The chain from the user's highest visible ancestor down to ``e``."""
    return [ref(data, p, x) for x in data.path(p, e) if can_see(data.ws, user, x, p)]


def tr(lang: str, zh: str, en: str) -> str:
    return pick(lang, zh, en)


def indicator_refs(data: WebData, p: Period, lang: str) -> list[IndicatorRef]:
    cat = data.ws.catalog
    return [
        IndicatorRef(code=c, name=cat.indicator(c).name(lang), unit=cat.indicator(c).unit)
        for c in data.indicator_codes(p)
    ]


def cells(rows: dict[str, dict[str, Any]], lang: str) -> dict[str, Cell]:
    out = {}
    for code, r in rows.items():
        out[code] = Cell(
            value=r["value"],
            prior_value=r["prior_value"],
            change=r["change"],
            growth=r["growth"],
            unit=r["unit"],
            note=pick(lang, r["note_zh"], r["note_en"]),
            members=r["members"],
        )
    return out


def render_page(request: Request, template: str, model: BaseModel, **extra: Any) -> Response:
    # every page here depends only on its URL, the account and the store state: rendered once per those
    banner = filing_banner(request, model)  # 「填报中 213/299」 while the shown month is being filed
    return render(request, template, {"m": model, "banner": banner, **extra}, cache_key="page")
