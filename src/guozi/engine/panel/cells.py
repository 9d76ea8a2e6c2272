"""One indicator's values, prior values, changes and growths, made by whole columns (Arrow and numpy)."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Objects = np.ndarray[Any, np.dtype[np.object_]]
CHANGE_PRECISION = 40  # digits of the change of two 38-digit decimals (the default context keeps 28)
Floats = np.ndarray[Any, np.dtype[np.float64]]
Mask = npt.NDArray[np.bool_]


class _Cells(NamedTuple):
    """One indicator's cells, one per result row: object arrays, empty as ``None``, and which are empty."""

    values: Objects
    prior_values: Objects
    changes: Objects
    growths: Objects
    empty: Mask  # the value is None
    prior_empty: Mask  # the prior value is None


def with_changes(column: pa.ChunkedArray, pcolumn: pa.ChunkedArray, amount: bool) -> _Cells:
    """Values, prior values, changes and growths (%) of one indicator, made by whole columns.

    Amounts (元, 人) are exact :class:`~decimal.Decimal`, the change a decimal subtraction;
    ratios are ``float``. The growth is ``float(change) / |float(prior)| · 100``, empty when the
    prior value is zero.
    """
    if amount:
        (v, empty), (pv, pempty) = _amounts(column), _amounts(pcolumn)
        both = ~(empty | pempty)
        ch = filled(len(v), None)
        with localcontext(prec=CHANGE_PRECISION):  # exact: a group's sums have up to 38 digits
            ch[both] = v[both] - pv[both]
        cf, pf = np.full(len(v), np.nan), np.full(len(v), np.nan)
        cf[both], pf[both] = ch[both].astype("float64"), pv[both].astype("float64")
        return _Cells(v, pv, ch, _objects(_growth(cf, pf))[0], empty, pempty)
    fv, fpv = _floats(column), _floats(pcolumn)
    with np.errstate(invalid="ignore"):
        fch = fv - fpv
    (v, empty), (pv, pempty) = _objects(fv), _objects(fpv)
    return _Cells(v, pv, _objects(fch)[0], _objects(_growth(fch, fpv))[0], empty, pempty)


def filled(n: int, value: object) -> Objects:
    """``n`` references to ``value`` (faster than ``np.full`` for objects)."""
    out: Objects = np.empty(n, dtype=object)
    out.fill(value)
    return out


def _growth(change: Floats, prior: Floats) -> Floats:
    """``change / |prior| · 100``, NaN where the prior value is zero or either is empty."""
    with np.errstate(divide="ignore", invalid="ignore"):
        growth: Floats = np.where(prior == 0, np.nan, change / np.abs(prior) * 100)
    return growth


def _amounts(column: pa.ChunkedArray) -> tuple[Objects, Mask]:
    """An amount column as exact :class:`~decimal.Decimal` objects (``None`` when empty), and which are empty."""
    if pa.types.is_decimal(column.type):
        decimals: Objects = np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)  # made in C by Arrow
        empty: Mask = column.is_null().to_numpy(zero_copy_only=False)
        return decimals, empty
    out = np.empty(len(column), dtype=object)
    out[:] = [_exact(v) for v in column.to_pylist()]
    return out, np.array([v is None for v in out], dtype=bool)


def _floats(column: pa.ChunkedArray) -> Floats:
    """A ratio column as float64, empty as NaN; decimals converted by ``float()`` as Python does."""
    if pa.types.is_decimal(column.type):
        objects = column.to_numpy(zero_copy_only=False)
        valid = column.is_valid().to_numpy(zero_copy_only=False)
        out = np.full(len(column), np.nan)
        out[valid] = objects[valid].astype("float64")
        return out
    floats: Floats = column.to_numpy(zero_copy_only=False).astype("float64")
    return floats


def _objects(values: Floats) -> tuple[Objects, Mask]:
    """Floats as Python ``float`` objects, NaN (empty, or not a number) as ``None``; and which are ``None``."""
    out: Objects = values.astype(object)
    empty: Mask = np.isnan(values)
    out[empty] = None
    return out, empty


def _exact(v: Any) -> Decimal | None:
    """An amount as an exact :class:`~decimal.Decimal` (a float through its shortest text)."""
    if v is None:
        return None
    return v if isinstance(v, Decimal) else Decimal(str(v))
