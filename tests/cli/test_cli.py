"""The command line as a user runs it: exit codes, every problem listed, the formats of contract §4."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from guozi.cli import app

runner = CliRunner()
ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C"},
    {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C26"},
]


def _facts(entity: str, **items: object) -> list[dict[str, object]]:
    return [{"entity_id": entity, "period": "2025-06", "item": k, "value": v, "unit": "万元"} for k, v in items.items()]


def _counts(store: Path) -> tuple[int, ...]:
    con = duckdb.connect(str(store))
    try:
        return tuple(
            int(con.execute(f"select count(*) from {t}").fetchone()[0])  # type: ignore[index]
            for t in ("submissions", "entity_rows", "facts", "targets")
        )
    finally:
        con.close()


@pytest.fixture
def store(tmp_path: Path, contract: Callable[..., Path]) -> Path:
    """A store holding a valid group."""
    path = tmp_path / "s.duckdb"
    good = contract(
        entities=ENTITIES,
        facts=_facts("G", total_assets=100, total_liabilities=60) + _facts("A", total_assets=40, total_liabilities=30),
    )
    result = runner.invoke(app, ["import", str(good), "--store", f"duckdb:///{path}"])
    assert result.exit_code == 0, result.output
    return path


def test_invalid_input_exits_2_lists_every_problem_and_changes_nothing(
    store: Path, contract: Callable[..., Path]
) -> None:
    before = _counts(store)
    bad = contract(
        entities=[
            *ENTITIES,
            {"entity_id": "X", "name": "环一", "parent_id": "Y", "industry": "C"},
            {"entity_id": "Y", "name": "环二", "parent_id": "X", "industry": "C"},
        ],
        facts=[
            {"entity_id": "NOPE", "period": "2025-06", "item": "revenue", "value": "1", "unit": "元"},
            {"entity_id": "A", "period": "2025-06", "item": "revenue", "value": "一百", "unit": "元"},
            {"entity_id": "A", "period": "2025-06", "item": "no_such_item", "value": "1", "unit": "元"},
            {"entity_id": "A", "period": "2025-13", "item": "net_profit", "value": "1", "unit": "元"},
            {"entity_id": "A", "period": "2025-06", "item": "total_profit", "value": "5", "unit": "美元"},
        ],
    )
    result = runner.invoke(app, ["import", str(bad), "--store", f"duckdb:///{store}"])
    assert result.exit_code == 2
    assert "未写入任何数据" in result.output
    assert _counts(store) == before
    listed = runner.invoke(app, ["check", str(bad), "--store", f"duckdb:///{store}", "--format", "json"])
    assert listed.exit_code == 2
    text = listed.output
    for rule in ("tree.cycle", "entity.unknown", "value.not_numeric", "item.unknown", "period.format", "unit.unknown"):
        assert rule in text, rule
    assert "X → Y → X" in text and "2025-13" in text and "一百" in text and "美元" in text
    assert "facts.csv" in text and "entities.csv" in text
    assert _counts(store) == before


def test_check_lists_problems_as_csv_with_rows_and_changes_nothing(
    store: Path, contract: Callable[..., Path], tmp_path: Path
) -> None:
    before = _counts(store)
    bad = contract(facts=[{"entity_id": "A", "period": "2025-06", "item": "revenue", "value": "", "unit": "元"}])
    out = tmp_path / "problems.csv"
    result = runner.invoke(
        app, ["check", str(bad), "--store", f"duckdb:///{store}", "--format", "csv", "--output", str(out)]
    )
    assert result.exit_code == 2
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows == [
        {
            "severity": "强制",
            "file": "facts.csv",
            "sheet": "",
            "row": "2",
            "column": "value",
            "entity": "A",
            "period": "2025-06",
            "item": "revenue",
            "rule": "value.required",
            "expected": "十进制数",
            "found": "",
            "message": "数值为空（缺失不等于零：请填写数值或删除此行）",
        }
    ]  # fmt: skip  (expected in the listing's language, zh by default: issue 17)
    assert _counts(store) == before


def test_reimporting_the_same_files_changes_nothing(store: Path, contract: Callable[..., Path]) -> None:
    before = _counts(store)
    same = contract(
        entities=ENTITIES,
        facts=_facts("G", total_assets=100, total_liabilities=60) + _facts("A", total_assets=40, total_liabilities=30),
    )
    result = runner.invoke(app, ["import", str(same), "--store", f"duckdb:///{store}"])
    assert result.exit_code == 0
    assert "未重复导入" in result.output
    assert _counts(store) == before


def test_csv_output_starts_with_the_contract_columns_and_keeps_full_precision(store: Path) -> None:
    """G's debt ratio 60 / 100 = 60 %; A's 30 / 40 = 75 %; amounts in yuan, exact."""
    result = runner.invoke(
        app,
        [
            "indicators",
            "--store",
            f"duckdb:///{store}",
            "--period",
            "2025-06",
            "-i",
            "debt_ratio",
            "-i",
            "total_assets",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0])[:6] == ["entity_id", "period", "indicator", "value", "unit", "note"]
    got = {(r["entity_id"], r["indicator"]): (r["value"], r["unit"]) for r in rows}
    assert got[("G", "debt_ratio")] == ("60.0", "%")
    assert got[("A", "debt_ratio")] == ("75.0", "%")
    assert got[("G", "total_assets")] == ("1000000", "元")


def test_json_output_has_numbers_and_empty_values_with_notes(store: Path) -> None:
    result = runner.invoke(
        app,
        [
            "indicators",
            "--store",
            f"duckdb:///{store}",
            "--period",
            "2025-06",
            "-i",
            "roe",
            "--format",
            "json",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {r["entity_id"] for r in records} == {"G", "A"}
    for r in records:
        assert r["value"] is None
        assert r["note"].startswith("missing: Net profit")


def test_xlsx_output_is_a_formatted_workbook(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "panel.xlsx"
    result = runner.invoke(
        app,
        [
            "indicators",
            "--store",
            f"duckdb:///{store}",
            "--period",
            "2025-06",
            "-i",
            "debt_ratio",
            "--format",
            "xlsx",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:6] == ["企业/分组", "期间", "指标代码", "本期", "单位", "说明"]
    values = {(r[0], r[2]): r[3] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert values[("A", "debt_ratio")] == pytest.approx(75.0)


def test_by_industry_at_level_two(store: Path) -> None:
    result = runner.invoke(
        app,
        [
            "indicators",
            "--store",
            f"duckdb:///{store}",
            "--period",
            "2025-06",
            "-i",
            "debt_ratio",
            "--by",
            "industry",
            "--level",
            "2",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["entity_id"], r["value"]) for r in rows] == [("C26", "75.0")]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--period", "2025-6"], "YYYY-MM"),
        (["--entity", "NOPE"], "NOPE"),
        (["--format", "pdf"], "--format"),
        (["--by", "colour"], "colour"),
        (["-i", "no_such"], "no_such"),
    ],
)
def test_bad_options_exit_2_with_a_reason(store: Path, args: list[str], words: str) -> None:
    result = runner.invoke(app, ["indicators", "--store", f"duckdb:///{store}", *args])
    assert result.exit_code == 2
    assert words in result.output


def test_demo_imports_the_group_and_prints_its_scorecard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    for label in (
        "华夏实业集团",
        "一利五率",
        "利润总额",
        "资产负债率",
        "净资产收益率",
        "研发经费投入强度",
        "全员劳动生产率",
        "营业收现率",
        "上年同期",
    ):
        assert label in result.output, label
    assert (tmp_path / "guozi.duckdb").exists()
    _rd_intensity_shows_the_digits_that_decide(tmp_path / "guozi.duckdb", result.output)
    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 0 and "未重复导入" in again.output


def _rd_intensity_shows_the_digits_that_decide(store: Path, output: str) -> None:
    """研发经费投入强度 of the demo group (HX00001, the generated group of src/guozi/demo/generate.py
    as `guozi demo` imports it), worked by hand from its facts in the store:
    2025-12: rd_investment 2 914 853 043.11 / revenue 103 959 931 475.24 = 2.803824 %;
    2024-12: 2 794 300 994.62 / 99 687 284 110.08 = 2.803067 %; change +0.000757 point, which is
    0.00 at two decimals and 0.001 at three (half up): the row reads 「+0.001 个百分点」, never +0.00."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute(
            "select period, item, value from facts where entity_id = 'HX00001' and period in (202412, 202512)"
            " and item in ('rd_investment', 'revenue')"
        ).fetchall()
    finally:
        con.close()
    assert {(p, i): str(v) for p, i, v in rows} == {
        (202512, "rd_investment"): "2914853043.1100",
        (202512, "revenue"): "103959931475.2400",
        (202412, "rd_investment"): "2794300994.6200",
        (202412, "revenue"): "99687284110.0800",
    }
    line = next(x for x in output.splitlines() if x.startswith("研发经费投入强度"))
    assert line.split("\t")[1:4] == ["2.80", "2.80", "+0.001 个百分点"]


