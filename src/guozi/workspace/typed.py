"""Figures typed into the browser form (``/submissions/fill``), read as an upload reads its cells.

A cell typed ``(3.5)``, 「７８０」 or ``－12`` is read by :func:`guozi.ingest.loose.loose_number`, the
function the xlsx form's reader uses, with the same 提示 (:func:`guozi.ingest.loose.loose_notice`) naming
entity, period, item, what was typed and the number read. A plain number (``1,234.50`` included)
is left as typed: the facts contract reads it; anything else (``12a``) is left as typed too, and
the contract refuses it (``value.not_numeric``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from guozi.ingest.loose import loose_notice, loose_number
from guozi.kernel.errors import Problem
from guozi.kernel.periods import Period
from guozi.workspace.collect import rule_set

if TYPE_CHECKING:
    from guozi.analyses.source import Source

__all__ = ["read_typed"]


def read_typed(
    ws: Source, entity: str, period: Period, typed: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, Problem]]:
    """The typed figures (item → text) as the facts file should hold them, and the 提示 of each
    item whose text was read from its usual writing (item → problem)."""
    rules = rule_set(ws, None)
    values: dict[str, str] = {}
    notes: dict[str, Problem] = {}
    for item, text in typed.items():
        read = loose_number(text)
        values[item] = text if read is None else read
        if read is not None:
            notes[item] = loose_notice(rules, text, read, entity=entity, period=str(period), item=item)
    return values, notes
