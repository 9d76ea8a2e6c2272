"""A throwaway PostgreSQL server for the tests: started once per test run by ``scripts/pg``.

Set ``GUOZI_TEST_PG=postgresql://user@host:port/db`` to use a running server instead. Without
either, the tests that need PostgreSQL fail (``scripts/setup --dev`` installs Debian's
``postgresql``): they never skip. Each test gets a database of its own (:func:`fresh_database`).
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import psycopg
from ibis.backends import BaseBackend

from guozi.tree import Tree

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pg"
_server: dict[str, str] = {}
_numbers = itertools.count(1)


def server_url() -> str:
    """The URL of the test server's maintenance database, starting the server on first use."""
    if "url" in _server:
        return _server["url"]
    url = os.environ.get("GUOZI_TEST_PG")
    if not url:
        folder = tempfile.mkdtemp(prefix="guozi-pg-")  # under /tmp: the postgres account must reach it
        done = subprocess.run([str(SCRIPT), "start", folder], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"scripts/pg could not start PostgreSQL: {done.stderr or done.stdout}")
        url = done.stdout.strip()

        def stop() -> None:
            subprocess.run([str(SCRIPT), "stop", folder], capture_output=True, check=False)
            shutil.rmtree(folder, ignore_errors=True)

        atexit.register(stop)
    _server["url"] = url
    return url


def with_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name``."""
    return url.rsplit("/", 1)[0] + "/" + name


def fresh_database(prefix: str = "t") -> str:
    """Create an empty database on the test server and return its URL."""
    base = server_url()
    name = f"{prefix}_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f'drop database if exists "{name}" with (force)')
        con.execute(f'create database "{name}"')
    return with_database(base, name)


def drop_database(url: str) -> None:
    """Drop a database made by :func:`fresh_database` (closing whatever still uses it)."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server_url(), autocommit=True) as con:
        con.execute(f'drop database if exists "{name}" with (force)')


_kept: list[Any] = []  # open until the run ends: a store closed by the garbage collector would warn


def postgres_backend() -> BaseBackend:
    """An Ibis backend on an empty database of the test server."""
    con: BaseBackend = ibis.postgres.connect(**_ibis_args(fresh_database("conformance")))
    return con


def _ibis_args(url: str) -> dict[str, Any]:
    from guozi.store.postgres import parse_url

    kw = parse_url(url)
    kw["database"] = kw.pop("dbname")
    return kw


def postgres_input(folder: Path) -> tuple[ir.Table, Tree]:
    """A contract folder imported (unchecked by the rules, as ``--data``) into a PostgreSQL store of
    its own: the store's facts expression and its tree."""
    from guozi.catalog import load_catalog
    from guozi.store.postgres import PostgresStore
    from guozi.workspace import Workspace

    ws = Workspace(PostgresStore(fresh_database("conformance")), load_catalog())
    _kept.append(ws)
    ws.import_files([folder], user="conformance", validate=False)
    return ws.store.facts(), ws.tree()
