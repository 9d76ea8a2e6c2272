"""The figures benchmarked: every entity's own reported indicators, the catalogue's and the extra
ones of ``params/benchmark.yaml``, read from a :class:`~guozi.analyses.source.Source`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from guozi.analyses.benchmark.params import BenchmarkParams, clean_text
from guozi.analyses.benchmark.ranks import Num
from guozi.analyses.source import Source
from guozi.catalog.formula import MONTH, names
from guozi.catalog.model import Catalog, Indicator
from guozi.engine.panel import Panel, Scope, compute_panel
from guozi.kernel.errors import CatalogError
from guozi.kernel.periods import Period


def extended_catalog(catalog: Catalog, params: BenchmarkParams) -> Catalog:
    """The catalogue plus the extra indicators of ``params`` (the catalogue wins on a shared code)."""
    extra = {c: i for c, i in params.extra.items() if c not in catalog.indicators}
    for ind in extra.values():
        assert ind.tree is not None
        for name in names(ind.tree):
            if name != MONTH and name not in catalog.items and name not in catalog.indicators and name not in extra:
                raise CatalogError(
                    f"{ind.origin}：附加指标 {ind.code} 引用了未知的项目或指标 {name}",
                    f"{ind.origin}: extra indicator {ind.code} refers to unknown item or indicator {name}",
                )
    if not extra:
        return catalog
    return dataclasses.replace(catalog, indicators={**catalog.indicators, **extra})


def indicator_of(source: Source, params: BenchmarkParams, code: str) -> Indicator:
    """The definition of ``code``: the catalogue's, else benchmarking's extra one."""
    if code in source.catalog.indicators:
        return source.catalog.indicators[code]
    if code in params.extra:
        return params.extra[code]
    return source.catalog.indicator(code)  # raises NotFoundError naming it


def reported_panel(source: Source, periods: Sequence[Period], codes: Sequence[str], params: BenchmarkParams) -> Panel:
    """Every entity's own reported figures of ``codes`` in ``periods``, through the engine."""
    if all(c in source.catalog.indicators for c in codes):
        return source.indicators(list(periods), indicators=list(codes), view="reported", prior=False)
    for c in codes:
        indicator_of(source, params, c)
    return compute_panel(
        source.store.facts(),
        source.tree(),
        extended_catalog(source.catalog, params),
        periods=list(periods),
        indicators=list(codes),
        scope=Scope(view="reported"),
        prior=False,
    )


Values = dict[str, dict[str, Num | None]]  # indicator → key → value
Notes = dict[str, dict[str, tuple[str, str]]]  # indicator → key → (zh, en)


def _clean(v: Any) -> Num | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return v
    f = float(v)
    return None if math.isnan(f) else f


def panel_values(panel: Panel, period: Period) -> tuple[Values, Notes]:
    """A panel's values and notes of one period, by indicator and key."""
    values: Values = {c: {} for c in panel.indicators}
    notes: Notes = {c: {} for c in panel.indicators}
    f = panel.frame
    f = f[f.period == str(period)]
    for key, ind, v, nz, ne in zip(f.entity_id, f.indicator, f.value, f.note_zh, f.note_en, strict=True):
        values[str(ind)][str(key)] = _clean(v)
        notes[str(ind)][str(key)] = (str(nz or ""), str(ne or ""))
    return values, notes


def entity_names(source: Source) -> dict[str, str]:
    """Every entity's latest name."""
    nodes = source.tree().nodes
    if "name" not in nodes.columns:
        return {}
    latest = nodes.sort_values("to_code")
    return {str(k): clean_text(v) or str(k) for k, v in zip(latest.entity_id, latest.name, strict=True)}
