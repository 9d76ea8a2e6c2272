"""Rows held as columns, and the csv and json writers that work on them column by column (issue 18).

A panel of 120 000 rows written cell by cell through dictionaries and :mod:`csv` cost ≈ 2.4 s of
CPU; here each column's text is made once per column (text values once per distinct value), and the
lines are joined from the columns. The text is byte for byte that of the row writers
(:func:`guozi.presentation.output.to_csv`, ``to_json``): the same :func:`exact_text` (kept here), the same
:func:`safe_cell`, the same quoting as :mod:`csv` with ``lineterminator="\\n"``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, overload

from guozi.presentation.workbook import safe_cell

_NUMBER = (float, int, Decimal)


class Records(Sequence[dict[str, Any]]):
    """A table of ``n`` rows kept as one list per column; read as a sequence of row dictionaries."""

    def __init__(self, data: Mapping[str, list[Any]], n: int) -> None:
        self.data = dict(data)
        self.n = n

    def __len__(self) -> int:
        return self.n

    def column(self, key: str) -> list[Any]:
        """The values of column ``key`` (``None`` in every row if there is no such column)."""
        return self.data[key] if key in self.data else [None] * self.n

    def _row(self, i: int) -> dict[str, Any]:
        return {k: v[i] for k, v in self.data.items()}

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self._row(j) for j in range(*i.indices(self.n))]
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self._row(i)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        keys = list(self.data)
        for values in zip(*self.data.values(), strict=True):
            yield dict(zip(keys, values, strict=True))

    def with_column(self, key: str, values: list[Any]) -> Records:
        """These rows with column ``key`` set to ``values``."""
        return Records({**self.data, key: values}, self.n)


def exact_text(value: Any) -> str:
    """A value as exact text: decimals without float noise, floats in shortest round-trip form."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        text = format(value.normalize(), "f")
        return text if "." not in text or len(text.split(".")[1]) >= 2 else format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)
    if isinstance(value, list | tuple):  # several codes in one cell (a JSON array in json)
        return ";".join(exact_text(v) for v in value)
    return str(value)


def decimal_text(value: Decimal) -> str:
    """:func:`exact_text` of a decimal: integral ones without decimals, others at least two places."""
    text = format(value, "f")
    if "." not in text:
        return text
    whole, frac = text.split(".")
    frac = frac.rstrip("0")
    if not frac:
        return whole
    return f"{whole}.{frac}" if len(frac) >= 2 else f"{whole}.{frac}0"


def _float_text(value: float) -> str:
    text = repr(value)
    return "" if text == "nan" else text


def _json_float(value: float) -> str:
    text = repr(value)
    return "null" if text == "nan" else text


Numbers = dict[type, Callable[[Any], str]]
# exact_text of the numbers (and None) a table holds, by type: in csv, and in json ("null" for none)
CSV_NUMBERS: Numbers = {float: _float_text, Decimal: decimal_text, int: int.__repr__, type(None): lambda _: ""}
JSON_NUMBERS: Numbers = {**CSV_NUMBERS, float: _json_float, type(None): lambda _: "null"}


def _quoted(text: str) -> str:
    """``text`` as :mod:`csv` writes it (QUOTE_MINIMAL, lines ending in ``\\n``)."""
    if "," in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _float_texts(values: list[Any], numbers: Numbers) -> list[str]:
    """The text of a column of floats and other numbers (or none), each by its type in ``numbers``.

    Every value is first written by :func:`repr` at C speed (a float's and an int's text in
    ``numbers``, "nan" aside); the few others (decimals, none) are then written by their type.
    """
    texts = list(map(repr, values))
    others = [i for i, t in enumerate(map(type, values)) if t is not float and t is not int]
    for i in others:
        v = values[i]
        texts[i] = numbers[type(v)](v)
    if "nan" in texts:  # only a float's repr is "nan"
        nan = numbers[float](math.nan)
        return [nan if t == "nan" else t for t in texts]
    return texts


