"""What every section of the report reads: the layout, the panels as figures, and small helpers
that make tables of figures (with a note per reason a cell is missing)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from guozi.analyses.source import Source
from guozi.analyses.warnings import WarningReport
from guozi.catalog.params import load_section
from guozi.engine.panel import Panel
from guozi.engine.reconcile import ReconcileReport, reconcile_report
from guozi.kernel.periods import Period
from guozi.report import narrative as nv
from guozi.report.model import Cell, Col, Fig, Table, Text

LAYOUT_FILE = Path(__file__).parent / "data" / "report.yaml"

# layout ------------------------------------------------------------------------------------------


def load_layout(source: Source) -> dict[str, Any]:
    """The report layout of ``data/report.yaml``, key by key overridden by the ``report:`` section
    of the workspace's own catalogue files (:func:`guozi.catalog.params.load_section`)."""
    return load_section(source.catalog, "report", LAYOUT_FILE.name, shipped=LAYOUT_FILE)


# helpers -----------------------------------------------------------------------------------------


class Cells:
    """The panel's rows by (entity, period, indicator), as figures."""

    def __init__(self, panel: Panel, basis: str) -> None:
        self.basis = basis
        self.rows: dict[tuple[str, str, str], Any] = {}
        for r in panel.frame.itertuples(index=False):
            self.rows[(str(r.entity_id), str(r.period), str(r.indicator))] = r

    def fig(self, entity: str, period: Period | str, indicator: str, unit: str, fld: str = "value") -> Fig:
        """The figure of one field of one panel row; missing with the panel's note when empty."""
        r = self.rows.get((entity, str(period), indicator))
        if r is None:
            return Fig(None, unit, "panel", entity, str(period), indicator, fld, self.basis, None, "无数据", "no data")
        value = getattr(r, fld)
        if isinstance(value, float) and math.isnan(value):
            value = None
        note_zh, note_en = str(r.note_zh), str(r.note_en)
        if value is None and not note_zh:
            if fld in ("prior_value", "change", "growth"):
                note_zh, note_en = "上年同期无数据", "no prior-year figure"
                if fld == "growth" and r.prior_value is not None and r.value is not None:
                    note_zh, note_en = "上年同期为零", "zero a year earlier"
            else:
                note_zh, note_en = "无数据", "no data"
        if value is not None:
            note_zh = note_en = ""
        if fld == "growth" and value is not None and _negative_base(r.value, r.prior_value):
            # a percentage of a loss (or from a loss) says nothing: the change is shown instead
            return Fig(None, unit, "derived", entity, str(period), indicator, "growth (not shown: a loss)", self.basis)
        prior = r.prior_value if fld == "value" else None
        if isinstance(prior, float) and math.isnan(prior):
            prior = None
        return Fig(value, unit, "panel", entity, str(period), indicator, fld, self.basis, prior, note_zh, note_en)


def _negative_base(value: Any, prior: Any) -> bool:
    """Whether an amount or its prior-year value is a loss (or zero), so that growth means nothing."""
    v, pv = nv.dec(value), nv.dec(prior)
    return v is not None and pv is not None and (pv <= 0 or v < 0)


def node_attr(nodes: pd.DataFrame, column: str) -> dict[str, str]:
    if column not in nodes.columns:
        return {}
    out: dict[str, str] = {}
    for e, v in zip(nodes.entity_id, nodes[column], strict=True):
        out[str(e)] = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()
    return out


