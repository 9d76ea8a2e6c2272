"""What the store tests share: a PostgreSQL database per test (on the server tests/pg.py starts once
per run), the day the imports are checked on, and writing a small file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ..pg import drop_database, fresh_database

TODAY = date(2025, 7, 15)  # the day the store tests' imports are checked on


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
