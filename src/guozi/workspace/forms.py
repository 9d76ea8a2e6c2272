"""The monthly form as the web shows it: its lines to fill in, and a submission's figures for review.

* :func:`form_lines`: the lines of ``entity``'s form for ``period`` in the form's order (the sheets
  of the template section of ``rules/validation.yaml``, then the catalogue's order), each with its
  Chinese name, unit, the previous period's and the prior year's figure (a January is compared with
  the previous January, never the whole previous year);
* :func:`review_lines`: a submission's figures in form order, each beside the previous period's and
  the prior year's current figure, the change, and whether the change is a large jump
  (``jump_factor`` of ``params/review.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.catalog.params import load_section, param_decimal
from guozi.ingest.template import layout
from guozi.kernel.periods import Period
from guozi.store.sql import SQLStatements
from guozi.workspace.collect import rule_set

if TYPE_CHECKING:
    from guozi.analyses.source import Source

REVIEW_PARAMS = "params/review.yaml"

__all__ = [
    "REVIEW_PARAMS",
    "FormLine",
    "Note",
    "ReviewLine",
    "ReviewSheet",
    "form_lines",
    "jump_factor",
    "review_lines",
]


@dataclass(frozen=True)
class FormLine:
    """One line of the form: where it is (sheet in both languages), its item, and earlier figures."""

    sheet_zh: str
    sheet_en: str
    item: str
    name_zh: str
    name_en: str
    unit: str
    kind: str
    previous: Decimal | None  # the previous period's current figure (元 or persons); None: not filed
    prior_year: Decimal | None  # the same month a year before


@dataclass(frozen=True)
class ReviewLine:
    """One figure of a submission beside its earlier figures."""

    entity_id: str
    period: Period
    line: FormLine
    value: Decimal
    change: Decimal | None  # value − previous
    jump: bool  # ≥ jump_factor × (or ≤ 1/jump_factor of) the previous or prior-year figure
    explanations: tuple[Note, ...] = ()  # the filer's explanations of 核实 problems on this figure


@dataclass(frozen=True)
class Note:
    """A 核实 problem of a submission and the filer's explanation of it."""

    rule: str
    message_zh: str
    message_en: str
    text: str


@dataclass(frozen=True)
class ReviewSheet:
    """A submission's figures for review and the factor that marks a large jump."""

    lines: list[ReviewLine]
    jump_factor: Decimal


def jump_factor(catalog: Catalog) -> Decimal:
    """The factor beyond which a change is highlighted (``params/review.yaml``, section ``review``)."""
    section = load_section(catalog, "review", REVIEW_PARAMS)
    return param_decimal(section.get("jump_factor"), f"{REVIEW_PARAMS} review.jump_factor")


def _values(ws: Source, keys: list[tuple[str, Period]]) -> dict[tuple[str, int, str], Decimal]:
    if not keys:
        return {}
    table = pa.table(
        {
            "entity_id": pa.array([e for e, _ in keys], pa.string()),
            "period": pa.array([p.code for _, p in keys], pa.int32()),
        }
    )
    return {
        (str(r["entity_id"]), int(r["period"]), str(r["item"])): Decimal(str(r["value"]))
        for r in ws.store.current_values(table).to_pylist()
        if r["value"] is not None
    }


def _order(ws: Source) -> list[tuple[str, str, str]]:
    """(sheet_zh, sheet_en, item) in the form's order."""
    return [
        (st.name("zh"), st.name("en"), item.code)
        for st, items in layout(rule_set(ws, None).statements, ws.catalog)
        for item in items
    ]


def _line(ws: Source, sheet_zh: str, sheet_en: str, code: str, prev: Decimal | None, year: Decimal | None) -> FormLine:
    item = ws.catalog.items.get(code)
    return FormLine(
        sheet_zh=sheet_zh,
        sheet_en=sheet_en,
        item=code,
        name_zh=item.name_zh if item else code,
        name_en=item.name_en if item else code,
        unit=item.unit if item else "元",
        kind=str(item.kind) if item else "",
        previous=prev,
        prior_year=year,
    )


def form_lines(ws: Source, entity: str, period: Period) -> list[FormLine]:
    """The lines of ``entity``'s form for ``period``, in form order, with the earlier figures."""
    prev, year = period.shift(-1), period.shift(-12)
    known = _values(ws, [(entity, prev), (entity, year)])
    return [
        _line(ws, sz, se, code, known.get((entity, prev.code, code)), known.get((entity, year.code, code)))
        for sz, se, code in _order(ws)
    ]


def _jump(value: Decimal, earlier: Decimal | None, factor: Decimal) -> bool:
    if earlier is None or earlier == 0 or value == 0:
        return False
    ratio = abs(value / earlier)
    return ratio >= factor or ratio <= 1 / factor


def _notes(ws: Source, submission_id: int, entities: set[str]) -> dict[tuple[str, int, str], tuple[Note, ...]]:
    """The submission's explanations by (entity, period, item)."""
    found: dict[tuple[str, int, str], list[Note]] = {}
    if not isinstance(ws.store, SQLStatements):  # a Parquet lake keeps no explanations
        return {}
    for e in sorted(entities):
        frame = ws.store.explanations(e)
        if frame.empty:
            continue
        for r in frame[frame["submission_id"] == submission_id].to_dict("records"):
            note = Note(str(r["rule"]), str(r["message_zh"] or ""), str(r["message_en"] or ""), str(r["explanation"]))
            found.setdefault((e, int(r["period"]), str(r["item"])), []).append(note)
    return {k: tuple(v) for k, v in found.items()}


def review_lines(ws: Source, submission_id: int) -> ReviewSheet:
    """A submission's figures in form order (entity, period, then line), beside the earlier figures."""
    rows = ws.store.submission_facts(submission_id).to_pylist()
    pairs = sorted({(str(r["entity_id"]), Period.from_code(int(r["period"]))) for r in rows}, key=str)
    earlier = [(e, p.shift(k)) for e, p in pairs for k in (-1, -12)]
    known = _values(ws, earlier)
    order = {code: (k, sz, se) for k, (sz, se, code) in enumerate(_order(ws))}
    notes = _notes(ws, submission_id, {e for e, _ in pairs})
    factor = jump_factor(ws.catalog)
    out: list[ReviewLine] = []
    for r in rows:
        e, p, code = str(r["entity_id"]), Period.from_code(int(r["period"])), str(r["item"])
        value = Decimal(str(r["value"]))
        prev = known.get((e, p.shift(-1).code, code))
        year = known.get((e, p.shift(-12).code, code))
        _, sz, se = order.get(code, (len(order), "", ""))
        out.append(
            ReviewLine(
                entity_id=e,
                period=p,
                line=_line(ws, sz, se, code, prev, year),
                value=value,
                change=None if prev is None else value - prev,
                jump=_jump(value, prev, factor) or _jump(value, year, factor),
                explanations=notes.get((e, p.code, code), ()),
            )
        )
    out.sort(key=lambda x: (x.entity_id, x.period.code, order.get(x.line.item, (len(order),))[0]))
    return ReviewSheet(out, factor)
