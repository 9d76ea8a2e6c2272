"""Columns of text made and joined by Arrow, for the csv writer of :mod:`guozi.presentation.columnar` (issue 18).

A module of its own so that pyarrow is imported only when a csv is written (``guozi --help``
imports the presentation modules and must not import pyarrow or numpy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["float_texts", "joined"]

_TEXT = pa.large_string()
# The floats whose text Arrow writes as Python's repr does (tested on random values of every size):
# zero and 10^-4 <= |x| < 10^8 (but for repr's ".0" after a whole number), and |x| < 10^-9 or
# |x| >= 10^16, where both write an exponent of two or three digits. Others are written by repr.
_PLAIN = (1e-4, 1e8)
_EXPONENT = (1e-9, 1e16)


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, _TEXT)


def float_texts(values: list[Any], numbers: Mapping[type, Callable[[Any], str]]) -> pa.Array:
    """The csv text of a column of floats and other numbers (or none), as an Arrow array: the text
    of each value by its type in ``numbers`` (:data:`guozi.presentation.columnar.CSV_NUMBERS`).

    Arrow writes the floats of ``_PLAIN``'s and ``_EXPONENT``'s ranges with the shortest digits that
    read back to the same float, as :func:`repr` does; the others (decimals, none, nan, infinities,
    floats of other sizes) are written one by one by their type in ``numbers``.
    """
    floats = pa.array([v if type(v) is float else None for v in values], pa.float64())
    size = pc.abs(floats)
    plain = pc.and_(pc.greater_equal(size, _PLAIN[0]), pc.less(size, _PLAIN[1]))
    tiny, huge = pc.less(size, _EXPONENT[0]), pc.and_(pc.greater_equal(size, _EXPONENT[1]), pc.is_finite(size))
    same = pc.fill_null(pc.or_(pc.or_(plain, tiny), huge), False)  # zero is tiny
    text = pc.cast(floats, _TEXT)
    whole = pc.invert(pc.match_substring_regex(text, "[.e]"))  # "5" for 5.0
    text = pc.if_else(whole, pc.binary_join_element_wise(text, _text(".0"), _text("")), text)
    others = pc.invert(same)
    fixes = [numbers[type(v)](v) for v in (values[i] for i in pc.indices_nonzero(others).to_pylist())]
    return pc.replace_with_mask(text, others, pa.array(fixes, _TEXT))


def joined(cols: Sequence[pa.Array | list[str]]) -> str:
    """The cells of ``cols`` (Arrow arrays or lists of text, none missing) joined: a comma between
    cells, a line per row (each line ending in a newline)."""
    arrays = [c if isinstance(c, pa.Array) else pa.array(c, _TEXT) for c in cols]
    lines = pc.binary_join_element_wise(*arrays, _text(","))
    lines = pc.binary_join_element_wise(lines, _text("\n"), _text(""))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    data = lines.buffers()[2]
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return str(memoryview(data)[first:last], "utf-8")
