"""The facts kept pivoted between calls (``compute_panels(…, version=…)``) on every backend.

Every query of :data:`~.conftest.QUERIES` computed twice with a version of the backend's facts
(on DuckDB the second call reads the pivot kept as Arrow by the first; PostgreSQL and Spark
pivot in the database each time) equals, cell by cell, the panel of the same files imported into
the DuckDB store computed without one (the production path of the other conformance tests).
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from guozi.engine.panel import Panel, compute_panel
from guozi.engine.panel.pivots import DataVersion, PivotCache

from .conftest import QUERIES, Engine, differences


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_a_kept_pivot_gives_every_value_of_the_duckdb_store(
    engine: Engine, reference: Mapping[str, Panel], query: str
) -> None:
    q = QUERIES[query]
    facts, tree = engine.read(q.dataset)
    pivots = PivotCache()
    version = DataVersion(f"conformance {engine.name} {q.dataset}", 1)

    def run() -> Panel:
        return compute_panel(
            facts,
            tree,
            engine.data.reference[q.dataset].catalog,
            periods=q.periods,
            indicators=q.indicators,
            scope=q.scope,
            basis=q.basis,
            prior=q.prior,
            version=version,
            pivots=pivots,
        )

    first, again = run(), run()
    kept = 1 if engine.name == "duckdb" else 0  # only DuckDB keeps an Arrow pivot
    assert (pivots.built, pivots.reused) == (kept, kept)
    assert differences(first, reference[query]) == []
    assert differences(again, reference[query]) == []
