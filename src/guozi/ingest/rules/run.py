"""One evaluation of the rules: the input's facts and the store's values around them loaded into an
in-process DuckDB (:class:`Run`), and the SQL helpers the kinds' queries are written with.

The tables a run holds: ``new_t`` (the input's facts, values in :data:`WIDE`, each row's identity
``rid``; read where the facts are staged, or copied once from a table in memory), ``old_t`` (the
store's values for the same entities the month before, the month itself and the month after),
``last_t`` (each entity's latest stored period) and ``after_t`` (a view: the figures as they will
be after the import, ``rid`` the input row a new one was read from, null for a stored one). The
kinds' queries find the failing figures as set operations over these and only then look up where
they were read (:meth:`Run.located`): no Python per row, only per problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from guozi.catalog import Catalog
from guozi.ingest import staging
from guozi.ingest.rules.model import WIDE, Rule, RuleSet
from guozi.kernel.errors import Problem
from guozi.kernel.periods import Period
from guozi.kernel.text import Text


@dataclass(frozen=True)
class Finding:
    """A rule's problem and the figures it concerns (entity, period ``YYYYMM``, items)."""

    problem: Problem
    entity_id: str
    period: int
    items: tuple[str, ...]
    source: str = ""  # the input file's path (two inputs may share a file name)


@runtime_checkable
class Staged(Protocol):
    """Facts staged in a DuckDB file (table ``facts``: entity_id, period, item, value, source_id,
    sheet, row), as :class:`~guozi.store.batch.StagedFacts` keeps them for the store."""

    path: Path
    sources: Sequence[str]  # the input files' paths, ``source_id`` indexing them
    num_rows: int


Lookup = Callable[[pa.Table], pa.Table]  # (entity_id, period) keys → (entity_id, period, item, value)


@dataclass(frozen=True)
class Context:
    """What the rules compare the input with."""

    lookup: Lookup  # the store's current values of those (entity, period) keys
    last_periods: Lookup  # (entity_id) → (entity_id, period): each entity's latest period stored
    entities: pd.DataFrame | None  # the entity rows as they will be after the import
    today: date
    reason: str = ""
    value_columns: Mapping[str, str] = field(default_factory=dict)  # source → the value column's name


