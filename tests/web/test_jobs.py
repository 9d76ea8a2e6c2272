"""Report downloads as jobs off the request path (issue 18): a report being made holds up nobody.

The renderer is replaced (a FastAPI dependency override of ``report_renderer``) by one that says
it is rendering and then waits until the test lets it go: while it waits, the job is provably in
its rendering stage, and the other requests are made then. No timing is asserted: only that they
answer, and with what. The real renderer reads the figures in the job's own process
(:func:`~guozi.web.jobs.make_file`): the server's workspace never computes the report.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from guozi.kernel.periods import Period
from guozi.report import Report, ReportFormat
from guozi.web.app import create_app
from guozi.web.data import WebData
from guozi.web.jobs import Jobs, Progress, Rendered, ReportOrder, _started, render_file
from guozi.web.pages.downloads import report_renderer
from guozi.workspace import Workspace
from tests.conftest import write_csv
from tests.web.browser import PageAs, Serve
from tests.web.conftest import group_records, sign_in

SECRET = "jobs-test-secret-not-for-production"


class Gate:
    """A renderer that waits for :meth:`open` before making the file (with the real renderer, or a stub)."""

    def __init__(
        self, real: Callable[[Report | ReportOrder, ReportFormat, str, Progress], Rendered] | None = None
    ) -> None:
        self.entered = threading.Event()  # the job reached its rendering stage
        self.released = threading.Event()
        self.calls: list[tuple[str, str, str]] = []
        self.real = real

    def __call__(self, report: Report | ReportOrder, fmt: ReportFormat, lang: str, progress: Progress) -> Rendered:
        self.calls.append((report.entity, fmt, lang))
        if self.real is None:
            progress("rendering")  # as the job's process says once it has the figures
        self.entered.set()
        assert self.released.wait(120), "the test never let the renderer go"
        if self.real is not None:
            return self.real(report, fmt, lang, progress)
        # the stub's files: entity, period, format, language; a 附表 beside all but an Excel report
        annex = None if fmt == "xlsx" else f"annex {report.entity} {report.period} {lang}".encode()
        return Rendered(f"{report.entity} {report.period} {fmt} {lang}".encode(), annex)

    def open(self) -> None:
        self.released.set()


@pytest.fixture
def gated(group_ws: Workspace) -> Iterator[tuple[FastAPI, Gate, Workspace]]:
    """An application of its own (fresh jobs and cache) over the group, whose report renderer waits for the test."""
    app = create_app(workspace=group_ws, secret=SECRET)
    gate = Gate()
    app.dependency_overrides[report_renderer] = lambda: gate
    yield app, gate, group_ws
    gate.open()
    app.state.jobs.close()


def client(app: FastAPI, name: str) -> TestClient:
    c = TestClient(app)
    r = sign_in(c, name)
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def test_cached_page_answers_while_a_report_is_rendered(gated: tuple[FastAPI, Gate, Workspace]) -> None:
    app, gate, _ = gated
    reader, downloader = client(app, "viewer_a"), client(app, "admin")
    before = reader.get("/api/v1/tree?entity=A")  # computed now, cached for the store state
    assert before.status_code == 200
    # A's children's 2025-06 total profit (conftest GROUP): A1 30 万元, A2 −5 万元, in 元
    rows = {r["entity_id"]: r["reported"]["total_profit"]["value"] for r in before.json()["rows"]}
    assert rows == {"A1": 300_000, "A2": -50_000}

    started = downloader.post("/api/v1/report/jobs?entity=G&format=pdf")
    assert started.status_code == 202
    job = started.json()
    assert started.headers["location"] == job["status_url"] == f"/api/v1/jobs/{job['id']}"
    assert gate.entered.wait(120), "the job never reached its rendering stage"

    # the report is being rendered (the renderer is held): other users' pages answer meanwhile
    status = downloader.get(job["status_url"]).json()
    assert (status["status"], status["finished"], status["download_url"]) == ("rendering", False, None)
    assert status["progress"] == 60
    during = reader.get("/api/v1/tree?entity=A")
    assert during.status_code == 200 and during.json() == before.json()
    assert reader.get("/entity/A1").status_code == 200
    not_yet = downloader.get(f"/api/v1/jobs/{job['id']}/file")
    assert not_yet.status_code == 409

    gate.open()
    body = downloader.get(f"/api/v1/jobs/{job['id']}/file?wait=1")
    assert body.status_code == 200
    assert body.content == b"G 2025-06 pdf zh"  # the stub renderer's file: entity, period, format, language
    assert body.headers["content-type"] == "application/pdf"
    assert 'filename="guozi-report-G-2025-06.pdf"' in body.headers["content-disposition"]
    assert body.headers["content-security-policy"] == "sandbox"
    done = downloader.get(job["status_url"]).json()
    assert (done["status"], done["finished"], done["progress"]) == ("done", True, 100)
    assert done["download_url"] == f"/api/v1/jobs/{job['id']}/file"
    assert gate.calls == [("G", "pdf", "zh")]


def test_one_job_per_state_entity_period_format_and_language(gated: tuple[FastAPI, Gate, Workspace]) -> None:
    app, gate, _ = gated
    gate.open()
    admin, sup = client(app, "admin"), client(app, "sup_a")
    first = admin.post("/api/v1/report/jobs?entity=A&format=xlsx").json()["id"]
    assert admin.post("/api/v1/report/jobs?entity=A&format=xlsx").json()["id"] == first  # the same job
    assert sup.post("/api/v1/report/jobs?entity=A&format=xlsx").json()["id"] == first  # another user too
    others = {
        admin.post("/api/v1/report/jobs?entity=A&format=docx").json()["id"],
        admin.post("/api/v1/report/jobs?entity=A&format=xlsx&lang=en").json()["id"],
        admin.post("/api/v1/report/jobs?entity=B&format=xlsx").json()["id"],
    }
    assert len(others) == 3 and first not in others
    # the file is made once for the job, whoever waits for it
    assert admin.get(f"/api/v1/jobs/{first}/file?wait=1").content == b"A 2025-06 xlsx zh"
    assert sup.get(f"/api/v1/jobs/{first}/file?wait=1").content == b"A 2025-06 xlsx zh"
    assert gate.calls.count(("A", "xlsx", "zh")) == 1


def test_a_job_is_reached_only_by_those_who_may_see_its_entity(gated: tuple[FastAPI, Gate, Workspace]) -> None:
    app, gate, _ = gated
    gate.open()
    job = client(app, "admin").post("/api/v1/report/jobs?entity=A&format=html").json()
    viewer_b = client(app, "viewer_b")  # scoped to B: A is not theirs
    for path in (job["status_url"], job["page_url"], f"{job['status_url']}/file"):
        assert viewer_b.get(path).status_code == 404, path
    assert viewer_b.post("/api/v1/report/jobs?entity=A&format=html").status_code == 404
    assert client(app, "viewer_a").get(job["status_url"]).status_code == 200
    assert TestClient(app).get(job["status_url"]).status_code == 401  # nobody signed in
    assert client(app, "admin").get("/api/v1/jobs/no-such-job").status_code == 404


def test_old_download_urls_still_give_the_file_or_the_job(gated: tuple[FastAPI, Gate, Workspace]) -> None:
    app, gate, _ = gated
    admin = client(app, "admin")
    # the pages' link: to the job's page, which shows the progress in the user's language
    r = admin.get("/report?entity=A&format=pdf", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    assert gate.entered.wait(120)
    page = admin.get(r.headers["location"])
    assert page.status_code == 200
    assert "正在生成文件" in page.text and '<progress max="100" value="60">' in page.text
    assert 'http-equiv="refresh"' in page.text  # it refreshes itself until done
    english = client(app, "admin").get(r.headers["location"] + "?lang=en")
    assert "writing the file" in english.text and '<html lang="en">' in english.text
    # a script: 202 and the job at once with wait=0
    queued = admin.get("/api/v1/report?entity=A&format=pdf&wait=0")
    assert queued.status_code == 202 and queued.json()["page_url"] == r.headers["location"]
    gate.open()
    # ... or the file, waited for (the default of the API; wait=1 on the page's link)
    assert admin.get("/api/v1/report?entity=A&format=pdf").content == b"A 2025-06 pdf zh"
    assert admin.get("/report?entity=A&format=pdf&wait=1").content == b"A 2025-06 pdf zh"
    finished = admin.get(r.headers["location"])
    assert 'http-equiv="refresh"' not in finished.text
    assert f'href="/api/v1/jobs/{queued.json()["id"]}/file"' in finished.text


def test_the_annex_is_offered_beside_the_report(gated: tuple[FastAPI, Gate, Workspace]) -> None:
    """A PDF job's JSON gives the 附表's URL once done (not before: 409), the file is the one the
    renderer wrote beside the report, and the job page links both; an Excel report (every table
    inside it) has none: no URL, no link, 404."""
    app, gate, _ = gated
    admin = client(app, "admin")
    job = admin.post("/api/v1/report/jobs?entity=G&format=pdf").json()
    assert gate.entered.wait(120)
    assert admin.get(job["status_url"]).json()["annex_url"] is None
    assert admin.get(f"/api/v1/jobs/{job['id']}/annex").status_code == 409
    gate.open()
    assert admin.get(f"/api/v1/jobs/{job['id']}/file?wait=1").status_code == 200
    done = admin.get(job["status_url"]).json()
    assert done["annex_url"] == f"/api/v1/jobs/{job['id']}/annex"
    annex = admin.get(done["annex_url"])
    assert annex.status_code == 200
    assert annex.content == b"annex G 2025-06 zh"  # the stub's 附表: entity, period, language
    assert annex.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="guozi-report-G-2025-06-appendix.xlsx"' in annex.headers["content-disposition"]
    page = admin.get(done["page_url"]).text
    assert f'href="{done["download_url"]}"' in page and f'href="{done["annex_url"]}"' in page
    assert "下载附表" in page

    xlsx = admin.post("/api/v1/report/jobs?entity=G&format=xlsx").json()
    assert admin.get(f"/api/v1/jobs/{xlsx['id']}/file?wait=1").status_code == 200
    xdone = admin.get(xlsx["status_url"]).json()
    assert xdone["annex_url"] is None
    assert admin.get(f"/api/v1/jobs/{xlsx['id']}/annex").status_code == 404
    assert "下载附表" not in admin.get(xdone["page_url"]).text


def test_the_real_renderer_returns_the_annex_workbook(group_ws: Workspace) -> None:
    """render_file (what the rendering process runs) hands back the HTML report and the 附表 workbook
    written beside it, whose sheets are the report's appendix tables; an Excel report, none."""
    report = group_ws.report(Period.parse("2025-06"))
    html = render_file(report, "html", "zh")
    assert html.body.startswith(b"<!DOCTYPE html") or b"<html" in html.body[:500]
    assert html.annex is not None
    book = openpyxl.load_workbook(io.BytesIO(html.annex))
    tables = [t for s in report.sections if s.key == "appendix" for t in s.tables()]
    assert len(book.sheetnames) == len(tables) > 0
    assert render_file(report, "xlsx", "zh").annex is None


