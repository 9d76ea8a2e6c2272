"""The JSON API of uploads and their review (``/api/v1/submissions…``), documented at ``/docs``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.web.deps import csrf_protect, lang_of
from guozi.web.submissions.common import Signed, call, http_error, status_query, web_data
from guozi.web.submissions.models import (
    ReviewIn,
    ReviewOut,
    SubmissionDetail,
    SubmissionList,
    UploadOut,
    detail_out,
    review_out,
    submission_out,
)
from guozi.web.submissions.uploads import discard, receive, stage, upload_out
from guozi.workspace.collect import parse_explain

__all__ = ["api_detail", "api_list", "router"]

router = APIRouter()


@router.get("/api/v1/submissions", response_model=SubmissionList, tags=["submissions"])
def api_list(request: Request, user: Signed, status: str | None = None) -> SubmissionList:
    """The submissions of the user's subtrees (every one for an admin), newest first; ``status`` filters."""
    ws = web_data(request).ws
    lang = lang_of(request)
    wanted = status_query(status)
    with web_data(request).lock:
        subs = [submission_out(ws, s, lang) for s in ws.submissions_for(user, wanted)]
    return SubmissionList(status=wanted, submissions=subs)


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "xlsx / csv / parquet"},
                        "reason": {"type": "string", "description": "更正原因 restatement reason"},
                        "explain": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "核实说明 RULE:ROW=TEXT or RULE:SHEET!ROW=TEXT",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/api/v1/submissions",
    response_model=UploadOut,
    status_code=201,
    tags=["submissions"],
    openapi_extra=_UPLOAD_BODY,
    responses={422: {"model": UploadOut, "description": "refused: every problem listed, nothing written"}},
)
async def api_upload(request: Request, user: Signed) -> Response:
    """Upload one file (multipart field ``file``; optional ``reason`` and ``explain`` = ``RULE:ROW=TEXT``,
    repeated): 201 with the draft written, or 422 with every problem when refused. Needs X-CSRF-Token."""
    path, reason, lines = await receive(request, user)
    try:  # the file is removed whatever happens: stored, refused or failed
        try:
            explanations = [parse_explain(x) for x in lines]
        except GuoziError as exc:
            raise http_error(exc) from exc
        staged = await run_in_threadpool(stage, request, user, path, reason, explanations)
    finally:
        discard(path)
    out = upload_out(request, staged)
    return JSONResponse(out.model_dump(), status_code=201 if out.accepted else 422)


@router.get("/api/v1/submissions/{submission_id}", response_model=SubmissionDetail, tags=["submissions"])
def api_detail(request: Request, user: Signed, submission_id: int) -> SubmissionDetail:
    """One submission with its figures and review steps (404 outside the user's subtrees)."""
    ws = web_data(request).ws
    sub = call(request, ws.visible_submission, submission_id, user)
    data = web_data(request)
    with data.lock:
        keys = ws.submission_keys(sub.id)
        names = {e: data.name(Period.from_code(p), e) for e, p in keys}
        return detail_out(ws, sub, user, lang_of(request), names)


@router.post(
    "/api/v1/submissions/{submission_id}/submit",
    response_model=ReviewOut,
    tags=["submissions"],
    dependencies=[Depends(csrf_protect)],
)
def api_submit(request: Request, user: Signed, submission_id: int) -> ReviewOut:
    """Hand a draft in for review (draft → submitted)."""
    return review_out(call(request, web_data(request).ws.submit, submission_id, user), lang_of(request))


@router.post(
    "/api/v1/submissions/{submission_id}/withdraw",
    response_model=ReviewOut,
    tags=["submissions"],
    dependencies=[Depends(csrf_protect)],
)
def api_withdraw(request: Request, user: Signed, submission_id: int) -> ReviewOut:
    """The filer takes back an own draft (draft → returned; its figures never count)."""
    return review_out(call(request, web_data(request).ws.withdraw, submission_id, user), lang_of(request))


@router.post(
    "/api/v1/submissions/{submission_id}/review",
    response_model=ReviewOut,
    tags=["submissions"],
    dependencies=[Depends(csrf_protect)],
)
def api_review(request: Request, user: Signed, submission_id: int, body: ReviewIn) -> ReviewOut:
    """Approve (its figures then count) or return with a comment and/or ``lines``, comments on single
    figures (submitted → approved | returned); under two levels of review the first approval makes it
    ``checked`` (初审通过) and headquarters approves or returns it next."""
    try:
        lines = body.line_comments()
    except GuoziError as exc:
        raise http_error(exc) from exc
    step = call(request, web_data(request).ws.review, submission_id, user, body.approve, body.comment, lines)
    return review_out(step, lang_of(request))
