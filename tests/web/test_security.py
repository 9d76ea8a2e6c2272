"""Security: argon2 hashes, opaque (encrypted) session cookies, CSRF, login rate limits, the session
secret, redirects, formula injection in Excel downloads, headers, sessions that end when the account
changes or on sign-out (a copied cookie included), and request bodies refused before they are read."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import io
import json
import stat
import time
import zlib
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from guozi.ingest.guard import LIMITS
from guozi.web.app import create_app
from guozi.web.security import (
    MAX_BODY,
    SECRET_FILE,
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    SessionMiddleware,
    session_secret,
)
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from guozi.workspace.passwords import verify_password
from tests.conftest import write_csv
from tests.web.conftest import PASSWORD, group_records, sign_in

ClientAs = Callable[[str], TestClient]


def test_passwords_are_stored_as_argon2id(group_ws: Workspace) -> None:
    user = group_ws.store.get_user("viewer_a")
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD + "x")
    assert not verify_password("", PASSWORD)


def _set_cookie(response: httpx.Response) -> str:
    return next(v for v in response.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE))


def test_session_cookie_is_httponly_samesite_lax_and_not_secure_over_http(app: FastAPI) -> None:
    cookie = _set_cookie(sign_in(TestClient(app), "viewer_a"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_tls(app: FastAPI) -> None:
    cookie = _set_cookie(sign_in(TestClient(app, base_url="https://testserver"), "viewer_a"))
    assert "; Secure" in cookie


def test_signing_in_starts_a_new_session_with_a_new_csrf_token(anon: TestClient) -> None:
    before = anon.get("/api/v1/session").json()["csrf_token"]
    after = anon.post(
        "/api/v1/login", json={"username": "viewer_a", "password": PASSWORD}, headers={"X-CSRF-Token": before}
    ).json()["csrf_token"]
    assert after != before


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_writes_without_the_sessions_csrf_token_are_refused(client_as: ClientAs, token: str | None) -> None:
    c = client_as("admin")
    del c.headers["X-CSRF-Token"]
    headers = {"X-CSRF-Token": token} if token is not None else {}
    body = {"name": "csrf_victim", "role": "admin", "password": "whatever-long"}
    r = c.post("/api/v1/users", json=body, headers=headers)
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]["message_en"]
    form = {
        "name": "csrf_victim",
        "role": "admin",
        "password": "whatever-long",
        **({"csrf_token": token} if token else {}),
    }
    assert c.post("/admin/users", data=form, follow_redirects=False).status_code == 403
    assert c.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert "csrf_victim" not in {u["name"] for u in client_as("admin").get("/api/v1/users").json()}


def test_login_itself_needs_the_csrf_token(anon: TestClient) -> None:
    anon.get("/api/v1/session")
    r = anon.post("/api/v1/login", json={"username": "viewer_a", "password": PASSWORD})
    assert r.status_code == 403
    assert anon.get("/api/v1/me").status_code == 401


def test_login_is_rate_limited_per_user(fresh_app: FastAPI) -> None:
    c = TestClient(fresh_app)
    for _ in range(5):
        assert sign_in(c, "filer_a", "wrong-guess").status_code == 401
    r = sign_in(c, "filer_a")  # the right password, too late
    assert r.status_code == 429 and r.headers["retry-after"] == "300"
    assert sign_in(c, "viewer_a").status_code == 200  # another user from the same address is not blocked yet


def test_login_is_rate_limited_per_address(fresh_app: FastAPI) -> None:
    c = TestClient(fresh_app)
    for k in range(30):  # 30 failures spread over many names, fewer than 5 each
        assert sign_in(c, f"guess{k % 10}", "wrong").status_code == 401
    assert sign_in(c, "viewer_b").status_code == 429


def test_a_tampered_session_cookie_signs_nobody_in(client_as: ClientAs) -> None:
    c = client_as("viewer_a")
    value = c.cookies[SESSION_COOKIE]
    c.cookies.clear()
    c.cookies.set(SESSION_COOKIE, value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    assert c.get("/api/v1/me").status_code == 401


def test_an_account_and_its_audit_entry_are_stored_together(
    group_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit entry is written in the account's transaction: if it fails, no account either."""

    def failing_audit(**_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(group_ws.store, "audit", failing_audit)
    with pytest.raises(OSError, match="disk full"):
        save_user(group_ws, actor="test", name="half_done", role="viewer", scopes=["A"], password=PASSWORD)
    monkeypatch.undo()
    assert group_ws.store.get_user("half_done") is None
    assert not [e for e in group_ws.store.audit_log(100) if e.target == "user:half_done"]


def _readable_pieces(value: str) -> list[bytes]:
    """The cookie value, and whatever base64 (and zlib) decoding of each of its parts gives."""
    pieces = [value.encode()]
    for part in value.replace(".", " ").split():
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            continue
        pieces.append(raw)
        with contextlib.suppress(zlib.error):
            pieces.append(zlib.decompress(raw))
    return pieces


def test_the_session_cookie_shows_neither_the_user_nor_any_part_of_the_password_hash(
    group_ws: Workspace, app: FastAPI
) -> None:
    c = TestClient(app)
    assert sign_in(c, "viewer_a").status_code == 200
    value = c.cookies[SESSION_COOKIE]
    user = group_ws.store.get_user("viewer_a")
    assert user is not None
    hash_parts = {user.password_hash[i : i + 8].encode() for i in range(len(user.password_hash) - 7)}
    for piece in _readable_pieces(value):
        assert b"viewer_a" not in piece
        assert not [h for h in hash_parts if h in piece]
        assert b"csrf" not in piece and b"sid" not in piece
    assert c.get("/api/v1/me").json()["name"] == "viewer_a"  # and it still signs its holder in


def test_a_session_cookie_of_another_secret_or_past_its_age_signs_nobody_in(app: FastAPI) -> None:
    c = TestClient(app)
    session = {"user": "admin", "sid": "x", "csrf": "y", "pw": "z"}
    other = SessionMiddleware(app, secret="another-secret")
    c.cookies.set(SESSION_COOKIE, other.dump(session))
    assert c.get("/api/v1/me").status_code == 401
    ours = SessionMiddleware(app, secret="test-secret-not-for-production")
    assert ours.load(ours.dump(session)) == session
    old = ours.cipher.encrypt_at_time(json.dumps(session).encode(), int(time.time()) - SESSION_MAX_AGE - 60)
    assert ours.load(old.decode()) == {}


def test_a_deactivated_account_or_a_new_password_ends_its_sessions(group_ws: Workspace, client_as: ClientAs) -> None:
    save_user(group_ws, actor="test", name="temp_v", role="viewer", scopes=["A"], password=PASSWORD)
    c = client_as("temp_v")
    assert c.get("/api/v1/me").status_code == 200
    save_user(group_ws, actor="test", name="temp_v", role="viewer", scopes=["A"], password="another-password")
    assert c.get("/api/v1/me").status_code == 401
    d = TestClient(c.app)
    assert sign_in(d, "temp_v", "another-password").status_code == 200
    save_user(group_ws, actor="test", name="temp_v", role="viewer", scopes=["A"], active=False)
    assert d.get("/api/v1/me").status_code == 401
    assert sign_in(TestClient(c.app), "temp_v", "another-password").status_code == 401


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(group_ws: Workspace, app: FastAPI) -> None:
    """A cookie copied before sign-out (a stolen one) is refused after it, here and by a server
    started afterwards on the same store; the audit log has the session's start and end, keyed by a
    digest, never the token itself. Another session of the same account goes on."""
    c, other = TestClient(app), TestClient(app)
    for client in (c, other):
        client.headers["X-CSRF-Token"] = sign_in(client, "viewer_b").json()["csrf_token"]
    stolen = c.cookies[SESSION_COOKIE]
    assert c.post("/api/v1/logout").status_code == 200
    thief = TestClient(app, cookies={SESSION_COOKIE: stolen})
    assert thief.get("/api/v1/me").status_code == 401
    restarted = create_app(workspace=group_ws, secret="test-secret-not-for-production")
    assert TestClient(restarted, cookies={SESSION_COOKIE: stolen}).get("/api/v1/me").status_code == 401
    assert other.get("/api/v1/me").json()["name"] == "viewer_b"
    ends = group_ws.store.audit_log(10, action="session.end")
    assert ends[0].user == "viewer_b" and ends[0].target == "viewer_b"
    starts = group_ws.store.audit_log(10, action="session.start")
    assert len({e.after for e in starts[:2]}) == 2 and ends[0].after in {e.after for e in starts[:2]}
    assert stolen not in ends[0].after


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)"])
def test_login_never_redirects_to_another_site(anon: TestClient, target: str) -> None:
    token = anon.get("/api/v1/session").json()["csrf_token"]
    form = {"username": "viewer_a", "password": PASSWORD, "csrf_token": token, "next": target}
    r = anon.post("/login", data=form, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/")


def test_the_generated_secret_is_kept_beside_the_store_readable_by_its_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GUOZI_SECRET", raising=False)
    first = session_secret(tmp_path)
    path = tmp_path / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == first and len(first) >= 48
    assert session_secret(tmp_path) == first  # kept: sessions survive a restart
    monkeypatch.setenv("GUOZI_SECRET", "from-the-environment")
    assert session_secret(tmp_path) == "from-the-environment"
    assert session_secret(tmp_path, "given") == "given"
    assert session_secret(None, None) == "from-the-environment"


def test_pages_send_protective_headers(client_as: ClientAs) -> None:
    r = client_as("viewer_a").get("/")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_excel_downloads_do_not_run_formulas(tmp_path: Path) -> None:
    """An entity named like a formula comes out as text in the xlsx report (output.safe_cell)."""
    records = group_records()
    evil = '=HYPERLINK("http://evil.example","x")'
    for row in records["entities"]:
        if row["entity_id"] == "A1":
            row["name"] = evil
    data = tmp_path / "data"
    data.mkdir()
    for name, rows in records.items():
        write_csv(data / f"{name}.csv", rows)
    ws = Workspace.open(f"duckdb:///{tmp_path / 'evil.duckdb'}")
    try:
        ws.import_files([data], user="loader")
        save_user(ws, actor="test", name="admin", role="admin", password=PASSWORD)
        c = TestClient(create_app(workspace=ws, secret="s" * 32))
        c.headers["X-CSRF-Token"] = sign_in(c, "admin").json()["csrf_token"]
        r = c.get("/api/v1/report?entity=A&format=xlsx")
        assert r.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert "'" + evil in texts  # the name itself, as text
        assert not [t for t in texts if t.startswith(("=", "@", "+"))]
    finally:
        ws.close()


# -- request bodies are refused before they are read ---------------------------------------------

CHUNK = 64 * 1024


def _call(
    app: FastAPI, path: str, *, declared: int | None, sent: int, content_type: bytes = b"application/json"
) -> tuple[int, int, bytes]:
    """POST ``sent`` bytes to ``path`` straight through ASGI, in 64 KiB chunks, with ``declared``
    as Content-Length (None: chunked). Returns (status, bytes the app pulled, response body)."""
    headers = [(b"host", b"testserver"), (b"content-type", content_type)]
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("203.0.113.99", 50000),
        "server": ("testserver", 80),
    }
    pulled = 0
    answer: dict[str, Any] = {"status": 0, "body": b""}

    async def receive() -> MutableMapping[str, Any]:
        nonlocal pulled
        if pulled >= sent:
            await asyncio.sleep(3600)  # a client that sent everything then waits (never reached)
        size = min(CHUNK, sent - pulled)
        pulled += size
        return {"type": "http.request", "body": b"x" * size, "more_body": pulled < sent}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=60))
    return answer["status"], pulled, answer["body"]


