"""The monthly report of the entity's subtree as a file (html, pdf, docx, xlsx), made as a job; and the search.

A report takes seconds to minutes, so it is never made inside a request (:mod:`guozi.web.jobs`):

- ``GET /report?format=…`` (the pages' links) starts the job, or finds the one running or done for
  the same store state, period, entity, format and language, and redirects to its page
  ``/jobs/{id}``, which shows the progress and then the download link;
- ``POST /api/v1/report/jobs?format=…`` starts it for a script: 202 with the job's JSON, whose
  ``status_url`` (``/api/v1/jobs/{id}``) says how far it is and ``download_url``
  (``/api/v1/jobs/{id}/file``) gives the file once done, ``annex_url`` (``/api/v1/jobs/{id}/annex``)
  the 附表 workbook written beside an HTML, PDF or Word report;
- ``GET /api/v1/report?format=…`` answers with the file itself, as it always did: it waits for the
  job (the worker makes it; the waiting costs other users nothing); ``wait=0`` answers 202 with the
  job instead. ``/report?…&wait=1`` waits the same way.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel

from guozi.report import ReportFormat
from guozi.store.base import User
from guozi.web.deps import csrf_protect, ensure_visible, lang_of, visible_entities
from guozi.web.jobs import Job, Jobs, Rendered, Renderer
from guozi.web.pages.common import EntityQ, PeriodQ, Signed, render_page, viewer_roots, web_data, where
from guozi.web.pages.models import NodeRef, SearchOut
from guozi.web.render import render

__all__ = ["JobOut", "report_renderer", "router", "search_model"]

router = APIRouter()
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FormatQ = Annotated[ReportFormat, Query(description="html / pdf / docx / xlsx")]


def report_renderer(request: Request) -> Renderer:
    """How a report's content becomes a file: in the application's rendering process."""
    jobs: Jobs = request.app.state.jobs
    return jobs.render


Rendering = Annotated[Renderer, Depends(report_renderer)]


class JobOut(BaseModel):
    """A report job: how far it is, and where its file is once done."""

    id: str
    status: str  # queued, figures, rendering, done, failed
    finished: bool
    progress: int  # percent
    stage: str  # what it is doing, in the user's language
    period: str
    entity: str
    format: str
    lang: str
    error: str | None
    status_url: str
    page_url: str
    download_url: str | None
    annex_url: str | None  # the 附表 workbook beside the report, once done (none for an Excel report)
    retry_url: str


def _job_out(job: Job, lang: str) -> JobOut:
    done = job.stage == "done"
    return JobOut(
        id=job.id,
        status=job.stage,
        finished=job.done.is_set(),
        progress=job.progress,
        stage=job.stage_text(lang),
        period=str(job.period),
        entity=job.entity,
        format=job.fmt,
        lang=job.lang,
        error=job.error(lang) or None,
        status_url=f"/api/v1/jobs/{job.id}",
        page_url=f"/jobs/{job.id}",
        download_url=f"/api/v1/jobs/{job.id}/file" if done else None,
        annex_url=f"/api/v1/jobs/{job.id}/annex" if done and job.annex is not None else None,
        retry_url=f"/report?entity={job.entity}&period={job.period}&format={job.fmt}&lang={job.lang}",
    )


def _file(job: Job) -> Response:
    if job.body is None:
        if job.stage == "failed":
            raise HTTPException(500, {"message_zh": job.error_zh, "message_en": job.error_en})
        raise HTTPException(409, {"message_zh": "报告尚未生成完毕", "message_en": "the report is not ready yet"})
    name = f"guozi-report-{job.entity}-{job.period}.{job.fmt}"
    disposition = "inline" if job.fmt == "html" else "attachment"
    return Response(
        job.body,
        media_type=MEDIA[job.fmt],
        headers={"Content-Disposition": f'{disposition}; filename="{name}"', "Content-Security-Policy": "sandbox"},
    )


def _annex(job: Job) -> Response:
    if job.annex is None:
        raise HTTPException(
            404,
            {"message_zh": "此报告没有单独的附表文件", "message_en": "this report has no separate appendix workbook"},
        )
    name = f"guozi-report-{job.entity}-{job.period}-appendix.xlsx"
    return Response(
        job.annex,
        media_type=MEDIA["xlsx"],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Content-Security-Policy": "sandbox"},
    )


def _waited(job: Job) -> Response:
    job.done.wait()
    return _file(job)


def _accepted(job: Job, lang: str) -> Response:
    body: dict[str, Any] = _job_out(job, lang).model_dump()
    return JSONResponse(body, status_code=202, headers={"Location": body["status_url"]})


def started_job(
    request: Request,
    user: Signed,
    renderer: Rendering,
    period: PeriodQ = None,
    entity: EntityQ = None,
    format: FormatQ = "html",
) -> Job:
    """The report job of the entity's subtree (checked visible) in the user's language, found or started:
    the parameters every report URL takes."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    jobs: Jobs = request.app.state.jobs

    def work(job: Job) -> Rendered:
        job.stage = "figures"
        # the figures are read by the job's own process when it can open the store, else here
        return renderer(data.report_source(p, e), format, lang, job.reached)

    return jobs.start(("report", data.state, p.code, e, format, lang), p, e, format, lang, work)


