"""Fuzzing the contract's edge through ``check`` and ``import`` (issue 16).

Hypothesis writes odd but plausible facts, entities and targets (numbers in every notation, odd
headings, unicode, empty cells, huge and tiny numbers, bad periods) as CSV, XLSX and Parquet
files and as a filled report form (``guozi template``), and runs ``check`` then ``import`` on a
fresh store. Every input is either refused (a :class:`~guozi.kernel.errors.GuoziError`, exit 2 on the
command line) with the store untouched, or stored exactly: each value read back is Decimal-equal
to the input converted to yuan, worked out here independently with Python's decimals in a
context wide enough never to round. ``check`` and ``import`` always agree.

For facts and targets the oracle is two-sided: it also says *which* inputs the contract must
take (the contract's checks only, without the validation rules' judgement), so a refusal of a
good input fails as surely as a crash or a silent change.

The examples are derandomised and bounded: the file runs in well under two minutes. To hunt,
``GUOZI_FUZZ_EXAMPLES=500 GUOZI_FUZZ_RANDOM=1`` draws more examples, afresh each run.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, InvalidOperation, localcontext
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guozi.catalog import load_catalog
from guozi.catalog.industries import industry_issue
from guozi.catalog.model import Catalog
from guozi.cli import app
from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace
from guozi.workspace.history import make_template

EXAMPLES = int(os.environ.get("GUOZI_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="GUOZI_FUZZ_RANDOM" not in os.environ,  # fixed examples in CI; set it to hunt afresh
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
CATALOG: Catalog = load_catalog()
KNOWN = ("A", "B")  # the entities every fresh store holds
PERSONS = tuple(code for code, item in CATALOG.items.items() if item.unit == "人")
ITEMS = ("revenue", "total_assets", "cash", *PERSONS)
# the factor of each unit spelling, as the data contract lists them (§1 of data-contract.md)
FACTORS = {
    "元": 1,
    "yuan": 1,
    "千元": 10**3,
    "thousand": 10**3,
    "万元": 10**4,
    "10k": 10**4,
    "百万元": 10**6,
    "million": 10**6,
    "亿元": 10**8,
    "100m": 10**8,
    "十亿元": 10**9,
    "billion": 10**9,
}
PERSON_UNITS = ("人", "persons")
WIDE = Context(prec=5000, Emax=MAX_EMAX, Emin=MIN_EMIN)  # never rounds the numbers generated here

# ------------------------------------------------------------------------------ the oracle

_PLAIN = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?", re.ASCII)


def number(text: str) -> Decimal | None:
    """The exact number a cell's text denotes under the contract, or ``None`` if it is none."""
    t = text.strip()
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    elif not _PLAIN.fullmatch(t):
        return None
    try:
        with localcontext(WIDE):
            return Decimal(t) + 0
    except InvalidOperation:
        return None


def fits(value: Decimal, places: int, limit: Decimal) -> bool:
    """``value`` has at most ``places`` decimals and ``|value| < limit``."""
    with localcontext(WIDE):
        return abs(value) < limit and value == value.quantize(Decimal(1).scaleb(-places))


def fact_yuan(text: str, unit: str, item: str) -> Decimal | None:
    """The yuan (persons) a fact row must be stored as, or ``None`` if the contract must refuse it."""
    persons = item in PERSONS
    u = unit.strip()
    if u == "":
        factor = 1
    elif persons:
        if u not in PERSON_UNITS and u.lower() not in PERSON_UNITS:
            return None
        factor = 1
    else:
        key = u if u in FACTORS else u.lower()
        if key not in FACTORS:
            return None
        factor = FACTORS[key]
    value = number(text)
    if value is None:
        return None
    with localcontext(WIDE):
        yuan = value * factor
    return yuan if fits(yuan, 4, Decimal(10) ** 16) else None


def period_code(text: str) -> int | None:
    """The ``YYYYMM`` of a period cell the contract must take, or ``None``."""
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text.strip(), re.ASCII)
    if m is None:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return year * 100 + month if 1900 <= year <= 2999 and 1 <= month <= 12 else None


# ----------------------------------------------------------------------------- strategies

