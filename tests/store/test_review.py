"""Review statuses, accounts and the audit log of the store, on DuckDB and PostgreSQL alike (the
``store`` fixture runs each test on both). The upgrade of a schema-2 store is in test_duckdb.py and
test_postgres.py.

Only approved submissions feed the figures: a draft, submitted or returned submission is kept
with its facts but counts nowhere until a review step approves it. Every step is appended, never
updated: the history of a figure shows every version with the status of its submission.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from guozi.catalog import load_catalog
from guozi.kernel.errors import NotFoundError
from guozi.store import Store
from guozi.store.base import User
from guozi.store.sql import SQLStatements
from guozi.workspace import Workspace

from .conftest import TODAY, write_text


@pytest.fixture
def ws(store: Store, tmp_path: Path) -> Workspace:
    """A workspace on an empty store of each kind holding entity A (甲): submission 1."""
    w = Workspace(store, load_catalog())
    w.import_files([write_text(tmp_path / "entities.csv", "entity_id,name\nA,甲\n")], today=TODAY)
    return w  # the store fixture closes the store


def _cash(ws: Workspace) -> list[tuple[str, int, Decimal]]:
    t = ws.store.facts().filter(lambda f: f.item == "cash").order_by("period").to_pyarrow()
    return list(zip(t["entity_id"].to_pylist(), t["period"].to_pylist(), t["value"].to_pylist(), strict=True))


def _land(ws: Workspace, path: Path, *, status: str) -> int:
    batch = ws.check([path], today=TODAY).batch
    result = ws.store.write(batch, user="filer1", status=status)  # type: ignore[arg-type]
    return result.submissions[0].id


def test_only_approved_submissions_count(ws: Workspace, tmp_path: Path) -> None:
    """A's June cash: 1 万元 imported (approved), then 2 万元 uploaded as a draft.

    The draft is kept (its facts are in the submission) but the current value stays 10 000 元
    until the draft is approved; then it is 20 000 元. Returning it again restores 10 000 元."""
    _land(
        ws,
        write_text(tmp_path / "facts_1.csv", "entity_id,period,item,value,unit\nA,2025-06,cash,1,万元\n"),
        status="approved",
    )
    sid = _land(
        ws,
        write_text(tmp_path / "facts_2.csv", "entity_id,period,item,value,unit\nA,2025-06,cash,2,万元\n"),
        status="draft",
    )
    assert _cash(ws) == [("A", 202506, Decimal("10000.0000"))]
    assert ws.store.submission_facts(sid).to_pylist() == [
        {"entity_id": "A", "period": 202506, "item": "cash", "value": Decimal("20000.0000")}
    ]
    ws.store.set_status(sid, "submitted", user="filer1")
    assert _cash(ws) == [("A", 202506, Decimal("10000.0000"))]
    ws.store.set_status(sid, "approved", user="boss", comment="核对无误")
    assert _cash(ws) == [("A", 202506, Decimal("20000.0000"))]
    keys = pa.table({"entity_id": ["A"], "period": pa.array([202506], pa.int32())})
    assert ws.store.current_values(keys).column("value").to_pylist() == [Decimal("20000.0000")]
    ws.store.set_status(sid, "returned", user="boss", comment="撤回")
    assert _cash(ws) == [("A", 202506, Decimal("10000.0000"))]
    steps = ws.store.reviews(sid)
    assert [(r.user, r.status, r.comment) for r in steps] == [
        ("filer1", "submitted", ""),
        ("boss", "approved", "核对无误"),
        ("boss", "returned", "撤回"),
    ]
    sub = ws.store.submission(sid)
    assert sub is not None
    assert sub.status == "returned"
    history = ws.store.history("A", 202506, "cash")
    assert list(history["status"]) == ["approved", "returned"]


def test_a_draft_alone_is_invisible_in_periods_and_last_periods(ws: Workspace, tmp_path: Path) -> None:
    """A July draft: no July in periods(), A's last period stays June."""
    _land(
        ws, write_text(tmp_path / "facts_1.csv", "entity_id,period,item,value\nA,2025-06,cash,1\n"), status="approved"
    )
    sid = _land(
        ws, write_text(tmp_path / "facts_2.csv", "entity_id,period,item,value\nA,2025-07,cash,1\n"), status="draft"
    )
    assert ws.store.periods() == [202506]
    assert ws.store.last_periods(pa.table({"entity_id": ["A"]})).to_pylist() == [{"entity_id": "A", "period": 202506}]
    ws.store.set_status(sid, "approved", user="boss")
    assert ws.store.periods() == [202506, 202507]


