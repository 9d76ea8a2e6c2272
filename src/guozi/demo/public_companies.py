"""Convert the public listed-company figures into demo entities, facts and their sources."""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from guozi.kernel.errors import GuoziError

__all__ = ["COMPANIES", "DEFAULT_OUT", "DEFAULT_SOURCE", "convert"]

DEFAULT_SOURCE = Path(__file__).resolve().parents[4] / "shared" / "data" / "public_companies.csv"
DEFAULT_OUT = Path(__file__).resolve().parent / "public"

# ticker -> (GB/T 4754-2017 division, functional category of the controlling central enterprise)
COMPANIES: dict[str, tuple[str, str]] = {
    "601668": ("E47", "commercial_competitive"),  # 中国建筑: building construction
    "600941": ("I63", "commercial_strategic"),  # 中国移动: telecommunications
    "600028": ("C25", "commercial_strategic"),  # 中国石化: petroleum refining
    "601857": ("B07", "commercial_strategic"),  # 中国石油: oil and gas extraction
    "601898": ("B06", "commercial_strategic"),  # 中煤能源: coal mining
    "601728": ("I63", "commercial_strategic"),  # 中国电信: telecommunications
    "601186": ("E48", "commercial_competitive"),  # 中国铁建: civil engineering
    "601800": ("E48", "commercial_competitive"),  # 中国交建: civil engineering
    "002415": ("C39", "commercial_competitive"),  # 海康威视: electronic equipment
    "600050": ("I63", "commercial_strategic"),  # 中国联通: telecommunications
    "601919": ("G55", "commercial_strategic"),  # 中远海控: water transport
    "003816": ("D44", "commercial_strategic"),  # 中广核电力: power generation
}

# Source item code -> items.csv code. Everything else (vendor ratios, 扣非 profit, minority
# interests) is not a fact and stays in sources.csv only.
_FACT_ITEMS: dict[str, str] = {
    "revenue": "revenue",
    "total_profit": "total_profit",
    "net_profit": "net_profit",
    "np_parent": "net_profit_parent",
    "equity_parent": "equity_parent",
    "total_assets_end": "total_assets",
    "total_assets_begin": "total_assets",
    "rd_expense": "rd_expense",
    "income_tax": "income_tax",
    "op_cash_flow": "operating_cash_flow",
}

_UNITS: dict[str, str] = {
    "RMB yuan": "元",
    "RMB thousand": "千元",
    "RMB 10k (万元)": "万元",
    "RMB 100m (亿元)": "亿元",
    "RMB million": "million",
    "RMB billion": "billion",
    "%": "%",
}

# Order of the items in facts.csv (that of items.csv).
_ITEM_ORDER = (
    "revenue",
    "rd_expense",
    "total_profit",
    "income_tax",
    "net_profit",
    "net_profit_parent",
    "total_assets",
    "equity_parent",
    "operating_cash_flow",
)

ENTITY_COLUMNS = ("entity_id", "name", "parent_id", "industry", "category", "region", "valid_from", "valid_to")
FACT_COLUMNS = ("entity_id", "period", "item", "value", "unit")
SOURCE_COLUMNS = ("entity_id", "period", "item", "value", "unit", "source_url", "note")


class UnknownUnitError(GuoziError):
    """A row of the source has a unit this converter does not know."""

    code: ClassVar[str] = "GZ-DEMO-001"


class UnknownCompanyError(GuoziError):
    """A row of the source names a ticker without an industry and category here."""

    code: ClassVar[str] = "GZ-DEMO-002"


@dataclass(frozen=True)
class _Row:
    """One row of the source with its mapping."""

    order: int
    ticker: str
    company: str
    period: str
    code: str  # the source's item code, e.g. total_assets_end
    label: str  # the source's full item label, e.g. total_assets_end_资产总计(期末)
    item: str | None  # the items.csv code, None for a figure that is not a fact
    value: str
    unit: str
    source_url: str
    note: str

    @property
    def rank(self) -> tuple[int, int, int, int]:
        """Preference among rows for the same fact: lower wins."""
        opening = int(self.code == "total_assets_begin")  # a year-end figure beats it
        variant = int(bool(re.search(r"IFRS|HK口径", self.label)))  # CAS beats IFRS/HK
        total_line = int("营业总收入" in self.label)  # 营业收入 beats 营业总收入
        return opening, variant, total_line, self.order


