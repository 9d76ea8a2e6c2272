"""Collecting reports: check files, and import them atomically with their explanations.

These functions are what the command line and the web upload call (through
:class:`~guozi.workspace.Workspace`):

* :func:`check_files` reads and checks files against the data contract and the validation rules
  (``rules/validation.yaml``), changing nothing, and lists every problem at once;
* :func:`import_files` lands them in one transaction: refused (nothing written) if any problem
  is 强制 (blocking), or if a 核实 (verify) problem has no written explanation
  (:mod:`guozi.workspace.explain`); the explanations are stored with the figures; files already
  imported (same sha256) are skipped and said so.

A period is **closed** for an entity once the store holds facts of that entity for a later
period (no separate closing command): changing a closed period's figures (a restatement) needs
a reason (``reason=`` / ``--reason``), stored with the submission. Every version of the figures
is read back by :mod:`guozi.workspace.history`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from guozi.ingest.contract import collect_files, merge_entities, read_files
from guozi.ingest.openings import opening_findings
from guozi.ingest.readers import Progress
from guozi.ingest.rules import Context, Finding, RuleSet, evaluate, load_rules
from guozi.kernel.errors import InvalidInputError, Problem, Severity
from guozi.kernel.files import file_hash
from guozi.store.base import Explanation, Status, WriteResult
from guozi.store.batch import Batch, Kind
from guozi.store.lake import LakeStore
from guozi.workspace import inplace
from guozi.workspace.explain import (
    Explain,
    ExplanationRequiredError,
    explain_key,
    parse_explain,
    read_explanations,
)

if TYPE_CHECKING:
    import pandas as pd

    from guozi.analyses.source import Source
    from guozi.catalog import Catalog
    from guozi.store import Store

__all__ = [
    "CheckResult",
    "Explain",
    "ExplanationRequiredError",
    "ImportReport",
    "Rules",
    "check_files",
    "explain_key",
    "import_files",
    "in_place_store",
    "parse_explain",
    "read_explanations",
    "rule_set",
    "stored_explanations",
]

Rules = RuleSet | Sequence[Path] | None  # a rule set, or files of rules over the catalogue's


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
        return self.batch.fact_rows

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
        return self.batch.fact_rows

    @property
    def problems(self) -> list[Problem]:
        """The problems that did not refuse the import (核实 explained, 提示)."""
        return [] if self.check is None else self.check.problems


def rule_set(ws: Source, rules: Rules) -> RuleSet:
    """``rules`` as a rule set: as given, or loaded from the catalogue's rules and the files ``rules`` names."""
    if isinstance(rules, RuleSet):
        return rules
    return load_rules(ws.catalog, rules or ())


def check_files(
    ws: Source,
    paths: Sequence[Path],
    *,
    reason: str = "",
    rules: Rules = None,
    today: date | None = None,
    validate: bool = True,
    progress: Progress | None = None,
    status: Status = "approved",
    keep: bool = False,
) -> CheckResult:
    """Read and check ``paths`` against the contract, the rules and the store; change nothing.

    ``keep``: the checked facts wait in a file (``batch.staged``, which the caller closes) for the
    store to stream, instead of one table in memory (an import's way; a check or an upload keeps the table).

    Files whose content was already imported are skipped (and said so): for an import (``status``
    approved) an approved submission of the same bytes, for an upload (draft) any not returned. ``reason`` is the
    restatement reason the import would carry (a closed period needs one). ``validate=False``
    applies the contract's checks only, not the rules of ``validation.yaml``.
    """
    ruleset = rule_set(ws, rules)
    store = ws.store
    files, problems = collect_files(paths)
    seen = _Seen.of(store, files, status, problems)
    known = store.entities()
    batch = read_files(
        seen.todo, ws.catalog, known_entities=known, rules=ruleset, progress=progress, hashes=seen.hashes, keep=keep
    )
    batch.problems[:0] = problems
    try:
        findings = _findings(ws, batch, ruleset, known, today, reason, progress) if validate else []
    except BaseException:
        if batch.staged is not None:
            batch.staged.close()
        raise
    return CheckResult(batch=batch, findings=findings, skipped=seen.skipped, notes=seen.notes)


