"""The embedded store's units of work: the DuckDB file is open only while someone works on it.

DuckDB lets one process at a time write a file, and a process holding it open keeps every other
out. So the DuckDB store keeps no connection between units of work: a unit is the outermost hold
of the store's :attr:`~guozi.store.base.Store.lock` (:class:`UnitLock`, reentrant as
:class:`threading.RLock`). The file is opened at the first statement inside the hold and closed
when the outermost hold ends; a workspace call, a web request's computation and an import's
transaction each hold the lock throughout, so they open the file once.

Opening waits, with a bounded retry, while another process holds the file
(:data:`LOCK_WAIT_ENV` seconds, :data:`LOCK_WAIT` by default), then fails with a message naming
that process (DuckDB's lock error names its PID; its command line is read from ``/proc``).

Ibis expressions are bound to a backend object; the store's (:class:`FileBackend`) is the same
object for the store's whole life and reaches the file through the unit of work open at the
moment, so an expression is built and executed inside one unit. Used outside any hold, the file is
opened on demand and stays open until the next unit ends (or the store is closed).
"""

from __future__ import annotations

import _thread
import os
import re
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from ibis.backends.duckdb import Backend

from guozi.kernel.errors import GuoziError

LOCK_WAIT_ENV = "GUOZI_LOCK_WAIT"
LOCK_WAIT = 10.0  # seconds to wait for another process to let go of the file (a report reads its figures in ~5 s)
FIRST_PAUSE = 0.02  # seconds before the first retry, doubled up to MAX_PAUSE
MAX_PAUSE = 0.5
COMMAND_SHOWN = 400  # characters of the holder's command line a message shows
_PID = re.compile(r"\(PID (\d+)\)")


def lock_wait() -> float:
    """How long to wait for the file: ``$GUOZI_LOCK_WAIT`` seconds, else :data:`LOCK_WAIT`."""
    raw = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not raw:
        return LOCK_WAIT
    try:
        wait = float(raw)
    except ValueError:
        wait = -1.0
    if not wait >= 0:
        raise GuoziError(
            f"{LOCK_WAIT_ENV} 应为不小于 0 的秒数，实为 {raw!r}",
            f"{LOCK_WAIT_ENV} is a number of seconds, 0 or more, not {raw!r}",
        )
    return wait


def holder(message: str) -> tuple[int | None, str]:
    """The PID DuckDB's lock error names and that process's command line ('' if unreadable)."""
    found = _PID.search(message)
    if found is None:
        return None, ""
    pid = int(found.group(1))
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid, ""
    words = " ".join(p.decode("utf-8", "replace") for p in raw.split(b"\0") if p).split()
    command = " ".join(words)  # one line, however the command was written
    return pid, command if len(command) <= COMMAND_SHOWN else command[: COMMAND_SHOWN - 1] + "…"


def busy_error(path: str, message: str, wait: float) -> GuoziError:
    """The bilingual error for a file another process still held after ``wait`` seconds."""
    pid, command = holder(message)
    who_zh = f"进程 {pid}（{command}）" if pid and command else f"进程 {pid}" if pid else "另一个进程"
    who_en = f"process {pid} ({command})" if pid and command else f"process {pid}" if pid else "another process"
    return GuoziError(
        f"存储文件 {path} 正被{who_zh}占用，等待 {wait:g} 秒后仍未释放。请待其完成后重试，"
        f"或设置环境变量 {LOCK_WAIT_ENV}（秒）延长等待",
        f"the store file {path} is held by {who_en}, still after waiting {wait:g} s. Try again when it "
        f"is done, or wait longer with the environment variable {LOCK_WAIT_ENV} (seconds)",
    )


def open_file(path: str, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file at ``path``, waiting up to ``wait`` seconds for another process's lock."""
    wait = lock_wait() if wait is None else wait
    deadline = time.monotonic() + wait
    pause = FIRST_PAUSE
    while True:
        try:
            return duckdb.connect(path)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise GuoziError(
                    f"无法打开存储文件 {path}：{text}", f"cannot open the store file {path}: {text}"
                ) from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise busy_error(path, text, wait) from None
            time.sleep(min(pause, left))
            pause = min(pause * 2, MAX_PAUSE)


class UnitLock(_thread.RLock):  # type: ignore[misc]  # typeshed marks RLock final; CPython lets it be subclassed
    """The store's lock: reentrant, held by one thread at a time; its outermost release ends the unit of work.

    ``on_end`` runs while the lock is still held, before the outermost release lets another thread in.
    """

    on_end: Callable[[], None] = staticmethod(lambda: None)

    def release(self) -> None:
        if self._recursion_count() == 1:  # type: ignore[attr-defined]
            try:
                self.on_end()
            finally:
                super().release()
            return
        super().release()

    def __enter__(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self.acquire(blocking, timeout)

    def __exit__(self, *exc: object) -> None:
        self.release()


class FileBackend(Backend):  # type: ignore[misc]  # Ibis's backends are untyped
    """The Ibis DuckDB backend of a store: its connection is the current unit of work's, opened on demand."""

    def __init__(self, connect: Callable[[], duckdb.DuckDBPyConnection]) -> None:
        super().__init__()
        self._can_reconnect = False
        self._connect = connect

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        return self._connect()

    @con.setter
    def con(self, value: Any) -> None:  # Ibis sets it only when it connects itself, which this backend never does
        raise AttributeError("the store's backend takes its connection from the store")

    def begun(self) -> None:
        """A new connection was opened: Ibis registers its in-memory tables and settings again on it."""
        self._memtables: weakref.WeakSet[Any] = weakref.WeakSet()
        self._post_connect()

    def disconnect(self) -> None:
        """Nothing: the store closes its connection at the end of each unit of work."""
