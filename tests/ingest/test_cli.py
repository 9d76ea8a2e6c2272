"""The collection commands end to end: template → fill → check → import → history, exit codes 0 and 2.

(The collection commands' tests live beside the ingest tests they exercise.)
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from guozi.cli import app

from .conftest import wan, write_rows

runner = CliRunner()


def _store(tmp_path: Path) -> str:
    return f"duckdb:///{tmp_path / 's.duckdb'}"


def _setup(tmp_path: Path) -> str:
    store = _store(tmp_path)
    ents = write_rows(tmp_path / "entities.csv", [{"entity_id": "A", "name": "甲公司"}], ("entity_id", "name"))
    may = write_rows(tmp_path / "facts_may.csv", wan("A", "2025-05", revenue=300, total_assets=1000))
    result = runner.invoke(app, ["import", str(ents), str(may), "--store", store, "--user", "李"])
    assert result.exit_code == 0, result.output
    return store


def test_template_fill_check_import_history(tmp_path: Path) -> None:
    """June's form works out 本月数 from May's 300 万元 of revenue (营业收入 is the income statement's
    second line, row 6, after 营业总收入); filled with 350 it imports, and history lists it."""
    store = _setup(tmp_path)
    form = tmp_path / "A-2025-06.xlsx"
    made = runner.invoke(
        app, ["template", "--entity", "A", "--period", "2025-06", "--output", str(form), "--store", store]
    )
    assert made.exit_code == 0, made.output
    wb = openpyxl.load_workbook(form)
    income = wb["利润表"]
    assert (income["A6"].value, income["D6"].value) == ("营业收入", '=IF(C6="","",C6-(300))')
    income["C6"] = 350
    wb.save(form)
    checked = runner.invoke(app, ["check", str(form), "--store", store])
    assert checked.exit_code == 0, checked.output
    imported = runner.invoke(app, ["import", str(form), "--store", store, "--user", "王"])
    assert imported.exit_code == 0, imported.output
    again = runner.invoke(app, ["import", str(form), "--store", store])
    assert again.exit_code == 0 and "未重复导入" in again.output
    shown = runner.invoke(
        app, ["history", "--entity", "A", "--period", "2025-06", "--store", store, "--format", "json"]
    )
    assert shown.exit_code == 0, shown.output
    (row,) = json.loads(shown.stdout)
    assert (row["item"], row["value"], row["user"], row["file"], row["current"]) == (
        "revenue",
        3500000,
        "王",
        form.name,
        True,
    )


def test_import_refuses_unexplained_problems_and_lists_the_keys(tmp_path: Path) -> None:
    """June revenue 250 after May's 300 falls: exit 2 with the key to explain; with it, exit 0."""
    store = _setup(tmp_path)
    june = write_rows(tmp_path / "facts_june.csv", wan("A", "2025-06", revenue=250))
    refused = runner.invoke(app, ["import", str(june), "--store", store])
    assert refused.exit_code == 2
    assert "--explain 'flow.ytd_decrease:2=…'" in refused.output
    why = write_rows(
        tmp_path / "why.csv",
        [{"file": june.name, "row": 2, "rule": "flow.ytd_decrease", "explanation": "冲回多计收入"}],
        ("file", "row", "rule", "explanation"),
    )
    accepted = runner.invoke(app, ["import", str(june), "--store", store, "--explanations", str(why)])
    assert accepted.exit_code == 0, accepted.output
    shown = runner.invoke(app, ["history", "--entity", "A", "--period", "2025-06", "--store", store, "-f", "csv"])
    (rec,) = list(csv.DictReader(io.StringIO(shown.stdout)))
    assert rec["explanation"] == "flow.ytd_decrease：冲回多计收入"


def test_check_exits_2_on_a_blocking_problem_and_writes_the_list(tmp_path: Path) -> None:
    """An unbalanced sheet: exit 2, the csv listing names the rule, row and message in English."""
    store = _setup(tmp_path)
    bad = write_rows(
        tmp_path / "facts_bad.csv", wan("A", "2025-06", total_assets=1250, total_liabilities=748.30, total_equity=500)
    )
    out = tmp_path / "problems.csv"
    result = runner.invoke(
        app, ["check", str(bad), "--store", store, "--format", "csv", "--output", str(out), "--lang", "en"]
    )
    assert result.exit_code == 2
    (rec,) = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert (rec["rule"], rec["row"], rec["severity"]) == ("balance.identity", "2", "blocking")
    # the message names the entity and period first (issue 19), then the rule's sentence
    assert rec["message"].startswith("A 2025-06: total assets and total liabilities and equity differ")


def test_a_bad_explain_option_and_an_unknown_entity_exit_2(tmp_path: Path) -> None:
    """``--explain`` without a row, and a template for an entity that does not exist."""
    store = _setup(tmp_path)
    june = write_rows(tmp_path / "facts_june.csv", wan("A", "2025-06", revenue=400))
    assert runner.invoke(app, ["import", str(june), "--store", store, "--explain", "nonsense"]).exit_code == 2
    made = runner.invoke(
        app, ["template", "--entity", "X", "--period", "2025-06", "-o", str(tmp_path / "x.xlsx"), "--store", store]
    )
    assert made.exit_code == 2 and "X" in made.output
