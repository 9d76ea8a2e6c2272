"""The monthly reporting cycle (issue 19): who is expected, each one's status, open/close/reopen, the default period.

The small group of tests/ingest/conftest.py (figures in 万元)::

    G 集团
    ├── A 甲公司
    ├── N 新设公司   from 2025-03
    ├── D 处置公司   until 2025-04
    └── E 收购公司   from 2025-03

So 2025-02 expects G, A, D (3 entities) and 2025-06 expects G, A, N, E (4): D is gone, N and E
have come. Every entity files its own form; the counts below are worked out from that by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.periods import Period
from guozi.store.base import User
from guozi.workspace import Workspace
from tests.ingest.conftest import TODAY, Desk, desk, wan
from tests.pg import drop_database, fresh_database

__all__ = ["desk"]  # the fixture, used by every test here

JUNE = Period(2025, 6)
MAY = Period(2025, 5)
SUPER_G = User("super_g", "supervisor", ("G",), "-")


def filer(entity: str) -> User:
    return User(f"filer_{entity.lower()}", "filer", (entity,), "-")


def by_entity(desk: Desk, period: Period, **kw: object) -> dict[str, tuple[str, str, str]]:
    """Each expected entity's (status, filer, reviewer)."""
    found = desk.ws.period_status(period, today=TODAY, **kw)  # type: ignore[arg-type]
    return {f.entity_id: (f.status, f.user, f.reviewed_by) for f in found.filings}


def store_state(desk: Desk) -> tuple[int, list[int], list[int]]:
    """What a refused import must leave as it was: the facts, the submissions and the audit log."""
    store = desk.ws.store
    facts = store.facts().count().to_pyarrow().as_py()
    return facts, [s.id for s in store.submissions()], [a.id for a in store.audit_log()]


def test_the_entities_expected_follow_the_tree(desk: Desk) -> None:
    """2025-02: G, A, D (N and E come in March); 2025-06: G, A, N, E (D left after April); under A: A."""
    assert {f.entity_id for f in desk.ws.period_status(Period(2025, 2), today=TODAY).filings} == {"G", "A", "D"}
    june = desk.ws.period_status(JUNE, today=TODAY)
    assert [(f.entity_id, f.level) for f in june.filings] == [("G", 1), ("A", 2), ("E", 2), ("N", 2)]
    assert {f.entity_id for f in desk.ws.period_status(JUNE, entity="A", today=TODAY).filings} == {"A"}
    with pytest.raises(NotFoundError):
        desk.ws.period_status(Period(2025, 2), entity="N", today=TODAY)  # N does not exist yet


