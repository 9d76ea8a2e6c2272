"""Signing in (issue 16): the password policy, the sign-in throttle that slows a guesser without
locking the owner out, X-Forwarded-For believed only from a trusted proxy, and the same hashing
work for a user name that does not exist."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient
from typer.testing import CliRunner

from guozi.cli import app as cli
from guozi.kernel.errors import GuoziError
from guozi.web.app import create_app
from guozi.web.security import trusted_proxies
from guozi.workspace import Workspace, passwords
from guozi.workspace.accounts import save_user
from guozi.workspace.passwords import common_passwords, password_problem
from tests.conftest import write_csv
from tests.web.conftest import PASSWORD, free_port, group_records, sign_in

SECRET = "test-secret-not-for-production"


def client_from(app: FastAPI, address: str) -> TestClient:
    """A client whose requests come from ``address`` (the direct peer)."""
    return TestClient(app, client=(address, 50000))


# -- the password policy -----------------------------------------------------------------------


@pytest.mark.parametrize("password", ["password", "12345678", "PASSWORD", "woaini1314", "5201314", "1qaz2wsx3edc"])
def test_common_passwords_are_refused_in_both_languages(group_ws: Workspace, password: str) -> None:
    with pytest.raises(GuoziError) as caught:
        save_user(group_ws, actor="test", name="weak_pw", role="viewer", scopes=["A"], password=password)
    assert "最常用的密码" in caught.value.message_zh
    assert "one of the most common" in caught.value.message_en
    assert group_ws.store.get_user("weak_pw") is None  # nothing written


def test_the_shipped_list_holds_the_usual_suspects() -> None:
    listed = common_passwords()
    assert len(listed) >= 300
    for word in ("123456", "password", "12345678", "qwerty", "111111", "woaini1314", "5201314", "abc123"):
        assert word in listed
    assert "iloveyou" in listed and "admin123" in listed


@pytest.mark.parametrize(
    ("password", "zh", "en"),
    [
        ("zhangsan", "不能包含用户名 zhangsan", "may not contain the user name zhangsan"),
        ("my-zhangsan-2026", "不能包含用户名 zhangsan", "may not contain the user name zhangsan"),
        ("ZhangSan!2026x", "不能包含用户名 zhangsan", "may not contain the user name zhangsan"),
        ("tr0ub4dor&3", "至少 12 个字符，实为 11 个", "at least 12 characters, not 11"),
        ("abababababab", "至少要有 4 个不同的字符，实为 2 个", "at least 4 different characters, not 2"),
    ],
)
def test_the_policy_names_what_is_wrong(password: str, zh: str, en: str) -> None:
    problem = password_problem(password, "zhangsan")
    assert problem is not None
    assert zh in problem.message_zh and en in problem.message_en


def test_twelve_characters_of_an_uncommon_password_pass_and_the_length_is_a_parameter() -> None:
    assert password_problem("tr0ub4dor&3x", "zhangsan") is None  # 12 characters
    assert password_problem("tr0ub4dor&3", "zhangsan", min_length=11) is None
    problem = password_problem("tr0ub4dor&3x", "zhangsan", min_length=16)
    assert problem is not None and "at least 16 characters, not 12" in problem.message_en


def test_the_web_form_and_the_cli_refuse_password(group_ws: Workspace, tmp_path: Path) -> None:
    c = TestClient(create_app(workspace=group_ws, secret=SECRET))
    c.headers["X-CSRF-Token"] = sign_in(c, "admin").json()["csrf_token"]
    r = c.post("/api/v1/users", json={"name": "weak_web", "role": "viewer", "scopes": ["A"], "password": "password"})
    assert r.status_code == 400
    assert "最常用的密码" in r.json()["detail"]["message_zh"]
    assert "weak_web" not in {u["name"] for u in c.get("/api/v1/users").json()}
    url = _store(tmp_path)
    args = ["user", "add", "bob", "--role", "viewer", "--scope", "A", "--password-stdin", "--store", url]
    r2 = CliRunner().invoke(cli, [*args, "--lang", "en"], input="12345678\n")
    assert r2.exit_code == 2, r2.output
    assert "one of the most common" in r2.output and "Traceback" not in r2.output


# -- the throttle ---------------------------------------------------------------------------------


def test_five_wrong_passwords_from_one_address_do_not_lock_the_owner_out(fresh_app: FastAPI) -> None:
    thief = client_from(fresh_app, "203.0.113.7")
    for _ in range(5):
        assert sign_in(thief, "filer_a", "wrong-guess").status_code == 401
    r = sign_in(thief, "filer_a")  # the right password, from the guesser's address: too late there
    assert r.status_code == 429 and r.headers["retry-after"] == "300"
    assert sign_in(client_from(fresh_app, "198.51.100.2"), "filer_a").status_code == 200  # the owner


def test_a_guesser_spread_over_addresses_gets_one_try_per_address_and_the_owner_still_signs_in(
    fresh_app: FastAPI,
) -> None:
    for k in range(4):  # 4 addresses × 5 failures: 20, the per-user limit: the account is under attack
        guesser = client_from(fresh_app, f"203.0.113.{k}")
        for _ in range(5):
            assert sign_in(guesser, "sup_a", "wrong-guess").status_code == 401
    fresh = client_from(fresh_app, "203.0.113.50")
    assert sign_in(fresh, "sup_a", "another-guess").status_code == 401  # its one try
    assert sign_in(fresh, "sup_a", "a-third-guess").status_code == 429  # not a second (a per-pair limit is 5)
    assert sign_in(fresh, "sup_a").status_code == 429
    assert sign_in(client_from(fresh_app, "198.51.100.9"), "sup_a").status_code == 200  # the owner, first try
    assert sign_in(client_from(fresh_app, "203.0.113.0"), "viewer_a").status_code == 200  # another account


def test_unknown_names_are_throttled_like_real_ones(fresh_app: FastAPI) -> None:
    c = client_from(fresh_app, "203.0.113.8")
    for _ in range(5):
        assert sign_in(c, "nobody_here", "wrong-guess").status_code == 401
    assert sign_in(c, "nobody_here", "wrong-guess").status_code == 429


def test_the_address_limit_counts_every_name_tried(fresh_app: FastAPI) -> None:
    c = client_from(fresh_app, "203.0.113.9")
    for k in range(30):  # 30 failures over 10 names, 3 each: under the per-pair limit
        assert sign_in(c, f"guess{k % 10}", "wrong").status_code == 401
    assert sign_in(c, "viewer_b").status_code == 429
    assert sign_in(client_from(fresh_app, "198.51.100.3"), "viewer_b").status_code == 200


def test_a_forged_x_forwarded_for_is_ignored_without_a_trusted_proxy(fresh_app: FastAPI) -> None:
    c = client_from(fresh_app, "127.0.0.1")
    for k in range(5):
        c.headers["X-Forwarded-For"] = f"10.0.{k}.1"
        assert sign_in(c, "viewer_a", "wrong-guess").status_code == 401
    c.headers["X-Forwarded-For"] = "10.0.99.1"
    assert sign_in(c, "viewer_a").status_code == 429  # still the same address: 127.0.0.1


def test_x_forwarded_for_is_believed_from_a_trusted_proxy(group_ws: Workspace) -> None:
    app = create_app(workspace=group_ws, secret=SECRET, proxies=["127.0.0.1"])
    proxy = client_from(app, "127.0.0.1")
    for _ in range(5):
        proxy.headers["X-Forwarded-For"] = "203.0.113.20"
        assert sign_in(proxy, "viewer_a", "wrong-guess").status_code == 401
    assert sign_in(proxy, "viewer_a").status_code == 429  # the guesser's address, as the proxy says
    proxy.headers["X-Forwarded-For"] = "198.51.100.20"  # the owner, behind the same proxy
    assert sign_in(proxy, "viewer_a").status_code == 200
    # an untrusted peer's header is still ignored
    other = client_from(app, "192.0.2.5")
    other.headers["X-Forwarded-For"] = "198.51.100.20"
    for _ in range(5):
        assert sign_in(other, "viewer_b", "wrong-guess").status_code == 401
    other.headers["X-Forwarded-For"] = "198.51.100.21"
    assert sign_in(other, "viewer_b").status_code == 429


def test_trusted_proxies_are_addresses_or_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert trusted_proxies("10.0.0.5, 10.1.0.0/16 ::1") == ["10.0.0.5", "10.1.0.0/16", "::1"]
    assert trusted_proxies(None) == [] and trusted_proxies("") == []
    with pytest.raises(GuoziError) as caught:
        trusted_proxies(["10.0.0.5", "proxy.example"])
    assert "proxy.example" in caught.value.message_zh and "proxy.example" in caught.value.message_en


def _store(tmp_path: Path) -> str:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    for name, rows in group_records().items():
        write_csv(data / f"{name}.csv", rows)
    url = f"duckdb:///{tmp_path / 'signin.duckdb'}"
    ws = Workspace.open(url)
    try:
        if not ws.store.periods():
            ws.import_files([data], user="loader")
        if ws.store.get_user("viewer_a") is None:
            save_user(ws, actor="test", name="viewer_a", role="viewer", scopes=["A"], password=PASSWORD)
    finally:
        ws.close()
    return url


def _serve(url: str, *extra: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    guozi = Path(sys.executable).with_name("guozi")
    environ = {k: v for k, v in os.environ.items() if k not in ("GUOZI_SECRET", "GUOZI_TRUSTED_PROXIES")}
    proc = subprocess.Popen(
        [str(guozi), "serve", "--store", url, "--port", str(port), "--no-warm", *extra], env={**environ, **(env or {})}
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"{base}/login", timeout=5)
            return proc, base
        except httpx.TransportError:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.3)


def _attempt(client: httpx.Client, name: str, password: str, forwarded: str) -> int:
    token = client.get("/api/v1/session").json()["csrf_token"]
    r = client.post(
        "/api/v1/login",
        json={"username": name, "password": password},
        headers={"X-CSRF-Token": token, "X-Forwarded-For": forwarded},
    )
    return r.status_code


def test_guozi_serve_ignores_a_forged_x_forwarded_for_from_loopback(tmp_path: Path) -> None:
    """uvicorn's own default believes X-Forwarded-For from 127.0.0.1: a local guesser could claim a
    new address with every try. ``guozi serve`` believes it only from ``--trusted-proxy``."""
    url = _store(tmp_path)
    proc, base = _serve(url)
    try:
        with httpx.Client(base_url=base, timeout=30) as c:
            for k in range(30):  # 30 failures over 10 names, each claiming another address
                assert _attempt(c, f"guess{k % 10}", "wrong-guess", f"10.0.{k}.1") == 401
            assert _attempt(c, "viewer_a", PASSWORD, "10.0.99.1") == 429  # still 127.0.0.1's 31st
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    proc, base = _serve(url, env={"GUOZI_TRUSTED_PROXIES": "127.0.0.1"})  # behind a proxy on this host
    try:
        with httpx.Client(base_url=base, timeout=30) as c:
            for _ in range(5):
                assert _attempt(c, "viewer_a", "wrong-guess", "203.0.113.30") == 401
            assert _attempt(c, "viewer_a", PASSWORD, "203.0.113.30") == 429
            assert _attempt(c, "viewer_a", PASSWORD, "198.51.100.30") == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_guozi_serve_refuses_a_trusted_proxy_that_is_no_address(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["serve", "--store", _store(tmp_path), "--trusted-proxy", "proxy.example"])
    assert r.exit_code == 2 and "proxy.example" in r.output


# -- the same work for unknown users ---------------------------------------------------------------


class _CountingHasher:
    """The argon2 hasher, counting its ``verify`` calls."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.verified = 0

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        result: bool = self.inner.verify(password_hash, password)  # type: ignore[attr-defined]
        return result

    def hash(self, password: str) -> str:
        result: str = self.inner.hash(password)  # type: ignore[attr-defined]
        return result


@pytest.mark.parametrize(
    ("name", "password", "status"),
    [
        ("no_such_user", "wrong-guess", 401),
        ("viewer_a", "wrong-guess", 401),
        ("viewer_a", PASSWORD, 200),
        ("inactive_u", PASSWORD, 401),
    ],
)
def test_every_sign_in_hashes_once_whether_or_not_the_user_exists(
    group_ws: Workspace, monkeypatch: pytest.MonkeyPatch, name: str, password: str, status: int
) -> None:
    if group_ws.store.get_user("inactive_u") is None:
        save_user(group_ws, actor="test", name="inactive_u", role="viewer", scopes=["A"], password=PASSWORD)
        save_user(group_ws, actor="test", name="inactive_u", role="viewer", scopes=["A"], active=False)
    app = create_app(workspace=group_ws, secret=SECRET)
    c = TestClient(app)
    token = c.get("/api/v1/session").json()["csrf_token"]
    counting = _CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    r = c.post("/api/v1/login", json={"username": name, "password": password}, headers={"X-CSRF-Token": token})
    assert r.status_code == status
    assert counting.verified == 1
