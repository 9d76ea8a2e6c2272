"""``guozi reconcile`` and ``guozi indicators --view consolidated`` as a user runs them (issue 21).

The group is the hand-worked CAS 33 example of :mod:`tests.engine.test_consolidate`, whose
docstring works out every figure asserted here.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.cli import app
from tests.workspace.test_consolidation import write_group

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    result = runner.invoke(app, ["import", *map(str, write_group(tmp_path)), "--store", url])
    assert result.exit_code == 0, result.output
    return url


def test_reconcile_lists_the_pair_that_does_not_match_first(store: str) -> None:
    result = runner.invoke(app, ["reconcile", "--period", "2025-06", "--entity", "G", "--store", store, "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    got = [
        (r["creditor_id"], r["debtor_id"], r["receivable"], r["payable"], r["difference"], r["mismatch"]) for r in rows
    ]
    # G0's receivable from L 80 against L's payable 70; the others match (L–S0 50, S0–T 100)
    assert [(a, b, float(r), float(p), float(d), m) for a, b, r, p, d, m in got] == [
        ("G0", "L", 80.0, 70.0, 10.0, True),
        ("L", "S0", 50.0, 50.0, 0.0, False),
        ("S0", "T", 100.0, 100.0, 0.0, False),
    ]
    table = runner.invoke(app, ["reconcile", "--period", "2025-06", "--entity", "S", "--store", store])
    assert table.exit_code == 0 and "内部往来对账" in table.output and "0 对不符" in table.output
    csv_out = runner.invoke(
        app, ["reconcile", "--period", "2025-06", "--store", store, "-f", "csv", "--tolerance", "10"]
    )
    assert [r["mismatch"] for r in csv.DictReader(io.StringIO(csv_out.output))] == ["False", "False", "False"]


def test_a_bad_tolerance_or_entity_exits_2(store: str) -> None:
    bad = runner.invoke(app, ["reconcile", "--period", "2025-06", "--store", store, "--tolerance", "abc"])
    assert bad.exit_code == 2 and "--tolerance" in bad.output
    unknown = runner.invoke(app, ["reconcile", "--period", "2025-06", "--entity", "Z", "--store", store])
    assert unknown.exit_code == 2 and "Z" in unknown.output


def test_indicators_view_consolidated_gives_the_filed_figure_and_the_difference(store: str) -> None:
    args = ["indicators", "--period", "2025-06", "--view", "consolidated", "-i", "total_assets", "-i", "debt_ratio"]
    result = runner.invoke(app, [*args, "--store", store, "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = {(r["entity_id"], r["indicator"]): r for r in json.loads(result.output)}
    g = rows["G", "total_assets"]
    assert (float(g["value"]), float(g["reported_value"]), float(g["difference"])) == (4270.0, 4300.0, 30.0)
    assert g["view"] == "consolidated"
    assert float(rows["S", "debt_ratio"]["value"]) == pytest.approx(950 / 1650 * 100, rel=1e-12)
    table = runner.invoke(app, [*args, "--entity", "G", "--store", store])
    assert table.exit_code == 0 and "报送合并" in table.output and "差额" in table.output
