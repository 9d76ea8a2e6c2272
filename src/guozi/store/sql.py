"""What the two SQL stores do with the same statements: submissions, reviews, accounts, audit, history.

:class:`SQLStatements` holds the statements that DuckDB and PostgreSQL run alike, written with
``?`` placeholders (the PostgreSQL store turns them into ``%s``). Each store supplies its own
plumbing — :meth:`~SQLStatements._rows`, :meth:`~SQLStatements._frame`,
:meth:`~SQLStatements._execute`, :meth:`~SQLStatements._transaction` and
:meth:`~SQLStatements._set_meta` — and keeps what differs: reading facts and entities, and the
bulk writes (DuckDB registers Arrow tables, PostgreSQL copies rows).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from guozi.kernel.errors import GuoziError, NotFoundError, Problem, Severity
from guozi.kernel.periods import Period
from guozi.store.base import PERIOD_ACTIONS, AuditEntry, PeriodAction, PeriodEvent, Review, Status, Submission, User
from guozi.store.batch import ENTITY_COLUMNS, STORE_COLUMNS, Batch
from guozi.store.headings import attribute_fault
from guozi.store.lifecycle import refuse_closed, tree_chains

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

__all__ = ["SQLStatements", "attribute_columns", "quote_identifier", "utc_now", "with_submission_ids"]
FACT_KEYS = ("entity_id", "period", "item")
IC_KEYS = ("entity_id", "counterparty_id", "period", "item")


def utc_now() -> datetime:
    """The current time in UTC, naive (both stores keep naive UTC timestamps)."""
    return datetime.now(UTC).replace(tzinfo=None)


def quote_identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier (DuckDB's and the standard's rule: ``"`` doubled).

    Only for names already checked by :func:`attribute_columns` or fixed by guozi itself.
    """
    if "\x00" in name:
        raise ValueError("a NUL character cannot be part of an identifier")
    return '"' + name.replace('"', '""') + '"'


def attribute_columns(names: Sequence[str], existing: Sequence[str], *, file: str = "") -> list[str]:
    """The entity attribute columns among ``names`` that ``existing`` (entity_rows' columns) lacks.

    A column heading of an entities file (or of a backup's entity rows) becomes a column name
    only if :func:`~guozi.store.headings.attribute_fault` finds no fault in it (the contract reader
    checks the same); anything else is refused (:class:`~guozi.kernel.errors.GuoziError`) before
    any SQL runs.
    """
    where_zh = f"{file}：" if file else ""
    where_en = f"{file}: " if file else ""
    known = {c.casefold(): c for c in existing}
    stored = set(existing)
    seen: dict[str, str] = {}
    new: list[str] = []
    for name in names:
        contract_or_kept = name in ENTITY_COLUMNS or (name in stored and name not in STORE_COLUMNS)
        problem = None if contract_or_kept else attribute_fault(name, seen, known)
        if problem is not None:
            raise GuoziError(
                f"{where_zh}实体属性列 {name!r} 无法保存：{problem[0]}；请改用普通列名",
                f"{where_en}the entity attribute column {name!r} cannot be stored: {problem[1]}; use a plain heading",
            )
        seen[name.casefold()] = name
        if name not in stored and name not in new:
            new.append(name)
    return new


def with_submission_ids(table: pa.Table, ids: dict[str, int], columns: Sequence[str]) -> pa.Table:
    """``table``'s rows of the sources in ``ids`` (input file → submission id): ``submission_id`` and ``columns``."""
    sources = pa.array(list(ids), pa.string())
    at = pc.index_in(table.column("source"), value_set=sources)
    kept = table.filter(pc.is_valid(at))
    sid = pc.take(pa.array(list(ids.values()), pa.int64()), pc.drop_null(at))
    return pa.table({"submission_id": sid, **{c: kept.column(c) for c in columns}})


