"""Peer ranks, percentiles, gaps, standard-value bands and scores, worked out by hand.

The group is the one of ``conftest.py`` (its docstring has every figure). Conventions are those of
the :mod:`guozi.analyses.benchmark` docstring: competition ranking (1 = best, ties share the best rank),
percentile ``100 × (W + T/2) / (n − 1)``, quantiles at ``h = (n − 1) · p`` (Excel QUARTILE.INC).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.analyses.benchmark import (
    band_score,
    benchmark_section,
    load_params,
    load_sizes,
    load_standards,
    peer_chart,
    peer_ranks,
    peer_records,
    quantile,
    score_chart,
    size_classes,
    standard_scores,
    standing,
)
from guozi.cli import app
from guozi.kernel.errors import InvalidInputError, NotFoundError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

JUNE = Period(2025, 6)
TextWriter = Callable[[str, str], Path]


# ranks and percentiles ---------------------------------------------------------------------


def test_standing_competition_ranking_with_ties_and_a_missing_value() -> None:
    """Values 10, 20, 20, 30 and one missing, higher is better.

    Ranks: 30 → 1; both 20s → 2 (the tie shares the best rank); 10 → 4 (3 is skipped); the
    missing one → none. Percentile of a 20: W = 1 (the 10), T = 1 (the other 20), n = 4 with
    values: 100 × (1 + ½) / 3 = 50. Of 30: 100 × 3/3 = 100; of 10: 0.
    """
    values: dict[str, Decimal | float | None] = {"p": 10.0, "q": 20.0, "r": 20.0, "s": 30.0, "t": None}
    assert [standing(values, k, "higher").rank for k in "pqrst"] == [4, 2, 2, 1, None]
    assert standing(values, "q", "higher").percentile == pytest.approx(50.0)
    assert standing(values, "s", "higher").percentile == pytest.approx(100.0)
    assert standing(values, "p", "higher").percentile == pytest.approx(0.0)
    assert standing(values, "t", "higher").percentile is None
    assert standing(values, "q", "higher").ranked == 4


def test_standing_lower_is_better_reverses_the_order() -> None:
    """Debt ratios 40, 50, 50, 60, 70 (lower is better): 40 → 1; the 50s → 2; 60 → 4; 70 → 5.

    Percentile of a 50: W = 2 (60, 70), T = 1: 100 × 2.5 / 4 = 62.5.
    """
    values: dict[str, Decimal | float | None] = {"e": 40.0, "a": 50.0, "c": 50.0, "b": 60.0, "d": 70.0}
    assert [standing(values, k, "lower").rank for k in "eacbd"] == [1, 2, 2, 4, 5]
    assert standing(values, "a", "lower").percentile == pytest.approx(62.5)


def test_quantile_interpolates_between_order_statistics_exactly_for_decimals() -> None:
    """[100, 200, 300, 300]: h = 3p. p = ½: h = 1.5 → 200 + ½ × 100 = 250; p = ¼: h = 0.75 →
    100 + ¾ × 100 = 175; p = ¾: h = 2.25 → 300 + ¼ × 0 = 300 (Excel QUARTILE.INC gives the same)."""
    xs = [Decimal(100), Decimal(300), Decimal(200), Decimal(300)]
    assert quantile(xs, Decimal("0.5")) == Decimal(250)
    assert quantile(xs, Decimal("0.25")) == Decimal(175)
    assert quantile(xs, Decimal("0.75")) == Decimal(300)
    assert isinstance(quantile(xs, Decimal("0.25")), Decimal)


def test_peer_ranks_total_profit_with_a_tie_and_a_missing_peer(group_ws: Workspace) -> None:
    """A among the level-1 C26 entities A–E (5 ≥ min_peers 5, so no fallback; A1 is level 2).

    total_profit: A 100, B 300, C 300, D 200, E none. n = 4.
    A: rank 1 + 3 better = 4; percentile 100 × 0/3 = 0. Median of 100, 200, 300, 300 = 250;
    better quartile (p = ¾) 300; worse quartile (p = ¼) 175; best 300 (B and C).
    Gaps of A: 100 − 250 = −150; 100 − 300 = −200; 100 − 175 = −75; 100 − 300 = −200.
    """
    report = peer_ranks(group_ws, JUNE, "A", indicators=["total_profit", "debt_ratio"])
    assert report.group.members == ("A", "B", "C", "D", "E")
    assert not report.group.fallback
    row = report.row("total_profit")
    assert row.value == Decimal(100)
    assert (row.rank, row.standing.ranked, row.percentile) == (4, 4, 0.0)
    assert row.stats.median == Decimal(250)
    assert row.stats.better_quartile == Decimal(300)
    assert row.stats.worse_quartile == Decimal(175)
    assert row.stats.best == Decimal(300)
    assert row.stats.best_keys == ("B", "C")
    assert row.gap("median") == Decimal(-150)
    assert row.gap("better_quartile") == Decimal(-200)
    assert row.gap("worse_quartile") == Decimal(-75)
    assert row.gap("best") == Decimal(-200)
    assert row.missing == ("E",)
    assert "E" in row.note_en


def test_peer_ranks_tied_best_share_rank_one(group_ws: Workspace) -> None:
    """B and C both have 300 (the best): both rank 1. B: W = 2 (A, D), T = 1 (C):
    100 × 2.5 / 3 = 83.33…; D: W = 1 (A): 100 / 3 = 33.33…"""
    b = peer_ranks(group_ws, JUNE, "B", indicators=["total_profit"]).row("total_profit")
    c = peer_ranks(group_ws, JUNE, "C", indicators=["total_profit"]).row("total_profit")
    d = peer_ranks(group_ws, JUNE, "D", indicators=["total_profit"]).row("total_profit")
    assert (b.rank, c.rank, d.rank) == (1, 1, 3)
    assert b.percentile == pytest.approx(250 / 3)
    assert d.percentile == pytest.approx(100 / 3)


def test_debt_ratio_lower_is_better(group_ws: Workspace) -> None:
    """Debt ratios (liabilities / assets): A 500/1000 = 50 %, B 60 %, C 1000/2000 = 50 %, D 70 %,
    E 40 %. Lower is better (catalogue): E rank 1, A and C tie at 2, B 4, D 5.
    A: W = 2 (B, D), T = 1 (C): 100 × 2.5 / 4 = 62.5. Median of 40, 50, 50, 60, 70 = 50;
    better quartile is p = ¼ (lower is better): h = 1 → 50; worse quartile p = ¾: h = 3 → 60;
    best = 40 (E); gap of A to the best = 50 − 40 = +10 pp (worse)."""
    a = peer_ranks(group_ws, JUNE, "A", indicators=["debt_ratio"]).row("debt_ratio")
    assert a.direction == "lower"
    assert a.rank == 2
    assert a.percentile == pytest.approx(62.5)
    assert a.stats.median == pytest.approx(50.0)
    assert a.stats.better_quartile == pytest.approx(50.0)
    assert a.stats.worse_quartile == pytest.approx(60.0)
    assert a.stats.best == pytest.approx(40.0)
    assert a.stats.best_keys == ("E",)
    assert a.gap("best") == pytest.approx(10.0)
    ranks = {e: peer_ranks(group_ws, JUNE, e, indicators=["debt_ratio"]).row("debt_ratio").rank for e in "ABCDE"}
    assert ranks == {"E": 1, "A": 2, "C": 2, "B": 4, "D": 5}


def test_missing_value_gets_no_rank_and_a_note(group_ws: Workspace) -> None:
    """E reported no total_profit: no rank, no percentile, a note naming the missing item;
    the statistics are those of the 4 others (median of 100, 200, 300, 300 = 250)."""
    row = peer_ranks(group_ws, JUNE, "E", indicators=["total_profit"]).row("total_profit")
    assert row.value is None
    assert row.rank is None
    assert row.percentile is None
    assert row.stats.count == 4
    assert row.stats.median == Decimal(250)
    assert "not ranked" in row.note_en
    assert "Total profit" in row.note_en
    assert "不参与排名" in row.note_zh


def test_division_falls_back_to_its_section_when_too_few_peers(group_ws: Workspace) -> None:
    """F is alone in C27 at level 1 (1 < 5): its peers become section C: A–F (6 entities).
    F's debt ratio 80 % is the worst of 40, 50, 50, 60, 70, 80: rank 6, percentile 0.
    With min_peers 1 there is no fallback and nothing to compare with."""
    report = peer_ranks(group_ws, JUNE, "F", indicators=["debt_ratio"])
    assert report.group.fallback
    assert report.group.key == "C"
    assert report.group.members == ("A", "B", "C", "D", "E", "F")
    assert (report.row("debt_ratio").rank, report.row("debt_ratio").percentile) == (6, 0.0)
    alone = peer_ranks(group_ws, JUNE, "F", indicators=["debt_ratio"], min_peers=1)
    assert alone.group.members == ("F",)
    assert alone.row("debt_ratio").rank == 1
    assert alone.row("debt_ratio").percentile is None
    assert "no peer" in alone.row("debt_ratio").note_en


def test_group_by_another_column_has_no_section_fallback(group_ws: Workspace) -> None:
    """By region, A's level-1 peers are the north ones: A, B, E, F (G is south, A1 level 2).
    total_profit 100, 300, none, 500: A ranks 3 of 3, percentile 0."""
    report = peer_ranks(group_ws, JUNE, "A", by="region", indicators=["total_profit"], min_peers=10)
    assert report.group.members == ("A", "B", "E", "F")
    assert not report.group.fallback
    assert report.row("total_profit").rank == 3


def test_peer_level_defaults_to_the_entitys_own(group_ws: Workspace) -> None:
    """A1 is at level 2; nobody else is, so even section C at level 2 holds only A1. Asking
    for level 1 puts it among A–E: its debt ratio 90/100 = 90 % is the worst of six."""
    own = peer_ranks(group_ws, JUNE, "A1", indicators=["debt_ratio"])
    assert own.group.level == 2
    assert own.group.members == ("A1",)
    among = peer_ranks(group_ws, JUNE, "A1", level=1, indicators=["debt_ratio"])
    assert among.group.members == ("A", "A1", "B", "C", "D", "E")
    assert among.row("debt_ratio").rank == 6


def test_unknown_entity_and_column_are_errors(group_ws: Workspace) -> None:
    """An unknown entity or grouping column is a NotFoundError naming it."""
    with pytest.raises(NotFoundError, match="ZZ"):
        peer_ranks(group_ws, JUNE, "ZZ")
    with pytest.raises(NotFoundError, match="colour"):
        peer_ranks(group_ws, JUNE, "A", by="colour")


def test_industry_codes_without_their_letter_find_their_section() -> None:
    """GB/T 4754-2017: division 26 (化学原料和化学制品制造业) is in section C (13–43); 44 in D."""
    params = load_params()
    assert params.industry("26") == "C26"
    assert params.section_of("44") == "D"
    assert params.section_of("c37") == "C"


def test_peer_chart_orders_bars_best_first_and_marks_the_entity(group_ws: Workspace) -> None:
    """Debt ratio bars best (lowest) first: E 40, A 50, C 50 (ties by id), B 60, D 70; A marked."""
    chart = peer_chart(peer_ranks(group_ws, JUNE, "A", indicators=["debt_ratio"]), lang="en")
    bars = chart["indicators"][0]["bars"]
    assert [b["key"] for b in bars] == ["E", "A", "C", "B", "D"]
    assert [b["self"] for b in bars] == [False, True, False, False, False]
    assert chart["indicators"][0]["rank"] == 2
    json.dumps(chart)  # chart-ready: JSON-serialisable as is


def test_peer_records_carry_exact_amounts(group_ws: Workspace) -> None:
    """The machine records keep the Decimal median 250 of total_profit and the rank 4 of A."""
    recs = {r["indicator"]: r for r in peer_records(peer_ranks(group_ws, JUNE, "A", indicators=["total_profit"]))}
    assert recs["total_profit"]["median"] == Decimal(250)
    assert recs["total_profit"]["rank"] == 4
    assert recs["total_profit"]["gap_best"] == Decimal(-200)


def test_cli_peers_csv(group_dir: Path, tmp_path: Path) -> None:
    """``guozi peers --data DIR --format csv``: A's debt ratio ranks 2 with percentile 62.5
    (see test_debt_ratio_lower_is_better), the best being E."""
    out = tmp_path / "peers.csv"
    args = ["peers", "--data", str(group_dir), "--period", "2025-06", "--entity", "A", "-i", "debt_ratio"]
    result = CliRunner().invoke(app, [*args, "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    header, row = out.read_text(encoding="utf-8").splitlines()[:2]
    rec = dict(zip(header.split(","), row.split(","), strict=True))
    assert (rec["rank"], rec["percentile"], rec["best_entity"]) == ("2", "62.5", "E")


# bands and scores --------------------------------------------------------------------------

HIGHER = [Decimal(20), Decimal(15), Decimal(10), Decimal(5), Decimal(0)]
LOWER = [Decimal(45), Decimal(55), Decimal(65), Decimal(75), Decimal(85)]


@pytest.mark.parametrize(
    ("value", "band", "score"),
    [
        (25.0, "excellent", 100.0),  # 100 + 5/5 × 20 = 120, capped at 100
        (20.0, "excellent", 100.0),  # at 优秀
        (17.5, "good", 90.0),  # 80 + 2.5/5 × 20
        (15.0, "good", 80.0),  # at 良好
        (12.5, "average", 70.0),  # 60 + 2.5/5 × 20
        (10.0, "average", 60.0),  # at 平均
        (5.0, "low", 40.0),  # at 较低
        (0.0, "poor", 20.0),  # at 较差
        (-2.5, "below_poor", 10.0),  # 20 + (−2.5/5) × 20, the last segment extended
        (-10.0, "below_poor", 0.0),  # 20 − 40 = −20, capped at 0
    ],
)
def test_band_interpolation_at_each_boundary(value: float, band: str, score: float) -> None:
    """Standard values 20/15/10/5/0 (higher is better) scored 100/80/60/40/20, linear between."""
    bs = band_score(value, HIGHER, "higher", load_params())
    assert bs.band.code == band
    assert bs.score == pytest.approx(score)


@pytest.mark.parametrize(
    ("value", "band", "score"),
    [
        (40.0, "excellent", 100.0),  # better than 优秀 45
        (45.0, "excellent", 100.0),
        (50.0, "good", 90.0),  # 80 + (55 − 50)/(55 − 45) × 20
        (55.0, "good", 80.0),
        (55.00000000000001, "good", 80.0),  # 0.55 × 100 in floating point still sits at 良好
        (65.0, "average", 60.0),
        (85.0, "poor", 20.0),
        (90.0, "below_poor", 10.0),  # 20 − (90 − 85)/(85 − 75) × 20
    ],
)
def test_lower_is_better_bands_ascend(value: float, band: str, score: float) -> None:
    """Debt-ratio standard values 45/55/65/75/85: lower is better, so the bands ascend."""
    bs = band_score(value, LOWER, "lower", load_params())
    assert bs.band.code == band
    assert bs.score == pytest.approx(score)


def test_band_scores_and_the_below_rule_are_data(write_file: TextWriter) -> None:
    """A user's bands scored 100/85/70/50/30: 12.5 between 平均 10 and 良好 15 scores
    70 + 2.5/5 × 15 = 77.5. With ``below_lowest_rule: zero`` a value under 较差 scores 0."""
    over = write_file(
        "mine.yaml",
        "bands:\n"
        "  - {code: excellent, name_zh: 优秀, name_en: excellent, score: 100}\n"
        "  - {code: good, name_zh: 良好, name_en: good, score: 85}\n"
        "  - {code: average, name_zh: 平均, name_en: average, score: 70}\n"
        "  - {code: low, name_zh: 较低, name_en: low, score: 50}\n"
        "  - {code: poor, name_zh: 较差, name_en: poor, score: 30}\n"
        "below_lowest_rule: zero\n",
    )
    params = load_params([over])
    assert band_score(12.5, HIGHER, "higher", params).score == pytest.approx(77.5)
    assert band_score(-2.5, HIGHER, "higher", params).score == 0.0


STANDARDS = """# test table: invented values
year,indicator,industry,size,excellent,good,average,low,poor,source,note
2024,debt_ratio,C,all,45,55,65,75,85,test,
2024,debt_ratio,C,large,40,50,60,70,80,test,
2026,debt_ratio,C,all,10,20,30,40,50,test,a later edition: not for 2025
2024,revenue_profit_margin,all,all,20,15,10,5,0,test,
"""
WEIGHTS = "weights:\n  debt_ratio: 60\n  revenue_profit_margin: 40\n"


def test_standard_scores_per_indicator_and_overall(group_ws: Workspace, write_file: TextWriter) -> None:
    """Weights debt_ratio 60, revenue_profit_margin 40 (a user file replaces the shipped weights).

    A (C26, no size class, no employees → all sizes; section C rows; the 2024 edition, not 2026):
    debt 50 % → 良好 80 + (55 − 50)/10 × 20 = 90; margin 100/1000 = 10 % → 平均 60 (the
    ``all`` industry row). Overall = (60 × 90 + 40 × 60) / 100 = 78.
    B (size_class 大型 → the C large row 40/50/60/70/80): debt 60 % → 平均 60 exactly (the
    all-size row would give 70); margin 300/2000 = 15 % → 良好 80; overall (60·60 + 40·80)/100 = 68.
    E (no total_profit): margin not scored; debt 40 % → 优秀 100; the scored weight is 60 %
    ≥ 50 %, so overall = 100. G (D44): no debt_ratio row for D or all → not scored.
    """
    params = load_params([write_file("w.yaml", WEIGHTS)])
    report = standard_scores(group_ws, JUNE, standards=[write_file("std.csv", STANDARDS)], params=params)
    a = report.entity("A")
    a_debt = a.row("debt_ratio")
    assert a_debt.band is not None
    assert a_debt.band.code == "good"
    assert a_debt.score == pytest.approx(90.0)
    assert a_debt.standard is not None
    assert a_debt.standard.year == 2024
    assert a.row("revenue_profit_margin").score == pytest.approx(60.0)
    assert a.overall == pytest.approx(78.0)
    assert a.size.code is None
    b = report.entity("B")
    assert (b.size.code, b.size.source) == ("large", "entity")
    assert b.row("debt_ratio").score == pytest.approx(60.0)
    assert b.overall == pytest.approx(68.0)
    e = report.entity("E")
    assert e.row("revenue_profit_margin").score is None
    assert e.coverage == pytest.approx(0.6)
    assert e.overall == pytest.approx(100.0)
    assert "revenue_profit_margin" in e.note_en
    g = report.entity("G")
    assert g.row("debt_ratio").standard is None
    assert "no applicable standard values" in g.row("debt_ratio").note_en
    strict = load_params([write_file("w2.yaml", WEIGHTS + "overall:\n  min_weight_share: 0.7\n")])
    e_strict = standard_scores(group_ws, JUNE, entity="E", standards=[write_file("std2.csv", STANDARDS)], params=strict)
    assert e_strict.entity("E").overall is None  # 60 % < 70 %


def test_score_chart_is_a_radar_of_bands(group_ws: Workspace, write_file: TextWriter) -> None:
    """A's radar: axes debt ratio and margin, scores 90 and 60, rings at 100/80/60/40/20."""
    params = load_params([write_file("w.yaml", WEIGHTS)])
    report = standard_scores(group_ws, JUNE, entity="A", standards=[write_file("s.csv", STANDARDS)], params=params)
    chart = score_chart(report, "A", lang="en")
    assert chart["indicators"] == ["debt_ratio", "revenue_profit_margin"]
    assert chart["scores"] == pytest.approx([90.0, 60.0])
    assert [r["score"] for r in chart["rings"]] == [100.0, 80.0, 60.0, 40.0, 20.0]
    assert chart["overall"] == pytest.approx(78.0)
    json.dumps(chart)


