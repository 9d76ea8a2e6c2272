"""What the submission pages and their JSON twins show, made from the workspace's submissions, review
steps and problems."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from guozi.kernel.errors import Problem, Severity
from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.store.base import Review, Submission, User
from guozi.web.data import file_name
from guozi.workspace import STATUS_ZH, UPLOADERS, Workspace
from guozi.workspace.collect import explain_key
from guozi.workspace.forms import ReviewLine

__all__ = [
    "FactOut",
    "LineOut",
    "NoteOut",
    "ProblemOut",
    "ReviewIn",
    "ReviewOut",
    "SubmissionDetail",
    "SubmissionList",
    "SubmissionOut",
    "UploadOut",
    "detail_out",
    "line_out",
    "problem_out",
    "review_out",
    "submission_out",
]

_LETTERS = re.compile(r"^[A-Z]{1,3}$")


class ProblemOut(BaseModel):
    """A problem in plain words: severity, where (file, sheet, row, column, the cell), what was expected and found."""

    severity: str
    severity_label: str
    rule: str
    message: str
    file: str
    sheet: str
    row: int | None
    column: str
    cell: str  # e.g. "利润表!C5", or "row 3, column entity_id"
    expected: str
    found: str
    explain_key: str  # RULE:ROW or RULE:SHEET!ROW, for 核实 problems


class ReviewOut(BaseModel):
    """One review step: who moved the submission to which status, when, with what comment."""

    at: str
    user: str
    status: str
    status_label: str
    comment: str


class SubmissionOut(BaseModel):
    """A submission: its file, uploader, status and the entities and periods its figures concern."""

    id: int
    created_at: str
    user: str
    file: str
    sha256: str
    kind: str
    rows: int
    reason: str
    status: str
    status_label: str
    entities: list[str]
    periods: list[str]
    last_comment: str


class FactOut(BaseModel):
    """One figure of a submission (value exact, in 元 or persons)."""

    entity_id: str
    period: str
    item: str
    name: str
    unit: str
    value: str


class NoteOut(BaseModel):
    """A 核实 problem and the filer's explanation of it."""

    rule: str
    message: str
    explanation: str


class LineOut(BaseModel):
    """A figure for review, in form order: beside the previous period, the prior year and the change."""

    entity_id: str
    entity_name: str
    period: str
    sheet: str
    item: str
    name: str
    unit: str
    value: str
    previous: str | None
    prior_year: str | None
    change: str | None
    jump: bool  # a large jump (params/review.yaml jump_factor) against the previous or prior-year figure
    notes: list[NoteOut]


class SubmissionDetail(SubmissionOut):
    """A submission with its figures, its review steps and what the user may do with it."""

    facts: list[FactOut]
    lines: list[LineOut]
    jump_factor: str
    entity_names: dict[str, str]
    reviews: list[ReviewOut]
    can_submit: bool
    can_review: bool
    can_withdraw: bool


class SubmissionList(BaseModel):
    """The submissions the user may see, newest first."""

    status: str | None
    submissions: list[SubmissionOut]


class UploadOut(BaseModel):
    """What an upload did: the problems, the 核实 problems still unexplained, the drafts written."""

    accepted: bool
    problems: list[ProblemOut]
    unexplained: list[ProblemOut]
    submissions: list[SubmissionOut]
    skipped: list[dict[str, Any]]


class ReviewIn(BaseModel):
    """A supervisor's decision: approve, or return with a comment."""

    approve: bool
    comment: str = Field(default="", max_length=2000)


def _cell(p: Problem, lang: str) -> str:
    """Where the problem is, as a user finds it in Excel: ``利润表!C5``, else row and column."""
    if p.sheet and p.row is not None and _LETTERS.match(p.column or ""):
        return f"{p.sheet}!{p.column}{p.row}"
    return p.location(lang)


