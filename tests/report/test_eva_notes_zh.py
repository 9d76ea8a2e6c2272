"""The EVA notes on Chinese outputs are Chinese (issue 20): the parameters' sources and notes of
``params/eva.yaml`` carry ``source_zh``/``note_zh``, shown on the Chinese report, the Chinese
``guozi eva`` breakdown and parameter tables; the English outputs keep the sources as written.

The demo report of 2025-12 uses the 2025 cost of debt, 3.00 % (1-year LPR from 2025-05-20, not
confirmed by the EVA rules' text), so its EVA table's note names that source: in Chinese
「全国银行间同业拆借中心公布的1年期贷款市场报价利率（LPR），2025年5月20日起」.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from guozi.analyses.eva import breakdown_records, compute_eva, load_eva_params, parameter_records
from guozi.report.model import Report
from tests.report.conftest import PERIOD

# two Latin words in a row: an English phrase ("National Interbank", "the treatment"); a code or
# a name alone between Chinese words (EVA, LPR, guozi, D44, indicators.md) is not one
ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,;:()]+[A-Za-z]{2,}")
LPR_ZH = "全国银行间同业拆借中心公布的1年期贷款市场报价利率（LPR），2025年5月20日起"


def _eva_notes(report: Report) -> list[Any]:
    (section,) = [s for s in report.sections if s.key == "eva"]
    (table,) = section.tables()
    return list(table.notes)


def test_the_chinese_report_s_eva_notes_have_no_english(written: dict[str, Any]) -> None:
    notes = _eva_notes(written["report"])
    zh = [n("zh") for n in notes]
    assert any(LPR_ZH in n for n in zh), zh
    assert [n for n in zh if ENGLISH.search(n)] == []
    assert any("National Interbank Funding Center" in n("en") for n in notes)


def test_the_chinese_eva_tables_give_sources_and_notes_in_chinese(written: dict[str, Any]) -> None:
    report = compute_eva(written["demo"], PERIOD, entity="HX00001")
    steps = {s["step"]: s for s in breakdown_records(report, "zh")}
    assert steps["cost_of_debt"]["source"] == f"{LPR_ZH}（2025）"
    params = parameter_records(report, "zh")
    texts = [str(p[k]) for p in params for k in ("source", "note")]
    assert [t for t in texts if ENGLISH.search(t)] == []
    by_key = {p["parameter"]: p for p in params}
    assert by_key["non_recurring_share"]["note"].startswith("此后处理方法有过变化")
    en = {p["parameter"]: p for p in parameter_records(report, "en")}
    assert en["non_recurring_share"]["note"].startswith("the treatment has varied since")


def test_a_user_source_without_chinese_is_shown_as_written(tmp_path: Path) -> None:
    path = tmp_path / "eva.yaml"
    path.write_text(
        'cost_of_debt:\n  - {year: 2025, method: rate, value: 4, source: "board minute 2025-03", confirmed: false}\n',
        encoding="utf-8",
    )
    entry = load_eva_params([path]).pick("cost_of_debt", 2025)
    assert entry.source_in("zh") == entry.source_in("en") == "board minute 2025-03"
