"""The catalogue: every contract item and spec indicator present, regimes by year, user overrides."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.errors import CatalogError, NotFoundError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

SPEC = Path(__file__).parents[2] / "docs" / "spec"


def test_every_contract_item_is_in_the_catalogue_with_its_kind() -> None:
    catalog = load_catalog()
    with (SPEC / "items.csv").open(encoding="utf-8") as fh:
        items = list(csv.DictReader(fh))
    assert {r["code"] for r in items} == set(catalog.items)
    for r in items:
        assert catalog.items[r["code"]].kind == r["kind"]
        assert catalog.items[r["code"]].name_zh == r["name_zh"]


def test_every_spec_indicator_is_in_the_catalogue() -> None:
    """The codes in the first column of indicators.md's indicator table."""
    lines = (SPEC / "indicators.md").read_text(encoding="utf-8").splitlines()
    codes = {line.split("|")[1].strip().strip("`") for line in lines if line.startswith("| `")}
    assert len(codes) == 19
    assert codes <= set(load_catalog().indicators)


def test_unconfirmed_definitions_are_marked() -> None:
    catalog = load_catalog()
    for code in ("cash_collection_ratio", "roe_annualized", "revenue_profit_margin", "eva"):
        assert catalog.indicators[code].confirmed is False, code
    assert catalog.indicators["debt_ratio"].confirmed is True


@pytest.mark.parametrize(
    ("year", "name", "indicators"),
    [
        (2020, "两利三率", ["total_profit", "net_profit", "debt_ratio", "revenue_profit_margin", "rd_intensity"]),
        (2021, "两利四率", ["total_profit", "net_profit", "debt_ratio", "revenue_profit_margin", "rd_intensity", "labor_productivity"]),
        (2022, "两利四率", ["total_profit", "net_profit", "debt_ratio", "revenue_profit_margin", "rd_intensity", "labor_productivity"]),
        (2023, "一利五率", ["total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity", "operating_cash_ratio"]),
        (2024, "一利五率", ["total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity", "operating_cash_ratio"]),
        (2025, "一利五率（2025）", ["total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity", "cash_collection_ratio"]),
        (2026, "一利五率（2026）", ["total_profit", "debt_ratio", "roe", "rd_intensity", "labor_productivity", "cash_collection_ratio"]),
    ],
)  # fmt: skip
def test_each_year_picks_its_regime(year: int, name: str, indicators: list[str]) -> None:
    regime = load_catalog().regime_for(year)
    assert regime.name_zh == name
    assert list(regime.indicators) == indicators


def test_no_regime_before_2020() -> None:
    with pytest.raises(NotFoundError):
        load_catalog().regime_for(2019)


def test_target_phrases_are_data() -> None:
    catalog = load_catalog()
    assert catalog.regime_for(2022).phrase_zh == "两增一控三提高"
    assert catalog.regime_for(2023).phrase_zh == "一增一稳四提升"
    stable = [c for c in catalog.regime_for(2025).clauses if c.test == "stable"]
    assert [c.indicator for c in stable] == ["debt_ratio"]
    assert catalog.parameters[stable[0].parameter] == 1


def _company(workspace_of: Callable[..., Workspace]) -> Workspace:
    return workspace_of(
        entities=[{"entity_id": "E", "name": "例"}],
        facts=[
            {"entity_id": "E", "period": "2023-12", "item": k, "value": v, "unit": "元"}
            for k, v in (("revenue", 1000), ("total_profit", 80), ("operating_profit", 60), ("total_assets", 500), ("total_liabilities", 300))
        ],
    )  # fmt: skip


def test_workspace_uses_the_regime_of_the_period_or_the_one_asked_for(workspace_of: Callable[..., Workspace]) -> None:
    ws = _company(workspace_of)
    dec = Period(2023, 12)
    assert set(ws.indicators(dec).frame.indicator) == set(load_catalog().regime_for(2023).indicators)
    assert set(ws.indicators(dec, regime="2020").frame.indicator) == set(load_catalog().regime_for(2020).indicators)


