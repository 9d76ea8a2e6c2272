"""Evaluating the rules: read the panels the rules need, then check every entity against each rule.

Every figure comes from the panel (:meth:`Source.indicators`); a check that cannot be made is a
:class:`Gap` saying what is missing, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from guozi.analyses.common import selected_entities, texts
from guozi.analyses.source import Source
from guozi.analyses.warnings.check import Entities, RuleCheck, Table, approx, sign
from guozi.analyses.warnings.findings import Batch, Findings
from guozi.analyses.warnings.kinds import TESTS, consecutive_periods
from guozi.analyses.warnings.results import Gap, WarningReport
from guozi.analyses.warnings.rules import Rule, RuleSet, load_rules
from guozi.catalog.params import DebtLines, load_debt_lines, text
from guozi.engine.panel import Panel, View
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period

WARNING_VIEWS: tuple[View, ...] = ("reported", "children", "leaves")


def _reaching(panel: Panel, period: Period, r: Rule, ids: set[str] | None) -> set[str]:
    """The entities (of ``ids``) whose ``r.indicator`` at ``period`` is below the rule's threshold:
    those whose consecutive-year check reads the years before."""
    f = panel.frame
    f = f[(f.period == str(period)) & (f.indicator == r.indicator)]
    keys = texts(f.entity_id)
    values = f.value.to_numpy(dtype=object)
    empty = pd.isna(values)
    floats = (
        None if pd.api.types.infer_dtype(values[~empty], skipna=False) == "decimal" else approx(values, None, ~empty)
    )
    rows = ~empty if ids is None else ~empty & pd.Index(keys).isin(list(ids))
    return set(keys[sign(values, floats, r.decimal("threshold"), rows) < 0].tolist())


def evaluate_warnings(
    ws: Source,
    period: Period,
    *,
    entity: str | None = None,
    subtree: bool = True,
    view: View = "reported",
    rules: RuleSet | None = None,
    lines: DebtLines | None = None,
    only: Sequence[str] | None = None,
) -> WarningReport:
    """Every warning of ``period`` for every entity (or ``entity`` and, with ``subtree``, its subsidiaries).

    ``view`` is the panel's view: ``reported`` (each entity's own figures), ``children`` or
    ``leaves`` (the sum over its subsidiaries). ``rules`` and ``lines`` default to the shipped
    files; ``only`` restricts the check to those rule codes.
    """
    if view not in WARNING_VIEWS:
        raise NotFoundError(
            f"预警只支持 reported、children、leaves 口径，不支持 {view}",
            f"warnings support the views reported, children and leaves, not {view}",
        )
    rules = rules if rules is not None else load_rules(catalog=ws.catalog)
    lines = lines if lines is not None else load_debt_lines(catalog=ws.catalog)
    active = rules.enabled(only)
    nodes = selected_entities(ws, period, entity, subtree)
    if nodes.empty or not active:
        return WarningReport(period, (), (), rules, lines)

    codes = list(dict.fromkeys(c for r in active for c in r.indicators()))
    for c in codes:
        ws.catalog.indicator(c)  # an unknown indicator is named before anything runs
    plan = _Plan.of(active, period)
    # A row of the reported view is one entity's own figures, the same in any panel holding it,
    # so only the entities checked are read when they are a small part of the tree.
    ids: set[str] | None = None
    small = view == "reported" and entity is not None
    if small and 2 * nodes.entity_id.nunique() <= ws.tree().at(period).entity_id.nunique():
        ids = set(nodes.entity_id)
    panels = _panels(ws, period, codes, plan, view, ids)
    found, gaps = _run(ws, rules, active, panels, lines, period, nodes)
    return WarningReport(period, found, tuple(gaps), rules, lines)


@dataclass
class _Plan:
    """The periods the active rules read besides ``period`` itself."""

    ytd_periods: set[Period]
    monthly: dict[str, set[Period]] = field(default_factory=dict)  # indicator -> months
    yearly: list[tuple[Rule, list[Period]]] = field(default_factory=list)  # consecutive-year rules
    at_opening: dict[str, None] = field(default_factory=dict)  # the indicators read at the prior year end

    @classmethod
    def of(cls, active: Sequence[Rule], period: Period) -> _Plan:
        plan = cls({period})
        for r in active:
            if r.params.get("reference") == "opening":
                plan.ytd_periods.add(period.opening)
                plan.at_opening[r.indicator] = None
            if r.kind == "consecutive":
                ps = consecutive_periods(period, int(r.decimal("periods")), str(r.params["step"]))
                if r.params["step"] == "year":
                    plan.yearly.append((r, ps))
                else:
                    plan.monthly.setdefault(r.indicator, set()).update(ps)
        return plan


def _panels(
    rws: Source, period: Period, codes: list[str], plan: _Plan, view: View, ids: set[str] | None
) -> list[tuple[str, Panel]]:
    """The panels the rules read, each with its basis (``ytd`` or ``month``); the first holds ``period``."""
    panels: list[tuple[str, Panel]]
    if view == "reported":
        # Only what the rules read is computed: every indicator at the period; at the prior year
        # end the indicators compared with it; the earlier years of a consecutive-year rule for
        # the entities whose latest figure is below its threshold (the others stop there). Only
        # the period's cells are compared with their prior year: the earlier panels without it.
        panels = [("ytd", rws.indicators([period], indicators=codes, prior=True, entities=ids))]
        if plan.at_opening:
            opening = rws.indicators([period.opening], indicators=list(plan.at_opening), prior=False, entities=ids)
            panels.append(("ytd", opening))
        for r, ps in plan.yearly:
            reach = _reaching(panels[0][1], period, r, ids) if ps[1:] else set()
            if reach:
                panels.append(("ytd", rws.indicators(ps[1:], indicators=[r.indicator], prior=False, entities=reach)))
    else:
        ytd_periods = set(plan.ytd_periods)
        for _, ps in plan.yearly:
            ytd_periods.update(ps)
        panels = [("ytd", rws.indicators(sorted(ytd_periods), indicators=codes, view=view, prior=True))]
    for code, months in plan.monthly.items():
        panels.append(
            (
                "month",
                rws.indicators(sorted(months), indicators=[code], view=view, basis="month", prior=False, entities=ids),
            )
        )
    return panels


def _run(
    rws: Source,
    rules: RuleSet,
    active: Sequence[Rule],
    panels: Sequence[tuple[str, Panel]],
    lines: DebtLines,
    period: Period,
    nodes: pd.DataFrame,
) -> tuple[Findings, list[Gap]]:
    """Every active rule checked for every selected entity with figures at ``period``, by whole
    columns: the warnings most serious first (then by entity and rule), each made when read; the
    gaps in entity order (then the rules' order)."""
    first = panels[0][1].frame
    with_figures = texts(first.entity_id[first.period == str(period)])
    ordered = nodes.drop_duplicates("entity_id").sort_values("entity_id")
    ordered = ordered[ordered.entity_id.isin(with_figures)]
    keys: list[str] = texts(ordered.entity_id).tolist()
    names = [text(n) or k for n, k in zip(ordered["name"], keys, strict=True)] if "name" in ordered else keys
    industries = [text(x) for x in ordered["industry"]] if "industry" in ordered else [""] * len(keys)
    entities = Entities(keys, names, industries)
    table = Table(panels, keys)
    found: list[Batch] = []
    gaps: list[tuple[int, int, Gap]] = []
    for k, r in enumerate(active):
        check = RuleCheck(rws, rules, r, table, lines, entities, period)
        TESTS[r.kind](check, np.ones(len(keys), dtype=bool))
        found.extend(b for b in check.batches if len(b.rows))
        gaps.extend((row, k, gap) for row, gap in check.found)
    gaps.sort(key=lambda g: (g[0], g[1]))
    return Findings.of(found, keys, names, str(period)), [g for _, _, g in gaps]
