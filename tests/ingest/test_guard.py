"""Upload guards: size, type by content, zip bombs — each refusal tried with crafted bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guozi.ingest.guard import Limits, UploadRefusedError, check_file, safe_name, save_upload

SMALL = Limits(max_bytes=64 * 1024, max_entries=20, max_uncompressed=4 * 1024**2, max_ratio=100.0, ratio_floor=1024)


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["entity_id", "period", "item", "value"])  # type: ignore[union-attr]
    wb.active.append(["A", "2025-06", "revenue", 100])  # type: ignore[union-attr]
    wb.save(path)
    return path


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


WORKBOOK_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_types_are_told_by_content(tmp_path: Path) -> None:
    """A real xlsx, a parquet file and a UTF-8 csv pass as themselves."""
    assert check_file(_workbook(tmp_path / "facts.xlsx")) == "xlsx"
    pq.write_table(pa.table({"a": [1]}), tmp_path / "facts.parquet")
    assert check_file(tmp_path / "facts.parquet") == "parquet"
    (tmp_path / "facts.csv").write_text("entity_id,period\nA,2025-06\n", encoding="utf-8")
    assert check_file(tmp_path / "facts.csv") == "csv"


def test_a_name_that_lies_about_the_content_is_refused(tmp_path: Path) -> None:
    """CSV text named .xlsx: refused, saying both the suffix and the content."""
    path = tmp_path / "facts.xlsx"
    path.write_text("entity_id,period\n", encoding="utf-8")
    with pytest.raises(UploadRefusedError) as info:
        check_file(path)
    assert ".xlsx" in info.value.message_zh and "csv" in info.value.message_en


def test_binary_or_non_utf8_content_is_refused(tmp_path: Path) -> None:
    """An executable header (NUL bytes) and GBK text are neither csv, xlsx nor parquet."""
    (tmp_path / "a.csv").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00")
    (tmp_path / "b.csv").write_bytes("企业,期间\n甲,2025-06\n".encode("gbk"))
    for name in ("a.csv", "b.csv"):
        with pytest.raises(UploadRefusedError, match="unrecognised content"):
            check_file(tmp_path / name)


def test_an_empty_or_too_large_file_is_refused(tmp_path: Path) -> None:
    """0 bytes; 64 KiB + 1 byte against a 64 KiB limit (said in MiB: 0.1)."""
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(UploadRefusedError, match="empty"):
        check_file(tmp_path / "e.csv")
    (tmp_path / "big.csv").write_bytes(b"a\n" * (32 * 1024) + b"b")
    with pytest.raises(UploadRefusedError, match=r"limit of 0\.1 MiB"):
        check_file(tmp_path / "big.csv", SMALL)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UploadRefusedError, match="no Excel workbook"):
        check_file(_zip(tmp_path / "x.xlsx", {"readme.txt": b"hi"}), SMALL)


def test_zip_bombs_are_refused_before_openpyxl(tmp_path: Path) -> None:
    """Three bombs against SMALL: 21 entries (> 20); 5 MiB of zeros unpacked (> 4 MiB); one 2 MiB entry of
    zeros, which deflates about 1000:1 (> 100:1) while staying under the total."""
    many = _zip(tmp_path / "many.xlsx", {**WORKBOOK_PARTS, **{f"xl/p{k}.xml": b"x" for k in range(19)}})
    with pytest.raises(UploadRefusedError, match="21 parts"):
        check_file(many, SMALL)
    total = _zip(tmp_path / "total.xlsx", {**WORKBOOK_PARTS, "xl/a.xml": b"\0" * (5 * 1024**2)})
    with pytest.raises(UploadRefusedError, match=r"unpacks to 5\.0 MiB"):
        check_file(total, SMALL)
    ratio = _zip(tmp_path / "ratio.xlsx", {**WORKBOOK_PARTS, "xl/a.xml": b"\0" * (2 * 1024**2)})
    with pytest.raises(UploadRefusedError, match="compression ratio of"):
        check_file(ratio, SMALL)


def test_a_broken_zip_is_refused(tmp_path: Path) -> None:
    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(UploadRefusedError, match="broken zip"):
        check_file(tmp_path / "b.xlsx")


def test_save_upload_stops_at_the_limit_and_keeps_nothing(tmp_path: Path) -> None:
    """A 70 KiB stream against 64 KiB: refused, no file left; a good stream is saved under its safe name."""
    with pytest.raises(UploadRefusedError):
        save_upload(io.BytesIO(b"a" * (70 * 1024)), "facts.csv", tmp_path / "in", SMALL)
    assert list((tmp_path / "in").iterdir()) == []
    saved = save_upload(io.BytesIO(b"entity_id\nA\n"), "../../etc/facts 6月.csv", tmp_path / "in", SMALL)
    assert saved == tmp_path / "in" / "facts_6月.csv" and saved.read_bytes() == b"entity_id\nA\n"


def test_safe_names() -> None:
    assert safe_name("C:\\Users\\x\\facts.xlsx") == "facts.xlsx"
    assert safe_name("..") == "upload"
    assert safe_name("a<script>.csv") == "a_script_.csv"
