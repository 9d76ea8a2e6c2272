"""Clean checks remembered per file content, so a second ``--data`` run on the same files checks nothing.

``guozi indicators --data DIR`` checks the rows a panel reads (:mod:`guozi.workspace.inplace`).
When they are clean, the (items, periods) spans checked are written to a small JSON file in the
user's cache folder (``$GUOZI_CACHE_DIR/checked``, else ``$XDG_CACHE_HOME/guozi/checked``, else
``~/.cache/guozi/checked``; ``GUOZI_CACHE_DIR=""`` turns it off). Its name is a sha256 over everything the check's verdict depends on:

* the sha256 of every file of the folder (facts and entities: an unknown entity and a duplicate
  depend on the other files), read in full each time: a file rewritten in the same second with
  the same size, or copied with its times kept, is still seen as changed. Size, time and inode
  would save the hashing (about 0.2 s for the 86 MB of 13.7 M facts) but could be fooled; the
  hashing is cheap beside any check, so it is always done;
* guozi's version and the source of the contract's checks (a development tree changes them
  without a new version number);
* the bytes of the catalogue's files (items, units) and of the contract's rules file.

An entry is only ever added after a clean check and never trusted for another key, so a stale
entry cannot be read. A cache folder that cannot be written is skipped silently (the check just
runs again next time).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

import guozi
from guozi.catalog import Catalog, data_path
from guozi.engine.sqlcache import cache_root
from guozi.kernel.files import file_hash
from guozi.store.lakeguard import Span, covers

__all__ = ["CheckedCache", "cache_dir"]

SUBDIR = "checked"
_CHECK_SOURCES = ("ingest/contract", "ingest/rules/load.py", "kernel/units.py", "kernel/periods.py")
_RULES = "rules/validation.yaml"


def cache_dir() -> Path | None:
    """Where clean checks are remembered; ``None``: nowhere (``GUOZI_CACHE_DIR`` set empty).

    ``checked/`` in guozi's cache folder (:func:`guozi.engine.sqlcache.cache_root`: beside the
    engine's compiled queries).
    """
    root = cache_root()
    return None if root is None else root / SUBDIR


def _rows(spans: Sequence[Span], extract: str | None = None) -> list[dict[str, Any]]:
    """``spans`` as the cache's JSON keeps them."""
    return [
        {"items": None if i is None else sorted(i), "periods": None if p is None else sorted(p), "extract": extract}
        for i, p in spans
    ]


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _code_digest() -> str:
    """The sha256 of the contract checks' source files."""
    root = Path(guozi.__file__).parent
    h = hashlib.sha256(guozi.__version__.encode())
    for name in _CHECK_SOURCES:
        where = root / name
        for f in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
            if f.is_file():
                h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


class CheckedCache:
    """The spans found clean in one folder's content, under one catalogue and one guozi."""

    def __init__(self, files: Sequence[Path], catalog: Catalog) -> None:
        h = hashlib.sha256(_code_digest().encode())
        for name in [*catalog.files, str(data_path(_RULES))]:
            try:
                h.update(b"catalog\0" + Path(name).read_bytes())
            except OSError:
                h.update(b"catalog\0?" + name.encode())
        for f in sorted(files, key=lambda p: p.name):
            h.update(f"file\0{f.name}\0{file_hash(f)}".encode())
        self.key = h.hexdigest()
        folder = cache_dir()
        self.path = None if folder is None else folder / f"{self.key}.json"

    def _entry(self) -> dict[str, Any] | None:
        """The entry of this key, if there is one and it can be read."""
        if self.path is None:
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("key") == self.key else None

    def spans(self) -> list[Span]:
        """The spans found clean before (none when there is no entry, or it cannot be read)."""
        data = self._entry()
        if data is None:
            return []
        try:
            return [
                (
                    None if s["items"] is None else frozenset(str(i) for i in s["items"]),
                    None if s["periods"] is None else frozenset(int(p) for p in s["periods"]),
                )
                for s in data["spans"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            return []

    def known(self) -> bool:
        """Whether the folder's content was found clean before (its entities, and the spans listed)."""
        return self._entry() is not None

    def covers(self, span: Span) -> bool:
        """Whether ``span`` was found clean before."""
        return any(covers(s, span) for s in self.spans())

    def extract_for(self, span: Span) -> Path | None:
        """The typed facts of a clean span covering ``span`` (:meth:`write_extract`), if kept."""
        data = self._entry()
        if data is None or self.path is None:
            return None
        for (items, periods), row in zip(self.spans(), data["spans"], strict=False):
            name = row.get("extract") if isinstance(row, dict) else None
            if name and covers((items, periods), span) and (self.path.parent / str(name)).is_file():
                return self.path.parent / str(name)
        return None

    def write_extract(self, spans: Sequence[Span], con: duckdb.DuckDBPyConnection, query: str) -> str | None:
        """Keep the result of ``query`` on ``con`` (the typed facts of ``spans``) as Parquet; its file name."""
        if self.path is None:
            return None
        digest = hashlib.sha256(json.dumps(_rows(spans), sort_keys=True).encode()).hexdigest()[:16]
        name = f"{self.key}-{digest}.parquet"
        tmp = self.path.parent / f".{name}.tmp"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"copy ({query}) to '{_sql_text(str(tmp))}' (format parquet)")
            tmp.replace(self.path.parent / name)
        except (OSError, duckdb.Error):
            tmp.unlink(missing_ok=True)
            return None
        return name

    def add(self, spans: Sequence[Span], extract: str | None = None) -> None:
        """Remember ``spans`` as clean (with those remembered before; ``extract``: the file of
        their typed facts), written atomically."""
        data = self._entry()
        known = self.spans()
        new = [s for s in spans if not any(covers(k, s) for k in known)]
        if self.path is None or (not new and data is not None):
            return
        rows = [*(data["spans"] if data is not None else []), *_rows(new, extract)]
        tmp: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=".checked-", suffix=".json")
            tmp = Path(name)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": self.key, "version": guozi.__version__, "spans": rows}, fh)
            tmp.replace(self.path)
        except OSError:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
