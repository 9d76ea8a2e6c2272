"""Two levels of review per subtree, and comments on single lines of a returned submission (issue 19).

**Two levels** (``params/review.yaml`` ``review.two_level``: subtree roots). A submission whose
figures lie under such a root R (the nearest one above each figure's entity) is reviewed twice:

1. 初审 (first level): a supervisor whose scope lies within R's subtree (R itself or below), or an
   admin, moves it ``submitted`` → ``checked`` (初审通过) or returns it;
2. 复审 (headquarters): a supervisor with a scope above R (a proper ancestor), or an admin, moves it
   ``checked`` → ``approved`` or returns it — someone other than the first-level reviewer.

Elsewhere one level, as before: any reviewer who sees it moves ``submitted`` → ``approved`` or
``returned``. Only ``approved`` figures count.

**Line comments**: a reviewer returning a submission may attach a comment to single figures
(entity, period, item). They are kept with the return step's entry in the audit log (the step and
its entry are written in one transaction), so the store's schema is unchanged; :func:`line_comments`
reads them back for the submission page and its JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from guozi.catalog.params import load_section
from guozi.kernel.errors import CatalogError, GuoziError
from guozi.kernel.periods import Period
from guozi.store.base import Review, Submission, User

if TYPE_CHECKING:
    from guozi.catalog import Catalog
    from guozi.store import Store
    from guozi.tree import Tree


class Desk(Protocol):
    """What this module reads of the workspace (:class:`~guozi.workspace.Workspace` is one)."""

    store: Store
    catalog: Catalog

    def tree(self) -> Tree: ...

    def submission_keys(self, submission_id: int) -> list[tuple[str, int]]: ...


__all__ = [
    "COMMENT_MAX",
    "LEVEL_ZH",
    "LineComment",
    "ReviewState",
    "check_lines",
    "line_comments",
    "next_step",
    "review_state",
    "two_level_roots",
]

REVIEW_PARAMS = "params/review.yaml"
COMMENT_MAX = 2000
LEVEL_ZH = {0: ("审核", "review"), 1: ("初审", "first-level review"), 2: ("复审", "headquarters review")}
Level = Literal[0, 1, 2]


@dataclass(frozen=True)
class LineComment:
    """A reviewer's comment on one figure of a submission: who and when (filled once stored)."""

    entity_id: str
    period: int  # YYYYMM
    item: str
    comment: str
    user: str = ""
    at: datetime | None = None

    def record(self) -> dict[str, object]:
        """As the audit log keeps it."""
        return {"entity_id": self.entity_id, "period": self.period, "item": self.item, "comment": self.comment}


@dataclass(frozen=True)
class ReviewState:
    """Where a submission stands in review, for one user: the level of the next step and whether the
    user may take it; each step's level; the line comments of its returns."""

    roots: tuple[str, ...]  # the two-level roots it falls under; () for one level
    level: Level  # the level of the next step: 0 (one level), 1 (初审) or 2 (复审)
    can_review: bool
    why_not: tuple[str, str]  # (zh, en) why the user may not review now; ("", "") when it may
    steps: tuple[tuple[Level, Review], ...]
    comments: tuple[LineComment, ...]


def two_level_roots(ws: Desk) -> tuple[str, ...]:
    """The subtree roots under which review has two levels (``review.two_level``), checked."""
    value = load_section(ws.catalog, "review", REVIEW_PARAMS).get("two_level") or []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise CatalogError(
            f"{REVIEW_PARAMS} review.two_level 应为企业代码列表，实为 {value!r}",
            f"{REVIEW_PARAMS} review.two_level must be a list of entity ids, not {value!r}",
        )
    return tuple(str(v).strip() for v in value if str(v).strip())


def _roots_of(ws: Desk, submission_id: int) -> tuple[str, ...]:
    """The nearest two-level root above each figure's entity (in its period), each once."""
    roots = set(two_level_roots(ws))
    if not roots:
        return ()
    keys = ws.submission_keys(submission_id)
    c = ws.tree().closure
    c = c[c.ancestor_id.isin(roots)]
    found: set[str] = set()
    for entity, period in keys:
        above = c[(c.entity_id == entity) & (c.from_code <= period) & (c.to_code >= period)]
        if len(above):
            found.add(str(above.sort_values("depth").ancestor_id.iloc[0]))
    return tuple(sorted(found))


def _level_of(ws: Desk, user: User, root: str) -> int:
    """2 when ``user`` reviews for headquarters over ``root``, 1 for the subgroup itself, 0 neither."""
    if user.role == "admin":
        return 2
    c = ws.tree().closure
    mine = c[c.entity_id.isin([root]) & c.ancestor_id.isin(user.scopes) & (c.depth > 0)]
    if len(mine):
        return 2
    inside = c[c.ancestor_id.isin([root]) & c.entity_id.isin(user.scopes)]
    return 1 if len(inside) else 0


