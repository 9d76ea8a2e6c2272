"""The 环比/同比 words of the focus section (issue 20): a change that shows as zero at the digits
printed reads 「持平」, never 「减少0.00」 (已获利息倍数 2.3456 → 2.3421 times: −0.0035, shown at two
decimals as 0.00); a real change keeps its sign word and digits."""

from __future__ import annotations

import pytest

from guozi.report.model import Fig
from guozi.report.sections.focus import _signed


@pytest.mark.parametrize(
    ("value", "unit", "zh", "en"),
    [
        (2.3421 - 2.3456, "倍", "持平", "unchanged"),  # −0.0035 times rounds to 0.00
        (0.0, "倍", "持平", "unchanged"),
        (0.004, "pp", "持平", "unchanged"),  # 0.004 pp at two decimals
        (-0.35, "pp", "下降0.35个百分点", "down 0.35 pp"),
        (1.5, "倍", "增加1.50", "up 1.50"),
        (-0.25, "倍", "减少0.25", "down 0.25"),
    ],
)
def test_a_change_that_shows_as_zero_reads_level(value: float, unit: str, zh: str, en: str) -> None:
    fig = Fig(value, unit, "derived", "G", "2025-06", "interest_cover")
    assert _signed(fig, "zh") == zh
    assert _signed(fig, "en") == en
