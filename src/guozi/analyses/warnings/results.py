"""What the warnings check finds: a warning with its figures and reason, or a gap saying why not."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from guozi.analyses.warnings.rules import RuleSet
from guozi.catalog.params import DebtLines
from guozi.kernel.periods import Period
from guozi.kernel.text import pick


@dataclass(frozen=True)
class RiskWarning:
    """One warning: which rule fired for which entity and period, with its figures and reason.

    ``value`` is the indicator's value, ``threshold`` the line it crossed and ``reference`` the
    figure it was compared with (the opening or prior-year value, the other growth …), all in
    ``unit``; ``figures`` holds every figure of the message, machine-readable.
    """

    entity_id: str
    name: str
    period: str
    rule: str
    rule_name_zh: str
    rule_name_en: str
    severity: str
    severity_rank: int
    indicator: str
    value: Decimal | float | None
    threshold: Decimal | float | None
    reference: Decimal | float | None
    unit: str
    message_zh: str
    message_en: str
    source: str
    confirmed: bool
    figures: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        """The explaining sentence in ``lang``."""
        return pick(lang, self.message_zh, self.message_en)

    def rule_name(self, lang: str) -> str:
        """The rule's name in ``lang``."""
        return pick(lang, self.rule_name_zh, self.rule_name_en)


@dataclass(frozen=True)
class Gap:
    """A check that could not be made, and why (a missing figure is never taken as zero)."""

    entity_id: str
    name: str
    period: str
    rule: str
    note_zh: str
    note_en: str

    def note(self, lang: str) -> str:
        """Why, in ``lang``."""
        return pick(lang, self.note_zh, self.note_en)


@dataclass(frozen=True)
class WarningReport:
    """The warnings of a period, most serious first, and the checks that could not be made."""

    period: Period
    warnings: tuple[RiskWarning, ...]
    gaps: tuple[Gap, ...]
    rules: RuleSet
    lines: DebtLines

    def __iter__(self) -> Iterator[RiskWarning]:
        return iter(self.warnings)

    def __len__(self) -> int:
        return len(self.warnings)

    def frame(self) -> pd.DataFrame:
        """The warnings as a DataFrame (one row per warning)."""
        return pd.DataFrame([w.__dict__ for w in self.warnings])