def _steps(ws: Desk, submission_id: int, two: bool) -> tuple[tuple[Level, Review], ...]:
    """Each review step with its level: ``checked`` and a decision on a submitted one are 初审, a
    decision on a checked one 复审; the filer's steps (submit, withdraw) and one-level steps are 0."""
    out: list[tuple[Level, Review]] = []
    before = "draft"
    for r in ws.store.reviews(submission_id):
        level: Level = 0
        if two and before == "submitted" and r.status in ("checked", "approved", "returned"):
            level = 1
        elif two and before == "checked":
            level = 2
        out.append((level, r))
        before = r.status
    return tuple(out)


def next_step(ws: Desk, sub: Submission, user: User) -> tuple[tuple[str, ...], Level, tuple[str, str]]:
    """The two-level roots of ``sub``, the level of its next review step, and why ``user`` may not take
    it (("", "") when it may)."""
    roots = _roots_of(ws, sub.id)
    level: Level = 0 if not roots else (2 if sub.status == "checked" else 1)
    steps = _steps(ws, sub.id, bool(roots)) if level == 2 else ()
    return roots, level, _why_not(ws, sub, user, roots, level, steps)


def review_state(ws: Desk, sub: Submission, user: User) -> ReviewState:
    """Where ``sub`` stands in review for ``user`` (see the module's rules)."""
    roots, level, why = next_step(ws, sub, user)
    steps = _steps(ws, sub.id, bool(roots))
    return ReviewState(roots, level, why == ("", ""), why, steps, line_comments(ws, sub.id))


def _why_not(
    ws: Desk, sub: Submission, user: User, roots: tuple[str, ...], level: Level, steps: Sequence[tuple[Level, Review]]
) -> tuple[str, str]:
    """Why ``user`` may not take the next review step of ``sub`` (("", "") when it may)."""
    if user.role not in ("supervisor", "admin"):
        return "您的角色不能审核报表", "your role may not review reports"
    if sub.user == user.name:
        return (
            f"第 {sub.id} 号报送是您本人上传的，须由他人审核",
            f"you uploaded submission {sub.id}; someone else must review it",
        )
    ready = ("submitted", "checked") if roots else ("submitted",)
    if sub.status not in ready:
        return f"第 {sub.id} 号报送当前不待审核", f"submission {sub.id} is not waiting for review"
    where = "、".join(roots)
    levels = [_level_of(ws, user, r) for r in roots]
    if level == 1 and not (user.role == "admin" or all(x == 1 for x in levels)):
        return (
            f"{where} 的报送实行二级审核：须先由 {where} 的审核人初审",
            f"submissions under {where} have two levels of review: a reviewer of {where} checks them first",
        )
    if level == 2:
        if not all(x == 2 for x in levels):
            return (
                f"已初审通过，须由 {where} 的上级（集团总部）复审",
                f"checked at the first level; headquarters above {where} reviews it next",
            )
        first = next((r.user for lv, r in reversed(steps) if lv == 1 and r.status == "checked"), "")
        if first == user.name:
            return "初审与复审须由不同的人进行", "the first-level and the headquarters review need two different people"
    return "", ""


def check_lines(ws: Desk, submission_id: int, lines: Sequence[LineComment], approve: bool) -> list[LineComment]:
    """The line comments of a review step, checked: only when returning, each on a figure of the submission."""
    kept = [x for x in lines if x.comment.strip()]
    if not kept:
        return []
    if approve:
        raise GuoziError("行内意见只在退回时填写", "line comments go with a return, not an approval")
    keys = set(ws.submission_keys(submission_id))
    figures = {(str(r["entity_id"]), int(r["period"]), str(r["item"])) for r in _facts(ws, submission_id)}
    out = []
    for x in kept:
        if (x.entity_id, x.period) not in keys or (x.entity_id, x.period, x.item) not in figures:
            p = Period.from_code(x.period) if 190001 <= x.period <= 999912 else x.period
            raise GuoziError(
                f"第 {submission_id} 号报送没有 {x.entity_id} {p} {x.item} 这一行，不能对其填写意见",
                f"submission {submission_id} has no line {x.entity_id} {p} {x.item} to comment on",
            )
        if len(x.comment) > COMMENT_MAX:
            raise GuoziError(f"行内意见最长 {COMMENT_MAX} 字", f"a line comment has at most {COMMENT_MAX} characters")
        out.append(LineComment(x.entity_id, x.period, x.item, x.comment.strip()))
    return out


def _facts(ws: Desk, submission_id: int) -> list[dict[str, Any]]:
    return list(ws.store.submission_facts(submission_id).select(["entity_id", "period", "item"]).to_pylist())


def line_comments(ws: Desk, submission_id: int) -> tuple[LineComment, ...]:
    """The line comments of every return of the submission, oldest first (from the audit log)."""
    target = f"submission:{submission_id}"
    out: list[LineComment] = []
    for entry in reversed(ws.store.audit_log(10**9, action="submission.return")):
        if entry.target != target:
            continue
        try:
            lines = json.loads(entry.after or "{}").get("lines") or []
        except (ValueError, AttributeError):
            continue  # an entry written by hand or by an older guozi: no line comments
        out.extend(
            LineComment(str(x["entity_id"]), int(x["period"]), str(x["item"]), str(x["comment"]), entry.user, entry.at)
            for x in lines
            if isinstance(x, dict) and {"entity_id", "period", "item", "comment"} <= x.keys()
        )
    return tuple(out)
