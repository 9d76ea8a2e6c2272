"""Record the answers a user sees, to show a refactoring changed none of them.

    .venv/bin/python scripts/golden.py OUT_DIR          # record into OUT_DIR
    diff -r BEFORE_DIR AFTER_DIR                         # identical after the move?

It imports the demo group into a fresh store in a temporary folder, then writes into OUT_DIR:

- every command of the README's tour, as machine-readable output (json where the command has
  it, csv otherwise), one file per command, plus its exit code;
- the JSON API answers of the web application's main pages, for an admin;
- the HTML monthly report.

Volatile parts (timestamps, temporary paths, hashes of files written in the run) are replaced
by placeholders, so two runs of the same code give identical folders.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The README tour (keep in step with README.md), each run with a machine-readable format.
TOUR: list[tuple[str, list[str]]] = [
    ("indicators-reported", ["indicators", "--period", "2025-06", "--entity", "HX00001"]),
    ("indicators-children", ["indicators", "--period", "2025-06", "--entity", "HX00001", "--view", "children"]),
    ("indicators-leaves", ["indicators", "--period", "2025-06", "--entity", "HX00001", "--view", "leaves"]),
    ("indicators-level2-industry", ["indicators", "--period", "2025-06", "--level", "2", "--by", "industry"]),
    (
        "indicators-month",
        ["indicators", "--period", "2025-06", "--basis", "month", "-i", "revenue", "-i", "total_profit"],
    ),
    ("indicators-regime2022", ["indicators", "--period", "2023-12", "--regime", "2022"]),
    ("indicators-en", ["indicators", "--period", "2025-06", "--lang", "en"]),
    ("targets", ["targets", "--period", "2025-12", "--entity", "HX00001"]),
    ("verdict", ["verdict", "--period", "2025-12", "--entity", "HX00001"]),
    ("losses", ["losses", "--period", "2025-12", "--level", "3", "--by", "industry"]),
    ("peers", ["peers", "--period", "2025-12", "--entity", "HX00002"]),
    ("peers-world", ["peers", "--period", "2025-12", "--entity", "HX00001", "--world"]),
    ("warnings", ["warnings", "--period", "2025-12", "--entity", "HX00001"]),
    ("eva", ["eva", "--period", "2025-12", "--entity", "HX00002"]),
    ("history", ["history", "--entity", "HX00002", "--period", "2025-12"]),
    ("indicators-data", ["indicators", "--data", "{public}", "--period", "2023-12", "-i", "revenue_profit_margin"]),
    (
        "indicators-same-basis",
        ["indicators", "--period", "2025-06", "--entity", "HX00001", "--view", "children", "--same-basis"],
    ),
]

API = [
    "/api/v1/periods",
    "/api/v1/overview?period=2025-12",
    "/api/v1/tree?period=2025-12",
    "/api/v1/entities/HX00002?period=2025-12",
    "/api/v1/entities/HX00002/history?period=2025-12",
    "/api/v1/indicators/debt_ratio?period=2025-12&entity=HX00001",
    "/api/v1/targets?period=2025-12&entity=HX00001",
    "/api/v1/warnings?period=2025-12&entity=HX00001",
    "/api/v1/losses?period=2025-12&entity=HX00001",
    "/api/v1/eva?period=2025-12&entity=HX00002",
    "/api/v1/search?q=HX0001",
]

VOLATILE = [
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?"), "<time>"),
    (re.compile(r"[0-9a-f]{64}"), "<sha256>"),
]


def _normalise(text: str, tmp: Path) -> str:
    text = text.replace(str(tmp), "<tmp>")
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def _run(guozi: Path, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(guozi), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def main(out: Path) -> int:
    guozi = Path(sys.executable).with_name("guozi")
    public = Path(__file__).resolve().parents[1] / "src" / "guozi" / "demo" / "public"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="guozi-golden-") as name:
        tmp = Path(name)
        env = {**os.environ, "GUOZI_STORE": f"duckdb:///{tmp / 'golden.duckdb'}", "NO_COLOR": "1", "COLUMNS": "200"}
        demo = _run(guozi, ["demo", "--folder", str(tmp / "guozi-demo")], tmp, env)
        (out / "demo.txt").write_text(_normalise(demo.stdout, tmp) + f"\nexit {demo.returncode}\n")
        for name_, tour_args in TOUR:
            args = [a.replace("{public}", str(public)) for a in tour_args]
            done = _run(guozi, [*args, "--format", "json"], tmp, env)
            if done.returncode != 0 and "--format" in done.stderr:
                done = _run(guozi, [*args, "--format", "csv"], tmp, env)
            text = _normalise(done.stdout, tmp) + f"\nexit {done.returncode}\n"
            if done.returncode:
                text += _normalise(done.stderr, tmp)
            (out / f"cli-{name_}.txt").write_text(text)
        report = _run(guozi, ["report", "--period", "2025-12", "--output", str(tmp / "report.html")], tmp, env)
        html = (tmp / "report.html").read_text() if (tmp / "report.html").exists() else report.stderr
        (out / "report.html").write_text(_normalise(html, tmp) + f"\n<!-- exit {report.returncode} -->\n")
        _api(out, tmp, env)
    return 0


def _api(out: Path, tmp: Path, env: dict[str, str]) -> None:
    """The JSON answers of the web application, for an admin, through its test client."""
    os.environ.update(env)
    from fastapi.testclient import TestClient

    from guozi.web.app import create_app
    from guozi.workspace import Workspace
    from guozi.workspace.accounts import save_user

    ws = Workspace.open(env["GUOZI_STORE"])
    password = "Tour-Record-2026-long!"
    save_user(ws, actor="golden", name="golden", role="admin", password=password)
    client = TestClient(create_app(workspace=ws))
    token = client.get("/api/v1/session").json().get("csrf_token", "")
    client.post("/api/v1/login", json={"username": "golden", "password": password}, headers={"X-CSRF-Token": token})
    for path in API:
        r = client.get(path)
        body = r.json() if r.headers.get("content-type", "").startswith("application/json") else r.text
        text = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True)
        safe = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")
        (out / f"api-{safe}.json").write_text(_normalise(f"{r.status_code}\n{text}\n", tmp))
    shutil.rmtree(tmp / "uploads", ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        raise SystemExit(2)
    raise SystemExit(main(Path(sys.argv[1])))
