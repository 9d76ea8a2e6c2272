"""Readers on hostile input: every file ends in a clear error or a clean import, never a crash or a
partial write (Hypothesis fuzzing of csv, parquet and xlsx), and large files are read in blocks.
"""

from __future__ import annotations

import io
import random
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guozi.ingest import readers
from guozi.kernel.errors import InvalidInputError, Severity
from guozi.workspace.collect import CheckResult

from .conftest import TODAY, Desk, write_rows

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
INJECTIONS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)", "\t=1", '=HYPERLINK("http://x")']


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """One desk for all examples (a store per example would be slow); each test checks it is unchanged."""
    d = Desk(tmp_path_factory.mktemp("fuzz"))
    yield d
    d.ws.close()


def state(desk: Desk) -> tuple[int, int, int]:
    """(facts, a hash over every fact version, submissions)."""
    con = desk.ws.store.backend().con
    count, digest = con.execute(
        "select count(*), coalesce(sum(hash(submission_id, entity_id, period, item, value)), 0) from facts"
    ).fetchone()
    (subs,) = con.execute("select count(*) from submissions").fetchone()
    return int(count), int(digest), int(subs)


def attempt(desk: Desk, path: Path) -> CheckResult | None:
    """Check then import ``path``: a refused import leaves the store exactly as it was, an accepted
    one adds exactly the checked figures. Returns the check (``None`` if the import was accepted)."""
    result = desk.ws.check([path], today=TODAY)
    assert all(p.message_zh and p.message_en for p in result.problems)
    before = state(desk)
    try:
        report = desk.ws.import_files([path], today=TODAY, user="fuzz")
    except InvalidInputError as exc:
        assert exc.problems
        assert state(desk) == before
        return result
    count, _, subs = state(desk)
    assert count == before[0] + report.facts
    assert subs == before[2] + len(report.result.submissions)
    return None


def scratch(name: str, data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="guozi-fuzz-"))
    path = folder / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".parquet", ".xlsx"]))
def test_random_bytes_are_a_clear_error_or_a_clean_import(shared: Desk, data: bytes, suffix: str) -> None:
    """Any bytes under any name: no exception but the refusal, the store untouched when refused."""
    path = scratch(f"facts{suffix}", data)
    try:
        attempt(shared, path)
    finally:
        shutil.rmtree(path.parent)


TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@FUZZ
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "entity_id": st.one_of(st.sampled_from(["A", "N", "X", ""]), TEXT, st.sampled_from(INJECTIONS)),
                "period": st.one_of(st.sampled_from(["2025-06", "2025-13", "2030-01", "2025-6"]), TEXT),
                "item": st.one_of(st.sampled_from(["revenue", "employees", "cash", "bogus"]), TEXT),
                "value": st.one_of(
                    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
                    st.sampled_from(["1e400", "-0", "1,234.5", "一百", "12a", "", "NaN", "inf"]),
                    st.sampled_from(INJECTIONS),
                    TEXT,
                ),
                "unit": st.one_of(st.sampled_from(["", "元", "万元", "人", "美元", "10K"]), TEXT),
            }
        ),
        max_size=12,
    )
)
def test_malformed_csv_rows_are_each_named(shared: Desk, rows: list[dict[str, str]]) -> None:
    """Text where numbers belong, injection strings, bad periods and units: each bad row is listed
    with its row number, or the rows import cleanly."""
    folder = Path(tempfile.mkdtemp(prefix="guozi-fuzz-"))
    try:
        path = write_rows(folder / "facts.csv", rows)
        result = attempt(shared, path)
        if result is not None:
            blocking = result.blocking
            assert blocking
            assert all(p.file == "facts.csv" for p in blocking)
            assert all(p.row is None or 2 <= p.row <= len(rows) + 1 for p in blocking)
    finally:
        shutil.rmtree(folder)