def _findings(
    ws: Source,
    batch: Batch,
    ruleset: RuleSet,
    known: pd.DataFrame,
    today: date | None,
    reason: str,
    progress: Progress | None,
) -> list[Finding]:
    """The validation rules' findings on the batch's facts (none without facts)."""
    store = ws.store
    findings: list[Finding] = []
    if batch.fact_rows:
        if progress is not None:
            progress("rules", 0, batch.fact_rows)
        ctx = Context(
            lookup=store.current_values,
            last_periods=store.last_periods,
            entities=merge_entities(known, batch.entities),
            today=today or date.today(),
            reason=reason,
            value_columns={str(f.path): f.value_column for f in batch.files},
        )
        # staged facts are read by the rules where they lie: no table of them in memory
        findings = evaluate(ruleset, ws.catalog, batch.staged if batch.staged is not None else batch.facts, ctx)
        forms = [f.path for f in batch.files if f.template]  # 年初数 = 上年末数 (issue 19)
        findings.extend(opening_findings(ruleset, ws.catalog, forms, store.current_values))
        if progress is not None:
            progress("rules", batch.fact_rows, batch.fact_rows)
    return findings


@dataclass
class _Seen:
    """The files of a check sorted by their content: new ones to read (with their sha256), and repeats skipped."""

    hashes: dict[Path, str] = field(default_factory=dict)
    todo: list[tuple[Path, Kind]] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)  # (file, submission already holding it)
    notes: list[Problem] = field(default_factory=list)

    @classmethod
    def of(cls, store: Store, files: Sequence[tuple[Path, Kind]], status: Status, problems: list[Problem]) -> _Seen:
        """Sort ``files``: a file already held by a submission of ``status`` is skipped; an unreadable one is a problem."""
        seen = cls()
        for path, kind in files:
            try:
                sha = file_hash(path)
            except OSError as exc:
                problems.append(
                    Problem(
                        "file.unreadable", f"文件无法读取：{exc}", f"the file cannot be read: {exc}", file=path.name
                    )
                )
                continue
            existing = store.find_submission(sha, kind, status)
            earlier = store.find_submission(sha, kind, "draft") if existing is None and status == "approved" else None
            if earlier is not None:  # the same bytes wait unapproved (a web draft): this import counts
                seen.notes.append(
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
                seen.skipped.append((path.name, existing))
                seen.notes.append(
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
            seen.hashes[path] = sha
            seen.todo.append((path, kind))
        return seen


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
    ws: Source,
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
    result = check_files(
        ws, paths, reason=reason, rules=rules, today=today, validate=validate, progress=progress, keep=True
    )
    try:
        stored = _stored_or_refused(result, explanations)
        written = _write(ws.store, result.batch, user, reason, stored, progress)
    finally:
        if result.batch.staged is not None:
            result.batch.staged.close()
    merged = WriteResult(submissions=written.submissions, skipped=[*result.skipped, *written.skipped])
    return ImportReport(result.batch, merged, result, tuple(stored))


def _stored_or_refused(result: CheckResult, explanations: Sequence[Explain]) -> list[Explanation]:
    """The explanations to store with a checked import; its refusal if a problem is 强制 or a 核实 one unexplained."""
    if result.blocking:
        raise InvalidInputError(problems=result.problems)
    missing = result.unexplained(explanations)
    if missing:
        raise ExplanationRequiredError(problems=[f.problem for f in missing])
    return stored_explanations(result, explanations)


def _write(
    store: Store, batch: Batch, user: str, reason: str, stored: list[Explanation], progress: Progress | None
) -> WriteResult:
    """Land ``batch`` in one transaction; ``progress`` is told the facts written so far ("write", rows, total)."""
    total = batch.fact_rows
    if progress is not None:
        progress("write", 0, total)
        if batch.staged is not None:
            batch.staged.progress = lambda done: progress("write", done, total)
    if not batch.files:
        return WriteResult(submissions=[], skipped=[])
    written = store.write(batch, user=user, reason=reason, explanations=stored)
    if progress is not None:
        progress("write", total, total)
    return written


def in_place_store(paths: Sequence[Path], catalog: Catalog) -> LakeStore | None:
    """A read-only store over ``paths`` read where they lie (``--data DIR``), or ``None`` if they cannot be.

    See :func:`guozi.workspace.inplace.in_place_store`: the entities are checked now, the facts
    each query reads before it runs (a clean check is remembered per file content).
    """
    return inplace.in_place_store(paths, catalog)
