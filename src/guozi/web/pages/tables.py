"""The table pages — targets, warnings, loss-makers, EVA of the entity's subtree — and the periods."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Depends, Query, Request, Response

from guozi.analyses.targets import STATUS_LABELS
from guozi.analyses.warnings import joined, source_text
from guozi.kernel.text import Text, pick
from guozi.store.base import User
from guozi.web.deps import lang_of
from guozi.web.labels import label
from guozi.web.pages.common import EntityQ, PeriodQ, Signed, ref, render_page, tr, web_data, where
from guozi.web.pages.models import PeriodsOut, TableOut
from guozi.web.rows import WarningRows, tally

__all__ = ["TABLES", "router"]

router = APIRouter()
PER_PAGE = 100  # warnings per page: a group has hundreds


@dataclass(frozen=True)
class WarningFilter:
    """Which warnings a page shows: a severity (``level``), a ``rule``, entities matching ``q``, a page."""

    level: str | None = None
    rule: str | None = None
    q: str | None = None
    page: int = 1
    per_page: int = PER_PAGE

    def keep(self, rows: WarningRows) -> npt.NDArray[np.intp]:
        """The groups (:meth:`WarningRows.groups`) of the rule (any of a merged row's) and of the
        entities asked for (every severity: the counts show them all), in order."""
        groups = rows.groups()
        keep = np.ones(len(groups), dtype=bool)
        if self.rule:
            keep &= np.bincount(groups.group[rows.column("rule") == self.rule], minlength=len(groups)) > 0
        q = (self.q or "").strip().casefold()
        if q:
            ids, names = rows.column("entity_id")[groups.leads], rows.column("name")[groups.leads]
            keep &= np.array(
                [q in str(e).casefold() or q in str(n).casefold() for e, n in zip(ids, names, strict=True)],
                dtype=bool,
            )
        return np.flatnonzero(keep)


def count_by(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    """How many rows hold each value of ``key`` (:func:`~guozi.web.rows.tally`)."""
    values = np.empty(len(rows), dtype=object)
    values[:] = [r[key] for r in rows]
    return tally(values)


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
                "note": pick(lang, r["note_zh"], r["note_en"]),
                "status_label": tr(lang, str(zh), str(en)),
                "indicator_name": data.ws.catalog.indicator(str(r["indicator"])).name(lang),
            }
        )
    counts = count_by(rows, "status")
    names = {k: label("target_status", k, lang) for k in counts}
    return TableOut(period=str(p), entity=ref(data, p, e), rows=rows, counts=counts, count_names=names)


def warnings_model(
    request: Request,
    user: User,
    period: str | None,
    entity: str | None,
    pick: WarningFilter | None = None,
) -> TableOut:
    """Warnings of the entity's subtree, filtered and paged, and the checks that could not be made.

    The warnings about one entity, period and indicator are one row (:func:`same_fact`): the most
    serious rule's severity, figures and name first, every rule code in ``rules`` (and its severity
    in ``severities``), the findings in one sentence; it is counted once, under that severity."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    pick = pick or WarningFilter()
    w = data.warnings(p, e)
    found: WarningRows = w["warnings"]
    sev = w["severities"]
    rule_codes = found.column("rule")
    first = np.sort(np.unique(rule_codes, return_index=True)[1])  # each rule where it first appears
    names = (found.column("rule_name_zh")[first], found.column("rule_name_en")[first])
    rules = {str(rule_codes[i]): Text(zh, en).in_(lang) for i, zh, en in zip(first, *names, strict=True)}
    groups = found.groups()  # one row per entity, period and indicator, made only for the page shown
    leading = found.column("severity")[groups.leads]

    def severity_name(s: str) -> str:
        return str(sev.get(s, {}).get(f"name_{lang}", s))

    levels = {s: severity_name(s) for s in tally(leading)}
    kept = pick.keep(found)
    counts = tally(leading[kept])
    if pick.level:
        kept = kept[leading[kept] == pick.level]
    pages = max(1, -(-len(kept) // pick.per_page))
    page = min(pick.page, pages)
    shown = []
    for g in kept[(page - 1) * pick.per_page : page * pick.per_page].tolist():
        rows = [found[k] for k in groups.members(g)]
        shown.append(
            {
                **{k: v for k, v in rows[0].items() if not k.endswith(("_zh", "_en"))},
                "rules": [r["rule"] for r in rows],
                "severities": [r["severity"] for r in rows],
                "rule_name": tr(lang, "、", "; ").join(dict.fromkeys(rules[r["rule"]] for r in rows)),
                "severity_name": severity_name(rows[0]["severity"]),
                "source": tr(lang, "；", "; ").join(
                    dict.fromkeys(source_text(r["source"], lang) for r in rows if r["source"])
                ),
                "message": joined([r[f"message_{lang}"] for r in rows], lang),
            }
        )
    gaps = [
        {
            **{k: v for k, v in g.items() if k not in ("note_zh", "note_en")},
            "note": Text(g["note_zh"], g["note_en"]).in_(lang),  # `pick` is the filter here
        }
        for g in w["gaps"]
    ]
    return TableOut(
        period=str(p),
        entity=ref(data, p, e),
        rows=shown,
        extra=gaps,
        counts=counts,
        count_names={k: levels.get(k, k) for k in counts},
        page=page,
        pages=pages,
        total=len(kept),
        filters={k: v for k, v in (("level", pick.level), ("rule", pick.rule), ("q", pick.q)) if v},
        options={"level": levels, "rule": dict(sorted(rules.items(), key=lambda kv: kv[1]))},
    )


def losses_model(request: Request, user: User, period: str | None, entity: str | None) -> TableOut:
    """Loss-makers of the entity's subtree (``rows``) and the counts by level (``extra``)."""
    data, p, e = where(request, user, period, entity)
    lang = lang_of(request)
    x = data.losses(p, e)
    rows = x[f"entities_{lang}"]
    counts = count_by(rows, "status")
    names = {k: label("loss_status", k, lang) for k in counts}
    return TableOut(
        period=str(p), entity=ref(data, p, e), rows=rows, extra=x[f"groups_{lang}"], counts=counts, count_names=names
    )


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
    if _table == "warnings":
        continue  # its own routes below: filters and pages
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


def warning_query(
    request: Request,
    user: Signed,
    period: PeriodQ = None,
    entity: EntityQ = None,
    level: Annotated[str | None, Query(max_length=40, description="级别 severity code (high, medium, low)")] = None,
    rule: Annotated[str | None, Query(max_length=100, description="规则代码 rule code")] = None,
    q: Annotated[str | None, Query(max_length=100, description="企业代码或名称包含 entity id or name contains")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="页码 page (1-based)")] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000, description="每页行数 rows per page")] = PER_PAGE,
) -> TableOut:
    """The warnings' parameters, shared by the page and the API, and its content."""
    pick = WarningFilter(level=level or None, rule=rule or None, q=q or None, page=page, per_page=per_page)
    return warnings_model(request, user, period, entity, pick)


WarningsQ = Annotated[TableOut, Depends(warning_query)]


@router.get("/api/v1/warnings", response_model=TableOut, tags=["pages"], description=TABLES["warnings"][3])
def api_warnings(model: WarningsQ) -> TableOut:
    """Risk warnings of the entity's subtree, filtered (``level``, ``rule``, ``q``) and paged (``page``)."""
    return model


@router.get("/warnings", include_in_schema=False)
def warnings_page(request: Request, model: WarningsQ) -> Response:
    """The Warnings page."""
    return render_page(request, "warnings.html", model, title_zh="风险预警", title_en="Warnings", table="warnings")
