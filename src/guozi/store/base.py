"""The store interface: what every store (embedded DuckDB, PostgreSQL) offers the workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd
    from ibis.backends import BaseBackend

    from guozi.ingest.contract import Batch


@dataclass(frozen=True)
class Submission:
    """One file as it landed: who, when, from which file (its hash), why."""

    id: int
    created_at: datetime
    user: str
    source: str
    sha256: str
    kind: str
    rows: int
    reason: str


@dataclass(frozen=True)
class WriteResult:
    """What an import wrote: the new submissions and the files skipped as already imported."""

    submissions: list[Submission]
    skipped: list[tuple[str, int]]  # (file, submission id that already holds its content)


class Store(Protocol):
    """Append-only storage of entities, facts and targets, with every version kept."""

    url: str

    def backend(self) -> BaseBackend:
        """The Ibis backend that the engine computes on."""
        ...

    def entities(self) -> pd.DataFrame:
        """The current entity rows (every validity interval), contract columns and attributes."""
        ...

    def facts(self) -> ir.Table:
        """The current value of every (entity_id, period ``YYYYMM``, item): the latest version."""
        ...

    def targets(self) -> pd.DataFrame:
        """The current targets (entity_id, year, indicator, target)."""
        ...

    def write(self, batch: Batch, *, user: str, reason: str = "") -> WriteResult:
        """Land a checked batch atomically: all of it or nothing."""
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
