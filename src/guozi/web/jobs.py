"""Long work off the request path: report files made by a pool of workers, as jobs with a status URL.

A report of a large group takes tens of seconds, most of it rendering (the PDF of the demo group:
5 s reading the figures, 22 s WeasyPrint). Made inside a request, it held up every other user. Here
a download is a :class:`Job`: the request starts it (or finds it) and answers at once; a worker
thread reads the figures (under the store's lock, which cached pages never take), then hands the
content to a separate process for the rendering (its own interpreter, so it does not compete for
this one's GIL), and the finished file is kept.

A job is keyed by everything that shapes its file: the store's state, the period, the entity, the
format and the language. The same request made again, by the same user or by another who may see
the entity, finds the same job, running or done; a change of the store (an import, an approval)
starts a new one. At most :data:`KEEP` jobs are kept, the oldest finished going first.
"""

from __future__ import annotations

import logging
import multiprocessing
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.report import Report, ReportFormat, write_report

__all__ = ["KEEP", "STAGES", "Job", "Jobs", "Rendered", "Renderer", "render_file"]

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


Renderer = Callable[[Report, ReportFormat, str], Rendered]  # (content, format, language) -> the files


def render_file(report: Report, fmt: ReportFormat, lang: str) -> Rendered:
    """The report and its 附表 as files' bytes (run in the rendering process: it needs no store)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report.{fmt}"
        annex = write_report(report, path, fmt, lang)
        return Rendered(path.read_bytes(), None if annex is None else annex.read_bytes())


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

    def render(self, report: Report, fmt: ReportFormat, lang: str) -> Rendered:
        """:func:`render_file` in the rendering process; waits for it (called from a worker thread)."""
        with self._lock:
            if self._processes is None:
                # "spawn": a fresh interpreter, not a fork of this threaded server
                context = multiprocessing.get_context("spawn")
                self._processes = ProcessPoolExecutor(max_workers=self._render_processes, mp_context=context)
            pool = self._processes
        future: Future[Rendered] = pool.submit(render_file, report, fmt, lang)
        return future.result()

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
