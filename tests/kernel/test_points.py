"""The one rule for the digits that decide a change in points (kernel/money.py ``decisive_decimals``
and ``points``), used by ``guozi verdict``, the report, the CLI tables and the web pages.

Worked by hand, 四舍五入 (half up):
- 0.29 at two decimals is 0.29: two suffice, 「+0.29」;
- 0.125 at two decimals is 0.13 (half up, not the banker's 0.12): 「+0.13」;
- 0 is no change: two decimals and no sign, 「0.00」;
- 0.0012 is 0.00 at two decimals but 0.001 at three: 「+0.001」; −0.004 likewise 「-0.004」;
- 0.0004 is 0.00 at two, 0.000 at three, 0.0004 at four: 「+0.0004」;
- 0.00004 is 0.0000 even at four, the most shown: 「0.0000」 (a shown zero carries no sign);
  with six allowed (a comparison at six decimals) it is 0.00004: 「+0.00004」;
- 0.0005 at three decimals rounds half up to 0.001: 「+0.001」;
- 99.997 against the mark 100 is 100.00 at two decimals and 99.997 at three.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from guozi.analyses.targets.clauses import _points
from guozi.cli.common import _change
from guozi.cli.targets import _completion
from guozi.kernel.money import decisive_decimals, points
from guozi.presentation.output import Column
from guozi.presentation.workbook import cell_format, points_format
from guozi.report.narrative import shown
from guozi.web.render import show


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (Decimal("0.29"), 2, "+0.29"),
        (0.125, 2, "+0.13"),
        (Decimal("-0.125"), 2, "-0.13"),
        (0, 2, "0.00"),
        (Decimal("0.0012"), 3, "+0.001"),
        (Decimal("-0.004"), 3, "-0.004"),
        (Decimal("0.0004"), 4, "+0.0004"),
        (Decimal("0.00004"), 4, "0.0000"),
        (Decimal("-0.00004"), 4, "0.0000"),
        (Decimal("0.0005"), 3, "+0.001"),
        (Decimal("1234.5"), 2, "+1,234.50"),
    ],
)
def test_a_change_shows_the_digits_that_decide_it(value: Decimal | float, decimals: int, text: str) -> None:
    assert decisive_decimals(value) == decimals
    assert points(value) == text


def test_more_digits_when_the_comparison_allows_them() -> None:
    assert points(Decimal("0.00004"), most=6) == "+0.00004"
    assert points(Decimal("0.0000004"), most=6) == "0.000000"  # still zero at six: no sign


def test_a_missing_change_is_a_dash_and_a_group_can_be_chosen() -> None:
    assert points(None) == "—" and points(float("nan")) == "—"
    assert points(Decimal("-1234.5"), group="") == "-1234.50"
    assert decisive_decimals(None) == 2


@pytest.mark.parametrize(("value", "decimals"), [(99.997, 3), (99.97, 2), (100.0, 2), (100.004, 3), (99.99996, 4)])
def test_a_rate_off_its_mark_is_not_shown_as_the_mark(value: float, decimals: int) -> None:
    """Against 100: 99.997 → 100.00 at two, 99.997 at three; 99.97 and 100 need two; 100.004 →
    100.00 at two, 100.004 at three; 99.99996 → 100.0000 even at four, the most."""
    assert decisive_decimals(value, 100) == decimals


def test_every_surface_shows_a_change_in_points_by_the_one_rule() -> None:
    """+0.0012 point (0.00 at two decimals, 0.001 at three) on each surface that shows a change in
    points: guozi verdict's clause (compared at six decimals, so up to six), the CLI table, the
    report, a web page and the number format of an Excel cell; 0.29 keeps two decimals everywhere."""
    tiny = Decimal("0.0012")
    assert _points(tiny, 6, "zh") == "+0.001 个百分点"
    assert _change(tiny, "%", "zh") == "+0.001 个百分点" and _change(tiny, "%", "en") == "+0.001 pp"
    assert shown(tiny, "pp", "zh") == "+0.001个百分点"
    assert show(tiny, "pp") == "+0.001"
    assert points_format(tiny) == "0.000"
    assert points_format(Decimal("0.0004")) == "0.0000" and points_format(0) == "0.00"
    assert _change(Decimal("0.29"), "%", "zh") == "+0.29 个百分点" and show(0.29, "pp") == "+0.29"
    assert show(0.0012, "growth") == "+0.00"  # a growth rate in % keeps its two decimals


def test_every_surface_shows_a_completion_off_100_with_its_digits() -> None:
    """A completion of 99.997 % (未达标) is 100.00 at two decimals and 99.997 at three: the CLI
    targets table, a web page and the Excel number format show three; 94.1357 keeps two."""
    col = Column("completion", "完成率", "completion %", fmt="percent")
    assert _completion(99.997) == "99.997%" and _completion(94.1357) == "94.14%" and _completion(None) == "—"
    assert show(99.997, "pct") == "99.997%" and show(94.1357, "pct") == "94.14%"
    assert cell_format(col, {}, 99.997) == '0.000"%"' and cell_format(col, {}, 94.1357) == '0.00"%"'
