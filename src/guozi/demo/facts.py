"""The facts as the data contract has them: one row per entity, period and item, its value an exact
decimal string in the entity's unit (元, 万元 or 千元; employees in 人)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from guozi.demo.columns import COL, FACTS_SCHEMA, I64, U_PERSON, UNIT_NAMES, VA_COMPONENTS
from guozi.demo.figures import Figures

# How a unit code's int64 value (fen, or persons) is printed.
_DIVISOR = np.array([100, 1_000_000, 100_000, 1], dtype=np.int64)  # fen per unit
_PRESCALE = np.array([1, 1, 100, 1], dtype=np.int64)  # 千元 figures are whole yuan
_FRAC_POW = np.array([100, 1_000_000, 1_000, 1], dtype=np.int64)  # 10 ** decimals
_TRIM = np.array([False, True, True, False])


def _format_values(values: I64, units: npt.NDArray[np.int8]) -> pa.Array:
    """Exact decimal strings of int64 fen (or persons) in each row's unit, without float noise."""
    negative = values < 0
    magnitude = np.abs(values)
    divisor = _DIVISOR[units]
    whole = magnitude // divisor
    frac_num = (magnitude % divisor) // _PRESCALE[units] + _FRAC_POW[units]
    whole_s = pa.array(whole).cast(pa.string())
    # "1" + zero-padded digits, then drop the leading "1".
    frac = pc.utf8_slice_codeunits(pa.array(frac_num).cast(pa.string()), 1)
    trim = _TRIM[units]
    if trim.any():
        frac = pc.if_else(pa.array(trim), pc.utf8_rtrim(frac, characters="0"), frac)
    dot = pc.if_else(pc.equal(pc.utf8_length(frac), 0), "", ".")
    sign = pc.if_else(pa.array(negative), "-", "")
    return pc.binary_join_element_wise(sign, whole_s, dot, frac, "")


def fact_batches(figures: Figures, items: tuple[str, ...], *, batch_rows: int = 1_000_000) -> Iterator[pa.RecordBatch]:
    """The facts of ``items`` as record batches of at most ``batch_rows`` rows, month by month."""
    tree = figures.tree
    item_cols = np.array([COL[i] for i in items], dtype=np.int64)
    item_names = pa.array(items, type=pa.string())
    ids = pa.array(tree.ids, type=pa.string())
    unit_names = pa.array(UNIT_NAMES, type=pa.string())
    is_component = np.isin(np.array(items), VA_COMPONENTS)
    is_va = np.array(items) == "value_added"
    both = bool(is_va.any()) and all(c in items for c in VA_COMPONENTS)
    is_person = np.array(items) == "employees"
    for t, values, active in figures.months():
        rows = np.flatnonzero(active)
        mask = np.ones((rows.size, len(items)), dtype=np.bool_)
        if both:
            direct = tree.va_direct[rows][:, None]
            mask &= ~(is_va[None, :] & ~direct)
            mask &= ~(is_component[None, :] & direct)
        entity_pos, item_pos = np.nonzero(mask)
        entity = rows[entity_pos]
        numbers = values[entity, item_cols[item_pos]]
        units = np.where(is_person[item_pos], U_PERSON, tree.unit[entity]).astype(np.int8)
        period = tree.periods[t]
        # Format slice by slice, so the strings of only one batch are alive at a time.
        for start in range(0, entity.size, batch_rows):
            part = slice(start, start + batch_rows)
            yield pa.record_batch(
                [
                    ids.take(pa.array(entity[part])),
                    pa.repeat(pa.scalar(period), entity[part].size),
                    item_names.take(pa.array(item_pos[part])),
                    _format_values(numbers[part], units[part]),
                    unit_names.take(pa.array(units[part])),
                ],
                schema=FACTS_SCHEMA,
            )
