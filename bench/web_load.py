"""Load test of the web application: overview and drill-down pages under concurrent users.

Starts ``guozi serve`` on loopback over a store, signs in as an admin (created if missing), warms
the cache (the first request of a period computes its panels: timed and reported separately),
then lets ``--users`` concurrent clients, each signed in with an account of its own (created if
missing), request pages for ``--seconds`` and reports the latency percentiles per page kind. One
of the users (unless ``--no-download``) downloads reports meanwhile instead — the group's, then its
subsidiaries', pdf, docx, xlsx and html in turn, each a job polled until done (issue 18) — and the
time of each is printed; the percentiles are those of the other users' pages. A benchmark, not a
test: results go to ``bench/WEB_RESULTS.md``.

    .venv/bin/python bench/web_load.py --store duckdb:////tmp/web100k/store.duckdb --users 20 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

USER, PASSWORD = "bench_admin", "bench-password-1"
REPORT_FORMATS = ("pdf", "docx", "xlsx", "html")


def account(k: int | None) -> str:
    """The warm-up's account (``None``) or the ``k``-th simulated user's."""
    return USER if k is None else f"{USER}_{k:02d}"


def ensure_users(store: str, users: int) -> None:
    """Create the benchmark's admin accounts if they are missing (before the server holds the store)."""
    from guozi.workspace import Workspace
    from guozi.workspace.accounts import save_user

    ws = Workspace.open(store)
    try:
        for name in [account(None)] + [account(k) for k in range(users)]:
            if ws.store.get_user(name) is None:
                save_user(ws, actor="bench", name=name, role="admin", password=PASSWORD)
    finally:
        ws.close()


def pct(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


async def sign_in(client: httpx.AsyncClient, name: str = USER) -> None:
    """Sign ``client`` in as ``name`` and keep the CSRF token in its headers."""
    token = (await client.get("/api/v1/session")).json()["csrf_token"]
    r = await client.post(
        "/api/v1/login", json={"username": name, "password": PASSWORD}, headers={"X-CSRF-Token": token}
    )
    r.raise_for_status()
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]


