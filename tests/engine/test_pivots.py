"""The facts kept pivoted between calls (:mod:`guozi.engine.panel.pivots`): never stale, never different.

On the hand-made group of ``test_panel.py`` (amounts in 元): at 2025-06 G's debt ratio is
2 550 / 4 000 = 63.75 %, and G's children A + B owe 1 180 + 1 300 = 2 480 on 1 800 + 2 000 =
3 800 of assets (65.263… %). After an import restating G's liabilities and equity at 2025-06
as 2 800 and 1 200 (assets still 4 000 = 2 800 + 1 200), G's own debt ratio is 2 800 / 4 000 =
70 % (its children's sum is unchanged): a pivot kept before the import must not answer it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pytest

from guozi.engine.panel import Panel, Scope, compute_panels
from guozi.engine.panel.pivots import PIVOTS, DataVersion, PivotCache, PivotShape
from guozi.engine.sqlcache import SqlCache
from guozi.workspace import Workspace

from ..conftest import facts_of
from ..pg import postgres_input
from .test_panel import ENTITIES, JUNE, _facts
from .test_sqlcache import INDICATORS, SCOPES, assert_identical


@pytest.fixture
def ws(workspace_of: Callable[..., Workspace]) -> Workspace:
    return workspace_of(entities=ENTITIES, facts=_facts())


def _version(ws: Workspace) -> DataVersion:
    return DataVersion(ws.store.url, ws.store.version())


def _panels(
    ws: Workspace,
    version: DataVersion | None,
    pivots: PivotCache,
    *,
    scopes: Sequence[Scope] = SCOPES,
    cache: SqlCache | None = None,
) -> list[Panel]:
    return compute_panels(
        ws.store.facts(),
        ws.tree(),
        ws.catalog,
        periods=[JUNE],
        indicators=INDICATORS,
        scopes=scopes,
        cache=cache or SqlCache(disk=False),
        version=version,
        pivots=pivots,
    )


def test_a_kept_pivot_gives_the_frames_of_a_fresh_one(ws: Workspace) -> None:
    cache, kept = SqlCache(disk=False), PivotCache()
    first = _panels(ws, _version(ws), kept, cache=cache)
    assert (kept.built, kept.reused, len(kept)) == (1, 0, 1)
    again = _panels(ws, _version(ws), kept, cache=cache)  # every scope over the kept Arrow pivot
    assert (kept.built, kept.reused) == (1, 1)
    fresh = _panels(ws, None, kept)  # pivoted in the database, as without a version
    assert (kept.built, kept.reused) == (1, 1)
    ibis_compiled = compute_panels(
        ws.store.facts(), ws.tree(), ws.catalog, periods=[JUNE], indicators=INDICATORS, scopes=SCOPES, cache=None
    )
    for panels in (first, again, fresh):
        assert_identical(panels, ibis_compiled)
    reported, _, children, _ = again
    assert reported.value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)
    assert children.value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)


def test_one_scope_at_a_time_reuses_the_pivot(ws: Workspace) -> None:
    kept = PivotCache()
    for scope in SCOPES:  # as the web asks: one panel per request
        assert_identical(_panels(ws, _version(ws), kept, scopes=[scope]), _panels(ws, None, kept, scopes=[scope]))
    assert (kept.built, kept.reused) == (1, len(SCOPES) - 1)


def test_an_import_between_two_calls_is_never_answered_from_the_kept_pivot(
    ws: Workspace, contract: Callable[..., Path]
) -> None:
    kept = PivotCache()
    before = _version(ws)
    (panel,) = _panels(ws, before, kept, scopes=[Scope()])
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)
    ws.import_files(
        [contract(facts=facts_of("G", "2025-06", total_liabilities=2800, total_equity=1200))], reason="restated"
    )
    after = _version(ws)
    assert after != before
    (panel,) = _panels(ws, after, kept, scopes=[Scope()])
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(2800 / 4000 * 100, rel=1e-12)
    assert (kept.built, kept.reused, len(kept)) == (2, 0, 1)  # the earlier state's pivot was dropped
    assert_identical([panel], _panels(ws, None, kept, scopes=[Scope()]))


def test_the_workspace_keeps_its_pivot_until_an_import(ws: Workspace, contract: Callable[..., Path]) -> None:
    """Through the front door: a second scope reuses the first's pivot; an import moves the state."""
    built, reused = PIVOTS.built, PIVOTS.reused
    reported = ws.indicators(JUNE, indicators=list(INDICATORS))
    children = ws.indicators(JUNE, indicators=list(INDICATORS), view="children")
    assert (PIVOTS.built - built, PIVOTS.reused - reused) == (1, 1)
    assert reported.value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)
    assert children.value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)
    source = ws._memo.source
    assert any(key[0] == source for key in PIVOTS._kept)
    ws.import_files(
        [contract(facts=facts_of("G", "2025-06", total_liabilities=2800, total_equity=1200))], reason="restated"
    )
    assert not any(key[0] == source for key in PIVOTS._kept)  # dropped with the workspace's panels
    again = ws.indicators(JUNE, indicators=list(INDICATORS))
    assert again.value("G", JUNE, "debt_ratio") == pytest.approx(70.0, rel=1e-12)
    assert PIVOTS.built - built == 2


