"""Values and units parsed in Arrow: the exact yuan of each value, the bulk vectorised."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from guozi.kernel.units import (
    ALL_UNITS,
    GROUPED,
    NUMBER,
    PERSON_UNITS,
    STORE_LIMIT,
    STORE_SCALE,
    VALUE_PRECISION,
    exact_number,
)

_UNIT_KEYS = list(ALL_UNITS)
_UNIT_EXPONENTS = [len(str(int(f))) - 1 for f in ALL_UNITS.values()]  # the factors are powers of ten
_UNIT_PERSONS = [u in PERSON_UNITS for u in ALL_UNITS]
assert all(Decimal(10) ** k == f for k, f in zip(_UNIT_EXPONENTS, ALL_UNITS.values(), strict=True))


def parse_numbers(values: pa.ChunkedArray | pa.Array, units: pa.ChunkedArray | pa.Array) -> dict[str, pa.Array]:
    """Values and units parsed in Arrow: each text that is a number, the unit, and the exact yuan.

    A money unit's factor is 10**k. The bulk of the values, plain decimals with at most 4 + k
    decimals and well below the limit, are read in Arrow as decimal(22, 4 + k), whose digits
    *are* the yuan at scale 4. The rest (scientific notation, many digits, near or above the
    limit) are read one by one by :func:`~guozi.kernel.units.exact_number`, which counts digits and
    never rounds. ``yuan`` is null where the value is not a number, out of range (``too_big``) or
    has more decimals than kept.
    """
    text = flat(pc.utf8_trim_whitespace(values))
    plain = pc.match_substring_regex(text, NUMBER)
    grouped = pc.match_substring_regex(text, GROUPED)
    cleaned = pc.if_else(grouped, pc.replace_substring(text, ",", ""), text)
    vt = pc.if_else(pc.or_(plain, grouped), cleaned, pa.scalar(None, pa.string()))
    u = flat(pc.utf8_trim_whitespace(units))
    keys = pa.array(_UNIT_KEYS, pa.string())
    idx = pc.coalesce(pc.index_in(u, value_set=keys), pc.index_in(pc.utf8_lower(u), value_set=keys))
    unit_key = pc.take(keys, idx)
    unit_persons = pc.take(pa.array(_UNIT_PERSONS, pa.bool_()), idx)
    exp = pc.if_else(pc.equal(u, ""), 0, pc.take(pa.array(_UNIT_EXPONENTS, pa.int32()), idx))
    # where to read each value: in Arrow (the bulk) or exactly in Python (the rest)
    scaled = pc.multiply(pc.cast(vt, pa.float64()), pc.power(10.0, pc.cast(exp, pa.float64())))
    simple = pc.and_(
        pc.invert(pc.match_substring_regex(pc.fill_null(vt, "e"), "[eE]")),
        pc.and_(pc.is_finite(scaled), pc.less(pc.abs(scaled), float(STORE_LIMIT) / 10)),
    )
    simple = flat(pc.fill_null(simple, False))
    yuan = pa.nulls(len(text), pa.decimal128(VALUE_PRECISION, STORE_SCALE))
    done = pa.array([False] * len(text), pa.bool_())
    exponents = {int(x) for x in pc.unique(exp).to_pylist() if x is not None}
    for k in sorted(exponents):
        few = pc.invert(pc.match_substring_regex(pc.fill_null(vt, ""), rf"\.[0-9]{{{STORE_SCALE + k + 1},}}$"))
        mask = flat(pc.fill_null(pc.and_(pc.and_(simple, pc.equal(exp, k)), few), False))
        if not pc.any(mask).as_py():
            continue
        sub = pc.cast(pc.filter(vt, mask), pa.decimal128(VALUE_PRECISION, STORE_SCALE + k))
        yuan = pc.replace_with_mask(yuan, mask, sub.view(pa.decimal128(VALUE_PRECISION, STORE_SCALE)))
        done = pc.or_(done, mask)
    too_big = pa.array([False] * len(text), pa.bool_())
    # the rest, one by one: more decimals than kept (``1.50000`` is 1.5, ``1.23456`` too many), exponents, many digits
    rest = flat(pc.fill_null(pc.and_(pc.and_(pc.is_valid(vt), pc.is_valid(exp)), pc.invert(done)), False))
    if pc.any(rest).as_py():
        where = pc.indices_nonzero(rest)
        read = [
            exact_number(t, shift=k)
            for t, k in zip(pc.take(vt, where).to_pylist(), pc.take(exp, where).to_pylist(), strict=True)
        ]
        good = pa.array([r.verdict == "ok" for r in read], pa.bool_())
        ok_mask = pc.replace_with_mask(pa.array([False] * len(text)), rest, good)
        if pc.any(good).as_py():
            ok_values = pa.array(
                [r.value for r in read if r.verdict == "ok"], pa.decimal128(VALUE_PRECISION, STORE_SCALE)
            )
            yuan = pc.replace_with_mask(yuan, ok_mask, ok_values)
        too_big = pc.replace_with_mask(too_big, rest, pa.array([r.verdict == "range" for r in read], pa.bool_()))
    return {
        "vt": flat(vt),
        "yuan": flat(yuan),
        "too_big": flat(too_big),
        "unit_key": flat(unit_key),
        "unit_persons": flat(unit_persons),
    }


def flat(a: pa.ChunkedArray | pa.Array) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
