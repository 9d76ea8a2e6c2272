"""``guozi indicators --engine NAME --data LAKE``: the command line on every engine, over an exported lake.

The figures are the group's of conftest.py (tests/engine/test_panel.py has the working).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.cli import app

from .conftest import Data, Engine, write_csv

runner = CliRunner()


def test_indicators_of_a_lake_on_each_engine(engine: Engine, data: Data) -> None:
    """G's debt ratio from the lake: 2 550 / 4 000 = 63.75 %; its revenue 1 500 元 exactly, with the
    prior year's total profit 64 against 80 (change 16, growth 25 %)."""
    args = ["indicators", "--engine", engine.name, "--data", str(data.lakes["group"]), "--period", "2025-06"]
    args += ["-i", "debt_ratio", "-i", "revenue", "-i", "total_profit", "--entity", "G", "--format", "csv"]
    if engine.name == "spark":
        args += ["--spark-master", "local[2]", "--spark-conf", "spark.sql.shuffle.partitions=2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert float(rows["debt_ratio"]["value"]) == pytest.approx(63.75, rel=1e-12)
    assert Decimal(rows["revenue"]["value"]) == Decimal(1500)
    assert Decimal(rows["total_profit"]["prior_value"]) == Decimal(64)
    assert Decimal(rows["total_profit"]["change"]) == Decimal(16)
    assert float(rows["total_profit"]["growth"]) == 25.0


def test_a_contract_folder_is_checked_before_spark_starts(tmp_path: Path) -> None:
    """A fact of an unknown entity: exit 2 with the problem listed, as for DuckDB's --data."""
    folder = tmp_path / "bad"
    folder.mkdir()
    write_csv(folder / "entities.csv", [{"entity_id": "G", "name": "集团", "parent_id": ""}])
    write_csv(
        folder / "facts.csv",
        [{"entity_id": "NOPE", "period": "2025-06", "item": "revenue", "value": "1", "unit": "元"}],
    )
    result = runner.invoke(app, ["indicators", "--engine", "spark", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 2
    assert "1 problem(s)" in result.output and "NOPE" in result.output


def test_spark_needs_one_data_folder() -> None:
    """Without --data there is nothing for Spark to read: exit 2, saying so."""
    result = runner.invoke(app, ["indicators", "--engine", "spark", "--lang", "en"])
    assert result.exit_code == 2
    assert "needs one --data" in result.output
