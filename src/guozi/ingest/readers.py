"""Reading tabular files (csv, parquet, xlsx) as columns of text, with row numbers kept.

Large files are read in chunks (:func:`iter_raw`), so a facts file of any size is checked
block by block and never held as text all at once. A file that cannot be parsed becomes a
``file.unreadable`` problem, never a crash: the parsers read untrusted bytes.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from guozi.kernel.errors import Problem

SUFFIXES = (".csv", ".parquet", ".xlsx")
MAX_XLSX_UNCOMPRESSED = 2 * 1024**3  # refuse xlsx files that unpack to more (zip bombs)
CSV_BLOCK = 1 << 24  # bytes per CSV block; one record may not be longer
CHUNK_ROWS = 500_000  # rows per chunk of parquet and xlsx files
META_SHEET = "_meta"  # the hidden sheet that marks a report template (see guozi.ingest.template)

ROW = "__row__"  # the column holding each record's spreadsheet row number (header = row 1)
SHEET = "__sheet__"  # optional: each record's worksheet, where one table spans several sheets
RESERVED_PREFIX = "__"  # guozi's own columns (ROW, SHEET, __file__, …): a file's heading may not start so
MAX_COLUMNS = 1000  # more columns than any contract file needs: refused before the rows are parsed

Progress = Callable[[str, float, float], None]  # (stage, done, total): reported on long work


@dataclass(frozen=True)
class RawTable:
    """A file's table as text columns, plus :data:`ROW` with each record's row number."""

    path: Path
    table: pa.Table
    sheet: str = ""

    @property
    def name(self) -> str:
        """The file name used in messages."""
        return self.path.name


def unreadable(path: Path, exc: BaseException) -> Problem:
    """The ``file.unreadable`` problem for a file whose parser gave up."""
    suffix = path.suffix.lower()
    text = str(exc)
    detail = text.splitlines()[0][:200] if text.strip() else type(exc).__name__
    return Problem(
        "file.unreadable",
        f"文件无法读取（{suffix[1:] or '未知'} 格式）：{detail}",
        f"the file cannot be read as {suffix[1:] or 'a known format'}: {detail}",
        file=path.name,
        found=detail,
    )


def header_problem(path: Path, header: list[str], sheet: str = "") -> Problem | None:
    """The ``file.columns`` problem of a header guozi cannot take, checked before the rows are read.

    Too many columns (:data:`MAX_COLUMNS`), or a heading starting with ``__``, which guozi keeps
    for the columns it adds (the row number ``__row__``, the sheet, the file): such a heading
    would be confused with them.
    """
    if len(header) > MAX_COLUMNS:
        return Problem(
            "file.columns",
            f"列数过多：{len(header)} 列，最多 {MAX_COLUMNS} 列",
            f"too many columns: {len(header)}; at most {MAX_COLUMNS}",
            file=path.name,
            sheet=sheet,
            row=1,
            expected=f"at most {MAX_COLUMNS} columns",
            expected_zh=f"至多 {MAX_COLUMNS} 列",
            found=str(len(header)),
        )
    reserved = [h for h in header if h.startswith(RESERVED_PREFIX)]
    if reserved:
        shown = ", ".join(h[:60] for h in reserved[:10])
        return Problem(
            "file.columns",
            f"列名不能以 {RESERVED_PREFIX} 开头（保留给 guozi 自己的列，如 {ROW}）：{shown}",
            f"a column name may not start with {RESERVED_PREFIX} (kept for guozi's own columns such as {ROW}): {shown}",
            file=path.name,
            sheet=sheet,
            row=1,
            expected=f"column names not starting with {RESERVED_PREFIX}",
            expected_zh=f"列名不以 {RESERVED_PREFIX} 开头",
            found=shown,
        )
    return None


def unsupported(path: Path) -> Problem:
    """The ``file.format`` problem for a suffix guozi does not read."""
    suffix = path.suffix.lower()
    return Problem(
        "file.format",
        f"不支持的文件类型 {suffix or '（无扩展名）'}，应为 .csv、.parquet 或 .xlsx",
        f"unsupported file type {suffix or '(none)'}; expected .csv, .parquet or .xlsx",
        file=path.name,
        found=suffix,
    )


# The errors a parser raises on malformed bytes. The xlsx stack (zip, XML, openpyxl) raises
# almost anything on a crafted file, so it is guarded more broadly in :func:`_xlsx_guard`.
READ_ERRORS: tuple[type[BaseException], ...] = (
    pa.ArrowException,
    OSError,
    ValueError,
    KeyError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    UnicodeDecodeError,
    csv.Error,
)


def read_raw(path: Path) -> RawTable | Problem:
    """Read the whole of ``path`` into text columns; a :class:`Problem` if it cannot be read."""
    chunks: list[RawTable] = []
    for part in iter_raw(path, chunk_rows=None):
        if isinstance(part, Problem):
            return part
        chunks.append(part)
    if not chunks:  # pragma: no cover - iter_raw yields at least one table or a problem
        return unreadable(path, ValueError("empty"))
    if len(chunks) == 1:
        return chunks[0]
    return RawTable(path, pa.concat_tables([c.table for c in chunks]), chunks[0].sheet)


def iter_raw(
    path: Path, *, chunk_rows: int | None = CHUNK_ROWS, progress: Progress | None = None
) -> Iterator[RawTable | Problem]:
    """The file's table in chunks (each with its own row numbers); a problem ends the stream.

    The first chunk carries the header even for an empty file. ``progress`` is told the bytes
    read so far (csv) or the rows read (parquet, xlsx).
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield unsupported(path)
        return
    try:
        if suffix == ".csv":
            yield from _csv_chunks(path, progress)
        elif suffix == ".parquet":
            yield from _parquet_chunks(path, chunk_rows, progress)
        else:
            yield from _xlsx_guard(path, chunk_rows, progress)
    except READ_ERRORS as exc:
        yield unreadable(path, exc)


