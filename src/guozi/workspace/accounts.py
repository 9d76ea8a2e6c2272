"""Accounts: create or change a user (checked, hashed, audited) — shared by ``guozi user add`` and the web's admin pages."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.store.base import ROLES, Role, User
from guozi.workspace.passwords import MIN_PASSWORD, hash_password, password_problem

if TYPE_CHECKING:
    from guozi.analyses.source import Source

__all__ = ["MIN_PASSWORD", "accounts_generation", "save_user", "user_json"]

_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


_generation = itertools.count(1)
_current = [0]


def accounts_generation() -> int:
    """A number that changes whenever :func:`save_user` changes an account (caches of accounts check it)."""
    return _current[0]


def user_json(user: User | None) -> str:
    """The account as the audit log keeps it (never the password hash)."""
    if user is None:
        return ""
    return json.dumps(
        {
            "name": user.name,
            "role": user.role,
            "scopes": list(user.scopes),
            "display_name": user.display_name,
            "active": user.active,
        },
        ensure_ascii=False,
    )


def save_user(
    ws: Source,
    *,
    actor: str,
    name: str,
    role: str,
    scopes: Sequence[str] = (),
    password: str | None = None,
    display_name: str | None = None,
    active: bool = True,
    min_password: int = MIN_PASSWORD,
) -> User:
    """Create the account ``name`` or change it, and write the audit entry (who, what, before, after).

    ``password`` None keeps an existing account's password (a new account needs one); a new
    password must pass :func:`~guozi.workspace.passwords.password_problem` (at least ``min_password``
    characters, not a common password, not containing the user name). Every scope must be a known
    entity; an admin needs none, every other role at least one.
    """
    if not _NAME.match(name):
        raise GuoziError(
            f"用户名应为 1–64 个字母、数字或 _ . @ -，实为 {name!r}",
            f"a user name is 1-64 letters, digits or _ . @ -, not {name!r}",
        )
    if role not in ROLES:
        raise GuoziError(
            f"角色应为 {'、'.join(ROLES)} 之一，实为 {role}", f"the role must be one of {', '.join(ROLES)}, not {role}"
        )
    known = set(ws.tree().nodes.entity_id)
    unknown = [s for s in scopes if s not in known]
    if unknown:
        raise NotFoundError(
            f"未知企业（--scope）：{', '.join(unknown)}", f"unknown entity (--scope): {', '.join(unknown)}"
        )
    if role != "admin" and not scopes:
        raise GuoziError(
            f"{role} 角色至少需要一个 --scope（可查看的企业）",
            f"a {role} needs at least one --scope (an entity whose subtree it may see)",
        )
    before = ws.store.get_user(name)
    if password is None:
        if before is None:
            raise GuoziError("新用户需要设置密码", "a new user needs a password")
        password_hash = before.password_hash
    else:
        problem = password_problem(password, name, min_length=min_password)
        if problem is not None:
            raise problem
        password_hash = hash_password(password)
    user = User(
        name=name,
        role=_role(role),
        scopes=tuple(dict.fromkeys(scopes)),
        password_hash=password_hash,
        display_name=display_name if display_name is not None else (before.display_name if before else ""),
        active=active,
    )
    after = json.loads(user_json(user))
    if password is not None and before is not None:
        after["password_changed"] = True
    with ws.store.atomic():  # the account and its audit entry are stored together, or neither
        ws.store.put_user(user)
        ws.store.audit(
            user=actor,
            action="user.add" if before is None else "user.update",
            target=f"user:{name}",
            before=user_json(before),
            after=json.dumps(after, ensure_ascii=False),
        )
    _current[0] = next(_generation)
    return user


def _role(role: str) -> Role:
    for r in ROLES:
        if r == role:
            return r
    raise GuoziError(f"未知角色：{role}", f"unknown role: {role}")
