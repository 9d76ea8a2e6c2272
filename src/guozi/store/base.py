"""The store interface: what every store (embedded DuckDB, PostgreSQL) offers the workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

    import ibis.expr.types as ir
    import pandas as pd
    import pyarrow as pa
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

    def write(
        self, batch: Batch, *, user: str, reason: str = "", explanations: Sequence[Explanation] = ()
    ) -> WriteResult:
        """Land a checked batch and the explanations of its 核实 problems atomically: all or nothing."""
        ...

    def find_submission(self, sha256: str, kind: str) -> int | None:
        """The first submission of a file with this content and kind, if any (idempotent imports)."""
        ...

    def current_values(self, keys: pa.Table) -> pa.Table:
        """The current (entity_id, period, item, value) of every item of the (entity_id, period) ``keys``."""
        ...

    def last_periods(self, entities: pa.Table) -> pa.Table:
        """Each of the (entity_id) ``entities``' latest period holding facts: (entity_id, period)."""
        ...

    def history(self, entity_id: str, period: int, item: str | None = None) -> pd.DataFrame:
        """Every version of the entity's figures for the period, oldest first, with its submission."""
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
