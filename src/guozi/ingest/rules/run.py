"""One evaluation of the rules: the input's facts and the store's values around them loaded into an
in-process DuckDB (:class:`Run`), and the SQL helpers the kinds' queries are written with.

The tables a run holds: ``new_t`` (the input's facts, values in :data:`WIDE`), ``old_t`` (the
store's values for the same entities the month before, the month itself and the month after),
``last_t`` (each entity's latest stored period), ``after_t`` (the figures as they will be after the
import, ``is_new`` when from the input, with where it was read: its first input row) and ``loc_t``
(the new figures' places: a view of ``after_t``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

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

    def __init__(self, rules: RuleSet, catalog: Catalog, facts: pa.Table, ctx: Context) -> None:
        self.rules = rules
        self.catalog = catalog
        self.ctx = ctx
        self.con = staging.connect()
        self.findings: list[Finding] = []
        self.made: set[str] = set()  # the temp tables some kinds build once and share
        self._load_input(facts)
        self._load_store()
        self._overlay()

    def _load_input(self, facts: pa.Table) -> None:
        """``new_t``, the input's facts, and ``items_t``, each item's kind and unit."""
        con = self.con
        con.register("facts_in", facts.select(["entity_id", "period", "item", "value", "source", "sheet", "row"]))
        # values widened at once (see WIDE): every sum, product and difference below is then safe
        con.execute(
            f"""create temp table new_t as
                select entity_id, period, item, cast(value as {WIDE}) as value, source, sheet, row from facts_in"""
        )
        con.unregister("facts_in")
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
        keys = con.execute(
            f"""
            select distinct entity_id, period from (
                select entity_id, period from new_t
                union all select entity_id, {prev_month("period")} from new_t
                union all select entity_id, {next_month("period")} from new_t)
            """
        ).arrow()
        con.register("old_in", ctx.lookup(_arrow(keys)))
        con.execute(
            f"""create temp table old_t as
                select entity_id, cast(period as integer) as period, item, cast(value as {WIDE}) as value from old_in"""
        )
        con.unregister("old_in")
        ents = con.execute("select distinct entity_id from new_t").arrow()
        con.register("last_in", ctx.last_periods(_arrow(ents)))
        con.execute("create temp table last_t as select entity_id, cast(period as integer) as period from last_in")
        con.unregister("last_in")

    def _overlay(self) -> None:
        """``after_t``, the figures as after the import, and ``loc_t``, where each new figure was read.

        A new figure keeps where it was read (``source``, ``sheet``, ``row``: its first input row
        when the input holds it twice); a stored one has none. When no key repeats (the input the
        contract accepts) the input's rows are taken as they are, without sorting them.
        """
        con = self.con
        repeated = con.execute(
            "select exists (select 1 from new_t group by entity_id, period, item having count(*) > 1)"
        ).fetchone()
        first = (
            """(select distinct on (entity_id, period, item) * from new_t
                order by entity_id, period, item, source, row)"""
            if repeated is not None and repeated[0]
            else "new_t"
        )
        con.execute(
            f"""
            create temp table after_t as
            select entity_id, period, item, value, true as is_new, source, sheet, row from {first}
            union all
            select o.entity_id, o.period, o.item, o.value, false as is_new,
                   null::varchar as source, null::varchar as sheet, null::bigint as row
            from old_t o anti join new_t n using (entity_id, period, item)
            """
        )
        con.execute(
            "create temp view loc_t as select entity_id, period, item, source, sheet, row from after_t where is_new"
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

    def located(self, sql: str, order: Sequence[str]) -> str:
        """``sql`` (rows keyed by entity_id, period) with the location of its first input row."""
        return f"""
            with r as ({sql}),
            pick as (
                select entity_id, period,
                    arg_min({{'source': source, 'sheet': sheet, 'row': "row", 'at': item}},
                            list_position({sql_list(order)}, item)) as loc
                from loc_t semi join r using (entity_id, period)
                where item in {sql_in(order)} group by entity_id, period)
            select r.*, pick.loc.source as source, pick.loc.sheet as sheet, pick.loc.row as row, pick.loc.at as at
            from r join pick using (entity_id, period)
            order by source, row, entity_id, period
        """
