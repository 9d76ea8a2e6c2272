"""Acceptance of issue 16's second finding: a trillion-yuan entity checks, imports and gives its exact debt ratio.

Before issue 16 an entity with 2.5 万亿元 of liabilities made ``guozi check`` and ``guozi import``
exit 1: the debt-ratio rule multiplied a DECIMAL(18, 4) by 100 and DuckDB overflowed.

The figures are illustrative, of the order of State Grid's (its annual reports give total assets
of about 5 万亿元; the round figures here are not quoted from any report):

* SG (电网公司): 资产总计 36 000 亿元 = 3 600 000 000 000 元, 负债合计 25 000 亿元 = 2 500 000 000 000 元,
  所有者权益 11 000 亿元 (36 000 = 25 000 + 11 000: the balance sheet balances).
  Debt ratio 25 000 / 36 000 × 100 = 625 / 9 % = 69.444 444 444 444 444… %.
* NL (近限公司), just below the store's limit of 10^16 元, in 元 with four decimals (20 digits):
  资产 9 500 000 000 000 000, 负债 8 999 999 999 999 999.9999, 权益 500 000 000 000 000.0001
  (8 999 999 999 999 999.9999 + 500 000 000 000 000.0001 = 9 500 000 000 000 000).
  Debt ratio 8 999 999 999 999 999.9999 / 9 500 000 000 000 000 × 100 = 94.736 842 105 263 157 893… %.
* G (集团), the parent, reports its own consolidated figures, the sums of the two:
  资产 9 503 600 000 000 000, 负债 9 002 499 999 999 999.9999, 权益 501 100 000 000 000.0001;
  debt ratio 9 002 499 999 999 999.9999 / 9 503 600 000 000 000 × 100 = 94.727 261 248 369 039… %.

Ratios are float64 (the engine divides in floats; machine formats print them unrounded): each is
compared with its exact value, worked with :class:`~decimal.Decimal`, to 12 decimals (14
significant digits, within a float64's 15); amounts are exact decimals and compared exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from guozi.analyses.benchmark.world import load_peer_set, world_comparison
from guozi.cli import app
from guozi.workspace import Workspace

from .conftest import write_csv
from .pg import drop_database, fresh_database

runner = CliRunner()
PERIOD = "2025-12"
ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": ""},
    {"entity_id": "SG", "name": "电网公司", "parent_id": "G"},
    {"entity_id": "NL", "name": "近限公司", "parent_id": "G"},
]
FIGURES = {  # entity: (unit, assets, liabilities, equity)
    "SG": ("亿元", "36000", "25000", "11000"),
    "NL": ("元", "9500000000000000", "8999999999999999.9999", "500000000000000.0001"),
    "G": ("元", "9503600000000000", "9002499999999999.9999", "501100000000000.0001"),
}
ITEMS = ("total_assets", "total_liabilities", "total_equity")
# the debt ratios worked by hand, exact to 28 digits (Decimal's default context)
SG_RATIO = Decimal(25_000) * 100 / Decimal(36_000)  # = 625 / 9
NL_RATIO = Decimal("8999999999999999.9999") * 100 / Decimal("9500000000000000")
G_RATIO = Decimal("9002499999999999.9999") * 100 / Decimal("9503600000000000")
TWELVE = Decimal("1e-12")


def _folder(root: Path) -> Path:
    folder = root / "trillions"
    folder.mkdir()
    write_csv(folder / "entities.csv", ENTITIES)
    rows = [
        {"entity_id": e, "period": PERIOD, "item": item, "value": value, "unit": unit}
        for e, (unit, *values) in FIGURES.items()
        for item, value in zip(ITEMS, values, strict=True)
    ]
    write_csv(folder / "facts.csv", rows, ("entity_id", "period", "item", "value", "unit"))
    return folder


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _indicators(args: list[str]) -> dict[tuple[str, str], Any]:
    """``guozi indicators --format json`` as {(entity, indicator): value}, numbers read as Decimal."""
    out = _ok(["indicators", "--period", PERIOD, "-i", "debt_ratio", "-i", "total_assets", "--format", "json", *args])
    return {(r["entity_id"], r["indicator"]): r["value"] for r in json.loads(out, parse_float=Decimal)}


def _assert_exact(got: dict[tuple[str, str], Any]) -> None:
    # 625 / 9 = 69.444…: the float64 nearest it is 69.44444444444444, which 2.5e12 / 3.6e12 × 100 gives
    assert got["SG", "debt_ratio"] == Decimal(repr(float(Decimal(625) / Decimal(9))))
    assert got["SG", "debt_ratio"].quantize(TWELVE) == SG_RATIO.quantize(TWELVE) == Decimal("69.444444444444")
    assert got["NL", "debt_ratio"].quantize(TWELVE) == NL_RATIO.quantize(TWELVE) == Decimal("94.736842105263")
    assert got["G", "debt_ratio"].quantize(TWELVE) == G_RATIO.quantize(TWELVE) == Decimal("94.727261248369")
    assert got["SG", "total_assets"] == Decimal(3_600_000_000_000)
    assert got["NL", "total_assets"] == Decimal(9_500_000_000_000_000)


def _check_import_indicators(folder: Path, store: str) -> None:
    files = [str(folder / "entities.csv"), str(folder / "facts.csv")]
    checked = runner.invoke(app, ["check", *files, "--store", store])
    assert checked.exit_code == 0, checked.output
    assert checked.output.strip() == "校验通过：2 个文件，9 条数据"  # no problem at all, not even a notice
    _ok(["import", *files, "--store", store, "--user", "验收"])
    _assert_exact(_indicators(["--store", store]))
    # the children's sums, G = SG + NL: the same figures as G's own (above), added up by the engine
    children = _indicators(["--store", store, "--view", "children", "--entity", "G"])
    assert children["G", "total_assets"] == Decimal(9_503_600_000_000_000)
    assert children["G", "debt_ratio"].quantize(TWELVE) == G_RATIO.quantize(TWELVE)


def test_a_trillion_yuan_entity_checks_imports_and_gives_its_exact_debt_ratio(tmp_path: Path) -> None:
    """DuckDB store: check and import exit 0; the debt ratios and amounts as worked above."""
    _check_import_indicators(_folder(tmp_path), f"duckdb:///{tmp_path / 's.duckdb'}")


def test_the_same_on_postgresql(tmp_path: Path) -> None:
    """PostgreSQL store (tests/pg.py): the same commands, the same figures."""
    url = fresh_database("trillions")
    try:
        _check_import_indicators(_folder(tmp_path), url)
    finally:
        drop_database(url)


def test_the_same_read_by_spark(tmp_path: Path) -> None:
    """Spark reads the contract folder itself (checked first), converting 亿元 and 20-digit 元 exactly."""
    folder = _folder(tmp_path)
    spark = ["--engine", "spark", "--data", str(folder), "--spark-master", "local[2]"]
    spark += ["--spark-conf", "spark.sql.shuffle.partitions=2", "--spark-conf", "spark.ui.enabled=false"]
    _assert_exact(_indicators(spark))


def test_the_same_from_files_with_duckdb(tmp_path: Path) -> None:
    """``--data`` on DuckDB: the folder checked and held in memory, the same figures."""
    _assert_exact(_indicators(["--data", str(_folder(tmp_path))]))


@pytest.mark.parametrize(
    ("value", "unit"),
    [("10000000000000000", "元"), ("1e16", "元"), ("100000000", "亿元"), ("-10000000000000000", "元")],
)
def test_ten_to_the_sixteen_yuan_is_refused_naming_the_limit(tmp_path: Path, value: str, unit: str) -> None:
    """10^16 元 (written out, as 1e16, as 1 亿亿 = 100 000 000 亿元, or negative) is at the limit, which
    is exclusive: check exits 2 naming it, and import stores nothing."""
    folder = _folder(tmp_path)
    write_csv(
        folder / "facts.csv",
        [{"entity_id": "SG", "period": PERIOD, "item": "total_assets", "value": value, "unit": unit}],
        ("entity_id", "period", "item", "value", "unit"),
    )
    store = f"duckdb:///{tmp_path / 's.duckdb'}"
    files = [str(folder / "entities.csv"), str(folder / "facts.csv")]
    checked = runner.invoke(app, ["check", *files, "--store", store, "--lang", "en", "--format", "json"])
    assert checked.exit_code == 2, checked.output
    (problem,) = json.loads(checked.stdout)
    assert (problem["rule"], problem["row"], problem["column"]) == ("value.range", 2, "value")
    assert problem["message"].startswith(f"value out of range: {value} {unit}")
    assert problem["expected"] == "|value| < 10^16 yuan" and "10^16 yuan" in problem["message"]
    assert runner.invoke(app, ["import", *files, "--store", store]).exit_code == 2


def test_a_world_peer_of_a_hundred_trillion_yuan_is_compared_exactly(
    workspace_of: Callable[..., Workspace], tmp_path: Path
) -> None:
    """World comparisons hold converted peer figures in the store's decimal too (guozi.analyses.benchmark.world): a peer
    with revenue 20 000 000 USD million at the 2024 rate 7.1217 (NBS annual average, shipped) is
    20 000 000 × 1 000 000 × 7.1217 = 142 434 000 000 000 元 (illustrative: above the former limit of
    10^14 元 and 18 digits, below 10^16 元). X's 36 000 亿元 = 3 600 000 000 000 元 ranks 2 of 2."""
    ws = workspace_of(
        entities=[{"entity_id": "X", "name": "某央企"}],
        facts=[{"entity_id": "X", "period": "2024-12", "item": "revenue", "value": 36000, "unit": "亿元"}],
    )
    peers = tmp_path / "peers.csv"
    peers.write_text("fiscal_year,company,item,value,unit\n2024,Mega,revenue,20000000,USD million\n", encoding="utf-8")
    row = world_comparison(ws, 2024, "X", peer_set=load_peer_set(peers, ws.catalog)).row("revenue")
    assert row.value == Decimal(3_600_000_000_000)
    assert row.stats.best == Decimal("142434000000000")
    assert (row.rank, row.standing.ranked) == (2, 2)
