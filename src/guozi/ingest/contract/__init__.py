"""Reading the data contract's files into checked, normalised tables, listing every problem.

Values are parsed as decimals (never floats) and converted to yuan exactly; a figure with more
than four decimals in yuan, or a value that is not a number, is a problem, never a zero.
The heavy lifting is vectorised in an in-process DuckDB over Arrow, chunk by chunk for large
facts files; only the failing rows come back to Python, as :class:`~guozi.kernel.errors.Problem`
values naming file, sheet, row, column, rule, expected and found. The messages of the facts
checks are data: the ``contract`` rules of ``rules/validation.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Context, Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from guozi.catalog.model import Catalog
from guozi.ingest.readers import (
    ROW,
    SHEET,
    SUFFIXES,
    Progress,
    RawTable,
    is_template,
    iter_raw,
    read_raw,
)
from guozi.ingest.rules import RuleSet, load_rules
from guozi.kernel.errors import Problem
from guozi.kernel.files import file_hash
from guozi.kernel.periods import FIRST_YEAR, LAST_YEAR, RANGE_TEXT, Period
from guozi.kernel.units import (
    ALL_UNITS,
    GROUPED,
    LIMIT_EN,
    LIMIT_EXPONENT,
    LIMIT_ZH,
    NUMBER,
    PERSON_UNITS,
    STORE_LIMIT,
    STORE_SCALE,
    TARGET_LIMIT_EXPONENT,
    TARGET_SCALE,
    VALUE_PRECISION,
    allowed_units,
    exact_number,
    number_text,
    unit_name,
)
from guozi.store.batch import ENTITY_COLUMNS, FACT_SCHEMA, KINDS, STORE_COLUMNS, Batch, Kind, SourceFile
from guozi.tree import tree_problems

REQUIRED: dict[Kind, tuple[str, ...]] = {
    "entities": ("entity_id", "name"),
    "facts": ("entity_id", "period", "item", "value"),
    "targets": ("entity_id", "year", "indicator", "target"),
}
CATEGORIES = ("commercial_competitive", "commercial_strategic", "public_welfare")
_PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
PERIOD_EXPECTED = f"YYYY-MM, {RANGE_TEXT}"  # what a period cell should hold, as problems say


def collect_files(paths: Iterable[Path]) -> tuple[list[tuple[Path, Kind]], list[Problem]]:
    """The input files of ``paths`` (folders or files) with their kind.

    A report template (an xlsx file made by ``guozi template``) holds facts whatever its name.
    """
    found: list[tuple[Path, Kind]] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and _kind_of(p) is not None)
            if not inside:
                problems.append(
                    Problem(
                        "file.none",
                        f"文件夹中没有 entities、facts、targets 文件或报表模板（{'/'.join(SUFFIXES)}）",
                        f"the folder holds no entities, facts or targets file nor report template ({'/'.join(SUFFIXES)})",
                        file=str(path),
                    )
                )
            found.extend((p, k) for p in inside if (k := _kind_of(p)) is not None)
        elif not path.exists():
            problems.append(
                Problem("file.missing", "文件不存在", "no such file or folder", file=str(path), found=str(path))
            )
        else:
            kind = _kind_of(path)
            if kind is None:
                problems.append(
                    Problem(
                        "file.kind",
                        "无法判断文件内容：文件名应以 entities、facts 或 targets 开头，或为 guozi template 生成的报表模板",
                        "cannot tell what the file holds: its name should start with entities, facts or targets, or it should be a report template made by guozi template",
                        file=path.name,
                        expected="entities.* | facts.* | targets.* | a report template (.xlsx)",
                        found=path.name,
                    )
                )
            else:
                found.append((path, kind))
    return found, problems


def _kind_of(path: Path) -> Kind | None:
    if is_template(path):
        return "facts"
    stem = path.stem.lower()
    for kind in KINDS:
        if stem.startswith(kind):
            return kind
    return None


def read_batch(
    paths: Sequence[Path],
    catalog: Catalog,
    *,
    known_entities: pd.DataFrame | None = None,
    rules: RuleSet | None = None,
    progress: Progress | None = None,
) -> Batch:
    """Read and check ``paths``; ``known_entities`` are the store's current entity rows."""
    files, problems = collect_files(paths)
    batch = read_files(files, catalog, known_entities=known_entities, rules=rules, progress=progress)
    batch.problems[:0] = problems
    return batch


