"""Long work off the request path: report files made as jobs with a status URL, whole in a process of their own.

A report of a large group takes tens of seconds to minutes: reading its figures (the content, pure
Python over the panels) and rendering (the PDF of the demo group: 5 s of figures, 22 s of
WeasyPrint). Made inside a request, it held up every other user; made in a thread of the server,
its figures still took the server's interpreter (the GIL) and the store's lock from the pages. Here
a download is a :class:`Job`: the request starts it (or finds it) and answers at once; a worker
thread hands the whole of it to a separate process (:func:`make_file`: it opens the store itself,
one unit of work per panel as any command does, reads the figures, renders, and says when it
moves from figures to rendering), and only waits for the answer, so the server's interpreter and
lock stay with the pages. A store another process cannot open (one in memory) has its figures
read in the worker thread, and only the rendering goes to the process.

A job is keyed by everything that shapes its file: the store's state, the period, the entity, the
format and the language. The same request made again, by the same user or by another who may see
the entity, finds the same job, running or done; a change of the store (an import, an approval)
starts a new one. At most :data:`KEEP` jobs are kept, the oldest finished going first.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, NamedTuple

from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.report import Report, ReportFormat, write_report
from guozi.store.sessions import LOCK_WAIT_ENV
from guozi.workspace import Workspace

__all__ = [
    "KEEP",
    "STAGES",
    "Job",
    "Jobs",
    "Progress",
    "Rendered",
    "Renderer",
    "ReportOrder",
    "make_file",
    "render_file",
]

LOG = logging.getLogger("guozi.web")
KEEP = 64  # jobs kept (their files with them); the oldest finished go first
Stage = Literal["queued", "figures", "rendering", "done", "failed"]
# how far a job is at each stage, in percent, and what the page says meanwhile
STAGES: dict[str, tuple[int, str, str]] = {
    "queued": (0, "排队等候", "waiting for a worker"),
    "figures": (10, "正在读取数据、计算指标", "reading the figures"),
    "rendering": (60, "正在生成文件", "writing the file"),
    "done": (100, "已完成", "done"),
    "failed": (100, "失败", "failed"),
}


class Rendered(NamedTuple):
    """A report job's files: the report, and the 附表 workbook written beside it (None when none was)."""

    body: bytes
    annex: bytes | None = None


@dataclass(frozen=True)
class ReportOrder:
    """A report's content as a separate process reads it: the store's URL and the user's catalogue
    files (the process opens its own workspace over them), the period and the entity."""

    store: str
    catalog_files: tuple[str, ...]
    period: Period
    entity: str


Progress = Callable[[str], None]  # told the stage a job has reached ("rendering")
# (the content, or the order to read it; format; language; told the stage) -> the files
Renderer = Callable[[Report | ReportOrder, ReportFormat, str, Progress], Rendered]
JOB_LOCK_WAIT = 600.0  # seconds a job's process waits for the store (a server's warm-up holds it for a while)
# a job's process gives way to the server on a busy machine: with 20 users on 2 cores, a report read
# at the same priority took p95 of the cached pages from 97 to 368 ms (bench/WEB_RESULTS.md, issue 18)
JOB_NICE = 10
KEPT_CONTENTS = 4  # report contents a job's process keeps (another format of the same report reuses it)


def render_file(report: Report, fmt: ReportFormat, lang: str) -> Rendered:
    """The report and its 附表 as files' bytes (the rendering needs no store)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report.{fmt}"
        annex = write_report(report, path, fmt, lang)
        return Rendered(path.read_bytes(), None if annex is None else annex.read_bytes())


class _Failed(NamedTuple):
    """A job's :class:`GuoziError`, as it crosses back from the process (the error itself does not pickle)."""

    message_zh: str
    message_en: str


class _Process:
    """What a job's process keeps between jobs: its workspaces, the last contents, where it reports progress."""

    progress: ClassVar[Any] = None  # a multiprocessing queue of (token, stage)
    workspaces: ClassVar[dict[tuple[str, tuple[str, ...]], Workspace]] = {}
    contents: ClassVar[OrderedDict[Hashable, Report]] = OrderedDict()


def _started(progress: Any) -> None:
    """A job process's start: where to say how far a job is, a long wait for the store, and a lower
    CPU priority than the server's (:data:`JOB_NICE`; its DuckDB threads, started later, inherit it)."""
    _Process.progress = progress
    os.environ.setdefault(LOCK_WAIT_ENV, str(JOB_LOCK_WAIT))
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no os.nice (Windows)
        os.nice(JOB_NICE)


def _content(order: ReportOrder) -> Report:
    """The report's content read from the store (one workspace per store and catalogue, kept: its
    panels serve the next job), the last few kept per store state."""
    where = (order.store, order.catalog_files)
    ws = _Process.workspaces.get(where)
    if ws is None:
        ws = _Process.workspaces[where] = Workspace.open(
            order.store, catalog_files=[Path(f) for f in order.catalog_files]
        )
    try:
        key = (ws.state(), order.period.code, order.entity)
        report = _Process.contents.get(key)
        if report is None:
            report = ws.report(order.period, entity=order.entity)  # each panel one unit of work on the store
            _Process.contents[key] = report
            while len(_Process.contents) > KEPT_CONTENTS:
                _Process.contents.popitem(last=False)
        return report
    finally:
        with ws.store.lock:  # the end of a unit closes the file, should a read outside one have left it open
            pass


def make_file(source: Report | ReportOrder, fmt: ReportFormat, lang: str, token: str = "") -> Rendered | _Failed:
    """A job's files, in its process: the content read from the store (for an order), then rendered."""
    try:
        report = _content(source) if isinstance(source, ReportOrder) else source
        if _Process.progress is not None and token:
            _Process.progress.put((token, "rendering"))
        return render_file(report, fmt, lang)
    except GuoziError as exc:
        return _Failed(exc.message_zh, exc.message_en)


