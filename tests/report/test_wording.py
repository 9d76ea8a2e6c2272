"""Words that hide or twist a decision (issue 20), each worked by hand:

- a loss narrowing from −196.76 to −103.40 万元 is 「减亏 93.36 万元，减亏率 47.45%」 (933 600 ÷
  1 967 600 = 47.448…%), never 「增长 47.45%」; widening is 增亏, crossing zero 扭亏为盈;
- a change of a ratio of +0.004 percentage points, compared at four decimals, shows as
  「+0.004 个百分点」 beside 实现提升, not 「+0.00 个百分点」;
- a completion of 99.997 % shows as 「99.997%」, not 「100.00%」 beside 未达标 (99.97 % keeps two decimals);
- the waterfall 100 → +5 → −3 (running totals 100, 105, 102; spread 5) has its axis from
  100 − 0.6 × 5 = 97 to 105 + 0.35 × 5 = 106.75, not from 0;
- 环比 of a ratio 64.00 % against 63.50 % a month earlier is +0.50 percentage points;
- the benchmark's overall score on the shipped example standard values says so.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest

from guozi.analyses.targets import clauses
from guozi.report.cells import cell_text
from guozi.report.charts import waterfall_range
from guozi.report.model import Col, Fig, Report
from guozi.report.sections.benchmark import EXAMPLE_NOTE
from guozi.report.sections.focus import mom_change


def _case(base: str, value: str) -> Any:
    b, v = Decimal(base), Decimal(value)
    return cast(
        Any,
        SimpleNamespace(
            base=b, value=v, change=v - b, growth=float((v - b) / abs(b) * 100), ind=SimpleNamespace(unit="元")
        ),
    )


@pytest.mark.parametrize(
    ("base", "value", "zh", "en"),
    [
        ("-1967600", "-1034000", "减亏 93.36 万元，减亏率 47.45%", "loss narrowed by 93.36 10k yuan (47.45%)"),
        ("-1034000", "-1967600", "增亏 93.36 万元，增亏率 90.29%", "loss widened by 93.36 10k yuan (90.29%)"),
        ("-1000000", "500000", "扭亏为盈，增加 150.00 万元", "turned from a loss to a profit, up 150.00 10k yuan"),
        ("1000000", "1056000", "增长 5.60%", "growth 5.60%"),
    ],
)
def test_a_loss_is_worded_as_narrowed_or_widened(base: str, value: str, zh: str, en: str) -> None:
    """−196.76 → −103.40 万元: 933 600 / 1 967 600 = 47.45 %; the reverse 933 600 / 1 034 000 =
    90.29 %; −100 → +50 万元 is 扭亏为盈 by 150 万元; 100 → 105.6 万元 is plain growth of 5.60 %."""
    case = _case(base, value)
    assert clauses._grew(case, "zh") == zh
    assert clauses._grew(case, "en") == en


def test_a_tiny_change_of_points_shows_its_digits() -> None:
    """+0.004 pp compared at 4 decimals is shown to 3; −0.29 stays at 2; +0.00004 at 4 decimals
    rounds to 0.0000 (no increase as compared: a shown zero has no sign) and keeps the fourth
    decimal as the comparison did; compared at 6 (params/targets.yaml) it shows as +0.00004."""
    assert clauses._points(Decimal("0.004"), 4, "zh") == "+0.004 个百分点"
    assert clauses._points(Decimal("-0.29"), 4, "zh") == "-0.29 个百分点"
    assert clauses._points(Decimal("0.00004"), 4, "en") == "0.0000 pp"
    assert clauses._points(Decimal("0.00004"), 6, "en") == "+0.00004 pp"


@pytest.mark.parametrize(
    ("value", "shown"), [(99.997, "99.997%"), (99.97, "99.97%"), (100.0, "100.00%"), (100.004, "100.004%")]
)
def test_a_completion_just_short_of_100_is_not_shown_as_100(value: float, shown: str) -> None:
    """A completion rate beside its verdict: rounding must not make 99.997 % read as 100 %."""
    fig = Fig(value, "pct", "targets")
    assert cell_text(fig, Col("completion", "完成率", "completion", "pct"), None, "zh") == shown


def test_the_waterfall_axis_starts_near_the_base() -> None:
    """100, +5, −3: from 97 to 106.75; a series that crosses zero keeps zero on the axis."""
    assert waterfall_range(100.0, [5.0, -3.0]) == (97.0, 106.75)
    lo, _hi = waterfall_range(2.0, [-5.0, 1.0])
    assert lo < -3.0  # the lowest running total is −3: the axis goes below it, not up from 0


def test_month_on_month_of_a_ratio_is_in_points() -> None:
    """64.00 % now, 63.50 % a month earlier: +0.50 pp; missing when the month before is missing."""
    now = Fig(64.0, "%", "panel", "G", "2025-06", "debt_ratio")
    assert mom_change(now, Fig(63.5, "%", "panel", "G", "2025-05", "debt_ratio")).value == pytest.approx(0.5)
    assert mom_change(now, Fig(63.5, "%", "panel", "G", "2025-05", "debt_ratio")).unit == "pp"
    assert mom_change(now, Fig(None, "%", "panel", "G", "2025-05", "debt_ratio")).value is None


def test_the_overall_score_on_example_values_says_so(written: dict[str, Any]) -> None:
    """The demo's report with 对标 is scored on the shipped (illustration) standard values: the
    table of scores carries the note that they are example values, in both languages."""
    report: Report = written["report"]
    notes = [n for t in report.section("benchmark").tables() for n in t.notes]
    assert EXAMPLE_NOTE in notes
    assert "示例标准值" in EXAMPLE_NOTE.zh and "example standard values" in EXAMPLE_NOTE.en
