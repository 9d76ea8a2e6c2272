"""The in-process DuckDB that checks an input: bounded in memory, spilling to disk beyond.

The contract's checks (:mod:`guozi.ingest.contract.facts`) and the validation rules
(:mod:`guozi.ingest.rules`) stage the input's facts in an in-process DuckDB and run as set
operations over them. Each such connection is opened here, with DuckDB's ``memory_limit`` and a
``temp_directory`` it spills to when the limit is reached, so a month of 100 000 entities is
checked in bounded memory. ``GUOZI_MEMORY_LIMIT`` (a DuckDB size such as ``2GB``) and
``GUOZI_TEMP_DIR`` override the defaults.
"""

from __future__ import annotations

import duckdb

from guozi.store.limits import MEMORY_LIMIT, memory_limit, spill_directory, spill_path

__all__ = ["MEMORY_LIMIT", "connect", "memory_limit", "spill_directory"]


def connect() -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB for staging, its memory bounded and spilling to :func:`spill_directory`.

    Each connection spills to a folder of its own there (DuckDB makes it when it first spills
    and removes it when the connection closes), so concurrent imports never share spill files.
    """
    con = duckdb.connect(config={"memory_limit": memory_limit(), "temp_directory": str(spill_path())})
    con.execute("set enable_progress_bar = false")
    return con
