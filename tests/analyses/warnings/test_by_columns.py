"""The warnings evaluated by whole columns against a plain entity-by-entity reference, on random panels.

The reference below reads the rule kinds as ``catalog/data/rules/warnings.yaml`` states them (its
header), one entity and one rule at a time with exact :class:`~decimal.Decimal` arithmetic, the
way the evaluation worked before it was done by columns. Random panels put values exactly at,
just past and a float's rounding away from every threshold (65.01 against 65, 0.1 + 0.2 against
0.3, a change of exactly 5 pp), empty cells, missing rows and entities without an industry or with
one no debt line covers, so each step of each kind is reached: a warning, a gap or nothing.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guozi.analyses.warnings import Gap, RiskWarning, Rule, load_debt_lines, load_rules
from guozi.analyses.warnings.evaluate import _run
from guozi.catalog import load_catalog
from guozi.engine.panel import Panel, Scope
from guozi.kernel.periods import Period

CATALOG = load_catalog()
RULES = load_rules()
LINES = load_debt_lines()


def _variant(code: str, base: str, **changes: Any) -> Rule:
    rule = next(r for r in RULES.rules if r.code == base)
    return replace(rule, code=code, **changes)


# the shipped rules, and variants reaching what they do not: ``above``, prior-year references,
# a 2-month run, thresholds no float holds exactly (0.3, 0.30000000000000001)
ACTIVE = [
    *RULES.enabled(),
    _variant("high_coverage", "interest_coverage_low", kind="above", params={"threshold": "0.3"}),
    _variant("low_current_0_3", "current_ratio_low", params={"threshold": "0.3"}),
    # a limit a float cannot tell from 0.3: 0.3 is below it, exactly
    _variant("low_current_tie", "current_ratio_low", params={"threshold": "0.30000000000000001"}),
    _variant(
        "debt_rising_yoy",
        "debt_ratio_rising",
        params={"line": "supervision", "reference": "prior_year", "min_rise_pp": "0.2"},
    ),
    _variant("ibd_jump_yoy", "interest_bearing_debt_ratio_jump", params={"reference": "prior_year", "min_rise_pp": 5}),
    _variant("two_months", "consecutive_monthly_losses", params={"periods": 2, "step": "month", "threshold": "-0.01"}),
    _variant("loss_grew_10", "loss_grew", params={"min_increase_pct": "10"}),
]
INDICATORS = sorted({c for r in ACTIVE for c in r.indicators()})
RATIOS = [0.0, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0, 2.0, 1.9999999999999998, 60.0, 65.0, 65.01, 70.0, 70.01, 75.0, 80.2, -3.5]
AMOUNTS = [Decimal(x) for x in ("-150.25", "-100", "-50.5", "-10", "-9", "-0.01", "0", "0.01", "3", "100", "150.25")]
GROWTHS = [None, 0.0, 5.0, 4.999999999999999, 5.000000000000001, -3.0, 10.0, 0.1 + 0.2, 0.3]
INDUSTRIES = ["C", "C26", "E47", "M", "D44", "", "Z99"]


def _needed(period: Period) -> list[tuple[str, Period, str]]:
    """Every (basis, period, indicator) cell the rules read."""
    ytd = {(period, c) for c in INDICATORS} | {(period.opening, c) for c in INDICATORS}
    ytd |= {(period.shift(-12 * k), "net_profit") for k in range(3)}
    month = {(period.shift(-k), "net_profit") for k in range(3)}
    return [("ytd", p, c) for p, c in sorted(ytd)] + [("month", p, c) for p, c in sorted(month)]


def _value(data: st.DataObject, code: str) -> Any:
    if data.draw(st.integers(0, 7)) == 0:
        return None
    return data.draw(st.sampled_from(AMOUNTS if CATALOG.indicator(code).is_amount else RATIOS))


@st.composite
def panels(draw: st.DrawFn) -> tuple[Period, pd.DataFrame, list[tuple[str, Panel]], dict[Any, tuple[Any, ...]]]:
    data = draw(st.data())
    period = draw(st.sampled_from([Period(2025, 6), Period(2025, 12), Period(2025, 3)]))
    n = draw(st.integers(1, 12))
    ids = [f"E{i:02d}" for i in range(n)]
    nodes = pd.DataFrame(
        {
            "entity_id": ids,
            "name": [f"企业{i}" for i in range(n)],
            "industry": [data.draw(st.sampled_from(INDUSTRIES)) for _ in ids],
        }
    )
    rows: dict[str, list[dict[str, Any]]] = {"ytd": [], "month": []}
    cells: dict[Any, tuple[Any, ...]] = {}
    for e in ids:
        for basis, p, code in _needed(period):
            if p != period and data.draw(st.integers(0, 9)) == 0:  # no row at all (the current period always has one)
                continue
            value, prior = _value(data, code), _value(data, code)
            growth = data.draw(st.sampled_from(GROWTHS))
            note = "" if value is not None else f"{code} 缺数"
            cells[(e, basis, str(p), code)] = (value, prior, growth, note)
            row = {"entity_id": e, "period": str(p), "indicator": code, "value": value, "prior_value": prior}
            rows[basis].append({**row, "growth": growth, "note_zh": note, "note_en": note})
    made = []
    for basis, found in rows.items():
        frame = pd.DataFrame({c: pd.Series([r[c] for r in found], dtype=object) for c in found[0]})
        made.append((basis, Panel(frame, (period,), tuple(INDICATORS), Scope(), "ytd" if basis == "ytd" else "month")))
    return period, nodes, made, cells


def _d(x: Any) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


Cell = tuple[Any, Any, Any, str]  # value, prior value, growth, note


class Ref:
    """One entity's cells for one rule; each kind's method: ``("warn", value, threshold, reference,
    severity)``, ``"gap"`` or None."""

    def __init__(self, r: Rule, e: str, industry: str, period: Period, cells: dict[Any, Cell]) -> None:
        self.r, self.e, self.industry, self.period, self.cells = r, e, industry, period, cells
        self.v, self.prior, self.growth, _ = self.cell(r.indicator)

    def cell(self, code: str, p: Period | None = None, basis: str = "ytd") -> Cell:
        return self.cells.get((self.e, basis, str(p or self.period), code), (None, None, None, ""))

    def ref(self) -> Any:
        return (
            self.cell(self.r.indicator, self.period.opening)[0]
            if self.r.params["reference"] == "opening"
            else self.prior
        )

    def below(self, above: bool = False) -> Any:
        t = self.r.decimal("threshold")
        if self.v is None:
            return "gap"
        hit = _d(self.v) > t if above else _d(self.v) < t
        return ("warn", self.v, t, None, self.r.severity_for()) if hit else None

    def above(self) -> Any:
        return self.below(above=True)

    def debt_line(self) -> Any:
        line = LINES.line_for(self.industry, self.period.year)
        if self.v is None or LINES.industry_class(self.industry) is None or line is None:
            return "gap"
        for level, limit in (("supervision", line.supervision), ("warning", line.warning)):
            if _d(self.v) > limit:
                return ("warn", self.v, limit, None, self.r.severity_for(level))
        return None

    def debt_rising(self) -> Any:
        line = LINES.line_for(self.industry, self.period.year)
        if self.v is None or LINES.industry_class(self.industry) is None or line is None:
            return "gap"
        level = str(self.r.params["line"])
        limit = line.supervision if level == "supervision" else line.warning
        if _d(self.v) <= limit:
            return None
        if self.ref() is None:
            return "gap"
        rose = _d(self.v) - _d(self.ref()) > self.r.decimal("min_rise_pp")
        return ("warn", self.v, limit, self.ref(), self.r.severity_for(level)) if rose else None

    def rise(self) -> Any:
        if self.v is None or self.ref() is None:
            return "gap"
        t = self.r.decimal("min_rise_pp")
        return ("warn", self.v, t, self.ref(), self.r.severity_for()) if _d(self.v) - _d(self.ref()) > t else None

    def consecutive(self) -> Any:
        t, months = self.r.decimal("threshold"), 12 if self.r.params["step"] == "year" else 1
        basis = "ytd" if months == 12 else "month"
        for k in range(int(self.r.decimal("periods"))):
            x = self.cell(self.r.indicator, self.period.shift(-months * k), basis)[0]
            if x is None:
                return "gap"
            if _d(x) >= t:
                return None
        return ("warn", self.cell(self.r.indicator, self.period, basis)[0], t, None, self.r.severity_for())

    def loss_grew(self) -> Any:
        v, prior = self.v, self.prior
        if v is None:
            return "gap"
        if _d(v) >= 0:
            return None
        if prior is None:
            return "gap"
        if _d(prior) >= 0:
            return None
        grew = (abs(_d(v)) - abs(_d(prior))) / abs(_d(prior)) * 100 > self.r.decimal("min_increase_pct")
        return ("warn", v, Decimal(0), prior, self.r.severity_for()) if grew else None

    def sign_gap(self) -> Any:
        pos = self.cell(str(self.r.params["positive"]))[0]
        if pos is None:
            return "gap"
        if _d(pos) <= 0:
            return None
        if self.v is None:
            return "gap"
        return ("warn", self.v, Decimal(0), pos, self.r.severity_for()) if _d(self.v) < 0 else None

    def growth_gap(self) -> Any:
        slow, _, slow_growth, _ = self.cell(str(self.r.params["slow"]))
        for value, g in ((self.v, self.growth), (slow, slow_growth)):
            if value is None or g is None:
                return "gap"
        margin = self.r.decimal("margin_pp")
        if _d(self.growth) - _d(slow_growth) <= margin:
            return None
        return ("warn", self.growth, _d(slow_growth) + margin, slow_growth, self.r.severity_for())


class _Source:
    """What the evaluation reads of a workspace besides the panels: the catalogue."""

    catalog = CATALOG


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(panels())
def test_columns_give_the_warnings_and_gaps_of_the_entity_by_entity_reference(
    drawn: tuple[Period, pd.DataFrame, list[tuple[str, Panel]], dict[Any, tuple[Any, ...]]],
) -> None:
    period, nodes, made, cells = drawn
    lazy, gaps = _run(_Source(), RULES, ACTIVE, made, LINES, period, nodes)  # type: ignore[arg-type]
    found = list(lazy)  # each warning made now, read from the columns' order
    # the report's order, made by columns: most serious first, then entity, then rule
    assert found == sorted(found, key=lambda w: (-w.severity_rank, w.entity_id, w.rule))
    for name in ("entity_id", "name", "period", "rule", "severity", "severity_rank", "indicator"):
        assert lazy.column(name).tolist() == [getattr(w, name) for w in found]

    expected_warnings: list[tuple[Any, ...]] = []
    expected_gaps: list[tuple[str, str]] = []
    for e, industry in sorted(zip(nodes.entity_id, nodes.industry, strict=True)):
        for r in ACTIVE:
            out = getattr(Ref(r, e, industry, period, cells), r.kind)()
            if out == "gap":
                expected_gaps.append((e, r.code))
            elif out is not None:
                expected_warnings.append((RULES.rank(out[4]), e, r.code, *out[1:]))
    expected_warnings.sort(key=lambda w: (-w[0], w[1], w[2]))

    assert all(isinstance(w, RiskWarning) for w in found) and all(isinstance(g, Gap) for g in gaps)
    got = [(w.severity_rank, w.entity_id, w.rule, w.value, w.threshold, w.reference, w.severity) for w in found]
    assert got == expected_warnings
    assert [(g.entity_id, g.rule) for g in gaps] == expected_gaps
