"""External peer sets: units as printed, yearly average exchange rates, and world comparisons by hand.

Rates are the National Bureau of Statistics annual averages shipped in
``catalog/data/reference/exchange_rates.csv``: 2022 6.7261, 2024 7.1217 yuan per US dollar.
Fortune Global 500 figures are those of ``catalog/data/peers/fortune_global500.csv`` (second-hand).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.analyses.benchmark.world import (
    PrintedUnit,
    convert,
    load_peer_set,
    load_rates,
    parse_unit,
    world_chart,
    world_company_records,
    world_comparison,
    world_records,
)
from guozi.catalog import load_catalog
from guozi.kernel.errors import InvalidInputError, NotFoundError
from guozi.workspace import Workspace

TextWriter = Callable[[str, str], Path]
M = Decimal(10) ** 6


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("USD million", PrintedUnit("USD", Decimal(10) ** 6)),
        ("USD billion", PrintedUnit("USD", Decimal(10) ** 9)),
        ("USD 100m (亿美元)", PrintedUnit("USD", Decimal(10) ** 8)),
        ("亿美元", PrintedUnit("USD", Decimal(10) ** 8)),
        ("万元", PrintedUnit("CNY", Decimal(10) ** 4)),
        ("million EUR", PrintedUnit("EUR", Decimal(10) ** 6)),
        ("persons", PrintedUnit(None, Decimal(1))),
        ("USD zillion", None),
    ],
)
def test_units_as_printed(text: str, unit: PrintedUnit | None) -> None:
    """Currency and scale of the units the Fortune lists and Chinese reports print."""
    assert parse_unit(text) == unit


def test_shipped_rates_and_their_source() -> None:
    """NBS statistical communiqué on 2022: 6.7261 yuan per dollar (annual average)."""
    rates = load_rates()
    r = rates.rate(2022, "USD")
    assert r.cny_per_unit == Decimal("6.7261")
    assert "National Bureau of Statistics" in r.source
    assert rates.rate(2022, "CNY").cny_per_unit == 1
    with pytest.raises(NotFoundError, match="2021"):
        rates.rate(2021, "USD")


def test_currency_conversion_of_the_fortune_figures() -> None:
    """State Grid, FY2022 revenue USD 530,009 million: 530009 × 6.7261 = 3,564,893.5349 million
    yuan (530000 × 6.7261 = 3,564,833; 9 × 6.7261 = 60.5349) = 3,564,893,534,900 元.
    CSCEC, FY2022 revenue USD 3058.85 亿: 3058.85 × 6.7261 = 20,574.130985 亿元
    (3000 × 6.7261 = 20,178.3; 58.85 × 6.7261 = 395.830985) = 2,057,413,098,500 元."""
    fortune = load_peer_set(None, load_catalog())
    rates = load_rates()
    by = {(f.company, f.fiscal_year, f.item): f for f in fortune.figures}
    sg = convert(by[("State Grid 国家电网", 2022, "revenue")], rates)
    assert sg.value == Decimal("3564893534900")
    assert sg.rate is not None and sg.rate.year == 2022
    cscec = convert(by[("China State Construction Engineering 中国建筑集团", 2022, "revenue")], rates)
    assert cscec.value == Decimal("2057413098500")
    staff = convert(by[("State Grid 国家电网", 2022, "employees")], rates)
    assert (staff.value, staff.rate) == (Decimal(870287), None)


def test_user_rates_override_and_add(write_file: TextWriter) -> None:
    """A user's file replaces the 2022 dollar rate and adds a euro rate (test values)."""
    mine = write_file("rates.csv", "year,currency,cny_per_unit,source\n2022,USD,7,test\n2022,EUR,7.5,test\n")
    rates = load_rates([mine])
    assert rates.to_cny(Decimal(2), "USD", 2022) == Decimal(14)
    assert rates.to_cny(Decimal(2), "EUR", 2022) == Decimal(15)
    assert rates.rate(2024, "USD").cny_per_unit == Decimal("7.1217")  # the shipped one still holds


def test_fortune_set_is_shipped_with_sources_and_marked_second_hand() -> None:
    """The 2023 list (FY2022) has 12 companies with revenue; every row is second-hand; the
    Sinopec FY2023 profit keeps its CONFLICT note."""
    fortune = load_peer_set(None, load_catalog())
    assert len(fortune.companies(2022)) == 12
    assert all(f.second_hand is True for f in fortune.figures)
    assert all(f.source_url.startswith("http") for f in fortune.figures)
    sinopec = [f for f in fortune.figures if f.company.startswith("Sinopec") and f.fiscal_year == 2023]
    assert any("CONFLICT" in f.note for f in sinopec if f.item == "net_profit")


