"""The submission pages: the list, the upload form (with the explanations of 核实 problems), one
submission with its review buttons."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from guozi.ingest.guard import LIMITS
from guozi.kernel.errors import GuoziError
from guozi.store.base import STATUSES, User
from guozi.web.deps import csrf_protect, lang_of
from guozi.web.render import render
from guozi.web.submissions.api import api_detail, api_list
from guozi.web.submissions.common import Signed, call, http_error, tr, web_data
from guozi.web.submissions.models import line_comment
from guozi.web.submissions.uploads import discard, park, receive, stage, upload_out, uploads
from guozi.workspace import UPLOADERS, Staged
from guozi.workspace.collect import Explain, parse_explain

__all__ = ["router"]

router = APIRouter()


async def _stage_page(request: Request, user: User, path: Path, reason: str, explanations: list[Explain]) -> Response:
    """Stage the saved upload for the pages; the file is removed afterwards unless it waits for explanations."""
    token = None
    try:
        staged = await run_in_threadpool(stage, request, user, path, reason, explanations)
        token = park(request, user, path, reason, staged)
    finally:
        if token is None:
            discard(path)
    return _upload_page(request, staged, token, path)


@router.get("/submissions", include_in_schema=False)
def list_page(request: Request, user: Signed, status: str | None = None) -> Response:
    """The submissions page."""
    m = api_list(request, user, status)
    return render(
        request, "submissions/list.html", {"m": m, "statuses": STATUSES, "can_upload": user.role in UPLOADERS}
    )


@router.get("/submissions/new", include_in_schema=False)
def new_page(request: Request, user: Signed) -> Response:
    """The upload form."""
    if user.role not in UPLOADERS:
        raise HTTPException(
            403, {"message_zh": "您的角色不能上传报表", "message_en": "your role may not upload reports"}
        )
    return render(
        request, "submissions/new.html", {"result": None, "error": None, "max_mib": LIMITS.max_bytes // 1024**2}
    )


def _upload_page(request: Request, staged: Staged, token: str | None, path: Path) -> Response:
    if staged.submissions:
        return RedirectResponse(f"/submissions/{staged.submissions[0].id}?uploaded=1", status_code=303)
    out = upload_out(request, staged)
    return render(
        request,
        "submissions/new.html",
        {"result": out, "error": None, "token": token, "file": path.name, "max_mib": LIMITS.max_bytes // 1024**2},
        status_code=422 if out.problems or out.unexplained else 200,
    )


@router.post("/submissions/new", include_in_schema=False)
async def upload_page(request: Request, user: Signed) -> Response:
    """Receive the file: show its problems, ask for explanations, or land it as a draft."""
    try:
        path, reason, _ = await receive(request, user)
    except HTTPException as exc:
        if exc.status_code not in (400, 413):
            raise
        detail = exc.detail if isinstance(exc.detail, dict) else {"message_zh": str(exc.detail)}
        lang = lang_of(request)
        error = tr(lang, str(detail.get("message_zh", "")), str(detail.get("message_en", "")))
        ctx = {"result": None, "error": error, "max_mib": LIMITS.max_bytes // 1024**2}
        return render(request, "submissions/new.html", ctx, status_code=exc.status_code)
    return await _stage_page(request, user, path, reason, [])


@router.post("/submissions/new/explain", include_in_schema=False)
async def explain_page(request: Request, user: Signed) -> Response:
    """The explanations of the waiting upload's 核实 problems (fields ``x:RULE:ROW``): land it as a draft."""
    form = await request.form(max_files=0, max_fields=2000)
    await csrf_protect(request)
    explanations = []  # read before the waiting upload is taken: a malformed one leaves it waiting
    for key, value in form.multi_items():
        text = str(value).strip()
        if key.startswith("x:") and text:
            try:
                explanations.append(parse_explain(f"{key[2:]}={text}"))
            except GuoziError as exc:
                raise http_error(exc) from exc
    pending = uploads(request).take(str(form.get("token") or ""), user.name)
    return await _stage_page(request, user, pending.path, pending.reason, explanations)


@router.get("/submissions/{submission_id}", include_in_schema=False)
def detail_page(request: Request, user: Signed, submission_id: int) -> Response:
    """One submission: figures, review steps and comments, and the allowed actions."""
    m = api_detail(request, user, submission_id)
    ctx = {"m": m, "uploaded": request.query_params.get("uploaded"), "jump": m.jump_factor}
    return render(request, "submissions/detail.html", ctx)


@router.post("/submissions/{submission_id}/submit", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def submit_page(request: Request, user: Signed, submission_id: int) -> Response:
    """The submit button."""
    call(request, web_data(request).ws.submit, submission_id, user)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.post("/submissions/{submission_id}/withdraw", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def withdraw_page(request: Request, user: Signed, submission_id: int) -> Response:
    """The withdraw button of the filer's own draft."""
    call(request, web_data(request).ws.withdraw, submission_id, user)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.post("/submissions/{submission_id}/review", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def review_page(request: Request, user: Signed, submission_id: int) -> Response:
    """The approve and return buttons (form fields ``decision`` = approve | return, ``comment``, and one
    ``line:ENTITY|YYYY-MM|ITEM`` per figure: the comment on that line, when returning)."""
    form = await request.form(max_files=0, max_fields=4000)
    approve = form.get("decision") == "approve"
    comment = str(form.get("comment") or "")[:2000]
    lines = []
    for key, value in form.multi_items():
        parts = key.split("|")
        if key.startswith("line:") and len(parts) == 3 and str(value).strip():
            try:
                lines.append(line_comment(parts[0][5:], parts[1], parts[2], str(value)[:2000]))
            except GuoziError as exc:
                raise http_error(exc) from exc
    ws = web_data(request).ws
    await run_in_threadpool(call, request, ws.review, submission_id, user, approve, comment, lines)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)
