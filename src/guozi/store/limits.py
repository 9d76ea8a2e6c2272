"""How much memory an in-process DuckDB may hold before it spills to disk, and where it spills.

Every DuckDB that handles a whole input uses these settings: the staging databases that check
it (:mod:`guozi.ingest.staging`), the file its checked facts wait in (:class:`~guozi.store.batch.StagedFacts`)
and the store's own connection while it writes them (:mod:`guozi.store.duckdb`). So an import
of a month of 100 000 entities stays within a bounded amount of memory. ``GUOZI_MEMORY_LIMIT`` (a
DuckDB size such as ``2GB``) and ``GUOZI_TEMP_DIR`` override the defaults.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

MEMORY_LIMIT = "1GB"  # what one DuckDB of an import may hold in memory before it spills


def memory_limit() -> str:
    """DuckDB's ``memory_limit`` for an import's work: ``GUOZI_MEMORY_LIMIT`` or :data:`MEMORY_LIMIT`."""
    return os.environ.get("GUOZI_MEMORY_LIMIT", "").strip() or MEMORY_LIMIT


def spill_directory() -> Path:
    """Where an import spills: ``GUOZI_TEMP_DIR`` or a ``guozi-spill`` folder in the system's temp folder."""
    given = os.environ.get("GUOZI_TEMP_DIR", "").strip()
    return Path(given) if given else Path(tempfile.gettempdir()) / "guozi-spill"


def remove_orphans(suffix: str) -> None:
    """Delete the files ``PID-xxxxxxxxxxxx{suffix}`` (and their ``.wal``) under :func:`spill_directory` left by
    processes no longer running (an import killed part-way leaves its staged facts)."""
    base = spill_directory()
    if not base.is_dir():
        return
    for path in base.glob(f"*-*{suffix}*"):
        pid, _, rest = path.name.partition("-")
        if not pid.isdigit() or not rest.removesuffix(".wal").endswith(suffix) or _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            path.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: running
        return True
    return True


def spill_path(suffix: str = "") -> Path:
    """A new path of this process's own under :func:`spill_directory` (made): concurrent imports never share one."""
    base = spill_directory()
    base.mkdir(parents=True, exist_ok=True)
    return base / f"{os.getpid()}-{uuid.uuid4().hex[:12]}{suffix}"