def test_a_huge_declared_body_to_the_login_api_is_refused_unread(fresh_app: FastAPI) -> None:
    """An anonymous 200 MB sign-in: 413 from the Content-Length alone, not one byte read (here at
    most 8 MiB would be sent, to keep the test small if the refusal ever came late)."""
    status, pulled, body = _call(fresh_app, "/api/v1/login", declared=200 * 1024**2, sent=8 * 1024**2)
    assert (status, pulled) == (413, 0)
    detail = json.loads(body)["detail"]
    assert detail["message_zh"] == "请求内容超过上限 1 MiB"
    assert detail["message_en"] == "the request body is larger than the limit of 1 MiB"


@pytest.mark.parametrize("path", ["/api/v1/login", "/login", "/api/v1/users", "/api/v1/submissions/1/review"])
def test_a_chunked_body_is_cut_off_once_past_the_limit(fresh_app: FastAPI, path: str) -> None:
    """No Content-Length (chunked): counted as it streams in, refused as soon as it passes 1 MiB."""
    form = b"application/x-www-form-urlencoded"
    status, pulled, _ = _call(fresh_app, path, declared=None, sent=8 * 1024**2, content_type=form)
    assert status == 413
    assert MAX_BODY < pulled <= MAX_BODY + CHUNK


def test_a_body_under_the_limit_is_read_as_before(fresh_app: FastAPI) -> None:
    status, pulled, _ = _call(fresh_app, "/api/v1/login", declared=None, sent=MAX_BODY)
    assert (status, pulled) == (422, MAX_BODY)  # read whole, then refused as no JSON


def test_uploads_keep_their_own_larger_limit(fresh_app: FastAPI) -> None:
    form = b"multipart/form-data; boundary=x"
    status, pulled, _ = _call(
        fresh_app, "/api/v1/submissions", declared=2 * 1024**2, sent=2 * 1024**2, content_type=form
    )
    assert status == 401  # past the 1 MiB of other requests, let through to the upload (which needs a user)
    big = LIMITS.max_bytes + 2 * 1024**2
    status, pulled, _ = _call(fresh_app, "/api/v1/submissions", declared=None, sent=big, content_type=form)
    assert status in (401, 413) and pulled <= LIMITS.max_bytes + 1024**2 + CHUNK


def test_the_limit_holds_over_http(anon: TestClient) -> None:
    token = anon.get("/api/v1/session").json()["csrf_token"]
    r = anon.post(
        "/api/v1/login",
        content=b"{" + b" " * (2 * 1024**2) + b"}",
        headers={"content-type": "application/json", "X-CSRF-Token": token},
    )
    assert r.status_code == 413 and "1 MiB" in r.json()["detail"]["message_en"]
