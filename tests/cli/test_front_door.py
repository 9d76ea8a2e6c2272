"""One front door: the command line computes through the Workspace's methods, as the web does.

The commands may import how an analysis words its output (columns, rows, captions) and the
loaders of their option files, never the computations themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import guozi.cli

# The computations behind Workspace.evaluate_targets, regime_verdict, loss_makers, warnings, eva,
# peers, standard_scores, world_comparison, report and export_parquet.
COMPUTATIONS = {
    "evaluate_targets",
    "regime_verdict",
    "loss_makers",
    "evaluate_warnings",
    "compute_eva",
    "peer_ranks",
    "standard_scores",
    "world_comparison",
    "build_report",
    "export_parquet",
}


def test_the_commands_import_no_computation() -> None:
    found = []
    for path in sorted(Path(guozi.cli.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("guozi.analyses", "guozi.report", "guozi.store.export")
            ):
                found += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name in COMPUTATIONS]
    assert found == []
