"""kernel.text: the one place that chooses between Chinese and English."""

from __future__ import annotations

import pytest

from guozi.kernel.text import DEFAULT_LANG, LANGS, Text, UnknownLanguage, check_lang, is_zh, pick


def test_pick_chooses_by_language() -> None:
    assert pick("zh", "本期", "this period") == "本期"
    assert pick("en", "本期", "this period") == "this period"
    # any value, not only text: a separator, a number, a scale
    assert pick("zh", "、", ", ") == "、"
    assert pick("en", 0, 1) == 1


def test_text_in_and_call_agree() -> None:
    label = Text("上年同期", "prior year")
    assert label.in_("zh") == label("zh") == "上年同期"
    assert label.in_("en") == label("en") == "prior year"


def test_text_is_a_frozen_value_usable_as_a_table_of_labels() -> None:
    table = {"blocking": Text("强制", "blocking"), "notice": Text("提示", "notice")}
    assert [t("zh") for t in table.values()] == ["强制", "提示"]
    assert Text("强制", "blocking") == table["blocking"]  # compared by value
    with pytest.raises(AttributeError):
        table["blocking"].zh = "x"  # type: ignore[misc]


@pytest.mark.parametrize("lang", ["fr", "", "ZH", "zh-CN", "english"])
def test_an_unknown_language_is_refused_not_shown_in_english(lang: str) -> None:
    with pytest.raises(UnknownLanguage) as info:
        pick(lang, "甲", "a")
    message = str(info.value)
    assert repr(lang) in message
    assert "不支持的语言" in message  # both languages, naming the accepted ones
    assert "unknown language" in message
    assert "zh" in message
    assert "en" in message
    with pytest.raises(ValueError, match="unknown language"):  # a ValueError: a bug, not bad input
        Text("甲", "a")(lang)


def test_one_definition_of_the_languages() -> None:
    assert LANGS == ("zh", "en")
    assert DEFAULT_LANG == "zh"  # interfaces are zh-CN by default
    assert [check_lang(x) for x in LANGS] == ["zh", "en"]
    assert is_zh("zh")
    assert not is_zh("en")


def test_a_table_of_texts_still_reads_as_pairs() -> None:
    zh, en = Text("扭亏", "turned around")
    assert (zh, en) == ("扭亏", "turned around")