async def run(base: str, users: int, seconds: float, seed: int, download: bool = True) -> dict[str, list[float]]:
    """The load itself: per page kind, every response time in milliseconds."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=600) as warm:
        await sign_in(warm)
        t0 = time.perf_counter()
        overview = (await warm.get("/api/v1/overview")).json()
        t1 = time.perf_counter()
        root = overview["entity"]["entity_id"]
        tree = (await warm.get("/api/v1/tree", params={"entity": root})).json()
        t2 = time.perf_counter()
        subs = [r["entity_id"] for r in tree["rows"] if r["children"]] or [root]
        deeper = []
        for s in subs[:5]:
            t = (await warm.get("/api/v1/tree", params={"entity": s})).json()
            deeper += [r["entity_id"] for r in t["rows"]]
        t3 = time.perf_counter()
        # every page the users will ask for, computed once before the clock: the load measures cached
        # pages (while a report is made, issue 18); a first visit's cost is the warm-up's, timed here
        for s in subs:
            await warm.get("/tree", params={"entity": s})
        for d in deeper:
            await warm.get("/api/v1/tree", params={"entity": d})
        print(
            f"the other pages ({len(subs)} subsidiaries, {len(deeper)} deeper entities): {time.perf_counter() - t3:.1f} s"
        )
        print(
            f"warm-up: overview {t1 - t0:.1f} s, first drill-down {t2 - t1:.1f} s; {len(tree['rows'])} children of {root}"
        )
        await warm.get("/", params={"entity": root})
    pages: list[tuple[str, str, Callable[[], dict[str, str]]]] = [
        ("overview (HTML)", "/", lambda: {"entity": root}),
        ("overview (API)", "/api/v1/overview", lambda: {"entity": root}),
        ("drill-down top (HTML)", "/tree", lambda: {"entity": root}),
        ("drill-down subsidiary (HTML)", "/tree", lambda: {"entity": rng.choice(subs)}),
        ("drill-down deeper (API)", "/api/v1/tree", lambda: {"entity": rng.choice(deeper or subs)}),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    errors: list[str] = []

    clients = [httpx.AsyncClient(base_url=base, timeout=600) for _ in range(users)]
    for k, c in enumerate(clients):  # the sign-ins (argon2 on purpose slow) before the clock starts
        await sign_in(c, account(k))
    stop = time.perf_counter() + seconds

    async def user(k: int) -> None:
        c, i = clients[k], k
        while time.perf_counter() < stop:
            name, path, params = pages[i % len(pages)]
            i += 1
            t = time.perf_counter()
            r = await c.get(path, params=params())
            times[name].append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                errors.append(f"{name}: {r.status_code}")

    async def downloader() -> None:
        """The last user downloads reports all along: the top entity's, then its subsidiaries', each
        format in turn, as the browser does (start the job, poll its status every second, fetch the file)."""
        c = clients[-1]
        targets = [(e, f) for e in [root, *subs] for f in REPORT_FORMATS]
        for entity, fmt in targets:
            if time.perf_counter() >= stop:
                break
            t = time.perf_counter()
            job = (await c.post("/api/v1/report/jobs", params={"entity": entity, "format": fmt})).json()
            while not job["finished"] and time.perf_counter() < stop:
                await asyncio.sleep(1)
                job = (await c.get(job["status_url"])).json()
            if not job["finished"]:
                downloads.append((f"{entity} {fmt}: still {job['status']} ({job['progress']}%) at the end", 0, -1))
                break
            r = await c.get(job["download_url"]) if job["download_url"] else None
            downloads.append((f"{entity} {fmt}", time.perf_counter() - t, len(r.content) if r is not None else -1))

    downloads: list[tuple[str, float, int]] = []
    readers = users - 1 if download else users
    try:
        await asyncio.gather(*(user(k) for k in range(readers)), *([downloader()] if download else []))
    finally:
        for c in clients:
            await c.aclose()
    if errors:
        print(f"{len(errors)} errors, e.g. {errors[:3]}", file=sys.stderr)
    for what, secs, size in downloads:
        print(f"report {what}: {secs:.1f} s, {size:,} bytes" if size >= 0 else f"report {what}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-download", dest="download", action="store_false", help="no user downloading reports meanwhile"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="run the server with every thread under cProfile (bench/profiled_serve.py), the merged profile to this file",
    )
    args = parser.parse_args()
    ensure_users(args.store, args.users)
    env = {**os.environ, "GUOZI_SECRET": os.environ.get("GUOZI_SECRET", "bench-secret-" + str(os.getpid()))}
    guozi = [str(Path(sys.executable).with_name("guozi"))]
    if args.profile:
        guozi = [sys.executable, str(Path(__file__).with_name("profiled_serve.py")), str(args.profile)]
    server = subprocess.Popen(
        [*guozi, "serve", "--store", args.store, "--port", str(args.port), "--lang", "en"], env=env
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        times = asyncio.run(run(base, args.users, args.seconds, args.seed, args.download))
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in times.values())
    who = f"{args.users} concurrent users" + (" (one of them downloading reports)" if args.download else "")
    print(f"\n{who}, {args.seconds:.0f} s, {total} page requests ({total / args.seconds:.1f}/s)\n")
    print("| page | requests | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values in times.items():
        if values:
            print(
                f"| {name} | {len(values)} | {statistics.median(values):.0f} | {pct(values, 95):.0f} | "
                f"{pct(values, 99):.0f} | {max(values):.0f} |"
            )
    every = [v for vs in times.values() for v in vs]
    print(
        f"| **all** | {len(every)} | {statistics.median(every):.0f} | {pct(every, 95):.0f} | {pct(every, 99):.0f} | {max(every):.0f} |"
    )


if __name__ == "__main__":
    main()
