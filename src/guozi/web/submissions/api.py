"""Uploads and their review — pages and JSON twins.

* ``/submissions``: the submissions of the user's subtrees with their status (草稿 draft, 已提交
  submitted, 已通过 approved, 已退回 returned);
* ``/submissions/new``: a filer uploads a filled report template or a facts file; the problems come
  back in plain words with the cells named (``利润表!C5``); 核实 problems are explained in the
  form and the file lands as a draft;
* ``/submissions/{id}``: the figures, the review steps with their comments, and the buttons the
  user's role allows: submit (draft → submitted), approve or return with a comment.

Every step is a :class:`~guozi.workspace.Workspace` method (``stage_upload``, ``submit``,
``review``), which checks roles, subtrees and transitions and writes the audit log. Uploads pass
:mod:`guozi.ingest.guard` (size, type by content, zip bombs) before any parser sees them.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from guozi.ingest.guard import LIMITS, UploadRefusedError, save_upload
from guozi.kernel.errors import GuoziError, NotFoundError, Problem, Severity
from guozi.kernel.periods import Period
from guozi.store.base import STATUSES, Review, Status, Submission, User
from guozi.web.data import WebData, file_name
from guozi.web.deps import csrf_protect, current_user, lang_of
from guozi.web.render import render
from guozi.workspace import STATUS_ZH, UPLOADERS, ForbiddenError, Staged, TransitionError, Workspace
from guozi.workspace.collect import Explain, explain_key, parse_explain

__all__ = ["router"]

router = APIRouter()
Signed = Annotated[User, Depends(current_user)]
PENDING_MAX = 200  # uploads waiting for explanations, per application (the oldest is dropped)
PENDING_TTL = 3600.0  # seconds
_LETTERS = re.compile(r"^[A-Z]{1,3}$")


# -- models ---------------------------------------------------------------------------------------


class ProblemOut(BaseModel):
    """A problem in plain words: severity, where (file, sheet, row, column, the cell), what was expected and found."""

    severity: str
    severity_label: str
    rule: str
    message: str
    file: str
    sheet: str
    row: int | None
    column: str
    cell: str  # e.g. "利润表!C5", or "row 3, column entity_id"
    expected: str
    found: str
    explain_key: str  # RULE:ROW or RULE:SHEET!ROW, for 核实 problems


class ReviewOut(BaseModel):
    """One review step: who moved the submission to which status, when, with what comment."""

    at: str
    user: str
    status: str
    status_label: str
    comment: str


class SubmissionOut(BaseModel):
    """A submission: its file, uploader, status and the entities and periods its figures concern."""

    id: int
    created_at: str
    user: str
    file: str
    sha256: str
    kind: str
    rows: int
    reason: str
    status: str
    status_label: str
    entities: list[str]
    periods: list[str]
    last_comment: str


class FactOut(BaseModel):
    """One figure of a submission (value exact, in 元 or persons)."""

    entity_id: str
    period: str
    item: str
    name: str
    unit: str
    value: str


class SubmissionDetail(SubmissionOut):
    """A submission with its figures, its review steps and what the user may do with it."""

    facts: list[FactOut]
    reviews: list[ReviewOut]
    can_submit: bool
    can_review: bool


class SubmissionList(BaseModel):
    """The submissions the user may see, newest first."""

    status: str | None
    submissions: list[SubmissionOut]


class UploadOut(BaseModel):
    """What an upload did: the problems, the 核实 problems still unexplained, the drafts written."""

    accepted: bool
    problems: list[ProblemOut]
    unexplained: list[ProblemOut]
    submissions: list[SubmissionOut]
    skipped: list[dict[str, Any]]


class ReviewIn(BaseModel):
    """A supervisor's decision: approve, or return with a comment."""

    approve: bool
    comment: str = Field(default="", max_length=2000)


# -- helpers --------------------------------------------------------------------------------------


def _data(request: Request) -> WebData:
    data: WebData = request.app.state.data
    return data


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _cell(p: Problem, lang: str) -> str:
    """Where the problem is, as a user finds it in Excel: ``利润表!C5``, else row and column."""
    if p.sheet and p.row is not None and _LETTERS.match(p.column or ""):
        return f"{p.sheet}!{p.column}{p.row}"
    return p.location(lang)


