"""Issue 16 through the workspace: an upload or a review step is stored with its audit entry or not
at all (also when the process is killed), a web draft does not keep a command-line import of the
same file from counting, and a crafted entities heading changes nothing on the store.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.errors import GuoziError
from guozi.store import Store, open_store
from guozi.store.base import User
from guozi.store.sql import SQLStatements
from guozi.workspace import Workspace

from .conftest import TODAY, write_text

ADMIN = User("root", "admin", (), "$argon2id$x")
BOSS = User("boss", "supervisor", ("G",), "$argon2id$y")
FACTS = "entity_id,period,item,value,unit\nA,2025-06,cash,127,万元\n"


@pytest.fixture
def ws(store: Store, tmp_path: Path) -> Workspace:
    """A workspace on conftest.py's empty store of each kind: entities G (集团) and A (甲, under G),
    imported: submission 1."""
    w = Workspace(store, load_catalog())
    w.import_files([write_text(tmp_path / "entities.csv", "entity_id,name,parent_id\nG,集团,\nA,甲,G\n")], today=TODAY)
    return w  # the store fixture closes the store


def _state(ws: Workspace) -> tuple[int, int, int, list[str]]:
    """(submissions, facts counted, audit entries, statuses)."""
    subs = ws.store.submissions()
    return (
        len(subs),
        ws.store.facts().count().to_pyarrow().as_py(),
        len(ws.store.audit_log()),
        [s.status for s in subs],
    )


def test_an_upload_whose_audit_entry_fails_is_not_stored(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft is written, then writing its audit entry fails: no submission 2, no entry."""

    def broken(self: SQLStatements, **kw: object) -> None:
        raise RuntimeError("audit insert failed")

    monkeypatch.setattr(type(ws.store), "audit", broken)
    with pytest.raises(RuntimeError, match="audit insert failed"):
        ws.stage_upload([write_text(tmp_path / "facts.csv", FACTS)], ADMIN, today=TODAY)
    assert _state(ws) == (1, 0, 0, ["approved"])
    monkeypatch.undo()
    [sub] = ws.stage_upload([write_text(tmp_path / "facts.csv", FACTS)], ADMIN, today=TODAY).submissions
    assert _state(ws) == (2, 0, 1, ["approved", "draft"])  # (its id may skip the one the failure took)
    assert [e.target for e in ws.store.audit_log()] == [f"submission:{sub.id}"]