def _texts(
    values: list[Any],
    cell: Callable[[Any], str],
    numbers: Numbers,
    floats: Callable[[list[Any], Numbers], Any] = _float_texts,
) -> Any:
    """The text of every value: numbers by their type in ``numbers``, others by ``cell`` once per
    distinct value; a column of floats (with other numbers or none) by ``floats`` (a list of texts,
    or an Arrow array of them: :func:`guozi.presentation.arrowtext.float_texts`)."""
    types = set(map(type, values))
    if float in types and types <= numbers.keys():  # floats, with other numbers or none
        return floats(values, numbers)
    if len(types) == 1 and (only := types.pop()) in numbers:  # a column of one type: mapped at C speed
        return list(map(numbers[only], values))
    if not any(t in numbers for t in types):  # text: each distinct value once
        try:
            memo = {v: cell(v) for v in set(values)}
        except TypeError:  # a list of codes: not hashable
            return list(map(cell, values))
        return list(map(memo.__getitem__, values))
    memo = {}
    out: list[str] = []
    add = out.append
    number = numbers.get
    for v in values:
        by_type = number(type(v))
        if by_type is not None:
            add(by_type(v))
            continue
        try:
            text = memo[v]
        except KeyError:
            text = memo[v] = cell(v)
        except TypeError:  # a list of codes: not hashable
            text = cell(v)
        add(text)
    return out


def csv_text(rows: Records, keys: Sequence[str]) -> str:
    """:func:`guozi.presentation.output.to_csv` of ``rows`` (header: ``keys``), by columns."""

    def raw(v: Any) -> str:
        return safe_cell(exact_text(v)) if isinstance(v, str) else exact_text(v)

    with_cr: set[str] = set()  # texts holding a carriage return: their rows are quoted whole

    def cell(v: Any) -> str:
        text = raw(v)
        if "\r" in text:
            with_cr.add(text)
        return _quoted(text)

    # Arrow only when a csv is written: `guozi --help` imports this module (tests/cli/test_cli.py)
    from guozi.presentation import arrowtext  # noqa: PLC0415 - pyarrow is heavy for --help

    values = [rows.column(k) for k in keys]
    cols: list[Any] = [_texts(col, cell, CSV_NUMBERS, arrowtext.float_texts) for col in values]
    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow([safe_cell(k) for k in keys])
    if not with_cr and len(keys) > 1 and rows.n:  # the lines joined by Arrow
        return head.getvalue() + arrowtext.joined(cols)
    texts = [c if isinstance(c, list) else c.to_pylist() for c in cols]
    if len(keys) == 1:  # the csv module writes a row of one empty field as ""
        texts = [['""' if t == "" else t for t in texts[0]]]
    lines = list(map(",".join, zip(*texts, strict=True)))
    if with_cr:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="", quoting=csv.QUOTE_ALL)
        for i, cells in enumerate(zip(*values, strict=True)):
            texts = [raw(v) for v in cells]
            if any("\r" in t for t in texts):
                out.seek(0)
                out.truncate()
                writer.writerow(texts)
                lines[i] = out.getvalue()
    return head.getvalue() + "\n".join(lines) + ("\n" if lines else "")


def _json_cell(value: Any) -> str:
    """A value that is not a plain number: a bool, text, a list of codes … (numbers subclassed: exact)."""
    if isinstance(value, _NUMBER) and not isinstance(value, bool):
        return exact_text(value) or "null"
    return json.dumps(value, ensure_ascii=False, default=str)


def json_text(rows: Records, keys: Sequence[str]) -> str:
    """:func:`guozi.presentation.output.to_json` of ``rows``, by columns."""
    if not rows.n:
        return "[]\n"
    cols = []
    for k in keys:
        head = f"{json.dumps(k)}: "
        cols.append([head + t for t in _texts(rows.column(k), _json_cell, JSON_NUMBERS)])
    return "[\n " + ",\n ".join("{" + ", ".join(cells) + "}" for cells in zip(*cols, strict=True)) + "\n]\n"