class SQLStatements:
    """The statements both SQL stores share (a base class of :class:`DuckDBStore` and :class:`PostgresStore`)."""

    writes: int
    lock: threading.RLock  # held by every method using the connection, and by atomic() throughout
    _param = "?"  # the driver's placeholder

    # --- plumbing each store supplies
    def _rows(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _frame(self, query: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        raise NotImplementedError

    def _execute(self, query: str, params: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _set_meta(self, key: str, value: str) -> None:
        raise NotImplementedError

    def backend(self) -> BaseBackend:
        raise NotImplementedError

    def entities(self) -> pd.DataFrame:
        raise NotImplementedError

    def _write_lock(self) -> None:
        """Inside a transaction: keep other processes' writes out until it ends (PostgreSQL; DuckDB has one writer)."""

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction around the writes made inside it (reentrant), holding :attr:`lock` throughout."""
        with self.lock, self._transaction():
            yield

    def _q(self, query: str) -> str:
        """``query`` with the driver's placeholders (the shared statements hold no other ``?`` or ``%``)."""
        return query if self._param == "?" else query.replace("?", self._param)

    # --- meta
    def _meta(self, key: str) -> str | None:
        rows = self._rows(self._q("select value from meta where key = ?"), [key])
        return str(rows[0][0]) if rows else None

    def _reviewed(self) -> bool:
        """Whether any submission was ever not approved (else every row counts: plain scans)."""
        return self._meta("reviewed") == "true"

    def _approved(self, alias: str = "") -> str:
        """The SQL condition keeping the rows of approved submissions (``true`` while all are)."""
        if not self._reviewed():
            return "true"
        return f"{alias}submission_id in (select submission_id from submission_status where status = 'approved')"

    # --- current rows: the latest approved version of each key (Ibis expressions)
    def facts(self) -> ir.Table:
        """The latest approved version of each fact (a plain scan when nothing was restated or reviewed)."""
        with self.lock:
            return self._current("facts", FACT_KEYS, restated=self._meta("restated") == "true")

    def intercompany(self) -> ir.Table:
        """The latest approved version of each (entity_id, counterparty_id, period, item), with its value."""
        with self.lock:
            return self._current("intercompany", IC_KEYS, restated=True)

    def _current(self, name: str, keys: Sequence[str], *, restated: bool) -> ir.Table:
        t = self.backend().table(name)
        if self._reviewed():
            st = self.backend().table("submission_status")
            approved = st.filter(st.status == "approved")
            t = t.semi_join(approved, t.submission_id == approved.submission_id)
        if not restated:
            return t.select(*keys, "value")
        w = ibis.window(group_by=[t[k] for k in keys], order_by=ibis.desc(t.submission_id))
        ranked = t.mutate(rank=ibis.row_number().over(w))
        return ranked.filter(ranked.rank == 0).select(*keys, "value")

    # --- reading
    def periods(self) -> list[int]:
        """The periods holding approved facts."""
        return [int(r[0]) for r in self._rows(f"select distinct period from facts where {self._approved()} order by 1")]

    def submissions(self) -> list[Submission]:
        """Every submission with its current status, oldest first."""
        return self._submissions("true", [])

    def submission(self, submission_id: int) -> Submission | None:
        """One submission with its current status."""
        found = self._submissions("s.id = ?", [submission_id])
        return found[0] if found else None

    def _submissions(self, where: str, params: list[object]) -> list[Submission]:
        rows = self._rows(
            self._q(
                f"""select s.id, s.created_at, s.user_name, s.source, s.sha256, s.kind, s.row_count, s.reason, st.status
                    from submissions s join submission_status st on st.submission_id = s.id
                    where {where} order by s.id"""
            ),
            params,
        )
        return [Submission(*r) for r in rows]

    def find_submission(self, sha256: str, kind: str, status: Status = "approved") -> int | None:
        """The first submission of this content and kind that a write with ``status`` would repeat, if any.

        An approved write (an import) repeats only an approved submission: a draft, submitted or
        returned one of the same bytes does not keep the import's figures from counting. Any other
        write (a web upload, a draft) repeats every submission not returned: the filer may send a
        returned file again.
        """
        blocking = ("approved",) if status == "approved" else ("draft", "submitted", "checked", "approved")
        rows = self._rows(
            self._q(
                f"""select min(s.id) from submissions s join submission_status st on st.submission_id = s.id
                   where s.sha256 = ? and s.kind = ? and st.status in ({", ".join("?" for _ in blocking)})"""
            ),
            [sha256, kind, *blocking],
        )
        return None if not rows or rows[0][0] is None else int(rows[0][0])

    def version(self) -> tuple[int, int, int]:
        """(last submission id, last review step id, last period event id)."""
        rows = self._rows(
            """select (select coalesce(max(id), 0) from submissions), (select coalesce(max(id), 0) from reviews),
                      (select coalesce(max(id), 0) from period_events)"""
        )
        return (int(rows[0][0]), int(rows[0][1]), int(rows[0][2]))

    def history(self, entity_id: str, period: int, item: str | None = None) -> pd.DataFrame:
        """Every version of the entity's figures for ``period`` (and ``item``), oldest first.

        ``current`` marks the version the indicators use: the latest approved one (none while no
        version is approved); ``status`` is each version's submission status.
        """
        return self._frame(
            self._q(
                """
                with v as (
                    select f.submission_id, f.entity_id, f.period, f.item, f.value,
                           row_number() over (partition by f.item order by f.submission_id) as version,
                           max(case when st.status = 'approved' then f.submission_id end)
                               over (partition by f.item) as used
                    from facts f join submission_status st on st.submission_id = f.submission_id
                    where f.entity_id = ? and f.period = ? and (cast(? as varchar) is null or f.item = ?)
                ), e as (
                    select submission_id, item,
                           string_agg(rule || '：' || explanation, '；' order by rule) as explanation,
                           string_agg(rule || ': ' || explanation, '; ' order by rule) as explanation_en
                    from explanations where entity_id = ? and period = ? group by submission_id, item
                )
                select v.entity_id, v.period, v.item, v.version,
                       coalesce(v.submission_id = v.used, false) as current, v.value,
                       s.id as submission_id, s.created_at, s.user_name as user, s.source, s.sha256, s.kind, s.reason,
                       st.status, coalesce(e.explanation, '') as explanation,
                       coalesce(e.explanation_en, '') as explanation_en
                from v join submissions s on s.id = v.submission_id
                join submission_status st on st.submission_id = v.submission_id
                left join e on e.submission_id = v.submission_id and e.item = v.item
                order by v.item, v.version
                """
            ),
            [entity_id, period, item, item, entity_id, period],
        )

    def explanations(self, entity_id: str | None = None) -> pd.DataFrame:
        """The stored explanations (of one entity, or all), oldest first."""
        return self._frame(
            self._q(
                """select * from explanations where cast(? as varchar) is null or entity_id = ?
                   order by submission_id, entity_id, period, item, rule"""
            ),
            [entity_id, entity_id],
        )

    # --- notices kept with a submission
    def keep_notices(self, submission_id: int, notices: Sequence[Problem]) -> None:
        """Keep the 提示 ``notices`` (each naming entity, period ``YYYY-MM`` and item) with the submission,
        what was typed as their ``found`` (joins an open :meth:`atomic`)."""
        with self._transaction():
            for p in notices:
                key = [submission_id, p.entity, Period.parse(p.period).code, p.item, p.rule]
                self._execute(
                    self._q("insert into notices values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    [*key, p.sheet, p.row, p.found, p.message_zh, p.message_en],
                )
        self.writes += 1

    def notices(self, submission_id: int) -> list[Problem]:
        """The 提示 kept with the submission, by entity, period, item and rule."""
        rows = self._rows(
            self._q(
                """select entity_id, period, item, rule, sheet, row_number, found, message_zh, message_en
                   from notices where submission_id = ? order by entity_id, period, item, rule"""
            ),
            [submission_id],
        )
        return [
            Problem(
                rule, zh, en, sheet=sheet, row=row, found=found, severity=Severity.NOTICE, entity=entity,
                period=str(Period.from_code(int(period))), item=item,
            )
            for entity, period, item, rule, sheet, row, found, zh, en in rows
        ]  # fmt: skip

    # --- reviews
    def set_status(self, submission_id: int, status: Status, *, user: str, comment: str = "") -> Review:
        """Append a review step moving the submission to ``status`` (joins an open :meth:`atomic`)."""
        now = utc_now()
        with self._transaction():
            if self.submission(submission_id) is None:
                raise NotFoundError(f"没有编号为 {submission_id} 的报送", f"no submission with id {submission_id}")
            self._execute(
                self._q("insert into reviews values (nextval('review_ids'), ?, ?, ?, ?, ?)"),
                [submission_id, now, user, status, comment],
            )
            self._set_meta("reviewed", "true")
        self.writes += 1
        return Review(submission_id, now, user, status, comment)

    def reviews(self, submission_id: int | None = None) -> list[Review]:
        """The review steps of one submission (or all), oldest first."""
        rows = self._rows(
            self._q(
                """select submission_id, created_at, user_name, status, comment from reviews
                   where cast(? as bigint) is null or submission_id = ? order by id"""
            ),
            [submission_id, submission_id],
        )
        return [Review(*r) for r in rows]

    # --- accounts and audit
    def put_user(self, user: User) -> None:
        """Append a new version of the account (joins an open :meth:`atomic`)."""
        with self._transaction():
            self._execute(
                self._q("insert into user_versions values (nextval('user_version_ids'), ?, ?, ?, ?, ?, ?, ?)"),
                [
                    user.name,
                    user.role,
                    list(user.scopes),
                    user.password_hash,
                    user.display_name,
                    user.active,
                    utc_now(),
                ],
            )

    def get_user(self, name: str) -> User | None:
        """The latest version of the account called ``name``."""
        found = self._users("name = ?", [name])
        return found[0] if found else None

    def users(self) -> list[User]:
        """Every account (its latest version), by name."""
        return self._users("true", [])

    def _users(self, where: str, params: list[object]) -> list[User]:
        rows = self._rows(
            self._q(
                f"""select name, role, scopes, password_hash, display_name, active from user_versions
                    where id in (select max(id) from user_versions group by name) and {where} order by name"""
            ),
            params,
        )
        return [User(r[0], r[1], tuple(r[2]), r[3], r[4], bool(r[5])) for r in rows]

    def audit(self, *, user: str, action: str, target: str, before: str = "", after: str = "") -> AuditEntry:
        """Append one entry to the audit log (joins an open :meth:`atomic`, with the change it records)."""
        now = utc_now()
        with self._transaction():
            rows = self._rows(
                self._q("insert into audit values (nextval('audit_ids'), ?, ?, ?, ?, ?, ?) returning id"),
                [now, user, action, target, before, after],
            )
        return AuditEntry(int(rows[0][0]), now, user, action, target, before, after)

    def audit_log(
        self, limit: int = 1000, *, action: str | None = None, since: datetime | None = None
    ) -> list[AuditEntry]:
        """The latest ``limit`` entries (of ``action``, at or after ``since``), newest first."""
        rows = self._rows(
            self._q(
                """select id, created_at, user_name, action, target, before_json, after_json from audit
                   where (cast(? as varchar) is null or action = ?) and (cast(? as timestamp) is null or created_at >= ?)
                   order by id desc limit ?"""
            ),
            [action, action, since, since, limit],
        )
        return [AuditEntry(*r) for r in rows]

    # --- the period lifecycle (schema 5; the rule writes follow: guozi.store.lifecycle)
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
        """Append a step of ``period``'s lifecycle (joins an open :meth:`atomic`, with its audit entry)."""
        if action not in PERIOD_ACTIONS:
            raise GuoziError(
                f"期间操作应为 {'、'.join(PERIOD_ACTIONS)} 之一，实为 {action!r}",
                f"a period action is one of {', '.join(PERIOD_ACTIONS)}, not {action!r}",
            )
        try:
            Period.from_code(period)  # a malformed period is refused before anything is written
        except ValueError:
            raise GuoziError(f"期间应为 YYYYMM，实为 {period}", f"a period is YYYYMM, not {period}") from None
        now = utc_now()
        with self._transaction():
            self._write_lock()
            rows = self._rows(
                self._q(
                    "insert into period_events values (nextval('period_event_ids'), ?, ?, ?, ?, ?, ?, ?) returning id"
                ),
                [now, user, period, root, action, deadline, reason],
            )
        self.writes += 1
        return PeriodEvent(int(rows[0][0]), now, user, period, root, action, deadline, reason)

    def period_events(self, period: int | None = None) -> list[PeriodEvent]:
        """Every step of every period's lifecycle (or of ``period``), oldest first."""
        rows = self._rows(
            self._q(
                """select id, created_at, user_name, period, root, action, deadline, reason from period_events
                   where cast(? as integer) is null or period = ? order by id"""
            ),
            [period, period],
        )
        return [PeriodEvent(*r) for r in rows]

    def _refuse_closed(self, batch: Batch, ids: dict[str, int]) -> None:
        """Inside a write: refuse (GuoziError) figures of the new submissions ``ids`` lying in a closed period."""
        events = self.period_events() if ids else []
        if not any(e.action == "close" for e in events):
            return  # nothing closed: no look at the rows
        tables = [
            None if t is None or not t.num_rows else with_submission_ids(t, ids, ["entity_id", "period"])
            for t in (batch.fact_keys(), batch.intercompany)
        ]
        refuse_closed(events, tables, lambda pairs: tree_chains(self._entities_after(batch, ids), pairs))

    def _entities_after(self, batch: Batch, ids: dict[str, int]) -> pd.DataFrame:
        """The entity rows as they stand once ``batch``'s new submissions ``ids`` are written: an entity the
        batch lists has its rows from the batch (a subtree closed before covers an entity added now)."""
        stored = self.entities()
        new = batch.entities
        if new is None or new.empty:
            return stored
        rows = new[new["__source__"].isin(ids)].drop(columns=["__row__", "__file__", "__source__"], errors="ignore")
        if rows.empty:
            return stored
        rows = rows.map(lambda v: None if v is None or v == "" else str(v))
        kept = stored[~stored["entity_id"].isin(set(rows["entity_id"]))]
        merged: pd.DataFrame = pd.concat([kept, rows], ignore_index=True)
        return merged
