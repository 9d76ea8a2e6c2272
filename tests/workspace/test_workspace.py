"""The workspace is the one API the shells call: each assessment is reachable from it."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from guozi.analyses.eva import compute_eva
from guozi.analyses.losses import loss_makers
from guozi.analyses.targets import evaluate_targets
from guozi.analyses.warnings import evaluate_warnings
from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.periods import Period
from guozi.store.base import User
from guozi.workspace import Explain, ForbiddenError, TransitionError, Workspace
from tests.ingest.conftest import TODAY, Desk, wan

JUNE = Period(2025, 6)


def test_workspace_methods_give_what_the_modules_give(workspace_of: Callable[..., Workspace]) -> None:
    """One loss-making entity: net profit −5 万元 against equity 100 万元."""
    items = {"net_profit": -5, "total_profit": -5, "revenue": 50, "total_assets": 300, "total_liabilities": 200,
             "total_equity": 100, "operating_cash_flow": 3}  # fmt: skip
    ws = workspace_of(
        entities=[
            {"entity_id": "E", "name": "例", "parent_id": "", "industry": "C26", "category": "commercial_competitive"}
        ],
        facts=[
            {"entity_id": "E", "period": "2025-06", "item": k, "value": v, "unit": "万元"} for k, v in items.items()
        ],
        targets=[{"entity_id": "E", "year": 2025, "indicator": "total_profit", "target": 1000000}],
    )
    assert ws.evaluate_targets(JUNE).frame.equals(evaluate_targets(ws, JUNE).frame)
    assert ws.loss_makers(JUNE).entities.equals(loss_makers(ws, JUNE).entities)
    assert [w.rule for w in ws.warnings(JUNE)] == [w.rule for w in evaluate_warnings(ws, JUNE)]
    assert "loss" in {w.rule for w in ws.warnings(JUNE)}
    assert ws.eva(JUNE).frame().equals(compute_eva(ws, JUNE).frame())


# -- the review workflow: draft → submitted → approved | returned (issue 6) ------------------------
# The small group of tests/ingest/conftest.py: G above A, N, D, E. Figures in 万元; 1 万元 = 10 000 元.


FILER_A = User("filer_a", "filer", ("A",), "-")
SUPER_A = User("super_a", "supervisor", ("A",), "-")
SUPER_E = User("super_e", "supervisor", ("E",), "-")
FILER_E = User("filer_e", "filer", ("E",), "-")


def _revenue(desk: Desk, entity: str, period: int) -> list[Decimal]:
    keys = pa.table({"entity_id": [entity], "period": pa.array([period], pa.int32())})
    return [r["value"] for r in desk.ws.store.current_values(keys).to_pylist() if r["item"] == "revenue"]


def test_an_upload_is_a_draft_that_counts_only_once_approved(tmp_path: Path) -> None:
    """A's June revenue 100 万元 = 1 000 000 元: stored as a draft (not counted), submitted, approved
    (counted); each step is an audit entry with the status before and after."""
    desk = Desk(tmp_path)
    staged = desk.ws.stage_upload([desk.file(wan("A", "2025-06", revenue=100))], FILER_A, today=TODAY)
    assert staged.problems == [] and staged.unexplained == []
    (sub,) = staged.submissions
    assert sub.status == "draft" and sub.user == "filer_a"
    assert _revenue(desk, "A", 202506) == []
    desk.ws.submit(sub.id, FILER_A)
    assert desk.ws.store.submission(sub.id).status == "submitted"  # type: ignore[union-attr]
    assert _revenue(desk, "A", 202506) == []
    desk.ws.review(sub.id, SUPER_A, approve=True, comment="")
    assert _revenue(desk, "A", 202506) == [Decimal("1000000")]
    log = [(e.action, e.user, e.target) for e in reversed(desk.ws.store.audit_log())]
    target = f"submission:{sub.id}"
    assert log == [
        ("submission.upload", "filer_a", target),
        ("submission.submit", "filer_a", target),
        ("submission.approve", "super_a", target),
    ]
    approve = desk.ws.store.audit_log()[0]
    assert json.loads(approve.before) == {"status": "submitted"}
    assert json.loads(approve.after) == {"status": "approved", "comment": ""}


def test_a_returned_submission_does_not_count_and_the_same_file_may_come_again(tmp_path: Path) -> None:
    """Returned with a comment, the figures stay out; the filer's next upload of the same bytes is a new draft."""
    desk = Desk(tmp_path)
    path = desk.file(wan("A", "2025-06", revenue=100))
    (sub,) = desk.ws.stage_upload([path], FILER_A, today=TODAY).submissions
    desk.ws.submit(sub.id, FILER_A)
    with pytest.raises(GuoziError, match="give a comment"):
        desk.ws.review(sub.id, SUPER_A, approve=False, comment="  ")
    step = desk.ws.review(sub.id, SUPER_A, approve=False, comment="收入应为累计数")
    assert (step.status, step.comment) == ("returned", "收入应为累计数")
    assert [(r.status, r.user) for r in desk.ws.store.reviews(sub.id)] == [
        ("submitted", "filer_a"),
        ("returned", "super_a"),
    ]
    assert _revenue(desk, "A", 202506) == []
    (again,) = desk.ws.stage_upload([path], FILER_A, today=TODAY).submissions
    assert again.id != sub.id and again.status == "draft"