def _numbered(table: pa.Table, start: int) -> pa.Table:
    return table.append_column(ROW, pa.array(range(start, table.num_rows + start), pa.int64()))


def _csv_header(path: Path) -> list[str]:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    text = head.decode("utf-8", errors="replace")
    return next(csv.reader(io.StringIO(text)), [])


def _csv_chunks(path: Path, progress: Progress | None) -> Iterator[RawTable | Problem]:
    header = _csv_header(path)
    if not any(h.strip() for h in header):
        raise ValueError("the file has no header line")
    if (bad := header_problem(path, header)) is not None:
        yield bad
        return
    read = pacsv.ReadOptions(autogenerate_column_names=False, block_size=CSV_BLOCK)
    opts = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    size = max(path.stat().st_size, 1)
    with path.open("rb") as fh:
        reader = pacsv.open_csv(fh, read_options=read, convert_options=opts)
        schema = reader.schema
        if (bad := header_problem(path, [str(n) for n in schema.names])) is not None:
            yield bad
            return
        start = 2
        first = True
        for batch in reader:
            table = pa.Table.from_batches([batch], schema)
            yield RawTable(path, _numbered(_text_columns(table), start))
            start += table.num_rows
            first = False
            if progress is not None:
                progress("read", min(fh.tell(), size), size)
        if first:
            yield RawTable(path, _numbered(_text_columns(schema.empty_table()), start))


def _parquet_chunks(path: Path, chunk_rows: int | None, progress: Progress | None) -> Iterator[RawTable | Problem]:
    pf = pq.ParquetFile(path)
    total = max(pf.metadata.num_rows, 1)
    start = 2
    schema = pf.schema_arrow
    if (bad := header_problem(path, [str(n) for n in schema.names])) is not None:
        yield bad
        return
    emitted = False
    for batch in pf.iter_batches(batch_size=chunk_rows or 1 << 30):
        table = _as_text(pa.Table.from_batches([batch], schema))
        yield RawTable(path, _numbered(table, start))
        start += table.num_rows
        emitted = True
        if progress is not None:
            progress("read", min(start - 2, total), total)
    if not emitted:
        yield RawTable(path, _numbered(_as_text(schema.empty_table()), start))


def _text_columns(table: pa.Table) -> pa.Table:
    """Every column as non-null text (a short row leaves nulls in pyarrow's reader)."""
    return pa.table(
        [col.cast(pa.string()).fill_null("") for col in table.columns],
        names=[str(n) for n in table.column_names],
    )


