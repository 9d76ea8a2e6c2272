"""Tests of the shipped public-company demo data and of its conversion."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from guozi.demo import public_companies
from guozi.demo.public_companies import DEFAULT_OUT, convert

_FILES = ("entities.csv", "facts.csv", "sources.csv")


def _source() -> Path:
    """The shared public_companies.csv (GUOZI_PUBLIC_COMPANIES overrides where it lives)."""
    return Path(os.environ.get("GUOZI_PUBLIC_COMPANIES", public_companies.DEFAULT_SOURCE))


def _rows(name: str) -> list[dict[str, str]]:
    with (DEFAULT_OUT / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fact(entity: str, period: str, item: str) -> tuple[str, str]:
    (row,) = [r for r in _rows("facts.csv") if (r["entity_id"], r["period"], r["item"]) == (entity, period, item)]
    return row["value"], row["unit"]


def test_shipped_files_equal_a_fresh_conversion(tmp_path: Path) -> None:
    source = _source()
    if not source.is_file():
        pytest.skip(f"the shared source {source} is not available")
    convert(source, tmp_path)
    for name in _FILES:
        assert (tmp_path / name).read_bytes() == (DEFAULT_OUT / name).read_bytes(), name


def test_entities_are_the_companies_by_ticker() -> None:
    entities = {row["entity_id"]: row for row in _rows("entities.csv")}
    assert len(entities) == 12
    assert entities["601668"]["name"] == "中国建筑 China State Construction"
    assert entities["601668"]["industry"] == "E47"
    assert entities["002415"]["industry"] == "C39"  # leading zeros kept
    assert entities["600941"]["category"] == "commercial_strategic"
    assert all(row["parent_id"] == "" for row in entities.values())
    assert {row["category"] for row in entities.values()} == {
        "commercial_competitive",
        "commercial_strategic",
    }


def test_values_are_kept_exactly_as_printed_with_contract_units() -> None:
    assert _fact("601668", "2023-12", "total_profit") == ("92995473", "千元")
    assert _fact("601186", "2022-12", "net_profit") == ("3179400.00", "万元")
    assert _fact("601728", "2022-12", "total_assets") == ("807698157613.04", "元")
    assert _fact("600941", "2023-12", "revenue") == ("1009.3", "billion")
    assert _fact("600941", "2022-12", "revenue") == ("937259", "million")
    assert _fact("003816", "2023-12", "revenue") == ("825.49", "亿元")
    assert _fact("601857", "2023-12", "income_tax") == ("57169000", "千元")
    assert _fact("601800", "2023-12", "operating_cash_flow") == ("12074", "million")
    units = {row["unit"] for row in _rows("facts.csv")}
    assert units <= {"元", "千元", "万元", "亿元", "million", "billion"}


def test_one_value_per_fact_and_the_cas_line_preferred() -> None:
    facts = _rows("facts.csv")
    keys = [(r["entity_id"], r["period"], r["item"]) for r in facts]
    assert len(keys) == len(set(keys))
    # 中国交建 2023: the CAS 营业收入 wins over the vendor's HK figure; 2022 has only the HK one.
    assert _fact("601800", "2023-12", "revenue") == ("7586.8", "亿元")
    assert _fact("601800", "2022-12", "revenue") == ("717473000000", "元")
    # 中国移动's opening balance of 2023 is the year-end figure of 2022.
    assert _fact("600941", "2022-12", "total_assets") == ("19002", "亿元")


def test_ratios_are_not_facts_but_keep_their_source() -> None:
    items = {row["item"] for row in _rows("facts.csv")}
    assert not items & {"debt_ratio", "roe_weighted", "roe", "op_cash_ratio", "rd_ratio"}
    sources = _rows("sources.csv")
    assert len(sources) == 97  # every row of the source, facts and ratios alike
    (debt,) = [r for r in sources if (r["entity_id"], r["period"], r["item"]) == ("601668", "2023-12", "debt_ratio")]
    assert (debt["value"], debt["unit"]) == ("74.820", "%")
    assert debt["source_url"] == ("https://m.etnet.com.hk/www/sc/ashares/quote_ci_ratio.php?code=601668")
    assert debt["note"].startswith("[not a fact")
    (profit,) = [
        r for r in sources if (r["entity_id"], r["period"], r["item"]) == ("601668", "2023-12", "total_profit")
    ]
    assert profit["source_url"] == "https://hk.finance.yahoo.com/quote/601668.SS/financials"
    assert profit["note"].startswith("[fact] total_profit_利润总额: Yahoo 稅前收益")


def test_sources_say_which_duplicate_was_chosen() -> None:
    notes = [
        r["note"]
        for r in _rows("sources.csv")
        if (r["entity_id"], r["period"], r["item"]) == ("601800", "2023-12", "revenue")
    ]
    assert len(notes) == 2
    (chosen,) = [n for n in notes if n.startswith("[fact]")]
    (dropped,) = [n for n in notes if n.startswith("[duplicate")]
    assert "revenue_营业收入:" in chosen
    assert "facts.csv has revenue_营业收入 = 7586.8 亿元" in dropped
    assert "(HK口径)" in dropped
    facts = {(r["entity_id"], r["period"], r["item"]) for r in _rows("facts.csv")}
    sources_facts = {
        (r["entity_id"], r["period"], r["item"]) for r in _rows("sources.csv") if r["note"].startswith("[fact]")
    }
    assert facts == sources_facts