def test_open_status_close_reopen(desk: Desk) -> None:
    """The acceptance walk on the small group for June (deadline 2025-07-10, looked at on 2025-07-15).

    G imported (approved, nobody reviewed it); A uploaded, submitted, approved by super_g; N
    uploaded (a draft); E uploaded, submitted, returned by super_g. So: approved 2 (G, A), draft 1
    (N), returned 1 (E), missing 0; level 1: G approved; level 2: A approved, N draft, E returned.
    N and E are the chase list, both overdue (the deadline has passed and their filers owe a form).
    """
    ws = desk.ws
    start = ws.period_status(JUNE, today=TODAY)
    assert start.state == "unopened" and start.counts()["missing"] == 4 and start.approved == 0
    ws.open_period(JUNE, date(2025, 7, 10), user="super_g")
    ws.import_files([desk.file(wan("G", "2025-06", revenue=300))], user="importer", today=TODAY)
    (a,) = ws.stage_upload([desk.file(wan("A", "2025-06", revenue=100))], filer("A"), today=TODAY).submissions
    ws.submit(a.id, filer("A"))
    assert by_entity(desk, JUNE)["A"] == ("submitted", "filer_a", "")
    ws.review(a.id, SUPER_G, approve=True)
    ws.stage_upload([desk.file(wan("N", "2025-06", revenue=20))], filer("N"), today=TODAY)
    (e,) = ws.stage_upload([desk.file(wan("E", "2025-06", revenue=30))], filer("E"), today=TODAY).submissions
    ws.submit(e.id, filer("E"))
    ws.review(e.id, SUPER_G, approve=False, comment="营业收入有误")

    status = ws.period_status(JUNE, today=TODAY)
    assert status.state == "open" and status.deadline == date(2025, 7, 10)
    assert by_entity(desk, JUNE) == {
        "G": ("approved", "importer", ""),
        "A": ("approved", "filer_a", "super_g"),
        "N": ("draft", "filer_n", ""),
        "E": ("returned", "filer_e", "super_g"),
    }
    assert status.counts() == {"missing": 0, "draft": 1, "submitted": 0, "returned": 1, "approved": 2}
    assert status.levels() == [
        {"level": 1, "expected": 1, "missing": 0, "draft": 0, "submitted": 0, "returned": 0, "approved": 1},
        {"level": 2, "expected": 3, "missing": 0, "draft": 1, "submitted": 0, "returned": 1, "approved": 1},
    ]
    assert [(f.entity_id, f.overdue) for f in status.chase()] == [("E", True), ("N", True)]
    assert not any(f.overdue for f in ws.period_status(JUNE, today=date(2025, 7, 10)).filings)  # due that day
    assert status.progress.banner("zh") == "2025-06 填报中 2/4，截止 2025-07-10"

    ws.close_period(JUNE, user="super_g")
    assert ws.period_status(JUNE, today=TODAY).state == "closed"
    with pytest.raises(GuoziError, match="already closed") as refused:
        ws.close_period(JUNE, user="super_g")
    assert refused.value.message_zh == "期间 2025-06 已经关账"
    with pytest.raises(GuoziError, match="reopen"):
        ws.open_period(JUNE, date(2025, 7, 20), user="super_g")
    with pytest.raises(GuoziError, match="needs a reason"):
        ws.reopen_period(JUNE, "  ", user="super_g")
    ws.reopen_period(JUNE, "E 更正营业收入", user="super_g")
    assert ws.period_status(JUNE, today=TODAY).state == "open"
    with pytest.raises(GuoziError, match="not closed"):
        ws.reopen_period(JUNE, "again", user="super_g")

    log = [
        (x.action, x.target, x.user)
        for x in reversed(ws.store.audit_log(action=None))
        if x.action.startswith("period.")
    ]
    assert log == [
        ("period.open", "period:2025-06", "super_g"),
        ("period.close", "period:2025-06", "super_g"),
        ("period.reopen", "period:2025-06", "super_g"),
    ]
    reopened = ws.store.audit_log(action="period.reopen")[0]
    assert json.loads(reopened.after)["reason"] == "E 更正营业收入"
    assert json.loads(reopened.before)["action"] == "close"


def test_a_closed_month_refuses_imports_and_uploads_with_the_store_unchanged(desk: Desk) -> None:
    """After closing June, neither an import nor an upload of June figures writes anything: the
    facts count, the submissions and the audit log are what they were; May stays open."""
    ws = desk.ws
    ws.import_files([desk.file(wan("A", "2025-06", revenue=100))], user="importer", today=TODAY)
    ws.close_period(JUNE, user="super_g")
    before = store_state(desk)
    with pytest.raises(GuoziError, match="2025-06"):
        ws.import_files([desk.file(wan("A", "2025-06", revenue=101))], user="importer", reason="更正", today=TODAY)
    with pytest.raises(GuoziError, match="2025-06"):
        ws.stage_upload([desk.file(wan("N", "2025-06", revenue=20))], filer("N"), today=TODAY)
    assert store_state(desk) == before
    ws.import_files([desk.file(wan("A", "2025-05", revenue=90))], user="importer", reason="更正", today=TODAY)
    assert store_state(desk)[0] == before[0] + 1  # one more fact, in May


def test_open_for_a_subtree_sets_its_deadline(desk: Desk) -> None:
    """Open June for the whole tree by 07-10, then for A alone by 07-05: A's deadline is 07-05, the
    others' 07-10; the viewer of A sees 07-05. An unknown root is refused."""
    ws = desk.ws
    ws.open_period(JUNE, date(2025, 7, 10), user="super_g")
    ws.open_period(JUNE, date(2025, 7, 5), entity="A", user="super_g")
    deadlines = {f.entity_id: f.deadline for f in ws.period_status(JUNE, today=TODAY).filings}
    assert deadlines == {"G": date(2025, 7, 10), "A": date(2025, 7, 5), "N": date(2025, 7, 10), "E": date(2025, 7, 10)}
    assert ws.period_status(JUNE, entity="A", today=TODAY).deadline == date(2025, 7, 5)
    with pytest.raises(NotFoundError):
        ws.open_period(JUNE, date(2025, 7, 10), entity="X", user="super_g")