@dataclass
class Job:
    """One report file being made: where it is, and the file or the reason it failed once finished."""

    id: str
    key: Hashable
    period: Period
    entity: str
    fmt: ReportFormat
    lang: str
    stage: Stage = "queued"
    created: float = field(default_factory=time.time)
    finished: float | None = None
    body: bytes | None = None
    annex: bytes | None = None  # the 附表 workbook written beside the report, if any
    error_zh: str = ""
    error_en: str = ""
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def progress(self) -> int:
        """How far, in percent (by stage)."""
        return STAGES[self.stage][0]

    def reached(self, stage: str) -> None:
        """The job moved on to ``stage`` (one of :data:`STAGES`)."""
        if stage in STAGES:
            self.stage = stage  # type: ignore[assignment]  # checked just above

    def stage_text(self, lang: str) -> str:
        """What the job is doing, in ``lang``."""
        _, zh, en = STAGES[self.stage]
        return pick(lang, zh, en)

    def error(self, lang: str) -> str:
        """Why it failed, in ``lang`` (empty unless failed)."""
        return pick(lang, self.error_zh, self.error_en)


class Jobs:
    """The application's jobs and its two pools: worker threads, and a process for rendering.

    ``workers``: jobs made at once (each reads its figures under the store's lock, so more would
    only wait); ``render_processes``: rendering processes (started on first use).
    """

    def __init__(self, *, workers: int = 2, render_processes: int = 1, keep: int = KEEP) -> None:
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="guozi-job")
        self._render_processes = render_processes
        self._processes: ProcessPoolExecutor | None = None
        self._keep = keep
        self._lock = threading.Lock()
        self._by_key: dict[Hashable, Job] = {}
        self._by_id: OrderedDict[str, Job] = OrderedDict()
        self._progress: Any = None  # the processes' queue of (token, stage), read by a thread here
        self._told: dict[str, Progress] = {}  # token -> whom to tell

    def start(
        self, key: Hashable, period: Period, entity: str, fmt: ReportFormat, lang: str, work: Callable[[Job], Rendered]
    ) -> Job:
        """The job of ``key``: the one running or done, or a new one (a failed one is tried again)
        whose file ``work(job)`` makes in a worker thread."""
        with self._lock:
            found = self._by_key.get(key)
            if found is not None and found.stage != "failed":
                self._by_id.move_to_end(found.id)
                return found
            made = Job(secrets.token_urlsafe(18), key, period, entity, fmt, lang)
            self._by_key[key] = made
            self._by_id[made.id] = made
            self._prune()
        self._threads.submit(self._run, made, work)
        return made

    def get(self, job_id: str) -> Job | None:
        """The job ``job_id``, if it is still kept."""
        with self._lock:
            return self._by_id.get(job_id)

    def render(self, source: Report | ReportOrder, fmt: ReportFormat, lang: str, progress: Progress) -> Rendered:
        """:func:`make_file` in a job process; waits for it (called from a worker thread), telling
        ``progress`` when the process moves on to rendering."""
        pool = self._pool()
        token = secrets.token_hex(8)
        self._told[token] = progress
        try:
            future: Future[Rendered | _Failed] = pool.submit(make_file, source, fmt, lang, token)
            made = future.result()
        finally:
            self._told.pop(token, None)
        if isinstance(made, _Failed):
            raise GuoziError(made.message_zh, made.message_en)
        return made

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._processes is None:
                # "spawn": a fresh interpreter, not a fork of this threaded server
                context = multiprocessing.get_context("spawn")
                self._progress = context.Queue()
                self._processes = ProcessPoolExecutor(
                    max_workers=self._render_processes,
                    mp_context=context,
                    initializer=_started,
                    initargs=(self._progress,),
                )
                threading.Thread(
                    target=self._listen, args=(self._progress,), name="guozi-job-progress", daemon=True
                ).start()
            return self._processes

    def _listen(self, progress: Any) -> None:
        """Pass the processes' word on how far a job is to whoever waits for it (until ``None``)."""
        while True:
            said = progress.get()
            if said is None:
                return
            token, stage = said
            tell = self._told.get(token)
            if tell is not None:
                tell(stage)

    def close(self) -> None:
        """Stop the pools: running jobs are abandoned, a rendering process is ended (it would
        otherwise render on after the server stopped)."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._processes is not None:
            workers = getattr(self._processes, "_processes", None) or {}  # the executor's (None once broken)
            running = list(workers.values())
            self._processes.shutdown(wait=False, cancel_futures=True)
            for process in running:
                process.terminate()
            self._progress.put(None)  # ends the listening thread

    def _run(self, job: Job, work: Callable[[Job], Rendered]) -> None:
        try:
            job.body, job.annex = work(job)
            job.stage = "done"
        except GuoziError as exc:
            job.error_zh, job.error_en = exc.message_zh, exc.message_en
            job.stage = "failed"
        except Exception:
            LOG.exception("report job %s failed", job.id)
            job.error_zh, job.error_en = "生成报告时出现内部错误", "an internal error occurred while making the report"
            job.stage = "failed"
        finally:
            job.finished = time.time()
            job.done.set()

    def _prune(self) -> None:
        """Drop the oldest finished jobs beyond :attr:`_keep` (under the lock)."""
        excess = len(self._by_id) - self._keep
        for old in [j for j in self._by_id.values() if j.done.is_set()][: max(excess, 0)]:
            del self._by_id[old.id]
            if self._by_key.get(old.key) is old:
                del self._by_key[old.key]
