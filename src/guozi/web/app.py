"""The web application: ``create_app`` builds the FastAPI app over one workspace.

Every page has its JSON twin under ``/api/v1/…`` (documented at ``/docs``); both call the same
:class:`~guozi.web.data.WebData` functions, which call the :class:`~guozi.workspace.Workspace`.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guozi.errors import GuoziError, NotFoundError
from guozi.web.data import WebData
from guozi.web.deps import LoginRequiredError, is_api, lang_of
from guozi.web.security import RateLimiter, SessionMiddleware, secret_folder, session_secret
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
) -> FastAPI:
    """The application over the store at ``store_url`` (or ``$GUOZI_STORE``), or over ``workspace``.

    ``warm_up``: compute the latest period's overview in the background at start and after each
    change of the store, so that the first visitor does not wait for it.
    """
    ws = workspace if workspace is not None else Workspace.open(store_url, catalog_files=catalog_files)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_up:  # the first look at the store starts the warm-up (see WebData.refresh)
            threading.Thread(target=app.state.data.refresh, name="guozi-start", daemon=True).start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="guozi",
        description="国资监管指标体系 Web 接口。 The guozi web API: every page as JSON.",
        version="1",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.workspace = ws
    app.state.data = WebData(ws, warm_up=warm_up)
    app.state.user_limiter = RateLimiter(limit=5, window=300.0)
    app.state.ip_limiter = RateLimiter(limit=30, window=300.0)
    app.add_middleware(SessionMiddleware, secret=session_secret(secret_folder(ws.store), secret))
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _handlers(app)

    from guozi.web import auth, pages, submissions

    app.include_router(auth.router)
    app.include_router(submissions.router)  # before pages: its paths are more specific
    app.include_router(pages.router)

    app.add_middleware(SecurityHeadersMiddleware)
    return app


SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeadersMiddleware:
    """Adds the security headers every response carries (a plain ASGI middleware: no per-request task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _problem(request: Request, status: int, zh: str, en: str) -> Response:
    if is_api(request):
        return JSONResponse({"detail": {"message_zh": zh, "message_en": en}}, status_code=status)
    from guozi.web.render import render

    return render(request, "error.html", {"status": status, "message_zh": zh, "message_en": en}, status_code=status)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequiredError)
    async def _login(request: Request, exc: LoginRequiredError) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        detail = exc.detail
        if isinstance(detail, dict) and "message_zh" in detail:
            zh, en = str(detail["message_zh"]), str(detail.get("message_en", ""))
        else:
            zh = en = str(detail)
        response = _problem(request, exc.status_code, zh, en)
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _problem(request, 404, exc.message_zh, exc.message_en)

    @app.exception_handler(GuoziError)
    async def _guozi(request: Request, exc: GuoziError) -> Response:
        return _problem(request, 400, exc.message_zh, exc.message_en)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors())
        if is_api(request):
            return JSONResponse(
                {"detail": {"message_zh": f"请求参数有误：{where}", "message_en": f"invalid request: {where}"}},
                status_code=422,
            )
        lang = lang_of(request)
        return _problem(request, 422, f"请求参数有误：{where}", f"invalid request: {where}" if lang else where)