def problem_out(p: Problem, lang: str) -> ProblemOut:
    """A problem as the page and the API show it."""
    sev = Severity(p.severity)
    return ProblemOut(
        severity=sev.value,
        severity_label=sev.label(lang),
        rule=p.rule,
        message=p.message(lang),
        file=p.file,
        sheet=p.sheet,
        row=p.row,
        column=p.column,
        cell=_cell(p, lang),
        expected=p.expected_in(lang),
        found=p.found_in(lang),
        explain_key=explain_key(p) if sev == Severity.VERIFY else "",
    )


def _status_label(status: str, lang: str) -> str:
    return pick(lang, STATUS_ZH.get(status, status), status)


def submission_out(ws: Workspace, sub: Submission, lang: str) -> SubmissionOut:
    """A submission with the entities and periods of its figures and the latest review comment."""
    keys = ws.submission_keys(sub.id)
    steps = ws.store.reviews(sub.id)
    return SubmissionOut(
        id=sub.id,
        created_at=sub.created_at.isoformat(timespec="seconds"),
        user=sub.user,
        file=file_name(sub.source),
        sha256=sub.sha256,
        kind=sub.kind,
        rows=sub.rows,
        reason=sub.reason,
        status=sub.status,
        status_label=_status_label(sub.status, lang),
        entities=sorted({e for e, _ in keys}),
        periods=[str(Period.from_code(c)) for c in sorted({p for _, p in keys})],
        last_comment=next((s.comment for s in reversed(steps) if s.comment), ""),
    )


def review_out(step: Review, lang: str) -> ReviewOut:
    return ReviewOut(
        at=step.at.isoformat(timespec="seconds"),
        user=step.user,
        status=step.status,
        status_label=_status_label(step.status, lang),
        comment=step.comment,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def line_out(r: ReviewLine, names: Mapping[str, str], lang: str) -> LineOut:
    """A figure for review as the page and the API show it."""
    return LineOut(
        entity_id=r.entity_id,
        entity_name=names.get(r.entity_id, r.entity_id),
        period=str(r.period),
        sheet=pick(lang, r.line.sheet_zh, r.line.sheet_en),
        item=r.line.item,
        name=pick(lang, r.line.name_zh, r.line.name_en),
        unit=r.line.unit,
        value=str(r.value),
        previous=_text(r.line.previous),
        prior_year=_text(r.line.prior_year),
        change=_text(r.change),
        jump=r.jump,
        notes=[
            NoteOut(rule=n.rule, message=pick(lang, n.message_zh, n.message_en), explanation=n.text)
            for n in r.explanations
        ],
    )


def detail_out(ws: Workspace, sub: Submission, user: User, lang: str, names: Mapping[str, str]) -> SubmissionDetail:
    items = ws.catalog.items
    facts = [
        FactOut(
            entity_id=str(r["entity_id"]),
            period=str(Period.from_code(int(r["period"]))),
            item=str(r["item"]),
            name=pick(lang, items[r["item"]].name_zh, items[r["item"]].name_en)
            if r["item"] in items
            else str(r["item"]),
            unit=items[r["item"]].unit if r["item"] in items else "元",
            value=str(r["value"]),
        )
        for r in ws.store.submission_facts(sub.id).to_pylist()
    ]
    reviews = [review_out(s, lang) for s in ws.store.reviews(sub.id)]
    base = submission_out(ws, sub, lang)
    sheet = ws.review_lines(sub.id)
    return SubmissionDetail(
        **base.model_dump(),
        facts=facts,
        lines=[line_out(r, names, lang) for r in sheet.lines],
        jump_factor=str(sheet.jump_factor),
        entity_names={e: names.get(e, e) for e in base.entities},
        reviews=reviews,
        can_submit=sub.status == "draft" and user.role in UPLOADERS,
        can_review=sub.status == "submitted" and user.role in ("supervisor", "admin") and sub.user != user.name,
        can_withdraw=sub.status == "draft" and user.role in UPLOADERS and sub.user == user.name,
    )
