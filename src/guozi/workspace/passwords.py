"""Passwords of the accounts: the argon2id hash, its check at equal cost, and the policy a new one must pass.

Shared by ``guozi user add`` and the web application (its sign-in and admin pages); the common
passwords refused are shipped beside this module (``common-passwords.txt``).
"""

from __future__ import annotations

import secrets
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from guozi.kernel.errors import GuoziError

__all__ = ["MIN_PASSWORD", "common_passwords", "hash_password", "password_problem", "verify_password"]

MIN_PASSWORD = 12  # characters (NIST SP 800-63B asks for at least 8; 12 for accounts that see every figure)
_hasher = PasswordHasher()


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


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (``common-passwords.txt``), lower-cased."""
    text = (resources.files("guozi.workspace") / "common-passwords.txt").read_text(encoding="utf-8")
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
