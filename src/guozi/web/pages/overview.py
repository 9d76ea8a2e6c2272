"""The overview: one period at a glance for one entity (cards, targets, verdict, trend, warnings, loss-makers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from guozi.analyses.targets import STATUS_LABELS
from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.store.base import User
from guozi.web.data import WebData
from guozi.web.deps import can_see, lang_of
from guozi.web.pages.common import (
    EntityQ,
    PeriodQ,
    Signed,
    indicator_refs,
    path_to,
    ref,
    render_page,
    tr,
    web_data,
    where,
)
from guozi.web.pages.models import Card, Overview, Trend, VerdictOut
from guozi.web.rows import WarningRows, tally

__all__ = ["overview_model", "router"]

router = APIRouter()
LOSS_STATUSES = ("continuing", "new", "loss")  # guozi.analyses.losses: loss-making now (not turned around)


def overview_model(request: Request, user: User, period: str | None, entity: str | None) -> Overview:
    """The overview's content (built once per store state, entity, language and scopes)."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    key = ("overview", p.code, e, lang, user.role, user.scopes)
    return data.cached(key, lambda: _overview(data, user, p, e, lang))


def _overview(data: WebData, user: User, p: Period, e: str, lang: str) -> Overview:
    cat = data.ws.catalog
    codes = data.indicator_codes(p)
    rows = data.rows_for(p, "reported", [e])[e]
    targets = {str(r["indicator"]): r for r in data.targets(p, e, False) if r["entity_id"] == e}
    cards = []
    for code in codes:
        ind = cat.indicator(code)
        r = rows.get(code, {})
        t = targets.get(code, {})
        status = str(t.get("status") or "unknown")
        zh, en = STATUS_LABELS.get(status, (status, status))
        cards.append(
            Card(
                indicator=code,
                name=ind.name(lang),
                unit=ind.unit,
                value=r.get("value"),
                prior_value=r.get("prior_value"),
                change=r.get("change"),
                growth=r.get("growth"),
                note=str(r.get(pick(lang, "note_zh", "note_en")) or ""),
                target=t.get("target"),
                completion=t.get("completion"),
                pace=t.get("pace"),
                status=status,
                status_label=tr(lang, zh, en) if t else "",
            )
        )
    verdicts = [v for v in data.verdict(p, e) if v["entity_id"] == e]
    verdict = None
    if verdicts:
        v = verdicts[0]
        verdict = VerdictOut(
            entity_id=v["entity_id"],
            name=v["name"],
            regime=v["regime"],
            phrase=pick(lang, v["phrase_zh"], v["phrase_en"]),
            passed=v["passed"],
            clauses=[
                {
                    **c,
                    "reason": pick(lang, c["reason_zh"], c["reason_en"]),
                    "name": cat.indicator(c["indicator"]).name(lang),
                }
                for c in v["clauses"]
            ],
        )
    warn: WarningRows = data.warnings(p, e)["warnings"]
    counts = tally(warn.column("severity")[warn.groups().leads])  # one per entity, period and indicator, as /warnings
    losses = data.losses(p, e)
    loss_rows = [r for r in losses[f"entities_{lang}"] if r.get("status") in LOSS_STATUSES]
    trend = year_so_far(data, p, e, codes)
    visible_roots = data.roots(p) if user.role == "admin" else [s for s in user.scopes if can_see(data.ws, user, s, p)]
    return Overview(
        period=str(p),
        periods=data.periods(),
        entity=ref(data, p, e),
        path=path_to(data, user, p, e),
        roots=[ref(data, p, r) for r in visible_roots],
        indicators=indicator_refs(data, p, lang),
        cards=cards,
        verdict=verdict,
        trend=Trend(
            periods=trend["periods"],
            series={c: trend[c] for c in codes},
            prior={c: trend[f"prior:{c}"] for c in codes},
            targets={c: targets.get(c, {}).get("target") for c in codes},
        ),
        warning_counts=counts,
        loss_makers=len(loss_rows),
        loss_rows=loss_rows[:20],
    )


def year_so_far(data: WebData, p: Period, e: str, codes: list[str]) -> dict[str, list[Any]]:
    """The months of ``p``'s year up to ``p`` (year to date), and the same months of the year before.

    The workspace's trend is the last twelve months of year-to-date figures; across a January the
    line would fall back to one month (a saw-tooth), so only the months of one year are shown. The
    year before is of this period's indicators as the catalogue defines them, whichever regime was
    in force then (a figure is a figure: 营业现金比率 has a prior-year line in 2023 too).
    """
    now = data.trend(p, e)
    before = data.trend(p.shift(-12), e, codes)
    keep = [i for i, m in enumerate(now["periods"]) if Period.parse(m).year == p.year] or list(
        range(len(now["periods"]))
    )
    months = [now["periods"][i] for i in keep]
    prior_index = {m: i for i, m in enumerate(before["periods"])}
    out: dict[str, list[Any]] = {"periods": months}
    for c in codes:
        out[c] = [now[c][i] for i in keep]
        last = [prior_index.get(str(Period.parse(m).shift(-12))) for m in months]
        then = before.get(c) or [None] * len(before["periods"])
        out[f"prior:{c}"] = [then[i] if i is not None else None for i in last]
    return out


@router.get("/api/v1/overview", response_model=Overview, tags=["pages"])
def api_overview(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> Overview:
    """Overview of a period: indicator cards with targets and pace, trend, verdict, warnings, loss-makers."""
    return overview_model(request, user, period, entity)


@router.get("/", include_in_schema=False)
def overview_page(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> Response:
    """The overview page."""
    m = overview_model(request, user, period, entity)
    return render_page(
        request,
        "overview.html",
        m,
        severities=web_data(request).warnings(Period.parse(m.period), m.entity.entity_id)["severities"],
    )
