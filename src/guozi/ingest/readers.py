"""Reading tabular files (csv, parquet, xlsx) as columns of text, with row numbers kept."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from guozi.errors import Problem

SUFFIXES = (".csv", ".parquet", ".xlsx")
MAX_XLSX_UNCOMPRESSED = 2 * 1024**3  # refuse xlsx files that unpack to more (zip bombs)


ROW = "__row__"  # the column holding each record's spreadsheet row number (header = row 1)


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


def file_hash(path: Path) -> str:
    """The sha256 of a file's bytes (the identity of a submission)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _problem(path: Path, rule: str, zh: str, en: str, found: str = "") -> Problem:
    return Problem(rule=rule, message_zh=zh, message_en=en, file=path.name, found=found)


def read_raw(path: Path) -> RawTable | Problem:
    """Read ``path`` into text columns; a :class:`Problem` if it cannot be read at all."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return RawTable(path, _numbered(_read_csv(path)))
        if suffix == ".parquet":
            table = pq.read_table(path)
            return RawTable(path, _numbered(_as_text(table)))
        if suffix == ".xlsx":
            return _read_xlsx(path)
    except (
        pa.ArrowInvalid,
        pa.ArrowNotImplementedError,
        OSError,
        ValueError,
        KeyError,
        EOFError,
        zipfile.BadZipFile,
        UnicodeDecodeError,
        csv.Error,
    ) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return _problem(
            path,
            "file.unreadable",
            f"文件无法读取（{suffix[1:] or '未知'} 格式）：{detail}",
            f"the file cannot be read as {suffix[1:] or 'a known format'}: {detail}",
            found=detail,
        )
    return _problem(
        path,
        "file.format",
        f"不支持的文件类型 {suffix or '（无扩展名）'}，应为 .csv、.parquet 或 .xlsx",
        f"unsupported file type {suffix or '(none)'}; expected .csv, .parquet or .xlsx",
        found=suffix,
    )


def _numbered(table: pa.Table) -> pa.Table:
    return table.append_column(ROW, pa.array(range(2, table.num_rows + 2), pa.int64()))


def _read_csv(path: Path) -> pa.Table:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    raw.decode("utf-8")  # raise UnicodeDecodeError with a position rather than garbling
    read = pacsv.ReadOptions(autogenerate_column_names=False, block_size=1 << 24)
    header = next(csv.reader(io.StringIO(raw[: 1 << 16].decode("utf-8", errors="replace"))), [])
    opts = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    return pacsv.read_csv(pa.BufferReader(raw), read_options=read, convert_options=opts)


def _as_text(table: pa.Table) -> pa.Table:
    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            cols.append(col.cast(pa.string()).fill_null(""))
        elif pa.types.is_floating(col.type):
            cols.append(
                pa.chunked_array(
                    [pa.array([_float_text(v) for v in chunk.to_pylist()], pa.string()) for chunk in col.chunks],
                    pa.string(),
                )
            )
        else:
            cols.append(col.cast(pa.string()).fill_null(""))
    return pa.table(cols, names=table.column_names)


def _float_text(v: float | None) -> str:
    if v is None or math.isnan(v):
        return ""
    text = repr(v)
    return text[:-2] if text.endswith(".0") else text


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return _float_text(v)
    if isinstance(v, date):
        return v.strftime("%Y-%m")  # a date cell in a period column
    return str(v)


def _read_xlsx(path: Path) -> RawTable:
    import openpyxl

    with zipfile.ZipFile(path) as zf:
        total = sum(i.file_size for i in zf.infolist())
        if total > MAX_XLSX_UNCOMPRESSED:
            raise ValueError(f"unpacks to {total} bytes, more than {MAX_XLSX_UNCOMPRESSED}")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [(_cell_text(c)).strip() for c in next(rows, ())]
        while header and header[-1] == "":
            header.pop()
        columns: list[list[str]] = [[] for _ in header]
        numbers: list[int] = []
        for number, r in enumerate(rows, start=2):
            cells = list(r)
            if all(c is None or c == "" for c in cells):
                continue
            numbers.append(number)
            for k in range(len(header)):
                columns[k].append(_cell_text(cells[k]) if k < len(cells) else "")
        table = pa.table({h: pa.array(c, pa.string()) for h, c in zip(header, columns, strict=True)})
        table = table.append_column(ROW, pa.array(numbers, pa.int64()))
        return RawTable(path, table, sheet=ws.title)
    finally:
        wb.close()
