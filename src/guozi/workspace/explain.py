"""Written explanations of 核实 (verify) problems: their form, and reading them from ``--explain`` or a CSV file.

An explanation is given as ``RULE:ROW=TEXT`` (``RULE:SHEET!ROW=TEXT`` for a report template,
whose sheets each number their rows) or as a CSV file with the columns
``file,row,rule,explanation`` (and optionally ``sheet``); an empty ``file`` or ``sheet`` matches
any. The rows are those the problem listing shows. An import or upload with a 核实 problem left
unexplained is refused (:class:`ExplanationRequiredError`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from guozi.kernel.errors import GuoziError, InvalidInputError, Problem


@dataclass(frozen=True)
class Explain:
    """A user's written explanation of a 核实 problem: which rule at which row, and why."""

    rule: str
    row: int | None
    text: str
    file: str = ""
    sheet: str = ""

    def matches(self, p: Problem) -> bool:
        """Whether this explanation answers the problem ``p``."""
        return (
            p.rule == self.rule
            and p.row == self.row
            and (self.file in ("", p.file) or Path(self.file).name == p.file)
            and (self.sheet in ("", p.sheet))
        )


def explain_key(p: Problem) -> str:
    """The ``--explain`` key that answers ``p``: ``RULE:ROW`` or ``RULE:SHEET!ROW``."""
    where = f"{p.sheet}!{p.row}" if p.sheet else str(p.row)
    return f"{p.rule}:{where}"


def parse_explain(text: str) -> Explain:
    """``RULE:ROW=TEXT`` or ``RULE:SHEET!ROW=TEXT`` (as given to ``--explain``)."""
    key, sep, why = text.partition("=")
    rule, sep2, where = key.partition(":")
    sheet, bang, row = where.rpartition("!")
    if not sep or not sep2 or not rule.strip() or not why.strip() or not row.strip().isdigit():
        raise GuoziError(
            f"--explain 格式应为 规则:行=说明 或 规则:工作表!行=说明，实为 {text!r}",
            f"--explain must be RULE:ROW=TEXT or RULE:SHEET!ROW=TEXT, not {text!r}",
        )
    return Explain(rule.strip(), int(row.strip()), why.strip(), sheet=sheet.strip() if bang else "")


def read_explanations(path: Path) -> list[Explain]:
    """The explanations of a CSV file with columns file, row, rule, explanation (and sheet)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GuoziError(f"无法读取说明文件 {path}：{exc}", f"cannot read the explanations file {path}: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    need = {"file", "row", "rule", "explanation"}
    if reader.fieldnames is None or not need <= set(reader.fieldnames):
        raise GuoziError(
            f"说明文件 {path.name} 应有列：file,row,rule,explanation（可选 sheet）",
            f"the explanations file {path.name} needs the columns file,row,rule,explanation (sheet optional)",
        )
    out: list[Explain] = []
    for k, rec in enumerate(reader, start=2):
        row, rule, why = (rec.get("row") or "").strip(), (rec.get("rule") or "").strip(), (rec.get("explanation") or "")
        if not row.isdigit() or not rule or not why.strip():
            raise GuoziError(
                f"说明文件 {path.name} 第{k}行：row 应为行号，rule 与 explanation 不能为空",
                f"{path.name} row {k}: row must be a row number and rule and explanation must be given",
            )
        out.append(
            Explain(
                rule,
                int(row),
                why.strip(),
                file=(rec.get("file") or "").strip(),
                sheet=(rec.get("sheet") or "").strip(),
            )
        )
    return out


@dataclass
class ExplanationRequiredError(InvalidInputError):
    """核实 problems lack a written explanation: nothing was written."""

    code: ClassVar[str] = "GZ-INPUT-002"

    def __post_init__(self) -> None:
        n = len(self.problems)
        GuoziError.__init__(
            self,
            f"有 {n} 个需核实的问题没有说明，未写入任何数据：请用 --explain 规则:行=说明 或 --explanations 文件.csv 逐项说明",
            f"{n} problem(s) to verify have no explanation; nothing was written: explain each with "
            "--explain RULE:ROW=TEXT or --explanations FILE.csv",
        )
