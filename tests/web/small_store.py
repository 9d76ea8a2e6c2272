"""A small hand-made group in a folder and a web client signed in as admin over it (for tests that
work their figures out by hand on a few entities)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from guozi.web.app import create_app
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.web.conftest import PASSWORD, sign_in

with warnings.catch_warnings():  # Starlette asks for httpx2, which is not installed (as in conftest)
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def write_group(folder: Path, entities: Sequence[str], facts: Sequence[str]) -> Path:
    """``entities.csv`` (header first) and ``facts.csv`` (rows of ``entity_id,period,item,value,unit``)."""
    (folder / "entities.csv").write_text("\n".join(entities) + "\n", encoding="utf-8")
    rows = ["entity_id,period,item,value,unit", *facts]
    (folder / "facts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@contextmanager
def admin_client(data: Path, store: Path) -> Iterator[TestClient]:
    """A DuckDB store at ``store`` holding ``data``, and a client of the app over it signed in as admin."""
    ws = Workspace.open(f"duckdb:///{store}")
    try:
        ws.import_files([data], user="loader", reason="test data")
        save_user(ws, actor="test", name="admin", role="admin", scopes=(), password=PASSWORD)
        client = TestClient(create_app(workspace=ws, secret="test-secret-not-for-production"))
        assert sign_in(client, "admin").status_code == 200
        yield client
    finally:
        ws.close()
