"""``guozi period open|status|close|reopen`` as a user runs them, and the default period of the commands (issue 19).

A hand-made tree of four entities (every one files its own form)::

    G 集团 (level 1)
    ├── A 甲 (level 2)
    └── B 乙 (level 2)
        └── B1 乙一 (level 3)

All four filed May 2025; of June only A has filed. So June's status: A approved, G, B, B1 missing;
by level: 1 → 1 expected, 1 missing; 2 → 2 expected, 1 approved, 1 missing; 3 → 1 expected, 1
missing; in all 4 expected, 1 approved, 3 missing. The deadline 2025-07-10 has passed (the tests run
later), so the three missing ones are overdue.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from guozi.cli import app

runner = CliRunner()
ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": ""},
    {"entity_id": "A", "name": "甲", "parent_id": "G"},
    {"entity_id": "B", "name": "乙", "parent_id": "G"},
    {"entity_id": "B1", "name": "乙一", "parent_id": "B"},
]


def _facts(period: str, *entities: str, revenue: int = 100) -> list[dict[str, object]]:
    return [
        {"entity_id": e, "period": period, "item": k, "value": v, "unit": "万元"}
        for e in entities
        for k, v in (("revenue", revenue), ("total_profit", 10))
    ]


def _counts(store: Path) -> tuple[int, ...]:
    """Rows of every table an import or a period step writes to."""
    con = duckdb.connect(str(store))
    try:
        tables = ("submissions", "entity_rows", "facts", "audit", "period_events")
        return tuple(int(con.execute(f"select count(*) from {t}").fetchone()[0]) for t in tables)  # type: ignore[index]
    finally:
        con.close()


@pytest.fixture
def store(tmp_path: Path, contract: Callable[..., Path]) -> str:
    """The store URL of the tree with May filed by all and June by A."""
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    folder = contract(entities=ENTITIES, facts=_facts("2025-05", "G", "A", "B", "B1") + _facts("2025-06", "A"))
    result = runner.invoke(app, ["import", str(folder), "--store", url])
    assert result.exit_code == 0, result.output
    return url


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_open_then_status_in_every_format(store: str, tmp_path: Path) -> None:
    code, _, said = _invoke("period", "open", "2025-06", "--deadline", "2025-07-10", "--store", store)
    assert code == 0, said
    assert "应报 4 户，已通过 1 户" in said

    code, out, said = _invoke("period", "status", "--store", store, "-f", "json")  # June: the month open
    assert code == 0, said
    rows = {r["entity_id"]: r for r in json.loads(out)}
    assert {e: (r["status"], r["level"], r["overdue"]) for e, r in rows.items()} == {
        "G": ("missing", 1, True),
        "A": ("approved", 2, False),
        "B": ("missing", 2, True),
        "B1": ("missing", 3, True),
    }
    assert rows["A"]["deadline"] == "2025-07-10" and rows["A"]["submission_id"] == 2  # 1 is entities.csv

    code, out, _ = _invoke("period", "status", "--period", "2025-06", "--counts", "--store", store, "-f", "csv")
    counts = [(r["level"], r["expected"], r["missing"], r["approved"]) for r in csv.DictReader(io.StringIO(out))]
    assert counts == [("1", "1", "1", "0"), ("2", "2", "1", "1"), ("3", "1", "1", "0"), ("合计", "4", "3", "1")]

    code, out, _ = _invoke(
        "period", "status", "--period", "2025-06", "--status", "missing", "--store", store, "-f", "csv"
    )
    assert [r["entity_id"] for r in csv.DictReader(io.StringIO(out))] == ["G", "B", "B1"]

    code, out, _ = _invoke("period", "status", "--period", "2025-06", "--entity", "B", "--store", store, "-f", "json")
    assert [(r["entity_id"], r["status"]) for r in json.loads(out)] == [("B", "missing"), ("B1", "missing")]

    book = tmp_path / "status.xlsx"
    code, _, said = _invoke("period", "status", "--period", "2025-06", "--store", store, "-f", "xlsx", "-o", str(book))
    assert code == 0, said
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["上报情况", "统计"]
    assert [c.value for c in wb["统计"][5]][:3] == ["合计", 4, 3]  # header, three levels, the total

    code, out, _ = _invoke("period", "status", "--period", "2025-06", "--store", store, "--lang", "en")
    assert code == 0 and "approved 1/4" in out


def test_close_refuses_imports_with_the_store_unchanged_and_reopen_lets_them_in(
    store: str, contract: Callable[..., Path]
) -> None:
    path = Path(store.removeprefix("duckdb:///"))
    assert _invoke("period", "close", "2025-06", "--store", store)[0] == 0
    before = _counts(path)
    june = contract(facts=_facts("2025-06", "B", revenue=170))
    code, _, said = _invoke("import", str(june), "--store", store)
    assert code == 2
    assert "2025-06" in said and "已关账" in said
    assert _counts(path) == before  # facts, submissions, audit and events as they were

    code, _, said = _invoke("period", "close", "2025-06", "--store", store, "--lang", "en")
    assert code == 2 and "already closed" in said
    code, _, said = _invoke("period", "reopen", "2025-06", "--reason", " ", "--store", store)
    assert code == 2 and "须说明原因" in said
    assert _invoke("period", "reopen", "2025-06", "--reason", "乙公司补报", "--store", store)[0] == 0
    assert _invoke("import", str(june), "--store", store)[0] == 0
    con = duckdb.connect(str(path))
    try:
        log = con.execute("select action, after_json from audit where action like 'period.%' order by id").fetchall()
    finally:
        con.close()
    assert [a for a, _ in log] == ["period.close", "period.reopen"]
    assert json.loads(log[1][1])["reason"] == "乙公司补报"


def test_bad_input_exits_2_in_both_languages(store: str) -> None:
    path = Path(store.removeprefix("duckdb:///"))
    before = _counts(path)
    code, _, said = _invoke("period", "open", "2025-06", "--deadline", "10/07/2025", "--store", store)
    assert code == 2 and "应为 YYYY-MM-DD" in said
    code, _, said = _invoke("period", "open", "2025-06", "--deadline", "2025-05-31", "--store", store, "--lang", "en")
    assert code == 2 and "before the first day of 2025-06" in said
    code, _, said = _invoke("period", "open", "2025-13", "--deadline", "2026-01-10", "--store", store)
    assert code == 2 and "期间格式错误" in said
    code, _, said = _invoke("period", "open", "2025-06", "--deadline", "2025-07-10", "--entity", "X", "--store", store)
    assert code == 2 and "X" in said
    code, _, said = _invoke("period", "status", "--status", "late", "--store", store, "--lang", "en")
    assert code == 2 and "--status must be one of" in said
    code, _, said = _invoke("period", "reopen", "2025-06", "--reason", "no", "--store", store, "--lang", "en")
    assert code == 2 and "not closed" in said
    assert _counts(path) == before
    assert "Traceback" not in said


def test_commands_default_to_the_last_complete_month(store: str, contract: Callable[..., Path]) -> None:
    """June is being filed (A only): indicators default to May; once all have filed June, to June."""
    code, out, said = _invoke("indicators", "--store", store, "-i", "revenue", "-f", "json")
    assert code == 0, said
    assert {r["period"] for r in json.loads(out)} == {"2025-05"}
    assert _invoke("import", str(contract(facts=_facts("2025-06", "G", "B", "B1"))), "--store", store)[0] == 0
    code, out, _ = _invoke("indicators", "--store", store, "-i", "revenue", "-f", "json")
    assert {r["period"] for r in json.loads(out)} == {"2025-06"}
