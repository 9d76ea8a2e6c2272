"""The 上报情况 page: who of the viewer's subtree has filed a month, the chase list (催报名单) and its export.

The banner every reading page shows while its month is still being filed is
:func:`guozi.web.pages.banner.filing_banner`. Who is expected and how a status is decided: :mod:`guozi.workspace.periods`.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.presentation.output import to_csv, write_xlsx
from guozi.store.base import User
from guozi.web.data import WebData, clean
from guozi.web.deps import lang_of
from guozi.web.pages.common import EntityQ, PeriodQ, Signed, ref, render_page, viewer_roots, web_data, where
from guozi.web.pages.models import NodeRef
from guozi.workspace.filings import FILING_COLUMNS, FILING_STATUSES, STATE_ZH, PeriodStatus

__all__ = ["FilingsOut", "router"]

router = APIRouter()
Show = Literal["all", "chase", "missing", "draft", "submitted", "returned", "approved"]
ShowQ = Annotated[
    Show, Query(description="all、chase（催报名单：未报、草稿、已退回）或一种状态 all, the chase list or one status")
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FilingsOut(BaseModel):
    """A month's filings under the entity: its state, deadline, counts per status and level, and the rows shown."""

    period: str
    entity: NodeRef
    state: str  # unopened | open | closed
    state_label: str
    deadline: str | None
    expected: int
    approved: int
    banner: str  # 「填报中 213/299」 while the month is being filed, else empty
    show: str  # the filter: all, chase or a status
    counts: dict[str, int]  # entities per status (of every expected entity, whatever the filter)
    chase: int  # entities on the chase list (催报名单): missing, draft or returned
    levels: list[dict[str, Any]]  # per level: expected and each status
    rows: list[dict[str, Any]]  # the filings the filter keeps: status, who and when, overdue


def _status(data: WebData, p: Period, e: str) -> PeriodStatus:
    today = date.today()  # overdue changes at midnight, not only with the store
    return data.cached(("filings", p.code, e, today), lambda: data.ws.period_status(p, entity=e, today=today))


def _kept(status: PeriodStatus, show: Show, lang: str) -> list[dict[str, Any]]:
    chosen = status.chase() if show == "chase" else [f for f in status.filings if show in ("all", f.status)]
    return [f.record(lang) for f in chosen]


def filings_model(request: Request, user: User, period: str | None, entity: str | None, show: Show) -> FilingsOut:
    """The 上报情况 of the entity's subtree; without a period, the latest month open for filing."""
    data = web_data(request)
    data.refresh()
    if not period:
        roots = viewer_roots(user)
        key = tuple(roots) if roots else None
        period = str(data.cached(("filing-period", key), lambda: data.ws.filing_period(key)))
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    status = _status(data, p, e)
    progress = status.progress
    return FilingsOut(
        period=str(p),
        entity=ref(data, p, e),
        state=status.state,
        state_label=pick(lang, STATE_ZH[status.state], status.state),
        deadline=str(status.deadline) if status.deadline else None,
        expected=status.expected,
        approved=status.approved,
        banner=progress.banner(lang),
        show=show,
        counts=status.counts(),
        chase=len(status.chase()),
        levels=status.levels(),
        rows=[{k: clean(v) for k, v in r.items()} for r in _kept(status, show, lang)],
    )


@router.get("/api/v1/filings", response_model=FilingsOut, tags=["pages"])
def api_filings(
    request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None, status: ShowQ = "all"
) -> FilingsOut:
    """上报情况: every entity of the subtree expected to file the month, its status, who and when, overdue or not."""
    return filings_model(request, user, period, entity, status)


@router.get("/filings", include_in_schema=False)
def filings_page(
    request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None, status: ShowQ = "all"
) -> Response:
    """The 上报情况 page."""
    model = filings_model(request, user, period, entity, status)
    return render_page(request, "filing_status.html", model, statuses=FILING_STATUSES)


@router.get(
    "/api/v1/filings/export",
    tags=["downloads"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}, "description": "the chase list (or the rows asked for)"}},
)
def api_filings_export(
    request: Request,
    user: Signed,
    period: PeriodQ = None,
    entity: EntityQ = None,
    status: ShowQ = "chase",
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv / xlsx")] = "csv",
) -> Response:
    """The chase list (催报名单; or the filings of ``status``) of the subtree as CSV or Excel."""
    model = filings_model(request, user, period, entity, status)
    lang = lang_of(request)
    name = f"guozi-filings-{model.entity.entity_id}-{model.period}-{status}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        return Response(to_csv(model.rows, FILING_COLUMNS), media_type="text/csv; charset=utf-8", headers=headers)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        write_xlsx(path, [(pick(lang, "催报名单", "chase list"), model.rows, FILING_COLUMNS)], lang)
        return Response(path.read_bytes(), media_type=XLSX, headers=headers)