def test_a_returned_file_may_be_sent_again(ws: Workspace, tmp_path: Path) -> None:
    """The same content is skipped by an upload while its submission stands, and accepted anew once returned.

    An import (approved) is kept back only by an approved submission of the same bytes."""
    path = write_text(tmp_path / "facts.csv", "entity_id,period,item,value\nA,2025-06,cash,1\n")
    sid = _land(ws, path, status="submitted")
    sha = ws.store.submission(sid).sha256  # type: ignore[union-attr]
    assert ws.store.find_submission(sha, "facts", "draft") == sid
    assert ws.store.find_submission(sha, "facts", "approved") is None
    ws.store.set_status(sid, "returned", user="boss", comment="单位填错")
    assert ws.store.find_submission(sha, "facts", "draft") is None


def test_the_version_moves_with_every_import_and_review_step(ws: Workspace, tmp_path: Path) -> None:
    """The fixture imported one file (submission 1, no review step yet): version (1, 0).

    A draft is submission 2: (2, 0, 0); approving it appends review step 1: (2, 1, 0). A file already
    stored is skipped and moves nothing. ``writes`` counts this object's imports and steps."""
    assert ws.store.version() == (1, 0, 0)
    assert ws.store.writes == 1
    path = write_text(tmp_path / "facts.csv", "entity_id,period,item,value\nA,2025-06,cash,1\n")
    sid = _land(ws, path, status="draft")
    assert (sid, ws.store.version(), ws.store.writes) == (2, (2, 0, 0), 2)
    ws.store.set_status(sid, "approved", user="boss")
    assert (ws.store.version(), ws.store.writes) == ((2, 1, 0), 3)
    ws.store.write(ws.check([path], today=TODAY).batch, user="filer1")  # the same content again: skipped
    assert ws.store.version() == (2, 1, 0)


def test_set_status_of_an_unknown_submission_is_refused(ws: Workspace) -> None:
    with pytest.raises(NotFoundError, match="999"):
        ws.store.set_status(999, "approved", user="boss")


def test_accounts_keep_every_version_and_return_the_latest(ws: Workspace) -> None:
    store = ws.store
    store.put_user(User("alice", "filer", ("A",), "$argon2id$x", "张三"))
    store.put_user(User("bob", "viewer", (), "$argon2id$y"))
    store.put_user(User("alice", "supervisor", ("A", "B"), "$argon2id$z", "张三", active=False))
    assert store.get_user("alice") == User("alice", "supervisor", ("A", "B"), "$argon2id$z", "张三", active=False)
    assert store.get_user("carol") is None
    assert [u.name for u in store.users()] == ["alice", "bob"]
    assert isinstance(store, SQLStatements)
    assert store._rows("select count(*) from user_versions where name = 'alice'") == [(2,)]


def test_the_audit_log_appends_and_reads_newest_first(ws: Workspace) -> None:
    first = ws.store.audit(user="root", action="user.add", target="user:alice", after='{"role": "filer"}')
    second = ws.store.audit(
        user="root", action="user.update", target="user:alice", before='{"role": "filer"}', after='{"role": "viewer"}'
    )
    log = ws.store.audit_log()
    assert [e.id for e in log] == [second.id, first.id]
    assert (log[0].before, log[0].after) == ('{"role": "filer"}', '{"role": "viewer"}')
    assert [e.id for e in ws.store.audit_log(limit=1)] == [second.id]
    assert [e.id for e in ws.store.audit_log(action="user.add")] == [first.id]
    assert [e.id for e in ws.store.audit_log(since=second.at)] == [second.id]  # at or after: the second only
    assert ws.store.audit_log(since=second.at + timedelta(seconds=1)) == []
