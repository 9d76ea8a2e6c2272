"""External peer sets (default: the shipped Fortune Global 500 figures): reading them, every problem
listed at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from guozi.analyses.benchmark.params import BenchmarkParams, load_params, read_rows
from guozi.analyses.benchmark.world.units import PrintedUnit, parse_unit
from guozi.catalog import data_path
from guozi.catalog.model import Catalog
from guozi.kernel.errors import InvalidInputError, Problem

PEER_SET_FILE = "peers/fortune_global500.csv"
REQUIRED = ("fiscal_year", "company", "item", "value", "unit")


@dataclass(frozen=True)
class PeerFigure:
    """One figure of an external peer set, as printed, with its provenance."""

    company: str
    fiscal_year: int
    item: str  # the guozi item code
    printed_item: str
    value: Decimal  # as printed
    unit: str  # as printed
    parsed: PrintedUnit
    country: str = ""
    list_year: int | None = None
    central_soe: str = ""
    source_url: str = ""
    note: str = ""
    second_hand: bool | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class PeerSet:
    """An external peer set: figures of companies by fiscal year."""

    name: str
    file: str
    figures: tuple[PeerFigure, ...]

    def years(self) -> list[int]:
        """The fiscal years the set has figures for."""
        return sorted({f.fiscal_year for f in self.figures})

    def companies(self, year: int) -> list[str]:
        """The companies with a figure for ``year``, in the order of the file."""
        return list(dict.fromkeys(f.company for f in self.figures if f.fiscal_year == year))


def _yes(text: str) -> bool | None:
    t = text.strip().lower()
    if t in ("yes", "y", "true", "1", "是"):
        return True
    if t in ("no", "n", "false", "0", "否"):
        return False
    return None


def load_peer_set(
    path: Path | None, catalog: Catalog, *, params: BenchmarkParams | None = None, name: str = ""
) -> PeerSet:
    """Read an external peer set (default: the shipped Fortune Global 500 figures); list every problem."""
    params = params or load_params(catalog=catalog)
    p = path or data_path(PEER_SET_FILE)
    rows = read_rows(p)
    problems: list[Problem] = []

    def problem(
        line: int | None, column: str, rule: str, zh: str, en: str, expected: str = "", found: str = ""
    ) -> None:
        problems.append(Problem(rule, zh, en, file=str(p), row=line, column=column, expected=expected, found=found))

    if rows:
        missing = [c for c in REQUIRED if c not in rows[0][1]]
        for c in missing:
            problem(1, c, "peers.column", f"缺少必需列 {c}", f"missing required column {c}", ", ".join(REQUIRED))
        if missing:
            raise InvalidInputError(problems=problems)
    figures: list[PeerFigure] = []
    seen: dict[tuple[str, int, str], int] = {}
    for line, rec in rows:
        company = rec["company"].strip()
        if not company:
            problem(line, "company", "peers.company", "公司名称为空", "empty company name", "a name", "")
            continue
        try:
            year = int(rec["fiscal_year"])
        except ValueError:
            problem(
                line,
                "fiscal_year",
                "peers.year",
                "财年应为整数",
                "fiscal_year must be a whole number",
                "YYYY",
                rec["fiscal_year"],
            )
            continue
        measured = _measure(rec, line, catalog, params, problem)
        if measured is None:
            continue
        printed, item, value, unit = measured
        key = (company, year, item)
        if key in seen:
            problem(
                line,
                "item",
                "peers.duplicate",
                f"与第 {seen[key]} 行重复",
                f"duplicates line {seen[key]}",
                "one figure per company, year and item",
                f"{company} {year} {printed}",
            )
            continue
        seen[key] = line
        list_year = rec.get("list_year", "").strip()
        figures.append(
            PeerFigure(
                company=company,
                fiscal_year=year,
                item=item,
                printed_item=printed,
                value=value,
                unit=rec["unit"],
                parsed=unit,
                country=rec.get("country", ""),
                list_year=int(list_year) if list_year.isdigit() else None,
                central_soe=rec.get("chinese_central_soe", ""),
                source_url=rec.get("source_url", ""),
                note=rec.get("note", ""),
                second_hand=_yes(rec.get("second_hand", "")),
                file=str(p),
                line=line,
            )
        )
    if problems:
        raise InvalidInputError(problems=problems)
    return PeerSet(name or p.stem, str(p), tuple(figures))


NoteProblem = Callable[..., None]  # (line, column, rule, zh, en, expected, found)


def _measure(
    rec: Mapping[str, str], line: int, catalog: Catalog, params: BenchmarkParams, problem: NoteProblem
) -> tuple[str, str, Decimal, PrintedUnit] | None:
    """The printed item, guozi's item, the value and its unit of one figure; ``None`` with a problem noted."""
    printed = rec["item"].strip()
    item = params.world_items.get(printed, printed)
    if item not in catalog.items:
        allowed = " ".join([*params.world_items, "<item code>"])
        problem(line, "item", "peers.item", f"未知项目 {printed}", f"unknown item {printed}", allowed, printed)
        return None
    try:
        value = Decimal(rec["value"].replace(",", ""))
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problem(line, "value", "peers.value", "数值不是数字", "the value is not a number", "a number", rec["value"])
        return None
    unit = parse_unit(rec["unit"])
    persons = catalog.items[item].unit == "人"
    if unit is None or unit.persons != persons:
        want = "persons" if persons else "USD million, USD billion, 亿美元, 万元 …"
        problem(
            line,
            "unit",
            "peers.unit",
            f"{printed} 的单位无法识别或不符",
            f"unit of {printed} not understood or wrong kind",
            want,
            rec["unit"],
        )
        return None
    return printed, item, value, unit
