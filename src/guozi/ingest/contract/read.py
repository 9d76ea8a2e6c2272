"""Reading a set of input files into one checked :class:`~guozi.store.batch.Batch`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from guozi.catalog.model import Catalog
from guozi.ingest.contract.entities import check_tree, merge_entities, period_columns, read_entities
from guozi.ingest.contract.facts import FactChecker
from guozi.ingest.contract.files import collect_files
from guozi.ingest.contract.headings import columns_problems
from guozi.ingest.contract.intercompany import read_intercompany, validity
from guozi.ingest.contract.staged import in_place
from guozi.ingest.contract.targets import read_targets
from guozi.ingest.readers import Progress, RawTable, is_template, iter_raw, read_raw
from guozi.ingest.rules import RuleSet, load_rules
from guozi.ingest.template import CODE_LETTER, read_template
from guozi.kernel.errors import Problem
from guozi.kernel.files import file_hash
from guozi.store.batch import ENTITY_COLUMNS, Batch, Kind, SourceFile


def read_batch(
    paths: Sequence[Path],
    catalog: Catalog,
    *,
    known_entities: pd.DataFrame | None = None,
    rules: RuleSet | None = None,
    progress: Progress | None = None,
) -> Batch:
    """Read and check ``paths``; ``known_entities`` are the store's current entity rows."""
    files, problems = collect_files(paths)
    batch = read_files(files, catalog, known_entities=known_entities, rules=rules, progress=progress)
    batch.problems[:0] = problems
    return batch


def read_files(
    files: Sequence[tuple[Path, Kind]],
    catalog: Catalog,
    *,
    known_entities: pd.DataFrame | None = None,
    rules: RuleSet | None = None,
    progress: Progress | None = None,
    hashes: Mapping[Path, str] | None = None,
    keep: bool = False,
) -> Batch:
    """Read and check ``files`` (from :func:`collect_files`); facts files are streamed.

    ``keep``: the checked facts wait in a file (``batch.staged``, closed by the caller) instead of
    a table in memory (``batch.facts``), for an import to stream into the store.
    """
    rules = rules or load_rules(catalog)
    hashes = hashes or {}
    batch = Batch()
    taken = {str(c).casefold(): str(c) for c in (() if known_entities is None else known_entities.columns)}
    taken = {k: v for k, v in taken.items() if v not in ENTITY_COLUMNS and not v.startswith("__")}
    raws = _read_tables([(p, k) for p, k in files if k != "facts"], batch, taken, hashes)
    fact_paths = [p for p, k in files if k == "facts"]
    if raws["entities"]:
        batch.entities = read_entities(raws["entities"], batch.problems, period_columns(rules))
    current = merge_entities(known_entities, batch.entities)
    if batch.entities is not None:
        check_tree(current, batch.entities, batch.problems)
    known_ids = set(current.entity_id.tolist()) if current is not None else set()
    if fact_paths:
        checker = FactChecker(catalog, known_ids, rules, batch.problems)
        try:
            for path in fact_paths:
                _read_facts(path, checker, batch, rules, catalog, progress, hashes)
            if keep:
                batch.staged = checker.keep()
            else:
                batch.facts = checker.finish()
        finally:
            checker.close()
    if raws["targets"]:
        batch.targets = read_targets(raws["targets"], catalog, known_ids, batch.problems)
    if raws["intercompany"]:
        batch.intercompany = read_intercompany(raws["intercompany"], validity(current), batch.problems)
    return batch


def _read_tables(
    files: Sequence[tuple[Path, Kind]], batch: Batch, taken: dict[str, str], hashes: Mapping[Path, str]
) -> dict[Kind, list[RawTable]]:
    """The entities and targets files read whole, those with a fit heading listed in ``batch``."""
    raws: dict[Kind, list[RawTable]] = {"entities": [], "targets": [], "intercompany": []}
    for path, kind in files:
        raw = read_raw(path)
        if isinstance(raw, Problem):
            batch.problems.append(raw)
            continue
        bad = columns_problems(raw, kind, taken)
        if bad:
            batch.problems.extend(bad)
            continue
        raws[kind].append(raw)
        batch.files.append(SourceFile(path, kind, hashes.get(path) or file_hash(path), raw.table.num_rows))
    return raws


def _read_facts(
    path: Path,
    checker: FactChecker,
    batch: Batch,
    rules: RuleSet,
    catalog: Catalog,
    progress: Progress | None,
    hashes: Mapping[Path, str],
) -> None:
    """One facts file (or report template) streamed through ``checker``; listed in ``batch`` if whole."""
    template = is_template(path)
    parts: Iterable[RawTable | Problem]
    column = "value"
    if template:
        tables, tproblems, column = read_template(path, rules, catalog)
        batch.problems.extend(tproblems)
        parts = tables
        if any(p.severity == "blocking" and p.rule == "template.invalid" for p in tproblems):
            return
    elif in_place(path):  # DuckDB reads and checks it where it lies
        if progress is not None:
            progress("read", 0, 1)
        n = checker.add_parquet(path)
        if progress is not None:
            progress("read", n, n)  # the rows checked: the bar shows rows per second
        batch.files.append(SourceFile(path, "facts", hashes.get(path) or file_hash(path), n, template, column))
        return
    else:
        parts = iter_raw(path, progress=progress)
    n = 0
    for k, part in enumerate(parts):
        if isinstance(part, Problem):
            batch.problems.append(part)
            return
        if k == 0 or template:
            bad = columns_problems(part, "facts")
            if bad:
                batch.problems.extend(bad)
                return
        checker.add(part, {"value": column, "item": CODE_LETTER} if template else None)
        n += part.table.num_rows
    sha = hashes.get(path) or file_hash(path)
    batch.files.append(SourceFile(path, "facts", sha, n, template, column))
