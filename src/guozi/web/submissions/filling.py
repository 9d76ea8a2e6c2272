"""Filing in the browser: download the own form, fill it in a web page checked as one types, save it.

* ``GET /submissions/fill?entity=&period=``: the form's lines in the paper form's order and sections,
  each sheet with its columns: 资产负债表 期末数 | 年初数 | 上月末数, 利润表 and 现金流量表 本年累计数 |
  本月数 (worked out as one types) | 上年同期累计数, 统计指标 本期数 | 上年同期 | 上期数; money in 万元,
  persons in 人;
* ``GET /submissions/fill/form.xlsx``: the same form as the monthly xlsx template (to fill in Excel);
* ``POST /api/v1/submissions/check``: the figures typed so far checked by the same rules as an upload
  (表内/表间审核), each problem placed on its item's cell; nothing is written;
* ``POST /submissions/fill``: the figures saved as a draft (核实 problems explained in the page); the
  提示 of each figure read from its usual writing is kept with the draft, and the draft's page (and
  its JSON) shows it beside the line when reopened.

A figure typed ``(3.5)``, 「７８０」 or ``－12`` is read as an upload reads the form's cells
(:meth:`Workspace.read_typed`, :func:`guozi.ingest.loose.loose_number`), with the same 提示 beside
it; ``1,234.50`` is a plain number; ``12a`` is refused beside its line, naming it and what was typed.

The typed figures become a facts file (``facts_web_…csv``, one row per filled line in form order,
so a problem's row names its line) that goes through :meth:`Workspace.check` and
:meth:`Workspace.stage_upload` like any upload; an empty line is left out (missing is not zero).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from guozi.kernel.errors import GuoziError, Problem
from guozi.kernel.periods import Period
from guozi.store.base import User
from guozi.web.deps import can_see, csrf_protect, lang_of
from guozi.web.render import render
from guozi.web.submissions.common import Signed, call, http_error, web_data
from guozi.web.submissions.models import ProblemOut, problem_out
from guozi.web.submissions.uploads import discard, uploads
from guozi.workspace import UPLOADERS
from guozi.workspace.collect import Explain, parse_explain
from guozi.workspace.forms import FormLine

__all__ = ["router"]

router = APIRouter()
MAX_LINES = 2000


class CheckIn(BaseModel):
    """The figures typed so far: item code → text as typed (万元 for money, 人 for persons)."""

    entity: str = Field(max_length=100)
    period: str = Field(max_length=20)
    values: dict[str, str] = Field(default_factory=dict, max_length=MAX_LINES)


class CellProblem(ProblemOut):
    """A problem with the form line it concerns ("" for the form as a whole)."""

    item: str


class CheckOut(BaseModel):
    """The problems of the typed figures; ``ok``: none is 强制; ``read``: the number each loosely
    written figure (``(3.5)``, 「７８０」) was read as, by item."""

    ok: bool
    problems: list[CellProblem]
    read: dict[str, str] = Field(default_factory=dict)


def _form_of(request: Request, user: User, entity: str | None, period: str | None) -> tuple[str, Period]:
    """The entity and period asked for (default: the user's first subtree, the month being filed), checked."""
    if user.role not in UPLOADERS:
        raise HTTPException(403, {"message_zh": "您的角色不能填报", "message_en": "your role may not file reports"})
    ws = web_data(request).ws
    try:
        p = Period.parse(period) if period else call(request, ws.filing_period, user.scopes or None)
    except GuoziError as exc:
        raise http_error(exc) from exc
    e = entity or (user.scopes[0] if user.scopes else "")
    with web_data(request).lock:
        visible = bool(e) and can_see(ws, user, e, p)
    if not visible:
        raise HTTPException(404, {"message_zh": f"未找到企业：{e}", "message_en": f"no such entity: {e}"})
    return e, p


def _unit(line: FormLine) -> str:
    return "万元" if line.unit == "元" else line.unit


def _write(
    request: Request, entity: str, period: Period, lines: list[FormLine], values: Mapping[str, str]
) -> tuple[Path, list[str]]:
    """The typed figures as a facts file in a folder of its own; the item of each data row, in order."""
    folder = uploads(request).folder()
    folder.mkdir(parents=True)
    path = folder / f"facts_web_{period}.csv"
    items: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["entity_id", "period", "item", "value", "unit"])
        for line in lines:
            text = str(values.get(line.item, "")).strip()[:100]
            if text:
                out.writerow([entity, str(period), line.item, text, _unit(line)])
                items.append(line.item)
    return path, items


