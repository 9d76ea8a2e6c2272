"""Security plumbing of the web application: the session secret, encrypted session cookies, CSRF
tokens, sign-in throttling, request-size limits and response headers.

Everything here is plain ASGI or plain functions, so each piece is tested on its own
(``tests/web/test_security.py``, ``test_signin.py``, ``test_headers.py``) and the app only wires it:

- :mod:`.sessions`: the secret, the cookie, the tokens a session holds;
- :mod:`.throttle`: limits on failed sign-ins;
- :mod:`.middleware`: trusted proxies, body limits, the headers of every answer.

The passwords themselves (hash, check, policy) are the accounts' business:
:mod:`guozi.workspace.passwords`, shared with the command line.
"""

from __future__ import annotations

from guozi.web.security.middleware import MAX_BODY, BodyLimitMiddleware, SecurityHeadersMiddleware, trusted_proxies
from guozi.web.security.sessions import (
    SECRET_FILE,
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    SessionMiddleware,
    new_token,
    password_stamp,
    secret_folder,
    session_secret,
)
from guozi.web.security.throttle import RateLimiter, SignInThrottle
from guozi.workspace.passwords import verify_password  # the sign-in's check, at equal cost for unknown names

__all__ = [
    "MAX_BODY",
    "SECRET_FILE",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "BodyLimitMiddleware",
    "RateLimiter",
    "SecurityHeadersMiddleware",
    "SessionMiddleware",
    "SignInThrottle",
    "new_token",
    "password_stamp",
    "secret_folder",
    "session_secret",
    "trusted_proxies",
    "verify_password",
]
