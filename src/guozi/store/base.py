"""The store interface: what every store (embedded DuckDB, PostgreSQL) offers the workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import threading
    from collections.abc import Sequence
    from contextlib import AbstractContextManager

    import ibis.expr.types as ir
    import pandas as pd
    import pyarrow as pa
    from ibis.backends import BaseBackend

    from guozi.store.batch import Batch


# A submission's review status. The command line lands files as ``approved``; a web upload lands
# as ``draft``, the filer ``submitted`` it, a supervisor ``approved`` or ``returned`` it. Under two
# levels of review (params/review.yaml ``two_level``) the first level moves it to ``checked`` (初审通过)
# and headquarters then to ``approved`` or ``returned``. Only approved submissions feed the
# indicators. A status is text in the store (no schema change for a new one).
Status = Literal["draft", "submitted", "checked", "approved", "returned"]
STATUSES: tuple[Status, ...] = ("draft", "submitted", "checked", "approved", "returned")
Role = Literal["admin", "supervisor", "filer", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "supervisor", "filer", "viewer")


@dataclass(frozen=True)
class Submission:
    """One file as it landed: who, when, from which file (its hash), why, and its review status."""

    id: int
    created_at: datetime
    user: str
    source: str
    sha256: str
    kind: str
    rows: int
    reason: str
    status: Status = "approved"


@dataclass(frozen=True)
class Review:
    """One step of a submission's review: who moved it to which status, when, with what comment."""

    submission_id: int
    at: datetime
    user: str
    status: Status
    comment: str


@dataclass(frozen=True)
class User:
    """An account of the web application: its role and the entities whose subtrees it may see."""

    name: str
    role: Role
    scopes: tuple[str, ...]  # entity ids; the user sees these entities and everything below them
    password_hash: str  # argon2
    display_name: str = ""
    active: bool = True


@dataclass(frozen=True)
class AuditEntry:
    """One write, as the audit log keeps it: who, when, what, and the state before and after (JSON)."""

    id: int
    at: datetime
    user: str
    action: str  # e.g. "user.add", "submission.approve", "import"
    target: str  # what was written, e.g. "user:alice", "submission:17"
    before: str  # JSON, "" when nothing existed
    after: str  # JSON


@dataclass(frozen=True)
class Explanation:
    """The written explanation of a 核实 (verify) problem, stored with the figures it concerns."""

    source: str  # the input file's path, as in the batch
    rule: str
    entity_id: str
    period: int  # YYYYMM
    items: tuple[str, ...]
    text: str
    sheet: str = ""
    row: int | None = None
    message_zh: str = ""
    message_en: str = ""


PeriodAction = Literal["open", "close", "reopen"]
PERIOD_ACTIONS: tuple[PeriodAction, ...] = ("open", "close", "reopen")


@dataclass(frozen=True)
class PeriodEvent:
    """One step of a period's lifecycle: opened for filing (with a deadline), closed, or reopened (with a reason).

    ``root`` is the entity whose subtree the step concerns, ``""`` the whole tree.
    """

    id: int
    at: datetime
    user: str
    period: int  # YYYYMM
    root: str
    action: PeriodAction
    deadline: date | None = None
    reason: str = ""


@dataclass(frozen=True)
class WriteResult:
    """What an import wrote: the new submissions and the files skipped as already imported."""

    submissions: list[Submission]
    skipped: list[tuple[str, int]]  # (file, submission id that already holds its content)


