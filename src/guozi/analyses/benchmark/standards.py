"""Standard-value tables (企业绩效评价标准值): reading them, every problem listed at once, and the row
that applies to an enterprise.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import cast

from guozi.analyses.benchmark.params import BenchmarkParams, load_params, read_rows
from guozi.analyses.benchmark.sizes import SizeRules, load_sizes
from guozi.analyses.source import Source
from guozi.catalog import data_path
from guozi.catalog.model import Catalog, Direction, Indicator
from guozi.kernel.errors import InvalidInputError, Problem

ILLUSTRATION_MARK = "ILLUSTRATION"  # the shipped standard-value table says so in its first line
STANDARDS_FILE = "params/standard_values.csv"


@dataclass(frozen=True)
class StandardRow:
    """One row of a standard-value table: the band values of an indicator, industry, size and year."""

    year: int
    indicator: str
    industry: str  # a GB/T 4754 code or "all"
    size: str  # a size class code or the all-sizes code
    values: tuple[Decimal, ...]  # best band first, in the indicator's unit
    source: str
    note: str
    file: str
    line: int


@dataclass(frozen=True)
class StandardTable:
    """A standard-value table (企业绩效评价标准值), possibly several files merged."""

    rows: tuple[StandardRow, ...]
    files: tuple[str, ...]
    illustration: bool = False
    _index: dict[tuple[str, str, str], list[StandardRow]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for r in self.rows:
            self._index.setdefault((r.indicator, r.industry, r.size), []).append(r)

    def indicators(self) -> list[str]:
        """The indicators the table has values for, in the order they first appear."""
        return list(dict.fromkeys(r.indicator for r in self.rows))

    def lookup(
        self, indicator: str, industry: str, size: str | None, year: int, all_sizes: str = "all"
    ) -> StandardRow | None:
        """The row for an enterprise: the most specific industry (``C37``, ``C``, ``all``) that has one,
        its size class else all sizes, the latest edition not after ``year``."""
        candidates = [industry[:k] for k in range(len(industry), 0, -1)] if industry else []
        for ind in (*candidates, "ALL"):
            for sz in (size, all_sizes) if size else (all_sizes,):
                rows = [r for r in self._index.get((indicator, ind, sz), []) if r.year <= year]
                if rows:
                    return max(rows, key=lambda r: (r.year, r.line))
        return None


def load_standards(
    paths: Sequence[Path] | None,
    source: Source,
    *,
    params: BenchmarkParams | None = None,
    sizes: SizeRules | None = None,
) -> StandardTable:
    """Read standard-value tables (default: the shipped illustration); list every problem at once.

    Columns: ``year, indicator, industry, size`` and one per band (the band codes of
    ``benchmark.yaml`` or their Chinese names), optional ``source, note``. Values are in the
    indicator's unit and must run from best to worst in its direction.
    """
    files = list(paths) if paths else [data_path(STANDARDS_FILE)]
    reader = _Reader(
        source.catalog, params or load_params(catalog=source.catalog), sizes or load_sizes(catalog=source.catalog)
    )
    rows: list[StandardRow] = []
    illustration = False
    for path in files:
        head = path.read_text(encoding="utf-8-sig")[:200] if path.suffix.lower() != ".xlsx" else ""
        illustration = illustration or ILLUSTRATION_MARK in head
        for line, rec in read_rows(path):
            reader.at(path, line)
            band_cols = reader.band_columns(rec)
            if band_cols is None:
                break  # the header is wrong; every row would repeat it
            row = reader.row(rec, band_cols)
            if row is not None:
                rows.append(row)
    if reader.problems:
        raise InvalidInputError(problems=reader.problems)
    return StandardTable(tuple(rows), tuple(str(f) for f in files), illustration)


class _Reader:
    """Reads the records of standard-value tables one by one, gathering the problems."""

    def __init__(self, catalog: Catalog, params: BenchmarkParams, sizes: SizeRules) -> None:
        self.catalog, self.params, self.sizes = catalog, params, sizes
        self.problems: list[Problem] = []
        self.seen: dict[tuple[int, str, str, str], str] = {}
        self.path, self.line = Path(), 0

    def at(self, path: Path, line: int) -> None:
        """The file and line of the next record."""
        self.path, self.line = path, line

    def problem(self, column: str, rule: str, zh: str, en: str, expected: str = "", found: str = "") -> None:
        self.problems.append(
            Problem(rule, zh, en, file=str(self.path), row=self.line, column=column, expected=expected, found=found)
        )

    def band_columns(self, rec: Mapping[str, str]) -> list[str] | None:
        """The column of each band (its code or its Chinese name); ``None`` if one is missing."""
        cols: list[str | None] = []
        for b in self.params.bands:
            col = b.code if b.code in rec else b.name_zh if b.name_zh in rec else None
            if col is None:
                self.problem(
                    b.code,
                    "standards.column",
                    f"缺少档次列 {b.code}（{b.name_zh}）",
                    f"missing band column {b.code} ({b.name_zh})",
                )
            cols.append(col)
        return None if None in cols else cast(list[str], cols)

    def row(self, rec: Mapping[str, str], band_cols: Sequence[str]) -> StandardRow | None:
        """The row of one record, or ``None`` with its problem noted."""
        code = rec.get("indicator", "")
        ind = self.indicator(code)
        if ind is None:
            return None
        try:
            year = int(rec.get("year", ""))
        except ValueError:
            self.problem(
                "year", "standards.year", "年份应为整数", "year must be a whole number", "YYYY", rec.get("year", "")
            )
            return None
        industry_text = rec.get("industry", "").strip()
        industry = (
            "ALL"
            if industry_text.lower() in ("all", "全部", "全国", "全行业", "")
            else self.params.industry(industry_text)
        )
        sizes = self.sizes
        size = sizes.code(rec.get("size", "") or sizes.all_sizes.code)
        if size is None:
            allowed = " ".join(b.code for b in (*sizes.classes, sizes.all_sizes))
            self.problem(
                "size", "standards.size", "规模类别无法识别", "unknown size class", allowed, rec.get("size", "")
            )
            return None
        vals = self.values(rec, band_cols, code, ind.direction)
        if vals is None:
            return None
        k = (year, code, industry, size)
        if k in self.seen:
            self.problem(
                "indicator",
                "standards.duplicate",
                f"与 {self.seen[k]} 重复",
                f"duplicates {self.seen[k]}",
                "one row per year, indicator, industry and size",
                " ".join(map(str, k)),
            )
            return None
        self.seen[k] = f"{self.path.name}:{self.line}"
        return StandardRow(
            year, code, industry, size, vals, rec.get("source", ""), rec.get("note", ""), str(self.path), self.line
        )

    def indicator(self, code: str) -> Indicator | None:
        """The indicator of ``code`` (the catalogue's or an extra one) if it can be banded."""
        ind = self.catalog.indicators.get(code) or self.params.extra.get(code)
        if ind is None:
            self.problem(
                "indicator",
                "standards.indicator",
                f"未知指标 {code}",
                f"unknown indicator {code}",
                "an indicator code",
                code,
            )
            return None
        if ind.direction == "none":
            self.problem(
                "indicator",
                "standards.direction",
                f"指标 {code} 无优劣方向，不能分档",
                f"indicator {code} has no better direction",
                "higher or lower",
                "none",
            )
            return None
        return ind

    def values(
        self, rec: Mapping[str, str], band_cols: Sequence[str], code: str, direction: Direction
    ) -> tuple[Decimal, ...] | None:
        """The band values, best first, if each is a number and they run from best to worst."""
        vals: list[Decimal] = []
        for b, col in zip(self.params.bands, band_cols, strict=True):
            try:
                d = Decimal(rec.get(col, "").replace(",", ""))
                if not d.is_finite():
                    raise InvalidOperation
                vals.append(d)
            except InvalidOperation:
                self.problem(
                    col,
                    "standards.value",
                    f"{b.name_zh}值不是数字",
                    f"the {b.name_en} value is not a number",
                    "a number",
                    rec.get(col, ""),
                )
        if len(vals) != len(self.params.bands):
            return None
        ok = (
            all(a >= b for a, b in itertools.pairwise(vals))
            if direction == "higher"
            else all(a <= b for a, b in itertools.pairwise(vals))
        )
        if not ok:
            way_zh, way_en = (
                ("自优秀至较差递减", "descending from excellent to poor")
                if direction == "higher"
                else ("自优秀至较差递增（越低越好）", "ascending from excellent to poor (lower is better)")
            )
            self.problem(
                band_cols[0],
                "standards.order",
                f"{code} 的标准值应{way_zh}",
                f"{code}'s standard values must be {way_en}",
                way_en,
                " ".join(str(v) for v in vals),
            )
            return None
        return tuple(vals)