JUNK_NUMBERS = [
    "",
    " ",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "sNaN",
    "1,0,0",
    "1,00",
    "1_000",
    "١٢٣",
    "１２３",
    "²",
    "1e",
    "e5",
    "--1",
    "1..2",
    "0x10",
    "1e99999",
    "-1e99999",
    "1e-99999",
    "0e99999",
    "0e-99999",
    "9" * 40,
    "0." + "0" * 30 + "1",
    "1 000",
    "12a",
    "一百",
    "=1+1",
    "1e+",
    "+",
    "-",
    ".",
    "12345678.12345e0",
    "9999999999999999.9999",
    "10000000000000000",
    "1e16",
    "-1e16",
    "1.5e-4",
    "0.00005",
]


@st.composite
def decimals(draw: st.DrawFn) -> Decimal:
    """Numbers of every size: from 10^-9 to 10^22, with up to 9 decimals."""
    mantissa = draw(st.integers(min_value=-(10**22), max_value=10**22))
    scale = draw(st.integers(min_value=-4, max_value=9))
    return Decimal(mantissa).scaleb(-scale)


@st.composite
def notations(draw: st.DrawFn) -> str:
    """A number written one of the ways people and programs write numbers."""
    d = draw(decimals())
    style = draw(
        st.sampled_from(["plain", "sci", "shifted", "grouped", "plus", "zeros", "dot", "spaces", "padded", "repr"])
    )
    if style == "sci":
        text = f"{d:e}" if draw(st.booleans()) else f"{d:E}"
    elif style == "shifted":  # the same number with its point moved into an exponent
        k = draw(st.integers(min_value=-30, max_value=30))
        text = f"{d.scaleb(-k):f}e{k}"
    elif style == "grouped":
        text = f"{d:,f}"
    elif style == "plus":
        text = f"+{d:f}" if d >= 0 else f"{d:f}"
    elif style == "zeros":
        text = f"{d:f}".replace("-", "")
        text = ("-" if d < 0 else "") + "000" + text
    elif style == "dot":
        text = f"{d:f}" + ("." if "." not in f"{d:f}" else "")
    elif style == "spaces":
        text = f"  {d:f}\t"
    elif style == "padded":  # trailing zeros: the same number, more decimals written than it has
        plain = f"{d:f}"
        text = plain + ("0" * 8 if "." in plain else ".00000000")
    elif style == "repr":
        text = repr(float(d))
    else:
        text = f"{d:f}"
    return text


TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=8)  # what a cell can hold
NUMBERS = st.one_of(notations(), notations(), st.sampled_from(JUNK_NUMBERS), TEXT)
PERIODS = st.one_of(
    st.sampled_from(["2025-06", "2025-06", "1900-01", "2999-12", "1899-12", "3000-01", "0000-01", "9999-12"]),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 9999), st.integers(0, 13)),
    st.sampled_from(["2025-6", "2025-13", "٢٠٢٥-٠٦", "2025-06-01", " 2025-06 ", "", "June"]),
)
UNITS = st.sampled_from([*FACTORS, *PERSON_UNITS, "", "", "万元 ", " 亿元", "YUAN", "10K", "美元", "%", "万"])
HEADINGS = st.one_of(
    st.sampled_from(
        [
            "region2",
            "Region2",
            "Name",
            "NAME",
            "ENTITY_ID",
            "submission_id",
            "Submission_ID",
            "__row__",
            "__file__",
            "__source__",
            "__sheet__",
            "__x",
            "",
            " ",
            " region",
            'a"b',
            "x; drop table facts; --",
            "a\nb",
            "属性",
            "所属省份",
            "established",
            "属" * 21,
            "属" * 22,
            "e" * 63,
            "e" * 64,
            "\u200b",
            "Ä",
            "ä",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),  # Cc too: csv and parquet hold them
)
CELL = st.one_of(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=10), st.just(""))


@dataclass(frozen=True)
class Fact:
    entity: str
    period: str
    item: str
    value: str
    unit: str
    numeric: bool  # written as a number where the format can (xlsx, parquet), not as text


FACTS = st.builds(
    Fact,
    entity=st.sampled_from(["A", "B", " A", "Z", ""]),
    period=PERIODS,
    item=st.sampled_from([*ITEMS, "bogus", ""]),
    value=NUMBERS,
    unit=UNITS,
    numeric=st.booleans(),
)

