"""FastAPI dependencies shared by every router: the workspace, the signed-in user, roles, CSRF, scoping, language.

Stable names (the submissions router builds on them): :func:`get_workspace`, :func:`current_user`,
:func:`require_roles`, :func:`csrf_protect`, :func:`visible_entities`, :func:`ensure_visible`,
:func:`lang_of`.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from fastapi import HTTPException, Request
from starlette.datastructures import FormData

from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.kernel.text import LANGS
from guozi.store.base import Role, User
from guozi.web.security import new_token, password_stamp
from guozi.workspace import Workspace

if TYPE_CHECKING:
    from guozi.web.data import WebData

__all__ = [
    "LoginRequiredError",
    "can_see",
    "csrf_protect",
    "csrf_token",
    "current_user",
    "ensure_visible",
    "get_workspace",
    "is_api",
    "lang_of",
    "optional_user",
    "require_roles",
    "visible_entities",
]


class LoginRequiredError(GuoziError):
    """Raised for a page that needs a signed-in user; the app answers with a redirect to /login."""

    code: ClassVar[str] = "GZ-ACCESS-002"

    def __init__(self, next_url: str) -> None:
        super().__init__("请先登录", "please sign in first")
        self.next_url = next_url


def is_api(request: Request) -> bool:
    """Whether the request is for the JSON API (``/api/…``) rather than a page."""
    return request.url.path.startswith("/api/")


def get_workspace(request: Request) -> Workspace:
    """The application's one workspace, opened on the store URL."""
    ws: Workspace = request.app.state.workspace
    return ws


def lang_of(request: Request) -> str:
    """The user's language: ``?lang=en|zh``, else the ``lang`` cookie, else Chinese."""
    for value in (request.query_params.get("lang"), request.cookies.get("lang")):
        if value in LANGS:
            return value
    return "zh"


def _err(status: int, zh: str, en: str) -> HTTPException:
    return HTTPException(status_code=status, detail={"message_zh": zh, "message_en": en})


def optional_user(request: Request) -> User | None:
    """The signed-in, active user, or ``None``."""
    name = request.session.get("user")
    if not isinstance(name, str):
        return None
    cached = getattr(request.state, "user", None)
    if isinstance(cached, User) and cached.name == name:
        return cached
    data: WebData = request.app.state.data
    sid = request.session.get("sid")
    if not isinstance(sid, str) or data.session_ended(sid):
        return None
    user = data.user(name, data.page_wait)  # the account read before, while it is read again
    if user is None or not user.active:
        return None
    # a new password ends the sessions of the old one
    if request.session.get("pw") != password_stamp(user.password_hash):
        return None
    request.state.user = user
    return user


def current_user(request: Request) -> User:
    """The signed-in user; 401 for the API, a redirect to /login for a page, when nobody is signed in."""
    user = optional_user(request)
    if user is None:
        if is_api(request):
            raise _err(401, "请先登录", "sign in first")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequiredError(target)
    return user


def require_roles(*roles: Role) -> Callable[[Request], User]:
    """A dependency that lets through only users of ``roles`` (403 otherwise); admin always passes."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user.role != "admin" and user.role not in roles:
            raise _err(403, "无权执行此操作", "you are not allowed to do this")
        return user

    return dependency


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = new_token()
        request.session["csrf"] = token
    return token


async def csrf_protect(request: Request) -> None:
    """Refuse (403) a write whose ``X-CSRF-Token`` header or ``csrf_token`` form field is not the session's."""
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token") or None
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form: FormData = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not expected or not sent or not hmac.compare_digest(expected, sent):
        raise _err(
            403, "表单已失效（CSRF 校验失败），请刷新页面后重试", "CSRF check failed; reload the page and try again"
        )


class _VisibleCache:
    """Each (tree, role, scopes, period)'s visible entity ids, computed once per tree.

    The tree is the workspace's (rebuilt, under the store's lock, after a change); the sets are
    worked out from it without any lock and kept only while it is still the tree of the cache: a
    set of an older tree is never kept for a newer one.
    """

    def __init__(self) -> None:
        self._tree: object = None
        self._sets: dict[tuple[Any, ...], frozenset[str]] = {}
        self._lock = threading.Lock()

    def _lookup(self, tree: object, key: tuple[Any, ...]) -> frozenset[str] | None:
        with self._lock:
            if self._tree is not tree:
                self._tree, self._sets = tree, {}
            return self._sets.get(key)

    def _keep(self, tree: object, key: tuple[Any, ...], found: frozenset[str]) -> None:
        with self._lock:
            if self._tree is tree:  # not if another request moved the cache to another tree meanwhile
                if len(self._sets) > 4096:
                    self._sets.clear()
                self._sets[key] = found

    def known(self, ws: Workspace) -> frozenset[str]:
        """Every entity id of the tree, in any period."""
        tree = ws.tree()
        found = self._lookup(tree, ("known",))
        if found is None:
            found = frozenset(tree.nodes.entity_id)
            self._keep(tree, ("known",), found)
        return found

    def get(self, ws: Workspace, user: User, period: Period) -> frozenset[str]:
        tree = ws.tree()
        key = (user.role, user.scopes, period.code)
        found = self._lookup(tree, key)
        if found is None:
            if user.role == "admin":
                found = frozenset(tree.at(period).entity_id)
            else:
                known = frozenset(tree.nodes.entity_id)
                found = frozenset(e for s in user.scopes if s in known for e in tree.subtree(s, period))
            self._keep(tree, key, found)
        return found


_visible = _VisibleCache()


def visible_entities(ws: Workspace, user: User, period: Period) -> set[str]:
    """The entity ids in ``user``'s granted subtrees at ``period`` (every entity for an admin)."""
    return set(_visible.get(ws, user, period))


def can_see(ws: Workspace, user: User, entity_id: str, period: Period) -> bool:
    """Whether ``entity_id`` lies in ``user``'s subtrees at ``period`` (an admin sees every entity)."""
    if user.role == "admin":
        return entity_id in _visible.known(ws)
    return entity_id in _visible.get(ws, user, period)


def ensure_visible(ws: Workspace, user: User, entity_id: str, period: Period) -> None:
    """Raise 404 for an entity outside ``user``'s subtrees (its existence is not revealed)."""
    if not can_see(ws, user, entity_id, period):
        raise _err(404, f"未找到企业：{entity_id}", f"no such entity: {entity_id}")
