"""The entities contract checked by columns (issue 18) finds what a check row by row finds, in its order.

The reference is the row check applied to every row in file order (``_row_problems`` then
``_industry_problems``, as ``read_entities`` did before it judged whole columns first). The file
holds every kind of bad row the row checks know, some rows with several faults, some values
repeated (each distinct value is judged once by the columns).
"""

from __future__ import annotations

import csv
from pathlib import Path

from guozi.catalog.load import load_catalog
from guozi.ingest.contract.cells import cell_texts
from guozi.ingest.contract.entities import (
    _industry_problems,
    _row_problems,
    period_columns,
    read_entities,
)
from guozi.ingest.readers import ROW, RawTable, read_raw
from guozi.ingest.rules.load import load_rules
from guozi.kernel.errors import Problem
from guozi.store.batch import ENTITY_COLUMNS

HEADER = ["entity_id", "name", "parent_id", "industry", "category", "valid_from", "valid_to", "report_type"]
ROWS = [
    ["G", "集团", "", "C", "commercial_competitive", "2020-01", "", "consolidated"],  # 2: good
    ["", "无代码", "G", "C26", "", "", "", ""],  # 3: entity_id empty
    ["A", "", "G", "C26", "", "", "", ""],  # 4: name empty
    ["B", "乙", "G", "ZZ", "", "2020-13", "", ""],  # 5: industry, valid_from
    ["C", "丙", "C", "C26", "wrong", "", "soon", "single"],  # 6: self parent, category, valid_to
    ["D", "丁", "G", "A26", "", "", "", "merged"],  # 7: division 26 is not in section A; report type
    ["E", "戊", "G", "ZZ", "wrong", "2020-13", "", "merged"],  # 8: the same bad values again
    ["", "", "", "", "", "", "", ""],  # 9: both empty
    ["F", "己", "G", "C", "public_welfare", "2021-01", "2022-12", "single"],  # 10: good
]


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "entities.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(ROWS)
    return path


def _row_by_row(raw: RawTable, cols: tuple[str, ...]) -> list[Problem]:
    data = {c: cell_texts(raw, c) for c in raw.table.column_names if c != ROW}
    for c in ENTITY_COLUMNS:
        data.setdefault(c, [""] * raw.table.num_rows)
    out: list[Problem] = []
    for i, r in enumerate(raw.table.column(ROW).to_pylist()):
        out += _row_problems(raw, data, i, r, cols) + _industry_problems(raw, data, i, r)
    return out


def test_same_problems_same_order(tmp_path: Path) -> None:
    raw = read_raw(_write(tmp_path))
    assert isinstance(raw, RawTable)
    cols = period_columns(load_rules(load_catalog()))
    problems: list[Problem] = []
    read_entities([raw], problems, cols)
    assert problems == _row_by_row(raw, cols)
    # worked out by hand from ROWS (file rows count the header as row 1)
    assert [(p.row, p.column, p.rule) for p in problems] == [
        (3, "entity_id", "value.required"),
        (4, "name", "value.required"),
        (5, "valid_from", "period.format"),
        (5, "industry", "entity.industry"),
        (6, "valid_to", "period.format"),
        (6, "category", "entity.category"),
        (6, "parent_id", "tree.self"),
        (7, "report_type", "entity.report_type"),
        (7, "industry", "entity.industry"),
        (8, "valid_from", "period.format"),
        (8, "category", "entity.category"),
        (8, "report_type", "entity.report_type"),
        (8, "industry", "entity.industry"),
        (9, "entity_id", "value.required"),
        (9, "name", "value.required"),
    ]