def _xlsx(rows: list[list[object]], *, text: bool = False) -> bytes:
    """A workbook of ``rows``; with ``text``, strings starting with '=' are kept as text, not formulas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["entity_id", "period", "item", "value", "unit"])
    for r in rows:
        ws.append(r)
        if text:
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD_XLSX = _xlsx([["A", "2025-06", "cash", 10, "万元"], ["A", "2025-06", "revenue", 20, "万元"]])


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1))
def test_a_truncated_xlsx_is_unreadable_not_a_crash(shared: Desk, cut: int) -> None:
    """Any prefix of a good workbook is refused as unreadable (a zip needs its end)."""
    path = scratch("facts.xlsx", GOOD_XLSX[:cut])
    try:
        result = attempt(shared, path)
        assert result is not None
        assert [p.rule for p in result.blocking] == ["file.unreadable"]
    finally:
        shutil.rmtree(path.parent)


@FUZZ
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), flips=st.integers(min_value=1, max_value=40))
def test_corrupted_xml_inside_an_xlsx_is_a_clear_error_or_a_clean_import(shared: Desk, seed: int, flips: int) -> None:
    """A valid zip whose sheet, shared strings or workbook XML has random bytes overwritten."""
    rng = random.Random(seed)
    src = zipfile.ZipFile(io.BytesIO(GOOD_XLSX))
    out = io.BytesIO()
    target = rng.choice(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml"])
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = bytearray(src.read(info))
            if info.filename == target and data:
                for _ in range(flips):
                    data[rng.randrange(len(data))] = rng.randrange(256)
            dst.writestr(info, bytes(data))
    path = scratch("facts.xlsx", out.getvalue())
    try:
        attempt(shared, path)
    finally:
        shutil.rmtree(path.parent)


def test_formulas_and_injection_strings_in_an_xlsx(shared: Desk, tmp_path: Path) -> None:
    """A formula written without its result is an empty value (value.required, row 2); an injection
    string kept as text is an unknown entity quoted as found (row 3); text as value is not a number
    (row 4)."""
    formula = tmp_path / "facts_formula.xlsx"
    formula.write_bytes(_xlsx([["A", "2025-06", "cash", "=1+1", "万元"]]))
    text = tmp_path / "facts_text.xlsx"
    text.write_bytes(
        _xlsx(
            [
                ["A", "2025-06", "cash", 1, "万元"],
                [INJECTIONS[0], "2025-06", "cash", 1, "万元"],
                ["A", "2025-06", "revenue", "一百万", "万元"],
            ],
            text=True,
        )
    )
    for path, expected in [
        (formula, [("value.required", 2, "")]),
        (text, [("entity.unknown", 3, INJECTIONS[0]), ("value.not_numeric", 4, "一百万")]),
    ]:
        result = attempt(shared, path)
        assert result is not None
        assert [(p.rule, p.row, p.found) for p in result.blocking] == expected


def test_an_enormous_cell_is_quoted_short(shared: Desk, tmp_path: Path) -> None:
    """A 1 000 000-character value: not a number, its text cut to 120 characters in the problem."""
    path = write_rows(
        tmp_path / "facts.csv", [{"entity_id": "A", "period": "2025-06", "item": "cash", "value": "9x" * 500_000}]
    )
    result = attempt(shared, path)
    assert result is not None
    (p,) = result.blocking
    assert p.rule == "value.not_numeric"
    assert len(p.found) < 140 and p.found.endswith("…（1000000）")
    assert len(p.message_zh) < 200


def test_enormous_cells_end_in_a_clear_error(shared: Desk, tmp_path: Path) -> None:
    """A 20 MB cell of digits is read (the reader grows its 16 MB block once) and is a number far out
    of range, quoted short; a 40 MB cell is more than the reader takes: the file cannot be read."""
    digits = write_rows(
        tmp_path / "facts_digits.csv",
        [{"entity_id": "A", "period": "2025-06", "item": "cash", "value": "1" * (20 << 20)}],
    )
    result = attempt(shared, digits)
    assert result is not None
    (p,) = result.blocking
    assert p.rule == "value.range"
    assert len(p.message_zh) < 400 and len(p.found) < 140
    huge = write_rows(
        tmp_path / "facts_huge.csv",
        [{"entity_id": "A", "period": "2025-06", "item": "cash", "value": "x" * (40 << 20)}],
    )
    result = attempt(shared, huge)
    assert result is not None
    (q,) = result.blocking
    assert q.rule == "file.unreadable" and "block" in q.message_en


def test_a_large_csv_is_read_in_blocks_with_its_row_numbers(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """With 4 KB blocks, 3 000 rows come in many chunks; the bad row 2 500 and the duplicate of row 2
    at row 3 001 are still named by their true row numbers, and progress is reported."""
    monkeypatch.setattr(readers, "CSV_BLOCK", 4096)
    rows = [
        {"entity_id": "A", "period": f"{2000 + k // 12}-{k % 12 + 1:02d}", "item": "cash", "value": k, "unit": ""}
        for k in range(2999)
    ]
    rows[2498]["value"] = "bad"
    rows.append(dict(rows[0]))
    seen: list[tuple[str, float, float]] = []
    result = desk.ws.check([desk.file(rows)], validate=False, progress=lambda s, d, t: seen.append((s, d, t)))
    assert [(p.rule, p.row) for p in result.blocking] == [("value.not_numeric", 2500), ("fact.duplicate", 3001)]
    reads = [s for s in seen if s[0] == "read"]
    assert len(reads) > 10 and reads[-1][1] == reads[-1][2]


def test_a_parquet_file_with_typed_columns_reads_as_text(desk: Desk, tmp_path: Path) -> None:
    """Float values keep their shortest text (0.1 stays 0.1, 12.0 is 12); a null value is empty."""
    path = tmp_path / "facts.parquet"
    pq.write_table(
        pa.table(
            {
                "entity_id": ["A", "A", "A"],
                "period": ["2025-06"] * 3,
                "item": ["cash", "revenue", "inventory"],
                "value": pa.array([0.1, 12.0, None], pa.float64()),
                "unit": ["元", "元", "元"],
            }
        ),
        path,
    )
    result = desk.ws.check([path], today=TODAY)
    assert [(p.rule, p.row) for p in result.problems] == [("value.required", 4)]
    assert result.batch.facts is not None
    assert [str(v) for v in result.batch.facts.column("value").to_pylist()] == ["0.1000", "12.0000"]


def test_repeated_column_names_are_a_problem(desk: Desk, tmp_path: Path) -> None:
    """Two 'value' columns cannot be told apart."""
    path = tmp_path / "facts.csv"
    path.write_text("entity_id,period,item,value,value\nA,2025-06,cash,1,2\n", encoding="utf-8")
    (p,) = desk.ws.check([path], today=TODAY).problems
    assert (p.rule, p.severity, p.found) == ("file.columns", Severity.BLOCKING, "value")
