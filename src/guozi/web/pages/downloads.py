"""The monthly report of the entity's subtree as a file (html, pdf, docx, xlsx), and the entity search."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from guozi.kernel.periods import Period
from guozi.report import write_report
from guozi.store.base import User
from guozi.web.data import WebData
from guozi.web.deps import lang_of, visible_entities
from guozi.web.pages.common import EntityQ, PeriodQ, Signed, render_page, viewer_roots, web_data, where
from guozi.web.pages.models import NodeRef, SearchOut

__all__ = ["router", "search_model"]

router = APIRouter()
Format = Literal["html", "pdf", "docx", "xlsx"]
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _report_bytes(data: WebData, p: Period, e: str, fmt: Format, lang: str) -> bytes:
    def compute() -> bytes:
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
    data, p, e = where(request, user, period, entity)
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
    data = web_data(request)
    data.refresh()
    p = data.period(period, viewer_roots(user))
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
    return render_page(request, "search.html", search_model(request, user, q, period))