def test_the_figures_are_read_in_the_jobs_process_not_the_servers(
    group_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real renderer over a DuckDB file, the job's own process opens the store and reads
    the figures: the server's workspace is never asked for the report (here it would fail), and the
    file is the report of the same content rendered here afterwards, cell for cell."""
    app = create_app(workspace=group_ws, secret=SECRET)
    order = WebData(group_ws).report_source(Period.parse("2025-06"), "A")
    assert order == ReportOrder(group_ws.store.url, (), Period.parse("2025-06"), "A")

    def not_here(*args: object, **kwargs: object) -> Report:
        raise AssertionError("the server computed the report's figures")

    monkeypatch.setattr(Workspace, "report", not_here)
    try:
        admin = client(app, "admin")
        job = admin.post("/api/v1/report/jobs?entity=A&format=xlsx").json()
        made = admin.get(f"/api/v1/jobs/{job['id']}/file?wait=1")
        assert made.status_code == 200, made.text
    finally:
        app.state.jobs.close()
    monkeypatch.undo()
    here = render_file(group_ws.report(Period.parse("2025-06"), entity="A"), "xlsx", "zh")
    got, want = openpyxl.load_workbook(io.BytesIO(made.content)), openpyxl.load_workbook(io.BytesIO(here.body))
    assert got.sheetnames == want.sheetnames
    for name in want.sheetnames:
        assert [list(r) for r in got[name].iter_rows(values_only=True)] == [
            list(r) for r in want[name].iter_rows(values_only=True)
        ]


def test_a_store_in_memory_has_its_figures_read_in_the_server(tmp_path: Path) -> None:
    """A store no other process can open (the files read into memory) gives the job the content itself."""
    for name, rows in group_records().items():  # the group of conftest.py, as files
        write_csv(tmp_path / f"{name}.csv", rows)
    ws = Workspace.from_data([tmp_path])
    source = WebData(ws).report_source(Period.parse("2025-06"), "A")
    assert isinstance(source, Report) and source.entity == "A"


def test_a_failed_job_says_why_and_is_tried_again(gated: tuple[FastAPI, Gate, Workspace]) -> None:
    app, _, _ = gated
    calls: list[str] = []

    def failing(report: Report | ReportOrder, fmt: ReportFormat, lang: str, progress: Progress) -> Rendered:
        calls.append(fmt)
        if len(calls) == 1:
            raise RuntimeError("renderer broke")
        return Rendered(b"second try")

    app.dependency_overrides[report_renderer] = lambda: failing
    admin = client(app, "admin")
    job = admin.post("/api/v1/report/jobs?entity=A&format=docx").json()
    status = admin.get(f"/api/v1/jobs/{job['id']}/file?wait=1")
    assert status.status_code == 500
    assert status.json()["detail"]["message_en"] == "an internal error occurred while making the report"
    failed = admin.get(job["status_url"]).json()
    assert (failed["status"], failed["finished"]) == ("failed", True)
    assert failed["error"] == "生成报告时出现内部错误"
    again = admin.post("/api/v1/report/jobs?entity=A&format=docx").json()
    assert again["id"] != job["id"]
    assert admin.get(f"/api/v1/jobs/{again['id']}/file?wait=1").content == b"second try"


def test_report_download_in_browser(group_copy: Workspace, serve: Serve, page_as: PageAs, tmp_path: Path) -> None:
    """Chromium: the overview's report link leads to the progress page, then to the file (xlsx, real renderer)."""
    from playwright.sync_api import expect

    app = create_app(workspace=group_copy, secret=SECRET)
    jobs: Jobs = app.state.jobs
    gate = Gate(real=jobs.render)
    app.dependency_overrides[report_renderer] = lambda: gate
    try:
        base = serve(app)
        page = page_as(base, "admin", accept_downloads=True)
        page.click("a[href*='/report?'][href$='format=xlsx']")
        page.wait_for_url("**/jobs/*")
        assert gate.entered.wait(120)
        expect(page.locator(".job-status")).to_contain_text("正在读取数据")  # the real renderer: figures first
        assert page.locator("progress").get_attribute("value") == "10"
        gate.open()
        link = page.locator("a.download")
        expect(link).to_be_visible(timeout=120_000)  # the page refreshes itself until the file is made
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / "report.xlsx"
        info.value.save_as(saved)
        assert info.value.suggested_filename == "guozi-report-G-2025-06.xlsx"
    finally:
        gate.open()
        jobs.close()
    book = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()))
    assert book.sheetnames  # a real workbook, made by the rendering process


def test_a_job_process_gives_way_to_the_server() -> None:
    """A job's process, spawned and started as the jobs' pool starts it, runs JOB_NICE = 10 steps
    below this process's priority (which it inherits)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_started, initargs=(None,)) as pool:
        after = pool.submit(os.nice, 0).result(timeout=120)
    assert after == min(os.nice(0) + 10, 19)  # 19: the lowest priority there is
