"""The monthly report form's lines (月度财务快报): the shipped ``form.yaml`` and a user's own, checked.

``form.yaml`` (catalogue data) lists each sheet's lines in the paper form's order, with section
headings between them (a heading is a mapping ``{heading_zh: …, heading_en: …}``, a line an item
code). A user's catalogue (``--catalog``, else ``$GUOZI_CATALOG``) replaces it sheet by sheet, by
the one override rule of :mod:`guozi.catalog.params`: a ``form:`` section of a catalogue file, or a
file named ``form.yaml`` in a ``--catalog`` folder, holding what ``form.yaml`` holds (``sheets:``).

A sheet of the shipped file lists the lines it orders; an item of the sheet's statement it does not
list follows them, in the catalogue's order. A sheet a user's file gives is the whole sheet: its
lines in its order, an item it leaves out is not on the form. Every line is checked: a known item
code of that sheet's statement, listed once in the whole form, a heading with ``heading_zh``, and a
sheet that is a statement of the catalogue's items; a problem is a bilingual
:class:`~guozi.kernel.errors.CatalogError` naming the file, its line and the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from guozi.catalog.files import data_path, read_yaml, user_files
from guozi.catalog.model import Catalog
from guozi.kernel.errors import CatalogError
from guozi.kernel.text import pick

__all__ = ["FORM_FILE", "FORM_SECTION", "FormOrder", "Heading", "form_order"]

FORM_FILE = "form.yaml"
FORM_SECTION = "form"  # the key of a user's catalogue file that stands for form.yaml
KEYS = ("sheets", "source", "year", "note")  # what a user's form may hold
FIXED_ZH = "资产负债表 期末数|年初数|上月末数，利润表、现金流量表 本年累计数|本月数|上年同期累计数，统计指标 本期数|上年同期|口径"
FIXED_EN = "balance sheet end of period|opening|previous month end; income and cash flows year to date|this month|same period last year; statistics this period|same month last year|basis"


@dataclass(frozen=True)
class Heading:
    """A section heading between a sheet's lines (流动资产：…): no figure."""

    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        """The heading in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)


@dataclass(frozen=True)
class FormOrder:
    """Each sheet's lines in order (item codes and headings), and the sheets given whole by a user's file."""

    sheets: dict[str, list[str | Heading]]
    whole: frozenset[str] = field(default_factory=frozenset)


def _line_of(path: Path, keys: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at ``keys`` in the YAML file ``path`` (None when not found)."""
    try:
        node: Any = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return None
    at = node
    for key in keys:  # a mapping's key names the line of its key, a sequence's index that of its entry
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            at, node = next(((k, v) for k, v in node.value if k.value == key), (None, None))
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            at = node = node.value[key]
        else:
            return None
    return None if at is None else int(at.start_mark.line) + 1


@dataclass(frozen=True)
class _Source:
    path: Path
    keys: tuple[str, ...]  # where ``sheets`` lies in the file
    doc: Mapping[str, Any]

    def fail(self, where: Sequence[str | int], zh: str, en: str, value: object) -> CatalogError:
        line = _line_of(self.path, (*self.keys, *where))
        at_zh, at_en = (f" 第 {line} 行", f", line {line}") if line else ("", "")
        return CatalogError(f"{self.path}{at_zh}：{zh}：{value!r}", f"{self.path}{at_en}: {en}: {value!r}")


def _sources(catalog: Catalog) -> list[_Source]:
    """The shipped form.yaml, then each user file's ``form:`` section (or a user's own form.yaml), in order."""
    shipped = data_path(FORM_FILE)
    out = [_Source(shipped, (), read_yaml(shipped))]
    for own in user_files(catalog):
        doc = read_yaml(own)
        if isinstance(doc.get(FORM_SECTION), Mapping):
            out.append(_Source(own, (FORM_SECTION,), doc[FORM_SECTION]))
        elif own.name == FORM_FILE and "sheets" in doc:
            out.append(_Source(own, (), doc))
        elif FORM_SECTION in doc:
            raise _Source(own, (), doc).fail(
                [FORM_SECTION], "form 应为映射（sheets: …）", "form: must be a mapping (sheets: …)", doc[FORM_SECTION]
            )
    return out