def _columns_problems(raw: RawTable, kind: Kind, taken: dict[str, str] | None = None) -> list[Problem]:
    """The problems of a file's header: repeated or missing columns, and unfit entity attributes.

    ``taken`` maps the case-folded names of the entity attributes already known (in the store,
    or in an earlier file of the batch) to their spelling; this file's are added to it.
    """
    names = [c for c in raw.table.column_names if c not in (ROW, SHEET)]
    counts = Counter(names)
    dups = sorted(c for c, n in counts.items() if n > 1)
    if dups:
        return [
            Problem(
                "file.columns",
                f"列名重复：{', '.join(dups)}",
                f"repeated column name(s): {', '.join(dups)}",
                file=raw.name,
                sheet=raw.sheet,
                row=1,
                expected="each column once",
                found=", ".join(dups),
            )
        ]
    missing = [c for c in REQUIRED[kind] if c not in counts]
    if missing:
        return [
            Problem(
                "file.columns",
                f"缺少必需的列：{', '.join(missing)}",
                f"required column(s) missing: {', '.join(missing)}",
                file=raw.name,
                sheet=raw.sheet,
                row=1,
                expected=", ".join(REQUIRED[kind]),
                found=_short(", ".join(names), 300),
            )
        ]
    if kind != "entities":
        return []
    return _attribute_problems(raw, [c for c in names if c not in ENTITY_COLUMNS], {} if taken is None else taken)


MAX_ATTRIBUTES = 200  # extra entity columns a file may bring (each becomes an attribute of the store)
MAX_NAME_BYTES = 63  # an attribute's name in UTF-8 bytes: PostgreSQL's limit on a column name


def _attribute_problems(raw: RawTable, attrs: list[str], taken: dict[str, str]) -> list[Problem]:
    """The entity attributes (extra columns) that cannot be stored as they are named.

    At most :data:`MAX_ATTRIBUTES` of them (checked first: nothing else is done for a wider file);
    each named by a non-empty text without surrounding spaces, control characters or double
    quotes, at most :data:`MAX_NAME_BYTES` bytes, and distinct, ignoring case, from the contract's
    columns, the store's own and every other attribute (``Name`` would be taken for ``name``).
    """

    def problem(zh: str, en: str, expected: str, found: str) -> Problem:
        return Problem(
            "entity.attribute",
            zh,
            en,
            file=raw.name,
            sheet=raw.sheet,
            row=1,
            column=found,
            expected=expected,
            found=found,
        )

    if len(attrs) > MAX_ATTRIBUTES:
        return [
            problem(
                f"企业名录的附加列过多：{len(attrs)} 列，最多 {MAX_ATTRIBUTES} 列",
                f"too many extra columns in the entities file: {len(attrs)}; at most {MAX_ATTRIBUTES}",
                f"at most {MAX_ATTRIBUTES} extra columns",
                str(len(attrs)),
            )
        ]
    out: list[Problem] = []
    reserved = {c.casefold(): c for c in (*ENTITY_COLUMNS, *STORE_COLUMNS)}
    mine: set[str] = set()
    for name in attrs:
        shown = _short(name, 80)
        key = name.casefold()
        if name.strip() == "":
            out.append(problem("列名为空", "a column has no name", "a column name", shown))
        elif name != name.strip():
            out.append(
                problem(
                    f"列名首尾有空格：{name!r}",
                    f"the column name {name!r} starts or ends with spaces",
                    "a name without surrounding spaces",
                    shown,
                )
            )
        elif any(unicodedata.category(ch).startswith("C") or ch == '"' for ch in name):
            out.append(
                problem(
                    f"列名含控制字符或双引号：{name!r}",
                    f"the column name {name!r} holds a control character or a double quote",
                    "a name without control characters or double quotes",
                    shown,
                )
            )
        elif len(name.encode("utf-8")) > MAX_NAME_BYTES:
            out.append(
                problem(
                    f"列名过长：{shown}（{len(name.encode('utf-8'))} 字节，最多 {MAX_NAME_BYTES} 字节）",
                    f"the column name {shown} is too long: {len(name.encode('utf-8'))} bytes, at most {MAX_NAME_BYTES}",
                    f"at most {MAX_NAME_BYTES} bytes (UTF-8)",
                    shown,
                )
            )
        elif key in reserved:
            out.append(
                problem(
                    f"列名 {name} 与保留列 {reserved[key]} 冲突（不区分大小写）",
                    f"the column name {name} clashes with the reserved column {reserved[key]} (case is ignored)",
                    f"a name other than {', '.join((*ENTITY_COLUMNS, *STORE_COLUMNS))} in any case",
                    shown,
                )
            )
        elif key in mine:
            out.append(
                problem(
                    f"列名 {name} 与本文件的另一列仅大小写不同",
                    f"the column name {name} differs from another column of this file only in case",
                    "names distinct ignoring case",
                    shown,
                )
            )
        elif key in taken and taken[key] != name:
            out.append(
                problem(
                    f"列名 {name} 与已有的企业属性 {taken[key]} 仅大小写不同：请使用 {taken[key]}",
                    f"the column name {name} differs from the existing entity attribute {taken[key]} only in case: "
                    f"use {taken[key]}",
                    taken[key],
                    shown,
                )
            )
        mine.add(key)
    if not out:
        for name in attrs:
            taken.setdefault(name.casefold(), name)
    return out


