"""The intercompany files (contract §2b): each entity's trade and balances with a counterparty in the group.

A row is (entity_id, counterparty_id, period, item, value[, unit]) with ``item`` one of
:data:`IC_ITEMS`. Both parties must be entities of the tree valid in the period, the
counterparty not the entity itself; values are exact decimals in a money unit, converted to yuan
as facts are (:func:`~guozi.ingest.contract.numbers.parse_numbers`). Intercompany files are small
(one row per pair, month and item), so the checks run row by row over the parsed columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
import pyarrow as pa

from guozi.ingest.contract.cells import (
    A_DECIMAL,
    A_KNOWN_ENTITY,
    AN_ENTITY_ID,
    PERIOD_EXPECTED,
    cell_texts,
    is_period,
    problem_at,
    short,
)
from guozi.ingest.contract.numbers import parse_numbers
from guozi.ingest.readers import ROW, RawTable
from guozi.kernel.errors import Problem
from guozi.kernel.periods import Period
from guozi.kernel.text import Text
from guozi.kernel.units import LIMIT_EN, LIMIT_ZH, MONEY_UNITS, STORE_SCALE
from guozi.store.batch import IC_ITEMS, INTERCOMPANY_SCHEMA

MONEY_EXPECTED = " ".join(MONEY_UNITS)

Validity = dict[str, list[tuple[int, int]]]  # entity → its (from, to) period codes


def validity(entities: pd.DataFrame | None) -> Validity:
    """Each entity's validity intervals (period codes, open ends as 190001 / 299912)."""
    out: Validity = {}
    if entities is None or entities.empty:
        return out
    for eid, vf, vt in zip(entities.entity_id, entities.valid_from, entities.valid_to, strict=True):
        out.setdefault(str(eid), []).append((_code(vf, 190001), _code(vt, 299912)))
    return out


def _code(value: object, blank: int) -> int:
    """A period code of an entity row's validity cell (text ``YYYY-MM``, a code, or blank)."""
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return blank
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    try:
        return Period.parse(str(value)).code
    except ValueError:
        return blank  # the entities' own check names a bad period


def valid_in(valid: Validity, entity: str, code: int) -> bool:
    """Whether ``entity`` is in the tree in the period ``code``."""
    return any(a <= code <= b for a, b in valid.get(entity, ()))


def read_intercompany(raws: Iterable[RawTable], valid: Validity, problems: list[Problem]) -> pa.Table:
    """The good rows of the intercompany files in :data:`INTERCOMPANY_SCHEMA`; every problem listed.

    ``valid`` holds the validity of the entities after the import (:func:`validity`).
    """
    parts: list[dict[str, list[object]]] = []
    seen: dict[tuple[str, str, int, str], tuple[str, int]] = {}  # key → (file, row) where it was first
    for raw in raws:
        good: dict[str, list[object]] = {f.name: [] for f in INTERCOMPANY_SCHEMA}
        parsed = parse_numbers(
            pa.array(cell_texts(raw, "value"), pa.string()), pa.array(cell_texts(raw, "unit"), pa.string())
        )
        cells = zip(
            raw.table.column(ROW).to_pylist(),
            cell_texts(raw, "entity_id"),
            cell_texts(raw, "counterparty_id"),
            cell_texts(raw, "period"),
            cell_texts(raw, "item"),
            cell_texts(raw, "value"),
            cell_texts(raw, "unit"),
            parsed["yuan"].to_pylist(),
            parsed["vt"].to_pylist(),
            parsed["too_big"].to_pylist(),
            parsed["unit_key"].to_pylist(),
            strict=True,
        )
        for r, e, c, p, i, v, u, yuan, vt, too_big, unit_key in cells:
            bad = _key_problems(raw, r, e, c, p, i, valid)
            bad += _value_problems(raw, r, v, u, yuan, vt, too_big, unit_key)
            if not bad:
                key = (e, c, Period.parse(p).code, i)
                if key in seen:
                    bad.append(_duplicate(raw, r, key, seen[key]))
                else:
                    seen[key] = (f"{raw.name} {raw.sheet}".strip(), r)
            problems.extend(bad)
            if not bad:
                for name, value in zip(good, (e, c, key[2], i, yuan, str(raw.path), raw.sheet, r), strict=True):
                    good[name].append(value)
        parts.append(good)
    if not parts:
        return INTERCOMPANY_SCHEMA.empty_table()
    return pa.concat_tables(pa.table(p, schema=INTERCOMPANY_SCHEMA) for p in parts)


