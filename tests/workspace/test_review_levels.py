"""Two levels of review per subtree and comments on single lines (issue 19).

The small group of tests/ingest/conftest.py: G 集团 above A 甲公司, N, D, E. A catalogue file sets
``review: {two_level: [A]}``: A's submissions are checked first by a supervisor of A (super_a,
scope A), then approved by headquarters (super_g, scope G, above A). E stays under one level.
Worked by hand from the rules in guozi.workspace.levels.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.store.base import User
from guozi.workspace import ForbiddenError, TransitionError, Workspace
from guozi.workspace.levels import LineComment
from tests.ingest.conftest import TODAY, Desk, desk, wan
from tests.pg import drop_database, fresh_database

__all__ = ["desk"]

JUNE = Period(2025, 6)
FILER_A = User("filer_a", "filer", ("A",), "-")
FILER_E = User("filer_e", "filer", ("E",), "-")
SUPER_A = User("super_a", "supervisor", ("A",), "-")
SUPER_G = User("super_g", "supervisor", ("G",), "-")
ADMIN = User("root", "admin", (), "-")


@pytest.fixture
def ws(desk: Desk, tmp_path: Path) -> Iterator[Workspace]:
    """The desk's store under a catalogue making A's subtree two-level."""
    own = tmp_path / "levels.yaml"
    own.write_text("review:\n  two_level: [A]\n", encoding="utf-8")
    yield Workspace(desk.ws.store, load_catalog([own]))


def _submitted(desk: Desk, ws: Workspace, user: User, entity: str, **items: int) -> int:
    (sub,) = ws.stage_upload([desk.file(wan(entity, "2025-06", **items))], user, today=TODAY).submissions
    ws.submit(sub.id, user)
    return sub.id


def test_a_two_level_subtree_needs_its_own_reviewer_then_headquarters(desk: Desk, ws: Workspace) -> None:
    sid = _submitted(desk, ws, FILER_A, "A", revenue=100)
    with pytest.raises(ForbiddenError, match="two levels") as first:
        ws.review(sid, SUPER_G, approve=True)  # headquarters cannot skip the first level
    assert "须先由 A 的审核人初审" in first.value.message_zh
    state = ws.review_state(sid, SUPER_A)
    assert (state.roots, state.level, state.can_review) == (("A",), 1, True)

    step = ws.review(sid, SUPER_A, approve=True, comment="初审无误")
    assert step.status == "checked"
    assert ws.store.submission(sid).status == "checked"  # type: ignore[union-attr]
    assert ws.store.facts().count().to_pyarrow().as_py() == 0  # checked figures do not count yet
    with pytest.raises(ForbiddenError, match="headquarters"):
        ws.review(sid, SUPER_A, approve=True)  # the subgroup cannot give the final approval

    ws.review(sid, SUPER_G, approve=True, comment="复审通过")
    assert ws.store.submission(sid).status == "approved"  # type: ignore[union-attr]
    assert ws.store.facts().count().to_pyarrow().as_py() == 1  # A's revenue now counts
    state = ws.review_state(sid, SUPER_G)
    assert [(lv, r.user, r.status) for lv, r in state.steps] == [
        (0, "filer_a", "submitted"),
        (1, "super_a", "checked"),
        (2, "super_g", "approved"),
    ]
    audit = {a.action: json.loads(a.after) for a in ws.store.audit_log() if a.target == f"submission:{sid}"}
    assert audit["submission.check"] == {"status": "checked", "comment": "初审无误", "level": 1, "roots": ["A"]}
    assert audit["submission.approve"]["level"] == 2 and audit["submission.approve"]["status"] == "approved"

    filing = next(f for f in ws.period_status(JUNE, today=TODAY).filings if f.entity_id == "A")
    assert (filing.status, filing.checked_by, filing.reviewed_by) == ("approved", "super_a", "super_g")
    assert filing.checked_at is not None and filing.reviewed_at is not None


def test_a_checked_filing_waits_for_headquarters_and_one_person_cannot_do_both(desk: Desk, ws: Workspace) -> None:
    sid = _submitted(desk, ws, FILER_A, "A", revenue=100)
    ws.review(sid, ADMIN, approve=True)  # an admin may act at the first level …
    filing = next(f for f in ws.period_status(JUNE, today=TODAY).filings if f.entity_id == "A")
    assert (filing.status, filing.checked_by, filing.reviewed_by) == ("submitted", "root", "")
    assert filing.record("zh")["status_label"] == "待审核（初审通过）"
    with pytest.raises(ForbiddenError, match="two different people"):
        ws.review(sid, ADMIN, approve=True)  # … but not at both
    ws.review(sid, SUPER_G, approve=False, comment="利润表有误")  # headquarters may return it
    assert ws.store.submission(sid).status == "returned"  # type: ignore[union-attr]


def test_one_level_elsewhere_is_unchanged(desk: Desk, ws: Workspace) -> None:
    sid = _submitted(desk, ws, FILER_E, "E", revenue=30)
    state = ws.review_state(sid, SUPER_G)
    assert (state.roots, state.level, state.can_review) == ((), 0, True)
    assert ws.review(sid, SUPER_G, approve=True).status == "approved"
    with pytest.raises(TransitionError):
        ws.review(sid, SUPER_G, approve=True)


def test_a_return_carries_comments_on_single_lines(desk: Desk, ws: Workspace) -> None:
    sid = _submitted(desk, ws, FILER_E, "E", revenue=30, total_profit=5)
    bad = LineComment("E", JUNE.code, "net_profit", "没有这一行")
    with pytest.raises(GuoziError, match="no line E 2025-06 net_profit"):
        ws.review(sid, SUPER_G, approve=False, lines=[bad])
    with pytest.raises(GuoziError, match="line comments go with a return"):
        ws.review(sid, SUPER_G, approve=True, lines=[LineComment("E", JUNE.code, "revenue", "好")])
    assert ws.store.submission(sid).status == "submitted"  # type: ignore[union-attr]  # nothing written

    line = LineComment("E", JUNE.code, "revenue", "营业收入应为 300 万元，疑似少录一位")
    step = ws.review(sid, SUPER_G, approve=False, lines=[line])  # the line comment is enough to return
    assert step.status == "returned"
    (got,) = ws.review_state(sid, FILER_E).comments  # the filer sees it
    assert (got.entity_id, got.period, got.item, got.comment, got.user) == (
        "E",
        202506,
        "revenue",
        "营业收入应为 300 万元，疑似少录一位",
        "super_g",
    )
    entry = next(a for a in ws.store.audit_log() if a.action == "submission.return")
    assert json.loads(entry.after)["lines"] == [
        {"entity_id": "E", "period": 202506, "item": "revenue", "comment": "营业收入应为 300 万元，疑似少录一位"}
    ]


def test_a_bad_two_level_setting_is_refused(desk: Desk, tmp_path: Path) -> None:
    own = tmp_path / "bad.yaml"
    own.write_text("review:\n  two_level: A\n", encoding="utf-8")
    bad = Workspace(desk.ws.store, load_catalog([own]))
    sid = _submitted(desk, bad, FILER_E, "E", revenue=30)
    with pytest.raises(GuoziError, match="two_level must be a list"):
        bad.review(sid, SUPER_G, approve=True)


def test_the_same_file_uploaded_again_while_checked_is_not_a_new_draft(desk: Desk, ws: Workspace) -> None:
    """A checked submission still holds its file: the same bytes uploaded again are skipped (as while submitted)."""
    path = desk.file(wan("A", "2025-06", revenue=100))
    (sub,) = ws.stage_upload([path], FILER_A, today=TODAY).submissions
    ws.submit(sub.id, FILER_A)
    ws.review(sub.id, SUPER_A, approve=True)
    again = ws.stage_upload([path], FILER_A, today=TODAY)
    assert again.submissions == [] and [sid for _, sid in again.skipped] == [sub.id]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """An empty PostgreSQL database of this test (dropped afterwards)."""
    url = fresh_database()
    yield url
    drop_database(url)


def test_two_levels_a_line_comment_and_a_subtree_closed_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """The same steps on a PostgreSQL store: A's June checked by super_a, returned by headquarters with a
    comment on its revenue line; then June closed for A's subtree: A's import refused, E's lands."""
    folder = tmp_path / "pg"
    folder.mkdir()
    desk = Desk(folder)  # writes the group's entities.csv
    desk.ws.close()
    own = tmp_path / "levels.yaml"
    own.write_text("review:\n  two_level: [A]\n", encoding="utf-8")
    ws = Workspace.open(pg_url, catalog_files=[own])
    try:
        ws.import_files([folder / "entities.csv"], user="setup", today=TODAY)
        desk.ws = ws
        sid = _submitted(desk, ws, FILER_A, "A", revenue=100)
        assert ws.review(sid, SUPER_A, approve=True).status == "checked"
        line = LineComment("A", JUNE.code, "revenue", "营业收入有误")
        assert ws.review(sid, SUPER_G, approve=False, lines=[line]).status == "returned"
        (got,) = ws.review_state(sid, FILER_A).comments
        assert (got.item, got.comment, got.user) == ("revenue", "营业收入有误", "super_g")
        assert [lv for lv, _ in ws.review_state(sid, FILER_A).steps] == [0, 1, 2]

        ws.close_period(JUNE, user="hq", entity="A")
        with pytest.raises(GuoziError, match="closed"):
            ws.import_files([desk.file(wan("A", "2025-06", revenue=100))], user="t", today=TODAY)
        ws.import_files([desk.file(wan("E", "2025-06", revenue=30))], user="t", today=TODAY)
        assert ws.period_status(JUNE, entity="A", today=TODAY).state == "closed"
    finally:
        ws.close()
