"""Receiving an upload: the file saved (guarded) in a private folder of its own, staged through the
workspace, and kept while its 核实 problems wait for explanations (by a random token)."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from guozi.ingest.guard import LIMITS, UploadRefusedError, save_upload
from guozi.store.base import User
from guozi.web.deps import csrf_protect, lang_of
from guozi.web.submissions.common import call, web_data
from guozi.web.submissions.models import UploadOut, problem_out, submission_out
from guozi.workspace import UPLOADERS, Staged
from guozi.workspace.collect import Explain

__all__ = ["PENDING_MAX", "PENDING_TTL", "discard", "park", "receive", "stage", "upload_out", "uploads"]

PENDING_MAX = 200  # uploads waiting for explanations, per application (the oldest is dropped)
PENDING_TTL = 3600.0  # seconds


@dataclass
class _Pending:
    user: str
    path: Path
    reason: str
    at: float


def discard(path: Path) -> None:
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
            discard(old.path)

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


def uploads(request: Request) -> _Uploads:
    with _uploads_lock:
        found = getattr(request.app.state, "uploads", None)
        if not isinstance(found, _Uploads):
            found = _Uploads()
            request.app.state.uploads = found
        return found


async def receive(request: Request, user: User) -> tuple[Path, str, list[str]]:
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
        folder = uploads(request).folder()
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


def stage(request: Request, user: User, path: Path, reason: str, explanations: list[Explain]) -> Staged:
    staged: Staged = call(request, web_data(request).ws.stage_upload, [path], user, explanations, reason=reason)
    return staged


def upload_out(request: Request, staged: Staged) -> UploadOut:
    lang = lang_of(request)
    ws = web_data(request).ws
    with web_data(request).lock:
        subs = [submission_out(ws, s, lang) for s in staged.submissions]
    return UploadOut(
        accepted=bool(staged.submissions),
        problems=[problem_out(p, lang) for p in staged.problems],
        unexplained=[problem_out(p, lang) for p in staged.unexplained],
        submissions=subs,
        skipped=[{"file": f, "submission": sid} for f, sid in staged.skipped],
    )


def park(request: Request, user: User, path: Path, reason: str, staged: Staged) -> str | None:
    """Keep the saved file while its 核实 problems wait for explanations (the token); ``None``: not kept."""
    if staged.unexplained and not staged.blocking and not staged.submissions:
        return uploads(request).keep(user.name, path, reason)
    return None
