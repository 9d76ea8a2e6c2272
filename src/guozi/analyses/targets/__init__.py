"""Targets and regime verdicts: progress against annual targets, and 一增一稳四提升 and its kin.

- :mod:`.progress`: target progress (``guozi targets``): completion, pace, gap, year-end projection;
- :mod:`.verdict`: regime verdicts (``guozi verdict``), each clause judged by :mod:`.clauses`;
- :mod:`.gdp`: national GDP growth, the reference series (shipped, overridden by a user file);
- :mod:`.params`: params/targets.yaml, and which indicators accumulate through the year;
- :mod:`.numbers`: rounding for comparisons and numbers in words;
- :mod:`.columns`: the output records, labels in the chosen language.

Every function reads through :class:`guozi.analyses.source.Source`.
"""

from __future__ import annotations

from guozi.analyses.targets.clauses import TESTS, ClauseInputs, ClauseResult, evaluate_clause
from guozi.analyses.targets.columns import (
    METHOD_LABELS,
    PASS_LABELS,
    STATUS_LABELS,
    TEST_LABELS,
    target_rows,
    verdict_label,
    verdict_rows,
)
from guozi.analyses.targets.gdp import GDP_ENV, GDP_FILE, GdpFigure, GdpPick, GdpSeries, load_gdp
from guozi.analyses.targets.params import PARAMS_FILE, accumulates
from guozi.analyses.targets.progress import TARGET_FRAME_COLUMNS, TargetReport, evaluate_targets, project_year_end
from guozi.analyses.targets.verdict import Verdict, regime_verdict

__all__ = [
    "GDP_ENV",
    "GDP_FILE",
    "METHOD_LABELS",
    "PARAMS_FILE",
    "PASS_LABELS",
    "STATUS_LABELS",
    "TARGET_FRAME_COLUMNS",
    "TESTS",
    "TEST_LABELS",
    "ClauseInputs",
    "ClauseResult",
    "GdpFigure",
    "GdpPick",
    "GdpSeries",
    "TargetReport",
    "Verdict",
    "accumulates",
    "evaluate_clause",
    "evaluate_targets",
    "load_gdp",
    "project_year_end",
    "regime_verdict",
    "target_rows",
    "verdict_label",
    "verdict_rows",
]