@pytest.mark.parametrize(
    "command",
    [["targets"], ["warnings"], ["history", "--entity", "A", "--period", "2025-06"], ["check", "."], ["indicators"]],
)
def test_a_bad_lang_is_refused_in_both_languages_with_exit_2(command: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, [*command, "--lang", "fr", "--store", f"duckdb:///{tmp_path / 's.duckdb'}"])
    assert result.exit_code == 2
    assert "--lang 应为 zh 或 en，实为 fr" in result.output
    assert "--lang must be zh or en, not fr" in result.output


def test_history_and_check_as_xlsx_need_an_output_file(tmp_path: Path) -> None:
    store = f"duckdb:///{tmp_path / 's.duckdb'}"
    history = runner.invoke(app, ["history", "--entity", "A", "--period", "2025-06", "-f", "xlsx", "--store", store])
    facts = tmp_path / "facts.csv"
    facts.write_text("entity_id,period,item,value\nA,2025-06,cash,1\n", encoding="utf-8")
    check = runner.invoke(app, ["check", str(facts), "-f", "xlsx", "--store", store, "--lang", "en"])
    assert (history.exit_code, check.exit_code) == (2, 2)
    assert "xlsx 格式需要 --output 文件" in history.output
    assert "the xlsx format needs --output FILE" in check.output


HELP_PROBE = """
import sys
from typer.testing import CliRunner
from guozi.cli import app
runner = CliRunner()
commands = [[c.name or c.callback.__name__] for c in app.registered_commands]
for group in app.registered_groups:
    commands += [[group.name, c.name or c.callback.__name__] for c in group.typer_instance.registered_commands]
for args in (["--help"], *([*command, "--help"] for command in commands)):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (args, result.output)
print(" ".join(sorted("/".join(command) for command in commands)))
print(",".join(m for m in ("pandas", "ibis", "duckdb", "pyarrow", "numpy", "fastapi") if m in sys.modules))
"""


def test_help_answers_without_loading_the_engine() -> None:
    """``guozi --help`` and every command's ``--help`` answer without importing pandas, Ibis or DuckDB.

    Those take seconds to import; a command imports them when it runs (each command module keeps
    its domain imports in the command's body).
    """
    done = subprocess.run([sys.executable, "-c", HELP_PROBE], capture_output=True, text=True, check=True)
    asked, heavy = done.stdout.splitlines()
    assert {"import", "indicators", "report", "serve", "warnings", "user/add"} <= set(asked.split())
    assert heavy == ""