def test_standards_file_problems_are_all_listed(group_ws: Workspace, write_file: TextWriter) -> None:
    """Three bad rows, three problems: debt ratio values descending (it is lower-is-better),
    an unknown indicator, an unknown size class."""
    bad = write_file(
        "bad.csv",
        "year,indicator,industry,size,excellent,good,average,low,poor\n"
        "2024,debt_ratio,C,all,85,75,65,55,45\n"
        "2024,no_such,C,all,5,4,3,2,1\n"
        "2024,roe,C,huge,5,4,3,2,1\n",
    )
    with pytest.raises(InvalidInputError) as info:
        load_standards([bad], group_ws)
    rules = [(p.rule, p.row) for p in info.value.problems]
    assert rules == [("standards.order", 2), ("standards.indicator", 3), ("standards.size", 4)]


def test_shipped_standard_values_are_marked_as_an_illustration(group_ws: Workspace) -> None:
    """The shipped table says it is not official, and its debt ratios ascend (lower is better)."""
    table = load_standards(None, group_ws)
    assert table.illustration
    row = table.lookup("debt_ratio", "C26", None, 2025)
    assert row is not None and row.industry == "C"
    assert list(row.values) == sorted(row.values)


# size classes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("industry", "figures", "expected"),
    [
        # 工业: large needs employees ≥ 1000 and revenue ≥ 40000 万元 (4 亿元)
        ("C26", {"employees": 1000, "revenue": 400_000_000}, "large"),
        # revenue 30000 万元 < 40000: one class down (下划一档) to medium (≥ 300 人, ≥ 2000 万元)
        ("C26", {"employees": 1200, "revenue": 300_000_000}, "medium"),
        # 250 persons < 300: small (≥ 20 人, ≥ 300 万元) although revenue is large
        ("C26", {"employees": 250, "revenue": 500_000_000}, "small"),
        ("C26", {"employees": 10, "revenue": 500_000_000}, "micro"),
        # 建筑业: revenue 90000 万元 (≥ 80000) but assets 60000 万元 (< 80000, ≥ 5000): medium
        ("E48", {"revenue": 900_000_000, "total_assets": 600_000_000}, "medium"),
        # 零售业 F52 (not 批发 F): 60 persons ≥ 50 and 600 万元 ≥ 500: medium
        ("F52", {"employees": 60, "revenue": 6_000_000}, "medium"),
        # the same figures under 批发业 F51: small needs ≥ 5 人 and ≥ 1000 万元; 600 万元 is below
        ("F51", {"employees": 60, "revenue": 6_000_000}, "micro"),
    ],
)
def test_nbs_size_classes(industry: str, figures: dict[str, int], expected: str) -> None:
    """NBS 统计上大中小微型企业划分办法（2017）: a class needs every lower limit, else one down."""
    sizes = load_sizes()
    code, missing = sizes.classify(industry, {k: Decimal(v) for k, v in figures.items()})
    assert (code, missing) == (expected, ())


