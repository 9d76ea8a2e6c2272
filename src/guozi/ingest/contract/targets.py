"""The targets files: each target an exact decimal that fits its indicator's unit."""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from guozi.catalog.model import Catalog
from guozi.ingest.contract.cells import A_DECIMAL, A_KNOWN_ENTITY, cell_texts, problem_at, short
from guozi.ingest.readers import ROW, RawTable
from guozi.kernel.errors import Problem
from guozi.kernel.periods import FIRST_YEAR, LAST_YEAR
from guozi.kernel.text import Text
from guozi.kernel.units import LIMIT_EXPONENT, TARGET_LIMIT_EXPONENT, TARGET_SCALE, exact_number, number_text, unit_name

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
    shown = short(text)
    unit_en = unit_name(unit, "en")
    if read.verdict == "number":
        return problem_at(
            raw,
            row,
            "target",
            "value.not_numeric",
            f"目标值不是数字：{what} {shown!r}（千分位须每三位一个逗号，如 1,000,000）",
            f"target is not a number: {what} {shown!r} (thousands only as 1,000,000)",
            A_DECIMAL,
            shown,
        )
    if read.verdict == "range":
        return problem_at(
            raw,
            row,
            "target",
            "target.range",
            f"目标值超出范围：{what} {shown}，绝对值应小于 10^{limit} {unit}".rstrip(),
            f"target out of range: {what} {shown}; its absolute value must be below 10^{limit} {unit_en}".rstrip(),
            Text(f"绝对值小于 10^{limit} {unit}".rstrip(), f"|target| < 10^{limit} {unit_en}".rstrip()),
            shown,
        )
    if read.verdict == "precision":
        return problem_at(
            raw,
            row,
            "target",
            "target.precision",
            f"目标值小数位过多：{what} {shown}，最多保留 {TARGET_SCALE} 位小数",
            f"too many decimals in the target: {what} {shown}; at most {TARGET_SCALE}",
            Text(f"至多 {TARGET_SCALE} 位小数", f"<= {TARGET_SCALE} decimals"),
            shown,
        )
    return None


def read_targets(raws: list[RawTable], catalog: Catalog, known: set[str], problems: list[Problem]) -> pd.DataFrame:
    """The targets of the targets files, exact decimals, with each row's file and number; problems listed.

    ``known`` are the entity codes after the import.
    """
    records: list[dict[str, object]] = []
    for raw in raws:
        rows = raw.table.column(ROW).to_pylist()
        for r, e, y, ind, t in zip(
            rows,
            cell_texts(raw, "entity_id"),
            cell_texts(raw, "year"),
            cell_texts(raw, "indicator"),
            cell_texts(raw, "target"),
            strict=True,
        ):
            bad = _key_problems(raw, r, e, y, ind, catalog, known)
            unit = catalog.indicators[ind].unit if ind in catalog.indicators else ""
            wrong = _target_problem(raw, r, f"{short(e, 40)} {short(y, 8)} {short(ind, 40)}", t, unit)
            if wrong is not None:
                bad.append(wrong)
            problems.extend(bad)
            if not bad:
                records.append(
                    {
                        "entity_id": e,
                        "year": int(y),
                        "indicator": ind,
                        "target": Decimal(number_text(t) or ""),  # exact, and checked to fit
                        "__row__": r,
                        "__file__": raw.name,
                        "__source__": str(raw.path),
                    }
                )
    frame = pd.DataFrame.from_records(
        records, columns=["entity_id", "year", "indicator", "target", "__row__", "__file__", "__source__"]
    )
    problems.extend(_duplicates(frame))
    return frame


def _key_problems(raw: RawTable, r: int, e: str, y: str, ind: str, catalog: Catalog, known: set[str]) -> list[Problem]:
    """The problems of a target's key (entity ``e``, year ``y``, indicator ``ind``) at row ``r``."""
    out: list[Problem] = []
    if e not in known:
        out.append(
            problem_at(
                raw,
                r,
                "entity_id",
                "entity.unknown",
                f"未知企业：{e}",
                f"unknown entity: {e}",
                A_KNOWN_ENTITY,
                e,
            )
        )
    if not (_YEAR.match(y) and FIRST_YEAR <= int(y) <= LAST_YEAR):
        out.append(
            problem_at(
                raw,
                r,
                "year",
                "year.format",
                f"年度格式错误：{short(y)!r}，应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的四位数字",
                f"bad year {short(y)!r}; expected four digits from {FIRST_YEAR} to {LAST_YEAR}",
                f"YYYY, {FIRST_YEAR} … {LAST_YEAR}",
                short(y),
            )
        )
    if ind not in catalog.indicators:
        out.append(
            problem_at(
                raw,
                r,
                "indicator",
                "indicator.unknown",
                f"未知指标：{ind}",
                f"unknown indicator: {ind}",
                Text("指标代码", "an indicator code"),
                ind,
            )
        )
    return out


def _duplicates(frame: pd.DataFrame) -> list[Problem]:
    """A target after the first for the same entity, year and indicator."""
    out: list[Problem] = []
    dup = frame[frame.duplicated(["entity_id", "year", "indicator"], keep="first")]
    for _, row in dup.iterrows():
        out.append(
            Problem(
                "target.duplicate",
                f"重复的目标：{row.entity_id} {row.year} {row.indicator}",
                f"duplicate target: {row.entity_id} {row.year} {row.indicator}",
                file=str(row["__file__"]),
                row=int(row["__row__"]),
                column="indicator",
                expected="one target per entity, year and indicator",
                expected_zh="每个企业、年度、指标一个目标",
                found=f"{row.entity_id} {row.year} {row.indicator}",
            )
        )
    return out
