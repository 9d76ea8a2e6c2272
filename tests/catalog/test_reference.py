"""The published central-enterprise aggregates (catalog/reference.py): figures carry their basis,
快报 or 决算, and are looked up and compared only within one basis."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from guozi.catalog.reference import BASES, load_central_aggregates
from guozi.kernel.errors import GuoziError, InvalidInputError
from guozi.kernel.periods import Period

DEC_2023, DEC_2025 = Period(2023, 12), Period(2025, 12)


def test_2023_has_both_bases_and_each_look_up_names_one() -> None:
    """guozi spec indicators.md (December 2026): for 2023 the January 快报 release gave 营业现金比率
    10.1 % and 劳动生产率 78.4 万元/人; the 决算-based 《中央企业高质量发展报告(2024)》 11.2 % and 78.7."""
    agg = load_central_aggregates()
    assert agg.bases(DEC_2023, "operating_cash_ratio") == BASES
    quick, final = (agg.figure(DEC_2023, "operating_cash_ratio", b) for b in ("快报", "决算"))
    assert quick is not None and final is not None
    assert (quick.value, final.value) == (Decimal("10.1"), Decimal("11.2"))
    labour = agg.figure(DEC_2023, "labor_productivity", "决算")
    assert labour is not None and labour.value == Decimal("78.7") and labour.unit == "万元/人"


def test_the_2025_fast_report_rows() -> None:
    """2025 (快报): 利润总额 2.5 万亿元, 固定资产投资 5.1, 战略性新兴产业投资 2.5 (41.8 % of the total
    investment), 全员劳动生产率 83.6 万元/人; no 决算 figure of 2025 yet."""
    agg = load_central_aggregates()
    got = {i: agg.figure(DEC_2025, i, "快报") for i in ("total_profit", "fixed_asset_investment", "sei_investment")}
    assert {i: (a.value, a.unit) for i, a in got.items() if a is not None} == {
        "total_profit": (Decimal("2.5"), "万亿元"),
        "fixed_asset_investment": (Decimal("5.1"), "万亿元"),
        "sei_investment": (Decimal("2.5"), "万亿元"),
    }
    assert "41.8" in got["sei_investment"].note if got["sei_investment"] else False
    labour = agg.figure(DEC_2025, "labor_productivity", "快报")
    assert labour is not None and labour.value == Decimal("83.6")
    assert agg.bases(DEC_2025, "total_profit") == ("快报",)


def test_figures_of_different_bases_are_never_compared() -> None:
    """快报 labour productivity 2025 (83.6) against 2024 (81.2): +2.4 万元/人; against the 2023 决算
    figure (78.7) the comparison is refused, and so is a look-up without a known basis."""
    agg = load_central_aggregates()
    y2025, y2024 = (
        agg.figure(DEC_2025, "labor_productivity", "快报"),
        agg.figure(Period(2024, 12), "labor_productivity", "快报"),
    )
    final_2023 = agg.figure(DEC_2023, "labor_productivity", "决算")
    assert y2025 is not None and y2024 is not None and final_2023 is not None
    assert agg.change(y2025, y2024) == Decimal("2.4")
    with pytest.raises(GuoziError, match="different bases"):
        agg.change(y2025, final_2023)
    with pytest.raises(GuoziError, match="basis must be one of"):
        agg.series("labor_productivity", "")
    assert [a.period for a in agg.series("labor_productivity", "决算")] == [Period(2022, 12), DEC_2023]


def test_every_shipped_row_has_a_basis_and_a_source() -> None:
    agg = load_central_aggregates()
    assert len(agg.rows) == 52
    assert all(a.basis in BASES and a.source and a.scope == "中央企业" for a in agg.rows)


def test_a_bad_file_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "agg.csv"
    bad.write_text(
        "period,indicator,value,unit,basis,scope,source,note\n"
        "2025-12,total_profit,2.5,万亿元,初步,中央企业,x,\n"  # row 2: unknown basis
        "2025-13,total_profit,abc,万亿元,快报,中央企业,x,\n"  # row 3: bad period and value
        "2025-12,total_profit,2.6,万亿元,快报,中央企业,x,\n"
        "2025-12,total_profit,2.7,万亿元,快报,中央企业,x,\n",  # row 5: repeats row 4
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as caught:
        load_central_aggregates(bad)
    assert [(p.rule, p.row, p.column) for p in caught.value.problems] == [
        ("reference.basis", 2, "basis"),
        ("period.format", 3, "period"),
        ("value.not_numeric", 3, "value"),
        ("reference.duplicate", 5, "basis"),
    ]