def read_files(
    files: Sequence[tuple[Path, Kind]],
    catalog: Catalog,
    *,
    known_entities: pd.DataFrame | None = None,
    rules: RuleSet | None = None,
    progress: Progress | None = None,
    hashes: Mapping[Path, str] | None = None,
) -> Batch:
    """Read and check ``files`` (from :func:`collect_files`); facts files are streamed."""
    from guozi.ingest.template import CODE_LETTER, read_template

    rules = rules or load_rules(catalog)
    hashes = hashes or {}
    batch = Batch()
    raws: dict[Kind, list[RawTable]] = {"entities": [], "targets": []}
    fact_paths: list[Path] = []
    taken = {str(c).casefold(): str(c) for c in (() if known_entities is None else known_entities.columns)}
    taken = {k: v for k, v in taken.items() if v not in ENTITY_COLUMNS and not v.startswith("__")}
    for path, kind in files:
        if kind == "facts":
            fact_paths.append(path)
            continue
        raw = read_raw(path)
        if isinstance(raw, Problem):
            batch.problems.append(raw)
            continue
        bad = _columns_problems(raw, kind, taken)
        if bad:
            batch.problems.extend(bad)
            continue
        raws[kind].append(raw)
        batch.files.append(SourceFile(path, kind, hashes.get(path) or file_hash(path), raw.table.num_rows))
    if raws["entities"]:
        batch.entities = _entities(raws["entities"], batch.problems, _period_columns(rules))
    current = merge_entities(known_entities, batch.entities)
    if batch.entities is not None:
        _check_tree(current, batch.entities, batch.problems)
    known_ids = set(current.entity_id) if current is not None else set()
    if fact_paths:
        checker = _FactChecker(catalog, known_ids, rules, batch.problems)
        try:
            for path in fact_paths:
                template = is_template(path)
                parts: Iterable[RawTable | Problem]
                column = "value"
                if template:
                    tables, tproblems, column = read_template(path, rules, catalog)
                    batch.problems.extend(tproblems)
                    parts = tables
                    if any(p.severity == "blocking" and p.rule == "template.invalid" for p in tproblems):
                        continue
                else:
                    parts = iter_raw(path, progress=progress)
                n = 0
                ok = True
                for k, part in enumerate(parts):
                    if isinstance(part, Problem):
                        batch.problems.append(part)
                        ok = False
                        break
                    if k == 0 or template:
                        bad = _columns_problems(part, "facts")
                        if bad:
                            batch.problems.extend(bad)
                            ok = False
                            break
                    checker.add(part, {"value": column, "item": CODE_LETTER} if template else None)
                    n += part.table.num_rows
                if ok:
                    sha = hashes.get(path) or file_hash(path)
                    batch.files.append(SourceFile(path, "facts", sha, n, template, column))
            batch.facts = checker.finish()
        finally:
            checker.close()
    if raws["targets"]:
        batch.targets = _targets(raws["targets"], catalog, known_ids, batch.problems)
    return batch


def merge_entities(known: pd.DataFrame | None, new: pd.DataFrame | None) -> pd.DataFrame | None:
    """The entity rows as they will be after the import: new rows replace an entity's old ones."""
    if new is None:
        return known
    if known is None or known.empty:
        return new
    keep = known[~known.entity_id.isin(set(new.entity_id))]
    return pd.concat([keep, new], ignore_index=True)


def _text(raw: RawTable, column: str) -> list[str]:
    if column not in raw.table.column_names:
        return [""] * raw.table.num_rows
    return [v.strip() for v in raw.table.column(column).to_pylist()]


def _p(
    raw: RawTable, row: int | None, column: str, rule: str, zh: str, en: str, expected: str = "", found: str = ""
) -> Problem:
    return Problem(rule, zh, en, file=raw.name, sheet=raw.sheet, row=row, column=column, expected=expected, found=found)


def _period_columns(rules: RuleSet) -> tuple[str, ...]:
    """The entity columns holding periods: validity, and those the rules date an entity by (``established``)."""
    named = [str(c) for r in rules.rules.values() if r.kind == "before_entity" for c in (r.param("columns") or ())]
    return tuple(dict.fromkeys(["valid_from", "valid_to", *named]))


