"""Signing in and out, the admin's user management and audit log — pages and their JSON twins."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from guozi.kernel.errors import GuoziError
from guozi.kernel.text import pick
from guozi.store.base import ROLES, User
from guozi.web.data import WebData
from guozi.web.deps import (
    csrf_protect,
    csrf_token,
    current_user,
    get_workspace,
    lang_of,
    optional_user,
    require_roles,
)
from guozi.web.render import render
from guozi.web.security import SignInThrottle, new_token, password_stamp, verify_password
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user

__all__ = ["router"]

router = APIRouter()
Admin = Annotated[User, Depends(require_roles("admin"))]


class UserOut(BaseModel):
    """An account as shown to an admin (never its password hash)."""

    name: str
    role: str
    scopes: list[str]
    display_name: str
    active: bool


class SessionOut(BaseModel):
    """Who is signed in, and the CSRF token to send with writes (header ``X-CSRF-Token``)."""

    user: UserOut | None
    csrf_token: str


class LoginIn(BaseModel):
    """Credentials for ``POST /api/v1/login``."""

    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class UserIn(BaseModel):
    """An account to create or change; ``password`` empty keeps the current one."""

    name: str = Field(max_length=64)
    role: str
    scopes: list[str] = Field(default_factory=list, max_length=1000)
    password: str | None = Field(default=None, max_length=1024)
    display_name: str | None = Field(default=None, max_length=200)
    active: bool = True


class AuditOut(BaseModel):
    """One entry of the audit log."""

    id: int
    at: str
    user: str
    action: str
    target: str
    before: str
    after: str


def user_out(user: User) -> UserOut:
    """The public view of an account."""
    return UserOut(
        name=user.name, role=user.role, scopes=list(user.scopes), display_name=user.display_name, active=user.active
    )


def _data(request: Request) -> WebData:
    data: WebData = request.app.state.data
    return data


def _safe_next(url: str) -> str:
    """A local path to return to after signing in (never another site)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return "/"
    return url


def _sign_in(request: Request, username: str, password: str) -> User:
    """Check the credentials under the sign-in throttle; start a fresh session on success.

    The client's address is the direct peer's, or what a trusted proxy's ``X-Forwarded-For`` says
    (see :func:`guozi.web.app.create_app`'s ``trusted_proxies``). Every attempt, for a known user
    or not, costs one password hash, so the answer's time does not tell which names exist.
    """
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    address = request.client.host if request.client else "?"
    if not throttle.allowed(username, address):
        raise HTTPException(
            429,
            detail={
                "message_zh": "登录失败次数过多，请 5 分钟后再试",
                "message_en": "too many failed sign-ins; try again in 5 minutes",
            },
            headers={"Retry-After": str(int(throttle.window))},
        )
    data = _data(request)
    with data.lock:
        user = data.ws.store.get_user(username)
    matches = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not user.active or not matches:
        throttle.failed(username, address)
        raise HTTPException(401, detail={"message_zh": "用户名或密码错误", "message_en": "wrong user name or password"})
    throttle.succeeded(username, address)
    request.session.clear()  # no session fixation: a new session and a new CSRF token
    sid = data.start_session(user.name)
    request.session.update(
        {"user": user.name, "pw": password_stamp(user.password_hash), "csrf": new_token(), "sid": sid}
    )
    return user