# ------------------------------------------------------------------------------- the files


def as_float(text: str) -> float | None:
    """``text`` as the float a spreadsheet would hold, if it reads as a finite one."""
    try:
        f = float(text)
    except ValueError:
        return None
    return f if math.isfinite(f) and _PLAIN.fullmatch(text.strip()) else None


def cell_value(fact: Fact) -> str:
    """The value text the reader will see: a number written as a float reads back as its repr."""
    f = as_float(fact.value) if fact.numeric else None
    return fact.value if f is None else repr(f)


def write_facts(folder: Path, fmt: str, facts: Sequence[Fact]) -> Path:
    """``facts`` as ``facts.<fmt>``; numbers written as numbers where ``numeric`` asks for it."""
    header = ["entity_id", "period", "item", "value", "unit"]
    if fmt == "csv":
        path = folder / "facts.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for f in facts:
                w.writerow([f.entity, f.period, f.item, f.value, f.unit])
        return path
    if fmt == "parquet":
        path = folder / "facts.parquet"
        floats = [as_float(f.value) for f in facts]
        numeric = bool(facts) and all(f.numeric for f in facts) and all(x is not None for x in floats)
        values = pa.array(floats, pa.float64()) if numeric else pa.array([f.value for f in facts], pa.string())
        table = pa.table(
            {
                "entity_id": [f.entity for f in facts],
                "period": [f.period for f in facts],
                "item": [f.item for f in facts],
                "value": values,
                "unit": [f.unit for f in facts],
            },
            schema=pa.schema([(h, pa.string()) for h in header[:3]] + [("value", values.type), ("unit", pa.string())]),
        )
        pq.write_table(table, path)
        return path
    path = folder / "facts.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.worksheets[0]
    ws.append(header)
    for f in facts:
        value: object = f.value
        if f.numeric and (x := as_float(f.value)) is not None:
            value = x
        period: object = f.period
        code = period_code(f.period)
        if f.numeric and code is not None and f.period == f.period.strip():
            period = datetime(code // 100, code % 100, 1)  # a date cell, shown as YYYY-MM
        ws.append([f.entity, period, f.item, value, f.unit])
    wb.save(path)
    return path


def numeric_cells(fmt: str, facts: Sequence[Fact]) -> bool:
    """Whether the values reach the reader as numbers (a float column of parquet, number cells of xlsx)."""
    if fmt == "parquet":
        return bool(facts) and all(f.numeric and as_float(f.value) is not None for f in facts)
    return fmt == "xlsx"


def expected_facts(fmt: str, facts: Sequence[Fact]) -> dict[tuple[str, int, str], Decimal] | None:
    """What the store must hold after importing ``facts`` (contract only), or ``None``: refused."""
    out: dict[tuple[str, int, str], Decimal] = {}
    numeric = numeric_cells(fmt, facts)
    for f in facts:
        if fmt == "xlsx" and not any((f.entity, f.period, f.item, f.value, f.unit)):
            continue  # an empty row of a sheet is no row
        text = cell_value(f) if numeric else f.value
        if fmt == "xlsx" and text.startswith("="):
            text = ""  # a formula without a computed result: no value
        entity, item, code = f.entity.strip(), f.item.strip(), period_code(f.period)
        yuan = fact_yuan(text, f.unit, item) if item in CATALOG.items else None
        if entity not in KNOWN or code is None or yuan is None or (entity, code, item) in out:
            return None
        out[(entity, code, item)] = yuan
    return out


# -------------------------------------------------------------------------------- running


@contextmanager
def fresh() -> Iterator[tuple[Workspace, Path]]:
    """A store holding the entities A and B, and a scratch folder, both gone afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="guozi-fuzz-"))
    ws = Workspace(DuckDBStore(":memory:"), CATALOG)
    try:
        (folder / "base").mkdir()
        ents = folder / "base" / "entities.csv"
        ents.write_text("entity_id,name\n" + "".join(f"{e},{e} 公司\n" for e in KNOWN), encoding="utf-8")
        ws.import_files([ents], validate=False)
        yield ws, folder
    finally:
        ws.close()
        shutil.rmtree(folder)


def stored_facts(ws: Workspace) -> dict[tuple[str, int, str], Decimal]:
    rows = ws.store.facts().to_pyarrow().to_pylist()
    return {(r["entity_id"], int(r["period"]), r["item"]): r["value"] for r in rows}


def counts(ws: Workspace) -> tuple[int, int, int]:
    """(facts, targets, entity rows) in the store: unchanged by a refusal."""
    return (
        len(stored_facts(ws)),
        len(ws.store.targets()),
        len(ws.store.entities()),
    )


def check_then_import(ws: Workspace, paths: Sequence[Path], *, validate: bool = False) -> bool:
    """``check`` then ``import``: both refuse (nothing written) or both accept. Whether accepted."""
    checked = ws.check(paths, validate=validate)
    assert all(p.message_zh and p.message_en for p in checked.problems)
    before = counts(ws)
    try:
        ws.import_files(paths, validate=validate, user="fuzz")
    except GuoziError as exc:
        assert checked.blocking or checked.verify, f"import refused what check passed: {exc.message_en}"
        assert counts(ws) == before
        return False
    assert not checked.blocking, [p.message_en for p in checked.blocking]
    return True


# ------------------------------------------------------------------------------------ facts


@FUZZ
@given(facts=st.lists(FACTS, min_size=1, max_size=5), fmt=st.sampled_from(["csv", "xlsx", "parquet"]))
def test_facts_in_any_notation_are_refused_or_stored_exactly(facts: list[Fact], fmt: str) -> None:
    """Two-sided: the contract takes exactly the rows the oracle takes, and stores their exact yuan."""
    want = expected_facts(fmt, facts)
    with fresh() as (ws, folder):
        path = write_facts(folder, fmt, facts)
        accepted = check_then_import(ws, [path])
        assert accepted == (want is not None), (want, [p.message_en for p in ws.check([path]).problems][:3])
        if want is not None:
            assert stored_facts(ws) == want


@FUZZ
@given(
    cells=st.lists(st.tuples(st.integers(min_value=0, max_value=200), NUMBERS, st.booleans()), min_size=1, max_size=4)
)
def test_a_filled_report_form_is_refused_or_stored_exactly(form: Path, cells: list[tuple[int, str, bool]]) -> None:
    """The monthly form of ``guozi template``: column C filled with numbers or text of every kind.

    The form's unit is 万元 (persons for head counts): a money cell of 1.5 is 15 000 yuan.
    """
    with fresh() as (ws, folder):
        wb = openpyxl.load_workbook(form)
        lines = [
            (ws_.title, r) for ws_ in wb.worksheets if ws_.sheet_state == "visible" for r in range(5, ws_.max_row + 1)
        ]
        lines = [(s, r) for s, r in lines if wb[s][f"G{r}"].value]
        filled: dict[tuple[str, int], tuple[str, str]] = {}
        for k, text, numeric in cells:
            sheet, row = lines[k % len(lines)]
            f = as_float(text) if numeric else None
            wb[sheet][f"C{row}"] = f if f is not None else text
            seen = repr(f) if f is not None else text
            filled[(sheet, row)] = (str(wb[sheet][f"G{row}"].value), seen)
        path = folder / "filled.xlsx"
        wb.save(path)
        want: dict[tuple[str, int, str], Decimal] | None = {}
        for code, seen in filled.values():
            if seen.strip() == "":
                continue  # an empty cell is no figure
            yuan = fact_yuan(seen, "人" if code in PERSONS else "万元", code) if not seen.startswith("=") else None
            if yuan is None or want is None:
                want = None
                continue
            want[("A", 202506, code)] = yuan
        accepted = check_then_import(ws, [path])
        assert accepted == (want is not None), (filled, [p.message_en for p in ws.check([path]).problems][:3])
        if want is not None:
            assert stored_facts(ws) == want


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A's report form for 2025-06, made by ``guozi template`` (in 万元)."""
    folder = tmp_path_factory.mktemp("form")
    with fresh() as (ws, _):
        return make_template(ws, "A", Period(2025, 6), folder / "A-2025-06.xlsx")


# --------------------------------------------------------------------------------- entities


def heading_ok(name: str) -> bool:
    """Whether a heading, on its own, names an attribute the store keeps exactly as written."""
    reserved = {"entity_id", "name", "parent_id", "industry", "category", "region", "valid_from", "valid_to"}
    return (
        name.strip() != ""
        and name == name.strip()
        and not name.startswith("__")
        and '"' not in name
        and not any(unicodedata.category(ch).startswith("C") for ch in name)
        and len(name.encode("utf-8")) <= 63
        and name.casefold() not in {*reserved, "submission_id"}
    )


def xlsx_safe(text: str) -> bool:
    """Whether openpyxl can write ``text`` into a cell (it refuses most control characters)."""
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text)