def _entities(raws: list[RawTable], problems: list[Problem], period_columns: Sequence[str]) -> pd.DataFrame:
    frames: list[pd.DataFrame] = []
    for raw in raws:
        cols = [c for c in raw.table.column_names if c != ROW]
        data = {c: _text(raw, c) for c in cols}
        for c in ENTITY_COLUMNS:
            data.setdefault(c, [""] * raw.table.num_rows)
        rows = raw.table.column(ROW).to_pylist()
        frame = pd.DataFrame(data)
        frame["__row__"] = rows
        frame["__file__"] = raw.name
        frame["__source__"] = str(raw.path)
        for i, r in enumerate(rows):
            eid, name = frame.entity_id[i], frame.name[i]
            if eid == "":
                problems.append(
                    _p(raw, r, "entity_id", "value.required", "企业代码为空", "entity_id is empty", "a code", "")
                )
            if name == "":
                problems.append(_p(raw, r, "name", "value.required", "企业名称为空", "name is empty", "a name", ""))
            for col in period_columns:
                v = frame[col][i] if col in frame else ""
                if v != "" and not _is_period(v):
                    problems.append(
                        _p(
                            raw,
                            r,
                            col,
                            "period.format",
                            f"期间格式错误：{_short(v)}，应为 YYYY-MM（{RANGE_TEXT}）",
                            f"bad period {_short(v)}; expected YYYY-MM ({RANGE_TEXT})",
                            PERIOD_EXPECTED,
                            _short(v),
                        )
                    )
            cat = frame.category[i]
            if cat != "" and cat not in CATEGORIES:
                problems.append(
                    _p(
                        raw,
                        r,
                        "category",
                        "entity.category",
                        f"企业功能类别无效：{cat}",
                        f"unknown category: {cat}",
                        " | ".join(CATEGORIES),
                        cat,
                    )
                )
            if eid != "" and eid == frame.parent_id[i]:
                problems.append(
                    _p(
                        raw,
                        r,
                        "parent_id",
                        "tree.self",
                        "企业不能是自己的上级",
                        "an entity cannot be its own parent",
                        "another entity",
                        eid,
                    )
                )
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    dup = out[out.duplicated(["entity_id", "valid_from"], keep=False) & (out.entity_id != "")]
    for (eid, vf), grp in dup.groupby(["entity_id", "valid_from"]):
        first = grp.iloc[0]
        for _, row in grp.iloc[1:].iterrows():
            problems.append(
                Problem(
                    "entity.duplicate",
                    f"企业 {eid} 重复出现（与第{first['__row__']}行相同的起始期间 {vf or '（空）'}）",
                    f"entity {eid} appears twice with the same valid_from {vf or '(empty)'} (see row {first['__row__']})",
                    file=str(row["__file__"]),
                    row=int(row["__row__"]),
                    column="entity_id",
                    expected="one row per entity and valid_from",
                    found=str(eid),
                )
            )
    return out


def _is_period(text: str) -> bool:
    try:
        Period.parse(text)
    except ValueError:
        return False
    return True


def _check_tree(current: pd.DataFrame | None, new: pd.DataFrame, problems: list[Problem]) -> None:
    if current is None or any(p.rule in ("period.format", "value.required") for p in problems):
        return
    frame = current.reset_index(drop=True)
    for tp in tree_problems(frame):
        row = frame.iloc[tp.row]
        file = str(row.get("__file__", "")) if "__file__" in frame.columns else ""
        rownum = row.get("__row__") if "__row__" in frame.columns else None
        where_zh = "" if tp.period == "—" else f"（{tp.period} 起）"
        where_en = "" if tp.period == "—" else f" (from {tp.period})"
        if tp.rule == "tree.cycle":
            zh, en, col, exp = (
                f"股权关系形成循环{where_zh}：{tp.detail}",
                f"ownership forms a cycle{where_en}: {tp.detail}",
                "parent_id",
                "a forest (no cycles)",
            )
        elif tp.rule == "tree.parent_missing":
            zh = f"上级企业 {tp.detail} 不存在{where_zh}"
            en = f"parent {tp.detail} does not exist{where_en}"
            col, exp = "parent_id", "an existing entity_id"
        elif tp.rule == "tree.overlap":
            zh, en, col, exp = (
                f"企业 {tp.entity_id} 的有效期重叠{where_zh}",
                f"validity periods of {tp.entity_id} overlap{where_en}",
                "valid_from",
                "non-overlapping periods",
            )
        else:
            zh, en, col, exp = (
                f"有效期结束早于开始：{tp.detail}",
                f"valid_to is before valid_from: {tp.detail}",
                "valid_to",
                ">= valid_from",
            )
        problems.append(
            Problem(
                tp.rule,
                zh,
                en,
                file=file if isinstance(file, str) and file != "nan" else "",
                row=None if rownum is None or pd.isna(rownum) else int(rownum),
                column=col,
                expected=exp,
                found=tp.detail or tp.entity_id,
            )
        )


