"""The csv of rows held as columns writes floats through Arrow (issue 18), to the row writer's bytes.

The reference is :func:`to_csv` given plain dictionaries (the row-by-row path: ``repr`` of each
float through :func:`exact_text`). :class:`Records` without a carriage return in any text take
the Arrow path (:mod:`guozi.presentation.arrowtext`): the same text is required on floats of
every size, awkward ones named, mixed with decimals, integers and missing values, in 元 and 万元.
"""

from __future__ import annotations

import csv
import io
import math
import random
from decimal import Decimal
from typing import Any

import pytest

from guozi.presentation.columnar import Records, csv_text
from guozi.presentation.output import Column, in_unit, to_csv

AWKWARD: list[Any] = [
    0.1 + 0.2,  # 0.30000000000000004
    1e-7,  # repr: 1e-07 (Arrow alone would write 1e-7)
    1.5e-5,  # repr: 1.5e-05 (Arrow alone: 0.000015)
    1e-4,  # 0.0001, the smallest plain one
    9.999999999999999e-10,  # just below 1e-9: an exponent in both
    1e-9,  # repr 1e-09
    1e16,  # 1e+16
    1e15,  # repr: 1000000000000000.0 (Arrow alone: 1e+15)
    9999999999999998.0,
    123456789.0,  # repr: 123456789.0 (Arrow alone: 123456789)
    99999999.99999999,
    -0.0,  # -0.0
    0.0,
    5.0,  # 5.0: the ".0" repr adds
    5e-324,
    1.7976931348623157e308,
    float("inf"),
    float("-inf"),
    float("nan"),  # an empty cell
    None,  # an empty cell
    Decimal("99999999999999.9999"),  # a huge exact amount
    Decimal("-0.0000"),
    Decimal("12345.6780"),
    7,
]

COLUMNS = [
    Column("id", "代码", "id"),
    Column("value", "本期", "value", money="row"),
    Column("unit", "单位", "unit"),
    Column("text", "文字", "text"),
]


def _rows(values: list[Any]) -> list[dict[str, Any]]:
    texts = ["a,b", 'say "hi"', "two\nlines", "=SUM(A1)", "-x", "", "普通"]  # no carriage return
    return [
        {"id": f"E{i:03d}", "value": v, "unit": "元" if i % 2 else "%", "text": texts[i % len(texts)]}
        for i, v in enumerate(values)
    ]


def _records(rows: list[dict[str, Any]]) -> Records:
    return Records({k: [r[k] for r in rows] for k in rows[0]}, len(rows))


def test_awkward_floats_same_text() -> None:
    rows = _rows(AWKWARD)
    assert to_csv(_records(rows), COLUMNS) == to_csv(rows, COLUMNS)
    # worked by hand from repr: the cells of some awkward values as the row writer gives them
    cells = [r[1] for r in csv.reader(io.StringIO(to_csv(_records(rows), COLUMNS)))]
    assert cells[1:4] == ["0.30000000000000004", "1e-07", "1.5e-05"]
    assert cells[8] == "1000000000000000.0"
    assert cells[10:14] == ["123456789.0", "99999999.99999999", "-0.0", "0.0"]
    assert cells[19:21] == ["", ""]  # nan and None
    assert cells[21] == "99999999999999.9999"


@pytest.mark.parametrize("unit", ["万元", "亿元"])
def test_money_in_another_unit_same_text(unit: str) -> None:
    """Floats of 元 rows become decimals in 万元 (÷ 10 000 exactly); % rows stay floats.

    Amounts an amount can be (below 10^16 yuan: no infinity, nor 10^308, which no decimal of the
    row writer takes either)."""
    rows = _rows([v for v in AWKWARD if not isinstance(v, float) or abs(v) < 1e17 or math.isnan(v)])
    assert to_csv(in_unit(_records(rows), COLUMNS, unit), COLUMNS) == to_csv(in_unit(rows, COLUMNS, unit), COLUMNS)


def test_random_floats_of_every_size_same_text() -> None:
    """60 000 floats: 1 to 17 significant digits, exponents -320..308, both signs, some whole."""
    rng = random.Random(18)
    values: list[Any] = []
    for _ in range(60_000):
        digits = rng.randint(1, 17)
        v = float(f"{rng.uniform(1, 9.99):.{digits}f}e{rng.randint(-320, 308)}")
        if rng.random() < 0.1 and abs(v) < 1e300:
            v = float(round(v))
        values.append(-v if rng.random() < 0.5 else v)
    for k in range(0, len(values), 997):  # decimals and gaps among them
        values[k] = Decimal(k).scaleb(-4) if k % 2 else None
    rows = _rows(values)
    assert csv_text(_records(rows), [c.key for c in COLUMNS]) == to_csv(rows, COLUMNS)


def test_a_float_column_alone_and_no_rows() -> None:
    rows = [{"value": v} for v in AWKWARD]
    one = [Column("value", "本期", "value")]
    assert to_csv(_records(rows), one) == to_csv(rows, one)  # one column: the row writer's path
    assert to_csv(Records({"value": []}, 0), COLUMNS) == to_csv([], COLUMNS) == "id,value,unit,text\n"