def _read(src: Path) -> list[_Row]:
    rows: list[_Row] = []
    with src.open(encoding="utf-8", newline="") as handle:
        for order, record in enumerate(csv.DictReader(handle)):
            label = record["item"]
            code = re.split(r"_?[^\x00-\x7f]", label, maxsplit=1)[0]
            unit = _UNITS.get(record["unit"])
            if unit is None:
                raise UnknownUnitError(
                    f"第{order + 2}行：未知单位 {record['unit']!r}", f"row {order + 2}: unknown unit {record['unit']!r}"
                )
            ticker = record["ticker"]
            if ticker not in COMPANIES:
                raise UnknownCompanyError(
                    f"第{order + 2}行：股票代码 {ticker} 没有行业分类",
                    f"row {order + 2}: no industry for ticker {ticker}",
                )
            year = int(record["fiscal_year"])
            if code == "total_assets_begin":
                year -= 1
            rows.append(
                _Row(
                    order=order,
                    ticker=ticker,
                    company=record["company"],
                    period=f"{year:04d}-12",
                    code=code,
                    label=label,
                    item=_FACT_ITEMS.get(code),
                    value=record["value"],
                    unit=unit,
                    source_url=record["source_url"],
                    note=record["note"],
                )
            )
    return rows


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def convert(src: Path, out_dir: Path) -> None:
    """Write ``entities.csv``, ``facts.csv`` and ``sources.csv`` for the companies in ``src``.

    Facts are annual (period ``YYYY-12``), values exactly as printed, units in the data
    contract's words. Where several rows give the same fact, one is chosen (a year-end figure
    over an opening balance, CAS over IFRS/HK, 营业收入 over 营业总收入, then the first) and
    sources.csv says which; ratios published by companies or vendors are kept there too.

    Raises:
        UnknownUnitError: a row's unit is not one of the known printed units.
        UnknownCompanyError: a row's ticker has no industry and category here.
    """
    rows = _read(src)
    chosen: dict[tuple[str, str, str], _Row] = {}
    for row in rows:
        if row.item is None:
            continue
        key = (row.ticker, row.period, row.item)
        if key not in chosen or row.rank < chosen[key].rank:
            chosen[key] = row

    tickers = list(dict.fromkeys(row.ticker for row in rows))
    names = {row.ticker: row.company for row in reversed(rows)}
    entities = [(t, names[t], "", COMPANIES[t][0], COMPANIES[t][1], "", "", "") for t in tickers]
    facts = sorted(
        ((r.ticker, r.period, r.item or "", r.value, r.unit) for r in chosen.values()),
        key=lambda f: (tickers.index(f[0]), f[1], _ITEM_ORDER.index(f[2])),
    )

    sources: list[tuple[str, ...]] = []
    for row in rows:
        if row.item is None:
            status = "not a fact (a published ratio or a figure outside items.csv)"
            item = row.code
        else:
            item = row.item
            best = chosen[(row.ticker, row.period, row.item)]
            if best is row:
                status = "fact"
            else:
                same = best.value == row.value and best.unit == row.unit
                status = f"duplicate, not used: facts.csv has {best.label} = {best.value} {best.unit}" + (
                    " (the same figure)" if same else ""
                )
        note = f"[{status}] {row.label}: {row.note}"
        sources.append((row.ticker, row.period, item, row.value, row.unit, row.source_url, note))

    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir / "entities.csv", ENTITY_COLUMNS, entities)
    _write(out_dir / "facts.csv", FACT_COLUMNS, facts)
    _write(out_dir / "sources.csv", SOURCE_COLUMNS, sources)


def main(argv: list[str] | None = None) -> int:
    """Run the conversion from the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("src", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    convert(args.src, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
