"""The EVA page's note on what is not confirmed (issue 20): in Chinese on the Chinese page — the
2025 cost of debt is the 1-year LPR from 2025-05-20 (params/eva.yaml, not confirmed by the EVA
rules' text), named 「全国银行间同业拆借中心公布的1年期贷款市场报价利率（LPR），2025年5月20日起」 —
and as written on the English page ("1-year LPR from 2025-05-20, National Interbank Funding Center").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.testclient import TestClient

ClientAs = Callable[[str], TestClient]
ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,;:()]+[A-Za-z]{2,}")  # two Latin words in a row


def _note(html: str) -> str:
    found = re.findall(r'<p class="hint unconfirmed">(.*?)</p>', html, flags=re.S)
    assert len(found) == 1, html
    return str(found[0])


def test_the_chinese_eva_page_says_what_is_unconfirmed_in_chinese(client_as: ClientAs) -> None:
    note = _note(client_as("admin").get("/eva?period=2025-12").text)
    assert note.startswith("未经官方文本确认的口径：")
    assert "全国银行间同业拆借中心公布的1年期贷款市场报价利率（LPR），2025年5月20日起" in note
    assert ENGLISH.search(note) is None, note


def test_the_english_eva_page_keeps_the_source_as_written(client_as: ClientAs) -> None:
    note = _note(client_as("admin").get("/eva?period=2025-12&lang=en").text)
    assert "1-year LPR from 2025-05-20, National Interbank Funding Center" in note
