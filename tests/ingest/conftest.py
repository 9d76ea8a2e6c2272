"""Fixtures for collecting and checking: a store with a small group, and fact files written on demand."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.errors import Problem
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace

TODAY = date(2025, 7, 15)  # every check in these tests runs "on" this day: 2025-08 is the future
ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "valid_from": "", "valid_to": ""},
    {"entity_id": "A", "name": "甲公司", "parent_id": "G", "valid_from": "", "valid_to": ""},
    {"entity_id": "N", "name": "新设公司", "parent_id": "G", "valid_from": "2025-03", "valid_to": ""},
    {"entity_id": "D", "name": "处置公司", "parent_id": "G", "valid_from": "", "valid_to": "2025-04"},
    {
        "entity_id": "E",
        "name": "收购公司",
        "parent_id": "G",
        "valid_from": "2025-03",
        "valid_to": "",
        "established": "2020-01",
    },
]
FACT_COLUMNS = ("entity_id", "period", "item", "value", "unit")
Row = Mapping[str, object]


def write_rows(path: Path, rows: Sequence[Row], columns: Sequence[str] = FACT_COLUMNS) -> Path:
    """``rows`` as a UTF-8 CSV with the header ``columns``."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns))
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return path


def wan(entity: str, period: str, **items: object) -> list[dict[str, object]]:
    """Fact rows of one entity and period in 万元 (persons for employees)."""
    return [
        {
            "entity_id": entity,
            "period": period,
            "item": k,
            "value": v,
            "unit": "人" if k.startswith("employees") else "万元",
        }
        for k, v in items.items()
    ]


class Desk:
    """A workspace over an in-memory store holding :data:`ENTITIES`, and a folder for input files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ws = Workspace(DuckDBStore(":memory:"), load_catalog())
        ents = write_rows(
            folder / "entities.csv",
            ENTITIES,
            ("entity_id", "name", "parent_id", "valid_from", "valid_to", "established"),
        )
        self.ws.import_files([ents], user="setup", today=TODAY)
        self.n = 0

    def file(self, rows: Sequence[Row], columns: Sequence[str] = FACT_COLUMNS) -> Path:
        """A new facts file holding ``rows``."""
        self.n += 1
        return write_rows(self.folder / f"facts_{self.n}.csv", rows, columns)

    def seed(self, rows: Sequence[Row]) -> None:
        """Store ``rows`` as earlier figures (the contract's checks only, no rules)."""
        self.ws.import_files([self.file(rows)], user="seed", validate=False)

    def problems(self, rows: Sequence[Row], *, reason: str = "", rules: Sequence[Path] = ()) -> list[Problem]:
        """Every problem ``rows`` would raise, checked on :data:`TODAY`."""
        return self.ws.check([self.file(rows)], reason=reason, today=TODAY, rules=list(rules)).problems

    def rules(self, rows: Sequence[Row], rule: str, *, reason: str = "", rules: Sequence[Path] = ()) -> list[Problem]:
        """The problems of ``rule`` only."""
        return [p for p in self.problems(rows, reason=reason, rules=rules) if p.rule == rule]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    """A :class:`Desk` with the small group of :data:`ENTITIES`."""
    d = Desk(tmp_path)
    yield d
    d.ws.close()


@pytest.fixture
def rows() -> Callable[..., list[dict[str, object]]]:
    """The :func:`wan` helper."""
    return wan
