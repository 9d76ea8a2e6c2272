"""The web application: ``create_app`` builds the FastAPI app over one workspace.

Every page has its JSON twin under ``/api/v1/…`` (documented at ``/docs``); both call the same
:class:`~guozi.web.data.WebData` functions, which call the :class:`~guozi.workspace.Workspace`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from guozi.ingest.guard import LIMITS
from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.web import auth, pages, submissions
from guozi.web.data import WebData
from guozi.web.deps import LoginRequiredError, is_api, lang_of
from guozi.web.jobs import Jobs
from guozi.web.render import render
from guozi.web.security import (
    MAX_BODY,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    SessionMiddleware,
    SignInThrottle,
    secret_folder,
    session_secret,
    trusted_proxies,
    verify_password,
)
from guozi.workspace import Workspace

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"


def create_app(
    store_url: str | None = None,
    *,
    catalog_files: Sequence[Path] = (),
    secret: str | None = None,
    workspace: Workspace | None = None,
    warm_up: bool = False,
    proxies: Iterable[str] | None = None,
    max_body: int = MAX_BODY,
    job_workers: int = 2,
    render_processes: int = 1,
) -> FastAPI:
    """The application over the store at ``store_url`` (or ``$GUOZI_STORE``), or over ``workspace``.

    ``warm_up``: compute the latest period's overview in the background at start and after each
    change of the store, so that the first visitor does not wait for it.

    ``proxies``: the reverse proxies (addresses or networks) whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed — the client's address (for the sign-in limits) and
    scheme (for ``Secure`` cookies and HSTS) are then taken from them; ``None`` reads
    ``$GUOZI_TRUSTED_PROXIES``; by default none, and those headers are ignored.

    ``max_body``: the largest request body in bytes, refused (413) before it is read; the two
    upload paths keep the upload limit of :data:`guozi.ingest.guard.LIMITS`.

    ``job_workers``, ``render_processes``: the threads making report jobs and the processes
    rendering their files (:class:`guozi.web.jobs.Jobs`).
    """
    trusted = trusted_proxies(os.environ.get("GUOZI_TRUSTED_PROXIES") if proxies is None else proxies)
    ws = workspace if workspace is not None else Workspace.open(store_url, catalog_files=catalog_files)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_up:  # the first look at the store starts the warm-up (see WebData.refresh)
            threading.Thread(target=app.state.data.refresh, name="guozi-start", daemon=True).start()
        try:
            yield
        finally:
            app.state.jobs.close()

    app = FastAPI(
        lifespan=lifespan,
        title="guozi",
        description="国资监管指标体系 Web 接口。 The guozi web API: every page as JSON.",
        version="1",
        docs_url=None,  # /docs is guozi.web.pages.apidocs: Swagger UI from /static, no CDN (issue 20)
        redoc_url=None,
    )
    app.state.workspace = ws
    app.state.data = WebData(ws, warm_up=warm_up)
    app.state.jobs = Jobs(workers=job_workers, render_processes=render_processes)  # reports, off the request path
    app.state.sign_in_throttle = SignInThrottle()
    verify_password(None, "")  # make the dummy hash now, not during the first sign-in of an unknown name
    app.add_middleware(SessionMiddleware, secret=session_secret(secret_folder(ws.store), secret))
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _handlers(app)

    app.include_router(auth.router)
    app.include_router(submissions.router)  # before pages: its paths are more specific
    app.include_router(pages.router)

    # outermost last: the proxy's view of the client, then headers on every answer (the 413 too),
    # then the body limit, then the session
    upload = LIMITS.max_bytes + 1024**2  # the upload handlers refuse at max_bytes + 64 KiB with their own page
    app.add_middleware(
        BodyLimitMiddleware, default=max_body, paths={"/api/v1/submissions": upload, "/submissions/new": upload}
    )
    app.add_middleware(SecurityHeadersMiddleware)
    if trusted:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    return app


def _problem(request: Request, status: int, zh: str, en: str, code: str = "") -> Response:
    """The error page, or its JSON twin; ``code`` is the guozi error code (kernel.errors), when there is one."""
    detail = {"message_zh": zh, "message_en": en} | ({"code": code} if code else {})
    if is_api(request):
        return JSONResponse({"detail": detail}, status_code=status)
    return render(request, "error.html", {"status": status, "code": code, **detail}, status_code=status)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequiredError)
    async def _login(request: Request, exc: LoginRequiredError) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        detail = exc.detail
        if isinstance(detail, dict) and "message_zh" in detail:
            zh, en = str(detail["message_zh"]), str(detail.get("message_en", ""))
            code = str(detail.get("code", ""))
        else:
            zh = en = str(detail)
            code = ""
        response = _problem(request, exc.status_code, zh, en, code)
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _problem(request, 404, exc.message_zh, exc.message_en, exc.code)

    @app.exception_handler(GuoziError)
    async def _guozi(request: Request, exc: GuoziError) -> Response:
        return _problem(request, 400, exc.message_zh, exc.message_en, exc.code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors())
        if is_api(request):
            return JSONResponse(
                {
                    "detail": {
                        "message_zh": f"请求参数有误：{where}",
                        "message_en": f"invalid request: {where}",
                        "code": GuoziError.code,
                    }
                },
                status_code=422,
            )
        lang = lang_of(request)
        en = f"invalid request: {where}" if lang else where
        return _problem(request, 422, f"请求参数有误：{where}", en, GuoziError.code)
