"""Target progress, year-end projections, GDP reference and regime verdicts, worked by hand.

The data are in ``conftest.py``. The definitions are those of ``guozi.analyses.targets`` (completion =
actual / target × 100; pace = month / 12 × 100; projection = actual ÷ (Σ YTD(month) / Σ YTD(Dec))
over earlier years); the regime rules are those of regimes.yaml (guozi shared spec indicators.md,
after the SASAC leaders' meetings of 2023–2024); GDP growth is the National Bureau of Statistics
figure shipped in reference/gdp_growth.csv (2022-12: 3.0, 2023-12: 5.2, 2025-06: 5.3,
2025-12: 5.0).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from guozi.analyses.targets import (
    ClauseInputs,
    ClauseResult,
    GdpSeries,
    Verdict,
    accumulates,
    evaluate_clause,
    evaluate_targets,
    load_gdp,
    project_year_end,
    regime_verdict,
    verdict_rows,
)
from guozi.analyses.targets.params import section
from guozi.catalog.model import Clause
from guozi.cli import app
from guozi.kernel.errors import CatalogError, InvalidInputError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

JUNE = Period(2025, 6)
UserFile = Callable[[str, str], Path]


def _row(ws: Workspace, period: Period, entity: str, indicator: str, **kw: object) -> dict[str, object]:
    f = evaluate_targets(ws, period, **kw).frame  # type: ignore[arg-type]
    sel = f[(f.entity_id == entity) & (f.indicator == indicator)]
    assert len(sel) == 1, sel
    return {str(k): v for k, v in sel.iloc[0].to_dict().items()}


# target completion and pace ----------------------------------------------------------------------


def test_completion_and_pace_of_a_flow_behind_pace(progress_folder: Path) -> None:
    """G's total profit at 2025-06: 540 000 of a 1 200 000 target.

    completion = 540 000 / 1 200 000 × 100 = 45.0; pace = 6 / 12 × 100 = 50.0, so behind;
    gap = 540 000 − 1 200 000 = −660 000; target to date = 1 200 000 × 6 / 12 = 600 000,
    gap to pace = 540 000 − 600 000 = −60 000.
    """
    r = _row(Workspace.from_data([progress_folder]), JUNE, "G", "total_profit")
    assert r["completion"] == pytest.approx(45.0)
    assert r["pace"] == pytest.approx(50.0)
    assert r["status"] == "behind"
    assert r["gap"] == Decimal(-660_000)
    assert r["pace_target"] == Decimal(600_000)
    assert r["gap_to_pace"] == Decimal(-60_000)
    assert r["accumulating"] is True


def test_completion_ahead_of_pace(progress_folder: Path) -> None:
    """A's total profit at 2025-06: 160 000 of 300 000.

    completion = 160 000 / 300 000 × 100 = 53.33…, above the pace of 50.0, so ahead;
    target to date 300 000 × 6 / 12 = 150 000, gap to pace = +10 000.
    """
    r = _row(Workspace.from_data([progress_folder]), JUNE, "A", "total_profit")
    assert r["completion"] == pytest.approx(160_000 / 300_000 * 100)
    assert r["status"] == "ahead"
    assert r["gap_to_pace"] == Decimal(10_000)


def test_lower_is_better_debt_ratio_has_no_rate_but_a_gap(progress_folder: Path) -> None:
    """Debt ratio against a 65% cap: G 620 / 1000 = 62.0% meets it (gap −3.0 pp);
    A 700 / 1000 = 70.0% does not (gap +5.0 pp). No completion rate and no pace for a balance."""
    ws = Workspace.from_data([progress_folder])
    g = _row(ws, JUNE, "G", "debt_ratio")
    a = _row(ws, JUNE, "A", "debt_ratio")
    assert (g["status"], a["status"]) == ("met", "not_met")
    assert g["gap"] == pytest.approx(-3.0)
    assert a["gap"] == pytest.approx(5.0)
    assert g["completion"] is None and g["pace"] is None and g["method"] == "none"


def test_negative_target_is_judged_against_pace_without_a_rate(progress_folder: Path) -> None:
    """N may lose at most 100 000 in 2025; by June it lost 40 000.

    Target to date = −100 000 × 6 / 12 = −50 000; −40 000 ≥ −50 000, so ahead of pace
    (gap to pace +10 000); a rate of a negative target means nothing, so none is given.
    """
    r = _row(Workspace.from_data([progress_folder]), JUNE, "N", "total_profit")
    assert r["completion"] is None
    assert r["status"] == "ahead"
    assert r["gap_to_pace"] == Decimal(10_000)
    assert "目标非正" in str(r["note_zh"])


def test_december_is_met_or_not_and_projects_the_actual(progress_folder: Path) -> None:
    """G in 2024: 1 100 000 of a 1 000 000 target → completion 110.0, pace 100.0, met;
    the year-end projection is the actual itself."""
    r = _row(Workspace.from_data([progress_folder]), Period(2024, 12), "G", "total_profit")
    assert r["completion"] == pytest.approx(110.0)
    assert r["pace"] == pytest.approx(100.0)
    assert r["status"] == "met"
    assert (r["projection"], r["method"]) == (Decimal(1_100_000), "actual")


def test_entity_alone_or_with_its_subtree(progress_folder: Path) -> None:
    """A is G's subsidiary: --entity G shows G's two targets, --subtree adds A's two."""
    ws = Workspace.from_data([progress_folder])
    alone = evaluate_targets(ws, JUNE, entity="G").frame
    both = evaluate_targets(ws, JUNE, entity="G", subtree=True).frame
    assert sorted(set(alone.entity_id)) == ["G"] and len(alone) == 2
    assert sorted(set(both.entity_id)) == ["A", "G"] and len(both) == 4


