"""The tests a rule's ``kind`` names, each over the whole column of checked entities at once.

Each test narrows the rows still undecided step by step, in the order the rule's sentence needs
its figures: a row whose figure is missing becomes a :class:`Gap` at that step, a row that passes
drops out, and the rows left at the end are the warnings. Comparisons are exact
(:func:`~guozi.analyses.warnings.check.sign`, :func:`~guozi.analyses.warnings.check.exceeds`);
only a row that ends in a gap is handled on its own, to make it; the rows that warn are kept with
a function making one's warning (its figures and sentence), called only when it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd

from guozi.analyses.warnings.check import Cells, Mask, RuleCheck, approx, as_decimal, exceeds, sign
from guozi.analyses.warnings.messages import Fig
from guozi.analyses.warnings.results import RiskWarning
from guozi.catalog.params import DebtLine
from guozi.kernel.periods import Period

ZERO = Decimal(0)


def _level_name(level: str) -> Fig:
    names = ("重点监管线", "key-supervision line") if level == "supervision" else ("预警线", "warning line")
    return (*names, level), "texts"


def _current(c: RuleCheck, live: Mask) -> tuple[Cells, Mask]:
    """The rule's indicator at the period; the rows without it are gaps, the others go on."""
    cur = c.cells()
    c.missing(live & cur.empty, cur)
    return cur, live & ~cur.empty


def _debt_lines(c: RuleCheck, live: Mask) -> tuple[Mask, list[DebtLine | None], dict[str, np.ndarray]]:
    """Each row's debt line, looked up once per industry; a row without one is a gap."""
    industries = c.entities.industries
    codes, names = pd.factorize(pd.Series(industries, dtype=object))
    found = [c.debt(str(name)) for name in names]  # (class, line) per industry
    has_line = np.array([cls is not None and line is not None for cls, line in found] + [False])[codes]
    lines_of = np.array([line for _, line in found] + [None], dtype=object)[codes]
    year = c.period.year
    for k, name in enumerate(names):
        rows = live & ~has_line & (codes == k)
        if not rows.any():
            continue
        if not name:
            c.gaps(
                rows,
                "企业未填行业（industry），无法确定资产负债率警戒线",
                "the entity has no industry, so no debt line applies",
            )
        else:
            c.gaps(
                rows,
                f"没有行业 {name} 在 {year} 年适用的资产负债率警戒线（可用 --debt-lines 加载）",
                f"no debt line for industry {name} in {year} (load one with --debt-lines)",
            )
    lines: list[DebtLine | None] = lines_of.tolist()
    limits = {  # each row's line at each level (None without one)
        level: np.array([None if x is None else getattr(x, level) for _, x in found] + [None], dtype=object)[codes]
        for level in ("supervision", "warning")
    }
    return live & has_line, lines, limits


def _debt_figures(c: RuleCheck, i: int, line: DebtLine) -> dict[str, Fig]:
    industry = c.entities.industries[i]
    cls = c.debt(industry)[0]
    assert cls is not None
    return {
        "baseline": (line.baseline, "%"),
        "line_year": (line.year, "int"),
        "industry": (industry, "text"),
        "industry_class": ((cls.name_zh, cls.name_en, cls.code), "texts"),
        "warning_line": (line.warning, "%"),
        "supervision_line": (line.supervision, "%"),
    }


def debt_line(c: RuleCheck, live: Mask) -> None:
    cur, live = _current(c, live)
    live, lines, limits = _debt_lines(c, live)
    above_sup = sign(cur.values, cur.floats, limits["supervision"], live) > 0
    above_warn = live & ~above_sup & (sign(cur.values, cur.floats, limits["warning"], live) > 0)

    def maker(level: str) -> Callable[[int], RiskWarning]:
        def make(i: int) -> RiskWarning:
            line = lines[i]
            assert line is not None
            v, limit = cur.values[i], line.supervision if level == "supervision" else line.warning
            figs = _debt_figures(c, i, line)
            figs |= {"value": (v, "%"), "line": (limit, "%"), "line_name": _level_name(level)}
            figs["threshold"] = (limit, "%")
            return c.warning(i, figs, value=v, threshold=limit, level=level, line=line)

        return make

    for level, rows in (("supervision", above_sup), ("warning", above_warn)):
        c.warn(rows, maker(level), level)
    _in_order(c)


def _reference(c: RuleCheck, cur: Cells) -> tuple[np.ndarray, Mask, np.ndarray | None, Fig, Cells, Period | None]:
    """The reference of each row (the opening or prior-year value): values, empty, floats, label, cells, period."""
    ref = str(c.r.params["reference"])
    label: Fig = (
        (("年初", "previous year end", ref) if ref == "opening" else ("上年同期", "same period last year", ref)),
        "texts",
    )
    if ref == "opening":
        at = c.cells(period=c.period.opening)
        return at.values, at.empty, at.floats, label, at, c.period.opening
    return cur.priors, cur.prior_empty, cur.prior_floats, label, cur, None


