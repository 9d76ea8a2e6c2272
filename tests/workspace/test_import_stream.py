"""An import streams its checked facts from a staged file into the store and leaves no file behind (issue 18).

The figures are typed here in 万元 and 元 and worked out by hand in yuan: 1 234.56 万元 = 12 345 600 元,
0.01 万元 = 100 元; the store must hold exactly those, to the cent, whichever store it is.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.kernel.errors import InvalidInputError
from guozi.workspace import Workspace

ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C26", "category": "commercial_competitive"},
    {"entity_id": "S", "name": "子公司", "parent_id": "G", "industry": "C26", "category": "commercial_competitive"},
]


@pytest.fixture
def spill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "spill"
    monkeypatch.setenv("GUOZI_TEMP_DIR", str(folder))
    return folder


def _staged_files(spill: Path) -> list[Path]:
    return sorted(spill.glob("*.duckdb*")) if spill.exists() else []


def test_an_import_lands_the_figures_in_yuan_and_removes_its_staged_file(
    contract: Callable[..., Path], spill: Path, tmp_path: Path
) -> None:
    facts = [
        {"entity_id": "S", "period": "2025-06", "item": "revenue", "value": "1234.56", "unit": "万元"},
        {"entity_id": "S", "period": "2025-06", "item": "cash", "value": "0.01", "unit": "万元"},
        {"entity_id": "G", "period": "2025-06", "item": "revenue", "value": "-7.89", "unit": "元"},
    ]
    folder = contract(entities=ENTITIES, facts=facts)
    ws = Workspace.open(f"duckdb:///{tmp_path / 'store.duckdb'}")
    seen: list[tuple[str, float, float]] = []
    try:
        report = ws.import_files([folder], user="t", validate=False, progress=lambda *a: seen.append(a))
        sid = next(s.id for s in report.result.submissions if s.kind == "facts")
        t = ws.store.submission_facts(sid)
        got = sorted(
            zip(
                t.column("entity_id").to_pylist(),
                t.column("item").to_pylist(),
                t.column("value").to_pylist(),
                strict=True,
            )
        )
    finally:
        ws.close()
    assert report.facts == 3
    assert got == [
        ("G", "revenue", Decimal("-7.89")),
        ("S", "cash", Decimal("100")),  # 0.01 万元
        ("S", "revenue", Decimal("12345600")),  # 1 234.56 万元
    ]
    assert ("write", 3, 3) in seen  # the write stage counts the facts
    assert _staged_files(spill) == []


def test_a_refused_import_removes_its_staged_file_too(
    contract: Callable[..., Path], spill: Path, tmp_path: Path
) -> None:
    facts = [
        {"entity_id": "S", "period": "2025-06", "item": "revenue", "value": "5", "unit": "元"},
        {"entity_id": "X", "period": "2025-06", "item": "revenue", "value": "5", "unit": "元"},  # unknown entity: 强制
    ]
    folder = contract(entities=ENTITIES, facts=facts)
    ws = Workspace.open(f"duckdb:///{tmp_path / 'store.duckdb'}")
    try:
        with pytest.raises(InvalidInputError):
            ws.import_files([folder], user="t", validate=False)
        assert ws.store.submissions() == []
    finally:
        ws.close()
    assert _staged_files(spill) == []
