"""Reading the data contract's files into checked, normalised tables, listing every problem.

Values are parsed as decimals (never floats) and converted to yuan exactly; a figure with more
than four decimals in yuan, or a value that is not a number, is a problem, never a zero.
The heavy lifting is vectorised in an in-process DuckDB over Arrow; only the failing rows come
back to Python, as :class:`~guozi.errors.Problem` values naming file, row, column, rule, expected
and found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.engine.tree import tree_problems
from guozi.errors import Problem
from guozi.ingest.readers import ROW, SUFFIXES, RawTable, file_hash, read_raw
from guozi.ingest.units import ALL_UNITS, PERSON_UNITS, STORE_LIMIT, STORE_SCALE, allowed_units
from guozi.periods import Period

Kind = Literal["entities", "facts", "targets"]
KINDS: tuple[Kind, ...] = ("entities", "facts", "targets")
REQUIRED: dict[Kind, tuple[str, ...]] = {
    "entities": ("entity_id", "name"),
    "facts": ("entity_id", "period", "item", "value"),
    "targets": ("entity_id", "year", "indicator", "target"),
}
ENTITY_COLUMNS = ("entity_id", "name", "parent_id", "industry", "category", "region", "valid_from", "valid_to")
CATEGORIES = ("commercial_competitive", "commercial_strategic", "public_welfare")
FACT_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("period", pa.int32()),
        ("item", pa.string()),
        ("value", pa.decimal128(18, STORE_SCALE)),
        ("source", pa.string()),  # the input file's path: which submission the row belongs to
    ]
)
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_GROUPED = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"
_PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class SourceFile:
    """One input file: what it is and its content hash."""

    path: Path
    kind: Kind
    sha256: str
    rows: int


@dataclass
class Batch:
    """What a set of input files holds, normalised, and every problem found in it."""

    entities: pd.DataFrame | None = None
    facts: pa.Table | None = None
    targets: pd.DataFrame | None = None
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def blocking(self) -> list[Problem]:
        """The problems that refuse the input."""
        return [p for p in self.problems if p.severity == "blocking"]


def collect_files(paths: Iterable[Path]) -> tuple[list[tuple[Path, Kind]], list[Problem]]:
    """The input files of ``paths`` (folders or files) with their kind."""
    found: list[tuple[Path, Kind]] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and _kind_of(p) is not None)
            if not inside:
                problems.append(
                    Problem(
                        "file.none",
                        f"文件夹中没有 entities、facts 或 targets 文件（{'/'.join(SUFFIXES)}）",
                        f"the folder holds no entities, facts or targets file ({'/'.join(SUFFIXES)})",
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
                        "无法判断文件内容：文件名应以 entities、facts 或 targets 开头",
                        "cannot tell what the file holds: its name should start with entities, facts or targets",
                        file=path.name,
                        expected="entities.* | facts.* | targets.*",
                        found=path.name,
                    )
                )
            else:
                found.append((path, kind))
    return found, problems


def _kind_of(path: Path) -> Kind | None:
    stem = path.stem.lower()
    for kind in KINDS:
        if stem.startswith(kind):
            return kind
    return None


def read_batch(paths: Sequence[Path], catalog: Catalog, *, known_entities: pd.DataFrame | None = None) -> Batch:
    """Read and check ``paths``; ``known_entities`` are the store's current entity rows."""
    files, problems = collect_files(paths)
    batch = Batch(problems=problems)
    raws: dict[Kind, list[RawTable]] = {k: [] for k in KINDS}
    for path, kind in files:
        raw = read_raw(path)
        if isinstance(raw, Problem):
            batch.problems.append(raw)
            continue
        missing = [c for c in REQUIRED[kind] if c not in raw.table.column_names]
        if missing:
            batch.problems.append(
                Problem(
                    "file.columns",
                    f"缺少必需的列：{', '.join(missing)}",
                    f"required column(s) missing: {', '.join(missing)}",
                    file=raw.name,
                    sheet=raw.sheet,
                    row=1,
                    expected=", ".join(REQUIRED[kind]),
                    found=", ".join(c for c in raw.table.column_names if c != ROW),
                )
            )
            continue
        raws[kind].append(raw)
        batch.files.append(SourceFile(path, kind, file_hash(path), raw.table.num_rows))
    if raws["entities"]:
        batch.entities = _entities(raws["entities"], batch.problems)
    current = _merge_entities(known_entities, batch.entities)
    if batch.entities is not None:
        _check_tree(current, batch.entities, batch.problems)
    known_ids = set(current.entity_id) if current is not None else set()
    if raws["facts"]:
        batch.facts = _facts(raws["facts"], catalog, known_ids, batch.problems)
    if raws["targets"]:
        batch.targets = _targets(raws["targets"], catalog, known_ids, batch.problems)
    return batch