def _rising(c: RuleCheck, cur: Cells, live: Mask) -> tuple[Mask, np.ndarray, Fig, Decimal]:
    """The rows whose value rose by more than ``min_rise_pp`` from the reference (a missing reference: a gap)."""
    refs, empty, floats, label, at, when = _reference(c, cur)
    c.missing(live & empty, at, period=when)
    live = live & ~empty
    limit = c.r.decimal("min_rise_pp")

    def change(i: int) -> Decimal:
        return as_decimal(cur.values[i]) - as_decimal(refs[i])

    now, then = approx(cur.values, cur.floats, live), approx(refs, floats, live)
    return exceeds(now - then, limit, live, np.maximum(np.abs(now), np.abs(then)), change), refs, label, limit


def debt_rising(c: RuleCheck, live: Mask) -> None:
    cur, live = _current(c, live)
    live, lines, limits = _debt_lines(c, live)
    level = str(c.r.params["line"])
    live = live & (sign(cur.values, cur.floats, limits[level], live) > 0)
    rows, refs, label, _ = _rising(c, cur, live)

    def make(i: int) -> RiskWarning:
        line = lines[i]
        assert line is not None
        v, ref = cur.values[i], refs[i]
        limit = line.supervision if level == "supervision" else line.warning
        figs = _debt_figures(c, i, line) | {
            "value": (v, "%"),
            "line": (limit, "%"),
            "line_name": _level_name(level),
            "threshold": (limit, "%"),
            "reference": (ref, "%"),
            "reference_label": label,
            "change": (as_decimal(v) - as_decimal(ref), "pp"),
        }
        return c.warning(i, figs, value=v, threshold=limit, reference=ref, level=level, line=line)

    c.warn(rows, make, level)
    _in_order(c)


def rise(c: RuleCheck, live: Mask) -> None:
    cur, live = _current(c, live)
    rows, refs, label, limit = _rising(c, cur, live)
    unit = c.unit()
    shown = "pp" if unit == "%" else unit

    def make(i: int) -> RiskWarning:
        v, ref = cur.values[i], refs[i]
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "reference": (ref, unit),
            "reference_label": label,
            "change": (as_decimal(v) - as_decimal(ref), shown),
            "threshold": (limit, shown),
        }
        return c.warning(i, figs, value=v, threshold=limit, reference=ref)

    c.warn(rows, make)
    _in_order(c)


def _compare(c: RuleCheck, live: Mask, below: bool) -> None:
    cur, live = _current(c, live)
    limit = c.r.decimal("threshold")
    s = sign(cur.values, cur.floats, limit, live)
    unit = c.unit()

    def make(i: int) -> RiskWarning:
        v = cur.values[i]
        return c.warning(i, {"value": (v, unit), "threshold": (limit, unit)}, value=v, threshold=limit)

    c.warn(live & ((s < 0) if below else (s > 0)), make)
    _in_order(c)


def below(c: RuleCheck, live: Mask) -> None:
    _compare(c, live, below=True)


def above(c: RuleCheck, live: Mask) -> None:
    _compare(c, live, below=False)


def consecutive(c: RuleCheck, live: Mask) -> None:
    n = int(c.r.decimal("periods"))
    step = str(c.r.params["step"])
    limit = c.r.decimal("threshold")
    basis = "month" if step == "month" else "ytd"
    periods = consecutive_periods(c.period, n, step)
    columns = []
    for k, p in enumerate(periods):
        at = c.cells(period=p, basis=basis)
        c.missing(live & at.empty, at, period=p if k else None)
        live = live & ~at.empty
        live = live & (sign(at.values, at.floats, limit, live) < 0)
        columns.append(at.values)
    unit = c.unit()
    labels = [str(p) for p in reversed(periods)]

    def make(i: int) -> RiskWarning:
        values = [col[i] for col in reversed(columns)]  # earliest first
        first = columns[0][i]
        figs: dict[str, Fig] = {
            "value": (first, unit),
            "threshold": (limit, unit),
            "n": (n, "int"),
            "values": ((unit, tuple(zip(labels, values, strict=True))), "series"),
        }
        return c.warning(i, figs, value=first, threshold=limit)

    c.warn(live, make)
    _in_order(c)


