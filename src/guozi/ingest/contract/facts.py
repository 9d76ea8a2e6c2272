"""The facts files, checked chunk by chunk in an in-process DuckDB; only failing rows come back to Python."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from decimal import Context, Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.ingest import staging
from guozi.ingest.contract.cells import A_DECIMAL, A_KNOWN_ENTITY, AN_ENTITY_ID, PERIOD_EXPECTED, problem_at, short
from guozi.ingest.contract.numbers import parse_numbers
from guozi.ingest.contract.staged import MONTH_PATTERN as _PERIOD
from guozi.ingest.contract.staged import stage_parquet
from guozi.ingest.readers import ROW, SHEET, RawTable
from guozi.ingest.rules import RuleSet
from guozi.kernel.errors import Problem
from guozi.kernel.periods import FIRST_YEAR, LAST_YEAR, Period
from guozi.kernel.text import Text
from guozi.kernel.units import ALL_UNITS, LIMIT_EN, LIMIT_ZH, STORE_SCALE, VALUE_PRECISION, allowed_units
from guozi.store.batch import FACT_SCHEMA, StagedFacts

# a row of ``parsed_v`` that breaks a check, and one that passes them all (a row can be neither:
# a unit of the other kind's alone; it is left out, as before)
_BAD = """(e = '' or not e_ok or not p_ok or item_persons is null or v = '' or vt is null
           or (u <> '' and (unit_key is null or unit_persons <> item_persons))
           or (u = '' and item_persons is null)
           or yuan is null)"""
_GOOD = """(e <> '' and e_ok and p_ok and item_persons is not null and vt is not null
            and (u = '' or (unit_key is not null and unit_persons = item_persons))
            and yuan is not null)"""


class FactChecker:
    """Checks facts chunk by chunk in one DuckDB connection and keeps the good rows, typed."""

    def __init__(self, catalog: Catalog, known: set[str], rules: RuleSet, problems: list[Problem]) -> None:
        self.rules = rules
        self.problems = problems
        self.con = staging.connect()
        items = pa.table(
            {
                "item": pa.array(list(catalog.items), pa.string()),
                "persons": pa.array([i.unit == "人" for i in catalog.items.values()], pa.bool_()),
            }
        )
        entities = pa.table({"entity_id": pa.array(sorted(known), pa.string())})
        self.con.register("items_t", items)
        self.con.register("entities_t", entities)
        # the good rows, kept in the staging database (it spills to disk beyond its memory limit)
        self.con.execute(
            f"""create temp table good_t (entity_id varchar, period integer, item varchar,
                value decimal({VALUE_PRECISION}, {STORE_SCALE}), source_id integer, sheet varchar, row bigint)"""
        )
        self.sources: list[tuple[str, str]] = []  # (path, file name) of each source_id

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def add(self, raw: RawTable, columns: Mapping[str, str] | None = None) -> None:
        """Check one chunk: its problems are listed, its good rows kept.

        ``columns`` renames the contract's columns in problems (a form's value is in column C).
        """
        self._register(raw)
        try:
            self._check(raw.path, columns or {})
        finally:
            self.con.unregister("raw_t")

    def add_parquet(self, path: Path, where: str | None = None, periods: Collection[str] | None = None) -> int:
        """Check a Parquet facts file of text columns in place (DuckDB reads it); the rows it holds.

        ``where``: check only the rows it holds for; ``periods``: the months it keeps (see
        :func:`stage_parquet`).
        """
        rows = stage_parquet(self.con, path, where, periods)
        try:
            self._check(path, {})
        finally:
            self.con.execute("drop view if exists raw_t")
            self.con.execute("drop table if exists slow_t")
        return rows

    def _check(self, path: Path, columns: Mapping[str, str]) -> None:
        """Check the rows of ``raw_t``: the failing ones become problems, the good ones join ``good_t``."""
        self._parse()
        bad: list[Any] = []
        if self.con.execute("select count(*) from parsed where bad").fetchall()[0][0]:
            bad = self.con.execute(  # what the checks found of each failing row, worked out again for them
                """
                select rn, sh, e, p, i, v, u, p_ok, item_persons, e_ok, vt, too_big, unit_key, unit_persons, yuan
                from parsed_v semi join (select sh, rn from parsed where bad) b using (sh, rn)
                order by sh, rn
                """
            ).fetchall()
        empty = pa.table({})
        for row in bad:
            fields = _Row(*row)
            self.problems.extend(_fact_problems(self.rules, RawTable(path, empty, fields.sh), fields, columns))
        self.sources.append((str(path), path.name))
        self.con.execute(
            f"""
            insert into good_t
            select e, cast(pcode as integer), i, cast(yuan as decimal({VALUE_PRECISION}, {STORE_SCALE})),
                   {len(self.sources) - 1}, sh, rn
            from parsed where good
            """
        )
        self.con.execute("drop view parsed_v")
        self.con.execute("drop table parsed")

    def _register(self, raw: RawTable) -> None:
        """``raw_t``: the chunk's cells as text, with each value and unit read (:func:`parse_numbers`)."""
        table = raw.table
        if "unit" not in table.column_names:
            table = table.append_column("unit", pa.array([""] * table.num_rows, pa.string()))
        if SHEET not in table.column_names:
            table = table.append_column(SHEET, pa.array([raw.sheet] * table.num_rows, pa.string()))
        parsed = parse_numbers(table.column("value"), table.column("unit"))
        for name, arr in parsed.items():
            table = table.append_column(f"__{name}", arr)
        self.con.register(
            "raw_t",
            table.select([ROW, SHEET, "entity_id", "period", "item", "value", "unit", *(f"__{n}" for n in parsed)]),
        )

    def _parse(self) -> None:
        """The view ``parsed_v``: each row of ``raw_t`` trimmed, each part checked; the temp table
        ``parsed``: of each row, what a good row keeps and whether it is good or bad (the parts of
        the bad ones are read again from the view: a table of every part of every row cost ≈ 20 %
        more on clean rows)."""
        self.con.execute(
            f"""
            create or replace temp view parsed_v as
            select "{ROW}" as rn, "{SHEET}" as sh, e, p, i, v, u, __vt as vt, __yuan as yuan, __too_big as too_big,
                   __unit_key as unit_key, __unit_persons as unit_persons,
                   regexp_full_match(p, '{_PERIOD}')
                       and substr(p, 1, 4) between '{FIRST_YEAR}' and '{LAST_YEAR}' as p_ok,
                   case when regexp_full_match(p, '{_PERIOD}')
                             and substr(p, 1, 4) between '{FIRST_YEAR}' and '{LAST_YEAR}'
                        then cast(substr(p, 1, 4) as integer) * 100 + cast(substr(p, 6, 2) as integer) end as pcode,
                   items_t.persons as item_persons,
                   e in (select entity_id from entities_t) as e_ok
            from (select *, trim(entity_id) as e, trim(period) as p, trim(item) as i, trim(value) as v,
                         trim(coalesce(unit, '')) as u from raw_t) r
            left join items_t on r.i = items_t.item
            """
        )
        self.con.execute(
            f"""
            create or replace temp table parsed as
            select rn, sh, e, i, pcode, yuan, coalesce({_BAD}, false) as bad, coalesce({_GOOD}, false) as good
            from parsed_v
            """
        )

    def finish(self) -> pa.Table:
        """The good rows of every file; duplicates across all of them are listed as problems."""
        self.duplicates()
        good = self.con.execute(
            """select entity_id, period, item, value, list_extract(?, source_id + 1) as source, sheet, row
               from good_t""",
            [[path for path, _ in self.sources]],
        ).arrow()
        if hasattr(good, "read_all"):
            good = good.read_all()
        return good.cast(FACT_SCHEMA)

    def duplicates(self) -> None:
        """List as problems the good rows that repeat an (entity, period, item) of an earlier one."""
        files = [name for _, name in self.sources]
        dups = self.con.execute(
            """
            with k as (select entity_id, period, item, row, sheet, list_extract(?, source_id + 1) as file from good_t),
            d as (select entity_id, period, item from good_t group by all having count(*) > 1)
            select entity_id, period, item, list(row order by file, sheet, row) as rns,
                   list(file order by file, sheet, row) as files, list(sheet order by file, sheet, row) as sheets
            from k semi join d using (entity_id, period, item)
            group by entity_id, period, item order by entity_id, period, item
            """,
            [files],
        ).fetchall()
        for e, p, i, rns, names, sheets in dups:
            first = f"{names[0]} {sheets[0]}".strip()
            for rn, f, sh in zip(rns[1:], names[1:], sheets[1:], strict=True):
                fields = {
                    "entity": e,
                    "period": str(Period.from_code(p)),
                    "item": i,
                    "first_file": first,
                    "first_row": rns[0],
                }
                self.problems.append(
                    self.rules.problem(
                        "fact.duplicate",
                        fields,
                        file=f,
                        sheet=sh,
                        row=int(rn),
                        column="item",
                        expected=Text("每个企业、期间、项目一个数值", "one value per entity, period and item"),
                        found=f"{e} {Period.from_code(p)} {i}",
                        entity=e,
                        period=str(Period.from_code(p)),
                        item=i,
                    )
                )

    def keep(self) -> StagedFacts:
        """The good rows of every file written to a file of their own for the store (duplicates listed first).

        Unlike :meth:`finish`, no table of them is made in memory: the store streams them from the file.
        """
        self.duplicates()
        return StagedFacts.save(
            self.con,
            "select entity_id, period, item, value, source_id, sheet, row from good_t",
            [path for path, _ in self.sources],
        )


