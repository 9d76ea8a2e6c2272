"""The server under a concurrent load (issue 16): uploads, reads and approvals at once, over loopback.

The real server (uvicorn in a thread, 127.0.0.1, a free port) on a DuckDB store holding the group of
``conftest.py``. At the same time:

* 6 uploaders, one filer per entity (G, A, A1, A2, B, B1), each uploading :data:`ROUNDS` facts files
  of its own entity's June total profit (the group's figure plus 1, 2, 3 万元), submitting each;
* 4 readers (an admin, viewers of A, B and G) reading the overview, drill-down, indicator, entity,
  history and submissions pages and their JSON twins, :data:`READS` requests each;
* 3 supervisors (of G, A, B) approving each submitted upload of their subtrees as it comes.

About 115 requests in all (besides the sign-ins and the checks), bounded by :data:`DEADLINE` seconds.
Asserted: no answer 5xx; no wrong refusal (every upload 201, every submission 200, every approval of
a submitted upload by its supervisor 200, every read 200); nothing lost (every upload listed as
approved, each entity's total profit the last round's, each submission's upload, submit and approve
in the audit log once each).

Before the fix (the visibility checks reading the store outside the server's lock) this load gave
6 answers 500, 5 connections reset and an approval refused with 404 that succeeded on an idle server.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from guozi.web.app import create_app
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.web.conftest import GROUP, PASSWORD, serving
from tests.web.test_submissions import facts_csv, fresh_group

ROUNDS = 3  # uploads per uploader
READS = 15  # requests per reader
DEADLINE = 180.0  # seconds for the whole load (about 30 on an idle 2-core machine): no request sent after
TIMEOUT = 60.0  # seconds a request may wait for its answer
APPROVER = {"G": "sup_g", "A": "sup_a", "A1": "sup_a", "A2": "sup_a", "B": "sup_b", "B1": "sup_b"}
SUPERVISORS = {"sup_g": "G", "sup_a": "A", "sup_b": "B"}
READERS = {
    "admin": ["G", "A", "B1"],
    "viewer_a": ["A", "A1", "A2"],
    "viewer_b": ["B", "B1"],
    "viewer_g": ["G", "A2", "B"],
}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Workspace]]:
    """The group with a filer per entity, a supervisor of G, A and B and a viewer of G, served on 127.0.0.1."""
    ws = fresh_group(tmp_path)
    for e in GROUP:
        save_user(ws, actor="test", name=f"filer_{e}", role="filer", scopes=(e,), password=PASSWORD)
    for name, scope in SUPERVISORS.items():
        if name != "sup_a":  # sup_a is one of conftest's users
            save_user(ws, actor="test", name=name, role="supervisor", scopes=(scope,), password=PASSWORD)
    save_user(ws, actor="test", name="viewer_g", role="viewer", scopes=("G",), password=PASSWORD)
    app = create_app(workspace=ws, secret="load-test-secret-not-for-production")
    with serving(app) as base:
        yield base, ws
    ws.close()


@dataclass
class Tally:
    """Every answer of the load, and the failures found (a failure: what was asked and what came back)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    uploaded: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # entity → (submission, 万元)
    approved: list[int] = field(default_factory=list)

    def note(self, what: str, r: httpx.Response | str, expected: int) -> bool:
        with self.lock:
            if isinstance(r, str):
                self.failures.append(f"{what}: {r}")
                return False
            self.answers[r.status_code] = self.answers.get(r.status_code, 0) + 1
            if r.status_code != expected:
                self.failures.append(f"{what}: {r.status_code} (expected {expected}) {r.text[:200]}")
                return False
            return True