def _sign_out(request: Request) -> None:
    """End the session for good (a copy of its cookie is refused too) and clear it."""
    name, sid = request.session.get("user"), request.session.get("sid")
    if isinstance(name, str) and isinstance(sid, str):
        _data(request).end_session(name, sid)
    request.session.clear()


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    if optional_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def login_form(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Sign in from the form; back to the form with the reason on failure."""
    try:
        _sign_in(request, username, password)
    except HTTPException as exc:
        lang = lang_of(request)
        detail: dict[str, str] = exc.detail if isinstance(exc.detail, dict) else {}
        msg = detail.get(pick(lang, "message_zh", "message_en"), "")
        return render(request, "login.html", {"next": _safe_next(next), "error": msg}, status_code=exc.status_code)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def logout_form(request: Request) -> Response:
    """Sign out and go to the sign-in form."""
    _sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/api/v1/session", response_model=SessionOut, tags=["session"])
def api_session(request: Request) -> SessionOut:
    """Who is signed in (``null`` if nobody) and the session's CSRF token."""
    user = optional_user(request)
    return SessionOut(user=user_out(user) if user else None, csrf_token=csrf_token(request))


@router.post("/api/v1/login", response_model=SessionOut, tags=["session"], dependencies=[Depends(csrf_protect)])
def api_login(request: Request, body: LoginIn) -> SessionOut:
    """Sign in (failures limited per address, per user and address, and per user); get the new
    session's CSRF token."""
    user = _sign_in(request, body.username, body.password)
    return SessionOut(user=user_out(user), csrf_token=csrf_token(request))


@router.post("/api/v1/logout", response_model=SessionOut, tags=["session"], dependencies=[Depends(csrf_protect)])
def api_logout(request: Request) -> SessionOut:
    """Sign out: the session ends for good, on every server process (a copy of its cookie is refused)."""
    _sign_out(request)
    return SessionOut(user=None, csrf_token=csrf_token(request))


@router.get("/api/v1/me", response_model=UserOut, tags=["session"])
def api_me(user: Annotated[User, Depends(current_user)]) -> UserOut:
    """The signed-in user."""
    return user_out(user)


# -- admin: users and the audit log ------------------------------------------------------------


def _save(request: Request, ws: Workspace, admin: User, body: UserIn) -> User:
    data = _data(request)
    with data.lock:
        return save_user(
            ws,
            actor=admin.name,
            name=body.name,
            role=body.role,
            scopes=body.scopes,
            password=body.password or None,
            display_name=body.display_name,
            active=body.active,
        )


@router.get("/api/v1/users", response_model=list[UserOut], tags=["admin"])
def api_users(request: Request, admin: Admin) -> list[UserOut]:
    """Every account (admins only)."""
    with _data(request).lock:
        return [user_out(u) for u in _data(request).ws.store.users()]


@router.post("/api/v1/users", response_model=UserOut, tags=["admin"], dependencies=[Depends(csrf_protect)])
def api_save_user(
    request: Request, body: UserIn, admin: Admin, ws: Annotated[Workspace, Depends(get_workspace)]
) -> UserOut:
    """Create or change an account (admins only); written to the audit log."""
    return user_out(_save(request, ws, admin, body))


@router.get("/api/v1/audit", response_model=list[AuditOut], tags=["admin"])
def api_audit(request: Request, admin: Admin, limit: int = 200) -> list[AuditOut]:
    """The latest entries of the audit log, newest first (admins only)."""
    with _data(request).lock:
        entries = _data(request).ws.store.audit_log(max(1, min(limit, 10000)))
    return [
        AuditOut(
            id=e.id, at=e.at.isoformat(), user=e.user, action=e.action, target=e.target, before=e.before, after=e.after
        )
        for e in entries
    ]


@router.get("/admin/users", include_in_schema=False)
def users_page(request: Request, admin: Admin) -> Response:
    """The accounts, and a form to add or change one."""
    return render(request, "users.html", {"users": api_users(request, admin), "roles": ROLES, "error": None})


@router.post("/admin/users", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def users_form(
    request: Request,
    admin: Admin,
    ws: Annotated[Workspace, Depends(get_workspace)],
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form()],
    scopes: Annotated[str, Form(max_length=10000)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    """Add or change an account from the form."""
    body = UserIn(
        name=name,
        role=role,
        scopes=scopes.replace(",", " ").split(),
        password=password or None,
        display_name=display_name,
        active=bool(active),
    )
    try:
        _save(request, ws, admin, body)
    except GuoziError as exc:
        return render(
            request,
            "users.html",
            {"users": api_users(request, admin), "roles": ROLES, "error": exc.message(lang_of(request))},
            status_code=400,
        )
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit", include_in_schema=False)
def audit_page(request: Request, admin: Admin) -> Response:
    """The audit log."""
    return render(request, "audit.html", {"entries": api_audit(request, admin, 1000)})