# year-end projection -----------------------------------------------------------------------------


def test_projection_from_the_entitys_own_profile(progress_folder: Path) -> None:
    """G earned 400 000 of 1 000 000 by June 2023 and 500 000 of 1 100 000 by June 2024.

    share = (400 000 + 500 000) / (1 000 000 + 1 100 000) = 900 000 / 2 100 000 = 3/7;
    projection = 540 000 ÷ 3/7 = 1 260 000; projected completion 1 260 000 / 1 200 000 = 105%.
    """
    r = _row(Workspace.from_data([progress_folder]), JUNE, "G", "total_profit")
    assert r["method"] == "profile"
    assert r["profile_years"] == "2023,2024"
    assert r["profile_share"] == pytest.approx(3 / 7)
    assert r["projection"] == Decimal("1260000.00")
    assert r["projected_completion"] == pytest.approx(105.0)


def test_projection_falls_back_to_linear(progress_folder: Path) -> None:
    """A has no earlier year: 160 000 × 12 / 6 = 320 000 (linear).

    B has one, but it lost money: Σ June = −50 000 ≤ 0, so the profile is unusable and B is
    projected linearly too: 30 000 × 12 / 6 = 60 000.
    """
    ws = Workspace.from_data([progress_folder])
    a = _row(ws, JUNE, "A", "total_profit")
    b = _row(ws, JUNE, "B", "total_profit")
    assert (a["projection"], a["method"]) == (Decimal(320_000), "linear")
    assert (b["projection"], b["method"]) == (Decimal(60_000), "linear")
    assert "非正" in str(b["note_zh"])


def test_profile_years_is_a_parameter_a_user_can_override(progress_folder: Path, write_file: UserFile) -> None:
    """With ``targets: {profile_years: 1}`` only 2024 counts: share = 500 000 / 1 100 000,
    projection = 540 000 × 1 100 000 / 500 000 = 1 188 000."""
    cat = write_file("mine.yaml", "targets:\n  profile_years: 1\n")
    r = _row(Workspace.from_data([progress_folder], catalog_files=[cat]), JUNE, "G", "total_profit")
    assert r["profile_years"] == "2024"
    assert r["projection"] == Decimal("1188000.00")


def test_project_year_end_by_hand() -> None:
    """Three earlier years of 30/100, 40/100, 50/100 by September: share 120/300 = 0.4,
    so 80 by September projects to 80 / 0.4 = 200."""
    history = [(2022, Decimal(30), Decimal(100)), (2023, Decimal(40), Decimal(100)), (2024, Decimal(50), Decimal(100))]
    p = project_year_end(Decimal(80), 9, history)
    assert (p.value, p.method, p.years) == (Decimal(200), "profile", (2022, 2023, 2024))


