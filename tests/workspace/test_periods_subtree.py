"""Closing one subtree of a month, and ``guozi check`` on a closed month (issue 19).

The small group of tests/ingest/conftest.py in June 2025: G 集团 above A, N and E (D left in April).
``close --entity A`` locks A's subtree (A alone here) and leaves N, E and G filing: one event of root
A, which the store's rule (guozi.store.lifecycle) applies to A and everything below it in the month.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.cli import app
from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.periods import Period
from tests.ingest.conftest import ENTITIES, TODAY, Desk, desk, wan, write_rows

__all__ = ["desk"]

JUNE = Period(2025, 6)


def _facts(desk: Desk) -> int:
    return int(desk.ws.store.facts().count().to_pyarrow().as_py())


def test_closing_a_subtree_locks_only_it(desk: Desk) -> None:
    ws = desk.ws
    ws.close_period(JUNE, user="hq", entity="A")
    assert ws.period_status(JUNE, entity="A", today=TODAY).state == "closed"
    assert ws.period_status(JUNE, today=TODAY).state != "closed"  # the rest of the tree still files
    before = _facts(desk)
    with pytest.raises(GuoziError, match="closed") as refused:
        ws.import_files([desk.file(wan("A", "2025-06", revenue=100))], user="t", today=TODAY)
    assert "A 2025-06" in refused.value.message_zh
    assert _facts(desk) == before  # nothing written
    ws.import_files([desk.file(wan("E", "2025-06", revenue=30))], user="t", today=TODAY)
    assert _facts(desk) == before + 1  # E is not under A

    with pytest.raises(GuoziError, match="already closed for A's subtree"):
        ws.close_period(JUNE, user="hq", entity="A")
    with pytest.raises(GuoziError, match="only subtrees are closed"):
        ws.reopen_period(JUNE, "补报", user="hq")  # the whole tree was never closed
    with pytest.raises(NotFoundError):
        ws.close_period(JUNE, user="hq", entity="D")  # D left the group in April
    entry = next(a for a in ws.store.audit_log() if a.action == "period.close")
    assert entry.target == "period:2025-06/A" and json.loads(entry.after)["entities"] == ["A"]

    ws.reopen_period(JUNE, "甲公司补报", user="hq", entity="A")
    ws.import_files([desk.file(wan("A", "2025-06", revenue=100))], user="t", today=TODAY)
    assert _facts(desk) == before + 2


def test_reopening_a_subtree_of_a_closed_month(desk: Desk) -> None:
    """The whole month closed, then A's subtree reopened for a late correction: A files, E stays locked."""
    ws = desk.ws
    ws.close_period(JUNE, user="hq")
    ws.reopen_period(JUNE, "甲公司更正", user="hq", entity="A")
    ws.import_files([desk.file(wan("A", "2025-06", revenue=100))], user="t", today=TODAY)
    with pytest.raises(GuoziError, match="closed"):
        ws.import_files([desk.file(wan("E", "2025-06", revenue=30))], user="t", today=TODAY)
    with pytest.raises(GuoziError, match="not closed for A's subtree"):
        ws.reopen_period(JUNE, "again", user="hq", entity="A")


def test_check_warns_about_a_closed_month_and_import_refuses(tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", f"duckdb:///{tmp_path / 's.duckdb'}"]
    columns = ("entity_id", "name", "parent_id", "valid_from", "valid_to", "established")
    ents = write_rows(tmp_path / "entities.csv", ENTITIES, columns)
    assert runner.invoke(app, ["import", str(ents), *store]).exit_code == 0
    assert runner.invoke(app, ["period", "close", "2025-06", "--entity", "A", *store]).exit_code == 0
    facts = write_rows(tmp_path / "facts.csv", wan("A", "2025-06", revenue=100) + wan("E", "2025-06", revenue=30))

    checked = runner.invoke(app, ["check", str(facts), *store])
    assert checked.exit_code == 0, checked.output  # the check itself runs and finds nothing wrong
    said = checked.output.replace("\n", "")  # the console wraps long lines
    assert "期间 2025-06 已关账（A 2025-06）" in said and "校验通过：1 个文件，2 条数据" in said
    assert "E 2025-06" not in said  # E is still open
    english = runner.invoke(app, ["check", str(facts), *store, "--lang", "en"])
    assert "period 2025-06 is closed (A 2025-06)" in english.output.replace("\n", "")

    imported = runner.invoke(app, ["import", str(facts), *store])
    assert imported.exit_code == 2 and "A 2025-06" in imported.output
    status = runner.invoke(app, ["period", "status", "--period", "2025-06", "--entity", "A", *store])
    assert "已关账" in status.output


def test_a_month_closed_for_a_subtree_is_its_viewers_default(desk: Desk) -> None:
    """A files May and June; May is closed for A's subtree only. A's viewers default to May (the latest
    month closed for them); the whole tree to June (none closed for all, none complete: the latest held)."""
    ws = desk.ws
    rows = wan("A", "2025-05", revenue=90) + wan("A", "2025-06", revenue=100)
    ws.import_files([desk.file(rows)], user="t", today=TODAY)
    ws.close_period(Period(2025, 5), user="hq", entity="A")
    assert ws.default_period("A") == Period(2025, 5)
    assert ws.period_status(Period(2025, 5), entity="A", today=TODAY).state == "closed"
    assert ws.default_period() == Period(2025, 6)