def _cells(
    problems: list[Problem], items: list[str], lines: list[FormLine], notes: Mapping[str, Problem], lang: str
) -> list[CellProblem]:
    """Each problem with the line of its row (row 2 is the first figure), after the 提示 of the figures
    read from their usual writing (``notes``, by item); a figure that is no number names its line."""
    names = {line.item: (line.name_zh, line.name_en) for line in lines}
    out = [CellProblem(**problem_out(p, lang).model_dump(), item=item) for item, p in notes.items()]
    for p in problems:
        k = (p.row or 0) - 2
        item = items[k] if 0 <= k < len(items) else ""
        cell = CellProblem(**problem_out(p, lang).model_dump(), item=item)
        if item in names and p.rule == "value.not_numeric":
            zh, en = names[item]
            cell.message = f"{zh}（{item}）：{cell.message}" if lang == "zh" else f"{en} ({item}): {cell.message}"
        out.append(cell)
    return out


def _check(request: Request, user: User, body: CheckIn) -> CheckOut:
    entity, period = _form_of(request, user, body.entity, body.period)
    ws = web_data(request).ws
    lines = call(request, ws.form_lines, entity, period)
    values, notes = call(request, ws.read_typed, entity, period, body.values)
    path, items = _write(request, entity, period, lines, values)
    try:
        result = call(request, ws.check, [path], status="draft")
    finally:
        discard(path)
    cells = _cells(list(result.problems), items, lines, notes, lang_of(request))
    read = {item: values[item] for item in notes}
    return CheckOut(ok=not any(c.severity == "blocking" for c in cells), problems=cells, read=read)


@router.post(
    "/api/v1/submissions/check", response_model=CheckOut, tags=["submissions"], dependencies=[Depends(csrf_protect)]
)
def api_check(request: Request, user: Signed, body: CheckIn) -> CheckOut:
    """Check figures typed into the web form by the rules of an upload (nothing written). Needs X-CSRF-Token."""
    return _check(request, user, body)


def _page(
    request: Request,
    entity: str,
    period: Period,
    values: Mapping[str, str],
    problems: list[CellProblem],
    status: int = 200,
) -> Response:
    ws = web_data(request).ws
    lines = call(request, ws.form_lines, entity, period)
    with web_data(request).lock:
        name = web_data(request).name(period, entity)
    by_item: dict[str, list[CellProblem]] = {}
    for p in problems:
        by_item.setdefault(p.item, []).append(p)
    ctx: dict[str, Any] = {
        "entity": entity,
        "entity_name": name,
        "period": str(period),
        "lines": lines,
        "values": values,
        "by_item": by_item,
        "problems": problems,
        "closed": call(request, ws.closing, entity, period),  # the close that locks the month, if any
    }
    return render(request, "submissions/fill.html", ctx, status_code=status)


@router.get("/submissions/fill", include_in_schema=False)
def fill_page(request: Request, user: Signed, entity: str | None = None, period: str | None = None) -> Response:
    """The web form of ``entity``'s report for ``period``."""
    e, p = _form_of(request, user, entity, period)
    return _page(request, e, p, {}, [])


@router.get("/submissions/fill/form.xlsx", include_in_schema=False)
def form_download(request: Request, user: Signed, entity: str | None = None, period: str | None = None) -> Response:
    """The same form as the monthly xlsx template, to fill in Excel and upload."""
    e, p = _form_of(request, user, entity, period)
    folder = uploads(request).folder()
    folder.mkdir(parents=True)
    path = call(request, web_data(request).ws.template, e, p, folder / f"{e}_{p}.xlsx", lang=lang_of(request))
    return FileResponse(
        path,
        filename=f"guozi_{e}_{p}.xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.post("/submissions/fill", include_in_schema=False)
async def fill_save(request: Request, user: Signed) -> Response:
    """Save the typed figures as a draft (fields ``v:ITEM``, explanations ``x:RULE:ROW``), or show the problems."""
    form = await request.form(max_files=0, max_fields=2 * MAX_LINES + 10)
    await csrf_protect(request)
    entity, period = _form_of(request, user, str(form.get("entity") or ""), str(form.get("period") or ""))
    values = {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("v:")}
    explanations: list[Explain] = []
    for key, value in form.multi_items():
        if key.startswith("x:") and str(value).strip():
            try:
                explanations.append(parse_explain(f"{key[2:]}={str(value).strip()[:1000]}"))
            except GuoziError as exc:
                raise http_error(exc) from exc
    ws = web_data(request).ws
    lines = call(request, ws.form_lines, entity, period)
    read, notes = call(request, ws.read_typed, entity, period, values)
    path, items = _write(request, entity, period, lines, read)
    kept = [replace(p, file=path.name) for p in notes.values()]  # kept with the draft, shown when reopened
    try:
        staged = await run_in_threadpool(call, request, ws.stage_upload, [path], user, explanations, notices=kept)
    finally:
        discard(path)
    if staged.submissions:
        return RedirectResponse(f"/submissions/{staged.submissions[0].id}?uploaded=1", status_code=303)
    shown = _cells(list(staged.problems), items, lines, notes, lang_of(request))
    return _page(request, entity, period, values, shown, status=422)
