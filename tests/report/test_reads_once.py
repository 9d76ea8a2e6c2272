"""The report reads its entity's own figures once for every section: one year-to-date and one
single-month panel request (before: one or two per section — overview, regime, focus, 成本费用,
trends, central — 8 in all), and the intercompany balances once for 合并口径核对 and the appendix.
(The analyses it quotes — targets, warnings, EVA — read what they need themselves.)"""

from __future__ import annotations

import sys
from typing import Any

from guozi.report import build_report
from guozi.workspace import Workspace
from tests.report.conftest import PERIOD


class Counting:
    """The workspace as a report's source, counting its panel requests and intercompany reads."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.requests: list[dict[str, Any]] = []
        self.intercompany = 0

    def indicators(self, period: Any, **kw: Any) -> Any:
        self.requests.append({**kw, "caller": sys._getframe(1).f_globals["__name__"]})
        return self.ws.indicators(period, **kw)

    @property
    def store(self) -> Any:
        outer = self

        class Store:
            def intercompany(self) -> Any:
                outer.intercompany += 1
                return outer.ws.store.intercompany()

            def __getattr__(self, name: str) -> Any:
                return getattr(outer.ws.store, name)

        return Store()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ws, name)


def test_the_entity_is_read_in_two_requests(demo: Workspace) -> None:
    source = Counting(demo)
    report = build_report(source, PERIOD)  # type: ignore[arg-type]
    own = [
        r
        for r in source.requests
        if r["caller"].startswith("guozi.report")
        and r.get("entity") == report.entity
        and r.get("view") != "consolidated"
    ]
    assert [r.get("basis", "ytd") for r in own] == ["ytd", "month"]
    assert source.intercompany <= 1
    sections = {s.key for s in report.sections}
    assert {"overview", "regime", "focus", "trends"} <= sections
