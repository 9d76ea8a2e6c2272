"""The check of one rule for one entity: the panel cells it reads and the helpers every kind uses.

:class:`Data` holds the panel values a rule reads, looked up by (basis, entity, period,
indicator); :class:`Check` turns what a kind of test (:mod:`guozi.analyses.warnings.kinds`)
finds into a :class:`RiskWarning` with its sentence, or a :class:`Gap` naming what is missing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, cast

from guozi.analyses.source import Source
from guozi.analyses.warnings.messages import Fig
from guozi.analyses.warnings.results import Gap, RiskWarning
from guozi.analyses.warnings.rules import Rule, RuleSet
from guozi.catalog import Indicator
from guozi.catalog.params import DebtLine, DebtLines, IndustryClass
from guozi.engine.panel import Panel
from guozi.kernel.periods import Period


def as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class Cell(NamedTuple):
    value: Any
    prior: Any
    growth: float | None
    note_zh: str
    note_en: str


class Data:
    """The panel values a rule reads, looked up by (entity, period, indicator)."""

    def __init__(self, panels: Sequence[tuple[str, Panel]]) -> None:
        self.cells: dict[tuple[str, str, str, str], Cell] = {}
        self._texts: dict[Period, str] = {}
        cells = self.cells
        for basis, panel in panels:
            f = panel.frame
            cols = {c: f[c].tolist() for c in ("entity_id", "period", "indicator", "value", "prior_value", "growth")}
            empty = f.growth.isna().tolist()
            growths = [None if e else float(g) for g, e in zip(cols["growth"], empty, strict=True)]
            keys = zip(
                itertools.repeat(basis),
                map(str, cols["entity_id"]),
                map(str, cols["period"]),
                map(str, cols["indicator"]),
            )
            values = zip(
                cols["value"],
                cols["prior_value"],
                growths,
                map(str, f.note_zh.tolist()),
                map(str, f.note_en.tolist()),
                strict=True,
            )
            # Cell(*v) without its Python-level __new__: millions of cells for a large group
            cells.update(zip(keys, map(tuple.__new__, itertools.repeat(Cell), values), strict=True))

    def get(self, key: str, period: Period | str, indicator: str, basis: str = "ytd") -> Cell | None:
        if not isinstance(period, str):
            text = self._texts.get(period)
            if text is None:
                text = self._texts[period] = str(period)
            period = text
        return self.cells.get((basis, key, period, indicator))


_NO_ROW = ("没有数据", "no figures")


class Check:
    """The evaluation of one rule for one entity: a warning, a gap or nothing."""

    def __init__(
        self,
        ws: Source,
        ruleset: RuleSet,
        r: Rule,
        data: Data,
        lines: DebtLines,
        key: str,
        name: str,
        industry: str,
        period: Period,
    ) -> None:
        self.ws, self.rules, self.r, self.data, self.lines = ws, ruleset, r, data, lines
        self.key, self.name, self.industry, self.period = key, name, industry, period
        # the same for every entity: worked out once (a check is run for entity after entity)
        self._kind: Callable[[], RiskWarning | Gap | None] | None = None
        self._text = str(period)
        self._opening = period.opening
        self._opening_text = str(self._opening)
        self._decimals: dict[str, Decimal] = {}
        self._inds: dict[str, Indicator] = {}
        self._debts: dict[str, tuple[IndustryClass | None, DebtLine | None]] = {}
        self._consecutive: dict[tuple[int, str], list[tuple[Period, str]]] = {}  # with each period's text

    def at(self, key: str, name: str, industry: str) -> Check:
        """The check of another entity."""
        self.key, self.name, self.industry = key, name, industry
        return self

    # helpers
    def _ind(self, code: str) -> Indicator:
        ind = self._inds.get(code)
        if ind is None:
            ind = self._inds[code] = self.ws.catalog.indicator(code)
        return ind

    def dec(self, key: str) -> Decimal:
        """The rule's numeric parameter ``key``."""
        d = self._decimals.get(key)
        if d is None:
            d = self._decimals[key] = self.r.decimal(key)
        return d

    def unit(self, code: str) -> str:
        return self._ind(code).unit

    def iname(self, code: str) -> tuple[str, str]:
        ind = self._ind(code)
        return (ind.name_zh, ind.name_en)

    def gap(self, zh: str, en: str) -> Gap:
        return Gap(self.key, self.name, self._text, self.r.code, zh, en)

    def missing(self, code: str, cell: Cell | None, period: Period | None = None) -> Gap:
        nz, ne = (cell.note_zh, cell.note_en) if cell is not None else _NO_ROW
        iz, ie = self.iname(code)
        when_zh = f"（{period}）" if period is not None else ""
        when_en = f" ({period})" if period is not None else ""
        return self.gap(f"{iz}{when_zh}无法计算：{nz}", f"{ie}{when_en} cannot be computed: {ne}")

    def reference(self, code: str) -> tuple[Any, Fig, Cell | None, Period | None]:
        """The reference value of ``code`` (opening or prior year) and its label."""
        ref = str(self.r.params["reference"])
        if ref == "opening":
            p = self._opening
            cell = self.data.get(self.key, self._opening_text, code)
            return (None if cell is None else cell.value), (("年初", "previous year end", ref), "texts"), cell, p
        cell = self.data.get(self.key, self._text, code)
        return (None if cell is None else cell.prior), (("上年同期", "same period last year", ref), "texts"), cell, None

    def warn(
        self,
        figures: dict[str, Fig],
        *,
        value: Any,
        threshold: Any,
        reference: Any = None,
        unit: str | None = None,
        level: str = "",
        line: DebtLine | None = None,
    ) -> RiskWarning:
        r = self.r
        source, confirmed = r.source, r.confirmed
        if line is not None:  # the line's own source and status travel with the warning
            source = f"{source}; {line.industry} {line.year}: {line.source}" if line.source else source
            confirmed = confirmed and line.confirmed
        figures = {
            "entity": (self.name, "text"),
            "period": (self._text, "text"),
            "indicator": ((*self.iname(r.indicator), r.indicator), "texts"),
            **figures,
        }
        sev = r.severity_for(level)
        return RiskWarning(
            entity_id=self.key,
            name=self.name,
            period=self._text,
            rule=r.code,
            rule_name_zh=r.name_zh,
            rule_name_en=r.name_en,
            severity=sev,
            severity_rank=self.rules.rank(sev),
            indicator=r.indicator,
            value=value,
            threshold=threshold,
            reference=reference,
            unit=unit or self.unit(r.indicator),
            templates=(r.message_zh, r.message_en),
            shown=figures,
            source=source,
            confirmed=confirmed,
        )

    def current(self) -> tuple[Any, Cell | None]:
        cell = self.data.cells.get(("ytd", self.key, self._text, self.r.indicator))
        return (None if cell is None else cell.value), cell

    # kinds
    def run(self) -> RiskWarning | Gap | None:
        if self._kind is None:
            self._kind = cast(Callable[[], RiskWarning | Gap | None], getattr(self, f"k_{self.r.kind}"))
        return self._kind()

    def _debt(self) -> tuple[DebtLine | None, dict[str, Fig]]:
        found = self._debts.get(self.industry)
        if found is None:
            found = self._debts[self.industry] = (
                self.lines.industry_class(self.industry),
                self.lines.line_for(self.industry, self.period.year),
            )
        cls, line = found
        if cls is None or line is None:
            return None, {}
        return line, {
            "baseline": (line.baseline, "%"),
            "line_year": (line.year, "int"),
            "industry": (self.industry, "text"),
            "industry_class": ((cls.name_zh, cls.name_en, cls.code), "texts"),
            "warning_line": (line.warning, "%"),
            "supervision_line": (line.supervision, "%"),
        }

    def _no_line(self) -> Gap:
        if not self.industry:
            return self.gap(
                "企业未填行业（industry），无法确定资产负债率警戒线",
                "the entity has no industry, so no debt line applies",
            )
        return self.gap(
            f"没有行业 {self.industry} 在 {self.period.year} 年适用的资产负债率警戒线（可用 --debt-lines 加载）",
            f"no debt line for industry {self.industry} in {self.period.year} (load one with --debt-lines)",
        )

    @staticmethod
    def _level_name(level: str) -> Fig:
        names = ("重点监管线", "key-supervision line") if level == "supervision" else ("预警线", "warning line")
        return (*names, level), "texts"