def _merge_entities(known: pd.DataFrame | None, new: pd.DataFrame | None) -> pd.DataFrame | None:
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


def _entities(raws: list[RawTable], problems: list[Problem]) -> pd.DataFrame:
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
            for col in ("valid_from", "valid_to"):
                v = frame[col][i]
                if v != "" and not _is_period(v):
                    problems.append(
                        _p(raw, r, col, "period.format", f"期间格式错误：{v}", f"bad period: {v}", "YYYY-MM", v)
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


def _facts(raws: list[RawTable], catalog: Catalog, known: set[str], problems: list[Problem]) -> pa.Table:
    con = duckdb.connect()
    units = pd.DataFrame(
        [(u, str(f), u in PERSON_UNITS) for u, f in ALL_UNITS.items()], columns=["unit", "factor", "persons"]
    )
    items = pd.DataFrame([(c, i.unit == "人") for c, i in catalog.items.items()], columns=["item", "persons"])
    entities = pd.DataFrame({"entity_id": sorted(known)}, dtype=object)
    con.register("units_t", units)
    con.register("items_t", items)
    con.register("entities_t", entities)
    parts: list[pa.Table] = []
    keys: list[pa.Table] = []
    for raw in raws:
        table = raw.table
        if "unit" not in table.column_names:
            table = table.append_column("unit", pa.array([""] * table.num_rows, pa.string()))
        con.register("raw_t", table)
        con.execute(
            f"""
            create or replace temp table parsed as
            with r as (
                select "{ROW}" as rn, trim(entity_id) as e, trim(period) as p, trim(item) as i, trim(value) as v,
                       trim(coalesce(unit, '')) as u
                from raw_t
            ), n as (
                select r.*,
                    case when regexp_full_match(v, '{_NUMBER}') then v
                         when regexp_full_match(v, '{_GROUPED}') then replace(v, ',', '')
                    end as vt,
                    regexp_full_match(p, '{_PERIOD}') as p_ok,
                    items_t.persons as item_persons,
                    e in (select entity_id from entities_t) as e_ok
                from r left join items_t on r.i = items_t.item
            ), m as (
                select n.*, try_cast(vt as decimal(38, 12)) as num,
                    coalesce(uu.unit, ul.unit) as unit_key,
                    coalesce(uu.factor, ul.factor) as factor, coalesce(uu.persons, ul.persons) as unit_persons
                from n
                left join units_t uu on n.u = uu.unit
                left join units_t ul on lower(n.u) = ul.unit
            )
            select *,
                case when p_ok then cast(substr(p, 1, 4) as integer) * 100 + cast(substr(p, 6, 2) as integer) end as pcode,
                num * cast(coalesce(factor, case when u = '' then '1' end) as decimal(38, 12)) as yuan
            from m
            """
        )
        bad = con.execute(
            """
            select rn, e, p, i, v, u, p_ok, item_persons, e_ok, vt, num, unit_key, unit_persons, yuan
            from parsed
            where e = '' or not e_ok or not p_ok or item_persons is null or v = '' or num is null
               or (u <> '' and (unit_key is null or unit_persons <> item_persons))
               or (u = '' and item_persons is null)
               or (yuan is not null and (yuan <> round(yuan, 4) or abs(yuan) >= 1e14))
            order by rn
            """
        ).fetchall()
        for rn, e, p, i, v, u, p_ok, item_persons, e_ok, vt, num, unit_key, unit_persons, yuan in bad:
            problems.extend(
                _fact_problems(raw, rn, e, p, i, v, u, p_ok, item_persons, e_ok, vt, num, unit_key, unit_persons, yuan)
            )
        good = con.execute(
            f"""
            select e as entity_id, cast(pcode as integer) as period, i as item,
                   cast(yuan as decimal(18, {STORE_SCALE})) as value, rn, '{raw.name.replace("'", "''")}' as file,
                   '{str(raw.path).replace("'", "''")}' as source
            from parsed
            where e <> '' and e_ok and p_ok and item_persons is not null and num is not null
              and (u = '' or (unit_key is not null and unit_persons = item_persons))
              and yuan = round(yuan, 4) and abs(yuan) < 1e14
            """
        ).arrow()
        if hasattr(good, "read_all"):
            good = good.read_all()
        parts.append(good.select(["entity_id", "period", "item", "value", "source"]))
        keys.append(good.select(["entity_id", "period", "item", "rn", "file"]))
        con.unregister("raw_t")
    allkeys = pa.concat_tables(keys) if keys else pa.table({})
    if allkeys.num_rows:
        con.register("keys_t", allkeys)
        dups = con.execute(
            """
            select entity_id, period, item, list(rn order by file, rn) as rns, list(file order by file, rn) as files
            from keys_t group by entity_id, period, item having count(*) > 1
            """
        ).fetchall()
        for e, p, i, rns, files in dups:
            for rn, f in zip(rns[1:], files[1:], strict=True):
                problems.append(
                    Problem(
                        "fact.duplicate",
                        f"重复的数据行：{e} {Period.from_code(p)} {i} 已在 {files[0]} 第{rns[0]}行出现",
                        f"duplicate row: {e} {Period.from_code(p)} {i} already given in {files[0]} row {rns[0]}",
                        file=f,
                        row=int(rn),
                        column="item",
                        expected="one value per entity, period and item",
                        found=f"{e} {Period.from_code(p)} {i}",
                    )
                )
    con.close()
    return pa.concat_tables(parts).cast(FACT_SCHEMA) if parts else FACT_SCHEMA.empty_table()


def _fact_problems(
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
    num: Decimal | None,
    unit_key: str | None,
    unit_persons: bool | None,
    yuan: Decimal | None,
) -> list[Problem]:
    out: list[Problem] = []
    if e == "":
        out.append(_p(raw, rn, "entity_id", "value.required", "企业代码为空", "entity_id is empty", "an entity_id", ""))
    elif not e_ok:
        out.append(
            _p(
                raw,
                rn,
                "entity_id",
                "entity.unknown",
                f"未知企业：{e}（不在企业名录中）",
                f"unknown entity: {e} (not among the entities)",
                "an entity_id of the entities",
                e,
            )
        )
    if not p_ok:
        out.append(
            _p(
                raw,
                rn,
                "period",
                "period.format",
                f"期间格式错误：{p!r}，应为 YYYY-MM",
                f"bad period {p!r}; expected YYYY-MM",
                "YYYY-MM",
                p,
            )
        )
    if item_persons is None:
        out.append(
            _p(
                raw,
                rn,
                "item",
                "item.unknown",
                f"未知项目代码：{i}",
                f"unknown item code: {i}",
                "an item code of items.yaml",
                i,
            )
        )
    if v == "":
        out.append(
            _p(
                raw,
                rn,
                "value",
                "value.required",
                "数值为空（缺失不等于零：请填写数值或删除此行）",
                "value is empty (missing is not zero: give a number or drop the row)",
                "a decimal number",
                "",
            )
        )
    elif vt is None or num is None:
        out.append(
            _p(
                raw,
                rn,
                "value",
                "value.not_numeric",
                f"数值不是数字：{v!r}",
                f"value is not a number: {v!r}",
                "a decimal number",
                v,
            )
        )
    if item_persons is not None and (u != "" and (unit_key is None or unit_persons != item_persons)):
        units = allowed_units(persons=bool(item_persons))
        out.append(
            _p(
                raw,
                rn,
                "unit",
                "unit.unknown",
                f"计量单位 {u!r} 不适用于项目 {i}，应为：{units}",
                f"unit {u!r} does not fit item {i}; expected one of: {units}",
                units,
                u,
            )
        )
    if yuan is not None and not out:
        if abs(yuan) >= STORE_LIMIT:
            out.append(
                _p(
                    raw,
                    rn,
                    "value",
                    "value.range",
                    f"数值超出范围：{v} {u}（折合 {yuan} 元）",
                    f"value out of range: {v} {u} ({yuan} yuan)",
                    "|value| < 1e14 yuan",
                    v,
                )
            )
        elif yuan != round(yuan, STORE_SCALE):
            out.append(
                _p(
                    raw,
                    rn,
                    "value",
                    "value.precision",
                    f"数值小数位过多：{v} {u} 折合 {yuan.normalize()} 元，最多保留 4 位小数",
                    f"too many decimals: {v} {u} is {yuan.normalize()} yuan; at most 4 decimals in yuan",
                    "<= 4 decimals in yuan",
                    v,
                )
            )
    return out


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
            if not (y.isdigit() and len(y) == 4):
                problems.append(
                    _p(raw, r, "year", "year.format", f"年度格式错误：{y!r}", f"bad year: {y!r}", "YYYY", y)
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
            try:
                value = Decimal(t.replace(",", ""))
                if not value.is_finite():
                    raise ArithmeticError
            except (ArithmeticError, ValueError):
                problems.append(
                    _p(
                        raw,
                        r,
                        "target",
                        "value.not_numeric",
                        f"目标值不是数字：{t!r}",
                        f"target is not a number: {t!r}",
                        "a decimal number",
                        t,
                    )
                )
                ok = False
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
