"""Rendering pages: Jinja2 templates with the layout, the signed-in user, the language and the CSRF token."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates

from guozi.web.deps import csrf_token, lang_of, optional_user

__all__ = ["TEMPLATES", "fmt", "render", "templates"]

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))


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


def render(request: Request, template_name: str, context: Mapping[str, Any], *, status_code: int = 200) -> Response:
    """Render ``template_name`` with ``context`` plus the layout's needs.

    Every template gets ``request``, ``lang``, ``t(zh, en)`` (the text in the user's language),
    ``user`` (the signed-in user or ``None``), ``csrf_token`` and ``lang_url(code)`` (this page
    in another language). A ``?lang=`` choice is remembered in a cookie.
    """
    lang = lang_of(request)

    def t(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    def lang_url(code: str) -> str:
        return str(request.url.include_query_params(lang=code))

    full = {
        "lang": lang,
        "t": t,
        "user": optional_user(request),
        "csrf_token": csrf_token(request),
        "lang_url": lang_url,
        "path": request.url.path,
        **context,
    }
    response = templates.TemplateResponse(request, template_name, full, status_code=status_code)
    chosen = request.query_params.get("lang")
    if chosen in ("zh", "en") and request.cookies.get("lang") != chosen:
        response.set_cookie("lang", chosen, max_age=365 * 86400, httponly=True, samesite="lax")
    return response
