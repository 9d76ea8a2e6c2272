"""内部往来对账 (``/reconcile``) and its JSON twin: each pair's receivable beside the counterparty's payable (issue 21).

The pairs of the entity's subtree (the user's top entity by default) in the period, differences
above the tolerance (a catalogue parameter) first; computed by :meth:`Workspace.reconcile`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from guozi.kernel.text import pick
from guozi.store.base import User
from guozi.web.data import clean
from guozi.web.deps import lang_of
from guozi.web.pages.common import EntityQ, PeriodQ, Signed, ref, render_page, where
from guozi.web.pages.models import TableOut

__all__ = ["reconcile_model", "router"]

router = APIRouter()


def reconcile_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """The pairs (``rows``), how many match and how many do not (``counts``), the tolerance (``extra``)."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    report = data.cached(("reconcile", p.code, e), lambda: data.ws.reconcile(p, entity=e))
    names = data.ws.tree().names
    rows: list[dict[str, Any]] = []
    for r in report.pairs.to_dict("records"):
        row = {str(k): clean(v) for k, v in r.items()}
        row["meet_name"] = names.get(str(r["meet_id"]), str(r["meet_id"]))
        row["status"] = "mismatch" if r["mismatch"] else "match"
        row["status_label"] = pick(lang, "不符", "mismatch") if r["mismatch"] else pick(lang, "相符", "match")
        rows.append(row)
    tol = report.tolerance
    return TableOut(
        period=str(p),
        entity=ref(data, p, e),
        rows=rows,
        extra=[{"tolerance": clean(tol.value), "year": tol.year, "source": tol.source}],
        counts={"mismatch": report.mismatches, "match": len(rows) - report.mismatches},
        count_names={"mismatch": pick(lang, "不符", "mismatch"), "match": pick(lang, "相符", "match")},
    )


@router.get("/api/v1/reconcile", response_model=TableOut, tags=["pages"])
def api_reconcile(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> TableOut:
    """内部往来对账: for every pair inside the entity's subtree, the creditor's receivable beside the debtor's
    payable and the difference; differences above the tolerance (``extra``) first."""
    return reconcile_model(request, user, period, entity)


@router.get("/reconcile", include_in_schema=False)
def reconcile_page(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> Response:
    """The 内部往来对账 page."""
    model = reconcile_model(request, user, period, entity)
    return render_page(
        request,
        "reconcile.html",
        model,
        title_zh="内部往来对账",
        title_en="Intercompany reconciliation",
        table="reconcile",
    )
