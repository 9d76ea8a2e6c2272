"""Reading the data contract's files into checked, normalised tables, listing every problem.

Values are parsed as decimals (never floats) and converted to yuan exactly; a figure with more
than four decimals in yuan, or a value that is not a number, is a problem, never a zero.
The heavy lifting is vectorised in an in-process DuckDB over Arrow, chunk by chunk for large
facts files; only the failing rows come back to Python, as :class:`~guozi.kernel.errors.Problem`
values naming file, sheet, row, column, rule, expected and found. The messages of the facts
checks are data: the ``contract`` rules of ``rules/validation.yaml``.

By concern: :mod:`.files` (which files, of which kind), :mod:`.headings` (required columns and
entity attributes), :mod:`.entities`, :mod:`.facts` (with :mod:`.numbers`, the exact parse of
values), :mod:`.targets`, and :mod:`.read` assembling them into the store's
:class:`~guozi.store.batch.Batch`.
"""

from __future__ import annotations

from guozi.ingest.contract.cells import PERIOD_EXPECTED
from guozi.ingest.contract.entities import CATEGORIES, merge_entities
from guozi.ingest.contract.files import collect_files
from guozi.ingest.contract.headings import MAX_ATTRIBUTES, MAX_NAME_BYTES, REQUIRED
from guozi.ingest.contract.read import read_batch, read_files
from guozi.store.batch import ENTITY_COLUMNS, FACT_SCHEMA, KINDS, STORE_COLUMNS, Batch, Kind, SourceFile

__all__ = [
    "CATEGORIES",
    "ENTITY_COLUMNS",
    "FACT_SCHEMA",
    "KINDS",
    "MAX_ATTRIBUTES",
    "MAX_NAME_BYTES",
    "PERIOD_EXPECTED",
    "REQUIRED",
    "STORE_COLUMNS",
    "Batch",
    "Kind",
    "SourceFile",
    "collect_files",
    "merge_entities",
    "read_batch",
    "read_files",
]
