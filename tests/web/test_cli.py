"""``guozi user add`` and ``guozi serve`` (contract §5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from guozi.cli import app
from guozi.workspace import Workspace
from guozi.workspace.passwords import verify_password
from tests.conftest import write_csv
from tests.web.conftest import free_port, group_records

runner = CliRunner()


def _store(tmp_path: Path) -> str:
    data = tmp_path / "data"
    data.mkdir()
    for name, rows in group_records().items():
        write_csv(data / f"{name}.csv", rows)
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    ws = Workspace.open(url)
    ws.import_files([data], user="loader")
    ws.close()
    return url


def test_user_add_stores_an_argon2_hash_and_an_audit_entry(tmp_path: Path) -> None:
    url = _store(tmp_path)
    r = runner.invoke(
        app,
        [
            "user",
            "add",
            "alice",
            "--role",
            "supervisor",
            "--scope",
            "A",
            "--scope",
            "B1",
            "--password-stdin",
            "--store",
            url,
        ],
        input="s3cret-password\n",
    )
    assert r.exit_code == 0, r.output
    ws = Workspace.open(url)
    try:
        user = ws.store.get_user("alice")
        assert user is not None
        assert (user.role, user.scopes) == ("supervisor", ("A", "B1"))
        assert verify_password(user.password_hash, "s3cret-password")
        entry = ws.store.audit_log(1)[0]
        assert (entry.user, entry.action, entry.target) == ("cli", "user.add", "user:alice")
        assert json.loads(entry.after)["role"] == "supervisor"
    finally:
        ws.close()


def test_user_add_refuses_bad_input_with_exit_2(tmp_path: Path) -> None:
    url = _store(tmp_path)
    cases = [
        (["user", "add", "bob", "--role", "viewer", "--scope", "A", "--store", url], "password-stdin"),
        (["user", "add", "bob", "--role", "viewer", "--scope", "NOPE", "--password-stdin", "--store", url], "NOPE"),
        (["user", "add", "bob", "--role", "boss", "--scope", "A", "--password-stdin", "--store", url], "boss"),
        (["user", "add", "bob", "--role", "viewer", "--password-stdin", "--store", url, "--lang", "en"], "--scope"),
    ]
    for args, needle in cases:
        r = runner.invoke(app, args, input="long-enough-pw\n")
        assert r.exit_code == 2, r.output
        assert needle in r.output
    ws = Workspace.open(url)
    try:
        assert ws.store.get_user("bob") is None  # nothing written
    finally:
        ws.close()


def test_serve_answers_on_loopback_and_keeps_its_secret_beside_the_store(tmp_path: Path) -> None:
    url = _store(tmp_path)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "GUOZI_SECRET"}
    guozi = Path(sys.executable).with_name("guozi")
    proc = subprocess.Popen([str(guozi), "serve", "--store", url, "--port", str(port)], env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        assert r.status_code == 200 and "登录" in r.text
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/me", timeout=5).status_code == 401
        assert (tmp_path / ".guozi-secret").stat().st_mode & 0o777 == 0o600
    finally:
        proc.terminate()
        proc.wait(timeout=30)
