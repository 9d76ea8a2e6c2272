"""The monthly form as the web shows it: its lines to fill in, and a submission's figures for review.

* :func:`form_lines`: the lines of ``entity``'s form for ``period`` in the paper form's order (the
  sheets of the template section of ``rules/validation.yaml``, their lines and section headings in
  ``form.yaml``), each with its Chinese name, unit, the previous period's figure, the 年初数 (the
  previous December's 期末数) of a balance and the prior year's figure (上年同期): a flow is year to
  date, so its previous period is the previous month of the same year only — a January flow is
  compared with the previous January, never with the whole previous year;
* :func:`form_earlier`: the stored figures the xlsx form shows beside its lines;
* :func:`review_lines`: a submission's figures in form order, each beside the previous period's and
  the prior year's current figure, the change, and whether the change is a large jump
  (``jump_factor`` of ``params/review.yaml``), with the filer's explanations and the 提示 kept with
  the submission (a figure typed ``(3.5)`` read as −3.5: :func:`keep_notices`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING

import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.catalog.params import load_section, param_decimal
from guozi.ingest.formlayout import Heading, sheet_lines
from guozi.ingest.loose import LOOSE_RULE
from guozi.ingest.template import Earlier
from guozi.kernel.errors import Problem
from guozi.kernel.periods import Period
from guozi.store.base import Submission
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
    "form_earlier",
    "form_lines",
    "jump_factor",
    "keep_notices",
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
    # (for a flow, only a previous month of the same year: None in January)
    prior_year: Decimal | None  # the same month a year before (上年同期; 上年同期累计数 of a flow)
    opening: Decimal | None = None  # a balance's 年初数: the previous December's 期末数
    statement: str = ""  # the sheet's statement code (balance, income, cash, statistics)
    section_zh: str = ""  # the section heading the line opens (流动资产：…), if any
    section_en: str = ""
    january: bool = False  # the form is a January's

    @property
    def month_base(self) -> Decimal | None:
        """What a flow's 本年累计 less gives its 本月数: 0 in January, else the previous month's
        本年累计 (None when not filed, and for a balance)."""
        if self.kind != "flow":
            return None
        return Decimal(0) if self.january else self.previous


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
    notices: tuple[Note, ...] = ()  # the 提示 kept with it (``text``: what was typed, e.g. ``(3.5)``)


@dataclass(frozen=True)
class Note:
    """A 核实 problem of a submission and the filer's explanation of it; or a 提示 kept with the
    submission and what the filer typed."""

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


def _order(ws: Source) -> list[tuple[str, str, str, str, Heading | None]]:
    """(sheet_zh, sheet_en, statement, item, the heading before it) in the form's order."""
    out: list[tuple[str, str, str, str, Heading | None]] = []
    for st, lines in sheet_lines(rule_set(ws, None).statements, ws.catalog):
        heading: Heading | None = None
        for x in lines:
            if isinstance(x, Heading):
                heading = x
                continue
            out.append((st.name("zh"), st.name("en"), st.code, x.code, heading))
            heading = None
    return out


def _previous(kind: str, period: Period, value: Decimal | None) -> Decimal | None:
    """The previous period's figure as a comparison: a flow's only within its year (本年累计)."""
    return None if kind == "flow" and period.month == 1 else value


def _line(
    ws: Source,
    place: tuple[str, str, str, str, Heading | None],
    period: Period,
    known: dict[tuple[str, int, str], Decimal],
    entity: str,
) -> FormLine:
    sheet_zh, sheet_en, statement, code, heading = place
    item = ws.catalog.items.get(code)
    kind = str(item.kind) if item else ""
    opening = known.get((entity, period.shift(-period.month).code, code)) if kind == "stock" else None
    return FormLine(
        sheet_zh=sheet_zh,
        sheet_en=sheet_en,
        item=code,
        name_zh=item.name_zh if item else code,
        name_en=item.name_en if item else code,
        unit=item.unit if item else "元",
        kind=kind,
        previous=_previous(kind, period, known.get((entity, period.shift(-1).code, code))),
        prior_year=known.get((entity, period.shift(-12).code, code)),
        opening=opening,
        statement=statement,
        section_zh=heading.name_zh if heading else "",
        section_en=heading.name_en if heading else "",
        january=period.month == 1,
    )


