"""The panel cells the rules read, as whole columns, and what a rule's check makes of one entity's row.

:class:`Table` holds the panels a rule set reads, one column per (basis, period, indicator)
aligned with the checked entities (:class:`Cells`); the tests of :mod:`~guozi.analyses.warnings.kinds`
decide by whole columns, exactly (:func:`sign`, :func:`exceeds`: floats decide, the rare ties and
near-ties are settled in :class:`~decimal.Decimal`). Only an entity a rule finds something for is
handled one at a time: :class:`RuleCheck` makes its :class:`Gap`, and keeps the rows that warned
with how to make each one's :class:`RiskWarning` (a :class:`~guozi.analyses.warnings.findings.Batch`),
made only when it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from guozi.analyses.common import texts
from guozi.analyses.source import Source
from guozi.analyses.warnings.findings import Batch
from guozi.analyses.warnings.messages import Fig
from guozi.analyses.warnings.results import Gap, RiskWarning
from guozi.analyses.warnings.rules import Rule, RuleSet
from guozi.catalog.params import DebtLine, DebtLines, IndustryClass
from guozi.engine.panel import Panel
from guozi.kernel.periods import Period

Objects = np.ndarray[Any, np.dtype[np.object_]]
Floats = np.ndarray[Any, np.dtype[np.float64]]
Mask = npt.NDArray[np.bool_]
Signs = npt.NDArray[np.int8]
NEAR = 1e-9  # a float result this close (relative) to its limit is settled exactly, in Decimal


def as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class Cells(NamedTuple):
    """One indicator at one period and basis, one cell per checked entity (in their order)."""

    present: Mask  # the panel has the entity's row
    values: Objects  # None when empty or without a row
    empty: Mask  # the value is None
    floats: Floats | None  # the value as a float, NaN when empty; None when every value is a Decimal
    priors: Objects
    prior_empty: Mask
    prior_floats: Floats | None
    growths: Objects  # float, or None
    growth_empty: Mask
    note_zh: Objects
    note_en: Objects

    def note(self, i: int) -> tuple[str, str]:
        """Why the cell of row ``i`` is empty (the panel's note), or that the entity has no row at all."""
        return (str(self.note_zh[i]), str(self.note_en[i])) if self.present[i] else _NO_ROW


_NO_ROW = ("没有数据", "no figures")


def _floats(values: Objects, empty: Mask) -> Floats:
    out = np.full(len(values), np.nan)
    out[~empty] = values[~empty].astype("float64")
    return out


def _floats_unless_decimal(values: Objects, empty: Mask) -> Floats | None:
    """The values as floats to compare by, or None when they are all Decimals (compared as they are:
    a Decimal's float goes through its text, slower than comparing it)."""
    if pd.api.types.infer_dtype(values[~empty], skipna=False) == "decimal":
        return None
    return _floats(values, empty)


def approx(values: Objects, floats: Floats | None, rows: Mask) -> Floats:
    """The values of ``rows`` as floats (NaN elsewhere), for an estimate settled exactly near its limit."""
    if floats is not None:
        return floats
    out = np.full(len(values), np.nan)
    out[rows] = values[rows].astype("float64")
    return out


class Table:
    """The panels' cells by (basis, period, indicator), each a column over ``keys`` (made when first read)."""

    _COLUMNS = ("value", "prior_value", "growth", "note_zh", "note_en")

    def __init__(self, panels: Sequence[tuple[str, Panel]], keys: Sequence[str]) -> None:
        self.n = len(keys)
        index = pd.Index(keys)
        # (basis, period, indicator) -> where its cells are: (rows of a frame, their entities' positions, the frame)
        self._groups: dict[tuple[str, str, str], list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], int]]] = {}
        self._frames: list[dict[str, Objects]] = []
        self._made: dict[tuple[str, str, str], Cells] = {}
        for basis, panel in panels:
            f = panel.frame
            at, ids = _factorized(texts(f.entity_id))
            at = index.get_indexer(pd.Index(ids))[at]  # each distinct id looked up once
            periods, period_names = _factorized(texts(f.period))
            codes, code_names = pd.factorize(texts(f.indicator))
            group = periods * max(len(code_names), 1) + codes
            order = np.argsort(group, kind="stable")
            bounds = np.searchsorted(group[order], np.arange(len(period_names) * len(code_names) + 1))
            frame = len(self._frames)
            self._frames.append({c: f[c].to_numpy(dtype=object) for c in self._COLUMNS})
            for p, period in enumerate(period_names):
                for c, code in enumerate(code_names):
                    g = p * len(code_names) + c
                    rows = order[bounds[g] : bounds[g + 1]]
                    keep = at[rows] >= 0
                    self._groups.setdefault((basis, str(period), str(code)), []).append(
                        (rows[keep], at[rows][keep], frame)
                    )

    def cells(self, period: Period | str, indicator: str, basis: str = "ytd") -> Cells:
        """The column of ``indicator`` at ``period`` (empty cells where the panels have no row)."""
        key = (basis, str(period), indicator)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._make(key)
        return made

    def _make(self, key: tuple[str, str, str]) -> Cells:
        n = self.n
        present = np.zeros(n, dtype=bool)
        columns = {c: np.full(n, None, dtype=object) for c in self._COLUMNS}
        for rows, at, frame in self._groups.get(key, ()):  # a later panel's cell replaces an earlier one's
            present[at] = True
            for c, values in self._frames[frame].items():
                columns[c][at] = values[rows]
        values, priors, growths = columns["value"], columns["prior_value"], columns["growth"]
        empty, prior_empty, growth_empty = pd.isna(values), pd.isna(priors), pd.isna(growths)
        growths[growth_empty] = None
        return Cells(
            present,
            values,
            empty,
            _floats_unless_decimal(values, empty),
            priors,
            prior_empty,
            _floats_unless_decimal(priors, prior_empty),
            growths,
            growth_empty,
            columns["note_zh"],
            columns["note_en"],
        )