class Store(Protocol):
    """Append-only storage of entities, facts and targets, with every version kept."""

    url: str
    writes: int
    """Imports and review steps made through this object: a change this process made, seen at no cost."""
    lock: threading.RLock
    """Held by every method that uses the store's connection; hold it too around work on :meth:`backend`."""

    def atomic(self) -> AbstractContextManager[None]:
        """One transaction around the calls made inside it (reentrant): all commit together, or none.

        :meth:`write`, :meth:`set_status`, :meth:`put_user` and :meth:`audit` called inside join it,
        so a change and the audit entry recording it are stored together or not at all; outside it
        each call is its own transaction. It holds :attr:`lock` throughout.
        """
        ...

    def version(self) -> tuple[int, int, int]:
        """(last submission id, last review step id, last period event id): changes with every import, review
        step and period event, by any process."""
        ...

    def backend(self) -> BaseBackend:
        """The Ibis backend that the engine computes on."""
        ...

    def entities(self) -> pd.DataFrame:
        """The current entity rows (every validity interval), contract columns and attributes."""
        ...

    def facts(self) -> ir.Table:
        """The current value of every (entity_id, period ``YYYYMM``, item): the latest approved version."""
        ...

    def intercompany(self) -> ir.Table:
        """The current (entity_id, counterparty_id, period ``YYYYMM``, item, value) rows: the latest approved version.

        The latest approved submission per (entity_id, counterparty_id, period, item), as for :meth:`facts`.
        """
        ...

    def targets(self) -> pd.DataFrame:
        """The current targets (entity_id, year, indicator, target)."""
        ...

    def add_period_event(
        self,
        period: int,
        action: PeriodAction,
        *,
        user: str,
        root: str = "",
        deadline: date | None = None,
        reason: str = "",
    ) -> PeriodEvent:
        """Append a step of ``period``'s lifecycle (joins an open :meth:`atomic`; the caller writes the audit entry)."""
        ...

    def period_events(self, period: int | None = None) -> list[PeriodEvent]:
        """Every step of every period's lifecycle (or of ``period``), oldest first."""
        ...

    def write(
        self,
        batch: Batch,
        *,
        user: str,
        reason: str = "",
        explanations: Sequence[Explanation] = (),
        status: Status = "approved",
    ) -> WriteResult:
        """Land a checked batch and the explanations of its 核实 problems atomically: all or nothing.

        Its submissions get ``status``; facts of submissions not (yet) approved are kept but do
        not count in :meth:`facts` until :meth:`set_status` approves them. The batch's intercompany
        rows land with its facts. Facts or intercompany rows of a closed period (see
        :mod:`guozi.store.lifecycle`) refuse the whole batch: GuoziError, nothing written.
        """
        ...

    def set_status(self, submission_id: int, status: Status, *, user: str, comment: str = "") -> Review:
        """Move a submission to ``status`` and record the step (append-only); unknown id → NotFoundError."""
        ...

    def reviews(self, submission_id: int | None = None) -> list[Review]:
        """The review steps of one submission (or all), oldest first."""
        ...

    def submission(self, submission_id: int) -> Submission | None:
        """One submission, with its current status."""
        ...

    def submission_facts(self, submission_id: int) -> pa.Table:
        """The (entity_id, period, item, value) rows a submission brought, whatever its status."""
        ...

    def put_user(self, user: User) -> None:
        """Create or replace an account (the caller writes the audit entry)."""
        ...

    def get_user(self, name: str) -> User | None:
        """The account called ``name``, if any."""
        ...

    def users(self) -> list[User]:
        """Every account, by name."""
        ...

    def audit(self, *, user: str, action: str, target: str, before: str = "", after: str = "") -> AuditEntry:
        """Append one entry to the audit log."""
        ...

    def audit_log(
        self, limit: int = 1000, *, action: str | None = None, since: datetime | None = None
    ) -> list[AuditEntry]:
        """The latest ``limit`` entries of the audit log (of ``action``, at or after ``since``), newest first."""
        ...

    def find_submission(self, sha256: str, kind: str, status: Status = "approved") -> int | None:
        """The first submission holding this content and kind that a write with ``status`` would repeat, if any.

        An approved write repeats only an approved submission (a draft of the same bytes does not
        keep figures from counting); a draft write repeats any submission not returned.
        """
        ...

    def current_values(self, keys: pa.Table) -> pa.Table:
        """The current (entity_id, period, item, value) of every item of the (entity_id, period) ``keys``."""
        ...

    def last_periods(self, entities: pa.Table) -> pa.Table:
        """Each of the (entity_id) ``entities``' latest period holding facts: (entity_id, period)."""
        ...

    def history(self, entity_id: str, period: int, item: str | None = None) -> pd.DataFrame:
        """Every version of the entity's figures for the period, oldest first, with its submission.

        ``current`` marks the version the indicators use (the latest approved one), ``status`` is
        each version's submission status.
        """
        ...

    def submissions(self) -> list[Submission]:
        """Every submission, oldest first."""
        ...

    def periods(self) -> list[int]:
        """The periods (``YYYYMM``) that hold facts, ascending."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...