def problem_out(p: Problem, lang: str) -> ProblemOut:
    """A problem as the page and the API show it."""
    sev = Severity(p.severity)
    return ProblemOut(
        severity=sev.value,
        severity_label=sev.label(lang),
        rule=p.rule,
        message=p.message(lang),
        file=p.file,
        sheet=p.sheet,
        row=p.row,
        column=p.column,
        cell=_cell(p, lang),
        expected=p.expected,
        found=p.found,
        explain_key=explain_key(p) if sev == Severity.VERIFY else "",
    )


def _status_label(status: str, lang: str) -> str:
    return STATUS_ZH.get(status, status) if lang == "zh" else status


def submission_out(ws: Workspace, sub: Submission, lang: str) -> SubmissionOut:
    """A submission with the entities and periods of its figures and the latest review comment."""
    keys = ws.submission_keys(sub.id)
    steps = ws.store.reviews(sub.id)
    return SubmissionOut(
        id=sub.id,
        created_at=sub.created_at.isoformat(timespec="seconds"),
        user=sub.user,
        file=file_name(sub.source),
        sha256=sub.sha256,
        kind=sub.kind,
        rows=sub.rows,
        reason=sub.reason,
        status=sub.status,
        status_label=_status_label(sub.status, lang),
        entities=sorted({e for e, _ in keys}),
        periods=[str(Period.from_code(c)) for c in sorted({p for _, p in keys})],
        last_comment=next((s.comment for s in reversed(steps) if s.comment), ""),
    )


def _review_out(step: Review, lang: str) -> ReviewOut:
    return ReviewOut(
        at=step.at.isoformat(timespec="seconds"),
        user=step.user,
        status=step.status,
        status_label=_status_label(step.status, lang),
        comment=step.comment,
    )


def _detail(ws: Workspace, sub: Submission, user: User, lang: str) -> SubmissionDetail:
    items = ws.catalog.items
    facts = [
        FactOut(
            entity_id=str(r["entity_id"]),
            period=str(Period.from_code(int(r["period"]))),
            item=str(r["item"]),
            name=(items[r["item"]].name_zh if lang == "zh" else items[r["item"]].name_en)
            if r["item"] in items
            else str(r["item"]),
            unit=items[r["item"]].unit if r["item"] in items else "元",
            value=str(r["value"]),
        )
        for r in ws.store.submission_facts(sub.id).to_pylist()
    ]
    reviews = [_review_out(s, lang) for s in ws.store.reviews(sub.id)]
    base = submission_out(ws, sub, lang)
    return SubmissionDetail(
        **base.model_dump(),
        facts=facts,
        reviews=reviews,
        can_submit=sub.status == "draft" and user.role in UPLOADERS,
        can_review=sub.status == "submitted" and user.role in ("supervisor", "admin") and sub.user != user.name,
    )


def _status_q(status: str | None) -> Status | None:
    if status in (None, ""):
        return None
    for s in STATUSES:
        if s == status:
            return s
    raise GuoziError(
        f"状态应为 {'、'.join(STATUSES)} 之一，实为 {status}",
        f"status must be one of {', '.join(STATUSES)}, not {status}",
    )


def _http(exc: GuoziError) -> HTTPException:
    """The workflow's refusals as HTTP answers: 403 role, 404 unseen, 409 transition, 400 otherwise."""
    code = 403 if isinstance(exc, ForbiddenError) else 404 if isinstance(exc, NotFoundError) else 400
    if isinstance(exc, TransitionError):
        code = 409
    return HTTPException(status_code=code, detail={"message_zh": exc.message_zh, "message_en": exc.message_en})


