"""What SASAC published for all central enterprises together (reference/sasac_central_aggregates.csv).

Each figure carries its ``basis``: 快报 (the January press release on the year's fast reports) or
决算 (the final accounts, published months later). The two differ (2023 营业现金比率: 10.1 % in
the 快报 release, 11.2 % in the 决算-based 《中央企业高质量发展报告(2024)》), so a figure is only
ever compared with a figure of the same basis: every look-up names its basis, and
:meth:`CentralAggregates.change` refuses two figures of different bases.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from guozi.catalog.files import data_path
from guozi.kernel.errors import GuoziError, InvalidInputError, Problem
from guozi.kernel.periods import Period

__all__ = ["AGGREGATES_FILE", "BASES", "Aggregate", "CentralAggregates", "load_central_aggregates"]

AGGREGATES_FILE = "reference/sasac_central_aggregates.csv"
BASES = ("快报", "决算")
COLUMNS = ("period", "indicator", "value", "unit", "basis", "scope", "source", "note")


@dataclass(frozen=True)
class Aggregate:
    """One published figure of all central enterprises together."""

    period: Period
    indicator: str
    value: Decimal
    unit: str
    basis: str  # 快报 | 决算
    scope: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class CentralAggregates:
    """The published aggregates, looked up only within one basis."""

    rows: tuple[Aggregate, ...]
    file: str = ""

    def figure(self, period: Period, indicator: str, basis: str) -> Aggregate | None:
        """The figure of ``indicator`` for ``period`` on ``basis``, or ``None`` if none was published."""
        _check_basis(basis)
        for r in self.rows:
            if r.period == period and r.indicator == indicator and r.basis == basis:
                return r
        return None

    def series(self, indicator: str, basis: str) -> list[Aggregate]:
        """Every figure of ``indicator`` on ``basis``, oldest first."""
        _check_basis(basis)
        return sorted((r for r in self.rows if r.indicator == indicator and r.basis == basis), key=lambda r: r.period)

    def bases(self, period: Period, indicator: str) -> tuple[str, ...]:
        """The bases on which ``indicator`` was published for ``period``."""
        return tuple(b for b in BASES if self.figure(period, indicator, b) is not None)

    def change(self, later: Aggregate, earlier: Aggregate) -> Decimal:
        """``later`` − ``earlier``, of one indicator and unit on one basis; anything else is refused."""
        if later.basis != earlier.basis:
            raise GuoziError(
                f"不同口径的数字不可比较：{later.period} {later.basis} 与 {earlier.period} {earlier.basis}",
                f"figures of different bases are not compared: {later.period} {later.basis} "
                f"and {earlier.period} {earlier.basis}",
            )
        if (later.indicator, later.unit) != (earlier.indicator, earlier.unit):
            raise GuoziError(
                f"不同指标或单位的数字不可比较：{later.indicator}（{later.unit}）与 {earlier.indicator}（{earlier.unit}）",
                f"figures of different indicators or units are not compared: {later.indicator} ({later.unit}) "
                f"and {earlier.indicator} ({earlier.unit})",
            )
        return later.value - earlier.value


def _check_basis(basis: str) -> None:
    if basis not in BASES:
        raise GuoziError(
            f"口径应为 {'、'.join(BASES)} 之一，实为 {basis!r}",
            f"the basis must be one of {', '.join(BASES)}, not {basis!r}",
        )


def load_central_aggregates(path: Path | None = None) -> CentralAggregates:
    """The published aggregates of ``path`` (default: the shipped file); every bad row is listed."""
    p = path or data_path(AGGREGATES_FILE)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            rows = list(reader)
    except OSError as exc:
        raise GuoziError(f"无法读取文件 {p}：{exc}", f"cannot read {p}: {exc}") from exc
    if missing:
        raise InvalidInputError(
            problems=[
                Problem(
                    "reference.columns",
                    "缺少列：" + "、".join(missing),
                    "missing column(s): " + ", ".join(missing),
                    file=str(p),
                    row=1,
                    expected=",".join(COLUMNS),
                    found=",".join(reader.fieldnames or ()),
                )
            ]
        )
    out: list[Aggregate] = []
    problems: list[Problem] = []
    seen: dict[tuple[Period, str, str], int] = {}
    for i, r in enumerate(rows, start=2):
        row = {k: (r.get(k) or "").strip() for k in COLUMNS}
        found = _row_problems(row, str(p), i)
        if found:
            problems.extend(found)
            continue
        a = Aggregate(Period.parse(row["period"]), row["indicator"], Decimal(row["value"]), row["unit"],
                      row["basis"], row["scope"], row["source"], row["note"])  # fmt: skip
        key = (a.period, a.indicator, a.basis)
        if key in seen:
            problems.append(
                _problem(
                    "reference.duplicate",
                    f"与第 {seen[key]} 行重复（同一期间、指标与口径）",
                    f"repeats row {seen[key]} (same period, indicator and basis)",
                    str(p),
                    i,
                    "basis",
                    "one figure per period, indicator and basis",
                    a.basis,
                )
            )
            continue
        seen[key] = i
        out.append(a)
    if problems:
        raise InvalidInputError(problems=problems)
    return CentralAggregates(rows=tuple(out), file=str(p))


def _row_problems(row: dict[str, str], file: str, i: int) -> list[Problem]:
    out: list[Problem] = []
    try:
        Period.parse(row["period"])
    except ValueError:
        out.append(_problem("period.format", "期间格式错误", "bad period", file, i, "period", "YYYY-MM", row["period"]))
    try:
        if not Decimal(row["value"]).is_finite():
            raise InvalidOperation
    except InvalidOperation:
        out.append(_problem("value.not_numeric", "数值不是数字", "not a number", file, i, "value", "a decimal number",
                            row["value"]))  # fmt: skip
    if row["basis"] not in BASES:
        out.append(_problem("reference.basis", "口径不明", "unknown basis", file, i, "basis", " or ".join(BASES),
                            row["basis"]))  # fmt: skip
    if not row["indicator"] or not row["source"]:
        column = "indicator" if not row["indicator"] else "source"
        out.append(_problem("reference.blank", f"{column} 为空", f"{column} is blank", file, i, column, "text", ""))
    return out


def _problem(rule: str, zh: str, en: str, file: str, row: int, column: str, expected: str, found: str) -> Problem:
    return Problem(
        rule, f"{zh}：{found!r}", f"{en}: {found!r}", file=file, row=row, column=column, expected=expected, found=found
    )
