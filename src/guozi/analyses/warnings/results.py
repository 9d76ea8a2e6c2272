"""What the warnings check finds: a warning with its figures and reason, or a gap saying why not."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from guozi.analyses.warnings.messages import Fig, machine_figures, render
from guozi.analyses.warnings.rules import RuleSet
from guozi.catalog.params import DebtLines
from guozi.kernel.periods import Period
from guozi.kernel.text import pick


@dataclass(frozen=True)
class RiskWarning:
    """One warning: which rule fired for which entity and period, with its figures and reason.

    ``value`` is the indicator's value, ``threshold`` the line it crossed and ``reference`` the
    figure it was compared with (the opening or prior-year value, the other growth …), all in
    ``unit``; ``figures`` gives every figure of the message, machine-readable. The sentence is
    kept as data (the rule's templates and ``shown``, its figures) and worded by :meth:`message`
    only when asked for.
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
    templates: tuple[str, str]  # the rule's sentence in Chinese and English, filled in when shown
    shown: Mapping[str, Fig]  # the figures of the sentence, each with how to show it
    source: str
    confirmed: bool

    def message(self, lang: str) -> str:
        """The explaining sentence in ``lang``, worked out now (a large group has ~200 000 warnings,
        most never shown: none is worded before it is asked for)."""
        return render(pick(lang, *self.templates), self.shown, lang)

    @property
    def figures(self) -> dict[str, Any]:
        """Every figure of the sentence, machine-readable: numbers, and codes for translated texts."""
        return machine_figures(self.shown)

    @property
    def message_zh(self) -> str:
        """The explaining sentence in Chinese."""
        return self.message("zh")

    @property
    def message_en(self) -> str:
        """The explaining sentence in English."""
        return self.message("en")

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
        """The warnings as a DataFrame (one row per warning), with their sentences in both languages."""
        return pd.DataFrame([warning_fields(w) for w in self.warnings])


def warning_fields(w: RiskWarning) -> dict[str, Any]:
    """A warning's fields as a record, the sentences worded (``message_zh``, ``message_en``) in place
    of their templates, and the machine-readable ``figures`` last."""
    out: dict[str, Any] = {}
    for k, v in w.__dict__.items():
        if k == "templates":
            out["message_zh"], out["message_en"] = w.message_zh, w.message_en
        elif k != "shown":
            out[k] = v
    out["figures"] = w.figures
    return out