def _call(request: Request, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a workspace step under the store's lock, its refusals turned into HTTP answers."""
    with _data(request).lock:
        try:
            return fn(*args, **kwargs)
        except GuoziError as exc:
            raise _http(exc) from exc


# -- staged uploads: files waiting in a private folder, and explanations still to give ------------


@dataclass
class _Pending:
    user: str
    path: Path
    reason: str
    at: float


def _discard(path: Path) -> None:
    """Remove an uploaded file with its private folder (each upload is saved in a folder of its own)."""
    shutil.rmtree(path.parent, ignore_errors=True)


class _Uploads:
    """The application's upload folder and the uploads that wait for explanations (by random token).

    Each upload is saved in a folder of its own under :attr:`root` and removed as soon as it is
    stored or refused; only an upload waiting for explanations of its 核实 problems is kept, for
    at most :data:`PENDING_TTL` seconds (and :data:`PENDING_MAX` of them). The folder itself goes
    when the application object does, or at the latest when the process ends.
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="guozi-uploads-"))
        self.pending: OrderedDict[str, _Pending] = OrderedDict()
        self.lock = threading.Lock()
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.root, ignore_errors=True)

    def folder(self) -> Path:
        return self.root / secrets.token_hex(8)

    def _expire(self, now: float) -> None:
        """Drop the oldest waiting uploads past their time or beyond the number kept (under :attr:`lock`)."""
        while self.pending and (
            len(self.pending) > PENDING_MAX or now - next(iter(self.pending.values())).at > PENDING_TTL
        ):
            _, old = self.pending.popitem(last=False)
            _discard(old.path)

    def keep(self, user: str, path: Path, reason: str) -> str:
        token = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self.lock:
            self.pending[token] = _Pending(user, path, reason, now)
            self._expire(now)
        return token

    def take(self, token: str, user: str) -> _Pending:
        """The waiting upload of ``token`` (now the caller's to remove), if ``user`` left it; else 404."""
        with self.lock:
            self._expire(time.monotonic())
            found = self.pending.get(token)
            if found is None or found.user != user or time.monotonic() - found.at > PENDING_TTL:
                raise HTTPException(
                    404,
                    {
                        "message_zh": "待说明的上传已过期或不存在，请重新上传文件",
                        "message_en": "the upload waiting for explanations has expired or does not exist; upload the file again",
                    },
                )
            del self.pending[token]
            return found


_uploads_lock = threading.Lock()


def _uploads(request: Request) -> _Uploads:
    with _uploads_lock:
        found = getattr(request.app.state, "uploads", None)
        if not isinstance(found, _Uploads):
            found = _Uploads()
            request.app.state.uploads = found
        return found


async def _receive(request: Request, user: User) -> tuple[Path, str, list[str]]:
    """The uploaded file saved (guarded) in its own folder, the reason, and ``explain`` lines."""
    if user.role not in UPLOADERS:
        raise HTTPException(
            403, {"message_zh": "您的角色不能上传报表", "message_en": "your role may not upload reports"}
        )
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise HTTPException(411, {"message_zh": "上传须注明长度", "message_en": "an upload needs a Content-Length"})
    if int(length) > LIMITS.max_bytes + 64 * 1024:
        mib = LIMITS.max_bytes / 1024**2
        raise HTTPException(
            413,
            {
                "message_zh": f"文件超过上限 {mib:.0f} MiB",
                "message_en": f"the file is larger than the limit of {mib:.0f} MiB",
            },
        )
    form = await request.form(max_files=1, max_fields=200)
    try:
        await csrf_protect(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise HTTPException(400, {"message_zh": "请选择要上传的文件", "message_en": "choose a file to upload"})
        reason = str(form.get("reason") or "")[:500]
        explains = [str(v) for v in form.getlist("explain") if str(v).strip()]
        folder = _uploads(request).folder()
        try:
            path = await run_in_threadpool(save_upload, upload.file, upload.filename, folder)
        except BaseException as exc:  # refused, or failed: nothing of it stays on disk
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(exc, UploadRefusedError):
                raise HTTPException(
                    400, {"message_zh": exc.message_zh, "message_en": exc.message_en, "rule": "upload.refused"}
                ) from exc
            raise
    finally:
        await form.close()
    return path, reason, explains


def _stage(request: Request, user: User, path: Path, reason: str, explanations: list[Explain]) -> Staged:
    staged: Staged = _call(request, _data(request).ws.stage_upload, [path], user, explanations, reason=reason)
    return staged


def _upload_out(request: Request, staged: Staged) -> UploadOut:
    lang = lang_of(request)
    ws = _data(request).ws
    with _data(request).lock:
        subs = [submission_out(ws, s, lang) for s in staged.submissions]
    return UploadOut(
        accepted=bool(staged.submissions),
        problems=[problem_out(p, lang) for p in staged.problems],
        unexplained=[problem_out(p, lang) for p in staged.unexplained],
        submissions=subs,
        skipped=[{"file": f, "submission": sid} for f, sid in staged.skipped],
    )


def _park(request: Request, user: User, path: Path, reason: str, staged: Staged) -> str | None:
    """Keep the saved file while its 核实 problems wait for explanations (the token); ``None``: not kept."""
    if staged.unexplained and not staged.blocking and not staged.submissions:
        return _uploads(request).keep(user.name, path, reason)
    return None


async def _stage_page(request: Request, user: User, path: Path, reason: str, explanations: list[Explain]) -> Response:
    """Stage the saved upload for the pages; the file is removed afterwards unless it waits for explanations."""
    token = None
    try:
        staged = await run_in_threadpool(_stage, request, user, path, reason, explanations)
        token = _park(request, user, path, reason, staged)
    finally:
        if token is None:
            _discard(path)
    return _upload_page(request, staged, token, path)


# -- JSON API -------------------------------------------------------------------------------------


@router.get("/api/v1/submissions", response_model=SubmissionList, tags=["submissions"])
def api_list(request: Request, user: Signed, status: str | None = None) -> SubmissionList:
    """The submissions of the user's subtrees (every one for an admin), newest first; ``status`` filters."""
    ws = _data(request).ws
    lang = lang_of(request)
    wanted = _status_q(status)
    with _data(request).lock:
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
    path, reason, lines = await _receive(request, user)
    try:  # the file is removed whatever happens: stored, refused or failed
        try:
            explanations = [parse_explain(x) for x in lines]
        except GuoziError as exc:
            raise _http(exc) from exc
        staged = await run_in_threadpool(_stage, request, user, path, reason, explanations)
    finally:
        _discard(path)
    out = _upload_out(request, staged)
    return JSONResponse(out.model_dump(), status_code=201 if out.accepted else 422)


@router.get("/api/v1/submissions/{submission_id}", response_model=SubmissionDetail, tags=["submissions"])
def api_detail(request: Request, user: Signed, submission_id: int) -> SubmissionDetail:
    """One submission with its figures and review steps (404 outside the user's subtrees)."""
    ws = _data(request).ws
    sub = _call(request, ws.visible_submission, submission_id, user)
    with _data(request).lock:
        return _detail(ws, sub, user, lang_of(request))


@router.post(
    "/api/v1/submissions/{submission_id}/submit",
    response_model=ReviewOut,
    tags=["submissions"],
    dependencies=[Depends(csrf_protect)],
)
def api_submit(request: Request, user: Signed, submission_id: int) -> ReviewOut:
    """Hand a draft in for review (draft → submitted)."""
    return _review_out(_call(request, _data(request).ws.submit, submission_id, user), lang_of(request))


@router.post(
    "/api/v1/submissions/{submission_id}/review",
    response_model=ReviewOut,
    tags=["submissions"],
    dependencies=[Depends(csrf_protect)],
)
def api_review(request: Request, user: Signed, submission_id: int, body: ReviewIn) -> ReviewOut:
    """Approve (its figures then count) or return with a comment (submitted → approved | returned)."""
    step = _call(request, _data(request).ws.review, submission_id, user, body.approve, body.comment)
    return _review_out(step, lang_of(request))


# -- pages ----------------------------------------------------------------------------------------


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
    out = _upload_out(request, staged)
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
        path, reason, _ = await _receive(request, user)
    except HTTPException as exc:
        if exc.status_code not in (400, 413):
            raise
        detail = exc.detail if isinstance(exc.detail, dict) else {"message_zh": str(exc.detail)}
        lang = lang_of(request)
        error = _t(lang, str(detail.get("message_zh", "")), str(detail.get("message_en", "")))
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
                raise _http(exc) from exc
    pending = _uploads(request).take(str(form.get("token") or ""), user.name)
    return await _stage_page(request, user, pending.path, pending.reason, explanations)


@router.get("/submissions/{submission_id}", include_in_schema=False)
def detail_page(request: Request, user: Signed, submission_id: int) -> Response:
    """One submission: figures, review steps and comments, and the allowed actions."""
    m = api_detail(request, user, submission_id)
    return render(request, "submissions/detail.html", {"m": m, "uploaded": request.query_params.get("uploaded")})


@router.post("/submissions/{submission_id}/submit", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def submit_page(request: Request, user: Signed, submission_id: int) -> Response:
    """The submit button."""
    _call(request, _data(request).ws.submit, submission_id, user)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.post("/submissions/{submission_id}/review", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def review_page(request: Request, user: Signed, submission_id: int) -> Response:
    """The approve and return buttons (form fields ``decision`` = approve | return, ``comment``)."""
    form = await request.form(max_files=0, max_fields=10)
    approve = form.get("decision") == "approve"
    comment = str(form.get("comment") or "")[:2000]
    await run_in_threadpool(_call, request, _data(request).ws.review, submission_id, user, approve, comment)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)
