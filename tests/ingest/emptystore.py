"""The validation rules' :class:`~guozi.ingest.rules.Context` over a store holding nothing: no stored
figure to compare with, no entity with a later period. ``tests/ingest/test_rules.py`` runs the rules
against it, and so does ``bench/rules_profile.py`` (which imports this module), so the two cannot drift.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa

from guozi.ingest.rules import Context

__all__ = ["empty_context"]


def empty_context(today: date, entities: pd.DataFrame | None = None, value_type: pa.DataType | None = None) -> Context:
    """The context of an empty store on ``today``; ``value_type``: the decimal type of the (no) stored
    values, the store's decimal(22, 4) unless given (an older store's decimal(18, 4), say)."""
    values = pa.decimal128(22, 4) if value_type is None else value_type

    def nothing(keys: pa.Table) -> pa.Table:
        return pa.table(
            {"entity_id": pa.array([], pa.string()), "period": pa.array([], pa.int32()),
             "item": pa.array([], pa.string()), "value": pa.array([], values)}
        )  # fmt: skip

    def last(keys: pa.Table) -> pa.Table:
        return pa.table({"entity_id": pa.array([], pa.string()), "period": pa.array([], pa.int32())})

    return Context(lookup=nothing, last_periods=last, entities=entities, today=today)