def _factorized(values: Objects) -> tuple[npt.NDArray[np.intp], Objects]:
    """``pd.factorize(values)``, hashing only the first of each run of equal values (a panel's rows
    come by entity and period, one per indicator: 800 000 rows, 100 000 runs)."""
    n = len(values)
    if n == 0:
        return np.empty(0, dtype=np.intp), values
    heads = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    codes, uniques = pd.factorize(values[heads])
    return np.repeat(codes, np.diff(np.r_[heads, n])).astype(np.intp), np.asarray(uniques, dtype=object)


def sign(values: Objects, floats: Floats | None, limit: Decimal | Objects, rows: Mask) -> Signs:
    """The sign of ``value − limit`` for ``rows`` (0 elsewhere), exactly as :class:`~decimal.Decimal` compares.

    Decimals (``floats`` None) are compared as they are. Otherwise a float is the correctly rounded
    value of its shortest text (and a Decimal's float its correctly rounded value); rounding keeps
    order, so only where the floats are equal can the exact values differ: those are compared in
    Decimal.
    """
    if floats is None:
        out: Signs = np.zeros(len(values), dtype=np.int8)
        sub, bound = values[rows], limit if isinstance(limit, Decimal) else limit[rows]
        out[rows] = (sub > bound).astype(np.int8) - (sub < bound).astype(np.int8)
        return out
    limits = np.full(len(values), float(limit)) if isinstance(limit, Decimal) else _floats(limit, pd.isna(limit))
    with np.errstate(invalid="ignore"):
        out = ((floats > limits) & rows).astype(np.int8) - ((floats < limits) & rows).astype(np.int8)
    ties = np.flatnonzero(rows & (floats == limits))
    for i in ties.tolist():
        exact = limit if isinstance(limit, Decimal) else limit[i]
        out[i] = int(as_decimal(values[i]).compare(exact))
    return out


def exceeds(approx: Floats, limit: Decimal, rows: Mask, scale: Floats, exact: Callable[[int], Decimal]) -> Mask:
    """Whether the exact result ``exact(i)`` is above ``limit``, for ``rows``: decided by its float
    approximation ``approx`` unless that lies within :data:`NEAR` (relative to ``scale``) of the limit."""
    bound = float(limit)
    near = NEAR * np.maximum(np.maximum(np.abs(scale), abs(bound)), 1.0)
    with np.errstate(invalid="ignore"):
        out: Mask = rows & (approx > bound + near)
        unsure = np.flatnonzero(rows & ~(approx > bound + near) & ~(approx < bound - near))
    for i in unsure.tolist():
        out[i] = exact(i) > limit
    return out


class Entities(NamedTuple):
    """The checked entities, in order: their ids, names and industries."""

    keys: list[str]
    names: list[str]
    industries: list[str]


