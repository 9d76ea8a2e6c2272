"""Security plumbing: password hashing and policy, the session secret, encrypted session cookies,
CSRF tokens, sign-in throttling, request-size limits and response headers.

Everything here is plain ASGI or plain functions, so each piece is tested on its own
(``tests/web/test_security.py``, ``test_signin.py``, ``test_headers.py``) and the app only wires it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from guozi.kernel.errors import GuoziError

__all__ = [
    "MAX_BODY",
    "MIN_PASSWORD",
    "SESSION_COOKIE",
    "BodyLimitMiddleware",
    "RateLimiter",
    "SecurityHeadersMiddleware",
    "SessionMiddleware",
    "SignInThrottle",
    "check_password",
    "common_passwords",
    "hash_password",
    "new_token",
    "password_problem",
    "password_stamp",
    "secret_folder",
    "session_secret",
    "trusted_proxies",
    "verify_password",
]

SESSION_COOKIE = "guozi_session"
SECRET_FILE = ".guozi-secret"
SESSION_MAX_AGE = 8 * 3600  # seconds: a working day
MIN_PASSWORD = 12  # characters (NIST SP 800-63B asks for at least 8; 12 for accounts that see every figure)
MAX_BODY = 1024**2  # bytes a request body may have, except where a path has its own limit (uploads)
_hasher = PasswordHasher()

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# -- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made with the same parameters as real ones (see :func:`verify_password`)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``, at the same cost whether or not there is a hash.

    An unknown user (``None``), an empty or a malformed hash is checked against a dummy hash of
    the same parameters, so the answer takes as long as for a real account: the time of a
    refused sign-in does not tell whether the user name exists. The hasher is called exactly once.
    """
    usable = bool(password_hash) and str(password_hash).startswith("$argon2")
    target = password_hash if usable and password_hash else _dummy_hash()
    try:
        return _hasher.verify(target, password) and usable
    except (VerificationError, InvalidHashError):
        return False


def check_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a malformed or empty hash)."""
    return verify_password(password_hash, password)


def password_stamp(password_hash: str) -> str:
    """What a session keeps of its account's password: a digest of the hash, never a part of it.

    A new password changes the stamp, which ends the sessions started with the old one.
    """
    return hashlib.sha256(b"guozi.session.password|" + password_hash.encode()).hexdigest()[:32]


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (``common-passwords.txt``), lower-cased."""
    text = (resources.files("guozi.web") / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, user: str = "", *, min_length: int = MIN_PASSWORD) -> GuoziError | None:
    """Why ``password`` may not be set for ``user`` (bilingual), or ``None`` if it may.

    Refused: one of the shipped common passwords (case ignored), the user name itself or a password
    containing it (names of three characters or more), fewer than ``min_length`` characters, or
    fewer than four different characters (``aaaaaaaaaaaa``, ``121212121212``).
    """
    lowered = password.lower()
    if lowered in common_passwords():
        return GuoziError(
            "该密码属于最常用的密码，极易被猜中，请换一个",
            "this password is one of the most common ones and easily guessed; choose another",
        )
    name = user.lower()
    if name and (lowered == name or (len(name) >= 3 and name in lowered)):
        return GuoziError(
            f"密码不能包含用户名 {user}",
            f"a password may not contain the user name {user}",
        )
    if len(password) < min_length:
        return GuoziError(
            f"密码至少 {min_length} 个字符，实为 {len(password)} 个",
            f"a password has at least {min_length} characters, not {len(password)}",
        )
    if len(set(password)) < 4:
        return GuoziError(
            f"密码至少要有 4 个不同的字符，实为 {len(set(password))} 个",
            f"a password needs at least 4 different characters, not {len(set(password))}",
        )
    return None


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


MAX_KEYS = 100_000  # keys a limiter remembers before it forgets those that block nobody