def _client(base: str, stack: contextlib.ExitStack, name: str) -> httpx.Client:
    """A client signed in as ``name``, sending its CSRF token (closed with ``stack``)."""
    c = httpx.Client(base_url=base, timeout=TIMEOUT)
    stack.callback(c.close)
    token = c.get("/api/v1/session").json()["csrf_token"]
    r = c.post("/api/v1/login", json={"username": name, "password": PASSWORD}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def _ask(c: httpx.Client, method: str, url: str, stop: float, **kw: object) -> httpx.Response | str:
    """The answer, or why there is none (the load's time is up, the connection failed)."""
    if time.monotonic() > stop:
        return "not asked: the load's time is up"
    try:
        return c.request(method, url, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        return f"no answer: {exc!r}"


def test_concurrent_uploads_reads_and_approvals(served: tuple[str, Workspace]) -> None:
    base, _ws = served
    with contextlib.ExitStack() as stack:
        clients = {  # signed in before the load, each of its own session
            name: _client(base, stack, name) for name in [*(f"filer_{e}" for e in GROUP), *SUPERVISORS, *READERS]
        }
        tally = _load(clients)
        _check(clients["admin"], tally)


def _load(clients: dict[str, httpx.Client]) -> Tally:
    """The load: uploaders, approvers and readers at once, until done or :data:`DEADLINE`."""
    tally = Tally()
    queues: dict[str, queue.Queue[int | None]] = {name: queue.Queue() for name in SUPERVISORS}
    stop = time.monotonic() + DEADLINE

    def uploader(entity: str) -> None:
        c = clients[f"filer_{entity}"]
        tp = GROUP[entity][2]
        for k in range(1, ROUNDS + 1):
            body = facts_csv((entity, "2025-06", "total_profit", tp + k))
            files = {"file": (f"facts_{entity}_{k}.csv", body, "text/csv")}
            r = _ask(c, "POST", "/api/v1/submissions", stop, files=files, data={"reason": f"round {k}"})
            if not tally.note(f"upload {entity} #{k}", r, 201) or isinstance(r, str):
                continue
            sid = int(r.json()["submissions"][0]["id"])
            with tally.lock:
                tally.uploaded.setdefault(entity, []).append((sid, tp + k))
            if tally.note(f"submit {sid}", _ask(c, "POST", f"/api/v1/submissions/{sid}/submit", stop), 200):
                queues[APPROVER[entity]].put(sid)

    def approver(name: str) -> None:
        c = clients[name]
        while (sid := queues[name].get()) is not None:
            r = _ask(c, "POST", f"/api/v1/submissions/{sid}/review", stop, json={"approve": True, "comment": "ok"})
            if tally.note(f"approve {sid} by {name}", r, 200):
                with tally.lock:
                    tally.approved.append(sid)

    def reader(name: str) -> None:
        c = clients[name]
        entities = READERS[name]
        for k in range(READS):
            e = entities[k % len(entities)]
            url = [
                f"/api/v1/overview?entity={e}",
                f"/?entity={e}",
                f"/api/v1/tree?entity={e}",
                f"/indicator/total_profit?entity={e}",
                f"/api/v1/indicators/debt_ratio?entity={e}",
                f"/api/v1/entities/{e}/history?item=total_profit",
                "/api/v1/submissions",
                f"/entity/{e}",
                "/submissions",
            ][k % 9]
            tally.note(f"read {url} as {name}", _ask(c, "GET", url, stop), 200)

    uploaders = [threading.Thread(target=uploader, args=(e,)) for e in GROUP]
    approvers = [threading.Thread(target=approver, args=(n,)) for n in SUPERVISORS]
    readers = [threading.Thread(target=reader, args=(n,)) for n in READERS]
    for t in [*uploaders, *approvers, *readers]:
        t.start()
    for t in [*uploaders, *readers]:
        t.join(timeout=max(0.0, stop - time.monotonic()) + TIMEOUT)
    for q in queues.values():
        q.put(None)
    for t in approvers:
        t.join(timeout=max(0.0, stop - time.monotonic()) + TIMEOUT)
    assert not any(t.is_alive() for t in [*uploaders, *approvers, *readers]), "the load did not end in time"
    return tally


def _check(admin: httpx.Client, tally: Tally) -> None:
    """No 5xx, no wrong refusal, nothing lost."""

    print(f"answers by status: {dict(sorted(tally.answers.items()))}; failures: {len(tally.failures)}")
    assert tally.failures == [], "\n".join([str(tally.answers), *tally.failures])
    total = sum(tally.answers.values())
    uploads = sum(len(v) for v in tally.uploaded.values())
    assert total == len(GROUP) * ROUNDS * 3 + len(READERS) * READS
    assert uploads == len(GROUP) * ROUNDS and len(tally.approved) == uploads

    # nothing lost: every upload approved, each entity's figure the last round's, each step audited once
    listed = {s["id"]: s["status"] for s in admin.get("/api/v1/submissions").json()["submissions"]}
    ids = sorted(sid for v in tally.uploaded.values() for sid, _ in v)
    assert {sid: listed.get(sid) for sid in ids} == dict.fromkeys(ids, "approved")
    for entity, versions in tally.uploaded.items():
        o = admin.get(f"/api/v1/overview?entity={entity}&period=2025-06").json()
        profit = {x["indicator"]: x["value"] for x in o["cards"]}["total_profit"]
        assert profit == (GROUP[entity][2] + ROUNDS) * 10_000, entity  # the last approved round, in 元
        assert [v for _, v in versions] == [GROUP[entity][2] + k for k in range(1, ROUNDS + 1)]
    audit = admin.get("/api/v1/audit?limit=10000").json()
    steps: dict[int, list[str]] = {}
    for entry in reversed(audit):
        if entry["target"].startswith("submission:"):
            steps.setdefault(int(entry["target"].split(":")[1]), []).append(entry["action"])
    expected = ["submission.upload", "submission.submit", "submission.approve"]
    assert {sid: steps.get(sid) for sid in ids} == dict.fromkeys(ids, expected)