def _missing_notes(table_rows: Sequence[Sequence[Cell]], label_col: int, columns: Sequence[Col]) -> tuple[Text, ...]:
    """One note per distinct reason a cell of the table is missing, naming the rows and columns."""
    reasons: dict[tuple[str, str], list[str]] = {}
    reasons_en: dict[tuple[str, str], list[str]] = {}
    for row in table_rows:
        label = row[label_col]
        label_zh = label.zh if isinstance(label, Text) else str(label)
        label_en = label.en if isinstance(label, Text) else str(label)
        for j, cell in enumerate(row):
            if isinstance(cell, Fig) and cell.missing:
                key = (cell.note_zh, cell.note_en)
                reasons.setdefault(key, []).append(f"{label_zh}·{columns[j].zh}")
                reasons_en.setdefault(key, []).append(f"{label_en} / {columns[j].en}")
    notes = []
    for key, where in reasons.items():
        shown_zh = "、".join(where[:6]) + (f" 等 {len(where)} 处" if len(where) > 6 else "")
        shown_en = "; ".join(reasons_en[key][:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
        notes.append(
            Text(
                f"缺数（{shown_zh}）：{key[0].removeprefix('缺少：')}",
                f"missing ({shown_en}): {key[1].removeprefix('missing: ')}",
            )
        )
    return tuple(notes)


def table(key: str, title: Text, columns: Sequence[Col], rows: Sequence[Sequence[Cell]], *notes: Text) -> Table:
    return Table(key, title, tuple(columns), tuple(tuple(r) for r in rows), (*notes, *_missing_notes(rows, 0, columns)))


def ind_name(source: Source, code: str) -> Text:
    ind = source.catalog.indicator(code)
    return Text(ind.name_zh, ind.name_en)


def unit_col(source: Source, code: str, key: str | None = None) -> Col:
    """A column for an indicator: amounts scaled per column, others with their unit."""
    ind = source.catalog.indicator(code)
    if ind.unit == "元":
        return Col(key or code, ind.name_zh, ind.name_en, "amount")
    if ind.unit == "人":
        return Col(key or code, ind.name_zh, ind.name_en, "count", "人")
    return Col(key or code, ind.name_zh, ind.name_en, "number", ind.unit)


def present(value: Any) -> Decimal:
    """A value known to be present, as a Decimal."""
    d = nv.dec(value)
    assert d is not None
    return d


# the context of one report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Own:
    """The report's entity's own figures, read once for every section (two panel requests, not one
    per section): year to date (with the prior year) and single month (with the prior year), over
    the report's months (the trend's, ending at the period), every indicator a section shows."""

    ytd_panel: Panel
    month_panel: Panel
    ytd: Cells
    month: Cells

    @classmethod
    def read(
        cls, source: Source, entity: str, periods: Sequence[Period], ytd: Sequence[str], month: Sequence[str]
    ) -> Own:
        """The two panels of ``entity``: ``ytd`` indicators year to date, ``month`` single month."""
        ytd_panel = source.indicators(list(periods), indicators=list(ytd), entity=entity)
        month_panel = source.indicators(list(periods), indicators=list(month), entity=entity, basis="month")
        return cls(ytd_panel, month_panel, Cells(ytd_panel, "ytd"), Cells(month_panel, "month"))


def only(panel: Panel, codes: Sequence[str]) -> pd.DataFrame:
    """The rows of ``panel`` for ``codes`` (a section's part of the shared read, for the workbook)."""
    return panel.frame[panel.frame.indicator.isin(list(codes))].reset_index(drop=True)


@dataclass
class Ctx:
    """What the sections of one report share."""

    source: Source
    period: Period
    entity: str
    name: str
    subject: Text
    layout: dict[str, Any]
    nodes: pd.DataFrame  # the subtree's nodes in the period, in tree order
    children: list[str]
    names: dict[str, str]
    level: int
    regime_codes: list[str]
    main: Cells  # the entity's own year-to-date figures: ``own.ytd``
    own: Own
    subs: Cells
    subs_panel: Panel
    warnings: WarningReport | None = None  # set by the risks section, for the appendix
    _reconciled: ReconcileReport | None = None

    def reconciled(self) -> ReconcileReport:
        """内部往来对账 of the subtree, read once for the 合并口径核对 section and the appendix's table."""
        if self._reconciled is None:
            src = self.source
            self._reconciled = reconcile_report(
                src.store.intercompany(), src.tree(), src.catalog, self.period, root=self.entity
            )
        return self._reconciled
