"""The in-process DuckDB that checks an input: bounded in memory, spilling to disk beyond.

The contract's checks (:mod:`guozi.ingest.contract.facts`) and the validation rules
(:mod:`guozi.ingest.rules`) stage the input's facts in an in-process DuckDB and run as set
operations over them. Each such connection is opened here, with DuckDB's ``memory_limit`` and a
``temp_directory`` it spills to when the limit is reached, so a month of 100 000 entities is
checked in bounded memory. ``GUOZI_MEMORY_LIMIT`` (a DuckDB size such as ``2GB``) and
``GUOZI_TEMP_DIR`` override the defaults.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import duckdb

MEMORY_LIMIT = "1GB"  # what the staging database may hold in memory before it spills


def memory_limit() -> str:
    """DuckDB's ``memory_limit`` for staging: ``GUOZI_MEMORY_LIMIT`` or :data:`MEMORY_LIMIT`."""
    return os.environ.get("GUOZI_MEMORY_LIMIT", "").strip() or MEMORY_LIMIT


def spill_directory() -> Path:
    """Where staging spills: ``GUOZI_TEMP_DIR`` or a ``guozi-spill`` folder in the system's temp folder."""
    given = os.environ.get("GUOZI_TEMP_DIR", "").strip()
    return Path(given) if given else Path(tempfile.gettempdir()) / "guozi-spill"


def connect() -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB for staging, its memory bounded and spilling to :func:`spill_directory`.

    Each connection spills to a folder of its own there (DuckDB makes it when it first spills
    and removes it when the connection closes), so concurrent imports never share spill files.
    """
    base = spill_directory()
    base.mkdir(parents=True, exist_ok=True)
    folder = base / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    con = duckdb.connect(config={"memory_limit": memory_limit(), "temp_directory": str(folder)})
    con.execute("set enable_progress_bar = false")
    return con