class RuleCheck:
    """One rule over the checked entities: what it needs to know, and the warning or gap of one row."""

    def __init__(
        self, ws: Source, ruleset: RuleSet, r: Rule, table: Table, lines: DebtLines, entities: Entities, period: Period
    ) -> None:
        self.ws, self.rules, self.r, self.table, self.lines = ws, ruleset, r, table, lines
        self.entities, self.period = entities, period
        self.text = str(period)
        self.found: list[tuple[int, Gap]] = []  # (row, the check it could not make)
        self.batches: list[Batch] = []  # the rows that warned, each warning made when read
        self._debts: dict[str, tuple[IndustryClass | None, DebtLine | None]] = {}
        self._indicators: dict[str, tuple[str, tuple[str, str], Fig]] = {}
        self._severities: dict[str, tuple[str, int]] = {}  # level -> severity, rank

    # what the rule reads
    def cells(self, code: str | None = None, period: Period | None = None, basis: str = "ytd") -> Cells:
        return self.table.cells(self.period if period is None else period, code or self.r.indicator, basis)

    def unit(self, code: str | None = None) -> str:
        return self._indicator(code)[0]

    def iname(self, code: str | None = None) -> tuple[str, str]:
        return self._indicator(code)[1]

    def named(self, code: str | None = None) -> Fig:
        """The indicator's names and code, shown in a sentence."""
        return self._indicator(code)[2]

    def _indicator(self, code: str | None) -> tuple[str, tuple[str, str], Fig]:
        """The unit, names and shown name of ``code`` (the rule's indicator by default), worked out once."""
        code = code or self.r.indicator
        found = self._indicators.get(code)
        if found is None:
            ind = self.ws.catalog.indicator(code)
            found = self._indicators[code] = (
                ind.unit,
                (ind.name_zh, ind.name_en),
                ((ind.name_zh, ind.name_en, code), "texts"),
            )
        return found

    def debt(self, industry: str) -> tuple[IndustryClass | None, DebtLine | None]:
        found = self._debts.get(industry)
        if found is None:
            found = self._debts[industry] = (
                self.lines.industry_class(industry),
                self.lines.line_for(industry, self.period.year),
            )
        return found

    # what it finds
    def gap(self, i: int, zh: str, en: str) -> None:
        e = self.entities
        self.found.append((i, Gap(e.keys[i], e.names[i], self.text, self.r.code, zh, en)))

    def gaps(self, rows: Mask, zh: str, en: str) -> None:
        for i in np.flatnonzero(rows).tolist():
            self.gap(i, zh, en)

    def missing(self, rows: Mask, cells: Cells, code: str | None = None, period: Period | None = None) -> None:
        """A gap for each of ``rows``: ``code``'s cell (at ``period``, named when given) cannot be computed."""
        iz, ie = self.iname(code)
        when_zh = f"（{period}）" if period is not None else ""
        when_en = f" ({period})" if period is not None else ""
        for i in np.flatnonzero(rows).tolist():
            nz, ne = cells.note(i)
            self.gap(i, f"{iz}{when_zh}无法计算：{nz}", f"{ie}{when_en} cannot be computed: {ne}")

    def warn(self, rows: Mask, make: Callable[[int], RiskWarning], level: str = "") -> None:
        """Warnings for ``rows`` (at the severity of ``level``), each made by ``make(i)`` when read."""
        sev, rank = self.severity(level)
        r = self.r
        self.batches.append(Batch(r.code, r.name_zh, r.name_en, sev, rank, r.indicator, np.flatnonzero(rows), make))

    def severity(self, level: str) -> tuple[str, int]:
        """The rule's severity at ``level`` and its rank, worked out once."""
        found = self._severities.get(level)
        if found is None:
            sev = self.r.severity_for(level)
            found = self._severities[level] = (sev, self.rules.rank(sev))
        return found

    def warning(
        self,
        i: int,
        figures: dict[str, Fig],
        *,
        value: Any,
        threshold: Any,
        reference: Any = None,
        unit: str | None = None,
        level: str = "",
        line: DebtLine | None = None,
    ) -> RiskWarning:
        """The warning of row ``i``: its ``figures`` (shown in the sentence) and fields."""
        r, e = self.r, self.entities
        source, confirmed = r.source, r.confirmed
        if line is not None:  # the line's own source and status travel with the warning
            source = f"{source}; {line.industry} {line.year}: {line.source}" if line.source else source
            confirmed = confirmed and line.confirmed
        shown: dict[str, Fig] = {
            "entity": (e.names[i], "text"),
            "period": (self.text, "text"),
            "indicator": self.named(),
            **figures,
        }
        sev, rank = self.severity(level)
        return RiskWarning(
            entity_id=e.keys[i],
            name=e.names[i],
            period=self.text,
            rule=r.code,
            rule_name_zh=r.name_zh,
            rule_name_en=r.name_en,
            severity=sev,
            severity_rank=rank,
            indicator=r.indicator,
            value=value,
            threshold=threshold,
            reference=reference,
            unit=unit or self.unit(),
            templates=(r.message_zh, r.message_en),
            shown=shown,
            source=source,
            confirmed=confirmed,
        )