def test_size_class_missing_figure_is_named() -> None:
    """An industrial enterprise without revenue cannot be classed: the missing criterion is named."""
    code, missing = load_sizes().classify("C26", {"employees": Decimal(5000), "revenue": None})
    assert (code, missing) == (None, ("revenue",))


def test_size_class_from_the_last_full_year(workspace_of: Callable[..., Workspace]) -> None:
    """For 2025-06 the figures of 2024-12 count: 1500 employees and revenue 5 亿元 (50000 万元)
    make a large industrial enterprise (≥ 1000, ≥ 40000 万元)."""
    ws = workspace_of(
        entities=[{"entity_id": "X", "name": "X", "industry": "C30"}],
        facts=[
            {"entity_id": "X", "period": "2024-12", "item": "employees", "value": 1500, "unit": "人"},
            {"entity_id": "X", "period": "2024-12", "item": "revenue", "value": 5, "unit": "亿元"},
            {"entity_id": "X", "period": "2025-06", "item": "revenue", "value": 1, "unit": "亿元"},
        ],
    )
    got = size_classes(ws, JUNE, ["X"])["X"]
    assert (got.code, got.source, got.period) == ("large", "computed", Period(2024, 12))


def test_benchmark_section_for_the_report_and_the_web(group_ws: Workspace, write_file: TextWriter) -> None:
    """The section holds A's peer bars (debt ratio rank 2, as worked above), its radar (overall
    78, as worked above) and, since the Fortune set has no fiscal year 2024 (the last full year
    before 2025-06), no world part but a note saying so."""
    params = load_params([write_file("w.yaml", WEIGHTS)])
    section = benchmark_section(
        group_ws, JUNE, "A", standards=[write_file("s.csv", STANDARDS)], params=params, lang="en"
    )
    debt = next(c for c in section["peers"]["indicators"] if c["indicator"] == "debt_ratio")
    assert debt["rank"] == 2
    assert section["scores"]["overall"] == pytest.approx(78.0)
    assert section["world"] is None
    assert any("2024" in n for n in section["notes"])
    json.dumps(section)