class RateLimiter:
    """At most ``limit`` failed attempts per key within ``window`` seconds (in memory, per process)."""

    def __init__(self, limit: int = 5, window: float = 300.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque(maxlen=self.limit))
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def count(self, key: str) -> int:
        """The failures counted against ``key`` within the window."""
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                return 0
            return len(self._recent(key, now))

    def blocked(self, *keys: str) -> bool:
        """Whether any of ``keys`` has used up its attempts."""
        return any(self.count(k) >= self.limit for k in keys)

    def hit(self, *keys: str) -> None:
        """Count one failed attempt against each of ``keys``."""
        now = self.clock()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)
            if len(self._hits) > MAX_KEYS:  # forget expired keys, then those that block nobody
                self._hits = {k: v for k, v in self._hits.items() if self._recent(k, now)}
                if len(self._hits) > MAX_KEYS:
                    self._hits = {k: v for k, v in self._hits.items() if len(v) >= self.limit}

    def reset(self, *keys: str) -> None:
        """Forget ``keys``' failures (after a successful sign-in)."""
        with self._lock:
            for k in keys:
                self._hits.pop(k, None)


class SignInThrottle:
    """Limits on failed sign-ins that slow a guesser without locking the account's owner out.

    Failures are counted within ``window`` seconds per address, per (user name, address) and per
    user name over every address. An attempt is refused (429) when

    - its address has ``per_address`` failures, whatever the names tried (a guesser spraying
      many names from one place); or
    - its (name, address) pair has ``per_pair`` failures (a guesser of one account from one place
      stops there — the owner signing in from elsewhere is not affected); or
    - the name has ``per_user`` failures over all addresses (a guesser spread over many places)
      *and* this address already failed once for that name: while an account is under such an
      attack every address gets one try at it per window, so a distributed guesser gets a fifth of
      its tries, and the owner, from an address that did not fail, still signs in at the first try.

    A success forgets its pair's failures. Names that do not exist are counted exactly like names
    that do, so the limits tell nothing about which accounts exist. The counts live in this
    process's memory (several server processes each count their own).
    """

    def __init__(
        self,
        *,
        per_address: int = 30,
        per_pair: int = 5,
        per_user: int = 20,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.address = RateLimiter(per_address, window, clock=clock)
        self.pair = RateLimiter(per_pair, window, clock=clock)
        self.user = RateLimiter(per_user, window, clock=clock)

    @staticmethod
    def _pair(user: str, address: str) -> str:
        return f"{user}\x00{address}"

    def allowed(self, user: str, address: str) -> bool:
        """Whether ``user`` may try a password from ``address`` now."""
        pair = self._pair(user, address)
        if self.address.blocked(address) or self.pair.blocked(pair):
            return False
        return not (self.user.blocked(user) and self.pair.count(pair) >= 1)

    def failed(self, user: str, address: str) -> None:
        """Count a wrong password (or an unknown or inactive user) for ``user`` from ``address``."""
        self.address.hit(address)
        self.pair.hit(self._pair(user, address))
        self.user.hit(user)

    def succeeded(self, user: str, address: str) -> None:
        """Forget the pair's failures after a successful sign-in."""
        self.pair.reset(self._pair(user, address))


# -- trusted proxies -----------------------------------------------------------------------------


def trusted_proxies(value: str | Iterable[str] | None) -> list[str]:
    """The proxies whose ``X-Forwarded-For`` / ``-Proto`` are believed: addresses or networks.

    ``value``: a list, or a text separated by commas or spaces (``$GUOZI_TRUSTED_PROXIES``);
    ``None`` or empty means none (the direct peer is the client). Anything that is not an IP
    address or network is refused, naming it.
    """
    import ipaddress

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
# FastAPI's /docs page loads Swagger UI from its CDN and starts it with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
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

    - ``Content-Security-Policy``: everything from the server itself, no framing (``/docs``, which
      loads Swagger UI from its CDN, gets a policy allowing that CDN);
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
        docs = path in ("/docs", "/docs/oauth2-redirect")
        extra.append((b"content-security-policy", (DOCS_CSP if docs else CSP).encode()))
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
