"""Computing EVA: the groups of a view, the panel of their inputs, and a row per entity or group."""

from __future__ import annotations

from typing import Any

from guozi.analyses.common import selected_entities
from guozi.analyses.eva.params import EvaParams, load_eva_params
from guozi.analyses.eva.results import INPUTS, EvaReport, EvaRow
from guozi.analyses.eva.rows import aggregate, entity_row
from guozi.analyses.source import Source
from guozi.catalog.params import DebtLines, load_debt_lines, text
from guozi.engine.panel import View
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period

EVA_VIEWS: tuple[View, ...] = ("reported", "children", "leaves", "level")


def _groups(
    ws: Source, period: Period, view: View, entity: str | None, subtree: bool, by: str | None, level: int
) -> list[tuple[str, str, list[str]]]:
    """(key, name, member entity ids) of every group of ``view``."""
    tree = ws.tree()
    nodes = tree.at(period)
    names = {
        str(k): text(n) or str(k) for k, n in zip(nodes.entity_id, nodes.get("name", nodes.entity_id), strict=True)
    }
    c = tree.closure
    c = c[(c.from_code <= period.code) & (c.to_code >= period.code)]
    selected = selected_entities(ws, period, entity, subtree if view != "level" else True)
    out: list[tuple[str, str, list[str]]] = []
    if view == "level":
        lv = selected[selected.level == level]
        if by is not None:
            if by not in tree.attribute_columns():
                raise NotFoundError(f"没有可用于分组的企业列 {by}", f"no entity column {by} to group by")
            keys = [text(x) for x in lv[by]]
            for k in sorted(set(keys)):
                members = sorted(str(e) for e, kk in zip(lv.entity_id, keys, strict=True) if kk == k)
                out.append((k, k or "—", members))
        elif not lv.empty:
            out.append((f"level-{level}", f"level-{level}", sorted(str(e) for e in lv.entity_id)))
        return out
    leaves = set(nodes.entity_id[nodes.is_leaf])
    for key in sorted(str(e) for e in selected.entity_id):
        below = c[c.ancestor_id == key]
        if view == "children":
            members = sorted(str(e) for e in below.entity_id[below.depth == 1])
        else:
            members = sorted(str(e) for e in below.entity_id[below.depth >= 1] if e in leaves)
        if members:
            out.append((key, names.get(key, key), members))
    return out


def compute_eva(
    ws: Source,
    period: Period,
    *,
    entity: str | None = None,
    subtree: bool = True,
    view: View = "reported",
    by: str | None = None,
    level: int = 1,
    params: EvaParams | None = None,
    lines: DebtLines | None = None,
) -> EvaReport:
    """The EVA of every entity in ``period`` (or ``entity`` and, with ``subtree``, its subsidiaries).

    ``view``: ``reported`` (each entity's own figures), ``children`` / ``leaves`` (Σ over its
    direct subsidiaries / the leaves below it) or ``level`` (the entities at ``level`` grouped
    by the entity column ``by``); ``by`` implies ``level``. ``params`` and ``lines`` default to
    the shipped files.
    """
    if by is not None:
        view = "level"
    if view not in EVA_VIEWS:
        raise NotFoundError(f"未知口径：{view}", f"unknown view: {view}")
    params = params if params is not None else load_eva_params(catalog=ws.catalog)
    lines = lines if lines is not None else load_debt_lines(catalog=ws.catalog)
    yp = params.for_year(period.year)
    if view == "reported":
        selected = selected_entities(ws, period, entity, subtree)
        groups = [(str(e), "", [str(e)]) for e in sorted(selected.entity_id)]
    else:
        groups = _groups(ws, period, view, entity, subtree, by, level)
    needed = sorted({m for _, _, ms in groups for m in ms})
    if not needed:
        return EvaReport(period, view, (), yp, lines)
    panel = ws.indicators(
        period,
        indicators=[code for _, code in INPUTS],
        entity=needed[0] if len(needed) == 1 else None,
        prior=False,
    )
    f = panel.frame
    field_of = {code: fld for fld, code in INPUTS}
    cells: dict[str, dict[str, tuple[Any, str, str]]] = {}
    for key, ind, value, nz, ne in zip(f.entity_id, f.indicator, f.value, f.note_zh, f.note_en, strict=True):
        cells.setdefault(str(key), {})[field_of[str(ind)]] = (value, str(nz), str(ne))
    nodes = ws.tree().at(period).set_index("entity_id")
    rows: dict[str, EvaRow] = {}
    for key in needed:
        node: dict[str, Any] = {"entity_id": key}
        if key in nodes.index:
            node |= {str(k): x for k, x in nodes.loc[key].to_dict().items()}
        rows[key] = entity_row(key, node, cells.get(key, {}), period, yp, lines)
    if view == "reported":
        out = tuple(rows[k] for _, _, ms in groups for k in ms)
    else:
        out = tuple(aggregate(key, name, view, [rows[m] for m in ms], period) for key, name, ms in groups)
    return EvaReport(period, view, out, yp, lines)
