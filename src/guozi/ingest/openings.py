"""年初数 = 上年末数: the 年初数 a monthly form shows for each balance against the stored 期末数 of the
previous December (the data contract: the opening balance of year Y is the stock at (Y-1)-12).

The form's 年初数 column is prefilled from the store when the previous December is stored and
open to fill in when it is not; either way, as the form is read, each 年初数 is compared with the
store's current 上年末数 to the fen. A difference is a 核实 problem (``opening.prior_year_end``)
naming the entity, period and item with both values; 年初数 given where the store holds no 上年末数
are one 提示 (``opening.unchecked``) per form. A 年初数 is compared, never stored: the store keeps
balances as 期末数 only. Forms of the first layout have no 年初数 and are not checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.ingest.formlayout import OPENING_LETTER
from guozi.ingest.formread import Opening, form_openings
from guozi.ingest.rules import Finding, Lookup, RuleSet
from guozi.kernel.periods import Period
from guozi.kernel.text import Text

__all__ = ["opening_findings"]

FEN = Decimal("0.01")


def opening_findings(rules: RuleSet, catalog: Catalog, forms: Sequence[Path], lookup: Lookup) -> list[Finding]:
    """The 年初数 problems of the monthly ``forms`` (paths of filled templates), against ``lookup``
    (the store's current values by (entity_id, period) keys)."""
    out: list[Finding] = []
    if "opening.prior_year_end" not in rules.rules:
        return out
    for path in forms:
        read = form_openings(path)
        if read is None or not read[1]:
            continue
        form, openings = read
        period = Period.parse(form.period)
        december = period.shift(-period.month)
        keys = pa.table(
            {"entity_id": pa.array([form.entity_id], pa.string()), "period": pa.array([december.code], pa.int32())}
        )
        stored = {str(r["item"]): Decimal(str(r["value"])) for r in lookup(keys).to_pylist() if r["value"] is not None}
        out.extend(_compare(rules, catalog, path, form.entity_id, period, december, openings, stored))
    return out


def _compare(
    rules: RuleSet,
    catalog: Catalog,
    path: Path,
    entity: str,
    period: Period,
    december: Period,
    openings: Sequence[Opening],
    stored: dict[str, Decimal],
) -> list[Finding]:
    out: list[Finding] = []
    unchecked: list[Opening] = []
    common = {"entity": entity, "period": str(period), "detail": str(december)}
    for sheet, row, code, value in openings:
        if code not in stored:
            unchecked.append((sheet, row, code, value))
            continue
        end = stored[code]
        if value.quantize(FEN) == end.quantize(FEN):
            continue
        item = catalog.items.get(code)
        found, expected = (rules.amount(v, persons=False, lang="zh") for v in (value, end))
        found_en, expected_en = (rules.amount(v, persons=False, lang="en") for v in (value, end))
        problem = rules.problem(
            "opening.prior_year_end",
            {**common, "item": item.name_zh if item else code, "found": found, "expected": expected},
            {**common, "item": item.name_en if item else code, "found": found_en, "expected": expected_en},
            file=path.name,
            sheet=sheet,
            row=row,
            column=OPENING_LETTER,
            expected=Text(expected, expected_en),
            found=Text(found, found_en),
        )
        out.append(Finding(problem, entity, period.code, (code,), str(path)))
    if unchecked and "opening.unchecked" in rules.rules:
        sheet, row = unchecked[0][0], unchecked[0][1]
        problem = rules.problem(
            "opening.unchecked",
            {**common, "found": str(len(unchecked))},
            file=path.name,
            sheet=sheet,
            row=row,
            column=OPENING_LETTER,
            expected=Text(f"{december} 的期末数", f"the closing balances of {december}"),
            found=str(len(unchecked)),
        )
        out.append(Finding(problem, entity, period.code, tuple(c for _, _, c, _ in unchecked), str(path)))
    return out
