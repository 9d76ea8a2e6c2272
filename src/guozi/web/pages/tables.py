"""The table pages — targets, warnings, loss-makers, EVA of the entity's subtree — and the periods."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response

from guozi.analyses.targets import STATUS_LABELS
from guozi.store.base import User
from guozi.web.deps import lang_of
from guozi.web.pages.common import EntityQ, PeriodQ, Signed, ref, render_page, tr, web_data, where
from guozi.web.pages.models import PeriodsOut, TableOut

__all__ = ["TABLES", "router"]

router = APIRouter()


def targets_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """Target progress of the entity's subtree."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    rows = []
    for r in data.targets(p, e, True):
        zh, en = STATUS_LABELS.get(str(r["status"]), (r["status"], r["status"]))
        rows.append(
            {
                **{k: v for k, v in r.items() if k not in ("note_zh", "note_en")},
                "note": r["note_zh"] if lang == "zh" else r["note_en"],
                "status_label": tr(lang, str(zh), str(en)),
                "indicator_name": data.ws.catalog.indicator(str(r["indicator"])).name(lang),
            }
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
    return TableOut(period=str(p), entity=ref(data, p, e), rows=rows, counts=counts)


def warnings_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """Warnings of the entity's subtree, and the checks that could not be made."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    w = data.warnings(p, e)
    sev = w["severities"]
    rows = [
        {
            **{k: v for k, v in r.items() if not k.endswith(("_zh", "_en"))},
            "rule_name": r["rule_name_zh"] if lang == "zh" else r["rule_name_en"],
            "message": r["message_zh"] if lang == "zh" else r["message_en"],
            "severity_name": sev.get(r["severity"], {}).get(f"name_{lang}", r["severity"]),
        }
        for r in w["warnings"]
    ]
    gaps = [
        {
            **{k: v for k, v in g.items() if k not in ("note_zh", "note_en")},
            "note": g["note_zh"] if lang == "zh" else g["note_en"],
        }
        for g in w["gaps"]
    ]
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["severity"])] = counts.get(str(r["severity"]), 0) + 1
    return TableOut(period=str(p), entity=ref(data, p, e), rows=rows, extra=gaps, counts=counts)


def losses_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """Loss-makers of the entity's subtree (``rows``) and the counts by level (``extra``)."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    x = data.losses(p, e)
    rows = x[f"entities_{lang}"]
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
    return TableOut(period=str(p), entity=ref(data, p, e), rows=rows, extra=x[f"groups_{lang}"], counts=counts)


def eva_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """EVA of the entity's subtree with every step."""
    data, p, e = where(request, user, period, entity)
    return TableOut(period=str(p), entity=ref(data, p, e), rows=data.eva(p, e)[lang_of(request)])


TABLES: dict[str, tuple[Callable[[Request, User, str | None, str | None], TableOut], str, str, str]] = {
    "targets": (
        targets_model,
        "目标完成情况",
        "Targets",
        "Progress against the year's targets for the entity's subtree: actual, target, completion, pace, status.",
    ),
    "warnings": (
        warnings_model,
        "风险预警",
        "Warnings",
        "Risk warnings of the entity's subtree with their reasons; ``extra``: checks that could not be made.",
    ),
    "losses": (
        losses_model,
        "亏损企业",
        "Loss-makers",
        "Loss-making and turned-around entities of the subtree; ``extra``: counts and amounts by level.",
    ),
    "eva": (
        eva_model,
        "经济增加值",
        "EVA",
        "Economic value added of the entity and its subtree, with every step of the calculation.",
    ),
}


def _table_routes(table: str) -> tuple[Callable[..., TableOut], Callable[..., Response]]:
    """The JSON endpoint and the page of one table."""
    build, zh, en, about = TABLES[table]

    def api(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> TableOut:
        return build(request, user, period, entity)

    def page(request: Request, user: Signed, period: PeriodQ = None, entity: EntityQ = None) -> Response:
        model = build(request, user, period, entity)
        return render_page(request, f"{table}.html", model, title_zh=zh, title_en=en, table=table)

    api.__name__, api.__doc__ = f"api_{table}", about
    page.__name__, page.__doc__ = f"{table}_page", f"The {en} page."
    return api, page


for _table, (_build, _zh, _en, _about) in TABLES.items():
    _api, _html = _table_routes(_table)
    router.add_api_route(
        f"/api/v1/{_table}", _api, methods=["GET"], response_model=TableOut, tags=["pages"], description=_about
    )
    router.add_api_route(f"/{_table}", _html, methods=["GET"], include_in_schema=False)


@router.get("/api/v1/periods", response_model=PeriodsOut, tags=["pages"])
def api_periods(request: Request, user: Signed) -> PeriodsOut:
    """The periods holding figures, newest first."""
    data = web_data(request)
    data.refresh()
    return PeriodsOut(periods=data.periods())