def test_two_stores_in_the_same_state_do_not_share_a_pivot(workspace_of: Callable[..., Workspace]) -> None:
    """Two in-memory workspaces: the same URL, version and facts SQL, different figures (G's
    liabilities 2 550 and 2 800 on 4 000 of assets: 63.75 % and 70 %)."""
    restated = {"total_liabilities": 2800, "total_equity": 1200}
    changed = [
        {**r, "value": restated[str(r["item"])]}
        if (r["entity_id"], r["period"]) == ("G", "2025-06") and r["item"] in restated
        else r
        for r in _facts()
    ]
    one, two = workspace_of(entities=ENTITIES, facts=_facts()), workspace_of(entities=ENTITIES, facts=changed)
    assert one.store.url == two.store.url and one.state() == two.state()
    assert one.indicators(JUNE, indicators=["debt_ratio"]).value("G", JUNE, "debt_ratio") == pytest.approx(63.75)
    assert two.indicators(JUNE, indicators=["debt_ratio"]).value("G", JUNE, "debt_ratio") == pytest.approx(70.0)


def test_the_cache_keeps_the_latest_within_its_limits() -> None:
    """Sixteen bytes per row of one int64 and one float64 column: three tables of 10 rows are 160
    bytes each; a limit of 400 bytes keeps the last two."""
    cache = PivotCache(entries=8, max_bytes=400)
    calls: list[int] = []

    def table(k: int) -> Callable[[], pa.Table]:
        def build() -> pa.Table:
            calls.append(k)
            return pa.table({"a": pa.array(range(10), type=pa.int64()), "b": pa.array([k * 1.0] * 10)})

        return build

    def shape(k: int) -> PivotShape:
        return PivotShape("f", frozenset([k]), frozenset())

    v = DataVersion("s", 1)
    for k in range(3):
        cache.get(v, shape(k), table(k))
    assert table(0)().nbytes == 160 and len(cache) == 2
    cache.get(v, shape(2), table(2))  # kept
    cache.get(v, shape(0), table(0))  # dropped by the limit: built again
    assert calls == [0, 1, 2, 0, 0]
    cache.get(DataVersion("t", 1), shape(0), table(9))  # another source keeps its own
    cache.get(DataVersion("s", 2), shape(0), table(5))  # a new state of s drops every pivot of state 1
    assert calls[-2:] == [9, 5] and cache.built == 6 and cache.reused == 1
    assert len(cache) == 2
    cache.forget("s")  # s's store closed or changed: only t's pivot stays
    assert len(cache) == 1
    cache.get(DataVersion("t", 1), shape(0), table(7))
    assert calls[-1] == 5 and cache.reused == 2


