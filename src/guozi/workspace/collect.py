"""Collecting reports: check files, import them atomically with explanations, read every version.

These functions are what the command line and the web upload call (through
:class:`~guozi.workspace.Workspace`):

* :func:`check_files` reads and checks files against the data contract and the validation rules
  (``rules/validation.yaml``), changing nothing, and lists every problem at once;
* :func:`import_files` lands them in one transaction: refused (nothing written) if any problem
  is 强制 (blocking), or if a 核实 (verify) problem has no written explanation; the explanations
  are stored with the figures; files already imported (same sha256) are skipped and said so;
* :func:`history` lists every version of an entity's figures for a period;
* :func:`make_template` writes a subsidiary's monthly report form.

A period is **closed** for an entity once the store holds facts of that entity for a later
period (no separate closing command): changing a closed period's figures (a restatement) needs
a reason (``reason=`` / ``--reason``), stored with the submission.

Explanations of 核实 problems are given as ``RULE:ROW=TEXT`` (``RULE:SHEET!ROW=TEXT`` for a
report template, whose sheets each number their rows) or as a CSV file with the columns
``file,row,rule,explanation`` (and optionally ``sheet``); an empty ``file`` or ``sheet`` matches
any. The rows are those the problem listing shows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from guozi.ingest.contract import Batch, collect_files, merge_entities, read_files
from guozi.ingest.readers import Progress
from guozi.ingest.rules import Context, Finding, RuleSet, evaluate, load_rules
from guozi.kernel.errors import GuoziError, InvalidInputError, NotFoundError, Problem, Severity
from guozi.kernel.files import file_hash
from guozi.kernel.periods import Period
from guozi.store.base import Explanation, Status, WriteResult

if TYPE_CHECKING:
    from guozi.workspace import Workspace

Rules = RuleSet | Sequence[Path] | None


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
class CheckResult:
    """What checking files found: the normalised batch, the rules' findings, every problem."""

    batch: Batch
    findings: list[Finding] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)  # (file, submission already holding it)
    notes: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """Every problem: the contract's, the rules', and notes (already imported …)."""
        return [*self.batch.problems, *(f.problem for f in self.findings), *self.notes]

    @property
    def blocking(self) -> list[Problem]:
        """The 强制 problems: the input is refused."""
        return [p for p in self.problems if p.severity == Severity.BLOCKING]

    @property
    def verify(self) -> list[Finding]:
        """The 核实 findings: each needs a written explanation."""
        return [f for f in self.findings if f.problem.severity == Severity.VERIFY]

    @property
    def facts(self) -> int:
        """Facts read from the input."""
        return 0 if self.batch.facts is None else self.batch.facts.num_rows

    @property
    def files(self) -> int:
        """Files read (not counting those skipped as already imported)."""
        return len(self.batch.files)

    def unexplained(self, explanations: Sequence[Explain]) -> list[Finding]:
        """The 核实 findings that none of ``explanations`` answers."""
        return [f for f in self.verify if not any(x.matches(f.problem) for x in explanations)]


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    batch: Batch
    result: WriteResult
    check: CheckResult | None = None
    explanations: tuple[Explanation, ...] = ()

    @property
    def facts(self) -> int:
        """Facts read from the input."""
        return 0 if self.batch.facts is None else self.batch.facts.num_rows

    @property
    def problems(self) -> list[Problem]:
        """The problems that did not refuse the import (核实 explained, 提示)."""
        return [] if self.check is None else self.check.problems


@dataclass
class ExplanationRequiredError(InvalidInputError):
    """核实 problems lack a written explanation: nothing was written."""

    def __post_init__(self) -> None:
        n = len(self.problems)
        GuoziError.__init__(
            self,
            f"有 {n} 个需核实的问题没有说明，未写入任何数据：请用 --explain 规则:行=说明 或 --explanations 文件.csv 逐项说明",
            f"{n} problem(s) to verify have no explanation; nothing was written: explain each with "
            "--explain RULE:ROW=TEXT or --explanations FILE.csv",
        )


def _rules(ws: Workspace, rules: Rules) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    return load_rules(ws.catalog, rules or ())


