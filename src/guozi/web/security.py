"""Security plumbing: password hashing, the session secret, signed session cookies, CSRF tokens, rate limits."""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = [
    "SESSION_COOKIE",
    "RateLimiter",
    "SessionMiddleware",
    "check_password",
    "hash_password",
    "new_token",
    "secret_folder",
    "session_secret",
]

SESSION_COOKIE = "guozi_session"
SECRET_FILE = ".guozi-secret"
SESSION_MAX_AGE = 8 * 3600  # seconds: a working day
_hasher = PasswordHasher()

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a malformed or empty hash)."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh random token (CSRF token, session nonce)."""
    return secrets.token_urlsafe(32)


def secret_folder(store: object) -> Path | None:
    """Where the generated secret is kept: beside a store file; the current folder for a server
    store (PostgreSQL); ``None`` for an in-memory store (the secret then lives as long as the process)."""
    path = getattr(store, "path", None)
    if isinstance(path, str) and path and path != ":memory:":
        return Path(path).resolve().parent
    url = str(getattr(store, "url", ""))
    if url.startswith(("postgres://", "postgresql://")):
        return Path.cwd()
    return None


def session_secret(folder: Path | None, secret: str | None = None) -> str:
    """The secret that signs session cookies: ``secret``, ``$GUOZI_SECRET``, or one generated once.

    A generated secret is kept in ``.guozi-secret`` in ``folder`` (beside the store), readable by
    its owner only (0600), so sessions survive a restart and no secret lives in the repository.
    """
    if secret:
        return secret
    env = os.environ.get("GUOZI_SECRET")
    if env:
        return env
    if folder is None:
        return secrets.token_urlsafe(48)
    path = folder / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value)
    return value


class SessionMiddleware:
    """A signed-cookie session (``scope["session"]``), HttpOnly, SameSite=Lax, Secure over TLS.

    Like Starlette's, but the Secure flag follows the request's scheme, so a server behind TLS
    (or run with a certificate) never sends the cookie in clear.
    """

    def __init__(self, app: ASGIApp, secret: str, *, max_age: int = SESSION_MAX_AGE) -> None:
        self.app = app
        self.max_age = max_age
        self.signer = URLSafeTimedSerializer(secret, salt="guozi.session")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = _cookie(scope, SESSION_COOKIE)
        data: dict[str, Any] = {}
        if raw:
            try:
                loaded = self.signer.loads(raw, max_age=self.max_age)
                if isinstance(loaded, dict):
                    data = loaded
            except BadSignature:
                data = {}
        scope["session"] = data
        before = json.dumps(data, sort_keys=True)
        secure = scope.get("scheme") in ("https", "wss")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                session = scope["session"]
                if json.dumps(session, sort_keys=True) != before or (session and raw is None):
                    headers = list(message.get("headers", []))
                    if session:
                        value = self.signer.dumps(session)
                        cookie = f"{SESSION_COOKIE}={value}; Path=/; Max-Age={self.max_age}; HttpOnly; SameSite=Lax"
                    else:
                        cookie = f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
                    if secure:
                        cookie += "; Secure"
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return str(v)
    return None


class RateLimiter:
    """At most ``limit`` failed attempts per key within ``window`` seconds (in memory, per process)."""

    def __init__(self, limit: int = 5, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def blocked(self, *keys: str) -> bool:
        """Whether any of ``keys`` has used up its attempts."""
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def hit(self, *keys: str) -> None:
        """Count one failed attempt against each of ``keys``."""
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def reset(self, *keys: str) -> None:
        """Forget ``keys``' failures (after a successful sign-in)."""
        with self._lock:
            for k in keys:
                self._hits.pop(k, None)