def test_which_indicators_accumulate(progress_folder: Path) -> None:
    """From the formulas: total_profit (a flow), roe (flow / balance) and labor_productivity
    (flow / average persons) grow through the year; roe_annualized (roe × 12 / month), debt_ratio
    (balance / balance) and rd_intensity (flow / flow) do not; eva is listed in params/targets.yaml."""
    ws = Workspace.from_data([progress_folder])
    params = section(ws, "targets")
    got = {c: accumulates(ws.catalog, c, params) for c in ("total_profit", "roe", "labor_productivity", "eva")}
    assert all(got.values()), got
    not_acc = ("roe_annualized", "debt_ratio", "rd_intensity")
    assert not any(accumulates(ws.catalog, c, params) for c in not_acc)


# GDP reference -----------------------------------------------------------------------------------


def test_gdp_growth_same_period_annual_or_prior_year() -> None:
    """Shipped NBS figures: 2025-06 has its own row (5.3); 2025-09 has none, so the 2025 annual
    figure (5.0); 2026-03 has neither, so the prior year's annual figure (2025: 5.0)."""
    gdp = load_gdp()
    six, nine, next_year = gdp.pick(Period(2025, 6)), gdp.pick(Period(2025, 9)), gdp.pick(Period(2026, 3))
    assert six is not None and nine is not None and next_year is not None
    assert (six.figure.growth, six.rule) == (Decimal("5.3"), "same_period")
    assert (nine.figure.period, nine.rule) == (Period(2025, 12), "annual")
    assert (next_year.figure.period, next_year.rule) == (Period(2025, 12), "prior_annual")