def check_files(
    ws: Workspace,
    paths: Sequence[Path],
    *,
    reason: str = "",
    rules: Rules = None,
    today: date | None = None,
    validate: bool = True,
    progress: Progress | None = None,
    status: Status = "approved",
) -> CheckResult:
    """Read and check ``paths`` against the contract, the rules and the store; change nothing.

    Files whose content was already imported are skipped (and said so): for an import (``status``
    approved) an approved submission of the same bytes, for an upload (draft) any not returned. ``reason`` is the
    restatement reason the import would carry (a closed period needs one). ``validate=False``
    applies the contract's checks only, not the rules of ``validation.yaml``.
    """
    ruleset = _rules(ws, rules)
    store = ws.store
    files, problems = collect_files(paths)
    hashes: dict[Path, str] = {}
    todo = []
    skipped: list[tuple[str, int]] = []
    notes: list[Problem] = []
    for path, kind in files:
        try:
            sha = file_hash(path)
        except OSError as exc:
            problems.append(
                Problem("file.unreadable", f"文件无法读取：{exc}", f"the file cannot be read: {exc}", file=path.name)
            )
            continue
        existing = store.find_submission(sha, kind, status)
        earlier = store.find_submission(sha, kind, "draft") if existing is None and status == "approved" else None
        if earlier is not None:  # the same bytes wait unapproved (a web draft): this import counts
            notes.append(
                Problem(
                    "file.unapproved_copy",
                    f"内容与第 {earlier} 次提交相同（sha256 {sha[:12]}…），但该次提交尚未批准；本次照常导入并计入指标",
                    f"same content as submission {earlier} (sha256 {sha[:12]}…), which is not approved;"
                    " this import goes ahead and counts",
                    file=path.name,
                    found=sha,
                    severity=Severity.NOTICE,
                )
            )
        if existing is not None:
            skipped.append((path.name, existing))
            notes.append(
                Problem(
                    "file.imported",
                    f"内容与第 {existing} 次提交相同（sha256 {sha[:12]}…），不会重复导入",
                    f"same content as submission {existing} (sha256 {sha[:12]}…); it will not be imported again",
                    file=path.name,
                    found=sha,
                    severity=Severity.NOTICE,
                )
            )
            continue
        hashes[path] = sha
        todo.append((path, kind))
    known = store.entities()
    batch = read_files(todo, ws.catalog, known_entities=known, rules=ruleset, progress=progress, hashes=hashes)
    batch.problems[:0] = problems
    findings: list[Finding] = []
    if validate and batch.facts is not None and batch.facts.num_rows:
        if progress is not None:
            progress("rules", 0, 1)
        ctx = Context(
            lookup=store.current_values,
            last_periods=store.last_periods,
            entities=merge_entities(known, batch.entities),
            today=today or date.today(),
            reason=reason,
            value_columns={str(f.path): f.value_column for f in batch.files},
        )
        findings = evaluate(ruleset, ws.catalog, batch.facts, ctx)
        if progress is not None:
            progress("rules", 1, 1)
    return CheckResult(batch=batch, findings=findings, skipped=skipped, notes=notes)


def stored_explanations(result: CheckResult, explanations: Sequence[Explain]) -> list[Explanation]:
    """Each 核实 problem of ``result`` with the first of ``explanations`` that answers it, as stored.

    An explanation that answers no problem is noted on ``result`` (提示), not silently dropped.
    """
    stored: list[Explanation] = []
    used: set[int] = set()
    for f in result.verify:
        for k, x in enumerate(explanations):
            if x.matches(f.problem):
                used.add(k)
                stored.append(
                    Explanation(
                        source=f.source,
                        rule=f.problem.rule,
                        entity_id=f.entity_id,
                        period=f.period,
                        items=f.items,
                        text=x.text,
                        sheet=f.problem.sheet,
                        row=f.problem.row,
                        message_zh=f.problem.message_zh,
                        message_en=f.problem.message_en,
                    )
                )
                break
    for k, x in enumerate(explanations):
        if k not in used:
            result.notes.append(
                Problem(
                    "explanation.unused",
                    f"说明 {x.rule}:{x.row} 没有对应的需核实问题，未使用",
                    f"the explanation {x.rule}:{x.row} answers no problem to verify; not used",
                    file=x.file,
                    sheet=x.sheet,
                    row=x.row,
                    found=x.text[:120],
                    severity=Severity.NOTICE,
                )
            )
    return stored