def _earlier_keys(entity: str, period: Period) -> list[tuple[str, Period]]:
    """The periods a form shows figures of: the previous month, the previous December, a year before."""
    return sorted({(entity, period.shift(-1)), (entity, period.shift(-period.month)), (entity, period.shift(-12))})


def form_lines(ws: Source, entity: str, period: Period) -> list[FormLine]:
    """The lines of ``entity``'s form for ``period``, in form order, with the earlier figures."""
    known = _values(ws, _earlier_keys(entity, period))
    return [_line(ws, place, period, known, entity) for place in _order(ws)]


def form_earlier(ws: Source, entity: str, period: Period) -> Earlier:
    """The stored figures ``entity``'s xlsx form for ``period`` shows: the previous month's, the
    previous December's (年初数) and those of the same month a year before, by item."""
    known = _values(ws, _earlier_keys(entity, period))

    def of(p: Period) -> dict[str, Decimal]:
        return {code: v for (e, c, code), v in known.items() if e == entity and c == p.code}

    return Earlier(
        previous=of(period.shift(-1)), opening=of(period.shift(-period.month)), prior_year=of(period.shift(-12))
    )


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


def keep_notices(ws: Source, submissions: Sequence[Submission], problems: Sequence[Problem]) -> None:
    """Keep with each new submission the 提示 of its figures read from their usual writing (a figure
    typed ``(3.5)`` stored as −3.5): those of ``problems`` naming its file, so that the draft reopened
    still says what was typed. A store of Parquet files keeps none (it takes no uploads)."""
    if not isinstance(ws.store, SQLStatements):
        return
    for sub in submissions:
        name = PurePath(sub.source).name
        kept = [p for p in problems if p.rule == LOOSE_RULE and p.file == name and p.entity and p.item]
        if kept:
            ws.store.keep_notices(sub.id, kept)


def _kept(ws: Source, submission_id: int) -> dict[tuple[str, int, str], tuple[Note, ...]]:
    """The 提示 kept with the submission, by (entity, period, item)."""
    found: dict[tuple[str, int, str], list[Note]] = {}
    for p in ws.store.notices(submission_id) if isinstance(ws.store, SQLStatements) else []:
        note = Note(p.rule, p.message_zh, p.message_en, p.found)
        found.setdefault((p.entity, Period.parse(p.period).code, p.item), []).append(note)
    return {k: tuple(v) for k, v in found.items()}


def review_lines(ws: Source, submission_id: int) -> ReviewSheet:
    """A submission's figures in form order (entity, period, then line), beside the earlier figures."""
    rows = ws.store.submission_facts(submission_id).to_pylist()
    pairs = sorted({(str(r["entity_id"]), Period.from_code(int(r["period"]))) for r in rows}, key=str)
    known = _values(ws, sorted({k for e, p in pairs for k in _earlier_keys(e, p)}))
    places = _order(ws)
    order = {place[3]: (k, place) for k, place in enumerate(places)}
    notes = _notes(ws, submission_id, {e for e, _ in pairs})
    kept = _kept(ws, submission_id)
    factor = jump_factor(ws.catalog)
    out: list[ReviewLine] = []
    for r in rows:
        e, p, code = str(r["entity_id"]), Period.from_code(int(r["period"])), str(r["item"])
        value = Decimal(str(r["value"]))
        _, place = order.get(code, (len(order), ("", "", "", code, None)))
        line = _line(ws, place, p, known, e)
        out.append(
            ReviewLine(
                entity_id=e,
                period=p,
                line=line,
                value=value,
                change=None if line.previous is None else value - line.previous,
                jump=_jump(value, line.previous, factor) or _jump(value, line.prior_year, factor),
                explanations=notes.get((e, p.code, code), ()),
                notices=kept.get((e, p.code, code), ()),
            )
        )
    out.sort(key=lambda x: (x.entity_id, x.period.code, order.get(x.line.item, (len(order),))[0]))
    return ReviewSheet(out, factor)
