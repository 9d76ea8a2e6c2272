"""An entity added to a subtree after the subtree's month was closed (issue 19, left over).

The small group of tests/ingest/conftest.py in June 2025: G 集团 above A, N and E. The rule
(guozi.store.lifecycle): a figure of E in P is decided by the latest close or reopen of P for the
whole tree, E itself or an ancestor of E in P by the tree as it stands. So after ``close --entity A``
an entity A1 placed under A by a later entities import is locked in June (its parent A is), one
placed under G is not (G was never closed), and ``reopen --entity A`` lets A1 file again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.cli import app
from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.store.base import PeriodEvent
from guozi.workspace import Workspace
from tests.ingest.conftest import ENTITIES, TODAY, Desk, desk, wan, write_rows
from tests.store.conftest import pg_url

__all__ = ["desk", "pg_url"]

JUNE = Period(2025, 6)
ENTITY_COLUMNS = ("entity_id", "name", "parent_id", "valid_from", "valid_to")
A1 = {"entity_id": "A1", "name": "甲一公司", "parent_id": "A", "valid_from": "2025-06", "valid_to": ""}
G1 = {"entity_id": "G1", "name": "集团新设", "parent_id": "G", "valid_from": "2025-06", "valid_to": ""}


def _facts(ws: Workspace) -> int:
    return int(ws.store.facts().count().to_pyarrow().as_py())


def _add(desk: Desk, *rows: dict[str, str]) -> None:
    """An entities import placing ``rows`` in the tree (the entities already stored keep their rows)."""
    desk.n += 1
    path = write_rows(desk.folder / f"entities_{desk.n}.csv", rows, ENTITY_COLUMNS)
    desk.ws.import_files([path], user="setup", today=TODAY)


def _when(event: PeriodEvent) -> str:
    return event.at.strftime("%Y-%m-%d %H:%M UTC")


def _walk(desk: Desk) -> None:
    """The walk of this file on ``desk``'s store (DuckDB or PostgreSQL)."""
    ws = desk.ws
    closed = ws.close_period(JUNE, user="hq", entity="A")
    _add(desk, A1, G1)  # after the close: A1 under A, G1 under G
    before = _facts(ws)
    with pytest.raises(GuoziError) as refused:
        ws.import_files([desk.file(wan("A1", "2025-06", revenue=10))], user="t", today=TODAY)
    # the message names the entity, the period, the closed root, who closed it and when
    assert f"A1 2025-06（A 及其下属企业由 hq 于 {_when(closed)} 关账）" in refused.value.message_zh
    assert f"A1 2025-06 (A's subtree closed by hq at {_when(closed)})" in refused.value.message_en
    assert "guozi period reopen 2025-06 --entity A" in refused.value.message_en
    assert _facts(ws) == before  # nothing written
    assert ws.closing("A1", JUNE) == closed
    assert ws.closing("G1", JUNE) is None and ws.closing("A1", Period(2025, 7)) is None
    ws.import_files([desk.file(wan("G1", "2025-06", revenue=20))], user="t", today=TODAY)
    assert _facts(ws) == before + 1
    assert ws.period_status(JUNE, entity="A", today=TODAY).state == "closed"  # A and A1 both closed

    ws.reopen_period(JUNE, "甲一公司补报", user="hq", entity="A")  # reopening the subtree reopens A1 too
    assert ws.closing("A1", JUNE) is None
    ws.import_files([desk.file(wan("A1", "2025-06", revenue=10))], user="t", today=TODAY)
    assert _facts(ws) == before + 2


def test_an_entity_added_after_the_close_is_locked_until_the_subtree_reopens(desk: Desk) -> None:
    _walk(desk)


@pytest.fixture
def pg_desk(pg_url: str, tmp_path: Path) -> Iterator[Desk]:
    """A :class:`Desk` of the same group on a PostgreSQL store."""
    folder = tmp_path / "pg"
    folder.mkdir()
    d = Desk(folder)  # writes the group's entities.csv
    d.ws.close()
    d.ws = Workspace.open(pg_url)
    try:
        d.ws.import_files([folder / "entities.csv"], user="setup", today=TODAY)
        yield d
    finally:
        d.ws.close()


def test_the_walk_on_postgresql(pg_desk: Desk) -> None:
    _walk(pg_desk)


def test_entities_and_figures_in_one_import_on_postgresql(pg_desk: Desk) -> None:
    _one_import(pg_desk)


def test_entities_and_figures_in_one_import(desk: Desk) -> None:
    _one_import(desk)