def _lines(src: _Source, sheet: str, lines: object, catalog: Catalog, *, strict: bool) -> list[str | Heading]:
    where: list[str | int] = ["sheets", sheet]
    seen: set[str] = set()
    if not isinstance(lines, list):
        raise src.fail(where, f"表 {sheet} 的行应为列表", f"sheet {sheet}: its lines must be a list", lines)
    out: list[str | Heading] = []
    for n, x in enumerate(lines):
        if isinstance(x, Mapping):
            zh = x.get("heading_zh")
            if not isinstance(zh, str) or not zh.strip():
                raise src.fail([*where, n], "标题行须有 heading_zh", "a heading needs heading_zh", dict(x))
            out.append(Heading(zh, str(x.get("heading_en") or zh)))
            continue
        code = str(x)
        item = None if isinstance(x, bool) or x is None else catalog.items.get(code)
        if not strict and (item is None or item.statement != sheet or code in seen):
            continue
        if item is None:
            raise src.fail([*where, n], f"表 {sheet} 中有未知的项目代码", f"sheet {sheet}: unknown item code", x)
        if item.statement != sheet:
            raise src.fail(
                [*where, n],
                f"项目 {code} 属于表 {item.statement or '（无）'}，不能列在表 {sheet}",
                f"item {code} belongs to sheet {item.statement or '(none)'}, not to sheet {sheet}",
                x,
            )
        if code in seen:
            raise src.fail([*where, n], f"表 {sheet} 中的行重复", f"sheet {sheet}: a line listed twice", x)
        seen.add(code)
        out.append(code)
    return out


def _keys(src: _Source) -> None:
    """A user's form holds ``sheets`` (and ``source``, ``year``, ``note``): a column layout cannot be
    given (every sheet's columns are fixed, :mod:`guozi.ingest.formlayout`), nor anything else."""
    for key in src.doc:
        if key not in KEYS:
            raise src.fail(
                [str(key)],
                f"表样不能设置此项（可设：{'、'.join(KEYS)}；各表的列是固定的：{FIXED_ZH}）",
                f"a form cannot set this (it may set: {', '.join(KEYS)}; every sheet's columns are fixed: {FIXED_EN})",
                key,
            )


def _sheets(src: _Source, catalog: Catalog, *, strict: bool) -> dict[str, list[str | Heading]]:
    """The sheets ``src`` gives; a user's (``strict``) checked line by line, the shipped one's lines of an
    item the catalogue no longer has on that sheet left out."""
    sheets = src.doc.get("sheets")
    if sheets is None:
        return {}
    if not isinstance(sheets, Mapping):
        raise src.fail(
            ["sheets"], "sheets 应为映射（表代码: 行列表）", "sheets must be a mapping (sheet: lines)", sheets
        )
    if strict:
        _keys(src)
    known = {i.statement for i in catalog.items.values() if i.statement}
    out: dict[str, list[str | Heading]] = {}
    for sheet, lines in sheets.items():
        if strict and str(sheet) not in known:
            raise src.fail(
                ["sheets", str(sheet)],
                f"没有这张表（可用：{'、'.join(sorted(known))}）",
                f"no such sheet (there are: {', '.join(sorted(known))})",
                sheet,
            )
        out[str(sheet)] = _lines(src, str(sheet), lines, catalog, strict=strict)
    return out


def form_order(catalog: Catalog) -> FormOrder:
    """The form's lines of ``catalog``: the shipped form.yaml, each sheet replaced by a user's file that gives it."""
    order: dict[str, list[str | Heading]] = {}
    whole: set[str] = set()
    for n, src in enumerate(_sources(catalog)):
        given = _sheets(src, catalog, strict=n > 0)
        order |= given
        if n:
            whole.update(given)
    return FormOrder(order, frozenset(whole))
