"""Uploads and their review — pages and JSON twins.

* ``/submissions``: the submissions of the user's subtrees with their status (草稿 draft, 已提交
  submitted, 已通过 approved, 已退回 returned);
* ``/submissions/new``: a filer uploads a filled report template or a facts file; the problems come
  back in plain words with the cells named (``利润表!C5``); 核实 problems are explained in the
  form and the file lands as a draft;
* ``/submissions/{id}``: the figures, the review steps with their comments, and the buttons the
  user's role allows: submit (draft → submitted), approve or return with a comment.

Every step is a :class:`~guozi.workspace.Workspace` method (``stage_upload``, ``submit``,
``review``), which checks roles, subtrees and transitions and writes the audit log. Uploads pass
:mod:`guozi.ingest.guard` (size, type by content, zip bombs) before any parser sees them.

- :mod:`.filling`: filing in the browser (the web form, its live check, the form's download);
- :mod:`.api`: the JSON twins under ``/api/v1/submissions``; :mod:`.pages`: the pages;
- :mod:`.uploads`: receiving an upload and keeping it while its 核实 problems wait for explanations;
- :mod:`.models`: what the pages and the API show, made from the workspace's submissions and problems;
- :mod:`.common`: the workflow's refusals as HTTP answers.
"""

from __future__ import annotations

from fastapi import APIRouter

from guozi.web.submissions import api, filling, pages

__all__ = ["router"]

router = APIRouter()
router.include_router(filling.router)  # before pages: /submissions/fill is not a submission id
router.include_router(api.router)
router.include_router(pages.router)