def test_a_review_step_whose_audit_entry_fails_is_not_stored(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draft (2) submitted (entry 2); approving it fails at the audit entry: it stays submitted,
    no third entry, its 127 万元 do not count. Approved again without the fault: 1 270 000 元 count."""
    [sub] = ws.stage_upload([write_text(tmp_path / "facts.csv", FACTS)], ADMIN, today=TODAY).submissions
    ws.submit(sub.id, ADMIN)

    def broken(self: SQLStatements, **kw: object) -> None:
        raise RuntimeError("audit insert failed")

    monkeypatch.setattr(type(ws.store), "audit", broken)
    with pytest.raises(RuntimeError):
        ws.review(sub.id, BOSS, approve=True)
    assert _state(ws) == (2, 0, 2, ["approved", "submitted"])
    monkeypatch.undo()
    ws.review(sub.id, BOSS, approve=True)
    assert _state(ws) == (2, 1, 3, ["approved", "approved"])
    assert ws.store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("1270000.0000")]


CHILD = """
import os, signal, sys
from datetime import date
from pathlib import Path
from guozi.catalog import load_catalog
from guozi.store import Store, open_store
from guozi.store.base import User
from guozi.store.sql import SQLStatements
from guozi.workspace import Workspace

audit = SQLStatements.audit

def audit_then_die(self, **kw):
    entry = audit(self, **kw)
    os.kill(os.getpid(), signal.SIGKILL)  # the audit row is inserted; nothing is committed yet
    return entry

ws = Workspace(open_store(sys.argv[1]), load_catalog())
SQLStatements.audit = audit_then_die
ws.stage_upload([Path(sys.argv[2])], User("root", "admin", (), "x"), today=date(2025, 7, 15))
"""


def test_killing_the_uploader_at_the_audit_entry_leaves_no_unaudited_upload(
    ws: Workspace, store_url: str, tmp_path: Path
) -> None:
    """A child process uploads the facts file and is killed (SIGKILL) just after inserting the audit
    row of its draft: the store holds the entities submission alone and no audit entry."""
    ws.close()
    path = write_text(tmp_path / "facts.csv", FACTS)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, store_url, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    again = Workspace(open_store(store_url), load_catalog())
    try:
        assert _state(again) == (1, 0, 0, ["approved"])
    finally:
        again.close()


def test_a_web_draft_does_not_keep_an_import_of_the_same_file_from_counting(ws: Workspace, tmp_path: Path) -> None:
    """A's June cash 127 万元 uploaded on the web (draft, submission 2), then the same bytes imported
    on the command line: submission 3, approved, its 1 270 000 元 count, and a notice names draft 2.
    Imported again: skipped as a repeat of 3."""
    path = write_text(tmp_path / "facts.csv", FACTS)
    [draft] = ws.stage_upload([path], ADMIN, today=TODAY).submissions
    assert (draft.id, draft.status) == (2, "draft")
    report = ws.import_files([path], user="cli", today=TODAY)
    assert [(s.id, s.status) for s in report.result.submissions] == [(3, "approved")]
    assert ws.store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("1270000.0000")]
    notes = [p for p in ws.check([path], today=TODAY).problems if p.rule == "file.imported"]
    assert [n.message_en.split(" (")[0] for n in notes] == ["same content as submission 3"]
    again = ws.import_files([path], user="cli", today=TODAY)
    assert (again.result.submissions, again.result.skipped) == ([], [("facts.csv", 3)])


def test_the_import_notice_names_the_unapproved_copy(ws: Workspace, tmp_path: Path) -> None:
    """Before the import of a file that sits in draft 2: a notice (not a refusal) naming submission 2."""
    path = write_text(tmp_path / "facts.csv", FACTS)
    ws.stage_upload([path], ADMIN, today=TODAY)
    result = ws.check([path], today=TODAY)
    [note] = [p for p in result.problems if p.rule == "file.unapproved_copy"]
    assert note.severity == "notice" and "第 2 次提交" in note.message_zh and "submission 2" in note.message_en
    assert not result.blocking and result.skipped == []


@pytest.mark.parametrize(
    "heading", ['x" varchar); delete from facts; --', "a\"; COPY (select 1) TO 'pwn.csv'; --", "Name"]
)
def test_a_crafted_entities_heading_changes_nothing_on_the_store(
    ws: Workspace, tmp_path: Path, heading: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A's June cash 127 万元 imported (submission 2), one audit entry; then an entities file whose
    extra heading is crafted (quoted in the CSV). Either it is refused (a GuoziError, nothing
    written) or it is stored as an attribute under exactly that name: the fact, the audit entry and
    the working folder are unchanged either way."""
    monkeypatch.chdir(tmp_path)
    ws.import_files([write_text(tmp_path / "facts.csv", FACTS)], today=TODAY)
    ws.store.audit(user="root", action="import", target="submission:2")
    quoted = '"' + heading.replace('"', '""') + '"'
    path = write_text(tmp_path / "entities_2.csv", f"entity_id,name,parent_id,{quoted}\nG,集团,,v\nA,甲,G,w\n")
    try:
        ws.import_files([path], today=TODAY)
    except GuoziError:
        assert _state(ws) == (2, 1, 1, ["approved", "approved"])
    else:
        assert _state(ws) == (3, 1, 1, ["approved"] * 3)
        assert list(ws.store.entities()[heading]) == ["w", "v"]  # A, then G
    assert ws.store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("1270000.0000")]
    assert not (tmp_path / "pwn.csv").exists()
