"""与中央企业比较 on a Chinese report names its sources in Chinese: every 快报 ratio the section can
show (reference/sasac_central_aggregates.csv) has its source as the layout words it — 「新华社
2021-01-19」 for "Xinhua 2021-01-19" — with no run of three English words left."""

from __future__ import annotations

import re

from guozi.catalog.files import read_yaml
from guozi.catalog.reference import load_central_aggregates
from guozi.report.context import LAYOUT_FILE
from guozi.report.sections.central import BASIS, source_zh

ENGLISH = re.compile(r"[A-Za-z]+(?:[ ,;:'()-]+[A-Za-z]+){2,}")


def test_every_shown_source_reads_in_chinese() -> None:
    layout = read_yaml(LAYOUT_FILE)["report"]
    shown = [a for a in load_central_aggregates().rows if a.basis == BASIS and a.unit in ("%", "万元/人")]
    assert shown
    for a in shown:
        zh = source_zh(a.source, layout)
        assert not ENGLISH.search(zh), (a.period, a.indicator, zh)
    assert source_zh("Xinhua 2021-01-19", layout) == "新华社 2021-01-19"
    assert source_zh("a source of my own", layout) == "a source of my own"  # as written
