"""Compiled queries kept between calls: in the process (an LRU) and on disk for the command line.

Ibis writes every query the first time it is needed; what it wrote (the SQL text, with named
placeholders where the data goes, and the result's schema) is kept under a key made of every
input that shapes the SQL: guozi's version and engine code, Ibis's and sqlglot's versions, the
backend's dialect, the catalogue's digest and whatever the caller adds (the regime's
indicators, the scope's shape, the periods, the placeholders' schemas). A different input is a
different key, so a kept query is never stale; an entry that cannot be read is a miss.

The disk cache lives in ``$GUOZI_CACHE_DIR/sql`` (else ``$XDG_CACHE_HOME/guozi/sql``, else
``~/.cache/guozi/sql``); ``GUOZI_CACHE_DIR=""`` (empty) turns it off. Each entry is one small
JSON file written atomically; the oldest are removed beyond :data:`DISK_ENTRIES`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.schema as sch

from guozi.catalog.model import Catalog

FORMAT = 1  # the layout of an entry; a change makes every older entry a miss
ENV_DIR = "GUOZI_CACHE_DIR"
SUBDIR = "sql"
MEMORY_ENTRIES = 512
DISK_ENTRIES = 2000


@dataclass(frozen=True)
class Compiled:
    """One compiled query: its SQL text (placeholders in it) and the result's schema."""

    sql: str
    columns: tuple[tuple[str, str], ...]  # (name, Ibis type text), in the result's order

    @cached_property
    def schema(self) -> sch.Schema:
        """The result's Ibis schema."""
        return ibis.schema(dict(self.columns))

    @staticmethod
    def of(sql: str, schema: sch.Schema) -> Compiled:
        """``sql`` and ``schema``; raise :class:`ValueError` if the schema's text does not read back the same."""
        columns = tuple((str(n), str(t)) for n, t in schema.items())
        if ibis.schema(dict(columns)) != schema:  # pragma: no cover - every type the panel uses reads back
            raise ValueError(f"a schema that does not read back from text: {schema}")
        return Compiled(sql, columns)


def cache_root() -> Path | None:
    """guozi's cache folder (``sql/`` and its siblings are in it), or ``None`` when turned off."""
    explicit = os.environ.get(ENV_DIR)
    if explicit is not None:
        return Path(explicit).expanduser() if explicit.strip() else None
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "guozi"
    try:
        return Path.home() / ".cache" / "guozi"
    except RuntimeError:  # no home folder (a service account): no disk cache
        return None


@cache
def _environment() -> tuple[str, ...]:
    """What shapes every query besides the caller's inputs: versions and the engine's own code."""
    try:
        version = metadata.version("guozi")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        version = "source"
    code = hashlib.sha256()
    engine = Path(__file__).resolve().parent
    for path in sorted(engine.rglob("*.py")):
        code.update(path.relative_to(engine).as_posix().encode())
        code.update(path.read_bytes())
    return (f"format {FORMAT}", version, ibis.__version__, metadata.version("sqlglot"), code.hexdigest())


_DIGESTS: dict[int, tuple[weakref.ref[Catalog], str]] = {}
_DIGEST_LOCK = threading.Lock()


def catalog_digest(catalog: Catalog) -> str:
    """A digest of the catalogue's items, indicators, regimes and parameters (worked out once per catalogue)."""
    with _DIGEST_LOCK:
        known = _DIGESTS.get(id(catalog))
        if known is not None and known[0]() is catalog:
            return known[1]
        text = repr((catalog.items, catalog.indicators, catalog.regimes, catalog.parameters))
        digest = hashlib.sha256(text.encode()).hexdigest()
        for stale in [k for k, (ref, _) in _DIGESTS.items() if ref() is None]:
            del _DIGESTS[stale]
        _DIGESTS[id(catalog)] = (weakref.ref(catalog), digest)
        return digest


def make_key(dialect: str, catalog: Catalog, parts: Mapping[str, Any]) -> str:
    """The key of a query: the environment, the dialect, the catalogue and ``parts`` (reprs of the inputs)."""
    text = repr((_environment(), dialect, catalog_digest(catalog), sorted((k, repr(v)) for k, v in parts.items())))
    return hashlib.sha256(text.encode()).hexdigest()


class SqlCache:
    """Compiled queries by key: the last :data:`MEMORY_ENTRIES` in the process, and (optionally) on disk.

    ``disk``: keep them on disk too, in ``folder`` (by default :func:`cache_root` ``/sql``,
    read at each use, so that ``GUOZI_CACHE_DIR`` set later still applies).
    """

    def __init__(self, *, memory: int = MEMORY_ENTRIES, disk: bool = True, folder: Path | None = None) -> None:
        self._memory: OrderedDict[str, Compiled] = OrderedDict()
        self._size = memory
        self._disk = disk
        self._folder = folder
        self._lock = threading.Lock()
        self.compiled = 0  # how many queries Ibis wrote (misses)
        self.from_disk = 0  # how many came from the disk cache

    @property
    def folder(self) -> Path | None:
        """Where the disk entries are (``None``: none)."""
        if not self._disk:
            return None
        if self._folder is not None:
            return self._folder
        root = cache_root()
        return None if root is None else root / SUBDIR

    def get(self, key: str, build: Callable[[], Compiled]) -> Compiled:
        """The query of ``key``: kept in the process, else read from disk, else ``build()`` and kept."""
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
                return found
        found = self._read(key)
        if found is None:
            found = build()
            self.compiled += 1
            self._write(key, found)
        else:
            self.from_disk += 1
        with self._lock:
            self._memory[key] = found
            while len(self._memory) > self._size:
                self._memory.popitem(last=False)
        return found

    def clear(self) -> None:
        """Forget the queries kept in the process (the disk entries stay)."""
        with self._lock:
            self._memory.clear()

    def _read(self, key: str) -> Compiled | None:
        folder = self.folder
        if folder is None:
            return None
        try:
            data = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
            if data.get("key") != key or data.get("format") != FORMAT:
                return None
            return Compiled(str(data["sql"]), tuple((str(n), str(t)) for n, t in data["columns"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, unreadable or from another layout: compiled again

    def _write(self, key: str, entry: Compiled) -> None:
        folder = self.folder
        if folder is None:
            return
        text = json.dumps({"format": FORMAT, "key": key, "sql": entry.sql, "columns": entry.columns})
        with contextlib.suppress(OSError):  # a read-only or full disk: the cache is only a speed-up
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(folder / f"{key}.json")
            self._prune(folder)

    @staticmethod
    def _prune(folder: Path) -> None:
        entries = list(folder.glob("*.json"))
        if len(entries) <= DISK_ENTRIES:
            return
        entries.sort(key=lambda p: p.stat().st_mtime)
        for old in entries[: len(entries) - DISK_ENTRIES]:
            with contextlib.suppress(OSError):
                old.unlink()


QUERIES = SqlCache()  # the process's cache, used by the panel unless a caller passes its own
