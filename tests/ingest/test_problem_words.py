"""A problem's expected and found are in the user's language where they are words (issue 17).

Values, codes and formulas read alike in both languages; phrases such as "a decimal number" do
not, and a Chinese table listing "a decimal number" under 应为 is the bug this guards against.
"""

from __future__ import annotations

from guozi.kernel.errors import Problem, Severity, worded
from guozi.kernel.text import Text

from .conftest import Desk, wan

GOOD = {"entity_id": "A", "period": "2025-06", "item": "revenue", "value": "100", "unit": "万元"}


def test_words_follow_the_language_and_values_read_alike() -> None:
    p = Problem("r", "甲", "a", **worded(Text("十进制数", "a decimal number"), "12a"))
    assert (p.expected, p.expected_zh, p.found, p.found_zh) == ("a decimal number", "十进制数", "12a", "")
    assert (p.expected_in("zh"), p.found_in("zh")) == ("十进制数", "12a")
    assert (p.expected_in("en"), p.found_in("en")) == ("a decimal number", "12a")
    # the records keep the contract's field names, in the user's language
    assert (p.as_dict("zh")["expected"], p.as_dict("en")["expected"]) == ("十进制数", "a decimal number")
    plain = Problem("r", "甲", "a", expected="revenue >= 0", found="-5")
    assert plain.as_dict("zh")["expected"] == plain.as_dict("en")["expected"] == "revenue >= 0"


def test_a_non_numeric_value_says_what_it_expected_in_chinese(desk: Desk) -> None:
    problems = desk.problems([{**GOOD, "value": "12a"}])
    (p,) = [q for q in problems if q.rule == "value.not_numeric"]
    assert (p.expected_in("zh"), p.expected_in("en")) == ("十进制数", "a decimal number")
    assert p.found_in("zh") == p.found_in("en") == "12a"


def test_an_unknown_entity_says_what_it_expected_in_chinese(desk: Desk) -> None:
    problems = desk.problems([{**GOOD, "entity_id": "X"}])
    (p,) = [q for q in problems if q.rule == "entity.unknown"]
    assert p.as_dict("zh")["expected"] == "企业名录中的企业代码"
    assert p.as_dict("en")["expected"] == "an entity_id of the entities"


def test_restating_a_closed_period_says_expected_and_found_in_both_languages(desk: Desk) -> None:
    """May is closed once June is stored (see test_rules); one changed figure, June already filed."""
    desk.seed(wan("A", "2025-05", revenue=300) + wan("A", "2025-06", revenue=350))
    (p,) = desk.rules(wan("A", "2025-05", revenue=310), "period.closed")
    assert p.severity == Severity.BLOCKING
    assert p.expected_in("zh") == "修改已关闭的期间须提供 --reason"
    assert p.expected_in("en") == "--reason for restating a closed period"
    assert p.found_in("zh") == "1 个数字有变动；已报送 2025-06"
    assert p.found_in("en") == "1 changed figure(s); 2025-06 already filed"
