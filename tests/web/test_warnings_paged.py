"""The warnings page filters, counts and pages by columns, making only the rows it shows (issue 18).

The reference is the command line's route, independent of the page's: the report's warnings made
one by one and merged by :meth:`WarningReport.merged` (``same_fact`` over the warnings themselves),
then filtered, counted and paged here by plain Python over those objects. The demo group (40
entities, 2023-01 … 2025-12) has warnings of several rules and severities at 2025-12; seven rows a
page makes several pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from guozi.analyses.warnings import MergedWarning
from guozi.kernel.periods import Period
from guozi.workspace import Workspace
from tests.web.small_store import admin_client

P = Period(2025, 12)
PER_PAGE = 7


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from guozi.demo import generate_group, write_group

    folder = tmp_path_factory.mktemp("demo")
    write_group(generate_group(entities=40, months=36), folder)
    return folder


@pytest.fixture(scope="module")
def client(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with admin_client(demo, tmp_path_factory.mktemp("store") / "demo.duckdb") as c:
        yield c


@pytest.fixture(scope="module")
def reference(demo: Path) -> tuple[str, list[MergedWarning], dict[str, dict[str, str]]]:
    """The top entity, its subtree's warnings merged as ``guozi warnings`` merges them, the severities' names."""
    ws = Workspace.from_data([demo])
    try:
        at = ws.tree().at(P)
        top = str(at.entity_id[at.parent_id.isna() | (at.parent_id == "")].iloc[0])
        report = ws.warnings(P, entity=top, subtree=True)
        merged = list(report.merged())
        names = {k: {"zh": s.name("zh"), "en": s.name("en")} for k, s in report.rules.severities.items()}
        return top, merged, names
    finally:
        ws.close()


def _expected(merged: list[MergedWarning], names: dict[str, dict[str, str]], lang: str, **pick: Any) -> dict[str, Any]:
    q = str(pick.get("q") or "").casefold()
    kept = [
        m
        for m in merged
        if (not pick.get("rule") or pick["rule"] in m.rules)
        and (not q or q in m.entity_id.casefold() or q in m.name.casefold())
    ]
    counts: dict[str, int] = {}
    for m in kept:
        counts[m.severity] = counts.get(m.severity, 0) + 1
    if pick.get("level"):
        kept = [m for m in kept if m.severity == pick["level"]]
    pages = max(1, -(-len(kept) // PER_PAGE))
    page = min(int(pick.get("page", 1)), pages)
    shown = kept[(page - 1) * PER_PAGE : page * PER_PAGE]
    return {
        "rows": [
            (m.entity_id, list(m.rules), list(m.severities), m.severity, names[m.severity][lang], m.message(lang))
            for m in shown
        ],
        "counts": counts,
        "total": len(kept),
        "pages": pages,
        "page": page,
    }


def _got(client: TestClient, top: str, lang: str, **pick: Any) -> dict[str, Any]:
    params = {"entity": top, "period": str(P), "per_page": PER_PAGE, "lang": lang, **pick}
    out = client.get("/api/v1/warnings", params=params).json()
    return {
        "rows": [
            (r["entity_id"], r["rules"], r["severities"], r["severity"], r["severity_name"], r["message"])
            for r in out["rows"]
        ],
        "counts": out["counts"],
        "total": out["total"],
        "pages": out["pages"],
        "page": out["page"],
    }


def test_the_demo_group_has_merged_warnings_on_several_pages(reference: Any) -> None:
    _, merged, _ = reference
    assert len(merged) > 2 * PER_PAGE
    assert len({m.severity for m in merged}) >= 2
    assert any(len(m.rules) > 1 for m in merged)  # a merged row: the page must keep its rules together


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_filter_and_page_shows_what_the_merged_warnings_say(
    client: TestClient, reference: Any, lang: str
) -> None:
    top, merged, names = reference
    rules = sorted({r for m in merged for r in m.rules})
    levels = sorted({m.severity for m in merged})
    someone = merged[len(merged) // 2]
    picks: list[dict[str, Any]] = [{}, {"page": 2}, {"page": 999}]
    picks += [{"rule": r} for r in rules] + [{"level": s} for s in levels]
    picks += [{"rule": rules[0], "level": levels[-1]}, {"q": someone.entity_id.lower()}, {"q": someone.name[-2:]}]
    picks += [{"q": "no such entity"}, {"level": levels[0], "page": 2}]
    for pick in picks:
        assert _got(client, top, lang, **pick) == _expected(merged, names, lang, **pick), pick
