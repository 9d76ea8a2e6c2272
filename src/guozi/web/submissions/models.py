"""What the submission pages and their JSON twins show, made from the workspace's submissions, review
steps and problems."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from guozi.kernel.errors import GuoziError, Problem, Severity
from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.store.base import Review, Submission, User
from guozi.web.data import file_name
from guozi.workspace import STATUS_ZH, UPLOADERS, Workspace
from guozi.workspace.collect import explain_key
from guozi.workspace.forms import ReviewLine
from guozi.workspace.levels import LEVEL_ZH, LineComment, ReviewState

__all__ = [
    "FactOut",
    "LineCommentIn",
    "LineCommentOut",
    "LineOut",
    "NoteOut",
    "NoticeOut",
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
    """One review step: who moved the submission to which status, when, with what comment, at which level."""

    at: str
    user: str
    status: str
    status_label: str
    comment: str
    level: int = 0  # 0 one level (or the filer's step), 1 初审, 2 复审 (headquarters)
    level_label: str = ""


class LineCommentIn(BaseModel):
    """A reviewer's comment on one figure of the submission, given when returning it."""

    entity_id: str = Field(max_length=200)
    period: str = Field(max_length=7, description="YYYY-MM")
    item: str = Field(max_length=200)
    comment: str = Field(max_length=2000)


class LineCommentOut(LineCommentIn):
    """A comment on one figure: who wrote it (returning the submission) and when."""

    user: str
    at: str


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


class NoticeOut(BaseModel):
    """A 提示 kept with a figure of the submission: what the filer typed (``found``), e.g. ``(3.5)`` read as −3.5."""

    rule: str
    message: str
    found: str


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
    comments: list[LineCommentOut] = []  # the reviewers' comments on this line (returns)
    notices: list[NoticeOut] = []  # the 提示 kept with the figure (a number read from its usual writing)


class SubmissionDetail(SubmissionOut):
    """A submission with its figures, its review steps and what the user may do with it."""

    facts: list[FactOut]
    lines: list[LineOut]
    jump_factor: str
    entity_names: dict[str, str]
    reviews: list[ReviewOut]
    line_comments: list[LineCommentOut]  # every comment on a single line, oldest first (the fill page shows them too)
    two_level: list[str]  # the two-level roots the submission falls under (params/review.yaml); [] for one level
    review_level: int  # the level of the next review step: 0 one level, 1 初审, 2 复审
    review_level_label: str
    review_note: str  # why the user may not review it now ("" when it may, or when nothing waits)
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
    """A supervisor's decision: approve, or return with a comment and/or comments on single lines."""

    approve: bool
    comment: str = Field(default="", max_length=2000)
    lines: list[LineCommentIn] = Field(default=[], max_length=2000)

    def line_comments(self) -> list[LineComment]:
        """The line comments as the workspace takes them (a bad period: GuoziError)."""
        return [line_comment(x.entity_id, x.period, x.item, x.comment) for x in self.lines]


def line_comment(entity_id: str, period: str, item: str, comment: str) -> LineComment:
    """A comment on the line (entity, period ``YYYY-MM``, item), its period checked."""
    try:
        code = Period.parse(period.strip()).code
    except ValueError:
        raise GuoziError(
            f"行内意见的期间格式错误：{period!r}，应为 YYYY-MM",
            f"bad period {period!r} of a line comment; expected YYYY-MM",
        ) from None
    return LineComment(entity_id.strip(), code, item.strip(), comment)


def comment_out(c: LineComment) -> LineCommentOut:
    return LineCommentOut(
        entity_id=c.entity_id,
        period=str(Period.from_code(c.period)),
        item=c.item,
        comment=c.comment,
        user=c.user,
        at=c.at.isoformat(timespec="seconds") if c.at else "",
    )


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


def review_out(step: Review, lang: str, level: int = 0) -> ReviewOut:
    return ReviewOut(
        at=step.at.isoformat(timespec="seconds"),
        user=step.user,
        status=step.status,
        status_label=_status_label(step.status, lang),
        comment=step.comment,
        level=level,
        level_label=pick(lang, *LEVEL_ZH[level]) if level else "",
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def line_out(r: ReviewLine, names: Mapping[str, str], lang: str, comments: Sequence[LineCommentOut] = ()) -> LineOut:
    """A figure for review as the page and the API show it, with the reviewers' comments on it."""
    period = str(r.period)
    return LineOut(
        entity_id=r.entity_id,
        entity_name=names.get(r.entity_id, r.entity_id),
        period=period,
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
        comments=[c for c in comments if (c.entity_id, c.period, c.item) == (r.entity_id, period, r.line.item)],
        notices=[
            NoticeOut(rule=n.rule, message=pick(lang, n.message_zh, n.message_en), found=n.text) for n in r.notices
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
    state: ReviewState = ws.review_state(sub.id, user)
    reviews = [review_out(s, lang, level) for level, s in state.steps]
    comments = [comment_out(c) for c in state.comments]
    base = submission_out(ws, sub, lang)
    sheet = ws.review_lines(sub.id)
    waiting = sub.status in ("submitted", "checked") and user.role in ("supervisor", "admin")
    return SubmissionDetail(
        **base.model_dump(),
        facts=facts,
        lines=[line_out(r, names, lang, comments) for r in sheet.lines],
        jump_factor=str(sheet.jump_factor),
        entity_names={e: names.get(e, e) for e in base.entities},
        reviews=reviews,
        line_comments=comments,
        two_level=list(state.roots),
        review_level=state.level,
        review_level_label=pick(lang, *LEVEL_ZH[state.level]),
        review_note=pick(lang, *state.why_not) if waiting else "",
        can_submit=sub.status == "draft" and user.role in UPLOADERS,
        can_review=state.can_review,
        can_withdraw=sub.status == "draft" and user.role in UPLOADERS and sub.user == user.name,
    )
