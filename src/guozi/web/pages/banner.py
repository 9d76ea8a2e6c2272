"""The banner of every reading page while the month it shows is still being filed: 「2026-01 填报中 213/299」.

It links to the 上报情况 page (:mod:`guozi.web.pages.filing_status`) of the same month and entity.
"""

from __future__ import annotations

from fastapi import Request
from pydantic import BaseModel

from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.web.data import WebData
from guozi.web.deps import lang_of
from guozi.web.pages.models import NodeRef

__all__ = ["filing_banner"]


def filing_banner(request: Request, model: BaseModel) -> dict[str, str] | None:
    """The banner of a page showing ``model`` (its period and entity), while that month is still being filed."""
    period, entity = getattr(model, "period", None), getattr(model, "entity", None)
    if not isinstance(period, str) or not isinstance(entity, NodeRef):
        return None
    data: WebData = request.app.state.data
    try:
        p = Period.parse(period)
        progress = data.cached(
            ("filing-progress", p.code, entity.entity_id),
            lambda: data.ws.filing_progress(p, entity=entity.entity_id),
        )
    except (ValueError, NotFoundError):
        return None
    if not progress.filing:
        return None
    return {"text": progress.banner(lang_of(request)), "href": f"/filings?period={p}&entity={entity.entity_id}"}
