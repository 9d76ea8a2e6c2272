"""``guozi peers``: each of its three tables (peers, standard values, world-class peers) through
the command line, with its options funnelled into the catalogue's one override rule."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.cli import app
from tests.analyses.benchmark.conftest import ENTITIES, group_facts

STANDARDS = """year,indicator,industry,size,excellent,good,average,low,poor,source,note
2024,debt_ratio,C,all,45,55,65,75,85,test,
2024,debt_ratio,C,large,40,50,60,70,80,test,
2024,revenue_profit_margin,all,all,20,15,10,5,0,test,
"""
WEIGHTS = "weights:\n  debt_ratio: 60\n  revenue_profit_margin: 40\n"
OWN = {"--params": WEIGHTS, "--catalog": "benchmark:\n  weights:\n    debt_ratio: 60\n    revenue_profit_margin: 40\n"}


@pytest.fixture
def group(contract: Callable[..., Path]) -> Path:
    """The hand-worked group of tests/analyses/benchmark/conftest.py."""
    return contract(entities=ENTITIES, facts=group_facts(), name="group")


def _overall(out: Path) -> dict[str, str]:
    with out.open(encoding="utf-8-sig") as fh:
        return {r["entity_id"]: r["score"] for r in csv.DictReader(fh) if r["indicator"] == "overall"}


@pytest.mark.parametrize("how", ["--params", "--catalog"])
def test_standard_scores_with_weights_from_either_place(group: Path, tmp_path: Path, how: str) -> None:
    """Weights debt_ratio 60, revenue_profit_margin 40, from a --params file or from the
    ``benchmark:`` section of a --catalog file (the same layer of the one rule, one step earlier).

    A: debt 500/1000 = 50 % → 良好 80 + (55 − 50)/10 × 20 = 90; margin 100/1000 = 10 % → 平均 60;
    overall (60 × 90 + 40 × 60)/100 = 78. B (大型, the C large row): debt 60 % → 平均 60; margin
    300/2000 = 15 % → 良好 80; overall (60 × 60 + 40 × 80)/100 = 68 (test_benchmark.py works the same)."""
    std = tmp_path / "std.csv"
    std.write_text(STANDARDS, encoding="utf-8")
    own = tmp_path / "own.yaml"
    own.write_text(OWN[how], encoding="utf-8")
    out = tmp_path / "scores.csv"
    args = ["peers", "--data", str(group), "--period", "2025-06", "--standards", str(std), how, str(own)]
    result = CliRunner().invoke(app, [*args, "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    overall = _overall(out)
    assert float(overall["A"]) == pytest.approx(78.0)
    assert float(overall["B"]) == pytest.approx(68.0)
    assert overall["G"] == ""  # D44: no debt-ratio row for D or all, so no overall score


def test_standards_and_world_together_are_refused(group: Path) -> None:
    args = ["peers", "--data", str(group), "--entity", "A", "--standards", "example", "--world", "--lang", "en"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "run --standards and --world separately" in result.output


def test_peers_without_an_entity_is_refused(group: Path) -> None:
    result = CliRunner().invoke(app, ["peers", "--data", str(group), "--lang", "en"])
    assert result.exit_code == 2
    assert "--entity is required" in result.output


def test_world_falls_back_to_the_latest_fiscal_year_with_a_note(contract: Callable[..., Path]) -> None:
    """The shipped Fortune set has FY2022 and FY2023 only: ``--period 2025-12`` (a README tour command)
    compares FY2023 on both sides and says so in both languages. Y's 2023 revenue, 36 000 亿元, is
    360,000,000.00 万元 in the table."""
    data = contract(
        entities=[{"entity_id": "Y", "name": "乙集团"}],
        facts=[{"entity_id": "Y", "period": "2023-12", "item": "revenue", "value": 36000, "unit": "亿元"}],
    )
    args = ["peers", "--world", "--data", str(data), "--entity", "Y", "--period", "2025-12", "-i", "revenue"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "尚无 2025 财年数据，改用最近的 2023 财年" in flat and "（fortune_global500，2023 财年）" in flat
    revenue = next(line.split("\t") for line in result.output.splitlines() if line.startswith("营业收入"))
    assert revenue[1] == "360,000,000.00"
    result = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "no figures for FY2025 yet; the latest fiscal year, 2023, is compared instead" in " ".join(
        result.output.split()
    )
