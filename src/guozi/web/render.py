"""Rendering pages: Jinja2 templates with the layout, the signed-in user, the language and the CSRF token."""

from __future__ import annotations

import math
import secrets
from collections.abc import Hashable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from guozi.web.deps import csrf_token, lang_of, optional_user

if TYPE_CHECKING:
    from guozi.web.data import WebData

__all__ = ["TEMPLATES", "fmt", "render", "templates"]

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
_CSRF_MARK = "csrf-" + secrets.token_hex(16)  # stands for the session's token in cached pages


def fmt(value: Any, unit: str = "", lang: str = "zh") -> str:
    """A figure as the pages show it: amounts in 万元 with thousands separators, ratios with two decimals."""
    if value is None:
        return "—"
    if isinstance(value, float) and math.isnan(value):
        return "—"
    if unit in ("元", "yuan"):
        wan = Decimal(str(value)) / Decimal(10000)
        return f"{wan:,.2f}"
    if unit in ("%", "percent"):
        return f"{float(value):,.2f}%"
    if isinstance(value, (int, float, Decimal)):
        return f"{float(value):,.2f}"
    return str(value)


templates.env.filters["fmt"] = fmt


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
            return zh if lang == "zh" else en

        def lang_url(code: str) -> str:
            return str(request.url.include_query_params(lang=code))

        full = {
            "request": request,
            "lang": lang,
            "t": t,
            "user": user,
            "csrf_token": _CSRF_MARK,
            "lang_url": lang_url,
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