def test_a_user_catalogue_overrides_an_indicator(tmp_path: Path, workspace_of: Callable[..., Workspace]) -> None:
    """营业收入利润率 on operating profit instead of total profit: 60 / 1 000 = 6 % instead of 8 %."""
    user = tmp_path / "mine.yaml"
    user.write_text(
        "indicators:\n"
        "  - code: revenue_profit_margin\n"
        "    name_zh: 营业收入利润率（营业利润口径）\n"
        "    unit: '%'\n"
        "    formula: operating_profit / revenue\n"
        "    direction: higher\n"
        "  - code: cost_ratio\n"
        "    name_zh: 利润率倒数\n"
        "    unit: 倍\n"
        "    formula: revenue / total_profit\n",
        encoding="utf-8",
    )
    ws = _company(workspace_of)
    dec = Period(2023, 12)
    assert ws.indicators(dec, indicators=["revenue_profit_margin"]).value(
        "E", dec, "revenue_profit_margin"
    ) == pytest.approx(8.0)
    mine = Workspace(ws.store, load_catalog([user]))
    assert mine.indicators(dec, indicators=["revenue_profit_margin"]).value(
        "E", dec, "revenue_profit_margin"
    ) == pytest.approx(6.0)
    assert mine.indicators(dec, indicators=["cost_ratio"]).value("E", dec, "cost_ratio") == pytest.approx(12.5)
    assert mine.catalog.indicators["revenue_profit_margin"].origin == str(user)


@pytest.mark.parametrize(
    ("formula", "words"),
    [
        ("revenue / nothing_such", "nothing_such"),
        ("avg(revenue)", "stock"),
        ("__import__('os').system('true')", "unexpected character"),
        ("revenue /", "unexpected end"),
        ("bogus(revenue)", "unknown function"),
        ("loop_b", "cycle"),
    ],
)
def test_bad_user_formulas_are_refused_with_a_reason(tmp_path: Path, formula: str, words: str) -> None:
    user = tmp_path / "bad.yaml"
    user.write_text(
        "indicators:\n"
        f'  - {{code: loop_a, name_zh: 甲, unit: "%", formula: "{formula}"}}\n'
        '  - {code: loop_b, name_zh: 乙, unit: "%", formula: "loop_a"}\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as info:
        load_catalog([user])
    assert words in info.value.message_en


def test_2026_carries_the_2025_regime_over_unconfirmed() -> None:
    """guozi spec indicators.md (December 2026): no change to 一利五率 was published for 2026, so the
    2025 regime carries over, marked unconfirmed; 2025 itself is as published."""
    catalog = load_catalog()
    y2025, y2026 = catalog.regime_for(2025), catalog.regime_for(2026)
    assert (y2025.code, y2025.to_year, y2025.confirmed) == ("2025", 2025, True)
    assert (y2026.code, y2026.from_year, y2026.to_year, y2026.confirmed) == ("2026", 2026, None, False)
    assert (y2026.indicators, y2026.clauses, y2026.phrase_zh) == (y2025.indicators, y2025.clauses, y2025.phrase_zh)
    assert "2025" in y2026.note and y2026.source
    assert catalog.regime_for(2031) is y2026


def test_cash_collection_ratio_has_a_switchable_second_definition(
    tmp_path: Path, workspace_of: Callable[..., Workspace]
) -> None:
    """营业收现率, two definitions in print (guozi spec indicators.md, December 2026). Revenue 1 000,
    销售商品、提供劳务收到的现金 900, 经营活动现金流入小计 1 100: the default 900 / 1 000 = 90 %, the
    alternative 1 100 / 1 000 = 110 %; a catalogue file pointing cash_collection_ratio at the
    alternative makes the regime's indicator 110 %."""
    catalog = load_catalog()
    item = catalog.items["operating_cash_inflow"]
    assert (item.name_zh, item.kind, item.statement) == ("经营活动现金流入小计", "flow", "cash")
    alternative = catalog.indicators["cash_collection_ratio_inflow"]
    assert (alternative.formula, alternative.unit, alternative.confirmed) == (
        "operating_cash_inflow / revenue",
        "%",
        False,
    )
    ws = workspace_of(
        entities=[{"entity_id": "E", "name": "例"}],
        facts=[
            {"entity_id": "E", "period": "2025-12", "item": k, "value": v, "unit": "元"}
            for k, v in (("revenue", 1000), ("cash_from_sales", 900), ("operating_cash_inflow", 1100))
        ],
    )
    dec = Period(2025, 12)
    codes = ["cash_collection_ratio", "cash_collection_ratio_inflow"]
    panel = ws.indicators(dec, indicators=codes)
    assert panel.value("E", dec, "cash_collection_ratio") == pytest.approx(90.0)
    assert panel.value("E", dec, "cash_collection_ratio_inflow") == pytest.approx(110.0)
    switch = tmp_path / "inflow.yaml"
    switch.write_text(
        "indicators:\n"
        "  - code: cash_collection_ratio\n"
        "    name_zh: 营业收现率\n"
        "    unit: '%'\n"
        "    formula: cash_collection_ratio_inflow\n"
        "    direction: higher\n",
        encoding="utf-8",
    )
    switched = Workspace(ws.store, load_catalog([switch]))
    assert switched.indicators(dec, indicators=["cash_collection_ratio"]).value(
        "E", dec, "cash_collection_ratio"
    ) == pytest.approx(110.0)