PEERS = """# a test peer set in the contract's format
list_year,fiscal_year,company,country,item,value,unit,source_url,note,second_hand
2025,2024,Alpha,USA,revenue,100,USD million,https://example.org/a,,no
2025,2024,Alpha,USA,profit,10,USD million,https://example.org/a,,no
2025,2024,Alpha,USA,employees,1000,persons,https://example.org/a,,no
2025,2024,Beta,UK,revenue,50,USD million,https://example.org/b,,yes
2025,2024,Beta,UK,profit,10,USD million,https://example.org/b,,yes
2025,2024,Beta,UK,employees,250,persons,https://example.org/b,,yes
2025,2024,Gamma,China,revenue,5,亿元,https://example.org/c,no profit published,no
2025,2024,Gamma,China,employees,500,persons,https://example.org/c,,no
"""


@pytest.fixture
def x_ws(workspace_of: Callable[..., Workspace]) -> Workspace:
    """Entity X at 2024-12: revenue 600,000,000 元, net profit 90,000,000 元, 1,500 employees."""
    facts = [
        {"entity_id": "X", "period": "2024-12", "item": i, "value": v, "unit": u}
        for i, v, u in [("revenue", 60000, "万元"), ("net_profit", 9000, "万元"), ("employees", 1500, "人")]
    ]
    return workspace_of(entities=[{"entity_id": "X", "name": "某央企", "industry": "C"}], facts=facts)


def test_world_comparison_by_hand(x_ws: Workspace, write_file: TextWriter) -> None:
    """FY2024 at 7.1217: Alpha revenue 100 × 7.1217 = 712.17 million 元, profit 71.217 million;
    Beta revenue 356.085 million, profit 71.217 million; Gamma revenue 500 million 元, no profit.

    revenue: Alpha 712.17 > X 600 > Gamma 500 > Beta 356.085 (million): X rank 2 of 4,
    percentile 100 × 2/3; median (500 + 600)/2 = 550 million; best Alpha, gap −112.17 million.
    net_profit: X 90 > Alpha 71.217 = Beta 71.217 (tied), Gamma missing: X rank 1, percentile 100.
    net_profit_margin (currencies cancel): X 90/600 = 15 %, Alpha 10/100 = 10 %, Beta 10/50 = 20 %:
    X rank 2 of 3, percentile 100 × 1/2 = 50, gap to best −5 pp.
    revenue_per_employee (万元/人): X 600,000,000/1500/10,000 = 40; Alpha 712,170,000/1000/10,000
    = 71.217; Beta 356,085,000/250/10,000 = 142.434; Gamma 500,000,000/500/10,000 = 100: X 4th of 4.
    profit_per_employee: X 6; Alpha 7.1217; Beta 28.4868; Gamma missing: X 3rd of 3.
    """
    ps = load_peer_set(write_file("peers.csv", PEERS), x_ws.catalog)
    report = world_comparison(x_ws, 2024, "X", peer_set=ps)
    rev = report.row("revenue")
    assert rev.value == Decimal(600_000_000)
    assert (rev.rank, rev.standing.ranked) == (2, 4)
    assert rev.percentile == pytest.approx(200 / 3)
    assert rev.stats.median == Decimal(550_000_000)
    assert rev.stats.best == Decimal(712_170_000)
    assert rev.stats.best_keys == ("Alpha",)
    assert rev.gap("best") == Decimal(-112_170_000)
    np_ = report.row("net_profit")
    assert (np_.rank, np_.percentile) == (1, 100.0)
    assert np_.missing == ("Gamma",)
    assert report.values["net_profit"]["Alpha"] == report.values["net_profit"]["Beta"] == Decimal(71_217_000)
    margin = report.row("net_profit_margin")
    assert margin.value == pytest.approx(15.0)
    assert report.values["net_profit_margin"]["Alpha"] == pytest.approx(10.0)
    assert (margin.rank, margin.percentile) == (2, 50.0)
    assert margin.gap("best") == pytest.approx(-5.0)
    rpe = report.row("revenue_per_employee")
    assert rpe.value == pytest.approx(40.0)
    assert report.values["revenue_per_employee"]["Beta"] == pytest.approx(142.434)
    assert report.values["revenue_per_employee"]["Gamma"] == pytest.approx(100.0)
    assert (rpe.rank, rpe.percentile) == (4, 0.0)
    ppe = report.row("profit_per_employee")
    assert report.values["profit_per_employee"]["Beta"] == pytest.approx(28.4868)
    assert ppe.value == pytest.approx(6.0)
    assert ppe.rank == 3
    assert [(r.year, r.currency, r.cny_per_unit) for r in report.rates] == [(2024, "USD", Decimal("7.1217"))]


