"""``guozi warnings``: json, xlsx and csv output, the checks not made, and bad input refused."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from guozi.cli import app


def _folder(risk_ws_dir: Path) -> Path:
    (risk_ws_dir / "entities.csv").write_text("entity_id,name,industry\nA,甲公司,C\n", encoding="utf-8")
    (risk_ws_dir / "facts.csv").write_text(
        "entity_id,period,item,value,unit\n"
        "A,2025-06,total_assets,100,万元\nA,2025-06,total_liabilities,72,万元\nA,2025-06,net_profit,-1,万元\n",
        encoding="utf-8",
    )
    return risk_ws_dir


def test_cli_warnings_json_and_xlsx(tmp_path: Path) -> None:
    """``guozi warnings --data DIR``: json in English; xlsx with the warnings and the checks not made."""
    folder = _folder(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["warnings", "--data", str(folder), "--period", "2025-06", "-f", "json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [(r["rule"], r["severity"]) for r in rows][:1] == [("debt_ratio_line", "high")]
    assert {r["rule"] for r in rows} == {"debt_ratio_line", "loss"}  # no opening figures: not "rising"
    out = tmp_path / "w.xlsx"
    res = runner.invoke(app, ["warnings", "--data", str(folder), "--period", "2025-06", "-f", "xlsx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["预警", "无法判断"]
    assert wb["预警"].max_row == 1 + 2


def test_cli_warnings_csv_gaps_and_bad_input(tmp_path: Path) -> None:
    """--gaps lists the checks not made; an unknown entity exits 2."""
    folder = _folder(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["warnings", "--data", str(folder), "--period", "2025-06", "--gaps", "-f", "csv"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0] == "entity_id,name,period,rule,rule_name,note"
    assert any(line.startswith("A,甲公司,2025-06,current_ratio_low,") for line in lines)
    res = runner.invoke(app, ["warnings", "--data", str(folder), "--period", "2025-06", "--entity", "X"])
    assert res.exit_code == 2
