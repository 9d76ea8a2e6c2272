"""Stores behind one interface: the embedded DuckDB file by default."""

from __future__ import annotations

import os
from pathlib import Path

from guozi.kernel.errors import GuoziError
from guozi.store.base import Explanation, Store, Submission, WriteResult

DEFAULT_URL = "duckdb:///guozi.duckdb"


def open_store(url: str | None = None) -> Store:
    """Open the store at ``url`` (``--store``), else ``$GUOZI_STORE``, else ``./guozi.duckdb``."""
    url = url or os.environ.get("GUOZI_STORE") or DEFAULT_URL
    if url.startswith("duckdb://"):
        from guozi.store.duckdb import DuckDBStore  # noqa: PLC0415 - the backend is chosen by the URL: only its driver loads

        rest = url.removeprefix("duckdb://")
        if rest in (":memory:", "/:memory:"):
            return DuckDBStore(":memory:")
        path = rest[1:] if rest.startswith("/") else rest
        return DuckDBStore(Path(path) if path else Path("guozi.duckdb"))
    if url.startswith(("postgresql://", "postgres://")):
        from guozi.store.postgres import PostgresStore  # noqa: PLC0415 - the backend is chosen by the URL: only its driver loads

        return PostgresStore(url)
    raise GuoziError(
        f"无法识别的存储地址：{url}", f"unrecognised store URL: {url} (expected duckdb:///path or postgresql://…)"
    )


__all__ = ["DEFAULT_URL", "Explanation", "Store", "Submission", "WriteResult", "open_store"]