@FUZZ
@given(
    headings=st.lists(HEADINGS, min_size=1, max_size=4),
    rows=st.lists(st.lists(CELL, min_size=4, max_size=4), min_size=1, max_size=3),
    fmt=st.sampled_from(["csv", "xlsx", "parquet"]),
)
def test_entity_attributes_with_odd_headings_are_refused_or_stored_exactly(
    headings: list[str], rows: list[list[str]], fmt: str
) -> None:
    """Two-sided: a file whose headings the oracle finds fit is taken and each value kept as
    written; reserved, clashing, empty, quoted, over-long or control-character headings refuse it."""
    header = ["entity_id", "name", *headings]
    records = [[f"E{k}", f"企业{k}", *cells[: len(headings)]] for k, cells in enumerate(rows)]
    if fmt == "xlsx":
        assume(all(xlsx_safe(h) for h in headings))
        # the xlsx reader trims headings and drops empty trailing ones; a formula has no value
        seen = ["" if h.startswith("=") else h.strip() for h in header]
        while seen and seen[-1] == "":
            seen.pop()
        values = [[("" if c.startswith("=") else c) for c in rec[: len(seen)]] for rec in records]
    else:
        assume(fmt == "csv" or len(set(header)) == len(header))  # a parquet file cannot repeat a name
        seen, values = header, records
    attrs = seen[2:]
    fit = (
        all(heading_ok(h) or h in ("industry", "region") for h in attrs)
        and len({h.casefold() for h in attrs}) == len(attrs)
        and all(
            period_code(v[k + 2]) or v[k + 2].strip() == ""
            for v in values
            for k, h in enumerate(attrs)
            if h == "established"
        )
        and all(industry_issue(v[k + 2]) is None for v in values for k, h in enumerate(attrs) if h == "industry")
    )
    with fresh() as (ws, folder):
        path = folder / f"entities.{fmt}"
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows(records)
        elif fmt == "xlsx":
            wb = openpyxl.Workbook()
            sheet = wb.worksheets[0]
            for rec in [header, *records]:
                sheet.append([c if c != "" else None for c in rec])
            wb.save(path)
        else:
            pq.write_table(pa.table({h: [r[k] for r in records] for k, h in enumerate(header)}), path)
        accepted = check_then_import(ws, [path])
        assert accepted == fit, (seen, [p.message_en for p in ws.check([path]).problems][:3])
        if accepted:
            stored = ws.store.entities()
            for k, rec in enumerate(values):
                got = stored[stored.entity_id == f"E{k}"].iloc[0]
                for h, cell in zip(attrs, rec[2:], strict=False):
                    assert (got[h] or "") == cell.strip(), (h, cell)


