"""A read-only store over files: a lake written by ``guozi export``, or a contract folder, computed
by DuckDB or Spark (``guozi indicators --engine spark --data LAKE``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from guozi.catalog import Catalog
from guozi.engine.backends import connect, find_lake, parse_spark_conf, spark_running
from guozi.ingest.contract import read_batch
from guozi.kernel.errors import InvalidInputError
from guozi.store.lake import LakeStore

__all__ = ["lake_store"]


@contextmanager
def lake_store(
    path: Path, catalog: Catalog, *, engine: str = "duckdb", master: str | None = None, conf: Sequence[str] = ()
) -> Iterator[LakeStore]:
    """A read-only store over ``path``, computed by ``engine`` (``duckdb`` or ``spark``).

    A contract folder is checked on this machine first, exactly as ``--data`` is for DuckDB; a
    lake written by ``guozi export`` was checked when it was imported and is read as it is. A
    SparkSession this call started is stopped on every way out (one it found is left running).
    """
    settings = parse_spark_conf(list(conf))
    entities = None
    if find_lake(path) is None:
        batch = read_batch([path], catalog)
        if batch.blocking:
            raise InvalidInputError(problems=batch.problems)
        if batch.entities is not None:
            entities = batch.entities[[c for c in batch.entities.columns if not str(c).startswith("__")]]
    running = engine == "spark" and spark_running()
    con = connect("spark", master=master, **settings) if engine == "spark" else connect("duckdb")
    try:
        yield LakeStore.open(con, path, entities=entities)
    finally:
        if not running:
            con.disconnect()
