"""The session secret, the encrypted session cookie, and the tokens a session holds (CSRF, nonce, password stamp)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "SECRET_FILE",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "SessionMiddleware",
    "new_token",
    "password_stamp",
    "secret_folder",
    "session_secret",
]

SESSION_COOKIE = "guozi_session"
SECRET_FILE = ".guozi-secret"
SESSION_MAX_AGE = 8 * 3600  # seconds: a working day


def password_stamp(password_hash: str) -> str:
    """What a session keeps of its account's password: a digest of the hash, never a part of it.

    A new password changes the stamp, which ends the sessions started with the old one.
    """
    return hashlib.sha256(b"guozi.session.password|" + password_hash.encode()).hexdigest()[:32]


def new_token() -> str:
    """A fresh random token (CSRF token, session nonce)."""
    return secrets.token_urlsafe(32)


# -- the session secret and the session cookie -----------------------------------------------


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
    """The secret that encrypts session cookies: ``secret``, ``$GUOZI_SECRET``, or one generated once.

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


def _fernet(secret: str) -> Fernet:
    """The cookie cipher: AES-128-CBC with HMAC-SHA256 (Fernet), its key derived from ``secret`` by HKDF."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"guozi.session.cookie").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


class SessionMiddleware:
    """An encrypted-cookie session (``scope["session"]``), HttpOnly, SameSite=Lax, Secure over TLS.

    The cookie is the session encrypted and authenticated with Fernet under a key derived from the
    server's secret: nobody who holds it can read the user name, the session id or the CSRF token
    in it, nor change them. The Secure flag follows the request's scheme (after a trusted proxy's
    ``X-Forwarded-Proto``), so a server behind TLS never sends the cookie in clear.
    """

    def __init__(self, app: ASGIApp, secret: str, *, max_age: int = SESSION_MAX_AGE) -> None:
        self.app = app
        self.max_age = max_age
        self.cipher = _fernet(secret)

    def load(self, raw: str) -> dict[str, Any]:
        """The session in a cookie value; empty if it was forged, changed, or is older than ``max_age``."""
        try:
            loaded = json.loads(self.cipher.decrypt(raw.encode("ascii"), ttl=self.max_age))
        except (InvalidToken, ValueError, UnicodeError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def dump(self, session: Mapping[str, Any]) -> str:
        """The cookie value of ``session``."""
        return self.cipher.encrypt(json.dumps(dict(session), sort_keys=True).encode()).decode("ascii")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = _cookie(scope, SESSION_COOKIE)
        data = self.load(raw) if raw else {}
        scope["session"] = data
        before = json.dumps(data, sort_keys=True)
        secure = scope.get("scheme") in ("https", "wss")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                session = scope["session"]
                if json.dumps(session, sort_keys=True) != before or (session and raw is None):
                    headers = list(message.get("headers", []))
                    if session:
                        value = self.dump(session)
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