# ---------------------------------------------------------------------------------- targets

INDICATOR_UNITS = {code: ind.unit for code, ind in CATALOG.indicators.items()}


def target_value(text: str, indicator: str) -> Decimal | None:
    """The exact target the store must keep, or ``None``: refused (10 decimals; 10^6 for % and 倍)."""
    value = number(text)
    if value is None:
        return None
    limit = Decimal(10) ** (6 if INDICATOR_UNITS[indicator] in ("%", "倍") else 16)
    return value if fits(value, 10, limit) else None


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "Z"]),
            st.one_of(
                st.sampled_from(["2025", "2026", "1900", "2999", "1899", "3000", "0000", "9999", "²⁰²⁵", "٢٠٢٥", "25"]),
                TEXT,
            ),
            st.sampled_from(["revenue", "debt_ratio", "current_ratio", "average_employees", "bogus"]),
            NUMBERS,
        ),
        min_size=1,
        max_size=4,
    ),
    fmt=st.sampled_from(["csv", "xlsx", "parquet"]),
)
def test_targets_are_refused_or_stored_exactly(rows: list[tuple[str, str, str, str]], fmt: str) -> None:
    """Two-sided: the oracle says which targets must be taken, and they are kept digit for digit."""
    want: dict[tuple[str, int, str], Decimal] | None = {}
    for e, y, ind, t in rows:
        year = y.strip()
        ok = re.fullmatch("[0-9]{4}", year, re.ASCII) is not None and 1900 <= int(year) <= 2999
        value = target_value(t, ind) if ind in INDICATOR_UNITS else None
        if want is None or e not in KNOWN or not ok or value is None or (e, int(year), ind) in want:
            want = None
            continue
        want[(e, int(year), ind)] = value
    with fresh() as (ws, folder):
        header = ["entity_id", "year", "indicator", "target"]
        path = folder / f"targets.{fmt}"
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows(rows)
        elif fmt == "xlsx":
            wb = openpyxl.Workbook()
            sheet = wb.worksheets[0]
            sheet.append(header)
            for r in rows:
                sheet.append(list(r))
            wb.save(path)
        else:
            pq.write_table(pa.table({h: [r[k] for r in rows] for k, h in enumerate(header)}), path)
        accepted = check_then_import(ws, [path])
        assert accepted == (want is not None), (rows, [p.message_en for p in ws.check([path]).problems][:3])
        if want is not None:
            got = {
                (str(r["entity_id"]), int(r["year"]), str(r["indicator"])): Decimal(str(r["target"]))
                for r in ws.store.targets().to_dict("records")
            }
            assert got == want


