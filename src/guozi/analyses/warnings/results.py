"""What the warnings check finds: a warning with its figures and reason, or a gap saying why not."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from guozi.analyses.warnings.messages import Fig, joined, machine_figures, render, source_text
from guozi.analyses.warnings.rules import RuleSet
from guozi.catalog.params import DebtLines
from guozi.kernel.periods import Period
from guozi.kernel.text import pick

T = TypeVar("T")
Positions = npt.NDArray[np.intp]
Values = Sequence[Any] | npt.NDArray[Any]  # a column: a list, or an array


class Worded:
    """A finding's sentence in both languages, worded by ``message(lang)`` only when read."""

    def message(self, lang: str) -> str:
        raise NotImplementedError

    @property
    def message_zh(self) -> str:
        """The explaining sentence in Chinese."""
        return self.message("zh")

    @property
    def message_en(self) -> str:
        """The explaining sentence in English."""
        return self.message("en")


@dataclass(frozen=True)
class RiskWarning(Worded):
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

    def rule_name(self, lang: str) -> str:
        """The rule's name in ``lang``."""
        return pick(lang, self.rule_name_zh, self.rule_name_en)


@dataclass(frozen=True)
class MergedWarning(Worded):
    """Every warning about one entity, period and indicator as one finding (the same fact said once).

    ``findings`` are the rules' warnings, the most serious first; the merged warning reads as its
    first (the lead: its severity, rule, figures and source) and its sentence says the others'
    findings as clauses of the lead's (:func:`~guozi.analyses.warnings.messages.joined`). It is
    counted once, under the lead's severity; every rule code is kept in ``rules``.
    """

    findings: tuple[RiskWarning, ...]

    @property
    def lead(self) -> RiskWarning:
        """The most serious of the findings."""
        return self.findings[0]

    @property
    def rules(self) -> tuple[str, ...]:
        """Every rule that fired, the lead's first."""
        return tuple(w.rule for w in self.findings)

    @property
    def severities(self) -> tuple[str, ...]:
        """Each rule's severity, in the order of :attr:`rules`."""
        return tuple(w.severity for w in self.findings)

    def __getattr__(self, name: str) -> Any:  # entity_id, name, period, severity, value … of the lead
        if name == "findings":
            raise AttributeError(name)
        return getattr(self.lead, name)

    def message(self, lang: str) -> str:
        """One sentence: the lead's finding, then the others' as its clauses."""
        return joined([w.message(lang) for w in self.findings], lang)

    def rule_name(self, lang: str) -> str:
        """The rules' names in ``lang``, the lead's first."""
        return pick(lang, "、", "; ").join(dict.fromkeys(w.rule_name(lang) for w in self.findings))

    def sources(self, lang: str) -> str:
        """The rules' sources in ``lang`` (:func:`~guozi.analyses.warnings.messages.source_text`), each once."""
        return pick(lang, "；", "; ").join(
            dict.fromkeys(source_text(w.source, lang) for w in self.findings if w.source)
        )

    @property
    def rule_name_zh(self) -> str:
        """The rules' names in Chinese."""
        return self.rule_name("zh")

    @property
    def rule_name_en(self) -> str:
        """The rules' names in English."""
        return self.rule_name("en")


def same_fact(items: Iterable[T], field: Callable[[T, str], Any]) -> list[list[T]]:
    """Warnings (or their records: ``field(item, name)`` reads a field) grouped by entity, period and
    indicator, each group most serious first (``severity_rank``), the groups in the order of their
    most serious warning and, within one severity, of the warnings given (stable sorts)."""
    kept = list(items)
    entity_ids, periods, indicators, ranks = (
        [field(w, name) for w in kept] for name in ("entity_id", "period", "indicator", "severity_rank")
    )
    order, bounds = same_fact_positions(entity_ids, periods, indicators, ranks)
    return [[kept[k] for k in order[a:b]] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]


def same_fact_positions(
    entity_ids: Values, periods: Values, indicators: Values, ranks: Values
) -> tuple[Positions, Positions]:
    """:func:`same_fact` by columns: ``(order, bounds)``, the positions of group ``g`` being
    ``order[bounds[g]:bounds[g + 1]]`` (the warnings of a report kept as columns group by this too)."""
    n = len(entity_ids)
    if n == 0:
        return np.empty(0, dtype=np.intp), np.zeros(1, dtype=np.intp)
    keys = pd.MultiIndex.from_arrays([objects(entity_ids), objects(periods), objects(indicators)])
    group, _ = pd.factorize(keys)  # in the order each first appears, as a dict keeps them
    rank = np.asarray(ranks, dtype=np.int64)
    within = np.lexsort((np.arange(n), -rank, group))  # each group most serious first, stable
    bounds = np.flatnonzero(np.r_[True, np.diff(group[within]) != 0, True])
    leads = within[bounds[:-1]]
    by_lead = np.argsort(-rank[leads], kind="stable")  # the groups by their most serious, stable
    sizes = np.diff(bounds)
    place = np.empty(len(by_lead), dtype=np.intp)
    place[by_lead] = np.arange(len(by_lead))  # where each group goes
    order = within[np.argsort(place[np.repeat(np.arange(len(sizes)), sizes)], kind="stable")]
    return order.astype(np.intp), np.r_[0, np.cumsum(sizes[by_lead])].astype(np.intp)


def objects(values: Values) -> npt.NDArray[np.object_]:
    """``values`` as a one-dimensional array of objects (tuples stay elements)."""
    out: npt.NDArray[np.object_] = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def merge_warnings(warnings: Iterable[RiskWarning]) -> tuple[MergedWarning, ...]:
    """The warnings merged by entity, period and indicator (:func:`same_fact`), most serious first."""
    return tuple(MergedWarning(tuple(g)) for g in same_fact(warnings, getattr))


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
    """The warnings of a period, most serious first, and the checks that could not be made.

    ``warnings`` is a tuple, or (from :func:`~guozi.analyses.warnings.evaluate.evaluate_warnings`) a
    :class:`~guozi.analyses.warnings.findings.Findings`: the same warnings kept as columns, each
    made when read."""

    period: Period
    warnings: Sequence[RiskWarning]
    gaps: tuple[Gap, ...]
    rules: RuleSet
    lines: DebtLines

    def __iter__(self) -> Iterator[RiskWarning]:
        return iter(self.warnings)

    def __len__(self) -> int:
        return len(self.warnings)

    def merged(self) -> tuple[MergedWarning, ...]:
        """The warnings merged by entity, period and indicator (:func:`merge_warnings`): what outputs show."""
        return merge_warnings(self.warnings)

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
