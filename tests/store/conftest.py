"""A PostgreSQL database per test, on the server tests/pg.py starts once per run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..pg import drop_database, fresh_database


@pytest.fixture
def pg_url() -> Iterator[str]:
    """An empty PostgreSQL database of this test (dropped afterwards)."""
    url = fresh_database()
    yield url
    drop_database(url)