class _Row(NamedTuple):
    """A failing row of ``parsed``: the cells as trimmed, and what the checks found of each."""

    rn: int
    sh: str
    e: str
    p: str
    i: str
    v: str
    u: str
    p_ok: bool
    item_persons: bool | None
    e_ok: bool
    vt: str | None
    too_big: bool
    unit_key: str | None
    unit_persons: bool | None
    yuan: Decimal | None


def _fact_problems(rules: RuleSet, raw: RawTable, row: _Row, columns: Mapping[str, str]) -> list[Problem]:
    """The problems of a failing row; ``columns`` names the columns as the file does."""
    rn, _, e, p, i, v, u, p_ok, item_persons, e_ok, vt, too_big, unit_key, unit_persons, yuan = row
    out: list[Problem] = []
    base = {"entity": short(e), "period": short(p), "item": short(i)}

    def add(rule: str, column: str, expected: str | Text, found: str, quote: bool = True, **fields: object) -> None:
        found = short(found)
        words = expected if isinstance(expected, Text) else Text(expected, expected)
        shown = repr(found) if quote else found
        out.append(
            rules.problem(
                rule,
                {**base, "found": shown, "expected": words.zh, **fields},
                {**base, "found": shown, "expected": words.en, **fields},
                file=raw.name,
                sheet=raw.sheet,
                row=rn,
                column=columns.get(column, column),
                expected=expected,
                found=found,
            )
        )

    if e == "":
        out.append(
            problem_at(raw, rn, "entity_id", "value.required", "企业代码为空", "entity_id is empty", AN_ENTITY_ID, "")
        )
    elif not e_ok:
        add("entity.unknown", "entity_id", A_KNOWN_ENTITY, e)
    if not p_ok:
        add("period.format", "period", PERIOD_EXPECTED, p)
    if item_persons is None:
        add("item.unknown", "item", Text("items.yaml 中的项目代码", "an item code of items.yaml"), i)
    if v == "":
        add("value.required", "value", A_DECIMAL, "")
    elif vt is None:
        add("value.not_numeric", "value", A_DECIMAL, v)
    if item_persons is not None and (u != "" and (unit_key is None or unit_persons != item_persons)):
        add("unit.unknown", "unit", allowed_units(persons=bool(item_persons)), u)
    if out:
        return _about(out, e, p, i)
    factor = ALL_UNITS.get(unit_key or "", Decimal(1))
    if too_big:
        shown = _yuan_text(vt or v, factor)
        out.append(
            rules.problem(
                "value.range",
                {**base, "found": short(v), "unit": u, "yuan": shown, "expected": f"绝对值小于 {LIMIT_ZH}"},
                {**base, "found": short(v), "unit": u, "yuan": shown, "expected": f"|value| < {LIMIT_EN}"},
                file=raw.name,
                sheet=raw.sheet,
                row=rn,
                column=columns.get("value", "value"),
                expected=Text(f"绝对值小于 {LIMIT_ZH}", f"|value| < {LIMIT_EN}"),
                found=short(v),
            )
        )
    elif yuan is None or yuan != round(yuan, STORE_SCALE):
        add(
            "value.precision",
            "value",
            Text(f"以元计至多 {STORE_SCALE} 位小数", f"<= {STORE_SCALE} decimals in yuan"),
            v,
            quote=False,
            unit=u,
            yuan=_yuan_text(vt or v, factor),
        )
    return _about(out, e, p, i)


def _about(problems: list[Problem], entity: str, period: str, item: str) -> list[Problem]:
    """``problems`` naming the entity, period and item of their row (as the row gives them)."""
    return [replace(x, entity=short(entity), period=short(period), item=short(item)) for x in problems]


def _yuan_text(text: str, factor: Decimal) -> str:
    """The value ``text`` in ``factor`` yuan, exactly, as messages quote it."""
    try:
        d = Context(prec=len(text) + 30).multiply(Decimal(text), factor)  # exact: enough digits
    except ArithmeticError:
        return short(text)
    if d != 0 and not -30 < d.adjusted() < 30:
        return f"{d:.6e}"
    return f"{d.normalize():f}"
