"""Evaluating the rules: read the panels the rules need, then check every entity against each rule.

Every figure comes from the panel (:meth:`Source.indicators`); a check that cannot be made is a
:class:`Gap` saying what is missing, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from guozi.analyses.common import selected_entities
from guozi.analyses.source import Source
from guozi.analyses.warnings.check import Data, as_decimal
from guozi.analyses.warnings.kinds import KindCheck, consecutive_periods
from guozi.analyses.warnings.results import Gap, RiskWarning, WarningReport
from guozi.analyses.warnings.rules import Rule, RuleSet, load_rules
from guozi.catalog.params import DebtLines, load_debt_lines, text
from guozi.engine.panel import Panel, View
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period

WARNING_VIEWS: tuple[View, ...] = ("reported", "children", "leaves")


def _reaching(panel: Panel, period: Period, r: Rule, ids: set[str] | None) -> set[str]:
    """The entities (of ``ids``) whose ``r.indicator`` at ``period`` is below the rule's threshold
    (or not a number): those whose consecutive-year check reads the years before."""
    f = panel.frame
    f = f[(f.period == str(period)) & (f.indicator == r.indicator)]
    limit = r.decimal("threshold")
    out: set[str] = set()
    for key, value in zip(map(str, f.entity_id), f.value, strict=True):
        if value is None or (ids is not None and key not in ids):
            continue
        try:
            below = bool(as_decimal(value) < limit)
        except (ArithmeticError, ValueError):
            below = True
        if below:
            out.add(key)
    return out


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
    found, gaps = _run(ws, rules, active, Data(panels), lines, period, nodes, panels[0][1])
    found.sort(key=lambda w: (-w.severity_rank, w.entity_id, w.rule))
    return WarningReport(period, tuple(found), tuple(gaps), rules, lines)


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
        # the entities whose latest figure is below its threshold (the others stop there).
        panels = [("ytd", rws.indicators([period], indicators=codes, prior=True, entities=ids))]
        if plan.at_opening:
            opening = rws.indicators([period.opening], indicators=list(plan.at_opening), prior=True, entities=ids)
            panels.append(("ytd", opening))
        for r, ps in plan.yearly:
            reach = _reaching(panels[0][1], period, r, ids) if ps[1:] else set()
            if reach:
                panels.append(("ytd", rws.indicators(ps[1:], indicators=[r.indicator], prior=True, entities=reach)))
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
    data: Data,
    lines: DebtLines,
    period: Period,
    nodes: pd.DataFrame,
    first: Panel,
) -> tuple[list[RiskWarning], list[Gap]]:
    """Every active rule checked for every selected entity with figures at ``period``, in entity order."""
    keys = set(first.frame.entity_id[first.frame.period == str(period)])
    found: list[RiskWarning] = []
    gaps: list[Gap] = []
    checks = [KindCheck(rws, rules, r, data, lines, "", "", "", period) for r in active]
    ordered = nodes.sort_values("entity_id")
    entity_ids = [str(e) for e in ordered.entity_id]
    names = ordered["name"].tolist() if "name" in ordered.columns else entity_ids
    industries = ordered["industry"].tolist() if "industry" in ordered.columns else [""] * len(ordered)
    for key, raw_name, raw_industry in zip(entity_ids, names, industries, strict=True):
        if key not in keys:
            continue
        name = text(raw_name) or key
        industry = text(raw_industry)
        for check in checks:
            out = check.at(key, name, industry).run()
            if isinstance(out, RiskWarning):
                found.append(out)
            elif isinstance(out, Gap):
                gaps.append(out)
    return found, gaps
