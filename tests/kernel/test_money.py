"""kernel.money: converting yuan to a unit exactly and writing it, worked out by hand.

The worked example of the issue: 8 433 211 209.23 元
  ÷ 10 000       = 843 321.120923 万元  → 843,321.12 (the third decimal is 0: down)
  ÷ 100 000 000  = 84.3321120923 亿元   → 84.33      (the third decimal is 2: down)
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from guozi.kernel.errors import GuoziError
from guozi.kernel.money import (
    DEFAULT_UNIT,
    DISPLAY_UNITS,
    UNITS,
    format_money,
    money_figure,
    money_unit,
    to_unit,
)
from guozi.kernel.units import MONEY_UNITS, UNIT_NAMES_EN

AMOUNT = Decimal("8433211209.23")


def test_to_unit_is_exact() -> None:
    assert to_unit(AMOUNT, "元") == AMOUNT
    assert to_unit(AMOUNT, "万元") == Decimal("843321.120923")
    assert to_unit(AMOUNT, "亿元") == Decimal("84.3321120923")
    # the store's largest value (16 digits before the point, 4 after) loses nothing in any unit
    top = Decimal("9999999999999999.9999")
    assert to_unit(top, "万元") == Decimal("999999999999.99999999")
    assert to_unit(top, "十亿元") * Decimal(1_000_000_000) == top
    assert to_unit(12_500, "万元") == Decimal("1.25")
    assert to_unit("-3.5", "千元") == Decimal("-0.0035")


def test_to_unit_refuses_floats() -> None:
    with pytest.raises(TypeError):
        to_unit(0.1, "万元")  # type: ignore[arg-type]


def test_money_figure_rounds_half_up_and_groups_thousands() -> None:
    assert money_figure(AMOUNT, "万元") == "843,321.12"
    assert money_figure(AMOUNT, "亿元") == "84.33"
    assert money_figure(AMOUNT, "元") == "8,433,211,209.23"
    # 12 345 650 元 = 1 234.565 万元: half up gives .57 (half even would give .56)
    assert money_figure(Decimal(12_345_650)) == "1,234.57"
    assert money_figure(Decimal(-12_345_650)) == "-1,234.57"  # half up rounds away from zero
    assert money_figure(Decimal("1234567.5"), "元", decimals=0) == "1,234,568"
    assert money_figure(None) == "—"  # missing is not zero


def test_money_figure_signed_and_other_separators() -> None:
    assert money_figure(Decimal(5_000), signed=True) == "+0.50"  # 5 000 元 = 0.5 万元
    assert money_figure(Decimal(-5_000), signed=True) == "-0.50"
    # 12 500 000 000 元 = 1 250 000 万元, grouped by a thin space as messages write it
    assert money_figure(Decimal(12_500_000_000), group="\u2009") == "1\u2009250\u2009000.00"


def test_format_money_names_the_unit_in_the_language() -> None:
    assert format_money(AMOUNT, "万元", "zh") == "843,321.12 万元"
    assert format_money(AMOUNT, "万元", "en") == "843,321.12 10k yuan"
    assert format_money(AMOUNT, "亿元", "zh", gap="") == "84.33亿元"
    assert format_money(AMOUNT, "亿元", "en") == "84.33 100m yuan"
    # 8 433 211 209.23 元 = 8 433.211 209 23 百万元 → 8,433.21 million yuan
    assert format_money(AMOUNT, "百万元", "en") == "8,433.21 million yuan"
    assert format_money(None, "万元", "en") == "—"


def test_the_unit_is_a_parameter_and_an_unknown_one_is_refused() -> None:
    assert DEFAULT_UNIT == "万元"
    assert DISPLAY_UNITS == ("元", "万元", "亿元")
    assert [money_figure(Decimal(123_456_789), u) for u in DISPLAY_UNITS] == ["123,456,789.00", "12,345.68", "1.23"]
    with pytest.raises(GuoziError) as info:
        money_unit("万美元")
    assert "金额单位" in info.value.message("zh")
    assert "万美元" in info.value.message("en")


def test_units_agree_with_the_contract_units() -> None:
    """The units a file may be written in (kernel.units) have the factors and names shown here."""
    for code, unit in UNITS.items():
        assert MONEY_UNITS[code] == unit.factor
        assert unit.name("zh") == code
        assert UNIT_NAMES_EN[code] == unit.name("en")
