"""Issue 19's scenario on the demo group: one subsidiary's January in, and the dashboard must stay on December.

The demo (:func:`guozi.demo.generate_group`, 30 entities, July 2025 – January 2026) is imported up to
December 2025, whose figures every entity has filed. Before issue 19, the first January figure made
every reading command and page jump to January, where the group's cards were all 「—」.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from guozi.cli.common import period_or_latest
from guozi.demo import generate_group
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

DEC, JAN = Period(2025, 12), Period(2026, 1)
TOP, LEAF = "HX00001", "HX00030"  # the group, and a power plant under HX00003


def _alive(entities: pd.DataFrame, period: str) -> int:
    """Entities whose validity interval holds ``period`` (YYYY-MM text compares in order), counted by hand."""
    start = entities.valid_from.fillna("0000-00")
    end = entities.valid_to.fillna("9999-99")
    return int(entities[(start <= period) & (end >= period)].entity_id.nunique())


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Workspace, pd.DataFrame, pd.DataFrame]:
    data = generate_group(entities=30, months=7, end_period="2026-01")
    entities, facts = data.entities.to_pandas(), data.facts.to_pandas()
    folder = tmp_path / "demo"
    folder.mkdir()
    entities.to_csv(folder / "entities.csv", index=False)
    facts[facts.period <= "2025-12"].to_csv(folder / "facts.csv", index=False)
    ws = Workspace.open(f"duckdb:///{tmp_path / 'demo.duckdb'}")
    ws.import_files([folder], user="demo")
    return ws, entities, facts


def _january(tmp_path: Path, facts: pd.DataFrame, *entities: str) -> Path:
    path = tmp_path / f"facts-jan-{len(entities)}.csv"
    facts[(facts.period == "2026-01") & facts.entity_id.isin(entities)].to_csv(path, index=False)
    return path


def test_one_subsidiarys_january_leaves_the_default_on_december(
    demo: tuple[Workspace, pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    ws, entities, facts = demo
    expected_jan = _alive(entities, "2026-01")  # 29: HX00018 was disposed of after December
    assert expected_jan == 29
    assert ws.default_period() == DEC

    ws.import_files([_january(tmp_path, facts, LEAF)], user="filer")
    assert ws.latest_period() == JAN  # what every command used to show
    assert ws.default_period() == DEC
    assert period_or_latest(ws, None) == DEC  # the CLI's default: indicators, report, targets, …
    assert period_or_latest(ws, None, TOP) == DEC
    progress = ws.filing_progress(JAN)
    assert (progress.approved, progress.expected) == (1, expected_jan)
    assert progress.banner("zh") == f"2026-01 填报中 1/{expected_jan}"
    assert ws.filing_progress(DEC).banner("zh") == ""
    cards = ws.indicators(DEC, entity=TOP, indicators=["revenue"], prior=False)
    assert cards.value(TOP, DEC, "revenue") is not None  # the default month's cards hold figures
    empty = ws.indicators(JAN, entity=TOP, indicators=["revenue"], prior=False)
    assert empty.value(TOP, JAN, "revenue") is None  # January's would all be 「—」

    ws.close_period(DEC, user="supervisor")
    assert ws.default_period() == DEC
    rest = [e for e in facts[facts.period == "2026-01"].entity_id.unique() if e != LEAF]
    ws.import_files([_january(tmp_path, facts, *rest)], user="filer")
    assert ws.filing_progress(JAN).complete
    assert ws.default_period() == DEC  # the latest closed month, though January is complete
    ws.close_period(JAN, user="supervisor")
    assert ws.default_period() == JAN