class _FactChecker:
    """Checks facts chunk by chunk in one DuckDB connection and keeps the good rows, typed."""

    def __init__(self, catalog: Catalog, known: set[str], rules: RuleSet, problems: list[Problem]) -> None:
        self.rules = rules
        self.problems = problems
        self.con = duckdb.connect()
        items = pa.table(
            {
                "item": pa.array(list(catalog.items), pa.string()),
                "persons": pa.array([i.unit == "人" for i in catalog.items.values()], pa.bool_()),
            }
        )
        entities = pa.table({"entity_id": pa.array(sorted(known), pa.string())})
        self.con.register("items_t", items)
        self.con.register("entities_t", entities)
        self.parts: list[pa.Table] = []
        self.keys: list[pa.Table] = []

    def close(self) -> None:
        self.con.close()

    def add(self, raw: RawTable, columns: Mapping[str, str] | None = None) -> None:
        """Check one chunk: its problems are listed, its good rows kept.

        ``columns`` renames the contract's columns in problems (a form's value is in column C).
        """
        con = self.con
        table = raw.table
        if "unit" not in table.column_names:
            table = table.append_column("unit", pa.array([""] * table.num_rows, pa.string()))
        if SHEET not in table.column_names:
            table = table.append_column(SHEET, pa.array([raw.sheet] * table.num_rows, pa.string()))
        parsed = _numbers(table.column("value"), table.column("unit"))
        for name, arr in parsed.items():
            table = table.append_column(f"__{name}", arr)
        con.register(
            "raw_t",
            table.select([ROW, SHEET, "entity_id", "period", "item", "value", "unit", *(f"__{n}" for n in parsed)]),
        )
        con.execute(
            f"""
            create or replace temp table parsed as
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
        bad = con.execute(
            """
            select rn, sh, e, p, i, v, u, p_ok, item_persons, e_ok, vt, too_big, unit_key, unit_persons, yuan
            from parsed
            where e = '' or not e_ok or not p_ok or item_persons is null or v = '' or vt is null
               or (u <> '' and (unit_key is null or unit_persons <> item_persons))
               or (u = '' and item_persons is null)
               or yuan is null
            order by sh, rn
            """
        ).fetchall()
        for rn, sh, e, p, i, v, u, p_ok, item_persons, e_ok, vt, too_big, unit_key, unit_persons, yuan in bad:
            self.problems.extend(
                _fact_problems(
                    self.rules,
                    RawTable(raw.path, raw.table, sh),
                    rn,
                    e,
                    p,
                    i,
                    v,
                    u,
                    p_ok,
                    item_persons,
                    e_ok,
                    vt,
                    too_big,
                    unit_key,
                    unit_persons,
                    yuan,
                    columns or {},
                )
            )
        good = con.execute(
            f"""
            select e as entity_id, cast(pcode as integer) as period, i as item,
                   cast(yuan as decimal({VALUE_PRECISION}, {STORE_SCALE})) as value,
                   {_lit(str(raw.path))} as source, sh as sheet, rn as row, {_lit(raw.name)} as file
            from parsed
            where e <> '' and e_ok and p_ok and item_persons is not null and vt is not null
              and (u = '' or (unit_key is not null and unit_persons = item_persons))
              and yuan is not null
            """
        ).arrow()
        if hasattr(good, "read_all"):
            good = good.read_all()
        self.parts.append(good.select([f.name for f in FACT_SCHEMA]).cast(FACT_SCHEMA))
        self.keys.append(good.select(["entity_id", "period", "item", "row", "file", "sheet"]))
        con.unregister("raw_t")
        con.execute("drop table parsed")

    def finish(self) -> pa.Table:
        """The good rows of every chunk; duplicates across all of them are listed as problems."""
        allkeys = pa.concat_tables(self.keys) if self.keys else None
        if allkeys is not None and allkeys.num_rows:
            self.con.register("keys_t", allkeys)
            dups = self.con.execute(
                """
                with d as (select entity_id, period, item from keys_t group by all having count(*) > 1)
                select entity_id, period, item, list(row order by file, sheet, row) as rns,
                       list(file order by file, sheet, row) as files, list(sheet order by file, sheet, row) as sheets
                from keys_t semi join d using (entity_id, period, item)
                group by entity_id, period, item order by entity_id, period, item
                """
            ).fetchall()
            for e, p, i, rns, files, sheets in dups:
                first = f"{files[0]} {sheets[0]}".strip()
                for rn, f, sh in zip(rns[1:], files[1:], sheets[1:], strict=True):
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
                            expected="one value per entity, period and item",
                            found=f"{e} {Period.from_code(p)} {i}",
                        )
                    )
            self.con.unregister("keys_t")
        return pa.concat_tables(self.parts) if self.parts else FACT_SCHEMA.empty_table()


_UNIT_KEYS = list(ALL_UNITS)
_UNIT_EXPONENTS = [len(str(int(f))) - 1 for f in ALL_UNITS.values()]  # the factors are powers of ten
_UNIT_PERSONS = [u in PERSON_UNITS for u in ALL_UNITS]
assert all(Decimal(10) ** k == f for k, f in zip(_UNIT_EXPONENTS, ALL_UNITS.values(), strict=True))


def _numbers(values: pa.ChunkedArray | pa.Array, units: pa.ChunkedArray | pa.Array) -> dict[str, pa.Array]:
    """Values and units parsed in Arrow: each text that is a number, the unit, and the exact yuan.

    A money unit's factor is 10**k. The bulk of the values, plain decimals with at most 4 + k
    decimals and well below the limit, are read in Arrow as decimal(22, 4 + k), whose digits
    *are* the yuan at scale 4. The rest (scientific notation, many digits, near or above the
    limit) are read one by one by :func:`~guozi.kernel.units.exact_number`, which counts digits and
    never rounds. ``yuan`` is null where the value is not a number, out of range (``too_big``) or
    has more decimals than kept.
    """
    text = _flat(pc.utf8_trim_whitespace(values))
    plain = pc.match_substring_regex(text, NUMBER)
    grouped = pc.match_substring_regex(text, GROUPED)
    cleaned = pc.if_else(grouped, pc.replace_substring(text, ",", ""), text)
    vt = pc.if_else(pc.or_(plain, grouped), cleaned, pa.scalar(None, pa.string()))
    u = _flat(pc.utf8_trim_whitespace(units))
    keys = pa.array(_UNIT_KEYS, pa.string())
    idx = pc.coalesce(pc.index_in(u, value_set=keys), pc.index_in(pc.utf8_lower(u), value_set=keys))
    unit_key = pc.take(keys, idx)
    unit_persons = pc.take(pa.array(_UNIT_PERSONS, pa.bool_()), idx)
    exp = pc.if_else(pc.equal(u, ""), 0, pc.take(pa.array(_UNIT_EXPONENTS, pa.int32()), idx))
    # where to read each value: in Arrow (the bulk) or exactly in Python (the rest)
    scaled = pc.multiply(pc.cast(vt, pa.float64()), pc.power(10.0, pc.cast(exp, pa.float64())))
    simple = pc.and_(
        pc.invert(pc.match_substring_regex(pc.fill_null(vt, "e"), "[eE]")),
        pc.and_(pc.is_finite(scaled), pc.less(pc.abs(scaled), float(STORE_LIMIT) / 10)),
    )
    simple = _flat(pc.fill_null(simple, False))
    yuan = pa.nulls(len(text), pa.decimal128(VALUE_PRECISION, STORE_SCALE))
    done = pa.array([False] * len(text), pa.bool_())
    exponents = {int(x) for x in pc.unique(exp).to_pylist() if x is not None}
    for k in sorted(exponents):
        few = pc.invert(pc.match_substring_regex(pc.fill_null(vt, ""), rf"\.[0-9]{{{STORE_SCALE + k + 1},}}$"))
        mask = _flat(pc.fill_null(pc.and_(pc.and_(simple, pc.equal(exp, k)), few), False))
        if not pc.any(mask).as_py():
            continue
        sub = pc.cast(pc.filter(vt, mask), pa.decimal128(VALUE_PRECISION, STORE_SCALE + k))
        yuan = pc.replace_with_mask(yuan, mask, sub.view(pa.decimal128(VALUE_PRECISION, STORE_SCALE)))
        done = pc.or_(done, mask)
    too_big = pa.array([False] * len(text), pa.bool_())
    # the rest, one by one: more decimals than kept (``1.50000`` is 1.5, ``1.23456`` too many), exponents, many digits
    rest = _flat(pc.fill_null(pc.and_(pc.and_(pc.is_valid(vt), pc.is_valid(exp)), pc.invert(done)), False))
    if pc.any(rest).as_py():
        where = pc.indices_nonzero(rest)
        read = [
            exact_number(t, shift=k)
            for t, k in zip(pc.take(vt, where).to_pylist(), pc.take(exp, where).to_pylist(), strict=True)
        ]
        good = pa.array([r.verdict == "ok" for r in read], pa.bool_())
        ok_mask = pc.replace_with_mask(pa.array([False] * len(text)), rest, good)
        if pc.any(good).as_py():
            ok_values = pa.array(
                [r.value for r in read if r.verdict == "ok"], pa.decimal128(VALUE_PRECISION, STORE_SCALE)
            )
            yuan = pc.replace_with_mask(yuan, ok_mask, ok_values)
        too_big = pc.replace_with_mask(too_big, rest, pa.array([r.verdict == "range" for r in read], pa.bool_()))
    return {
        "vt": _flat(vt),
        "yuan": _flat(yuan),
        "too_big": _flat(too_big),
        "unit_key": _flat(unit_key),
        "unit_persons": _flat(unit_persons),
    }


def _flat(a: pa.ChunkedArray | pa.Array) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fact_problems(
    rules: RuleSet,
    raw: RawTable,
    rn: int,
    e: str,
    p: str,
    i: str,
    v: str,
    u: str,
    p_ok: bool,
    item_persons: bool | None,
    e_ok: bool,
    vt: str | None,
    too_big: bool,
    unit_key: str | None,
    unit_persons: bool | None,
    yuan: Decimal | None,
    columns: Mapping[str, str],
) -> list[Problem]:
    out: list[Problem] = []
    base = {"entity": _short(e), "period": _short(p), "item": _short(i)}

    def add(rule: str, column: str, expected: str, found: str, quote: bool = True, **fields: object) -> None:
        found = _short(found)
        out.append(
            rules.problem(
                rule,
                {**base, "found": repr(found) if quote else found, "expected": expected, **fields},
                file=raw.name,
                sheet=raw.sheet,
                row=rn,
                column=columns.get(column, column),
                expected=expected,
                found=found,
            )
        )

    if e == "":
        out.append(_p(raw, rn, "entity_id", "value.required", "企业代码为空", "entity_id is empty", "an entity_id", ""))
    elif not e_ok:
        add("entity.unknown", "entity_id", "an entity_id of the entities", e)
    if not p_ok:
        add("period.format", "period", PERIOD_EXPECTED, p)
    if item_persons is None:
        add("item.unknown", "item", "an item code of items.yaml", i)
    if v == "":
        add("value.required", "value", "a decimal number", "")
    elif vt is None:
        add("value.not_numeric", "value", "a decimal number", v)
    if item_persons is not None and (u != "" and (unit_key is None or unit_persons != item_persons)):
        add("unit.unknown", "unit", allowed_units(persons=bool(item_persons)), u)
    if out:
        return out
    factor = ALL_UNITS.get(unit_key or "", Decimal(1))
    if too_big:
        shown = _yuan_text(vt or v, factor)
        out.append(
            rules.problem(
                "value.range",
                {**base, "found": _short(v), "unit": u, "yuan": shown, "expected": f"绝对值小于 {LIMIT_ZH}"},
                {**base, "found": _short(v), "unit": u, "yuan": shown, "expected": f"|value| < {LIMIT_EN}"},
                file=raw.name,
                sheet=raw.sheet,
                row=rn,
                column=columns.get("value", "value"),
                expected=f"|value| < {LIMIT_EN}",
                found=_short(v),
            )
        )
    elif yuan is None or yuan != round(yuan, STORE_SCALE):
        add(
            "value.precision",
            "value",
            "<= 4 decimals in yuan",
            v,
            quote=False,
            unit=u,
            yuan=_yuan_text(vt or v, factor),
        )
    return out


def _yuan_text(text: str, factor: Decimal) -> str:
    try:
        d = Context(prec=len(text) + 30).multiply(Decimal(text), factor)  # exact: enough digits
    except ArithmeticError:
        return _short(text)
    if d != 0 and not -30 < d.adjusted() < 30:
        return f"{d:.6e}"
    return f"{d.normalize():f}"


def _short(text: str, limit: int = 120) -> str:
    """A cell's text as messages quote it: an enormous cell is cut short."""
    return text if len(text) <= limit else text[:limit] + f"…（{len(text)}）"


_YEAR = re.compile(r"^[0-9]{4}$", re.ASCII)


def _target_limit(unit: str) -> int:
    """The power of ten a target's absolute value must stay below, in its indicator's ``unit``."""
    return TARGET_LIMIT_EXPONENT.get(unit, LIMIT_EXPONENT)


def _target_problem(raw: RawTable, row: int, what: str, text: str, unit: str) -> Problem | None:
    """Why the target ``text`` (in the indicator's ``unit``) cannot be stored exactly, if it cannot.

    ``what`` names the target (entity, year, indicator) in the messages.
    """
    limit = _target_limit(unit)
    read = exact_number(text, scale=TARGET_SCALE, limit_exponent=limit)
    shown = _short(text)
    unit_en = unit_name(unit, "en")
    if read.verdict == "number":
        return _p(
            raw,
            row,
            "target",
            "value.not_numeric",
            f"目标值不是数字：{what} {shown!r}（千分位须每三位一个逗号，如 1,000,000）",
            f"target is not a number: {what} {shown!r} (thousands only as 1,000,000)",
            "a decimal number",
            shown,
        )
    if read.verdict == "range":
        return _p(
            raw,
            row,
            "target",
            "target.range",
            f"目标值超出范围：{what} {shown}，绝对值应小于 10^{limit} {unit}".rstrip(),
            f"target out of range: {what} {shown}; its absolute value must be below 10^{limit} {unit_en}".rstrip(),
            f"|target| < 10^{limit} {unit_en}".rstrip(),
            shown,
        )
    if read.verdict == "precision":
        return _p(
            raw,
            row,
            "target",
            "target.precision",
            f"目标值小数位过多：{what} {shown}，最多保留 {TARGET_SCALE} 位小数",
            f"too many decimals in the target: {what} {shown}; at most {TARGET_SCALE}",
            f"<= {TARGET_SCALE} decimals",
            shown,
        )
    return None


def _targets(raws: list[RawTable], catalog: Catalog, known: set[str], problems: list[Problem]) -> pd.DataFrame:
    records: list[dict[str, object]] = []
    for raw in raws:
        rows = raw.table.column(ROW).to_pylist()
        for r, e, y, ind, t in zip(
            rows,
            _text(raw, "entity_id"),
            _text(raw, "year"),
            _text(raw, "indicator"),
            _text(raw, "target"),
            strict=True,
        ):
            ok = True
            if e not in known:
                problems.append(
                    _p(
                        raw,
                        r,
                        "entity_id",
                        "entity.unknown",
                        f"未知企业：{e}",
                        f"unknown entity: {e}",
                        "an entity_id of the entities",
                        e,
                    )
                )
                ok = False
            if not (_YEAR.match(y) and FIRST_YEAR <= int(y) <= LAST_YEAR):
                problems.append(
                    _p(
                        raw,
                        r,
                        "year",
                        "year.format",
                        f"年度格式错误：{_short(y)!r}，应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的四位数字",
                        f"bad year {_short(y)!r}; expected four digits from {FIRST_YEAR} to {LAST_YEAR}",
                        f"YYYY, {FIRST_YEAR} … {LAST_YEAR}",
                        _short(y),
                    )
                )
                ok = False
            if ind not in catalog.indicators:
                problems.append(
                    _p(
                        raw,
                        r,
                        "indicator",
                        "indicator.unknown",
                        f"未知指标：{ind}",
                        f"unknown indicator: {ind}",
                        "an indicator code",
                        ind,
                    )
                )
                ok = False
            unit = catalog.indicators[ind].unit if ind in catalog.indicators else ""
            bad = _target_problem(raw, r, f"{_short(e, 40)} {_short(y, 8)} {_short(ind, 40)}", t, unit)
            if bad is not None:
                problems.append(bad)
                ok = False
            else:
                value = Decimal(number_text(t) or "")  # exact, and checked to fit
            if ok:
                records.append(
                    {
                        "entity_id": e,
                        "year": int(y),
                        "indicator": ind,
                        "target": value,
                        "__row__": r,
                        "__file__": raw.name,
                        "__source__": str(raw.path),
                    }
                )
    frame = pd.DataFrame.from_records(
        records, columns=["entity_id", "year", "indicator", "target", "__row__", "__file__", "__source__"]
    )
    dup = frame[frame.duplicated(["entity_id", "year", "indicator"], keep="first")]
    for _, row in dup.iterrows():
        problems.append(
            Problem(
                "target.duplicate",
                f"重复的目标：{row.entity_id} {row.year} {row.indicator}",
                f"duplicate target: {row.entity_id} {row.year} {row.indicator}",
                file=str(row["__file__"]),
                row=int(row["__row__"]),
                column="indicator",
                expected="one target per entity, year and indicator",
                found=f"{row.entity_id} {row.year} {row.indicator}",
            )
        )
    return frame
