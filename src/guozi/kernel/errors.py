"""Errors as values: problems with a code, both languages and a location."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from guozi.kernel.text import Text, pick


class Severity(StrEnum):
    """How a problem affects an import (强制 / 核实 / 提示)."""

    BLOCKING = "blocking"  # 强制: the input is refused
    VERIFY = "verify"  # 核实: accepted only with a written explanation
    NOTICE = "notice"  # 提示: reported only

    def label(self, lang: str) -> str:
        """The severity's name in the user's language."""
        return SEVERITY_LABELS[self].in_(lang)


SEVERITY_LABELS: dict[Severity, Text] = {
    Severity.BLOCKING: Text("强制", "blocking"),
    Severity.VERIFY: Text("核实", "verify"),
    Severity.NOTICE: Text("提示", "notice"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``row`` is the spreadsheet row number (the header is row 1), so a user can go straight
    to it in Excel; ``None`` where the problem concerns a whole file or several rows.
    """

    rule: str
    message_zh: str
    message_en: str
    file: str = ""
    row: int | None = None
    column: str = ""
    expected: str = ""
    found: str = ""
    severity: Severity = Severity.BLOCKING
    sheet: str = ""

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return pick(lang, self.message_zh, self.message_en)

    def location(self, lang: str) -> str:
        """File, sheet, row and column as one readable string."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(pick(lang, f"第{self.row}行", f"row {self.row}"))
        if self.column:
            parts.append(pick(lang, f"{self.column}列", f"column {self.column}"))
        return pick(lang, " ".join(parts), ", ".join(parts))

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        """A flat record for csv, json and xlsx output."""
        return {
            "severity": self.severity.value,
            "rule": self.rule,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "expected": self.expected,
            "found": self.found,
            "message": self.message(lang),
        }


class GuoziError(Exception):
    """Base class of guozi's errors; ``message_zh``/``message_en`` say what went wrong."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str) -> str:
        """The message in ``lang``."""
        return pick(lang, self.message_zh, self.message_en)


@dataclass
class InvalidInputError(GuoziError):
    """The input breaks the contract; ``problems`` lists every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.problems)
        GuoziError.__init__(
            self, f"输入有 {n} 个问题，未写入任何数据", f"{n} problem(s) in the input; nothing was written"
        )


class CatalogError(GuoziError):
    """A catalogue file is malformed or refers to something unknown."""


class FormulaError(CatalogError):
    """A formula does not parse or refers to an unknown name."""


class NotFoundError(GuoziError):
    """An entity, period or indicator asked for does not exist."""
