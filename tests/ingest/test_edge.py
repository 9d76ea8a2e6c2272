"""The contract's edge (issue 16): odd input is refused with exit 2 and a named limit, never a crash,
never silently altered; what is accepted is stored exactly; ``check`` and ``import`` agree.

Each case here was a crash (exit 1), a silent change, or an input ``check`` passed and ``import``
then crashed on, before the fix.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from guozi.cli import app
from guozi.kernel.units import exact_number

runner = CliRunner()
ENTITIES = "entity_id,name\nA,甲公司\n"
FACTS = "entity_id,period,item,value,unit\n"
TARGETS = "entity_id,year,indicator,target\n"


def _write(folder: Path, files: Sequence[tuple[str, str]]) -> list[str]:
    out = []
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
        out.append(str(folder / name))
    return out


def _store(folder: Path) -> str:
    return f"duckdb:///{folder / 's.duckdb'}"


def _refused(folder: Path, files: Sequence[tuple[str, str]], *needles: str) -> list[dict[str, object]]:
    """``check`` and ``import`` both exit 2 and write nothing; each needle is in the problems in both languages.

    The problems are read from ``check --format json`` (rule, expected, found and message); the
    problems of the first language are returned.
    """
    paths = _write(folder, files)
    listed: list[list[dict[str, object]]] = []
    for lang in ("zh", "en"):
        result = runner.invoke(app, ["check", *paths, "--store", _store(folder), "--lang", lang, "--format", "json"])
        assert result.exit_code == 2, (lang, result.output)
        problems = json.loads(result.stdout)
        text = json.dumps(problems, ensure_ascii=False)
        for needle in needles:
            assert needle in text, (lang, needle, problems)
        listed.append(problems)
        imported = runner.invoke(app, ["import", *paths, "--store", _store(folder), "--lang", lang])
        assert imported.exit_code == 2, (lang, imported.output)
        assert "Traceback" not in imported.output
    con = duckdb.connect(str(folder / "s.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from submissions").fetchone() == (0,)
    finally:
        con.close()
    return listed[0]


def _imported(folder: Path, files: Sequence[tuple[str, str]]) -> duckdb.DuckDBPyConnection:
    """``check`` and ``import`` both exit 0; the store, opened read-only, to read back what was written."""
    paths = _write(folder, files)
    for command in ("check", "import"):
        result = runner.invoke(app, [command, *paths, "--store", _store(folder), "--lang", "en"])
        assert result.exit_code == 0, (command, result.output)
    return duckdb.connect(str(folder / "s.duckdb"), read_only=True)


# ------------------------------------------------------------------------- reserved headings


@pytest.mark.parametrize(
    "files",
    [
        [("entities.csv", "entity_id,name,__row__\nA,甲,1\n")],
        [("entities.csv", "entity_id,name,__source__\nA,甲,x\n")],
        [
            ("entities.csv", ENTITIES),
            ("facts.csv", "entity_id,period,item,value,unit,__row__\nA,2025-01,revenue,1,元,3\n"),
        ],
        [
            ("entities.csv", ENTITIES),
            ("facts.csv", "entity_id,period,item,value,unit,__vt\nA,2025-01,revenue,1,元,3\n"),
        ],
        [("entities.csv", ENTITIES), ("targets.csv", "entity_id,year,indicator,target,__file__\nA,2025,revenue,1,x\n")],
    ],
)
def test_a_heading_starting_with_two_underscores_is_refused(tmp_path: Path, files: list[tuple[str, str]]) -> None:
    """``__row__`` (the readers' own row column) crashed check and import with a KeyError."""
    _refused(tmp_path, files, "__")


def test_a_reserved_heading_in_a_parquet_file_is_refused(tmp_path: Path) -> None:
    """The Parquet reader refuses it too, before reading the rows."""
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    table = pa.table({"entity_id": ["A"], "period": ["2025-01"], "item": ["revenue"], "value": ["1"], "__row__": [7]})
    pq.write_table(table, tmp_path / "facts.parquet")
    result = runner.invoke(
        app, ["check", str(tmp_path / "entities.csv"), str(tmp_path / "facts.parquet"), "--store", _store(tmp_path)]
    )
    assert result.exit_code == 2 and "__row__" in result.output


@pytest.mark.parametrize(
    ("heading", "needle"),
    [
        ("Name", "Name"),  # DuckDB: "Column with name Name already exists!" on import, exit 1
        ("ENTITY_ID", "ENTITY_ID"),
        ("submission_id", "submission_id"),  # "Duplicate column name submission_id in INSERT", exit 1
        ("Valid_From", "Valid_From"),
        ("", "entity.attribute"),  # an empty heading: 'alter table … add column ""' failed, exit 1
        ('a"b', "entity.attribute"),  # a quote broke the INSERT (the injection of issue 16)
        ('x"; delete from facts; --', "entity.attribute"),
        ("region ", "entity.attribute"),  # surrounding spaces: 'region ' is not 'region'
        ("a\tb", "entity.attribute"),  # a control character
        ("属" * 22, "63"),  # 66 bytes of UTF-8: PostgreSQL would cut the name to 63
    ],
)
def test_an_entity_attribute_heading_that_cannot_be_stored_is_refused(
    tmp_path: Path, heading: str, needle: str
) -> None:
    """Each passed ``check`` (exit 0) and then crashed ``import`` (exit 1) before the fix."""
    quoted = '"' + heading.replace('"', '""') + '"'
    _refused(tmp_path, [("entities.csv", f"entity_id,name,{quoted}\nA,甲,x\n")], needle)


def test_two_headings_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    """``Region2`` and ``region2``: one column to DuckDB, so import crashed (exit 1)."""
    _refused(tmp_path, [("entities.csv", "entity_id,name,Region2,region2\nA,甲,1,2\n")], "region2")


@pytest.mark.parametrize("headings", [["x", "x"], ["x", None, "y"]])
def test_xlsx_headings_are_not_renamed(tmp_path: Path, headings: list[str | None]) -> None:
    """A repeated or empty heading in an xlsx file was renamed (``x_4``, ``column_3``) and stored as a
    new attribute; now it is refused as in a csv file."""
    path = tmp_path / "entities.xlsx"
    wb = openpyxl.Workbook()
    sheet = wb.worksheets[0]
    sheet.append(["entity_id", "name", *headings])
    sheet.append(["A", "甲", *(["v"] * len(headings))])
    wb.save(path)
    for command in ("check", "import"):
        result = runner.invoke(app, [command, str(path), "--store", _store(tmp_path)])
        assert result.exit_code == 2, result.output
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    try:
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
    finally:
        con.close()
    assert not {"x_4", "column_4", "column_3"} & columns


def test_a_heading_differing_in_case_from_a_stored_attribute_is_refused(tmp_path: Path) -> None:
    """``Region2`` is stored; a later file's ``REGION2`` is refused naming the spelling to use."""
    con = _imported(tmp_path, [("entities.csv", "entity_id,name,Region2\nA,甲,华东\n")])
    con.close()
    result = runner.invoke(
        app,
        [
            "check",
            *paths_of(tmp_path, "entities_b.csv", "entity_id,name,REGION2\nB,乙,华北\n"),
            "--store",
            _store(tmp_path),
            "--lang",
            "en",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 2, result.output
    (problem,) = json.loads(result.stdout)
    assert (problem["rule"], problem["column"], problem["expected"]) == ("entity.attribute", "REGION2", "Region2")
    assert "use Region2" in problem["message"]
    imported = runner.invoke(app, ["import", str(tmp_path / "entities_b.csv"), "--store", _store(tmp_path)])
    assert imported.exit_code == 2, imported.output


def paths_of(folder: Path, name: str, text: str) -> list[str]:
    """One file ``name`` holding ``text`` in ``folder``."""
    return _write(folder, [(name, text)])


def test_an_entities_file_with_too_many_columns_is_refused_naming_the_limit(tmp_path: Path) -> None:
    """201 extra columns are refused naming 200; 5 000 (the 30 KB file that took 271 s and 9.3 GB)
    are refused by the reader naming 1 000, before any row is parsed."""
    wide = ",".join(f"c{k}" for k in range(201))
    _refused(tmp_path, [("entities.csv", f"entity_id,name,{wide}\nA,甲{',x' * 201}\n")], "201", "200")
    wider = ",".join(f"c{k}" for k in range(5000))
    other = tmp_path / "wider"
    other.mkdir()
    _refused(other, [("entities.csv", f"entity_id,name,{wider}\nA,甲{',x' * 5000}\n")], "5002", "1000")


def test_two_hundred_extra_columns_are_taken(tmp_path: Path) -> None:
    """The limit is inclusive: 200 attributes import, each value kept."""
    wide = ",".join(f"c{k}" for k in range(200))
    values = ",".join(f"v{k}" for k in range(200))
    con = _imported(tmp_path, [("entities.csv", f"entity_id,name,{wide}\nA,甲,{values}\n")])
    try:
        assert con.execute('select "c0", "c199" from entity_rows').fetchall() == [("v0", "v199")]
    finally:
        con.close()


# --------------------------------------------------------------------------------- periods


@pytest.mark.parametrize("period", ["0001-01", "1899-12", "3000-01", "9999-12"])
def test_a_period_outside_1900_to_2999_is_refused_naming_the_range(tmp_path: Path, period: str) -> None:
    """9999-12 crashed check (ValueError, exit 1); 0001-01 and 1899-12 were stored as periods 101 and 189912."""
    files = [("entities.csv", ENTITIES), ("facts.csv", FACTS + f"A,{period},revenue,1,元\n")]
    _refused(tmp_path, files, "period.format", period, "1900-01", "2999-12")


@pytest.mark.parametrize("column", ["valid_from", "valid_to", "established"])
@pytest.mark.parametrize("period", ["0001-01", "9999-12", "２０２５-０１"])
def test_an_entity_period_outside_the_range_is_refused(tmp_path: Path, column: str, period: str) -> None:
    """``established`` (the rules' start of an entity) was not checked at all; full-width digits passed."""
    _refused(tmp_path, [("entities.csv", f"entity_id,name,{column}\nA,甲,{period}\n")], "period.format", "1900-01")


def test_the_first_and_last_periods_are_taken(tmp_path: Path) -> None:
    """1900-01 and 2999-12 are inside the range (the contract's checks only: 2999 is the future)."""
    from guozi.catalog import load_catalog
    from guozi.store.duckdb import DuckDBStore
    from guozi.workspace import Workspace

    paths = [Path(p) for p in _write(tmp_path, [("entities.csv", ENTITIES)])]
    paths += [
        Path(p) for p in _write(tmp_path, [("facts.csv", FACTS + "A,1900-01,revenue,1,元\nA,2999-12,revenue,2,元\n")])
    ]
    ws = Workspace(DuckDBStore(":memory:"), load_catalog())
    try:
        ws.import_files(paths, validate=False)
        rows = ws.store.facts().order_by("period").execute()
        assert [(int(p), v) for p, v in zip(rows.period, rows.value, strict=True)] == [
            (190001, Decimal(1)),
            (299912, Decimal(2)),
        ]
    finally:
        ws.close()


# ---------------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("value", "unit", "yuan"),
    [
        ("12345678.12345e0", "元", "12345678.12345"),  # was stored as 12345678.1234: a digit dropped
        ("1.23456789e-1", "万元", "1234.56789"),
        ("1e-5", "元", "0.00001"),
        ("0.0000000000001", "亿元", "0.00001"),
        ("1.5E-9", "10k", "0.000015"),
    ],
)
def test_more_than_four_decimals_in_yuan_is_refused_whatever_the_notation(
    tmp_path: Path, value: str, unit: str, yuan: str
) -> None:
    """Refused naming the value, its yuan and the limit of 4 decimals; nothing is rounded away."""
    files = [("entities.csv", ENTITIES), ("facts.csv", FACTS + f"A,2025-01,revenue,{value},{unit}\n")]
    _refused(tmp_path, files, "value.precision", value, yuan, "4")


@pytest.mark.parametrize(
    ("value", "unit", "yuan"),
    [
        ("12345678.1234e0", "元", "12345678.1234"),
        ("1.5e-4", "万元", "1.5"),
        ("1e-5", "亿元", "1000"),
        ("25000", "亿元", "2500000000000"),  # 2.5 万亿元: a State Grid-sized balance
        ("9999999999999999.9999", "元", "9999999999999999.9999"),  # just below 10^16
        ("9999999.9999999999999", "billion", "9999999999999999.9999"),
        ("0e99999", "元", "0"),  # crashed check: Arrow could not cast it to decimal128
        ("1,234,567.5", "元", "1234567.5"),
        ("-0", "元", "0"),
        ("1.50000", "元", "1.5"),  # trailing zeros: exactly 1.5, was refused as too many decimals
        ("2.000000000000", "万元", "20000"),
    ],
)
def test_a_value_exact_in_four_decimals_is_stored_exactly(tmp_path: Path, value: str, unit: str, yuan: str) -> None:
    """Read back from the store: Decimal-equal to the value times its unit, worked out by hand."""
    item = "total_assets"
    files = [("entities.csv", ENTITIES), ("facts.csv", FACTS + f'A,2025-01,{item},"{value}",{unit}\n')]
    con = _imported(tmp_path, files)
    try:
        assert con.execute("select value from facts").fetchall() == [(Decimal(yuan),)]
    finally:
        con.close()


def test_a_parquet_decimal_column_is_read_exactly(tmp_path: Path) -> None:
    """decimal(38, 10) writes 12.34 as 12.3400000000: exactly 12.34, taken (it was refused as too many decimals)."""
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    value = pa.array([Decimal("12.34"), Decimal("-0.0001")], pa.decimal128(38, 10))
    table = pa.table(
        {"entity_id": ["A", "A"], "period": ["2025-01", "2025-01"], "item": ["cash", "finance_expense"], "value": value}
    )
    pq.write_table(table, tmp_path / "facts.parquet")
    paths = [str(tmp_path / "entities.csv"), str(tmp_path / "facts.parquet")]
    for command in ("check", "import"):
        result = runner.invoke(app, [command, *paths, "--store", _store(tmp_path)])
        assert result.exit_code == 0, result.output
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    try:
        got = con.execute("select item, value from facts order by item").fetchall()
    finally:
        con.close()
    assert got == [("cash", Decimal("12.34")), ("finance_expense", Decimal("-0.0001"))]


def test_a_parquet_duration_is_not_a_number(tmp_path: Path) -> None:
    """A duration column was cast to the bare count of microseconds (one day: 86 400 000 000 yuan)."""
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    table = pa.table(
        {
            "entity_id": ["A"],
            "period": ["2025-01"],
            "item": ["cash"],
            "value": pa.array([86_400_000_000], pa.duration("us")),
        }
    )
    pq.write_table(table, tmp_path / "facts.parquet")
    paths = [str(tmp_path / "entities.csv"), str(tmp_path / "facts.parquet")]
    result = runner.invoke(app, ["check", *paths, "--store", _store(tmp_path), "--format", "json", "--lang", "en"])
    assert result.exit_code == 2, result.output
    (problem,) = json.loads(result.stdout)
    assert (problem["rule"], problem["found"]) == ("value.not_numeric", "1 day, 0:00:00")


@pytest.mark.parametrize("value", ["1e16", "10000000000000000", "1e17", "1e99999", "99999999999999999999999999"])
def test_a_value_at_or_beyond_the_limit_is_refused_naming_it(tmp_path: Path, value: str) -> None:
    """The limit, 10^16 yuan, is named in both languages (1 亿亿元 in Chinese), in the message and
    in what was expected (in the listing's language: issue 17)."""
    files = [("entities.csv", ENTITIES), ("facts.csv", FACTS + f"A,2025-01,revenue,{value},元\n")]
    problems = _refused(tmp_path, files, "value.range", "10^16")
    assert any("1 亿亿元" in str(p["message"]) for p in problems)  # the zh listing names it the Chinese way
    assert {p["expected"] for p in problems} == {"绝对值小于 10^16 元（1 亿亿元）"}


@pytest.mark.parametrize(
    ("text", "shift", "value", "verdict"),
    [
        ("12345678.12345e0", 0, None, "precision"),
        ("12345678.12345e0", 1, Decimal("123456781.2345"), "ok"),
        ("1" + "0" * 40 + "e-40", 0, Decimal(1), "ok"),
        ("1." + "0" * 40 + "1", 0, None, "precision"),  # 42 digits: a decimal context would round it to 1
        ("1e999999999999", 0, None, "range"),
        ("1e-999999999999", 0, None, "precision"),
        ("0e-999999999999", 0, Decimal(0), "ok"),
        ("1,0,0", 0, None, "number"),
        ("1_000", 0, None, "number"),
        ("١٢٣", 0, None, "number"),
    ],
)
def test_exact_number_counts_digits_and_never_rounds(
    text: str, shift: int, value: Decimal | None, verdict: str
) -> None:
    """The reader behind the values that are not plain decimals."""
    read = exact_number(text, shift=shift)
    assert (read.value, read.verdict) == (value, verdict)


# ---------------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("row", "needles"),
    [
        ("A,2025,revenue,1e28", ("target.range", "1e28", "10^16")),  # crashed import: decimal(38, 10) overflow
        ("A,2025,revenue,1e999999999", ("target.range", "10^16")),
        ("A,2025,debt_ratio,1000000", ("target.range", "10^6 %")),  # a million per cent
        ('A,2025,revenue,"1,0,0"', ("value.not_numeric", "1,0,0")),  # was read as 100
        ("A,2025,revenue,1_000", ("value.not_numeric", "1_000")),  # was read as 1000
        ("A,2025,revenue,١٠٠", ("value.not_numeric",)),  # Arabic-Indic digits were read as 100
        ("A,2025,revenue,1e-20", ("target.precision", "10")),  # was stored as 0
        ("A,0000,revenue,1", ("year.format", "0000", "1900", "2999")),  # was taken
        ("A,9999,revenue,1", ("year.format", "9999", "1900", "2999")),  # was taken
        ("A,²⁰²⁵,revenue,1", ("year.format",)),  # crashed check: int('²⁰²⁵')
        ("A,٢٠٢٥,revenue,1", ("year.format",)),  # was taken as 2025
    ],
)
def test_a_target_that_cannot_be_stored_as_written_is_refused(
    tmp_path: Path, row: str, needles: tuple[str, ...]
) -> None:
    """Refused by check and import alike, naming the target and the limit."""
    _refused(tmp_path, [("entities.csv", ENTITIES), ("targets.csv", TARGETS + row + "\n")], *needles)


def test_targets_in_every_accepted_notation_are_stored_exactly(tmp_path: Path) -> None:
    """Thousands grouped by threes, scientific notation and ten decimals are kept digit for digit."""
    rows = 'A,2025,revenue,"1,000,000"\nA,2025,debt_ratio,65.1234567891\nA,2025,total_assets,2.5e12\nA,2026,debt_ratio,-0\n'
    con = _imported(tmp_path, [("entities.csv", ENTITIES), ("targets.csv", TARGETS + rows)])
    try:
        got = con.execute("select year, indicator, target from targets order by year, indicator").fetchall()
    finally:
        con.close()
    assert got == [
        (2025, "debt_ratio", Decimal("65.1234567891")),
        (2025, "revenue", Decimal(1_000_000)),
        (2025, "total_assets", Decimal(2_500_000_000_000)),
        (2026, "debt_ratio", Decimal(0)),
    ]


@pytest.mark.parametrize("period", ["0001-01", "9999-12"])
def test_a_period_option_outside_the_range_is_refused_naming_it(tmp_path: Path, period: str) -> None:
    """``--period 9999-12`` said only 'expected YYYY-MM', though 9999-12 is in that form."""
    _imported(tmp_path, [("entities.csv", ENTITIES)]).close()
    for lang in ("zh", "en"):
        result = runner.invoke(
            app, ["history", "--entity", "A", "--period", period, "--store", _store(tmp_path), "--lang", lang]
        )
        assert result.exit_code == 2, result.output
        assert "1900-01" in result.output and "2999-12" in result.output and period in result.output
