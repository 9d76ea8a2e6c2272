"""The wide result of a panel's query as the long frame of :class:`~guozi.engine.panel.Panel`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.engine.compile import Expr
from guozi.engine.panel.cells import Objects, filled, with_changes
from guozi.engine.panel.model import Basis, Scope
from guozi.engine.panel.notes import empty_notes, prior_note
from guozi.kernel.periods import Period


def long_frame(
    table: pa.Table,
    catalog: Catalog,
    exprs: dict[str, Expr],
    scope: Scope,
    basis: Basis,
    prior: bool,
    names: dict[str, str],
) -> pd.DataFrame:
    """The wide result (one row per key and period) as the long frame, column by column.

    Rows are ordered by key, period and then the indicators' order (row ``i``'s indicator ``j``
    is line ``i·k + j``); Python objects are made by whole columns (Arrow and numpy), and notes
    are worked out only for the (usually few) rows whose value or same-basis prior value is empty.
    """
    n, k = table.num_rows, len(exprs)
    keys = table.column("key").to_numpy(zero_copy_only=False).astype(object)
    members = table.column("members").to_numpy(zero_copy_only=False).astype("int64")
    codes, where = np.unique(table.column("target").to_numpy(zero_copy_only=False).astype("int64"), return_inverse=True)
    periods = np.array([str(Period.from_code(int(c))) for c in codes], dtype=object)[where.reshape(-1)]
    out: dict[str, np.ndarray[Any, Any]] = {c: np.empty(n * k, dtype=object) for c in _LONG_OBJECT_COLUMNS}
    for j, (code, e) in enumerate(exprs.items()):
        ind = catalog.indicators[code]
        column = table.column(f"v__{code}")
        pcolumn = table.column(f"p__{code}") if prior else pa.chunked_array([pa.nulls(n, column.type)])
        cells = with_changes(column, pcolumn, ind.is_amount)
        zh, en = filled(n, ""), filled(n, "")
        empty = np.flatnonzero(cells.empty)
        if len(empty):
            zh[empty], en[empty] = empty_notes(table, empty, members, code, e, catalog, basis)
        if prior and scope.same_basis:
            lacking = np.flatnonzero(cells.prior_empty)
            if len(lacking):
                data = table.take(pa.array(lacking, type=pa.int64())).to_pydict()
                for pos, i in enumerate(lacking.tolist()):
                    pzh, pen = prior_note(data, pos, e, catalog, basis)
                    if pzh:
                        zh[i] = f"{zh[i]}；{pzh}" if zh[i] else pzh
                        en[i] = f"{en[i]}; {pen}" if en[i] else pen
        for name, column_values in (
            ("value", cells.values),
            ("prior_value", cells.prior_values),
            ("change", cells.changes),
            ("growth", cells.growths),
            ("note_zh", zh),
            ("note_en", en),
        ):
            out[name][j::k] = column_values
        out["unit"][j::k] = ind.unit
        out["indicator"][j::k] = code
    out["entity_id"] = np.repeat(keys, k)
    out["period"] = np.repeat(periods, k)
    out["name"] = np.repeat(_name_of(keys, names), k)
    out["view"] = filled(n * k, scope.view)
    out["prior_basis"] = filled(n * k, scope.prior_basis)
    out["members"] = np.repeat(members, k)
    # the arrays are this frame's own: no copies (pandas 3 copies arrays into a Series by default,
    # and a frame's columns into one block: each a copy of n·k objects)
    return pd.DataFrame({c: pd.Series(out[c], dtype=out[c].dtype, copy=False) for c in _FRAME_COLUMNS}, copy=False)


_FRAME_COLUMNS = (  # the Panel.frame contract, in this order
    *("entity_id", "period", "indicator", "value", "unit", "note_zh", "note_en"),
    *("prior_value", "change", "growth", "name", "view", "members", "prior_basis"),
)
_LONG_OBJECT_COLUMNS = ("indicator", "value", "unit", "note_zh", "note_en", "prior_value", "change", "growth")


def _name_of(keys: Objects, names: dict[str, str]) -> Objects:
    """Each key's name: the entity's latest name (:attr:`Tree.names`), or the key itself (a group's key, an unnamed entity)."""
    found = np.empty(len(keys), dtype=object)
    found[:] = [names.get(x, x) for x in keys.tolist()]
    return found
