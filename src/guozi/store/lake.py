"""A read-only store over a Parquet lake (written by ``guozi export``) or checked contract files.

The indicator engine computes on it with any Ibis backend (DuckDB, Spark): it offers what the
workspace reads (entities, facts, targets, periods) and refuses every write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from guozi.engine.backends import (
    entity_frame,
    find_lake,
    normalise_facts,
    read_entities,
    read_facts,
    read_parquet,
    to_arrow,
)
from guozi.kernel.errors import GuoziError
from guozi.store.batch import INTERCOMPANY_SCHEMA
from guozi.store.lakeguard import GuardedDuckDB

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence
    from datetime import date, datetime

    import ibis.expr.types as ir
    import pyarrow as pa
    from ibis.backends import BaseBackend

    from guozi.store.base import (
        AuditEntry,
        Explanation,
        PeriodAction,
        PeriodEvent,
        Review,
        Status,
        Submission,
        User,
        WriteResult,
    )
    from guozi.store.batch import Batch
    from guozi.store.lakeguard import Span


class LakeStore:
    """A read-only store over a lake or checked contract files, computed on any Ibis backend.

    It offers what the workspace reads (entities, facts, targets, periods) and refuses writes:
    a lake changes only by a new ``guozi export``.
    """

    def __init__(
        self,
        con: BaseBackend,
        facts: ir.Table | Callable[[], ir.Table],
        entities: pd.DataFrame,
        *,
        url: str,
        targets: pd.DataFrame | None = None,
        periods: Sequence[int] | Callable[[], Sequence[int]] | None = None,
    ) -> None:
        self.url = url
        self._con = con
        self._facts: ir.Table | None = None if callable(facts) else facts
        self._make_facts: Callable[[], ir.Table] = facts if callable(facts) else lambda: facts
        self._entities = entities
        self._targets = targets
        self._periods = sorted(periods) if periods is not None and not callable(periods) else None
        self._read_periods = periods if callable(periods) else None
        self._before_read: Callable[[list[Span]], object] | None = None
        self.writes = 0  # read-only: never changes
        self.lock = threading.RLock()  # as the SQL stores': held around work on the backend's connection

    @classmethod
    def open(
        cls,
        con: BaseBackend,
        path: str | Path,
        *,
        entities: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
        periods: Callable[[], Sequence[int]] | None = None,
        when_read: bool = False,
    ) -> LakeStore:
        """The files at ``path`` (see :func:`read_facts_dir`); ``entities`` replace the files' own,
        ``targets`` (checked contract targets beside facts read in place) a lake's.

        ``periods`` reads the periods holding facts, when asked, instead of a query on the facts
        (``--data`` read in place: a query on the facts has the rows it reads checked first).
        ``when_read``: the expression over the facts files is built when first used, not now (a
        panel on files read in place reads the check's typed copy instead; building it costs
        ≈ 0.1 s of Ibis); without it, a folder without facts is refused here.
        """
        facts: ir.Table | Callable[[], ir.Table] = (
            (lambda: read_facts(con, path)) if when_read else read_facts(con, path)
        )
        lake = find_lake(path)
        held: Sequence[int] | Callable[[], Sequence[int]] | None = periods
        if lake is not None:
            if lake.targets is not None:
                targets = to_arrow(read_parquet(con, lake.targets, dataset=False)).to_pandas()
            if "periods" in lake.manifest:
                held = [int(p.replace("-", "")) for p in lake.manifest["periods"]]
        scheme = "lake" if lake is not None else "files"
        return cls(
            con,
            facts,
            read_entities(con, path) if entities is None else entity_frame(entities),
            url=f"{scheme}:{path}",
            targets=targets,
            periods=held,
        )

    def backend(self) -> BaseBackend:
        """The backend the facts are read by."""
        return self._con

    def entities(self) -> pd.DataFrame:
        """The entity rows."""
        return self._entities

    def facts(self) -> ir.Table:
        """The facts (one current value per entity, period and item)."""
        if self._facts is None:
            self._facts = self._make_facts()
            if self._before_read is not None and isinstance(self._con, GuardedDuckDB):
                self._con.guard(self._facts, self._before_read)
        return self._facts

    def guard_reads(self, check: Callable[[list[Span]], object]) -> None:
        """Have ``check`` called with the spans of the facts every read takes, before it reads them.

        :meth:`facts_of` calls it with its span; a :class:`~guozi.store.lakeguard.GuardedDuckDB`
        backend with the spans of every query over the facts (those of :meth:`facts_of` are then
        already checked).
        """
        self._before_read = check
        if isinstance(self._con, GuardedDuckDB) and self._facts is not None:  # else when they are built
            self._con.guard(self._facts, check)

    def facts_of(self, items: Collection[str], periods: Collection[int]) -> ir.Table:
        """The facts of ``items`` in ``periods`` (``YYYYMM``), checked first where the store checks what is read.

        A store over contract files read in place (``--data DIR``) checks those rows now (its
        problems are raised), and reads them from the check's typed copy where it keeps one; the
        table returned is filtered to them, so a query over it reads nothing else.
        """
        typed = None if self._before_read is None else self._before_read([(frozenset(items), frozenset(periods))])
        if isinstance(typed, Path):  # the checked facts of a span covering these, typed (guozi.workspace.checked)
            f = normalise_facts(read_parquet(self._con, str(typed), dataset=False))
        else:
            f = self.facts()
        return f.filter(f.item.isin(sorted(items)), f.period.isin(sorted(periods)))

    def intercompany(self) -> ir.Table:
        """The intercompany rows (none yet: a lake holds facts, entities and targets)."""
        empty = INTERCOMPANY_SCHEMA.empty_table().select(["entity_id", "counterparty_id", "period", "item", "value"])
        return ibis.memtable(empty)

    def period_events(self, period: int | None = None) -> list[PeriodEvent]:
        """A lake keeps no period lifecycle."""
        return []

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
        """Refused: a lake is read-only."""
        raise self._read_only()

    def targets(self) -> pd.DataFrame:
        """The targets exported with the lake (none for contract files)."""
        if self._targets is None:
            return pd.DataFrame({"entity_id": [], "year": [], "indicator": [], "target": []})
        return self._targets

    def periods(self) -> list[int]:
        """The periods holding facts (from the lake's manifest when it has one)."""
        if self._periods is None and self._read_periods is not None:
            self._periods = sorted(int(p) for p in self._read_periods())
        if self._periods is None:
            column = to_arrow(self.facts().select("period").distinct().order_by("period")).column(0)
            self._periods = [int(p) for p in column.to_pylist()]
        return list(self._periods)

    def _read_only(self) -> GuoziError:
        return GuoziError(
            f"{self.url} 只读：请导入到存储后再修改", f"{self.url} is read-only: import it into a store to change it"
        )

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Holds :attr:`lock`; there is nothing to commit (every write inside is refused)."""
        with self.lock:
            yield

    def write(
        self,
        batch: Batch,
        *,
        user: str,
        reason: str = "",
        explanations: Sequence[Explanation] = (),
        status: Status = "approved",
    ) -> WriteResult:
        """Refused: a lake is read-only."""
        raise self._read_only()

    def set_status(self, submission_id: int, status: Status, *, user: str, comment: str = "") -> Review:
        """Refused: a lake keeps no submissions."""
        raise self._read_only()

    def reviews(self, submission_id: int | None = None) -> list[Review]:
        """A lake keeps no reviews."""
        return []

    def submission(self, submission_id: int) -> Submission | None:
        """A lake keeps no submissions."""
        return None

    def submission_facts(self, submission_id: int) -> pa.Table:
        """Refused: a lake keeps no submissions."""
        raise self._read_only()

    def put_user(self, user: User) -> None:
        """Refused: a lake keeps no accounts."""
        raise self._read_only()

    def get_user(self, name: str) -> User | None:
        """A lake keeps no accounts."""
        return None

    def users(self) -> list[User]:
        """A lake keeps no accounts."""
        return []

    def audit(self, *, user: str, action: str, target: str, before: str = "", after: str = "") -> AuditEntry:
        """Refused: a lake is read-only."""
        raise self._read_only()

    def audit_log(
        self, limit: int = 1000, *, action: str | None = None, since: datetime | None = None
    ) -> list[AuditEntry]:
        """A lake keeps no audit log."""
        return []

    def find_submission(self, sha256: str, kind: str, status: Status = "approved") -> int | None:
        """A lake keeps no submissions."""
        return None

    def current_values(self, keys: pa.Table) -> pa.Table:
        """Refused: a lake keeps no versions to look up."""
        raise self._read_only()

    def last_periods(self, entities: pa.Table) -> pa.Table:
        """Refused: a lake keeps no versions to look up."""
        raise self._read_only()

    def history(self, entity_id: str, period: int, item: str | None = None) -> pd.DataFrame:
        """Refused: a lake keeps only the current versions."""
        raise self._read_only()

    def submissions(self) -> list[Submission]:
        """A lake keeps no submissions."""
        return []

    def version(self) -> tuple[int, int, int]:
        """A lake is read-only: its version never changes."""
        return (0, 0, 0)

    def close(self) -> None:
        """Nothing to release: the backend is the caller's."""
