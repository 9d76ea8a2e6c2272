"""What the submission pages and API share: the signed-in user, the workspace under its lock, and
the workflow's refusals as HTTP answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.text import pick
from guozi.store.base import STATUSES, Status, User
from guozi.web.data import WebData
from guozi.web.deps import current_user
from guozi.workspace import ForbiddenError, TransitionError

__all__ = ["Signed", "call", "http_error", "status_query", "tr", "web_data"]

Signed = Annotated[User, Depends(current_user)]


def web_data(request: Request) -> WebData:
    """The application's cached workspace results and the store's lock."""
    data: WebData = request.app.state.data
    return data


def tr(lang: str, zh: str, en: str) -> str:
    """The text in the page's language."""
    return pick(lang, zh, en)


def status_query(status: str | None) -> Status | None:
    """The ``status`` filter of the list, checked (``None``: every status)."""
    if status in (None, ""):
        return None
    for s in STATUSES:
        if s == status:
            return s
    raise GuoziError(
        f"状态应为 {'、'.join(STATUSES)} 之一，实为 {status}",
        f"status must be one of {', '.join(STATUSES)}, not {status}",
    )


def http_error(exc: GuoziError) -> HTTPException:
    """The workflow's refusals as HTTP answers: 403 role, 404 unseen, 409 transition, 400 otherwise."""
    code = 403 if isinstance(exc, ForbiddenError) else 404 if isinstance(exc, NotFoundError) else 400
    if isinstance(exc, TransitionError):
        code = 409
    detail = {"message_zh": exc.message_zh, "message_en": exc.message_en, "code": exc.code}
    return HTTPException(status_code=code, detail=detail)


def call(request: Request, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a workspace step under the store's lock, its refusals turned into HTTP answers."""
    with web_data(request).lock:
        try:
            return fn(*args, **kwargs)
        except GuoziError as exc:
            raise http_error(exc) from exc
