"""A month's filings as the command line and the pages show them: statuses, progress, output columns.

:mod:`guozi.workspace.periods` decides who is expected and each one's status; this module holds
what it returns (:class:`Filing`, :class:`PeriodStatus`, :class:`FilingProgress`) and the columns
``guozi period status`` and the 上报情况 page write them with.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.presentation.output import Column
from guozi.store.base import PeriodEvent

__all__ = [
    "CHASED",
    "COUNT_COLUMNS",
    "FILING_COLUMNS",
    "FILING_STATUSES",
    "FILING_ZH",
    "STATE_ZH",
    "Filing",
    "FilingProgress",
    "FilingStatus",
    "PeriodStatus",
    "State",
    "count_rows",
]

FilingStatus = Literal["missing", "draft", "submitted", "returned", "approved"]
State = Literal["unopened", "open", "closed"]
FILING_STATUSES: tuple[FilingStatus, ...] = ("missing", "draft", "submitted", "returned", "approved")
FILING_ZH = {"missing": "未报", "draft": "草稿", "submitted": "待审核", "returned": "已退回", "approved": "已通过"}
CHASED: tuple[FilingStatus, ...] = ("missing", "draft", "returned")  # the filer's part is not done
STATE_ZH = {"unopened": "未开启", "open": "填报中", "closed": "已关账"}


@dataclass(frozen=True)
class Filing:
    """One expected entity's filing of a month: its status, who filed and when, who reviewed and when
    (under two levels of review: who checked it first, and when)."""

    entity_id: str
    name: str
    parent_id: str
    level: int
    status: FilingStatus
    deadline: date | None = None
    overdue: bool = False
    submission_id: int | None = None
    user: str = ""
    filed_at: datetime | None = None
    reviewed_by: str = ""
    reviewed_at: datetime | None = None
    checked_by: str = ""  # under two levels of review: who passed it at the first level (初审), and when
    checked_at: datetime | None = None

    def record(self, lang: str = "zh") -> dict[str, Any]:
        """The filing as an output row (``status_label`` in ``lang``; 「待审核（初审通过）」 once checked)."""
        row = {k: getattr(self, k) for k in self.__dataclass_fields__}
        row["status_label"] = pick(lang, FILING_ZH[self.status], self.status)
        if self.status == "submitted" and self.checked_by:
            row["status_label"] += pick(lang, "（初审通过）", " (checked)")
        return row


@dataclass(frozen=True)
class Month:
    """A month as seen from a root: its state and its deadline."""

    period: Period
    root: str  # "" for the whole tree; several roots joined by ","
    state: State
    deadline: date | None


@dataclass(frozen=True)
class FilingProgress(Month):
    """How far a month's filing is under a root: approved of expected."""

    approved: int
    expected: int

    @property
    def complete(self) -> bool:
        """Every expected entity has approved figures (and some entity is expected)."""
        return self.expected > 0 and self.approved == self.expected

    @property
    def filing(self) -> bool:
        """The month is still being filed: not closed, not complete."""
        return self.state != "closed" and not self.complete and self.expected > 0

    def banner(self, lang: str = "zh") -> str:
        """「2026-01 填报中 213/299」 while the month is still being filed; empty otherwise."""
        if not self.filing:
            return ""
        due = ""
        if self.deadline is not None:
            due = pick(lang, f"，截止 {self.deadline}", f", due {self.deadline}")
        return pick(
            lang,
            f"{self.period} 填报中 {self.approved}/{self.expected}{due}",
            f"{self.period} being filed: {self.approved}/{self.expected} approved{due}",
        )


@dataclass(frozen=True)
class PeriodStatus(Month):
    """A month's filing status under a root: every expected entity's filing."""

    filings: tuple[Filing, ...]
    events: tuple[PeriodEvent, ...] = field(default=())

    @property
    def expected(self) -> int:
        return len(self.filings)

    @property
    def approved(self) -> int:
        return sum(f.status == "approved" for f in self.filings)

    @property
    def progress(self) -> FilingProgress:
        return FilingProgress(self.period, self.root, self.state, self.deadline, self.approved, self.expected)

    def counts(self) -> dict[str, int]:
        """The number of entities in each status, every status named."""
        found = Counter(f.status for f in self.filings)
        return {s: found.get(s, 0) for s in FILING_STATUSES}

    def levels(self) -> list[dict[str, Any]]:
        """Per level of the tree (1 = a top): the expected entities and how many are in each status."""
        out: list[dict[str, Any]] = []
        for level in sorted({f.level for f in self.filings}):
            at = [f for f in self.filings if f.level == level]
            found = Counter(f.status for f in at)
            row: dict[str, Any] = {"level": level, "expected": len(at)}
            out.append(row | {s: found.get(s, 0) for s in FILING_STATUSES})
        return out

    def chase(self) -> list[Filing]:
        """The chase list (催报名单): the entities whose filer has not handed in, the overdue first."""
        return sorted((f for f in self.filings if f.status in CHASED), key=lambda f: (not f.overdue, f.entity_id))


def _yes(value: Any, _row: dict[str, Any]) -> str:
    return "✓" if value else ""


def _time(value: Any, _row: dict[str, Any]) -> str:
    return "" if value is None else str(value)[:16]


FILING_COLUMNS = [
    Column("entity_id", "企业代码", "entity"),
    Column("name", "企业", "name"),
    Column("level", "层级", "level", justify="right"),
    Column("parent_id", "上级企业", "parent"),
    Column("status", "状态代码", "status"),
    Column("status_label", "状态", "status label"),
    Column("deadline", "截止日期", "deadline"),
    Column("overdue", "逾期", "overdue", _yes),
    Column("submission_id", "报送编号", "submission", justify="right"),
    Column("user", "填报人", "filed by"),
    Column("filed_at", "报送时间", "filed at", _time),
    Column("reviewed_by", "审核人", "reviewed by"),
    Column("reviewed_at", "审核时间", "reviewed at", _time),
    Column("checked_by", "初审人", "checked by"),
    Column("checked_at", "初审时间", "checked at", _time),
]
COUNT_COLUMNS = [
    Column("level", "层级", "level"),
    Column("expected", "应报", "expected", justify="right"),
    *(Column(s, FILING_ZH[s], s, justify="right") for s in FILING_STATUSES),
]


def count_rows(status: PeriodStatus, lang: str) -> list[dict[str, Any]]:
    """The counts per level, and a last row for all levels together."""
    total: dict[str, Any] = {"level": pick(lang, "合计", "all"), "expected": status.expected}
    return [*status.levels(), total | status.counts()]
