"""What the store holds of one entity, read back: every version of its figures, and its report form.

* :func:`history` lists every version of an entity's figures for a period;
* :func:`make_template` writes a subsidiary's monthly report form, with the stored figures beside
  its lines (:func:`guozi.workspace.forms.form_earlier`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from guozi.ingest.template import write_template
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.workspace.collect import Rules, rule_set
from guozi.workspace.forms import form_earlier

if TYPE_CHECKING:
    from guozi.analyses.source import Source


def _entity_rows(ws: Source, entity: str) -> pd.DataFrame:
    frame = ws.store.entities()
    rows = frame[frame.entity_id == entity] if not frame.empty else frame
    if rows.empty:
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    return rows


HISTORY_COLUMNS = (
    "entity_id",
    "period",
    "item",
    "name_zh",
    "name_en",
    "version",
    "current",
    "value",
    "unit",
    "submission_id",
    "created_at",
    "user",
    "file",
    "sha256",
    "reason",
    "explanation",
    "explanation_en",
    "source",
)


def history(ws: Source, entity: str, period: Period, item: str | None = None) -> pd.DataFrame:
    """Every version of ``entity``'s figures for ``period`` (one ``item`` or all), oldest first.

    Columns: :data:`HISTORY_COLUMNS`; ``value`` is exact (Decimal) in yuan or persons, ``current``
    marks the version in force, ``explanation`` holds the written explanations stored with it.
    """
    _entity_rows(ws, entity)
    if item is not None and item not in ws.catalog.items:
        raise NotFoundError(f"未知项目代码：{item}", f"unknown item code: {item}")
    frame = ws.store.history(entity, period.code, item)
    if frame.empty:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    order = {code: k for k, code in enumerate(ws.catalog.items)}
    frame = frame.assign(_o=frame["item"].map(lambda c: order.get(c, len(order)))).sort_values(["_o", "version"])
    items = ws.catalog.items
    frame["period"] = frame["period"].map(lambda c: str(Period.from_code(int(c))))
    frame["name_zh"] = frame["item"].map(lambda c: items[c].name_zh if c in items else c)
    frame["name_en"] = frame["item"].map(lambda c: items[c].name_en if c in items else c)
    frame["unit"] = frame["item"].map(lambda c: items[c].unit if c in items else "元")
    frame["file"] = frame["source"].map(lambda s: Path(str(s)).name)
    frame["current"] = frame["current"].astype(bool)
    return frame[list(HISTORY_COLUMNS)].reset_index(drop=True)


def make_template(
    ws: Source,
    entity: str,
    period: Period,
    path: Path,
    *,
    unit: str = "万元",
    lang: str = "zh",
    rules: Rules = None,
) -> Path:
    """Write ``entity``'s monthly report form for ``period`` to ``path``, with the stored figures beside it."""
    rows = _entity_rows(ws, entity)
    names = [str(n) for n in rows["name"] if n is not None and str(n) != ""] if "name" in rows else []
    return write_template(
        path,
        catalog=ws.catalog,
        rules=rule_set(ws, rules),
        entity_id=entity,
        entity_name=names[-1] if names else entity,
        period=period,
        earlier=form_earlier(ws, entity, period),
        unit=unit,
        lang=lang,
    )
