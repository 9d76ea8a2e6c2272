"""Validation rules as data (``rules/validation.yaml``), run vectorised over an input batch.

A rule names its kind (the test), its items, parameters, severity (强制 / 核实 / 提示) and its
messages in both languages; this package only implements the kinds. The tests run in an
in-process DuckDB over the input's facts overlaid on the store's current values of the same
entities for the month before, the month itself and the month after, so 1 000 subsidiaries × 40
items are checked with a handful of queries. Only the failing rows come back to Python, as
:class:`Finding` values (a :class:`~guozi.kernel.errors.Problem` and the figures it concerns).

- :mod:`.model`: the rules as values, each kind's parameters and message fields, the messages filled in;
- :mod:`.load`: reading the rule files and checking them against the catalogue;
- :mod:`.run`: one evaluation's in-process DuckDB and the SQL helpers;
- :mod:`.month`, :mod:`.changes`, :mod:`.periods`: the kinds, by what they compare;
- :mod:`.evaluate`: running the enabled rules.
"""

from __future__ import annotations

from guozi.ingest.rules.evaluate import evaluate
from guozi.ingest.rules.load import load_rules
from guozi.ingest.rules.model import KINDS, RULES_FILE, Rule, RuleSet, Statement
from guozi.ingest.rules.run import Context, Finding, Lookup

__all__ = [
    "KINDS",
    "RULES_FILE",
    "Context",
    "Finding",
    "Lookup",
    "Rule",
    "RuleSet",
    "Statement",
    "evaluate",
    "load_rules",
]
