"""One DuckDB file shared by ``guozi serve`` and the command line (issue 18): the server opens the file
only per unit of work, so commands run beside it; a process that keeps the file makes a command wait
(GUOZI_LOCK_WAIT seconds), then fail with exit 2 naming that process.

The store is the web tests' group (tests/web/conftest.py): G's total profit is 100 万元 in 2025-06.
The import brings G's 2025-07 figures: total profit 130 万元, so the server's entity page for
2025-07 shows 1 300 000 元 (130 × 10 000, the API's amounts are in yuan).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from guozi.store import open_store
from guozi.store.sessions import busy_error, holder, lock_wait
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.conftest import write_csv
from tests.web.conftest import PASSWORD, free_port
from tests.web.test_cli import _store as group_store

GUOZI = Path(sys.executable).with_name("guozi")


def _group_store(tmp_path: Path) -> str:
    """The web tests' group in a DuckDB file (tests/web/test_cli.py), with an admin account."""
    url = group_store(tmp_path)
    ws = Workspace.open(url)
    try:
        save_user(ws, actor="test", name="admin", role="admin", scopes=(), password=PASSWORD)
    finally:
        ws.close()
    return url


def _july(folder: Path) -> Path:
    """G's 2025-07 figures (万元): total profit 130, net profit 98, revenue 600, assets 1 100, liabilities 650."""
    values = {
        "total_profit": 130,
        "net_profit": 98,
        "revenue": 600,
        "total_assets": 1100,
        "total_liabilities": 650,
        "total_equity": 450,
    }
    path = folder / "facts_2025_07.csv"
    write_csv(
        path,
        [{"entity_id": "G", "period": "2025-07", "item": k, "value": v, "unit": "万元"} for k, v in values.items()],
    )
    return path


def _guozi(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GUOZI), *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def _signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = client.get("/api/v1/session").json()["csrf_token"]
    r = client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def _total_profit(client: httpx.Client, period: str) -> object:
    r = client.get("/api/v1/entities/G", params={"period": period})
    if r.status_code != 200:
        return None
    found = [i["value"] for i in r.json()["indicators"] if i["indicator"] == "total_profit"]
    return found[0] if found else None


@pytest.mark.slow
def test_commands_run_while_guozi_serve_holds_the_store(tmp_path: Path) -> None:
    url = _group_store(tmp_path)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([str(GUOZI), "serve", "--store", url, "--port", str(port)], stderr=log)
    client: httpx.Client | None = None
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{base}/login", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.3)
        client = _signed_in(base)
        assert Decimal(str(_total_profit(client, "2025-06"))) == Decimal("1000000")  # 100 万元, read by the server
        shown = _guozi("indicators", "--store", url, "--period", "2025-06", "--entity", "G", "-f", "json")
        assert shown.returncode == 0, shown.stderr
        assert "total_profit" in shown.stdout
        done = _guozi("import", str(_july(tmp_path)), "--store", url, "--lang", "en")
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 30  # the server looks at the store's version once a second
        while (figure := _total_profit(client, "2025-07")) is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert Decimal(str(figure)) == Decimal("1300000")
    finally:
        if client is not None:
            client.close()
        server.terminate()
        server.wait(timeout=30)
        log.close()


HOLD = (  # keeps the file open inside a write transaction until killed
    "import sys, time, duckdb; con = duckdb.connect(sys.argv[1]); con.execute('begin transaction'); "
    "con.execute(\"insert into meta values ('held', 'by a test')\"); print('holding', flush=True); time.sleep(60)"
)


def test_a_command_waits_then_exits_2_naming_the_process_that_holds_the_file(tmp_path: Path) -> None:
    url = _group_store(tmp_path)
    path = url.removeprefix("duckdb:///")
    holder_proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, path, "guozi-test-holder"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder_proc.stdout is not None and holder_proc.stdout.readline().strip() == "holding"
        env = {**os.environ, "GUOZI_LOCK_WAIT": "1"}
        started = time.monotonic()
        done = _guozi("indicators", "--store", url, "--period", "2025-06", "--lang", "en", env=env)
        waited = time.monotonic() - started
        assert done.returncode == 2, done.stdout + done.stderr
        message = " ".join(done.stderr.split())
        assert f"held by process {holder_proc.pid}" in message
        assert "guozi-test-holder" in message  # its command line, read from /proc
        assert "GUOZI_LOCK_WAIT" in message and "Traceback" not in done.stderr
        assert waited >= 1.0
        zh = _guozi("losses", "--store", url, "--period", "2025-06", env=env)
        assert zh.returncode == 2 and f"正被进程{holder_proc.pid}" in "".join(zh.stderr.split())
    finally:
        holder_proc.kill()
        holder_proc.wait(timeout=30)
        if holder_proc.stdout is not None:
            holder_proc.stdout.close()
    store = open_store(url)  # the holder is gone: the file opens at once, its transaction never committed
    try:
        assert store.periods() == [202406, 202506]
    finally:
        store.close()


def test_the_busy_message_and_the_wait_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        'IO Error: Could not set lock on file "/x.duckdb": Conflicting lock is held in /usr/bin/python3 (PID 1) by user'
    )
    assert holder(text)[0] == 1
    err = busy_error("/x.duckdb", text, 2.5)
    assert "process 1" in err.message_en and "2.5 s" in err.message_en and "进程 1" in err.message_zh
    assert holder("no pid here") == (None, "")
    assert "another process" in busy_error("/x.duckdb", "locked", 0).message_en
    monkeypatch.setenv("GUOZI_LOCK_WAIT", "0.25")
    assert lock_wait() == 0.25
    monkeypatch.delenv("GUOZI_LOCK_WAIT")
    assert lock_wait() == 10.0
    monkeypatch.setenv("GUOZI_LOCK_WAIT", "soon")
    with pytest.raises(Exception, match="GUOZI_LOCK_WAIT"):
        lock_wait()


def test_the_store_keeps_no_connection_between_units_of_work(tmp_path: Path) -> None:
    """After each store call (and after a held lock is let go) another process opens the file at once."""
    url = _group_store(tmp_path)
    path = url.removeprefix("duckdb:///")
    probe = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"
    store = open_store(url)
    try:
        assert store.periods() == [202406, 202506]
        assert subprocess.run([sys.executable, "-c", probe, path], check=False).returncode == 0
        with store.lock:
            assert store.facts().count().to_pyarrow().as_py() == 72  # 6 entities × 6 items × 2 periods
            inside = subprocess.run([sys.executable, "-c", probe, path], capture_output=True, check=False)
        assert inside.returncode != 0 and b"lock" in inside.stderr  # held during the unit of work
        assert subprocess.run([sys.executable, "-c", probe, path], check=False).returncode == 0
    finally:
        store.close()
