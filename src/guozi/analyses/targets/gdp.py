"""National real GDP growth, the reference of "growth above GDP growth" (reference/gdp_growth.csv).

The shipped series is overridden row by row (by period) by a user file (``--gdp FILE`` or
``$GUOZI_GDP``); for a period the figure of the same period is used if present, else the year's
annual figure, else the prior year's, and the pick says which.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from guozi.catalog.load import data_path
from guozi.kernel.errors import GuoziError, InvalidInputError, Problem
from guozi.kernel.periods import Period
from guozi.kernel.text import is_zh

GDP_FILE = "reference/gdp_growth.csv"
GDP_ENV = "GUOZI_GDP"
GdpRule = Literal["same_period", "annual", "prior_annual"]


@dataclass(frozen=True)
class GdpFigure:
    """One row of the GDP growth series: real growth in percent for a period, with its source."""

    period: Period
    growth: Decimal
    source: str
    note: str
    file: str


@dataclass(frozen=True)
class GdpPick:
    """The GDP growth figure used for a period, and by which rule it was chosen."""

    figure: GdpFigure
    rule: GdpRule

    def describe(self, lang: str) -> str:
        """Which figure was used, e.g. "2025-06 同期数据（国家统计局…）"."""
        p = self.figure.period
        src = self.figure.source
        if is_zh(lang):
            how = {"same_period": "同期数据", "annual": "当年全年数据", "prior_annual": "上年全年数据（当年无数据）"}
            return f"{p} {how[self.rule]}" + (f"，来源：{src}" if src else "")
        how_en = {
            "same_period": "same period",
            "annual": "the year's annual figure",
            "prior_annual": "the prior year's annual figure (none for the year)",
        }
        return f"{p} {how_en[self.rule]}" + (f"; source: {src}" if src else "")


@dataclass(frozen=True)
class GdpSeries:
    """National real GDP growth by period (the shipped series, overridden by a user's rows)."""

    figures: dict[Period, GdpFigure] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def pick(self, period: Period) -> GdpPick | None:
        """The same period's figure, else the year's annual figure, else the prior year's."""
        if period in self.figures:
            return GdpPick(self.figures[period], "same_period")
        annual = Period(period.year, 12)
        if annual in self.figures:
            return GdpPick(self.figures[annual], "annual")
        prior = Period(period.year - 1, 12)
        if prior in self.figures:
            return GdpPick(self.figures[prior], "prior_annual")
        return None


def _gdp_rows(path: Path) -> list[GdpFigure]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = set(reader.fieldnames or ())
            rows = list(reader)
    except OSError as exc:
        raise GuoziError(
            f"无法读取 GDP 增速文件 {path}：{exc}", f"cannot read the GDP growth file {path}: {exc}"
        ) from exc
    missing = {"period", "real_gdp_growth_pct"} - fields
    if missing:
        raise InvalidInputError(
            problems=[
                Problem(
                    "gdp.columns",
                    "GDP 增速文件缺少列：" + "、".join(sorted(missing)),
                    "the GDP growth file lacks column(s): " + ", ".join(sorted(missing)),
                    file=str(path),
                    row=1,
                    expected="period,real_gdp_growth_pct[,source,note]",
                    found=",".join(sorted(fields)),
                )
            ]
        )
    out: list[GdpFigure] = []
    problems: list[Problem] = []
    for i, r in enumerate(rows, start=2):
        text_p, text_v = (r.get("period") or "").strip(), (r.get("real_gdp_growth_pct") or "").strip()
        try:
            p = Period.parse(text_p)
        except ValueError:
            problems.append(
                Problem(
                    "period.format",
                    f"期间格式错误：{text_p!r}",
                    f"bad period: {text_p!r}",
                    file=str(path),
                    row=i,
                    column="period",
                    expected="YYYY-MM",
                    found=text_p,
                )
            )
            continue
        try:
            v = Decimal(text_v)
            if not v.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                Problem(
                    "value.not_numeric",
                    f"GDP 增速不是数字：{text_v!r}",
                    f"GDP growth is not a number: {text_v!r}",
                    file=str(path),
                    row=i,
                    column="real_gdp_growth_pct",
                    expected="a decimal number (percent)",
                    expected_zh="十进制数（百分数）",
                    found=text_v,
                )
            )
            continue
        out.append(GdpFigure(p, v, (r.get("source") or "").strip(), (r.get("note") or "").strip(), str(path)))
    if problems:
        raise InvalidInputError(problems=problems)
    return out


def load_gdp(path: Path | str | None = None) -> GdpSeries:
    """The shipped GDP growth series, overridden row by row (by period) by ``path`` or ``$GUOZI_GDP``."""
    files = [data_path(GDP_FILE)]
    user = path if path is not None else os.environ.get(GDP_ENV) or None
    if user is not None:
        files.append(Path(user))
    figures: dict[Period, GdpFigure] = {}
    for f in files:
        for g in _gdp_rows(f):
            figures[g.period] = g
    return GdpSeries(figures=figures, files=tuple(str(f) for f in files))


# regime verdicts -------------------------------------------------------------------------------
