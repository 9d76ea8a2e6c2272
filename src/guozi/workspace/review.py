"""The review workflow: draft → submitted → approved | returned (a returned file is uploaded anew);
under two levels of review (:mod:`guozi.workspace.levels`) submitted → checked → approved | returned.

A filer uploads reports of the entities in its subtrees (:func:`stage_upload`) and submits them;
a supervisor approves or returns them (:func:`move`). Who may do what is checked here
(:class:`ForbiddenError`), and which status may follow which (:class:`TransitionError`). The
:class:`~guozi.workspace.Workspace` methods of the same names are the entries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

import pandas as pd

from guozi.kernel.errors import GuoziError, Problem, Severity
from guozi.kernel.periods import Period
from guozi.store.base import Review, Status, Submission, User
from guozi.store.batch import Batch
from guozi.workspace import forms, levels
from guozi.workspace.collect import Explain, Rules, stored_explanations
from guozi.workspace.levels import LineComment

if TYPE_CHECKING:
    from guozi.analyses.source import Source
    from guozi.workspace.collect import CheckResult

    class Desk(Source, Protocol):
        """What the review workflow reads of the workspace (:class:`~guozi.workspace.Workspace` is one)."""

        def check(
            self,
            paths: Sequence[Path],
            *,
            reason: str = "",
            rules: Rules = None,
            today: date | None = None,
            status: Status = "approved",
        ) -> CheckResult: ...

        def visible_submission(self, submission_id: int, user: User) -> Submission: ...

        def submission_keys(self, submission_id: int) -> list[tuple[str, int]]: ...


UPLOADERS = ("filer", "admin")  # who may upload and submit
REVIEWERS = ("supervisor", "admin")  # who may approve or return
STATUS_ZH: dict[str, str] = {
    "draft": "草稿",
    "submitted": "已提交",
    "checked": "初审通过",
    "approved": "已通过",
    "returned": "已退回",
}


class ForbiddenError(GuoziError):
    """The user's role does not allow this step of the review workflow."""

    code: ClassVar[str] = "GZ-ACCESS-001"


class TransitionError(GuoziError):
    """The submission's status does not allow this step (e.g. approving a draft)."""

    code: ClassVar[str] = "GZ-REVIEW-001"


@dataclass
class Staged:
    """What an upload did: every problem found, the 核实 problems still unexplained, the drafts written.

    Nothing is written (``submissions`` is empty) while a 强制 problem or an unexplained 核实
    problem remains.
    """

    problems: list[Problem] = field(default_factory=list)
    unexplained: list[Problem] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)  # (file, submission already holding it)

    @property
    def blocking(self) -> list[Problem]:
        """The 强制 problems: the upload is refused."""
        return [p for p in self.problems if p.severity == Severity.BLOCKING]


def stage_upload(
    ws: Desk,
    paths: Sequence[Path],
    user: User,
    explanations: Sequence[Explain],
    *,
    reason: str,
    rules: Rules,
    today: date | None,
    notices: Sequence[Problem] = (),
) -> Staged:
    """See :meth:`Workspace.stage_upload <guozi.workspace.Workspace.stage_upload>`."""
    require(user, UPLOADERS, "上传报表", "upload reports")
    result = ws.check(paths, reason=reason, rules=rules, today=today, status="draft")
    if user.role != "admin":
        result.notes.extend(_scope_problems(ws, result.batch, user))
    hidden = {sid for _, sid in result.skipped if not covers(ws, user, sid)}
    if hidden:  # the same bytes sit in a submission outside the user's subtrees: do not name it
        files = {f for f, sid in result.skipped if sid in hidden}
        result.notes = [n for n in result.notes if not (n.rule == "file.imported" and n.file in files)]
        result.notes.extend(
            Problem(
                "file.imported",
                "内容与已有的一次报送相同，不会重复导入",
                "same content as an earlier submission; it will not be imported again",
                file=f,
                severity=Severity.NOTICE,
            )
            for f, sid in result.skipped
            if sid in hidden
        )
    staged = Staged(problems=result.problems, skipped=[(f, s) for f, s in result.skipped if s not in hidden])
    staged.unexplained = [f.problem for f in result.unexplained(explanations)]
    if staged.blocking or staged.unexplained or not result.batch.files:
        return staged
    stored = stored_explanations(result, explanations)
    with ws.store.atomic():  # the drafts and their audit entries are stored together or not at all
        written = ws.store.write(result.batch, user=user.name, reason=reason, explanations=stored, status="draft")
        forms.keep_notices(ws, written.submissions, [*result.problems, *notices])
        for sub in written.submissions:
            ws.store.audit(
                user=user.name,
                action="submission.upload",
                target=f"submission:{sub.id}",
                after=_submission_json(sub, explanations=len([x for x in stored if x.source == sub.source])),
            )
    staged.submissions = written.submissions
    staged.skipped.extend(written.skipped)
    return staged


