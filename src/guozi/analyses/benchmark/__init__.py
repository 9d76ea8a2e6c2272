"""Benchmarking (对标): ranks, percentiles and gaps among peers, and standard-value bands and scores.

Conventions (the same for enterprises among their peers and against an external peer set):

Peers
    The peers of an entity in a period are the entities at one level of the ownership tree (by
    default the entity's own level in that period) with the same value of an entity column (by
    default ``industry``). The entity itself belongs to its peer group. When the column is listed
    under ``peers.fallback_columns`` of ``params/benchmark.yaml`` (``industry``), its value is a
    GB/T 4754 division (``C37``) and the group has fewer than ``min_peers`` entities (the entity
    included), the group is widened to the division's section (``C``: every entity whose industry
    code lies in section C). Figures are each entity's own reported ones (``view='reported'``).

Missing values
    An entity without a value (the panel's note says why) is left out of the ranking and of the
    peer statistics; it gets no rank, no percentile and a note. Missing is never zero.

Rank ("competition ranking", 1-2-2-4)
    ``rank = 1 + the number of peers whose value is strictly better``, better in the direction
    the catalogue gives the indicator (``higher`` or ``lower``). Tied entities share the best
    rank of their tie; the next rank skips as many places as were tied. An indicator whose
    direction is ``none`` is not ranked.

Percentile (share of the other peers the entity is better than, ties counting half)
    ``P = 100 × (W + T / 2) / (n − 1)``, where ``n`` is the number of entities with a value in
    the group (the entity included), ``W`` the number of other entities with a strictly worse
    value and ``T`` the number of other entities with an equal value. The best entity scores 100,
    the worst 0; with ``n = 1`` there is no percentile.

Ties
    Amounts (元, 人) are exact decimals and tie when equal; ratios are floats and tie when equal
    after rounding to :data:`TIE_DECIMALS` decimals (so that 55 % computed two ways still ties).

Peer statistics (over the ``n`` values, the entity included)
    Quantiles by linear interpolation between order statistics (position ``h = (n − 1) · p`` of
    the ascending values, as Excel's QUARTILE.INC and numpy's default): the median is ``p = ½``;
    the *better quartile* is the value a quarter of the group reaches or beats (``p = ¾`` when
    higher is better, ``p = ¼`` when lower is better) and the *worse quartile* the other one; the
    best is the maximum (higher) or minimum (lower). Amounts stay exact decimals.

Gaps
    ``gap = value − reference`` in the indicator's unit (percentage points for ``%``). Whether a
    positive gap is good depends on the direction: for debt ratio a gap of +5 to the best means
    5 pp worse than the best.

Standard values (企业绩效评价标准值) and scores
    A table gives, per indicator, industry, size class and edition year, the standard value of
    each band (优秀 excellent, 良好 good, 平均 average, 较低 low, 较差 poor), best first. A value
    belongs to the best band whose standard value it reaches (``≥`` for higher, ``≤`` for lower is
    better; a value equal to a standard value belongs to that band); worse than the last one it is
    "较差以下". Its score is the band score at each standard value (data, default 100, 80, 60, 40,
    20), linear between two neighbouring standard values, extended with the slope of the end
    segment beyond either end (or 0 below 较差 if ``below_lowest_rule: zero``), and capped to
    ``[score_floor, score_ceiling]`` (0 and 100). For a lower-is-better indicator the standard
    values ascend from 优秀 to 较差 and the same rule applies mirrored. The overall score is the
    weighted mean of the scored indicators (weights are data); it is given only when those carry at
    least ``overall.min_weight_share`` of the total weight, and what was not scored is listed.

Every parameter lives in ``catalog/data/params/benchmark.yaml`` (peer groups, band scores,
weights), ``size_classes.yaml`` (NBS size classes) and ``standard_values.csv`` (an illustrative
table; load the real one).
"""

from __future__ import annotations

from guozi.analyses.benchmark.charts import peer_chart, score_chart, stat_chart
from guozi.analyses.benchmark.columns import (
    STAT_TABLE_KEYS,
    peer_columns,
    peer_records,
    score_columns,
    score_records,
    shown_gap,
    shown_unit,
    shown_value,
    stat_columns,
    stat_record,
)
from guozi.analyses.benchmark.figures import (
    Notes,
    Values,
    entity_names,
    extended_catalog,
    indicator_of,
    panel_values,
    reported_panel,
)
from guozi.analyses.benchmark.params import (
    BENCHMARK_FILE,
    Band,
    BenchmarkParams,
    load_params,
)
from guozi.analyses.benchmark.peers import PeerGroup, PeerReport, peer_group, peer_ranks
from guozi.analyses.benchmark.ranks import (
    TIE_DECIMALS,
    Num,
    PeerRow,
    PeerStats,
    Standing,
    order,
    peer_row,
    peer_stats,
    quantile,
    standing,
)
from guozi.analyses.benchmark.scores import (
    BandScore,
    EntityScore,
    ScoreReport,
    ScoreRow,
    band_score,
    overall_score,
    standard_scores,
)
from guozi.analyses.benchmark.section import benchmark_section
from guozi.analyses.benchmark.sizes import (
    SIZES_FILE,
    SizeClass,
    SizeRule,
    SizeRules,
    load_sizes,
    size_classes,
    size_period,
)
from guozi.analyses.benchmark.standards import (
    ILLUSTRATION_MARK,
    STANDARDS_FILE,
    StandardRow,
    StandardTable,
    load_standards,
)

__all__ = [
    "BENCHMARK_FILE",
    "ILLUSTRATION_MARK",
    "SIZES_FILE",
    "STANDARDS_FILE",
    "STAT_TABLE_KEYS",
    "TIE_DECIMALS",
    "Band",
    "BandScore",
    "BenchmarkParams",
    "EntityScore",
    "Notes",
    "Num",
    "PeerGroup",
    "PeerReport",
    "PeerRow",
    "PeerStats",
    "ScoreReport",
    "ScoreRow",
    "SizeClass",
    "SizeRule",
    "SizeRules",
    "StandardRow",
    "StandardTable",
    "Standing",
    "Values",
    "band_score",
    "benchmark_section",
    "entity_names",
    "extended_catalog",
    "indicator_of",
    "load_params",
    "load_sizes",
    "load_standards",
    "order",
    "overall_score",
    "panel_values",
    "peer_chart",
    "peer_columns",
    "peer_group",
    "peer_ranks",
    "peer_records",
    "peer_row",
    "peer_stats",
    "quantile",
    "reported_panel",
    "score_chart",
    "score_columns",
    "score_records",
    "shown_gap",
    "shown_unit",
    "shown_value",
    "size_classes",
    "size_period",
    "standard_scores",
    "standing",
    "stat_chart",
    "stat_columns",
    "stat_record",
]
