"""The 提示 of a loosely typed number is kept with the draft it came with (issue 19's leftover), on
DuckDB and on PostgreSQL: reopened, the draft's review lines still say that ``(3.5)`` was read as −3.5.

A's June 2025 form (万元), May stored as revenue 700 and net profit 1: 净利润 typed ``(3.5)`` is
−3.5 万元 = −35 000 元, 营业收入 typed 「７８０」 is 780 万元 = 7 800 000 元. The notices' wording is
rules/validation.yaml ``value.loose_number`` filled in by hand (as in tests/ingest/test_loose_notice.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.periods import Period
from guozi.store import open_store
from guozi.store.base import User
from guozi.workspace import Workspace
from guozi.workspace.forms import Note
from tests.ingest.conftest import ENTITIES, FACT_COLUMNS, TODAY, wan, write_rows
from tests.ingest.test_loose_notice import EN, ZH
from tests.ingest.test_template import fill
from tests.pg import drop_database, fresh_database

JUNE = Period.parse("2025-06")
FILER_A = User("filer_a", "filer", ("A",), "-")
NOTES = {item: (Note("value.loose_number", ZH[item], EN[item], typed),) for item, typed in
         (("net_profit", "(3.5)"), ("revenue", "７８０"))}  # fmt: skip


@pytest.fixture(params=["duckdb", "postgresql"])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """A workspace over an empty store of each kind with tests/ingest's small group and A's May."""
    url = f"duckdb:///{tmp_path / 'store.duckdb'}" if request.param == "duckdb" else fresh_database()
    w = Workspace(open_store(url), load_catalog())
    columns = ("entity_id", "name", "parent_id", "valid_from", "valid_to", "established")
    w.import_files([write_rows(tmp_path / "entities.csv", ENTITIES, columns)], user="setup", today=TODAY)
    may = write_rows(tmp_path / "facts_may.csv", wan("A", "2025-05", revenue=700, net_profit=1), FACT_COLUMNS)
    w.import_files([may], user="seed", validate=False)
    try:
        yield w
    finally:
        w.close()
        if request.param != "duckdb":
            drop_database(url)


def _figures(ws: Workspace, sid: int) -> dict[str, tuple[Decimal, tuple[Note, ...]]]:
    return {r.line.item: (r.value, r.notices) for r in ws.review_lines(sid).lines}


def test_a_form_uploaded_as_a_draft_keeps_its_notices(ws: Workspace, tmp_path: Path) -> None:
    form = ws.template("A", JUNE, tmp_path / "form.xlsx")
    filled = fill(form, {"net_profit": "(3.5)", "revenue": "７８０", "total_profit": "2"})
    (draft,) = ws.stage_upload([filled], FILER_A, today=TODAY).submissions
    assert _figures(ws, draft.id) == {
        "net_profit": (Decimal("-35000"), NOTES["net_profit"]),
        "revenue": (Decimal("7800000"), NOTES["revenue"]),
        "total_profit": (Decimal("20000"), ()),  # typed plainly: nothing to say
    }


def test_figures_typed_in_the_browser_keep_the_notices_naming_their_file(ws: Workspace, tmp_path: Path) -> None:
    """The browser form's figures are read first (:meth:`Workspace.read_typed`), written as a facts
    file and staged with their notices; a notice naming another file is not kept with this draft."""
    read, notes = ws.read_typed("A", JUNE, {"net_profit": "(3.5)", "revenue": "７８０"})
    rows = [{"entity_id": "A", "period": "2025-06", "item": i, "value": v, "unit": "万元"} for i, v in read.items()]
    path = write_rows(tmp_path / "facts_web_2025-06.csv", rows, FACT_COLUMNS)
    kept = [replace(notes["net_profit"], file=path.name), replace(notes["revenue"], file="other.csv")]
    (draft,) = ws.stage_upload([path], FILER_A, today=TODAY, notices=kept).submissions
    assert _figures(ws, draft.id) == {
        "net_profit": (Decimal("-35000"), NOTES["net_profit"]),
        "revenue": (Decimal("7800000"), ()),
    }


def test_a_refused_upload_keeps_nothing(ws: Workspace, tmp_path: Path) -> None:
    """净利润 (3.5) beside a word in 营业收入: 强制, no draft, and no notice in the store."""
    form = ws.template("A", JUNE, tmp_path / "form.xlsx")
    staged = ws.stage_upload([fill(form, {"net_profit": "(3.5)", "revenue": "四百"})], FILER_A, today=TODAY)
    assert staged.submissions == [] and [p.rule for p in staged.blocking] == ["value.not_numeric"]
    assert ws.store.submissions()[-1].user == "seed"  # nothing written after the seed
