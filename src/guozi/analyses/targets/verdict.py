"""Regime verdicts (``guozi verdict``): whether an entity meets its regime's target rule, 一增一稳四提升 and its kin.

Each clause of the regime's target rule (regimes.yaml) is evaluated from the data by
:func:`~guozi.analyses.targets.clauses.evaluate_clause`; the comparison base of each test is a
parameter (params/targets.yaml: the same period of the prior year, or the prior year end for
"stable"); "growth above GDP growth" compares with :mod:`~guozi.analyses.targets.gdp`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guozi.analyses.source import Source
from guozi.analyses.targets.clauses import Baseline, ClauseInputs, ClauseResult, evaluate_clause
from guozi.analyses.targets.gdp import GdpSeries, load_gdp
from guozi.analyses.targets.params import int_param, section
from guozi.kernel.errors import CatalogError
from guozi.kernel.periods import Period
from guozi.kernel.text import pick

if TYPE_CHECKING:
    from guozi.catalog.model import Catalog, Clause, Indicator
    from guozi.engine.panel import View


@dataclass(frozen=True)
class Verdict:
    """Whether an entity (or an aggregate) meets its regime's target rule in a period."""

    entity_id: str
    name: str
    period: Period
    regime: str
    phrase_zh: str
    phrase_en: str
    clauses: tuple[ClauseResult, ...]

    @property
    def passed(self) -> bool | None:
        """True if every clause passed, False if any failed, None if some cannot be judged."""
        if not self.clauses:
            return None
        results = [c.passed for c in self.clauses]
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None

    def phrase(self, lang: str) -> str:
        """The regime's phrase (一增一稳四提升 …) in ``lang``."""
        return pick(lang, self.phrase_zh, self.phrase_en)


def _baseline_of(params: Mapping[str, Any], test: str) -> Baseline:
    b = str((params.get("baseline") or {}).get(test, "prior_year"))
    if b not in ("prior_year", "opening"):
        raise CatalogError(
            f"参数 verdict.baseline.{test} 应为 prior_year 或 opening，实为 {b}",
            f"parameter verdict.baseline.{test} must be prior_year or opening, not {b}",
        )
    return b  # type: ignore[return-value]


def _threshold(clause: Clause, catalog: Catalog) -> Decimal | None:
    if clause.value is not None:
        return clause.value
    if clause.parameter:
        if clause.parameter not in catalog.parameters:
            raise CatalogError(
                f"考核规则引用了未定义的参数 {clause.parameter}",
                f"a regime clause refers to the undefined parameter {clause.parameter}",
            )
        return catalog.parameters[clause.parameter]
    return None


def _inputs(
    ind: Indicator,
    row: Any,
    base_kind: Baseline,
    period: Period,
    opening_value: Any,
) -> ClauseInputs:
    """A clause's inputs from the entity's panel row (None for an indicator the engine does not compute)."""
    if row is None:
        return ClauseInputs(
            None,
            f"指标由 {ind.computed_by} 模块计算，此处不可用",
            f"computed by the {ind.computed_by} module, not available here",
            None,
            period.prior_year,
        )
    if base_kind == "opening":
        return ClauseInputs(row.value, str(row.note_zh), str(row.note_en), opening_value, period.opening, "opening")
    return ClauseInputs(row.value, str(row.note_zh), str(row.note_en), row.prior_value, period.prior_year)


def regime_verdict(
    source: Source,
    period: Period,
    *,
    entity: str | None = None,
    view: View = "reported",
    by: str | None = None,
    level: int = 1,
    regime: str | None = None,
    gdp: GdpSeries | Path | str | None = None,
) -> list[Verdict]:
    """The verdict of the regime's target rule for each entity or aggregate of the panel.

    ``view``, ``by``, ``level`` and ``entity`` choose the rows as for :meth:`Source.indicators`
    (each entity's reported figures by default; ``children``/``leaves`` sums, or a level grouped
    by an entity column). ``gdp``: a series, or a user file overriding the shipped one.
    """
    catalog = source.catalog
    reg = catalog.regime(regime) if regime else catalog.regime_for(period.year)
    params = section(source, "verdict")
    decimals = int_param(params, "compare_decimals", "verdict")
    series = gdp if isinstance(gdp, GdpSeries) else load_gdp(gdp)
    codes = list(dict.fromkeys(c.indicator for c in reg.clauses))
    computable = [c for c in codes if catalog.indicator(c).tree is not None]
    opening = period.opening
    panel = source.indicators(
        sorted({period, opening}),
        indicators=computable or list(reg.indicators),
        entity=entity,
        view=view,
        by=by,
        level=level,
    )
    f = panel.frame
    cur = f[f.period == str(period)]
    at_open = f[f.period == str(opening)]
    opening_values = {(str(r.entity_id), str(r.indicator)): r.value for r in at_open.itertuples(index=False)}
    rows: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    for r in cur.itertuples(index=False):
        rows.setdefault(str(r.entity_id), {})[str(r.indicator)] = r
        names[str(r.entity_id)] = str(r.name)
    pick = series.pick(period)
    verdicts: list[Verdict] = []
    for key, by_ind in rows.items():
        results: list[ClauseResult] = []
        for clause in reg.clauses:
            ind = catalog.indicator(clause.indicator)
            opening_value = opening_values.get((key, clause.indicator))
            base_kind = _baseline_of(params, clause.test)
            inputs = _inputs(ind, by_ind.get(clause.indicator), base_kind, period, opening_value)
            reference = None
            if clause.test == "growth_above_reference":
                if clause.reference not in ("gdp_growth", ""):
                    raise CatalogError(
                        f"未知的参考序列：{clause.reference}", f"unknown reference series: {clause.reference}"
                    )
                reference = pick
            results.append(
                evaluate_clause(
                    clause, ind, inputs, threshold=_threshold(clause, catalog), reference=reference, decimals=decimals
                )
            )
        verdicts.append(
            Verdict(
                entity_id=key,
                name=names.get(key, key),
                period=period,
                regime=reg.code,
                phrase_zh=reg.phrase_zh or reg.name_zh,
                phrase_en=reg.phrase_en or reg.name_en,
                clauses=tuple(results),
            )
        )
    return verdicts
