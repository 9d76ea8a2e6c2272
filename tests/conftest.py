"""Fixtures shared by every test: contract files written from plain records; the suite's markers.

Markers (``pytest -m``), given here from what a test uses so that no test can forget its own:
``postgres`` (a PostgreSQL server: the ``pg_url`` fixture, a ``postgres``/``postgresql``
parameter, tests/store/test_postgres.py), ``spark`` (a Spark session: a ``spark`` parameter),
``browser`` (Chromium through Playwright: the ``chromium`` fixture of tests/web/browser.py, or
"chromium"/"browser" in the test's id), ``slow`` (the load, fuzz and kill tests, the benchmark's
own checks). ``scripts/test --fast`` leaves all four out: a loop of a few minutes;
CI runs everything.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pytest

from guozi.workspace import Workspace

# guozi's caches (compiled queries, clean --data checks) go to a folder of this test run, never
# the user's ~/.cache: a run starts cold and leaves nothing behind for the next one. Subprocesses
# (the CLI tests) inherit it; a test of the caches sets its own.
os.environ.setdefault("GUOZI_CACHE_DIR", tempfile.mkdtemp(prefix="guozi-test-cache-"))

# Chromium, the served application and signed-in pages for the browser tests: one plugin, so that
# its session fixtures (Chromium itself) are made once for the whole run
pytest_plugins = ["tests.web.browser"]

Records = Sequence[Mapping[str, object]]
FACT_COLUMNS = ("entity_id", "period", "item", "value", "unit")


def write_csv(path: Path, rows: Records, columns: Iterable[str] | None = None) -> Path:
    """Write ``rows`` as a UTF-8 CSV with a header."""
    cols = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return path


ContractWriter = Callable[..., Path]

SLOW_MODULES = {"test_load.py", "test_fuzz.py", "test_concurrency.py", "test_pandas_panel.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs (see the module's docstring)."""
    for item in items:
        name = item.path.name
        ids = item.nodeid.lower()
        fixtures = set(getattr(item, "fixturenames", ()))
        if "pg_url" in fixtures or "postgres" in ids or name == "test_postgres.py":
            item.add_marker(pytest.mark.postgres)
        if "spark" in ids:
            item.add_marker(pytest.mark.spark)
        if "chromium" in fixtures or "chromium" in ids or "browser" in ids:
            item.add_marker(pytest.mark.browser)
        if name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def contract(tmp_path: Path) -> ContractWriter:
    """``contract(entities=[...], facts=[...], targets=[...], name="data")`` writes a contract folder."""
    counter = {"n": 0}

    def make(
        *, entities: Records | None = None, facts: Records | None = None, targets: Records | None = None, name: str = ""
    ) -> Path:
        counter["n"] += 1
        folder = tmp_path / (name or f"data{counter['n']}")
        folder.mkdir()
        if entities is not None:
            write_csv(folder / "entities.csv", entities)
        if facts is not None:
            write_csv(folder / "facts.csv", facts, FACT_COLUMNS if facts and "unit" in facts[0] else None)
        if targets is not None:
            write_csv(folder / "targets.csv", targets)
        return folder

    return make


def facts_of(entity: str, period: str, unit: str = "元", **items: object) -> list[dict[str, object]]:
    """Fact records of one entity and period: ``facts_of("A", "2025-06", revenue=100)``."""
    return [{"entity_id": entity, "period": period, "item": k, "value": v, "unit": unit} for k, v in items.items()]


@pytest.fixture
def fact_rows() -> Callable[..., list[dict[str, object]]]:
    """The :func:`facts_of` helper as a fixture."""
    return facts_of


@pytest.fixture
def workspace_of(contract: ContractWriter) -> Callable[..., Workspace]:
    """``workspace_of(entities=…, facts=…)``: an in-memory workspace over those records."""
    opened: list[Workspace] = []

    def make(**kwargs: Records) -> Workspace:
        ws = Workspace.from_data([contract(**kwargs)])
        opened.append(ws)
        return ws

    return make