def test_user_gdp_file_overrides_by_period(write_file: UserFile, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's 2025-06 row (5.4) replaces the shipped 5.3; a new 2026-06 row (4.8) is added;
    the shipped 2024-12 row (5.0) stays. The file may also come from $GUOZI_GDP."""
    path = write_file("gdp.csv", "period,real_gdp_growth_pct,source\n2025-06,5.4,revised\n2026-06,4.8,mine\n")
    for gdp in (load_gdp(path), _from_env(monkeypatch, path)):
        assert gdp.figures[Period(2025, 6)].growth == Decimal("5.4")
        assert gdp.figures[Period(2026, 6)].growth == Decimal("4.8")
        assert gdp.figures[Period(2024, 12)].growth == Decimal("5.0")


def _from_env(monkeypatch: pytest.MonkeyPatch, path: Path) -> GdpSeries:
    monkeypatch.setenv("GUOZI_GDP", str(path))
    return load_gdp()


def test_bad_gdp_file_lists_the_row(write_file: UserFile) -> None:
    """A growth of "n/a" on the second data row is reported at spreadsheet row 3."""
    path = write_file("gdp.csv", "period,real_gdp_growth_pct\n2025-06,5.4\n2025-12,n/a\n")
    with pytest.raises(InvalidInputError) as exc:
        load_gdp(path)
    assert [(p.row, p.column) for p in exc.value.problems] == [(3, "real_gdp_growth_pct")]


# regime verdicts ---------------------------------------------------------------------------------


def _verdicts(ws: Workspace, period: Period, **kw: object) -> dict[str, Verdict]:
    return {v.entity_id: v for v in regime_verdict(ws, period, **kw)}  # type: ignore[arg-type]


def _clauses(v: Verdict) -> dict[str, ClauseResult]:
    return {c.indicator: c for c in v.clauses}


def test_2023_rule_passes_on_every_clause(verdict_folder: Path) -> None:
    """P, 2023-12 against 2022-12 (一增一稳四提升, GDP 2023 5.2%):

    total profit 1 060 vs 1 000 万元: +6.0% > 5.2 ✓; debt ratio 6 050/10 000 = 60.5% vs
    60.0% at the prior year end: +0.5 pp within ±1 ✓; roe 900 / ((4 000 + 3 950)/2) = 22.64% vs
    750 / ((3 500 + 4 000)/2) = 20.0% ✓; R&D 242/11 000 = 2.2% vs 2.0% ✓; labour productivity
    3 600 万元 / 11 = 327.27 vs 3 000 / 10 = 300 万元/人 ✓; operating cash 990/11 000 = 9.0% vs 8.0% ✓.
    """
    v = _verdicts(Workspace.from_data([verdict_folder]), Period(2023, 12))["P"]
    c = _clauses(v)
    assert v.passed is True and v.regime == "2023" and v.phrase_zh == "一增一稳四提升"
    assert all(x.passed for x in v.clauses) and len(v.clauses) == 6
    assert c["total_profit"].growth == pytest.approx(6.0)
    assert c["total_profit"].reference == Decimal("5.2")
    assert c["total_profit"].reference_period == "2023-12"
    assert c["debt_ratio"].change == pytest.approx(0.5)
    assert c["debt_ratio"].baseline_period == "2022-12"
    assert c["roe"].value == pytest.approx(900 / 3975 * 100)
    assert c["roe"].baseline == pytest.approx(20.0)
    assert c["labor_productivity"].value == pytest.approx(3600 / 11)
    assert c["operating_cash_ratio"].change == pytest.approx(1.0)


def test_2023_rule_fails_on_every_clause(verdict_folder: Path) -> None:
    """F, 2023-12: total profit +5.0% < 5.2 ✗; debt ratio 61.5% vs 60.0%: +1.5 pp outside ±1 ✗;
    roe 700 / 3 925 = 17.83% < 20.0% ✗; R&D 198/11 000 = 1.8% < 2.0% ✗; labour productivity
    2 970 / 11 = 270 < 300 ✗; operating cash 770/11 000 = 7.0% < 8.0% ✗."""
    v = _verdicts(Workspace.from_data([verdict_folder]), Period(2023, 12))["F"]
    assert v.passed is False
    assert [x.passed for x in v.clauses] == [False] * 6
    c = _clauses(v)
    assert c["total_profit"].growth == pytest.approx(5.0)
    assert c["debt_ratio"].change == pytest.approx(1.5)
    assert c["labor_productivity"].value == pytest.approx(270.0)


def test_2023_rule_at_its_boundaries(verdict_folder: Path) -> None:
    """E: total profit 1 052 vs 1 000 is +5.2%, equal to GDP growth, so not above it ✗;
    the debt ratio 61.0% vs 60.0% moves exactly 1 pp, within the inclusive tolerance ✓;
    R&D 2.0% vs 2.0% is no increase ✗."""
    c = _clauses(_verdicts(Workspace.from_data([verdict_folder]), Period(2023, 12))["E"])
    assert c["total_profit"].passed is False
    assert c["debt_ratio"].passed is True
    assert c["rd_intensity"].passed is False


def test_2022_rule_passes_and_fails_on_every_clause(verdict_folder: Path) -> None:
    """两增一控三提高, 2022-12 against 2021-12, GDP 2022 3.0%:

    P2: total profit 1 040 (+4.0% > 3.0 ✓), net profit 780 vs 750 (+4.0% ✓), debt ratio 64% ≤ 65 ✓,
    margin 1 040/10 000 = 10.4% vs 10.0% (+0.4 ≥ 0.1 pp ✓), labour productivity 315 vs 300
    (+5.0% ≥ 5 ✓, at the boundary), R&D 2.1% vs 2.0% ✓.
    F2: total profit 1 005 (+0.5% ✗), net profit 760 (+1.33% ✗), debt ratio 66% > 65 ✗, margin
    10.05% (+0.05 < 0.1 pp ✗), labour productivity 312 (+4.0% ✗), R&D 1.9% ✗.
    """
    vs = _verdicts(Workspace.from_data([verdict_folder]), Period(2022, 12))
    p2, f2 = vs["P2"], vs["F2"]
    assert p2.regime == "2022" and p2.phrase_zh == "两增一控三提高"
    assert [c.test for c in p2.clauses] == [
        "growth_above_reference",
        "growth_above_reference",
        "at_most",
        "change_at_least",
        "growth_at_least",
        "increase",
    ]
    assert [c.passed for c in p2.clauses] == [True] * 6
    assert [c.passed for c in f2.clauses] == [False] * 6
    assert p2.passed is True and f2.passed is False
    assert _clauses(p2)["labor_productivity"].growth == pytest.approx(5.0)
    assert _clauses(f2)["net_profit"].growth == pytest.approx(10 / 750 * 100)
    assert _clauses(f2)["revenue_profit_margin"].change == pytest.approx(0.05)


def test_user_regime_increase_of_a_lower_is_better_ratio_means_a_decrease(
    verdict_folder: Path, write_file: UserFile
) -> None:
    """A user's regime with "debt_ratio increase" and "rd_intensity at_least 2":
    D's debt ratio falls 60.0% → 59.0%, an improvement ✓; P's rises to 60.5% ✗.
    R&D at least 2%: P 2.2% ✓, F 1.8% ✗, E exactly 2.0% ✓."""
    cat = write_file(
        "regime.yaml",
        """
regimes:
  - code: mine
    name_zh: 自定
    from_year: 2099
    indicators: [debt_ratio, rd_intensity]
    target:
      phrase_zh: 降负债保研发
      phrase_en: less debt, enough R&D
      clauses:
        - {indicator: debt_ratio, test: increase}
        - {indicator: rd_intensity, test: at_least, value: 2}
""",
    )
    vs = _verdicts(Workspace.from_data([verdict_folder], catalog_files=[cat]), Period(2023, 12), regime="mine")
    assert _clauses(vs["D"])["debt_ratio"].passed is True
    assert _clauses(vs["D"])["debt_ratio"].change == pytest.approx(-1.0)
    assert _clauses(vs["P"])["debt_ratio"].passed is False
    assert [_clauses(vs[e])["rd_intensity"].passed for e in ("P", "F", "E")] == [True, False, True]


def test_stable_compares_with_the_prior_year_end(verdict_folder: Path, write_file: UserFile) -> None:
    """H's debt ratio: 50.0% at 2024-06, 60.0% at 2024-12, 60.5% at 2025-06.

    Against the prior year end (the shipped base) +0.5 pp is stable ✓; with the base set to the
    same period of the prior year (``verdict: {baseline: {stable: prior_year}}``) it is +10.5 ✗.
    """
    ws = Workspace.from_data([verdict_folder])
    c = _clauses(_verdicts(ws, JUNE, entity="H")["H"])["debt_ratio"]
    assert (c.passed, c.baseline_period) == (True, "2024-12")
    assert c.change == pytest.approx(0.5)
    cat = write_file("base.yaml", "verdict:\n  baseline:\n    stable: prior_year\n")
    ws2 = Workspace.from_data([verdict_folder], catalog_files=[cat])
    c2 = _clauses(_verdicts(ws2, JUNE, entity="H")["H"])["debt_ratio"]
    assert (c2.passed, c2.baseline_period) == (False, "2024-06")
    assert c2.change == pytest.approx(10.5)


def test_tolerance_and_gdp_are_the_users_to_change(verdict_folder: Path, write_file: UserFile) -> None:
    """With a ±2 pp tolerance F's +1.5 pp is stable ✓; with a user GDP figure of 6.5% for 2023,
    P's +6.0% profit growth is no longer above it ✗."""
    tol = write_file("tol.yaml", "parameters:\n  debt_ratio_tolerance_pp: 2\n")
    f = _verdicts(Workspace.from_data([verdict_folder], catalog_files=[tol]), Period(2023, 12))["F"]
    assert _clauses(f)["debt_ratio"].passed is True
    gdp = write_file("gdp.csv", "period,real_gdp_growth_pct,source\n2023-12,6.5,mine\n")
    p = _verdicts(Workspace.from_data([verdict_folder]), Period(2023, 12), gdp=gdp)["P"]
    assert _clauses(p)["total_profit"].passed is False
    assert _clauses(p)["total_profit"].reference == Decimal("6.5")


def test_missing_figures_leave_a_clause_undecided(verdict_folder: Path) -> None:
    """D reports only its balance sheet: the profit clause cannot be judged (None, not a failure)
    and says what is missing; the debt clause (59.0% vs 60.0%, −1 pp) passes; overall undecided."""
    v = _verdicts(Workspace.from_data([verdict_folder]), Period(2023, 12))["D"]
    c = _clauses(v)
    assert c["total_profit"].passed is None
    assert "缺少" in c["total_profit"].reason_zh
    assert c["debt_ratio"].passed is True
    assert v.passed is None


def test_verdict_of_an_aggregate(verdict_folder: Path) -> None:
    """Level 1 summed: P + F total profit 2 110 vs 2 000 万元 = +5.5% > 5.2 ✓; debt ratio
    (6 050 + 6 150) / 20 000 = 61.0% vs 60.0%: +1.0 pp ✓ (Σ liabilities / Σ assets)."""
    ws = Workspace.from_data([verdict_folder])
    vs = regime_verdict(ws, Period(2023, 12), view="level", by="name", level=1)
    pf = [v for v in vs if v.entity_id in ("P", "F")]
    assert len(pf) == 2  # grouped by name, each its own group
    together = regime_verdict(ws, Period(2023, 12), view="level", level=1)
    assert [v.entity_id for v in together] == ["level-1"]
    # every entity of level 1 is summed; P, F, E, P2, F2, D, H: profit is missing for D and H
    assert _clauses(together[0])["total_profit"].passed is None


def test_verdict_rows_carry_the_numbers(verdict_folder: Path) -> None:
    """Each clause row has its value, base, change and, for profit, the GDP figure used."""
    ws = Workspace.from_data([verdict_folder])
    rows = verdict_rows([_verdicts(ws, Period(2023, 12))["P"]], ws, "en")
    profit = rows[0]
    assert profit["indicator"] == "total_profit"
    assert (profit["value"], profit["baseline"]) == (Decimal(10_600_000), Decimal(10_000_000))
    assert profit["reference"] == Decimal("5.2")
    assert "2023-12 same period" in str(profit["reference_source"])
    assert profit["passed"] is True and profit["overall_label"] == "pass"


# command line ------------------------------------------------------------------------------------


def test_cli_targets_json(progress_folder: Path) -> None:
    """``guozi targets --format json`` carries G's completion 45.0 and projection 1 260 000."""
    res = CliRunner().invoke(
        app, ["targets", "--data", str(progress_folder), "--period", "2025-06", "--entity", "G", "-f", "json"]
    )
    assert res.exit_code == 0, res.output
    rows = {r["indicator"]: r for r in json.loads(res.stdout)}
    assert rows["total_profit"]["completion"] == pytest.approx(45.0)
    assert Decimal(str(rows["total_profit"]["projection"])) == Decimal(1_260_000)
    assert rows["debt_ratio"]["status"] == "met"


def test_cli_targets_table_shows_the_verdict_and_xlsx_has_two_sheets(progress_folder: Path, tmp_path: Path) -> None:
    """The table format prints the targets and, under them, the regime's verdict (一增一稳四提升);
    xlsx writes both as sheets."""
    args = ["targets", "--data", str(progress_folder), "--period", "2025-06", "--entity", "G"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "年度目标完成进度" in res.stdout and "一增一稳四提升" in res.stdout
    out = tmp_path / "t.xlsx"
    res = CliRunner().invoke(app, [*args, "-f", "xlsx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(out).sheetnames == ["目标完成", "考核结论"]  # Chinese names in zh (issue 20)


def test_cli_verdict_csv_in_english(verdict_folder: Path) -> None:
    """``guozi verdict --lang en -f csv``: P's six clauses pass."""
    res = CliRunner().invoke(
        app,
        ["verdict", "--data", str(verdict_folder), "--period", "2023-12", "--entity", "P", "-f", "csv", "--lang", "en"],
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("entity_id,name,period,regime")
    assert len(lines) == 7 and all(",True,pass," in line for line in lines[1:])


def test_cli_bad_period_exits_2(progress_folder: Path) -> None:
    """An invalid --period is invalid input: exit status 2."""
    res = CliRunner().invoke(app, ["targets", "--data", str(progress_folder), "--period", "2025-13"])
    assert res.exit_code == 2


def test_clause_with_unknown_test_is_a_catalogue_error(verdict_folder: Path) -> None:
    """A clause test the evaluator does not know is refused, naming it."""
    ws = Workspace.from_data([verdict_folder])
    with pytest.raises(CatalogError, match="bogus"):
        evaluate_clause(
            Clause("roe", "bogus"),
            ws.catalog.indicator("roe"),
            ClauseInputs(1.0, "", "", 1.0, Period(2022, 12)),
            threshold=None,
            reference=None,
            decimals=6,
        )