def loss_grew(c: RuleCheck, live: Mask) -> None:
    cur, live = _current(c, live)
    live = live & (sign(cur.values, cur.floats, ZERO, live) < 0)
    iz, ie = c.iname()
    c.gaps(live & cur.prior_empty, f"缺少上年同期{iz}", f"no prior-year {ie}")
    live = live & ~cur.prior_empty
    live = live & (sign(cur.priors, cur.prior_floats, ZERO, live) < 0)
    limit = c.r.decimal("min_increase_pct")

    def increase(i: int) -> Decimal:
        v, prior = as_decimal(cur.values[i]), as_decimal(cur.priors[i])
        return (abs(v) - abs(prior)) / abs(prior) * 100

    with np.errstate(divide="ignore", invalid="ignore"):
        now, then = np.abs(approx(cur.values, cur.floats, live)), np.abs(approx(cur.priors, cur.prior_floats, live))
        estimate = (now - then) / then * 100
    rows = exceeds(estimate, limit, live, estimate, increase)
    unit = c.unit()

    def make(i: int) -> RiskWarning:
        v, prior = cur.values[i], cur.priors[i]
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "reference": (prior, unit),
            "increase": (increase(i), "pct"),
            "threshold": (limit, "pct"),
        }
        return c.warning(i, figs, value=v, threshold=ZERO, reference=prior)

    c.warn(rows, make)
    _in_order(c)


def sign_gap(c: RuleCheck, live: Mask) -> None:
    pos_code = str(c.r.params["positive"])
    pos = c.cells(pos_code)
    c.missing(live & pos.empty, pos, pos_code)
    live = live & ~pos.empty
    live = live & (sign(pos.values, pos.floats, ZERO, live) > 0)
    cur, live = _current(c, live)
    live = live & (sign(cur.values, cur.floats, ZERO, live) < 0)
    unit, pos_unit = c.unit(), c.unit(pos_code)

    def make(i: int) -> RiskWarning:
        v, p = cur.values[i], pos.values[i]
        figs: dict[str, Fig] = {
            "value": (v, unit),
            "threshold": (ZERO, unit),
            "positive": (p, pos_unit),
            "negative": (v, unit),
            "positive_name": c.named(pos_code),
            "negative_name": c.named(),
        }
        return c.warning(i, figs, value=v, threshold=ZERO, reference=p)

    c.warn(live, make)
    _in_order(c)


def growth_gap(c: RuleCheck, live: Mask) -> None:
    slow_code = str(c.r.params["slow"])
    fast, slow = c.cells(), c.cells(slow_code)
    for code, at in ((c.r.indicator, fast), (slow_code, slow)):
        c.missing(live & at.empty, at, code)
        live = live & ~at.empty
        iz, ie = c.iname(code)
        c.gaps(
            live & at.growth_empty,
            f"{iz}无同比增速（缺少上年同期数或上年同期为零）",
            f"{ie} has no year-on-year growth (prior-year figure missing or zero)",
        )
        live = live & ~at.growth_empty
    margin = c.r.decimal("margin_pp")
    fg, sg = _growth_floats(fast, live), _growth_floats(slow, live)

    def gap(i: int) -> Decimal:
        return as_decimal(fast.growths[i]) - as_decimal(slow.growths[i])

    rows = exceeds(fg - sg, margin, live, np.maximum(np.abs(fg), np.abs(sg)), gap)

    def make(i: int) -> RiskWarning:
        f, s = fast.growths[i], slow.growths[i]
        threshold = as_decimal(s) + margin
        figs: dict[str, Fig] = {
            "value": (f, "pct"),
            "threshold": (threshold, "pct"),
            "fast_name": c.named(),
            "slow_name": c.named(slow_code),
            "fast_growth": (f, "pct"),
            "slow_growth": (s, "pct"),
            "gap": (gap(i), "pp"),
            "margin": (margin, "pp"),
        }
        return c.warning(i, figs, value=f, threshold=threshold, reference=s, unit="%")

    c.warn(rows, make)
    _in_order(c)


def _growth_floats(cells: Cells, rows: Mask) -> np.ndarray:
    out = np.full(len(rows), np.nan)
    out[rows] = cells.growths[rows].astype("float64")
    return out


def _in_order(c: RuleCheck) -> None:
    """The rule's gaps in the entities' order (each row has at most one)."""
    c.found.sort(key=lambda found: found[0])


TESTS: dict[str, Callable[[RuleCheck, Mask], None]] = {
    "debt_line": debt_line,
    "debt_rising": debt_rising,
    "rise": rise,
    "below": below,
    "above": above,
    "consecutive": consecutive,
    "loss_grew": loss_grew,
    "sign_gap": sign_gap,
    "growth_gap": growth_gap,
}


def consecutive_periods(period: Period, n: int, step: str) -> list[Period]:
    """``period`` and the ``n − 1`` before it, a year or a month apart, latest first."""
    months = 12 if step == "year" else 1
    return [period.shift(-months * k) for k in range(n)]
