"""The benchmarking section of the monthly report and the dashboard: peers, standard values and
world-class peers together.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from guozi.analyses.benchmark.charts import peer_chart, score_chart
from guozi.analyses.benchmark.params import BenchmarkParams, load_params
from guozi.analyses.benchmark.peers import peer_ranks
from guozi.analyses.benchmark.scores import standard_scores
from guozi.analyses.benchmark.sizes import size_period
from guozi.analyses.benchmark.standards import StandardTable
from guozi.analyses.benchmark.world import world_chart, world_comparison
from guozi.analyses.source import Source
from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.kernel.text import pick


def benchmark_section(
    source: Source,
    period: Period,
    entity: str,
    *,
    by: str = "industry",
    standards: StandardTable | Sequence[Path] | None = None,
    world: bool = True,
    lang: str = "zh",
    params: BenchmarkParams | None = None,
) -> dict[str, Any]:
    """The benchmarking section of the monthly report and the dashboard: peer bars, the radar of
    bands, and bars against the world peers of the last full year (each ``None`` if not computable,
    with the reason in ``notes``)."""

    params = params or load_params(catalog=source.catalog)
    notes: list[str] = []
    peers = peer_chart(peer_ranks(source, period, entity, by=by, params=params), lang=lang)
    scores: dict[str, Any] | None = None
    try:
        scores = score_chart(
            standard_scores(source, period, entity=entity, standards=standards, params=params), entity, lang=lang
        )
    except GuoziError as exc:
        notes.append(exc.message(lang))
    world_part: dict[str, Any] | None = None
    if world:
        year = size_period(period).year
        try:
            world_part = world_chart(world_comparison(source, year, entity, params=params), lang=lang)
        except GuoziError as exc:
            notes.append(exc.message(lang))
    return {
        "kind": "benchmark_section",
        "title": pick(lang, "对标世界一流", "Benchmarking against peers and world-class enterprises"),
        "period": str(period),
        "entity": entity,
        "peers": peers,
        "scores": scores,
        "world": world_part,
        "notes": notes,
    }