def _file_all(desk: Desk, period: str, entities: tuple[str, ...]) -> None:
    desk.ws.import_files(
        [desk.file([r for e in entities for r in wan(e, period, revenue=10)])], user="importer", today=TODAY
    )


def test_the_default_period_stays_on_the_last_complete_month(desk: Desk) -> None:
    """May complete (G, A, N, E filed), June being filed (A only): every reader defaults to May, a
    viewer of A to June (A's own subtree is complete); all of June in: June; May closed: May, the
    latest closed month, though June is complete; June closed too: June."""
    ws = desk.ws
    _file_all(desk, "2025-05", ("G", "A", "N", "E"))
    _file_all(desk, "2025-06", ("A",))
    assert ws.latest_period() == JUNE  # the latest holding any figure
    assert ws.default_period() == MAY
    assert ws.default_period("G") == MAY
    assert ws.default_period("A") == JUNE
    assert ws.filing_progress(JUNE).banner("en") == "2025-06 being filed: 1/4 approved"
    assert ws.filing_progress(MAY).banner("zh") == ""  # complete: no banner
    _file_all(desk, "2025-06", ("G", "N", "E"))
    assert ws.default_period() == JUNE
    ws.close_period(MAY, user="super_g")
    assert ws.default_period() == MAY
    ws.close_period(JUNE, user="super_g")
    assert ws.default_period() == JUNE


def test_with_no_month_complete_the_default_is_the_latest_with_figures(desk: Desk) -> None:
    """Only A ever filed (April and June): no month is complete for the tree, so the latest month
    holding figures (June); for A alone June is complete."""
    _file_all(desk, "2025-04", ("A",))
    _file_all(desk, "2025-06", ("A",))
    assert desk.ws.default_period() == JUNE
    assert desk.ws.filing_period() == JUNE  # nothing open: the default


def test_the_filing_page_month_is_the_latest_open_one(desk: Desk, tmp_path: Path) -> None:
    """May complete and the default; July opened for filing: the 上报情况 page defaults to July."""
    _file_all(desk, "2025-05", ("G", "A", "N", "E"))
    assert desk.ws.filing_period() == MAY
    desk.ws.open_period(Period(2025, 7), date(2025, 8, 10), user="super_g")
    assert desk.ws.filing_period() == Period(2025, 7)
    assert desk.ws.default_period() == MAY


@pytest.fixture
def pg_url() -> Iterator[str]:
    """An empty PostgreSQL database of this test (dropped afterwards)."""
    url = fresh_database()
    yield url
    drop_database(url)


def test_the_cycle_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """The same walk on a PostgreSQL store: June opened, A approved of G, A, N, E; closed, an import
    refused with facts, submissions and audit log unchanged; reopened, the import lands."""
    folder = tmp_path / "pg"
    folder.mkdir()
    desk = Desk(folder)  # writes the group's entities.csv
    desk.ws.close()
    ws = Workspace.open(pg_url)
    try:
        ws.import_files([folder / "entities.csv"], user="setup", today=TODAY)
        desk.ws = ws
        ws.open_period(JUNE, date(2025, 7, 10), user="super_g")
        ws.import_files([desk.file(wan("A", "2025-06", revenue=100))], user="importer", today=TODAY)
        status = ws.period_status(JUNE, today=TODAY)
        assert (status.state, status.approved, status.expected) == ("open", 1, 4)
        assert status.counts()["missing"] == 3
        ws.close_period(JUNE, user="super_g")
        before = store_state(desk)
        with pytest.raises(GuoziError, match="2025-06"):
            ws.import_files([desk.file(wan("G", "2025-06", revenue=300))], user="importer", today=TODAY)
        assert store_state(desk) == before
        ws.reopen_period(JUNE, "集团补报", user="super_g")
        ws.import_files([desk.file(wan("G", "2025-06", revenue=300))], user="importer", today=TODAY)
        assert ws.period_status(JUNE, today=TODAY).approved == 2
    finally:
        ws.close()