def import_files(
    ws: Workspace,
    paths: Sequence[Path],
    *,
    user: str = "",
    reason: str = "",
    explanations: Sequence[Explain] = (),
    rules: Rules = None,
    today: date | None = None,
    validate: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Check ``paths`` and land them atomically, with the explanations of their 核实 problems.

    Raises:
        InvalidInputError: a 强制 problem (every problem is listed); nothing is written.
        ExplanationRequiredError: 核实 problems without an explanation; nothing is written.
    """
    result = check_files(ws, paths, reason=reason, rules=rules, today=today, validate=validate, progress=progress)
    if result.blocking:
        raise InvalidInputError(problems=result.problems)
    missing = result.unexplained(explanations)
    if missing:
        raise ExplanationRequiredError(problems=[f.problem for f in missing])
    stored = stored_explanations(result, explanations)
    if progress is not None:
        progress("write", 0, 1)
    if result.batch.files:
        written = ws.store.write(result.batch, user=user, reason=reason, explanations=stored)
    else:
        written = WriteResult(submissions=[], skipped=[])
    if progress is not None:
        progress("write", 1, 1)
    merged = WriteResult(submissions=written.submissions, skipped=[*result.skipped, *written.skipped])
    return ImportReport(result.batch, merged, result, tuple(stored))


def _entity_rows(ws: Workspace, entity: str) -> pd.DataFrame:
    frame = ws.store.entities()
    rows = frame[frame.entity_id == entity] if not frame.empty else frame
    if rows.empty:
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    return rows


HISTORY_COLUMNS = (
    "entity_id",
    "period",
    "item",
    "name_zh",
    "name_en",
    "version",
    "current",
    "value",
    "unit",
    "submission_id",
    "created_at",
    "user",
    "file",
    "sha256",
    "reason",
    "explanation",
    "explanation_en",
    "source",
)


def history(ws: Workspace, entity: str, period: Period, item: str | None = None) -> pd.DataFrame:
    """Every version of ``entity``'s figures for ``period`` (one ``item`` or all), oldest first.

    Columns: :data:`HISTORY_COLUMNS`; ``value`` is exact (Decimal) in yuan or persons, ``current``
    marks the version in force, ``explanation`` holds the written explanations stored with it.
    """
    _entity_rows(ws, entity)
    if item is not None and item not in ws.catalog.items:
        raise NotFoundError(f"未知项目代码：{item}", f"unknown item code: {item}")
    frame = ws.store.history(entity, period.code, item)
    if frame.empty:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    order = {code: k for k, code in enumerate(ws.catalog.items)}
    frame = frame.assign(_o=frame["item"].map(lambda c: order.get(c, len(order)))).sort_values(["_o", "version"])
    items = ws.catalog.items
    frame["period"] = frame["period"].map(lambda c: str(Period.from_code(int(c))))
    frame["name_zh"] = frame["item"].map(lambda c: items[c].name_zh if c in items else c)
    frame["name_en"] = frame["item"].map(lambda c: items[c].name_en if c in items else c)
    frame["unit"] = frame["item"].map(lambda c: items[c].unit if c in items else "元")
    frame["file"] = frame["source"].map(lambda s: Path(str(s)).name)
    frame["current"] = frame["current"].astype(bool)
    return frame[list(HISTORY_COLUMNS)].reset_index(drop=True)


def make_template(
    ws: Workspace,
    entity: str,
    period: Period,
    path: Path,
    *,
    unit: str = "万元",
    lang: str = "zh",
    rules: Rules = None,
) -> Path:
    """Write ``entity``'s monthly report form for ``period`` to ``path``, with last month's figures."""
    from guozi.ingest.template import write_template

    rows = _entity_rows(ws, entity)
    names = [str(n) for n in rows["name"] if n is not None and str(n) != ""] if "name" in rows else []
    prev = period.shift(-1)
    keys = pa.table({"entity_id": pa.array([entity], pa.string()), "period": pa.array([prev.code], pa.int32())})
    values = ws.store.current_values(keys).to_pylist()
    prior = {str(r["item"]): r["value"] for r in values}
    return write_template(
        path,
        catalog=ws.catalog,
        rules=_rules(ws, rules),
        entity_id=entity,
        entity_name=names[-1] if names else entity,
        period=period,
        prior=prior,
        unit=unit,
        lang=lang,
    )
