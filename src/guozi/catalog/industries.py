"""The industry codes of GB/T 4754-2017《国民经济行业分类》: 门类 (sections A–T) and 大类 (divisions 01–97).

The list is data (``reference/gbt4754_2017.csv``: code, level, section, Chinese name, source). An
entity's ``industry`` is accepted as a section letter (``C``), a section letter and a division of
that section (``C37``), or a 中类/小类 code under a known division (``C371``, ``C3711``: checked to
the division only, the finer levels are not shipped); a division alone (``37``) too. Letters in
either case. :func:`industry_issue` says what is wrong with any other value.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from guozi.catalog.files import data_path
from guozi.kernel.errors import CatalogError
from guozi.kernel.text import Text

__all__ = ["INDUSTRIES_FILE", "Industries", "industry_issue", "load_industries"]

INDUSTRIES_FILE = "reference/gbt4754_2017.csv"
_CODE = re.compile(r"([A-Za-z]?)(\d{2})?(\d{1,2})?")
STANDARD = "GB/T 4754-2017"


@dataclass(frozen=True)
class Industries:
    """The sections (letter → name) and divisions (two digits → (section, name)) of the standard."""

    sections: dict[str, str]
    divisions: dict[str, tuple[str, str]]
    source: str

    def name(self, code: str) -> str:
        """The Chinese name of a section or division code ('' when unknown)."""
        code = code.strip().upper()
        if code in self.sections:
            return self.sections[code]
        m = _CODE.fullmatch(code)
        if m and m.group(2) in self.divisions:
            return self.divisions[m.group(2)][1]
        return ""


@functools.cache
def load_industries(path: Path | None = None) -> Industries:
    """The shipped list (or ``path``), checked: every division's section is a listed section."""
    path = path or data_path(INDUSTRIES_FILE)
    sections: dict[str, str] = {}
    divisions: dict[str, tuple[str, str]] = {}
    sources: list[str] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise CatalogError(f"无法读取文件 {path}：{exc}", f"cannot read {path}: {exc}") from exc
    for i, row in enumerate(rows, 2):
        code, level, section = row["code"].strip(), row["level"].strip(), row["section"].strip()
        if level == "门类":
            sections[code] = row["name_zh"].strip()
        elif level == "大类" and re.fullmatch(r"\d{2}", code):
            divisions[code] = (section, row["name_zh"].strip())
        else:
            raise CatalogError(
                f"{path} 第{i}行：无法识别的行业代码 {code}（{level}）",
                f"{path} row {i}: unrecognised industry code {code} ({level})",
            )
        sources.append(row.get("source", "").strip())
    orphans = sorted(d for d, (s, _) in divisions.items() if s not in sections)
    if orphans:
        raise CatalogError(
            f"{path}：大类 {'、'.join(orphans)} 的门类不在表中",
            f"{path}: divisions {', '.join(orphans)} lack a section",
        )
    return Industries(sections, divisions, next((s for s in sources if s), STANDARD))


def _expected(sections: dict[str, str]) -> Text:
    first, last = min(sections), max(sections)
    return Text(
        f"{STANDARD} 门类字母 {first}–{last}，或门类加两位大类代码（如 C37）",
        f"a {STANDARD} section letter {first}-{last}, or a section letter and its two-digit division (e.g. C37)",
    )


def industry_issue(value: str, industries: Industries | None = None) -> tuple[Text, Text] | None:
    """What is wrong with an industry code (why, and what is expected), ``None`` when it is a code of
    the standard (see the module) or blank."""
    table = industries or load_industries()
    code = value.strip().upper()
    if not code:
        return None
    m = _CODE.fullmatch(code)
    letter, division = (m.group(1), m.group(2)) if m else ("", None)
    if m is None or (not letter and division is None) or (m.group(3) and division is None):
        return Text(f"不是 {STANDARD} 的行业代码格式", f"not in the form of a {STANDARD} code"), _expected(
            table.sections
        )
    if letter and letter not in table.sections:
        return Text(f"{STANDARD} 没有门类 {letter}", f"{STANDARD} has no section {letter}"), _expected(table.sections)
    if division is None:
        return None
    if division not in table.divisions:
        return Text(f"{STANDARD} 没有大类 {division}", f"{STANDARD} has no division {division}"), _expected(
            table.sections
        )
    owner, name = table.divisions[division]
    if letter and letter != owner:
        right = f"{owner}{code[1:]}"
        return (
            Text(
                f"大类 {division}（{name}）属于门类 {owner}（{table.sections[owner]}），不属于门类 {letter}",
                f"division {division} ({name}) belongs to section {owner}, not {letter}",
            ),
            Text(f"{right}（门类 {owner}）", f"{right} (section {owner})"),
        )
    return None
