"""Fixtures of every analysis' tests (warnings, EVA, targets, losses, benchmark): workspaces from a few
entities and their figures, and ``write_file`` for a user's own file."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from guozi.workspace import Workspace

Figures = Mapping[tuple[str, str], Mapping[str, object]]
Entities = Sequence[Mapping[str, object]]
MakeWorkspace = Callable[..., Workspace]
WriteFile = Callable[[str, str], Path]


def _write(path: Path, rows: Sequence[Mapping[str, object]]) -> None:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        for r in rows:
            w.writerow({k: "" if v is None else v for k, v in r.items()})


def contract_folder(folder: Path, entities: Entities, figures: Figures, unit: str = "万元") -> Path:
    """Write ``entities.csv`` and ``facts.csv`` (``{(entity, period): {item: value}}``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "entities.csv", entities)
    facts = [
        {"entity_id": e, "period": p, "item": item, "value": value, "unit": unit}
        for (e, p), items in figures.items()
        for item, value in items.items()
    ]
    _write(folder / "facts.csv", facts)
    return folder


@pytest.fixture
def risk_ws(tmp_path: Path) -> MakeWorkspace:
    """``risk_ws(entities, {(entity, period): {item: value}}, unit="万元")``: an in-memory workspace."""
    count = {"n": 0}

    def make(entities: Entities, figures: Figures, unit: str = "万元") -> Workspace:
        count["n"] += 1
        return Workspace.from_data([contract_folder(tmp_path / f"data{count['n']}", entities, figures, unit)])

    return make


@pytest.fixture(scope="module")
def module_ws(tmp_path_factory: pytest.TempPathFactory) -> MakeWorkspace:
    """Like ``risk_ws``, for a workspace shared by the tests of a module (built once)."""

    def make(entities: Entities, figures: Figures, unit: str = "万元") -> Workspace:
        return Workspace.from_data([contract_folder(tmp_path_factory.mktemp("data"), entities, figures, unit)])

    return make


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """``write_file("name.yaml", text)``: a user file in a temporary folder."""

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make