# ----------------------------------------------------------------------- the command line

runner = CliRunner()


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 5))
@given(facts=st.lists(FACTS, min_size=1, max_size=4), fmt=st.sampled_from(["csv", "xlsx", "parquet"]))
def test_the_commands_exit_0_or_2_agree_and_store_exactly(facts: list[Fact], fmt: str) -> None:
    """``guozi check`` and ``guozi import`` with every rule in force: never exit 1; check's verdict
    is import's (a 核实 problem refuses an import without an explanation); what lands is exact."""
    with fresh() as (_, folder):
        store = f"duckdb:///{folder / 's.duckdb'}"
        ents = folder / "base" / "entities.csv"
        assert runner.invoke(app, ["import", str(ents), "--store", store]).exit_code == 0
        path = write_facts(folder, fmt, facts)
        checked = runner.invoke(app, ["check", str(path), "--store", store, "--format", "json", "--lang", "en"])
        assert checked.exit_code in (0, 2), checked.output
        problems = json.loads(checked.stdout) if checked.stdout.strip() else []
        imported = runner.invoke(app, ["import", str(path), "--store", store, "--lang", "en"])
        assert imported.exit_code in (0, 2), imported.output
        assert "Traceback" not in imported.output
        must_refuse = checked.exit_code == 2 or any(p["severity"] == "verify" for p in problems)
        assert imported.exit_code == (2 if must_refuse else 0), (problems, imported.output)
        if imported.exit_code == 0:
            want = expected_facts(fmt, facts)
            assert want is not None, facts
            store_ = DuckDBStore(str(folder / "s.duckdb"))
            try:
                rows = store_.facts().to_pyarrow().to_pylist()
            finally:
                store_.close()
            assert {(r["entity_id"], int(r["period"]), r["item"]): r["value"] for r in rows} == want


def test_the_oracle_reads_numbers_as_the_contract_describes() -> None:
    """The oracle itself, on cases worked out by hand."""
    assert fact_yuan("12345678.12345e0", "元", "revenue") is None
    assert fact_yuan("12345678.1234e0", "元", "revenue") == Decimal("12345678.1234")
    assert fact_yuan("1.5", "万元", "revenue") == Decimal(15000)
    assert fact_yuan("1,234.5", "", "revenue") == Decimal("1234.5")
    assert fact_yuan("1,0,0", "", "revenue") is None
    assert fact_yuan("1e16", "元", "revenue") is None
    assert fact_yuan("9999999.9999999999999", "billion", "revenue") == Decimal("9999999999999999.9999")
    assert fact_yuan("3", "万元", PERSONS[0]) is None
    assert period_code("1899-12") is None and period_code(" 2999-12 ") == 299912
    assert target_value("1e28", "revenue") is None and target_value("999999.9", "debt_ratio") == Decimal("999999.9")