def _key_problems(raw: RawTable, r: int, e: str, c: str, p: str, i: str, valid: Validity) -> list[Problem]:
    """The problems of a row's key: the two parties, the period and the item."""
    out: list[Problem] = []
    for column, who_zh, who_en, code in (
        ("entity_id", "企业", "entity", e),
        ("counterparty_id", "交易对方", "counterparty", c),
    ):
        if code == "":
            out.append(
                problem_at(raw, r, column, "value.required", f"{who_zh}代码为空", f"{column} is empty", AN_ENTITY_ID)
            )
        elif code not in valid:
            out.append(
                problem_at(
                    raw,
                    r,
                    column,
                    "entity.unknown",
                    f"未知{who_zh}：{short(code)}",
                    f"unknown {who_en}: {short(code)}",
                    A_KNOWN_ENTITY,
                    short(code),
                )
            )
    if e != "" and e == c:
        out.append(
            problem_at(
                raw,
                r,
                "counterparty_id",
                "intercompany.self",
                f"交易对方不能是企业自身：{short(e)}",
                f"the counterparty cannot be the entity itself: {short(e)}",
                Text("集团内的另一家企业", "another entity of the group"),
                short(c),
            )
        )
    if not is_period(p):
        out.append(
            problem_at(
                raw,
                r,
                "period",
                "period.format",
                f"期间格式错误：{short(p)}，应为 {PERIOD_EXPECTED}",
                f"bad period {short(p)}; expected {PERIOD_EXPECTED}",
                PERIOD_EXPECTED,
                short(p),
            )
        )
    else:
        pcode = Period.parse(p).code
        for column, who_zh, who_en, eid in (
            ("entity_id", "企业", "entity", e),
            ("counterparty_id", "交易对方", "counterparty", c),
        ):
            if eid in valid and not valid_in(valid, eid, pcode):
                out.append(
                    problem_at(
                        raw,
                        r,
                        column,
                        "intercompany.not_in_tree",
                        f"{who_zh} {eid} 在 {p} 不在股权树中（不在有效期内）",
                        f"the {who_en} {eid} is not in the tree in {p} (outside its validity)",
                        Text(f"{p} 有效的企业", f"an entity valid in {p}"),
                        eid,
                    )
                )
    if i not in IC_ITEMS:
        out.append(
            problem_at(
                raw,
                r,
                "item",
                "intercompany.item",
                f"内部往来项目无效：{short(i)}，应为 {'、'.join(IC_ITEMS)}",
                f"unknown intercompany item {short(i)}; expected {', '.join(IC_ITEMS)}",
                " | ".join(IC_ITEMS),
                short(i),
            )
        )
    return out


def _value_problems(
    raw: RawTable, r: int, v: str, u: str, yuan: Decimal | None, vt: str | None, too_big: bool, unit_key: str | None
) -> list[Problem]:
    """The problems of a row's value and unit (a money unit; exact in yuan at four decimals)."""
    if u != "" and (unit_key is None or unit_key not in MONEY_UNITS):
        return [
            problem_at(
                raw,
                r,
                "unit",
                "unit.unknown",
                f"单位无效：{short(u)}，应为 {MONEY_EXPECTED}",
                f"unknown unit {short(u)}; expected {MONEY_EXPECTED}",
                MONEY_EXPECTED,
                short(u),
            )
        ]
    if v == "":
        return [problem_at(raw, r, "value", "value.required", "数值为空", "value is empty", A_DECIMAL)]
    if vt is None:
        return [
            problem_at(
                raw,
                r,
                "value",
                "value.not_numeric",
                f"数值不是数字：{short(v)!r}",
                f"value is not a number: {short(v)!r}",
                A_DECIMAL,
                short(v),
            )
        ]
    if too_big:
        return [
            problem_at(
                raw,
                r,
                "value",
                "value.range",
                f"数值超出范围：{short(v)} {u}，应为绝对值小于 {LIMIT_ZH}".rstrip(),
                f"value out of range: {short(v)} {u}; expected |value| < {LIMIT_EN}",
                Text(f"绝对值小于 {LIMIT_ZH}", f"|value| < {LIMIT_EN}"),
                short(v),
            )
        ]
    if yuan is None:
        return [
            problem_at(
                raw,
                r,
                "value",
                "value.precision",
                f"数值小数位过多：{short(v)} {u}，折合元最多 {STORE_SCALE} 位小数",
                f"too many decimals: {short(v)} {u}; at most {STORE_SCALE} in yuan",
                Text(f"以元计至多 {STORE_SCALE} 位小数", f"<= {STORE_SCALE} decimals in yuan"),
                short(v),
            )
        ]
    return []


def _duplicate(raw: RawTable, r: int, key: tuple[str, str, int, str], first: tuple[str, int]) -> Problem:
    e, c, p, i = key
    when = str(Period.from_code(p))
    return problem_at(
        raw,
        r,
        "item",
        "intercompany.duplicate",
        f"内部往来重复：{e} 对 {c} {when} {i}（首次出现于 {first[0]} 第{first[1]}行）",
        f"duplicate intercompany row: {e} with {c} {when} {i} (first at {first[0]} row {first[1]})",
        Text("每个企业、对方企业、期间、项目一个数值", "one value per entity, counterparty, period and item"),
        f"{e} {c} {when} {i}",
    )
