"""Risk warnings: debt lines, losses, cash, 两金 … each rule is data and explains itself.

The rules live in ``catalog/data/rules/warnings.yaml`` (kind, indicator, thresholds, severity,
source, the explaining sentence in Chinese and English) and the debt lines by industry and year
in ``catalog/data/params/debt_lines.yaml``; a user's files override both. This package only
implements the tests a rule's ``kind`` names. Every figure comes from the panel
(:meth:`Source.indicators`); a check that cannot be made is a :class:`Gap` saying what is
missing, never a silent pass.

- :mod:`.rules` reads the rules and their severities;
- :mod:`.evaluate` reads the panels the rules need and runs them (:func:`evaluate_warnings`);
- :mod:`.check` holds the panels' cells as columns over the checked entities and :mod:`.kinds`
  tests each rule kind on every entity at once (exactly, by whole columns), :mod:`.messages`
  shows its figures in the explaining sentence, :mod:`.results` holds what it finds and
  :mod:`.findings` keeps the warnings as columns, each made when read;
- :mod:`.columns` words the warnings as output records: the warnings about one entity, period and
  indicator merged into one (:class:`MergedWarning`: 资产负债率 above its line and still rising is one
  finding), counted once under its most serious rule, every rule code kept.

The debt lines are :mod:`guozi.catalog.params` (shared with EVA). The package is
``guozi.analyses.warnings``: inside guozi every import is absolute, so it does not shadow the
standard library's ``warnings``.
"""

from __future__ import annotations

from guozi.analyses.warnings.columns import (
    GAP_COLUMNS,
    WARNING_COLUMNS,
    WARNING_TABLE_KEYS,
    figures_json,
    gap_records,
    warning_records,
)
from guozi.analyses.warnings.evaluate import WARNING_VIEWS, evaluate_warnings
from guozi.analyses.warnings.findings import Findings
from guozi.analyses.warnings.kinds import consecutive_periods
from guozi.analyses.warnings.messages import Fig, joined, render, show, source_text
from guozi.analyses.warnings.results import Gap, MergedWarning, RiskWarning, WarningReport, merge_warnings, same_fact
from guozi.analyses.warnings.rules import KINDS, PLACEHOLDERS, RULES_FILE, Rule, RuleSet, Severity, load_rules
from guozi.catalog.params import DEBT_LINES_FILE, DebtLine, DebtLines, IndustryClass, load_debt_lines

__all__ = [
    "DEBT_LINES_FILE",
    "GAP_COLUMNS",
    "KINDS",
    "PLACEHOLDERS",
    "RULES_FILE",
    "WARNING_COLUMNS",
    "WARNING_TABLE_KEYS",
    "WARNING_VIEWS",
    "DebtLine",
    "DebtLines",
    "Fig",
    "Findings",
    "Gap",
    "IndustryClass",
    "MergedWarning",
    "RiskWarning",
    "Rule",
    "RuleSet",
    "Severity",
    "WarningReport",
    "consecutive_periods",
    "evaluate_warnings",
    "figures_json",
    "gap_records",
    "joined",
    "load_debt_lines",
    "load_rules",
    "merge_warnings",
    "render",
    "same_fact",
    "show",
    "source_text",
    "warning_records",
]