def _as_text(table: pa.Table) -> pa.Table:
    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            cols.append(col.cast(pa.string()).fill_null(""))
        elif pa.types.is_duration(col.type) or pa.types.is_time(col.type) or pa.types.is_interval(col.type):
            # as Python writes them (``1 day, 0:00:00``), never as the bare count of their unit
            cols.append(
                pa.chunked_array([pa.array(["" if v is None else str(v) for v in col.to_pylist()], pa.string())])
            )
        elif pa.types.is_floating(col.type):
            cols.append(
                pa.chunked_array(
                    [pa.array([float_text(v) for v in chunk.to_pylist()], pa.string()) for chunk in col.chunks],
                    pa.string(),
                )
            )
        else:
            cols.append(col.cast(pa.string()).fill_null(""))
    return pa.table(cols, names=[str(n) for n in table.column_names])


def float_text(v: float | None) -> str:
    """A float as the shortest text that reads back as the same float; '' for NaN."""
    if v is None or math.isnan(v):
        return ""
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    text = repr(v)
    return text[:-2] if text.endswith(".0") else text


def cell_text(v: object) -> str:
    """A spreadsheet cell's value as text."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return float_text(v)
    if isinstance(v, date):
        return v.strftime("%Y-%m")  # a date cell in a period column
    return str(v)


def _check_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        total = sum(i.file_size for i in zf.infolist())
        if total > MAX_XLSX_UNCOMPRESSED:
            raise ValueError(f"unpacks to {total} bytes, more than {MAX_XLSX_UNCOMPRESSED}")


@contextmanager
def workbook(path: Path, *, read_only: bool = True, data_only: bool = True) -> Iterator[Any]:
    """An openpyxl workbook over a file handle guozi closes, whatever openpyxl does on bad bytes.

    Its warnings are silenced (they are about styles and extensions, not data).
    """
    import openpyxl  # noqa: PLC0415 - openpyxl (0.2 s to import) only when an .xlsx file is read

    _check_zip(path)
    with path.open("rb") as fh:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(fh, read_only=read_only, data_only=data_only)
        try:
            yield wb
        finally:
            wb.close()


def _xlsx_guard(path: Path, chunk_rows: int | None, progress: Progress | None) -> Iterator[RawTable | Problem]:
    """Any failure of the xlsx stack on a malformed file becomes a ``file.unreadable`` problem."""
    it = _xlsx_chunks(path, chunk_rows, progress)
    while True:
        try:
            part = next(it)
        except StopIteration:
            return
        except MemoryError:
            raise
        except Exception as exc:  # the zip, XML and openpyxl parsers on untrusted bytes
            yield unreadable(path, exc)
            return
        yield part


def _xlsx_chunks(path: Path, chunk_rows: int | None, progress: Progress | None) -> Iterator[RawTable | Problem]:
    with workbook(path) as wb:
        sheet = wb.worksheets[0]
        total = max(int(sheet.max_row or 1) - 1, 1)
        rows = sheet.iter_rows(values_only=True)
        header = [cell_text(c).strip() for c in next(rows, ())]
        while header and header[-1] == "":
            header.pop()
        if (bad := header_problem(path, header, sheet.title)) is not None:
            yield bad
            return
        columns: list[list[str]] = [[] for _ in header]
        numbers: list[int] = []
        emitted = False
        for number, r in enumerate(rows, start=2):
            cells = list(r)
            if all(c is None or c == "" for c in cells):
                continue
            numbers.append(number)
            for k in range(len(header)):
                columns[k].append(cell_text(cells[k]) if k < len(cells) else "")
            if chunk_rows is not None and len(numbers) >= chunk_rows:
                yield _xlsx_table(path, header, columns, numbers, sheet.title)
                emitted = True
                if progress is not None:
                    progress("read", min(number - 1, total), total)
                columns = [[] for _ in header]
                numbers = []
        if numbers or not emitted:
            yield _xlsx_table(path, header, columns, numbers, sheet.title)


def _xlsx_table(path: Path, header: list[str], columns: list[list[str]], numbers: list[int], sheet: str) -> RawTable:
    """The rows read so far as a table. Headings are kept as written (an empty or repeated one is
    refused by the contract's checks, as in a csv file), never renamed."""
    arrays = [pa.array(c, pa.string()) for c in columns]
    table = pa.Table.from_arrays([*arrays, pa.array(numbers, pa.int64())], names=[*header, ROW])
    return RawTable(path, table, sheet=sheet)


_META_NAME = re.compile(rb'<sheet[^>]*name="' + re.escape(META_SHEET.encode()) + rb'"')


def is_template(path: Path) -> bool:
    """Whether ``path`` is an xlsx report template made by ``guozi template`` (it has ``_meta``)."""
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > 1 << 22:
                return False
            return _META_NAME.search(zf.read(info)) is not None
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError):
        return False
