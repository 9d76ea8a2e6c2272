"""Plain ASGI middleware and settings of every request: trusted proxies, body limits, response headers."""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Iterable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guozi.kernel.errors import GuoziError

__all__ = ["CSP", "MAX_BODY", "BodyLimitMiddleware", "SecurityHeadersMiddleware", "trusted_proxies"]

MAX_BODY = 1024**2  # bytes a request body may have, except where a path has its own limit (uploads)


# -- trusted proxies -----------------------------------------------------------------------------


def trusted_proxies(value: str | Iterable[str] | None) -> list[str]:
    """The proxies whose ``X-Forwarded-For`` / ``-Proto`` are believed: addresses or networks.

    ``value``: a list, or a text separated by commas or spaces (``$GUOZI_TRUSTED_PROXIES``);
    ``None`` or empty means none (the direct peer is the client). Anything that is not an IP
    address or network is refused, naming it.
    """
    if value is None:
        return []
    items = value.replace(",", " ").split() if isinstance(value, str) else [str(v).strip() for v in value]
    out: list[str] = []
    for item in items:
        if not item:
            continue
        try:
            if "/" in item:
                ipaddress.ip_network(item, strict=False)
            else:
                ipaddress.ip_address(item)
        except ValueError:
            raise GuoziError(
                f"受信代理应为 IP 地址或网段（如 10.0.0.5、10.0.0.0/24），实为 {item!r}",
                f"a trusted proxy is an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24), not {item!r}",
            ) from None
        out.append(item)
    return out


# -- request bodies ------------------------------------------------------------------------------


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def _mib(n: int) -> str:
    return f"{n / 1024**2:.0f} MiB" if n >= 1024**2 else f"{math.ceil(n / 1024)} KiB"


class BodyLimitMiddleware:
    """Refuses (413) a request whose body is larger than its path's limit, before reading it.

    A declared ``Content-Length`` over the limit is answered at once, the body never read; a body
    sent without one (chunked) is counted as it streams in and cut off as soon as it passes the
    limit: the application then sees the client as gone, and the answer is the 413. So at most
    the limit and one chunk are ever received. ``paths`` gives some paths (the uploads) a limit
    of their own; every other request gets ``default``.
    """

    def __init__(self, app: ASGIApp, *, default: int = MAX_BODY, paths: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.default = default
        self.paths = dict(paths or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.paths.get(scope.get("path", ""), self.default)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            await _too_large(scope, send, limit)
            return
        state = {"received": 0, "refused": False, "started": False}

        async def limited_receive() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["refused"] = True
                    if not state["started"]:
                        await _too_large(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return  # the 413 was the answer
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not state["refused"]:
                raise


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    zh = f"请求内容超过上限 {_mib(limit)}"
    en = f"the request body is larger than the limit of {_mib(limit)}"
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps({"detail": {"message_zh": zh, "message_en": en}}, ensure_ascii=False).encode()
        kind = b"application/json"
    else:
        body = f"413 {zh}\n{en}\n".encode()
        kind = b"text/plain; charset=utf-8"
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the unread body is not waited for
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# -- response headers ----------------------------------------------------------------------------

# Every script, style sheet, image and font comes from the server itself (ECharts included, in
# /static); the pages hold no inline script or <style> (the overview's chart data is a JSON data
# block, never run). Style *attributes* are allowed (style-src-attr): ECharts writes its tooltips
# as HTML with style attributes; an attribute cannot run script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HSTS = b"max-age=31536000"
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeadersMiddleware:
    """The headers every answer carries (plain ASGI: no per-request task).

    - ``Content-Security-Policy``: everything from the server itself, no framing (``/docs`` too:
      Swagger UI is served from ``/static``, started by a script file, guozi.web.pages.apidocs);
    - ``Cache-Control: no-store`` on every page, JSON answer and download (they hold figures),
      not on the static files;
    - ``X-Content-Type-Options``, ``X-Frame-Options``, ``Referrer-Policy``,
      ``Cross-Origin-Opener-Policy``;
    - ``Strict-Transport-Security`` when the request came over HTTPS (directly, or as a trusted
      proxy's ``X-Forwarded-Proto`` says).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        extra = list(SECURITY_HEADERS)
        extra.append((b"content-security-policy", CSP.encode()))  # /docs too: Swagger UI is in /static
        if not path.startswith("/static/"):
            extra.append((b"cache-control", b"no-store"))
        if scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", HSTS))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(k).lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
