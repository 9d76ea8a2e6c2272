"""The same fact said once: warnings about one entity, period and indicator are one row.

A small panel (figures in 万元, manufacturers, so the lines are 65 % / 70 %, params/debt_lines.yaml):

- A: 负债 7 000 / 资产 10 000 at 2024-12 (70.00 %), 7 250 / 10 000 at 2025-06 (72.50 %): above the
  70 % key-supervision line (debt_ratio_line, high) and above the 65 % warning line and up 2.50 pp on
  the year end (debt_ratio_rising, high) — both about A's 资产负债率: one row, high.
- B: 净利润 −1 万元 in 2024-06, −1.5 万元 in 2025-06: the loss grew by 0.5 / 1 = 50 % (loss_grew,
  high) and a loss (loss, medium) — both about B's 净利润: one row led by loss_grew, high.
- C: 净利润 −2 万元: a loss (loss, medium) — one row.

Five warnings, three rows: high 2, medium 1 (a merged row counts once, under its most serious rule),
on the /warnings page and its JSON, in ``guozi warnings`` and in the report.

Each rule's source reads in Chinese on Chinese pages and outputs (its ``source_zh`` in
rules/warnings.yaml): no run of three English words is left in them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.analyses.warnings import load_rules, source_text, warning_records
from guozi.cli.app import app as cli_app
from guozi.kernel.periods import Period
from guozi.report.model import Table
from guozi.workspace import Workspace
from tests.web.small_store import admin_client, write_group

P = Period(2025, 6)
RULES = ["debt_ratio_line", "debt_ratio_rising", "loss", "loss_grew"]
A_ZH = (
    "资产负债率72.50%，超过工业企业重点监管线70.00%（2017年基准线60.00%）；"
    "已超过预警线65.00%，且较年初70.00%上升2.50个百分点"
)
A_EN = (
    "debt ratio 72.50% is above the key-supervision line of 70.00% for industrial enterprises (baseline 60.00%, "
    "2017); it is above the warning line of 65.00% and rose by 2.50 pp from 70.00% at the previous year end"
)
B_ZH = "本年累计净利润-1.50万元，上年同期-1.00万元，亏损额扩大50.00%；出现亏损"
ENGLISH = re.compile(r"[A-Za-z]+(?:[ ,;:'()-]+[A-Za-z]+){2,}")  # three English words in a row


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [
        "A,2024-12,total_assets,10000",
        "A,2024-12,total_liabilities,7000",
        "A,2025-06,total_assets,10000",
        "A,2025-06,total_liabilities,7250",
        "B,2024-06,net_profit,-1",
        "B,2025-06,net_profit,-1.5",
        "C,2025-06,net_profit,-2",
    ]
    entities = ["entity_id,name,parent_id,industry", "G,集团,,C", "A,甲公司,G,C", "B,乙公司,G,C", "C,丙公司,G,C"]
    return write_group(tmp_path_factory.mktemp("merged"), entities, [f"{r},万元" for r in rows])


@pytest.fixture(scope="module")
def ws(data: Path) -> Iterator[Workspace]:
    w = Workspace.from_data([data])
    yield w
    w.close()


def test_merged_by_entity_period_and_indicator(ws: Workspace) -> None:
    report = ws.warnings(P, only=RULES)
    assert len(report.warnings) == 5
    merged = report.merged()
    assert [(m.entity_id, m.rules, m.severity) for m in merged] == [
        ("A", ("debt_ratio_line", "debt_ratio_rising"), "high"),
        ("B", ("loss_grew", "loss"), "high"),
        ("C", ("loss",), "medium"),
    ]
    a, b, c = merged
    assert a.message("zh") == A_ZH and a.message("en") == A_EN
    assert b.message("zh") == B_ZH and b.severities == ("high", "medium")
    assert c.message("zh") == "本年累计净利润-2.00万元，出现亏损"
    (rec_a, rec_b, _) = warning_records(report, "zh")
    assert rec_a["rules"] == ["debt_ratio_line", "debt_ratio_rising"] and rec_a["message"] == A_ZH
    assert rec_b["rule"] == "loss_grew" and rec_b["severities"] == ["high", "medium"]


def test_cli_warnings_one_row_per_fact(data: Path) -> None:
    base = ["warnings", "--data", str(data), "--period", "2025-06", *[f"--rule={r}" for r in RULES]]
    result = CliRunner().invoke(cli_app, [*base, "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["entity_id"], r["rules"]) for r in rows] == [
        ("A", ["debt_ratio_line", "debt_ratio_rising"]),
        ("B", ["loss_grew", "loss"]),
        ("C", ["loss"]),
    ]
    table = CliRunner().invoke(cli_app, base)
    assert table.exit_code == 0, table.output
    assert "风险预警（3 条）" in table.output and table.output.count("资产负债率72.50%") == 1


def test_report_counts_and_states_each_fact_once(ws: Workspace) -> None:
    report = ws.report(P, entity="G")
    risks = next(s for s in report.sections if s.key == "risks")
    first = risks.blocks[0]
    assert "共触发风险预警3条，其中高风险2条、中风险1条、低风险0条" in first.text.zh  # type: ignore[union-attr]
    high = next(b for b in risks.blocks if isinstance(b, Table) and b.key == "warnings_high")
    messages = [r[2].zh for r in high.rows]  # type: ignore[union-attr]
    assert len(high.rows) == 2 and messages[0] == A_ZH


def test_page_and_json_one_row_per_fact(data: Path, tmp_path: Path) -> None:
    with admin_client(data, tmp_path / "m.duckdb") as client:
        api = client.get("/api/v1/warnings?entity=G&period=2025-06").json()
        page = client.get("/warnings?entity=G&period=2025-06").text
        only_loss = client.get("/api/v1/warnings?entity=G&period=2025-06&rule=loss").json()
    a = next(r for r in api["rows"] if r["entity_id"] == "A")
    assert a["rules"] == ["debt_ratio_line", "debt_ratio_rising"] and a["message"] == A_ZH
    assert len([r for r in api["rows"] if r["entity_id"] in "ABC"]) == 3
    assert sum(api["counts"].values()) == api["total"] == len(api["rows"])
    assert page.count("资产负债率72.50%") == 1
    assert re.search(r"已超过预警线65\.00%", page)
    assert {r["entity_id"] for r in only_loss["rows"]} == {"B", "C"}  # B's row holds loss too
    sources = re.findall(r'<td data-key="source">(.*?)</td>', page)
    assert len(sources) >= 3 and all(s and not ENGLISH.search(s) for s in sources), sources
    assert a["source"].startswith("《关于加强国有企业资产负债约束的指导意见》（2018年）：预警线")


def test_every_shipped_rule_has_its_source_in_chinese() -> None:
    for rule in load_rules().rules:
        zh = source_text(rule.source, "zh")
        assert zh and not ENGLISH.search(zh), (rule.code, zh)
        assert source_text(rule.source, "en") == rule.source
    assert source_text("my own basis", "zh") == "my own basis"  # a user's source shows as written
