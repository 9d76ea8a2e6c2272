"""The tests a rule's ``kind`` names: one method ``k_<kind>`` each, on top of :class:`Check`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from guozi.analyses.warnings.check import Check, as_decimal
from guozi.analyses.warnings.messages import Fig
from guozi.analyses.warnings.results import Gap, RiskWarning
from guozi.kernel.periods import Period


class KindCheck(Check):
    """A :class:`Check` with the test of every kind of rule."""

    def k_debt_line(self) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        line, figs = self._debt()
        if line is None:
            return self._no_line()
        x = as_decimal(v)
        for level, limit in (("supervision", line.supervision), ("warning", line.warning)):
            if x > limit:
                figs |= {"value": (v, "%"), "line": (limit, "%"), "line_name": self._level_name(level)}
                figs["threshold"] = (limit, "%")
                return self.warn(figs, value=v, threshold=limit, level=level, line=line)
        return None

    def k_debt_rising(self) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        line, figs = self._debt()
        if line is None:
            return self._no_line()
        level = str(self.r.params["line"])
        limit = line.supervision if level == "supervision" else line.warning
        if as_decimal(v) <= limit:
            return None
        ref, label, rcell, rp = self.reference(self.r.indicator)
        if ref is None:
            return self.missing(self.r.indicator, rcell, rp)
        change = as_decimal(v) - as_decimal(ref)
        if change <= self.dec("min_rise_pp"):
            return None
        figs |= {
            "value": (v, "%"),
            "line": (limit, "%"),
            "line_name": self._level_name(level),
            "threshold": (limit, "%"),
            "reference": (ref, "%"),
            "reference_label": label,
            "change": (change, "pp"),
        }
        return self.warn(figs, value=v, threshold=limit, reference=ref, level=level, line=line)

    def k_rise(self) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        ref, label, rcell, rp = self.reference(self.r.indicator)
        if ref is None:
            return self.missing(self.r.indicator, rcell, rp)
        change = as_decimal(v) - as_decimal(ref)
        limit = self.dec("min_rise_pp")
        if change <= limit:
            return None
        unit = self.unit(self.r.indicator)
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "reference": (ref, unit),
            "reference_label": label,
            "change": (change, "pp" if unit == "%" else unit),
            "threshold": (limit, "pp" if unit == "%" else unit),
        }
        return self.warn(figs, value=v, threshold=limit, reference=ref)

    def _compare(self, below: bool) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        limit = self.dec("threshold")
        hit = as_decimal(v) < limit if below else as_decimal(v) > limit
        if not hit:
            return None
        unit = self.unit(self.r.indicator)
        return self.warn({"value": (v, unit), "threshold": (limit, unit)}, value=v, threshold=limit)

    def k_below(self) -> RiskWarning | Gap | None:
        return self._compare(below=True)

    def k_above(self) -> RiskWarning | Gap | None:
        return self._compare(below=False)

    def k_consecutive(self) -> RiskWarning | Gap | None:
        n = int(self.dec("periods"))
        step = str(self.r.params["step"])
        limit = self.dec("threshold")
        basis = "month" if step == "month" else "ytd"
        periods = self._consecutive.get((n, step))
        if periods is None:
            periods = self._consecutive[(n, step)] = [(p, str(p)) for p in consecutive_periods(self.period, n, step)]
        unit = self.unit(self.r.indicator)
        shown: list[tuple[Period, Any]] = []
        cells, key, code = self.data.cells, self.key, self.r.indicator
        for k, (p, text) in enumerate(periods):
            cell = cells.get((basis, key, text, code))
            v = None if cell is None else cell.value
            if v is None:
                return self.missing(self.r.indicator, cell, p if k else None)
            if as_decimal(v) >= limit:
                return None
            shown.append((p, v))
        shown.reverse()
        first = shown[-1][1]
        figs: dict[str, Fig] = {
            "value": (first, unit),
            "threshold": (limit, unit),
            "n": (n, "int"),
            "values": ((unit, tuple((str(p), v) for p, v in shown)), "series"),
        }
        return self.warn(figs, value=first, threshold=limit)

    def k_loss_grew(self) -> RiskWarning | Gap | None:
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        if as_decimal(v) >= 0:
            return None
        prior = None if cell is None else cell.prior
        if prior is None:
            iz, ie = self.iname(self.r.indicator)
            return self.gap(f"缺少上年同期{iz}", f"no prior-year {ie}")
        if as_decimal(prior) >= 0:
            return None
        increase = (abs(as_decimal(v)) - abs(as_decimal(prior))) / abs(as_decimal(prior)) * 100
        limit = self.dec("min_increase_pct")
        if increase <= limit:
            return None
        unit = self.unit(self.r.indicator)
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "reference": (prior, unit),
            "increase": (increase, "pct"),
            "threshold": (limit, "pct"),
        }
        return self.warn(figs, value=v, threshold=Decimal(0), reference=prior)

    def k_sign_gap(self) -> RiskWarning | Gap | None:
        pos_code = str(self.r.params["positive"])
        pcell = self.data.get(self.key, self._text, pos_code)
        pos = None if pcell is None else pcell.value
        if pos is None:
            return self.missing(pos_code, pcell)
        if as_decimal(pos) <= 0:
            return None
        v, cell = self.current()
        if v is None:
            return self.missing(self.r.indicator, cell)
        if as_decimal(v) >= 0:
            return None
        unit = self.unit(self.r.indicator)
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "threshold": (Decimal(0), unit),
            "positive": (pos, self.unit(pos_code)),
            "negative": (v, unit),
            "positive_name": ((*self.iname(pos_code), pos_code), "texts"),
            "negative_name": ((*self.iname(self.r.indicator), self.r.indicator), "texts"),
        }
        return self.warn(figs, value=v, threshold=Decimal(0), reference=pos)

    def k_growth_gap(self) -> RiskWarning | Gap | None:
        slow_code = str(self.r.params["slow"])
        fcell = self.data.get(self.key, self._text, self.r.indicator)
        scell = self.data.get(self.key, self._text, slow_code)
        for code, c in ((self.r.indicator, fcell), (slow_code, scell)):
            if c is None or c.value is None:
                return self.missing(code, c)
            if c.growth is None:
                iz, ie = self.iname(code)
                return self.gap(
                    f"{iz}无同比增速（缺少上年同期数或上年同期为零）",
                    f"{ie} has no year-on-year growth (prior-year figure missing or zero)",
                )
        assert fcell is not None and scell is not None and fcell.growth is not None and scell.growth is not None
        fg, sg = as_decimal(fcell.growth), as_decimal(scell.growth)
        margin = self.dec("margin_pp")
        gap = fg - sg
        if gap <= margin:
            return None
        figs: dict[str, Fig] = {
            "value": (fcell.growth, "pct"),
            "threshold": (sg + margin, "pct"),
            "fast_name": ((*self.iname(self.r.indicator), self.r.indicator), "texts"),
            "slow_name": ((*self.iname(slow_code), slow_code), "texts"),
            "fast_growth": (fcell.growth, "pct"),
            "slow_growth": (scell.growth, "pct"),
            "gap": (gap, "pp"),
            "margin": (margin, "pp"),
        }
        return self.warn(figs, value=fcell.growth, threshold=sg + margin, reference=scell.growth, unit="%")


def consecutive_periods(period: Period, n: int, step: str) -> list[Period]:
    """``period`` and the ``n − 1`` before it, a year or a month apart, latest first."""
    months = 12 if step == "year" else 1
    return [period.shift(-months * k) for k in range(n)]