def test_world_records_and_chart(x_ws: Workspace, write_file: TextWriter) -> None:
    """Company records list Beta as second-hand with its printed figures and the rate used;
    the chart's revenue bars run Alpha, X, Gamma, Beta (712.17, 600, 500, 356.085 million)."""
    report = world_comparison(x_ws, 2024, "X", peer_set=load_peer_set(write_file("p.csv", PEERS), x_ws.catalog))
    recs = [r for r in world_company_records(report, "en") if r["indicator"] == "revenue"]
    assert [r["company"] for r in recs] == ["Alpha", "某央企", "Gamma", "Beta"]
    beta = recs[3]
    assert beta["second_hand"] is True
    assert beta["rates"] == "USD 7.1217 (2024)"
    assert "revenue 50 USD million" in beta["figures"]
    summary = {r["indicator"]: r for r in world_records(report, "zh")}
    assert summary["revenue"]["rank"] == 2
    chart = world_chart(report, lang="en")
    assert [b["key"] for b in chart["indicators"][0]["bars"]] == ["Alpha", "X", "Gamma", "Beta"]
    json.dumps(chart)


def test_excluding_a_company(x_ws: Workspace, write_file: TextWriter) -> None:
    """Without Alpha, X's revenue 600 million is the best of X, Gamma, Beta: rank 1."""
    ps = load_peer_set(write_file("p.csv", PEERS), x_ws.catalog)
    assert world_comparison(x_ws, 2024, "X", peer_set=ps, exclude=["Alpha"]).row("revenue").rank == 1


def test_against_the_fortune_global_500(workspace_of: Callable[..., Workspace]) -> None:
    """Revenue 36,000 亿元 in 2022 against the 12 FY2022 companies: only Walmart (611,289 ×
    6.7261 = 4,111,590,942,900 元) and Saudi Aramco (603,651 × 6.7261 = 4,060,216,991,100 元) are
    larger; State Grid (3,564,893,534,900 元) is next. Rank 3 of 13; percentile 100 × 10/12."""
    ws = workspace_of(
        entities=[{"entity_id": "Y", "name": "Y"}],
        facts=[{"entity_id": "Y", "period": "2022-12", "item": "revenue", "value": 36000, "unit": "亿元"}],
    )
    row = world_comparison(ws, 2022, "Y").row("revenue")
    assert (row.rank, row.standing.ranked) == (3, 13)
    assert row.percentile == pytest.approx(1000 / 12)
    assert row.stats.best == Decimal("4111590942900")
    assert row.stats.best_keys == ("Walmart",)


def test_missing_rate_and_year_are_errors(x_ws: Workspace, write_file: TextWriter) -> None:
    """A euro figure for 2024 without a 2024 euro rate, or a year the set lacks, is an error."""
    eur = write_file("eur.csv", "fiscal_year,company,item,value,unit\n2024,Delta,revenue,5,EUR million\n")
    with pytest.raises(NotFoundError, match="EUR"):
        world_comparison(x_ws, 2024, "X", peer_set=load_peer_set(eur, x_ws.catalog))
    with pytest.raises(NotFoundError, match="2024"):
        world_comparison(
            x_ws,
            2024,
            "X",
            peer_set=load_peer_set(write_file("p.csv", PEERS), x_ws.catalog),
            exclude=["Alpha", "Beta", "Gamma"],
        )


def test_peer_set_problems_are_all_listed(x_ws: Workspace, write_file: TextWriter) -> None:
    """An unknown item, a money unit on employees and a duplicate figure: three problems."""
    bad = write_file(
        "bad.csv",
        "fiscal_year,company,item,value,unit\n"
        "2024,A,turnover,5,USD million\n"
        "2024,A,employees,5,USD million\n"
        "2024,A,revenue,5,USD million\n"
        "2024,A,revenue,6,USD million\n",
    )
    with pytest.raises(InvalidInputError) as info:
        load_peer_set(bad, x_ws.catalog)
    assert [(p.rule, p.row) for p in info.value.problems] == [
        ("peers.item", 2),
        ("peers.unit", 3),
        ("peers.duplicate", 5),
    ]