def review(
    ws: Desk, submission_id: int, user: User, approve: bool, comment: str, lines: Sequence[LineComment] = ()
) -> Review:
    """See :meth:`Workspace.review <guozi.workspace.Workspace.review>`; the levels: :mod:`guozi.workspace.levels`."""
    require(user, REVIEWERS, "审核报表", "review reports")
    sub = ws.visible_submission(submission_id, user)
    if sub.user == user.name:
        raise ForbiddenError(
            f"第 {submission_id} 号报送是您本人上传的，须由他人审核",
            f"you uploaded submission {submission_id}; someone else must review it",
        )
    comment = comment.strip()
    kept = levels.check_lines(ws, submission_id, lines, approve)
    if not approve and not comment and not kept:
        raise GuoziError("退回时请填写意见，说明需要改正什么", "give a comment when returning: say what to correct")
    roots, level, why = levels.next_step(ws, sub, user)
    if sub.status in ("submitted", "checked") and why != ("", ""):
        raise ForbiddenError(*why)
    at: tuple[Status, ...] = ("checked",) if level == 2 else ("submitted",)
    to: Status = "returned" if not approve else "checked" if level == 1 else "approved"
    action = {"returned": "submission.return", "checked": "submission.check"}.get(to, "submission.approve")
    extra: dict[str, object] = {"level": level, "roots": list(roots)} if roots else {}
    if kept:
        extra["lines"] = [x.record() for x in kept]
    return move(ws, submission_id, user, at, to, comment, action, extra)


def covers(ws: Desk, user: User, submission_id: int) -> bool:
    """Whether ``user`` may see the submission: all of its figures lie in the user's subtrees."""
    if user.role == "admin":
        return True
    keys = ws.submission_keys(submission_id)
    if not keys:
        return False  # no figures (entities, targets): an admin's business
    frame = pd.DataFrame(keys, columns=["entity_id", "period"])
    return bool(_inside(ws, user, frame).all())


def _inside(ws: Desk, user: User, frame: pd.DataFrame) -> pd.Series:
    """For each (entity_id, period) row of ``frame``: whether it lies in ``user``'s subtrees then."""
    c = ws.tree().closure
    c = c[c.ancestor_id.isin(user.scopes)][["entity_id", "from_code", "to_code"]]
    m = frame[["entity_id", "period"]].reset_index(names="_k").merge(c, on="entity_id", how="inner")
    ok = set(m.loc[(m.from_code <= m.period) & (m.to_code >= m.period), "_k"])
    return pd.Series([k in ok for k in range(len(frame))], index=frame.index)


