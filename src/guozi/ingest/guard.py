"""Guards on an uploaded file, applied before any parser sees its bytes.

* a size limit, enforced while the upload is copied (never after reading it all into memory);
* the type is told by the content, not the name: an xlsx is a zip holding ``xl/workbook.xml``,
  a parquet file starts and ends with ``PAR1``, a csv is UTF-8 text without NUL bytes; a name
  whose suffix disagrees with the content is refused;
* an xlsx is a zip, so before openpyxl opens it its directory is checked: the number of entries,
  the total uncompressed size and each entry's compression ratio (a zip bomb unpacks a few
  kilobytes into gigabytes). Python's :mod:`zipfile` never inflates an entry past the size its
  directory declares, so checking the declared sizes bounds what openpyxl can unpack.

Every refusal is an :class:`UploadRefusedError` error with a Chinese and an English message.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar, Literal

from guozi.kernel.errors import GuoziError

__all__ = [
    "LIMITS",
    "FileType",
    "Limits",
    "UploadRefusedError",
    "check_file",
    "check_zip",
    "safe_name",
    "save_upload",
    "sniff",
]

FileType = Literal["xlsx", "csv", "parquet"]
SUFFIX: dict[FileType, str] = {"xlsx": ".xlsx", "csv": ".csv", "parquet": ".parquet"}
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """What an upload may be: its size, and for an xlsx (a zip) its entries, unpacked size and ratio."""

    max_bytes: int = 20 * 1024**2
    max_entries: int = 1000
    max_uncompressed: int = 256 * 1024**2
    max_ratio: float = 200.0  # uncompressed / compressed, per entry (sheet XML compresses ~10-50x)
    ratio_floor: int = 1024**2  # entries unpacking to less than this are not ratio-checked


LIMITS = Limits()


class UploadRefusedError(GuoziError):
    """The upload was refused before any parser read it; the message says why (zh and en)."""

    code: ClassVar[str] = "GZ-INPUT-003"


def _mib(n: int) -> str:
    return f"{n / 1024**2:.1f} MiB"


def safe_name(name: str) -> str:
    """The upload's base name, reduced to letters, digits, CJK, ``._-`` (no path, no control characters).

    The name's start still tells the file's kind (``facts…``, ``entities…``, ``targets…``).
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    cleaned = "".join(c if (c.isalnum() or c in "._-") else "_" for c in base).lstrip(".")
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot:
        stem, suffix = cleaned, ""
    stem = stem[:100] or "upload"
    return f"{stem}.{suffix[:10]}" if suffix else stem


def sniff(head: bytes, tail: bytes) -> FileType | None:
    """The type the bytes hold (``head``: the first 64 KiB, ``tail``: the last 4 bytes), or None."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"  # a zip; check_zip tells whether it is a workbook
    if head.startswith(b"PAR1") and tail == b"PAR1":
        return "parquet"
    if b"\x00" in head:
        return None
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(text) - 3:  # not just a character cut by the 64 KiB boundary
            return None
    return "csv"


def check_zip(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse a zip that is not a workbook or that would unpack too much (a zip bomb)."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRefusedError(
            f"{name}：不是有效的 xlsx 文件（zip 结构损坏：{exc}）", f"{name}: not a valid xlsx file (broken zip: {exc})"
        ) from exc
    if len(infos) > limits.max_entries:
        raise UploadRefusedError(
            f"{name}：xlsx 内含 {len(infos)} 个部件，超过上限 {limits.max_entries}，疑似压缩炸弹，已拒绝",
            f"{name}: the xlsx holds {len(infos)} parts, more than the limit of {limits.max_entries} "
            "(a possible zip bomb); refused",
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise UploadRefusedError(
            f"{name}：zip 文件中没有 Excel 工作簿（缺少 xl/workbook.xml），请上传 .xlsx、.csv 或 .parquet 文件",
            f"{name}: the zip holds no Excel workbook (no xl/workbook.xml); upload an .xlsx, .csv or .parquet file",
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed:
        raise UploadRefusedError(
            f"{name}：xlsx 解压后共 {_mib(total)}，超过上限 {_mib(limits.max_uncompressed)}，疑似压缩炸弹，已拒绝",
            f"{name}: the xlsx unpacks to {_mib(total)}, more than the limit of {_mib(limits.max_uncompressed)} "
            "(a possible zip bomb); refused",
        )
    for i in infos:
        if i.file_size < limits.ratio_floor:
            continue
        ratio = i.file_size / max(i.compress_size, 1)
        if ratio > limits.max_ratio:
            raise UploadRefusedError(
                f"{name}：xlsx 部件 {i.filename} 压缩比 {ratio:.0f}:1，超过上限 {limits.max_ratio:.0f}:1，疑似压缩炸弹，已拒绝",
                f"{name}: the xlsx part {i.filename} has a compression ratio of {ratio:.0f}:1, more than the limit of "
                f"{limits.max_ratio:.0f}:1 (a possible zip bomb); refused",
            )


def check_file(path: Path, limits: Limits = LIMITS) -> FileType:
    """The type of the file at ``path`` told by its content; refuse what guozi must not parse."""
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise UploadRefusedError(f"{name}：文件为空", f"{name}: the file is empty")
    if size > limits.max_bytes:
        raise UploadRefusedError(
            f"{name}：文件大小 {_mib(size)} 超过上限 {_mib(limits.max_bytes)}",
            f"{name}: the file is {_mib(size)}, more than the limit of {_mib(limits.max_bytes)}",
        )
    with path.open("rb") as fh:
        head = fh.read(_CHUNK)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    kind = sniff(head, tail)
    if kind is None:
        raise UploadRefusedError(
            f"{name}：无法识别的文件内容，应为 Excel 工作簿（.xlsx）、UTF-8 编码的 CSV 或 Parquet 文件",
            f"{name}: unrecognised content; expected an Excel workbook (.xlsx), a UTF-8 CSV or a Parquet file",
        )
    suffix = path.suffix.lower()
    if suffix != SUFFIX[kind]:
        raise UploadRefusedError(
            f"{name}：文件名后缀为 {suffix or '（无）'}，但内容是 {kind} 格式，请改正文件名后再上传",
            f"{name}: the name ends in {suffix or '(nothing)'} but the content is {kind}; rename the file and upload it again",
        )
    if kind == "xlsx":
        check_zip(path, limits)
    return kind


def save_upload(stream: BinaryIO, filename: str, folder: Path, limits: Limits = LIMITS) -> Path:
    """Copy an uploaded ``stream`` into ``folder`` under its safe name, checked; the saved path.

    The copy stops as soon as the limit is passed; a refused file is removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name(filename)
    written = 0
    try:
        with path.open("wb") as out:
            while chunk := stream.read(_CHUNK):
                written += len(chunk)
                if written > limits.max_bytes:
                    raise UploadRefusedError(
                        f"{path.name}：文件超过上限 {_mib(limits.max_bytes)}",
                        f"{path.name}: the file is larger than the limit of {_mib(limits.max_bytes)}",
                    )
                out.write(chunk)
        check_file(path, limits)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
