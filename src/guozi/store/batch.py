"""The checked batch the store accepts: what a set of input files holds, normalised, and its problems.

The contract reader (:mod:`guozi.ingest.contract`) builds it; every store writes it. The store's
schema of entity rows is :data:`ENTITY_COLUMNS` plus :data:`STORE_COLUMNS` plus the attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa

from guozi.kernel.errors import Problem
from guozi.kernel.units import STORE_SCALE, VALUE_PRECISION

Kind = Literal["entities", "facts", "targets", "intercompany"]  # KINDS: the kinds the contract reads
KINDS: tuple[Kind, ...] = ("entities", "facts", "targets", "intercompany")
# report_type (schema 5, optional: empty means the default by tree position): single | consolidated | difference
ENTITY_COLUMNS = (
    "entity_id",
    "name",
    "parent_id",
    "industry",
    "category",
    "region",
    "valid_from",
    "valid_to",
    "report_type",
)
STORE_COLUMNS = ("submission_id",)  # the store's own column of entity rows, beside ENTITY_COLUMNS
IDENTIFIER_BYTES = 63  # the longest column name both stores keep whole: PostgreSQL cuts identifiers at 63 bytes
FACT_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("period", pa.int32()),
        ("item", pa.string()),
        ("value", pa.decimal128(VALUE_PRECISION, STORE_SCALE)),
        ("source", pa.string()),  # the input file's path: which submission the row belongs to
        ("sheet", pa.string()),  # the worksheet (xlsx), '' otherwise
        ("row", pa.int64()),  # the spreadsheet row number (header = 1)
    ]
)
IC_ITEMS = ("ic_revenue", "ic_receivable", "ic_payable")  # what an entity reports of its trade with a counterparty
INTERCOMPANY_SCHEMA = pa.schema(  # the rows of intercompany files, as FACT_SCHEMA with the counterparty
    [
        ("entity_id", pa.string()),
        ("counterparty_id", pa.string()),
        ("period", pa.int32()),
        ("item", pa.string()),
        ("value", pa.decimal128(VALUE_PRECISION, STORE_SCALE)),
        ("source", pa.string()),
        ("sheet", pa.string()),
        ("row", pa.int64()),
    ]
)


@dataclass(frozen=True)
class SourceFile:
    """One input file: what it is, its content hash and, for a report template, its form."""

    path: Path
    kind: Kind
    sha256: str
    rows: int
    template: bool = False
    value_column: str = "value"  # where a row's value is: the column name, or a template's letter


@dataclass
class Batch:
    """What a set of input files holds, normalised, and every problem found in it."""

    entities: pd.DataFrame | None = None
    facts: pa.Table | None = None  # in :data:`FACT_SCHEMA`
    targets: pd.DataFrame | None = None
    intercompany: pa.Table | None = None  # in :data:`INTERCOMPANY_SCHEMA`, written with the facts
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def blocking(self) -> list[Problem]:
        """The problems that refuse the input."""
        return [p for p in self.problems if p.severity == "blocking"]