def _scope_problems(ws: Desk, batch: Batch, user: User) -> list[Problem]:
    """The rows of an upload outside ``user``'s subtrees, and files other than figures (强制)."""
    out = [
        Problem(
            "upload.kind",
            f"只有管理员可以上传{'企业' if f.kind == 'entities' else '目标'}文件；请上传填好的报表模板或 facts 文件",
            f"only an admin may upload {f.kind} files; upload a filled report template or a facts file",
            file=f.path.name,
            found=f.kind,
        )
        for f in batch.files
        if f.kind != "facts"
    ]
    if batch.facts is None or not batch.facts.num_rows:
        return out
    frame = batch.facts.select(["entity_id", "period", "source", "sheet", "row"]).to_pandas()
    outside = frame[~_inside(ws, user, frame)]
    scopes = "、".join(user.scopes) or "—"
    for (source, sheet, entity, period), rows in outside.groupby(["source", "sheet", "entity_id", "period"]):
        first = int(rows["row"].min())
        more = len(rows) - 1
        out.append(
            Problem(
                "upload.scope",
                f"第{first}行{f'等 {more + 1} 行' if more else ''}：企业 {entity}（{Period.from_code(int(period))}）"
                f"不在您的填报范围（{scopes} 及其下级）内",
                f"row {first}{f' and {more} more' if more else ''}: entity {entity} "
                f"({Period.from_code(int(period))}) is outside your subtrees ({', '.join(user.scopes) or '-'})",
                file=Path(str(source)).name,
                sheet=str(sheet or ""),
                row=first,
                column="entity_id",
                expected=f"{', '.join(user.scopes)} …",
                found=str(entity),
            )
        )
    return out


def require(user: User, roles: Sequence[str], zh: str, en: str) -> None:
    """Refuse (:class:`ForbiddenError`) unless ``user``'s role is one of ``roles``."""
    if user.role not in roles:
        raise ForbiddenError(f"您的角色不能{zh}", f"your role may not {en}")


def move(
    ws: Desk,
    submission_id: int,
    user: User,
    allowed: Sequence[Status],
    to: Status,
    comment: str,
    action: str,
    extra: dict[str, object] | None = None,
) -> Review:
    """Move a submission ``user`` may see from one of ``allowed`` to ``to``, audited as ``action`` (``extra``
    joins the audit entry's after-state: the review level, line comments)."""
    ws.visible_submission(submission_id, user)
    # the status is read, moved and audited in one transaction: all stored together, or nothing
    with ws.store.atomic():
        sub = ws.store.submission(submission_id)
        assert sub is not None  # submissions are never deleted
        if sub.status not in allowed:
            raise TransitionError(
                f"第 {submission_id} 号报送当前状态为 {STATUS_ZH[sub.status]}，不能改为 {STATUS_ZH[to]}",
                f"submission {submission_id} is {sub.status}; it cannot become {to}",
            )
        step = ws.store.set_status(submission_id, to, user=user.name, comment=comment)
        ws.store.audit(
            user=user.name,
            action=action,
            target=f"submission:{submission_id}",
            before=json.dumps({"status": sub.status}),
            after=json.dumps({"status": to, "comment": comment, **(extra or {})}, ensure_ascii=False),
        )
    return step


def withdraw(ws: Desk, submission_id: int, user: User) -> Review:
    """The filer takes back an own draft: it becomes ``returned`` (its figures never count), audited
    as ``submission.withdraw``; a draft of someone else, or a submission handed in, is refused."""
    require(user, UPLOADERS, "撤回报表", "withdraw reports")
    sub = ws.visible_submission(submission_id, user)
    if sub.user != user.name:
        raise ForbiddenError("只能撤回自己上传的草稿", "only the filer who uploaded a draft may withdraw it")
    return move(
        ws, submission_id, user, ("draft",), "returned", "填报人撤回 withdrawn by the filer", "submission.withdraw"
    )


def _submission_json(sub: Submission, **extra: object) -> str:
    """A submission as the audit log keeps it."""
    record = {
        "id": sub.id,
        "source": Path(sub.source).name,
        "sha256": sub.sha256,
        "kind": sub.kind,
        "rows": sub.rows,
        "status": sub.status,
        "reason": sub.reason,
        **extra,
    }
    return json.dumps(record, ensure_ascii=False)
