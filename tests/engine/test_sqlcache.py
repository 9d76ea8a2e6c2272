"""Compiled queries kept between calls (:mod:`guozi.engine.sqlcache`): never stale, never different.

On the hand-made group of ``test_panel.py`` (amounts in 元): at 2025-06 G's debt ratio is
2 550 / 4 000 = 63.75 %, A's 1 180 / 1 800 = 65.555… %; G's children A + B owe 1 180 + 1 300 =
2 480 on 1 800 + 2 000 = 3 800 of assets (65.263… %). A catalogue whose debt ratio is liabilities
over *equity* gives G 2 550 / 1 450 = 175.862… %: a kept query of the shipped formula must not
answer it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import ibis
import pandas as pd
import pytest

from guozi.catalog.formula import parse
from guozi.catalog.model import Catalog
from guozi.engine.panel import Panel, Scope, compute_panels
from guozi.engine.sqlcache import SUBDIR, SqlCache, cache_root, make_key
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

from ..pg import postgres_input
from .test_panel import ENTITIES, JUNE, _facts

INDICATORS = ("debt_ratio", "total_profit", "rd_intensity")
SCOPES = (
    Scope(),
    Scope(view="level", level=2, by="industry"),
    Scope(view="children", same_basis=True),
    Scope(view="leaves", entity="G"),
)


@pytest.fixture
def ws(workspace_of: Callable[..., Workspace]) -> Workspace:
    return workspace_of(entities=ENTITIES, facts=_facts())


def _panels(
    ws: Workspace,
    cache: SqlCache | None,
    *,
    scopes: Sequence[Scope] = SCOPES,
    indicators: Sequence[str] = INDICATORS,
    catalog: Catalog | None = None,
    period: Period = JUNE,
) -> list[Panel]:
    return compute_panels(
        ws.store.facts(),
        ws.tree(),
        catalog or ws.catalog,
        periods=[period],
        indicators=indicators,
        scopes=scopes,
        cache=cache,
    )


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    """Every cell as its type and ``repr``, column by column: equal only if identical."""
    return [[f"{type(v).__name__}:{v!r}" for v in frame[c]] for c in frame.columns]


def assert_identical(got: Sequence[Panel], want: Sequence[Panel]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert list(g.frame.columns) == list(w.frame.columns)
        assert _cells(g.frame) == _cells(w.frame)


def test_a_kept_query_gives_the_frame_ibis_compiles(ws: Workspace) -> None:
    cache = SqlCache(disk=False)
    first = _panels(ws, cache)
    compiled = cache.compiled
    assert compiled == 1 + len(SCOPES)  # the shared pivot and one query per scope
    again = _panels(ws, cache)
    assert cache.compiled == compiled  # nothing compiled the second time
    fresh = _panels(ws, None)  # Ibis builds and compiles every query, as before the cache
    assert_identical(first, fresh)
    assert_identical(again, fresh)
    reported, _, children, _ = again
    assert reported.value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)
    assert reported.value("A", JUNE, "debt_ratio") == pytest.approx(1180 / 1800 * 100, rel=1e-12)
    assert children.value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)


def test_one_scope_reads_the_pivot_as_a_subquery(ws: Workspace) -> None:
    cache = SqlCache(disk=False)
    for scope in SCOPES:  # one scope per call: no temporary table
        assert_identical(_panels(ws, cache, scopes=[scope]), _panels(ws, None, scopes=[scope]))


def test_a_changed_catalogue_compiles_afresh(ws: Workspace) -> None:
    cache = SqlCache(disk=False)
    _panels(ws, cache, scopes=[Scope()])
    before = cache.compiled
    shipped = ws.catalog.indicators["debt_ratio"]
    formula = "total_liabilities / total_equity"
    changed = dataclasses.replace(shipped, formula=formula, tree=parse(formula))
    catalog = dataclasses.replace(ws.catalog, indicators={**ws.catalog.indicators, "debt_ratio": changed})
    (panel,) = _panels(ws, cache, scopes=[Scope()], catalog=catalog)
    assert cache.compiled == before + 2  # pivot and scope: both read the formula's items
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(2550 / 1450 * 100, rel=1e-12)


def test_a_changed_regime_period_or_scope_compiles_afresh(ws: Workspace) -> None:
    cache = SqlCache(disk=False)
    _panels(ws, cache, scopes=[Scope(view="children")])
    assert cache.compiled == 2
    _panels(ws, cache, scopes=[Scope(view="children")], indicators=("debt_ratio",))  # another regime's list
    assert cache.compiled == 4
    _panels(ws, cache, scopes=[Scope(view="children")], period=Period(2025, 5))
    assert cache.compiled == 6
    shapes = [Scope(view="leaves"), Scope(view="children", entity="A"), Scope(view="children", same_basis=True)]
    for k, scope in enumerate(shapes, start=1):  # the pivot is kept; each scope's own query is new
        (panel,) = _panels(ws, cache, scopes=[scope])
        assert cache.compiled == 6 + k
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)
    _panels(ws, cache, scopes=shapes)  # all kept
    assert cache.compiled == 6 + len(shapes)


def test_the_dialect_and_every_part_are_in_the_key(ws: Workspace) -> None:
    parts = {"scope": Scope(), "periods": [202506]}
    key = make_key("duckdb", ws.catalog, parts)
    assert make_key("duckdb", ws.catalog, dict(parts)) == key
    assert make_key("postgres", ws.catalog, parts) != key
    assert make_key("duckdb", ws.catalog, {**parts, "scope": Scope(view="leaves")}) != key
    assert make_key("duckdb", ws.catalog, {**parts, "periods": [202505]}) != key
    other = dataclasses.replace(ws.catalog, parameters={**ws.catalog.parameters, "x": Decimal(1)})
    assert make_key("duckdb", other, parts) != key


def test_the_disk_cache_serves_another_process(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "sql"
    first = SqlCache(folder=folder)
    want = _panels(ws, first)
    assert first.compiled == 1 + len(SCOPES) and first.from_disk == 0
    assert len(list(folder.glob("*.json"))) == 1 + len(SCOPES)
    later = SqlCache(folder=folder)  # as a new command would find it
    assert_identical(_panels(ws, later), want)
    assert later.compiled == 0 and later.from_disk == 1 + len(SCOPES)


def test_an_unreadable_disk_entry_is_compiled_again(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "sql"
    want = _panels(ws, SqlCache(folder=folder), scopes=[Scope()])
    for entry in folder.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    again = SqlCache(folder=folder)
    assert_identical(_panels(ws, again, scopes=[Scope()]), want)
    assert again.compiled == 2 and again.from_disk == 0


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GUOZI_CACHE_DIR", str(tmp_path / "c"))
    assert cache_root() == tmp_path / "c"
    assert SqlCache().folder == tmp_path / "c" / SUBDIR
    monkeypatch.setenv("GUOZI_CACHE_DIR", "")  # empty: no disk cache
    assert cache_root() is None and SqlCache().folder is None
    monkeypatch.delenv("GUOZI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert SqlCache().folder == tmp_path / "xdg" / "guozi" / SUBDIR
    assert SqlCache(disk=False).folder is None


def test_kept_queries_on_postgres(contract: Callable[..., Path], ws: Workspace) -> None:
    facts, tree = postgres_input(contract(entities=ENTITIES, facts=_facts()))
    cache = SqlCache(disk=False)

    def run(c: SqlCache | None) -> list[Panel]:
        return compute_panels(facts, tree, ws.catalog, periods=[JUNE], indicators=INDICATORS, scopes=SCOPES, cache=c)

    first = run(cache)
    again = run(cache)
    assert cache.compiled == 1 + len(SCOPES)
    fresh = run(None)
    assert_identical(first, fresh)
    assert_identical(again, fresh)
    assert_identical(again, _panels(ws, None))  # and PostgreSQL answers as DuckDB does
    assert again[0].value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)
    key = make_key("postgres", ws.catalog, {"x": 1})
    assert key != make_key("duckdb", ws.catalog, {"x": 1})


def test_facts_reading_an_in_memory_table_are_bound_as_their_own_sql(ws: Workspace) -> None:
    """The workspace narrows the facts to a panel's members by a join with an in-memory id list:
    the facts' SQL goes into the kept query as a subquery, and its id list is registered first.
    B's facts are left out here: A's children A1 + A2 owe 780 + 350 = 1 130 on 1 200 + 500 = 1 700
    (66.47… %), while G's children A and B have one member without figures, so G's value is
    empty and its note says one of two members lacks them."""
    facts = ws.store.facts()
    wanted = ibis.memtable(pd.DataFrame({"entity_id": ["G", "A", "A1", "A2"]}))
    narrowed = facts.semi_join(wanted, facts.entity_id == wanted.entity_id)
    scopes = [Scope(view="children")]
    cache = SqlCache(disk=False)

    def run(c: SqlCache | None) -> list[Panel]:
        return compute_panels(
            narrowed, ws.tree(), ws.catalog, periods=[JUNE], indicators=INDICATORS, scopes=scopes, cache=c
        )

    kept = run(cache)
    assert_identical(kept, run(None))
    (panel,) = kept
    assert panel.value("A", JUNE, "debt_ratio") == pytest.approx(1130 / 1700 * 100, rel=1e-12)  # A1 + A2
    assert panel.value("G", JUNE, "debt_ratio") is None  # B, a member, has no figures here
    assert "1/2" in panel.row("G", JUNE, "debt_ratio").note_zh