def test_only_the_allowed_transitions_by_the_allowed_roles(tmp_path: Path) -> None:
    """A draft cannot be approved; a filer cannot review; nobody reviews their own upload; an approved
    submission cannot be submitted again."""
    desk = Desk(tmp_path)
    (sub,) = desk.ws.stage_upload([desk.file(wan("A", "2025-06", revenue=100))], FILER_A, today=TODAY).submissions
    with pytest.raises(TransitionError):
        desk.ws.review(sub.id, SUPER_A, approve=True)
    with pytest.raises(ForbiddenError):
        desk.ws.submit(sub.id, SUPER_A)
    desk.ws.submit(sub.id, FILER_A)
    with pytest.raises(ForbiddenError):
        desk.ws.review(sub.id, FILER_A, approve=True)
    admin = User("root", "admin", (), "-")
    (own,) = desk.ws.stage_upload([desk.file(wan("A", "2025-07", revenue=120))], admin, today=TODAY).submissions
    desk.ws.submit(own.id, admin)
    with pytest.raises(ForbiddenError):
        desk.ws.review(own.id, admin, approve=True)
    desk.ws.review(sub.id, SUPER_A, approve=True)
    with pytest.raises(TransitionError):
        desk.ws.submit(sub.id, FILER_A)
    with pytest.raises(TransitionError):
        desk.ws.review(sub.id, SUPER_A, approve=False, comment="再看看")


def test_a_filer_uploads_only_within_its_subtree(tmp_path: Path) -> None:
    """A's filer sending E's figures (rows 3 and 4 of the file) is refused naming row 3 and E; nothing is written."""
    desk = Desk(tmp_path)
    path = desk.file(wan("A", "2025-06", revenue=100) + wan("E", "2025-06", revenue=5, cash=1))
    staged = desk.ws.stage_upload([path], FILER_A, today=TODAY)
    (bad,) = staged.blocking
    assert (bad.rule, bad.row, bad.found, bad.file) == ("upload.scope", 3, "E", path.name)
    assert "E" in bad.message_zh and "row 3 and 1 more" in bad.message_en
    assert staged.submissions == [] and desk.ws.store.submissions()[-1].user == "setup"


def test_a_supervisor_sees_and_reviews_only_its_subtree(tmp_path: Path) -> None:
    """E's supervisor neither lists nor finds nor reviews A's submission (404-like NotFoundError)."""
    desk = Desk(tmp_path)
    (sub,) = desk.ws.stage_upload([desk.file(wan("A", "2025-06", revenue=100))], FILER_A, today=TODAY).submissions
    desk.ws.submit(sub.id, FILER_A)
    assert [s.id for s in desk.ws.submissions_for(SUPER_A)] == [sub.id]
    assert desk.ws.submissions_for(SUPER_E) == []
    assert desk.ws.submissions_for(FILER_E) == []
    with pytest.raises(NotFoundError):
        desk.ws.visible_submission(sub.id, SUPER_E)
    with pytest.raises(NotFoundError):
        desk.ws.review(sub.id, SUPER_E, approve=True)
    assert desk.ws.store.submission(sub.id).status == "submitted"  # type: ignore[union-attr]


def test_an_upload_with_a_problem_to_verify_waits_for_its_explanation(tmp_path: Path) -> None:
    """May revenue 300 万元, June 250: a fall (flow.ytd_decrease, row 2, 核实). Unexplained, nothing is
    written; explained, the draft lands with the explanation."""
    desk = Desk(tmp_path)
    desk.seed(wan("A", "2025-05", revenue=300))
    path = desk.file(wan("A", "2025-06", revenue=250))
    first = desk.ws.stage_upload([path], FILER_A, today=TODAY)
    assert [(p.rule, p.row) for p in first.unexplained] == [("flow.ytd_decrease", 2)]
    assert first.submissions == []
    done = desk.ws.stage_upload([path], FILER_A, [Explain("flow.ytd_decrease", 2, "冲回5月多计收入")], today=TODAY)
    (sub,) = done.submissions
    assert sub.status == "draft"
    assert json.loads(desk.ws.store.audit_log()[0].after)["explanations"] == 1