def sql_text(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_list(codes: Sequence[str]) -> str:
    """``codes`` as an SQL list literal."""
    return "[" + ", ".join(sql_text(c) for c in codes) + "]"


def sql_in(codes: Sequence[str]) -> str:
    """``codes`` as the right-hand side of an SQL ``in``."""
    return "(" + ", ".join(sql_text(c) for c in codes) + ")" if codes else "(NULL)"


def sql_decimal(value: Decimal) -> str:
    """``value`` as an exact SQL decimal of :data:`WIDE`."""
    return f"cast({sql_text(str(value))} as {WIDE})"


def prev_month(col: str) -> str:
    """The period (``YYYYMM``) before the one in ``col``."""
    return f"(case when {col} % 100 = 1 then {col} - 89 else {col} - 1 end)"


def next_month(col: str) -> str:
    """The period (``YYYYMM``) after the one in ``col``."""
    return f"(case when {col} % 100 = 12 then {col} + 89 else {col} + 1 end)"


def _arrow(result: Any) -> pa.Table:
    return result.read_all() if hasattr(result, "read_all") else result


class Run:
    """One evaluation: the input and its context loaded into an in-process DuckDB."""

    def __init__(self, rules: RuleSet, catalog: Catalog, facts: pa.Table | Staged, ctx: Context) -> None:
        self.rules = rules
        self.catalog = catalog
        self.ctx = ctx
        self.con = staging.connect()
        self.findings: list[Finding] = []
        self.made: set[str] = set()  # the temp tables some kinds build once and share
        self.sources: list[str] = []  # the input files' paths, sorted: ``src`` is the index of one
        self.month_rules: list[Rule] = []  # the rules of ``month_t`` (see :mod:`.month`), by index
        self.present: set[str] = set()  # the items of the input's figures
        self.stored: set[str] = set()  # the items of the store's figures beside them
        try:
            self._load_input(facts)
            self.present = {str(i) for (i,) in self.con.execute("select distinct item from new_t").fetchall()}
            self._load_store()
            self._overlay()
        except BaseException:
            self.con.close()
            raise

    def _load_input(self, facts: pa.Table | Staged) -> None:
        """``new_t``, the input's facts (the file each was read from by its index ``src`` into
        :attr:`sources`, ``rid`` a row's identity), and ``items_t``, each item's kind and unit.

        Facts staged in a file (:class:`Staged`) are read where they are,
        not copied; a table in memory is copied once, its values widened.
        """
        con = self.con
        if isinstance(facts, Staged):
            self.sources = list(facts.sources)
            con.execute(f"attach {sql_text(str(facts.path))} as staged_in (read_only)")
            # values widened as read (see WIDE): every sum, product and difference below is then safe
            con.execute(
                f"""create temp view new_t as
                    select entity_id, period, item, cast(value as {WIDE}) as value, source_id as src, sheet, row,
                           rowid as rid
                    from staged_in.facts"""
            )
        else:
            source = facts.column("source")
            self.sources = [str(s) for s in pc.unique(source).to_pylist()]
            src = pc.index_in(source, value_set=pa.array(self.sources, pa.string()))
            columns = {c: facts.column(c) for c in ("entity_id", "period", "item", "value")}
            con.register(
                "facts_in",
                pa.table({**columns, "src": src, "sheet": facts.column("sheet"), "row": facts.column("row")}),
            )
            con.execute(
                f"""create temp table input_t as
                    select entity_id, period, item, cast(value as {WIDE}) as value, src, sheet, row from facts_in"""
            )
            con.unregister("facts_in")
            con.execute("create temp view new_t as select *, rowid as rid from input_t")
        items = pa.table(
            {
                "item": pa.array(list(self.catalog.items), pa.string()),
                "flow": pa.array([i.kind == "flow" for i in self.catalog.items.values()], pa.bool_()),
                "persons": pa.array([i.unit == "人" for i in self.catalog.items.values()], pa.bool_()),
            }
        )
        con.register("items_t", items)

    def _load_store(self) -> None:
        """``old_t``, the store's values around the input's months, and ``last_t``, each entity's latest period."""
        con, ctx = self.con, self.ctx
        con.execute("create temp table keys_t as select distinct entity_id, period from new_t")
        keys = con.execute(
            f"""
            select distinct entity_id, period from (
                select entity_id, period from keys_t
                union all select entity_id, {prev_month("period")} from keys_t
                union all select entity_id, {next_month("period")} from keys_t)
            """
        ).arrow()
        con.register("old_in", ctx.lookup(_arrow(keys)))
        con.execute(
            f"""create temp table old_t as
                select entity_id, cast(period as integer) as period, item, cast(value as {WIDE}) as value from old_in"""
        )
        con.unregister("old_in")
        self.stored = {str(i) for (i,) in con.execute("select distinct item from old_t").fetchall()}
        ents = con.execute("select distinct entity_id from keys_t").arrow()
        con.register("last_in", ctx.last_periods(_arrow(ents)))
        con.execute("create temp table last_t as select entity_id, cast(period as integer) as period from last_in")
        con.unregister("last_in")
        con.execute("drop table keys_t")

    def _overlay(self) -> None:
        """``after_t``, the figures as after the import: ``rid``, the ``new_t`` row a new figure was read from.

        A new figure keeps where it was read (its first input row when the input holds it twice);
        a stored one has none (``rid`` null). When no key repeats (the input the contract accepts)
        the input's rows are taken as they are, not sorted nor copied: ``after_t`` is a view.
        """
        con = self.con
        # fewer distinct hashes than rows: a key repeats (or, rarely, two hashes collide: sorted anyway)
        repeated = con.execute("select count(distinct hash(entity_id, period, item)) < count(*) from new_t").fetchone()
        if repeated is not None and repeated[0]:
            con.execute(
                f"""create temp table first_t as
                   select distinct on (entity_id, period, item) entity_id, period, item, value, rid
                   from new_t order by entity_id, period, item, list_extract({sql_list(self.sources)}, src + 1), row"""
            )
            first = "select entity_id, period, item, value, rid from first_t"
        else:
            first = "select entity_id, period, item, value, rid from new_t"
        # the stored figures the input does not replace: the (small) stored side is the one hashed
        con.execute(
            """create temp table kept_t as
               select entity_id, period, item, value from old_t
               anti join (select entity_id, period, item from new_t semi join old_t using (entity_id, period, item))
               using (entity_id, period, item)"""
        )
        con.execute(
            f"""create temp view after_t as
                {first}
                union all select entity_id, period, item, value, null::bigint as rid from kept_t"""
        )

    def close(self) -> None:
        """Close the in-process database."""
        self.con.close()

    def fetch(self, sql: str) -> list[dict[str, Any]]:
        """The rows of ``sql`` as dictionaries."""
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def add(
        self,
        rule: Rule,
        r: Mapping[str, Any],
        fields: Callable[[str], dict[str, Any]],
        items: Sequence[str],
        *,
        expected: str | Text,
        found: str | Text,
    ) -> None:
        """Record a finding of ``rule`` on row ``r``, its message fields worded by ``fields(lang)``."""
        source = str(r["source"])
        column = self.ctx.value_columns.get(source, "value")
        period = int(r["period"])
        common = {"entity": r["entity_id"], "period": str(Period.from_code(period))}
        p = self.rules.problem(
            rule.id,
            {**common, **fields("zh")},
            {**common, **fields("en")},
            file=Path(source).name,
            sheet=str(r["sheet"] or ""),
            row=None if r["row"] is None else int(r["row"]),
            column=column,
            expected=expected,
            found=found,
            entity=str(r["entity_id"]),
            period=common["period"],
            item=str(r.get("at_item") or (items[0] if items else "")),
        )
        self.findings.append(Finding(p, str(r["entity_id"]), period, tuple(items), source))

    def name(self, code: str, lang: str) -> str:
        """The item's name in ``lang``."""
        return self.catalog.items[code].name(lang)

    def persons(self, code: str) -> bool:
        """Whether the item counts persons (not money)."""
        return self.catalog.items[code].unit == "人"

    def amount(self, value: Any, code: str, lang: str) -> str:
        """An amount (or a count of persons) of the item as messages show it."""
        return self.rules.amount(None if value is None else Decimal(value), persons=self.persons(code), lang=lang)

    def located(self, sql: str, order: str = "") -> str:
        """``sql`` (failing rows with ``rid``, the ``new_t`` row they are reported at) with that row's
        place: ``source``, ``sheet`` and ``row``; sorted by it, then by ``order``."""
        then = f", {order}" if order else ""
        return f"""
            with r as ({sql}), loc as (
                select rid, src, sheet, row, item from new_t where rid in (select rid from r))
            select r.*, list_extract({sql_list(self.sources)}, loc.src + 1) as source, loc.sheet as sheet, loc.row as row,
                   loc.item as at_item
            from r join loc using (rid)
            order by source, loc.row{then}
        """