def _one_import(desk: Desk) -> None:
    """The entities file placing A1 under A and A1's June figures, in one import: refused whole."""
    ws = desk.ws
    ws.close_period(JUNE, user="hq", entity="A")
    ents = write_rows(desk.folder / "entities_new.csv", [A1], ENTITY_COLUMNS)
    facts = desk.file(wan("A1", "2025-06", revenue=10))
    before = (len(ws.store.entities()), _facts(ws))
    with pytest.raises(GuoziError, match=r"A1 2025-06 \(A's subtree closed by hq"):
        ws.import_files([ents, facts], user="t", today=TODAY)
    assert (len(ws.store.entities()), _facts(ws)) == before  # neither the entity nor the figure written


def test_a_subtree_reopened_in_a_closed_month_and_one_closed_again_inside_it(desk: Desk) -> None:
    """The whole June closed, A's subtree reopened: A1 (added under A) files, G1 (under G) does not; A1's
    own subtree closed again afterwards locks A1 (the latest step of its chain G·A·A1 is that close)."""
    ws = desk.ws
    whole = ws.close_period(JUNE, user="hq")
    ws.reopen_period(JUNE, "甲公司更正", user="hq", entity="A")
    _add(desk, A1, G1)
    ws.import_files([desk.file(wan("A1", "2025-06", revenue=10))], user="t", today=TODAY)
    with pytest.raises(GuoziError) as refused:
        ws.import_files([desk.file(wan("G1", "2025-06", revenue=20))], user="t", today=TODAY)
    assert f"G1 2025-06（全集团由 hq 于 {_when(whole)} 关账）" in refused.value.message_zh
    again = ws.close_period(JUNE, user="fin", entity="A1")
    assert ws.closing("A1", JUNE) == again and ws.closing("A", JUNE) is None
    last = ws.close_period(JUNE, user="hq")  # the whole month closed again: A, reopened inside it, too
    assert ws.closing("A", JUNE) == last and ws.closing("A1", JUNE) == last
    with pytest.raises(GuoziError, match="already closed"):
        ws.close_period(JUNE, user="hq")


def test_open_sets_a_deadline_and_unlocks_nothing(desk: Desk) -> None:
    """A's subtree closed in June, then June opened for G's subtree (E still filing): A stays locked."""
    ws = desk.ws
    ws.close_period(JUNE, user="hq", entity="A")
    ws.open_period(JUNE, date(2025, 7, 10), user="hq", entity="G")
    with pytest.raises(GuoziError, match="A 2025-06"):
        ws.import_files([desk.file(wan("A", "2025-06", revenue=10))], user="t", today=TODAY)


def test_events_of_every_member_written_before_still_lock_a_new_entity(desk: Desk) -> None:
    """A store written before this rule holds one close per member of A's subtree (here A alone): A1
    added under A afterwards is locked by A's own event, an ancestor's."""
    ws = desk.ws
    ws.store.add_period_event(JUNE.code, "close", user="hq", root="A", reason="关账 A 及其下属企业")
    _add(desk, A1)
    assert ws.closing("A1", JUNE) is not None
    with pytest.raises(GuoziError, match="A1 2025-06"):
        ws.import_files([desk.file(wan("A1", "2025-06", revenue=10))], user="t", today=TODAY)


def test_the_command_line_refuses_the_new_entity(tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", f"duckdb:///{tmp_path / 's.duckdb'}"]
    ents = write_rows(tmp_path / "entities.csv", ENTITIES, (*ENTITY_COLUMNS, "established"))
    assert runner.invoke(app, ["import", str(ents), *store]).exit_code == 0
    closed = runner.invoke(app, ["period", "close", "2025-06", "--entity", "A", *store])
    assert closed.exit_code == 0, closed.output
    added = write_rows(tmp_path / "entities_a1.csv", [A1], ENTITY_COLUMNS)
    assert runner.invoke(app, ["import", str(added), *store]).exit_code == 0
    facts = write_rows(tmp_path / "facts.csv", wan("A1", "2025-06", revenue=10))
    checked = runner.invoke(app, ["check", str(facts), *store])
    assert checked.exit_code == 0 and "期间 2025-06 已关账（A1 2025-06）" in checked.output.replace("\n", "")
    for lang, said in (
        ("zh", "已关账，不能再导入或上报其数据：A1 2025-06（A 及其下属企业由"),
        ("en", "A1 2025-06 (A's subtree closed by"),
    ):
        refused = runner.invoke(app, ["import", str(facts), *store, "--lang", lang])
        assert refused.exit_code == 2, refused.output
        assert said in refused.output.replace("\n", "")
        assert "Traceback" not in refused.output