StartedJob = Annotated[Job, Depends(started_job)]


@router.get(
    "/api/v1/report",
    tags=["downloads"],
    response_class=Response,
    responses={
        200: {"content": {m: {} for m in MEDIA.values()}, "description": "the report file"},
        202: {"model": JobOut, "description": "with wait=0: the job, running"},
    },
)
def api_report(
    request: Request,
    job: StartedJob,
    wait: Annotated[bool, Query(description="wait for the file (default) or answer 202 with the job")] = True,
) -> Response:
    """The monthly analysis report of the entity's subtree as a file (html, pdf, docx or xlsx).

    Made by a worker (a job, see ``POST /api/v1/report/jobs``); this waits for it, or with
    ``wait=0`` answers 202 with the job at once.
    """
    return _waited(job) if wait else _accepted(job, lang_of(request))


@router.post(
    "/api/v1/report/jobs",
    tags=["downloads"],
    status_code=202,
    response_model=JobOut,
    dependencies=[Depends(csrf_protect)],
)
def api_report_job(request: Request, job: StartedJob) -> Response:
    """Start making the report file (or find the job already making it): its status URL and, once done, its file."""
    return _accepted(job, lang_of(request))


def visible_job(request: Request, user: User, job_id: str) -> Job:
    """The job ``job_id`` if its entity is one ``user`` may see; 404 otherwise."""
    jobs: Jobs = request.app.state.jobs
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(
            404, {"message_zh": "没有这个任务（或已过期）", "message_en": "no such job (or it expired)"}
        )
    ensure_visible(web_data(request).ws, user, job.entity, job.period)
    return job


@router.get("/api/v1/jobs/{job_id}", response_model=JobOut, tags=["downloads"])
def api_job(request: Request, user: Signed, job_id: str) -> JobOut:
    """How far a report job is; its ``download_url`` once done."""
    return _job_out(visible_job(request, user, job_id), lang_of(request))


@router.get(
    "/api/v1/jobs/{job_id}/file",
    tags=["downloads"],
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA.values()}, "description": "the report file"}},
)
def api_job_file(
    request: Request, user: Signed, job_id: str, wait: Annotated[bool, Query(description="wait until done")] = False
) -> Response:
    """The job's file (409 while it is being made, unless ``wait=1``)."""
    job = visible_job(request, user, job_id)
    return _waited(job) if wait else _file(job)


@router.get(
    "/api/v1/jobs/{job_id}/annex",
    tags=["downloads"],
    response_class=Response,
    responses={200: {"content": {MEDIA["xlsx"]: {}}, "description": "the 附表 workbook"}},
)
def api_job_annex(request: Request, user: Signed, job_id: str) -> Response:
    """The 附表 workbook written beside the job's report (409 while it is being made; 404 when it has none)."""
    job = visible_job(request, user, job_id)
    if job.body is None:
        return _file(job)  # 409 while made, 500 when failed: the same answers as the report's
    return _annex(job)


@router.get("/jobs/{job_id}", include_in_schema=False)
def job_page(request: Request, user: Signed, job_id: str) -> Response:
    """The job's page: its progress (refreshed every 2 s), then the download link."""
    model = _job_out(visible_job(request, user, job_id), lang_of(request))
    return render(request, "job.html", {"m": model})  # not cached: it changes while the job runs


@router.get("/report", include_in_schema=False)
def report_download(job: StartedJob, wait: Annotated[bool, Query()] = False) -> Response:
    """The pages' report link: to the job's page (or, with ``wait=1``, the file once made)."""
    if wait:
        return _waited(job)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def search_model(request: Request, user: User, q: str, period: str | None) -> SearchOut:
    """Entities matching ``q`` among those the user may see (at most 50)."""
    data = web_data(request)
    data.refresh()
    p = data.period(period, viewer_roots(user))
    needle = q.strip().lower()
    nodes = data.nodes(p)
    allowed = visible_entities(data.ws, user, p)
    found: list[NodeRef] = []
    if needle:
        names = nodes["name"] if "name" in nodes.columns else nodes["entity_id"]
        for e, n in zip(nodes.entity_id, names, strict=True):
            if (needle in str(e).lower() or needle in str(n).lower()) and e in allowed:
                found.append(NodeRef(entity_id=str(e), name=str(n)))
                if len(found) >= 50:
                    break
    return SearchOut(period=str(p), query=q, results=found)


@router.get("/api/v1/search", response_model=SearchOut, tags=["pages"])
def api_search(
    request: Request, user: Signed, q: Annotated[str, Query(max_length=100)] = "", period: PeriodQ = None
) -> SearchOut:
    """Find entities by id or name, only among those in your subtrees."""
    return search_model(request, user, q, period)


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request, user: Signed, q: Annotated[str, Query(max_length=100)] = "", period: PeriodQ = None
) -> Response:
    """The search page."""
    return render_page(request, "search.html", search_model(request, user, q, period))