def test_a_pivot_holding_more_answers_a_smaller_shape() -> None:
    cache = PivotCache()
    wide = PivotShape("f", frozenset([202506, 202406]), frozenset([("a", "int64"), ("b", "float64")]))
    built = cache.get(DataVersion("s", 1), wide, lambda: pa.table({"a": [1], "b": [1.0]}))
    for within in (
        PivotShape("f", frozenset([202506]), frozenset([("a", "int64")])),
        PivotShape("f", frozenset([202406, 202506]), frozenset([("b", "float64")])),
        wide,
    ):
        assert cache.get(DataVersion("s", 1), within, lambda: pa.table({"x": [0]})) is built
    assert (cache.built, cache.reused) == (1, 3)
    for beyond in (
        PivotShape("f", frozenset([202505]), frozenset([("a", "int64")])),  # another period
        PivotShape("f", frozenset([202506]), frozenset([("a", "decimal(38, 4)")])),  # another type
        PivotShape("g", frozenset([202506]), frozenset([("a", "int64")])),  # another family (basis, facts …)
    ):
        assert cache.get(DataVersion("s", 1), beyond, lambda: pa.table({"x": [0]})) is not built
    assert (cache.built, cache.reused) == (4, 3)


def test_a_panel_of_fewer_indicators_reads_the_kept_pivot(ws: Workspace) -> None:
    """The regime's pivot holds the debt ratio's columns (liabilities and assets at 2025-06 and
    2024-06): a debt-ratio panel of G's children reads it and gives A + B's 2 480 / 3 800 =
    65.263… %, as a fresh one does."""
    kept = PivotCache()
    _panels(ws, _version(ws), kept, scopes=[Scope()])
    one = compute_panels(
        ws.store.facts(),
        ws.tree(),
        ws.catalog,
        periods=[JUNE],
        indicators=["debt_ratio"],
        scopes=[Scope(view="children")],
        cache=SqlCache(disk=False),
        version=_version(ws),
        pivots=kept,
    )
    assert (kept.built, kept.reused) == (1, 1)
    fresh = compute_panels(
        ws.store.facts(),
        ws.tree(),
        ws.catalog,
        periods=[JUNE],
        indicators=["debt_ratio"],
        scopes=[Scope(view="children")],
        cache=None,
    )
    assert_identical(one, fresh)
    assert one[0].value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)


def test_a_version_on_postgres_pivots_in_the_database(contract: Callable[..., Path], ws: Workspace) -> None:
    """PostgreSQL keeps no Arrow pivot (it would copy it back row by row): the same frames, nothing kept."""
    facts, tree = postgres_input(contract(entities=ENTITIES, facts=_facts()))
    kept = PivotCache()

    def run(version: DataVersion | None) -> list[Panel]:
        return compute_panels(
            facts,
            tree,
            ws.catalog,
            periods=[JUNE],
            indicators=INDICATORS,
            scopes=SCOPES,
            cache=SqlCache(disk=False),
            version=version,
            pivots=kept,
        )

    with_version = run(DataVersion("postgres", 1))
    assert (kept.built, len(kept)) == (0, 0)
    assert_identical(with_version, run(None))
    assert_identical(with_version, _panels(ws, _version(ws), kept))


def test_an_import_by_another_process_on_the_file_store_is_never_answered_from_the_pivot(
    contract: Callable[..., Path], tmp_path: Path
) -> None:
    """The DuckDB file opened per unit of work: the kept pivot is registered again on each new
    connection; another workspace over the same file (as another process) imports G's restated
    figures, and the first workspace's next panel gives 2 800 / 4 000 = 70 %, not 63.75 %."""
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    server = Workspace.open(url)
    try:
        server.import_files([contract(entities=ENTITIES, facts=_facts())])
        built, reused = PIVOTS.built, PIVOTS.reused
        first = server.indicators(JUNE, indicators=list(INDICATORS))
        children = server.indicators(JUNE, indicators=list(INDICATORS), view="children")  # a new unit of work
        assert (PIVOTS.built - built, PIVOTS.reused - reused) == (1, 1)
        assert first.value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)
        assert children.value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)
        other = Workspace.open(url)
        try:
            restated = facts_of("G", "2025-06", total_liabilities=2800, total_equity=1200)
            other.import_files([contract(facts=restated)], reason="restated")
        finally:
            other.close()
        again = server.indicators(JUNE, indicators=list(INDICATORS))
        assert again.value("G", JUNE, "debt_ratio") == pytest.approx(70.0, rel=1e-12)
        assert PIVOTS.built - built == 2
    finally:
        server.close()
