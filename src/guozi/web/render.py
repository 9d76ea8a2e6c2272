"""Rendering pages: Jinja2 templates with the layout, the signed-in user, the language and the CSRF token."""

from __future__ import annotations

import math
import secrets
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from guozi.kernel.money import DEFAULT_UNIT, UNITS, decisive_decimals, figure, money_figure, points
from guozi.kernel.text import pick
from guozi.web import labels
from guozi.web.deps import csrf_token, lang_of, optional_user

if TYPE_CHECKING:
    from guozi.web.data import WebData

__all__ = ["TEMPLATES", "beijing", "fmt", "render", "show", "templates", "unit_label"]

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
_CSRF_MARK = "csrf-" + secrets.token_hex(16)  # stands for the session's token in cached pages


MONEY = ("元", "yuan")
PERCENT = ("%", "percent")
BEIJING = timezone(timedelta(hours=8), "北京时间")


def fmt(value: Any, unit: str = "", lang: str = "zh") -> str:
    """A figure as the pages show it: amounts in 万元 with thousands separators, ratios with two decimals,
    rounded half up (四舍五入) like every figure guozi shows (:func:`guozi.kernel.money.figure`)."""
    if value is None or isinstance(value, bool):
        return "—"
    if isinstance(value, float) and math.isnan(value):
        return "—"
    if unit in MONEY:
        return money_figure(Decimal(str(value)), DEFAULT_UNIT)
    if unit in PERCENT:
        return f"{figure(value)}%"
    if isinstance(value, (int, float, Decimal)):
        return figure(value)
    return str(value)


def show(value: Any, kind: str = "auto", unit: str = "") -> str:
    """A table cell's figure by what the column holds, never by the row's unit alone.

    ``kind``: ``auto`` (the row's ``unit``: 元 shown in 万元, % with its sign), ``money`` (元 in the
    data, shown in 万元), ``pct`` (a percentage: completion, pace, a share), ``pp`` (a change in
    percentage points, with the digits that decide it), ``growth`` (a signed percentage), ``count``
    (a whole number: enterprises, months).
    """
    if value is None or isinstance(value, bool) or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if not isinstance(value, (int, float, Decimal)):
        return str(value)
    if kind == "money":
        return fmt(value, "元")
    if kind == "pct":  # a completion of 99.997 is 99.997%, never 100.00% beside 未达标
        return f"{figure(value, decisive_decimals(value, 100))}%"
    if kind == "pp":  # the digits that decide it: +0.001, never +0.00 for a change that is not zero
        return points(value)
    if kind == "growth":
        return figure(value, signed=True)
    if kind == "count":
        return figure(value, 0 if float(value).is_integer() else 2)
    return fmt(value, unit)


def unit_label(unit: str | None, lang: str = "zh") -> str:
    """The unit a page writes beside a figure: amounts are shown in 万元, so 元 reads 万元."""
    if unit in MONEY:
        return UNITS[DEFAULT_UNIT].name(lang)
    if unit in PERCENT:
        return "%"
    return unit or ""


def beijing(value: Any) -> str:
    """A stored time (UTC, ISO text or datetime) as 北京时间 ``2026-12-07 22:37``; JSON keeps the ISO text."""
    if value is None or value == "":
        return ""
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if when.tzinfo is None:  # the store keeps UTC without a zone
        when = when.replace(tzinfo=UTC)
    return when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


templates.env.filters["fmt"] = fmt
templates.env.filters["show"] = show
templates.env.filters["beijing"] = beijing


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    cache_key: Hashable | None = None,
) -> Response:
    """Render ``template_name`` with ``context`` plus the layout's needs.

    Every template gets ``request``, ``lang``, ``t(zh, en)`` (the text in the user's language),
    ``user`` (the signed-in user or ``None``), ``csrf_token`` and ``lang_url(code)`` (this page
    in another language). A ``?lang=`` choice is remembered in a cookie.

    With ``cache_key`` (for pages that depend only on it, the URL, the language, the account and
    the store's state), the HTML is rendered once per account and kept with the store state's
    cache; each response then only puts the session's CSRF token in.
    """
    lang = lang_of(request)
    user = optional_user(request)

    def html() -> str:
        def t(zh: str, en: str) -> str:
            return pick(lang, zh, en)

        def label(table: str, code: object) -> str:
            return labels.label(table, code, lang)

        def attribute(key: str, value: object) -> str:
            return labels.attribute_value(key, value, lang)

        def catalog_text(text: str) -> str:
            return labels.catalog_text(text, lang)

        def lang_url(code: str) -> str:
            return str(request.url.include_query_params(lang=code))

        full = {
            "request": request,
            "lang": lang,
            "t": t,
            "user": user,
            "csrf_token": _CSRF_MARK,
            "lang_url": lang_url,
            "label": label,
            "attribute": attribute,
            "catalog_text": catalog_text,
            "unit_label": lambda unit: unit_label(unit, lang),
            "path": request.url.path,
            **context,
        }
        return templates.get_template(template_name).render(full)

    if cache_key is None or user is None:
        text = html()
    else:
        data: WebData = request.app.state.data
        who = (user.name, user.display_name, user.role, user.scopes)
        text = data.page(("html", template_name, cache_key, str(request.url), lang, who), html)
    response = HTMLResponse(text.replace(_CSRF_MARK, csrf_token(request)), status_code=status_code)
    chosen = request.query_params.get("lang")
    if chosen in ("zh", "en") and request.cookies.get("lang") != chosen:
        response.set_cookie("lang", chosen, max_age=365 * 86400, httponly=True, samesite="lax")
    return response
