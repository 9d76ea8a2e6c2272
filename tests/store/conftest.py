"""What the store tests share: an empty store of each kind (``store_url``, ``store``: every test
asking for one runs on DuckDB and on PostgreSQL), a PostgreSQL database per test (on the server
tests/pg.py starts once per run), the day the imports are checked on, and writing a small file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from guozi.store import Store, open_store

from ..pg import drop_database, fresh_database

TODAY = date(2025, 7, 15)  # the day the store tests' imports are checked on
KINDS = ["duckdb", "postgresql"]  # the ids name the kind: "postgresql" puts on the ``postgres`` marker


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (UTF-8) and return the path."""
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def pg_url() -> Iterator[str]:
    """An empty PostgreSQL database of this test (dropped afterwards)."""
    url = fresh_database()
    yield url
    drop_database(url)


@pytest.fixture(params=KINDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store of each kind: a DuckDB file of this test, then a PostgreSQL
    database of this test (dropped afterwards)."""
    if request.param == "duckdb":
        yield f"duckdb:///{tmp_path / 'store.duckdb'}"
        return
    url = fresh_database()
    yield url
    drop_database(url)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store of each kind, open for this test (closed afterwards)."""
    s = open_store(store_url)
    yield s
    s.close()
