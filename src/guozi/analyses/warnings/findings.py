"""The warnings of a report held as columns: a :class:`RiskWarning` is made only when it is read.

A group of 100 000 entities has about 200 000 warnings; a page shows the counts by severity and
the first hundred. The rules' tests (:mod:`.kinds`) decide by whole columns and leave, per rule,
the rows that warned and how to make the warning of one row (a :class:`Batch`); :class:`Findings`
orders them as the report always did (most serious first, then entity, then rule) and keeps the
columns a page filters and counts by (entity, name, rule, severity, indicator). Reading an item
(``findings[i]``, iterating) makes that warning, once. :meth:`Findings.same_fact` groups them by
entity, period and indicator by columns, exactly as
:func:`~guozi.analyses.warnings.results.same_fact` groups the warnings themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, overload

import numpy as np

from guozi.analyses.warnings.results import Positions, RiskWarning, objects, same_fact_positions

Objects = np.ndarray[Any, np.dtype[np.object_]]

# the columns a Findings keeps: what a page filters, counts and groups by without making a warning
COLUMNS = (
    "entity_id",
    "name",
    "period",
    "rule",
    "rule_name_zh",
    "rule_name_en",
    "severity",
    "severity_rank",
    "indicator",
)


class Batch(NamedTuple):
    """What one rule found at one severity: the entity rows that warned, and how to make one's warning."""

    rule: str
    rule_name_zh: str
    rule_name_en: str
    severity: str
    severity_rank: int
    indicator: str
    rows: Positions  # positions in the checked entities (ordered by entity id)
    make: Callable[[int], RiskWarning]  # the warning of one of ``rows``


class Findings(Sequence[RiskWarning]):
    """Warnings as columns (:data:`COLUMNS`), each :class:`RiskWarning` made when first read.

    Equal to any sequence holding the same warnings in the same order (a tuple of them too).
    """

    __slots__ = ("_columns", "_groups", "_made", "_make")

    def __init__(self, columns: dict[str, Objects], make: Callable[[int], RiskWarning]) -> None:
        self._columns = columns
        self._make = make
        self._made: list[RiskWarning | None] = [None] * len(columns["rule"])
        self._groups: tuple[Positions, Positions] | None = None

    @classmethod
    def of(cls, batches: Sequence[Batch], keys: Sequence[str], names: Sequence[str], period: str) -> Findings:
        """The batches' warnings, most serious first, then by entity id (``keys`` are in that order),
        then by rule code: the report's order."""
        if not batches:
            return cls.made(())
        rows = np.concatenate([b.rows.astype(np.intp) for b in batches])
        which = np.concatenate([np.full(len(b.rows), k, dtype=np.intp) for k, b in enumerate(batches)])
        codes = sorted({b.rule for b in batches})
        rule_order = np.array([codes.index(b.rule) for b in batches], dtype=np.intp)
        ranks = np.array([b.severity_rank for b in batches], dtype=np.int64)
        order = np.lexsort((rule_order[which], rows, -ranks[which]))
        rows, which = rows[order], which[order]

        def per_batch(field: str) -> Objects:
            out: Objects = objects([getattr(b, field) for b in batches])[which]
            return out

        columns = {f: per_batch(f) for f in ("rule", "rule_name_zh", "rule_name_en", "severity", "indicator")}
        columns["severity_rank"] = ranks[which].astype(object)
        columns["entity_id"] = np.asarray(keys, dtype=object)[rows]
        columns["name"] = np.asarray(names, dtype=object)[rows]
        columns["period"] = np.full(len(rows), period, dtype=object)
        made = [b.make for b in batches]
        return cls(columns, lambda i: made[which[i]](int(rows[i])))

    @classmethod
    def made(cls, warnings: Iterable[RiskWarning]) -> Findings:
        """Warnings already made, as they come, with their columns read from them."""
        items = tuple(warnings)
        columns = {c: objects([getattr(w, c) for w in items]) for c in COLUMNS}
        return cls(columns, items.__getitem__)

    def column(self, name: str) -> Objects:
        """One of :data:`COLUMNS`, in the warnings' order (do not change it)."""
        return self._columns[name]

    def __len__(self) -> int:
        return len(self._made)

    @overload
    def __getitem__(self, i: int) -> RiskWarning: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[RiskWarning, ...]: ...

    def __getitem__(self, i: int | slice) -> RiskWarning | tuple[RiskWarning, ...]:
        if isinstance(i, slice):
            return tuple(self[k] for k in range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        w = self._made[i]
        if w is None:
            w = self._made[i] = self._make(i)
        return w

    def __iter__(self) -> Iterator[RiskWarning]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple, but not hashable

    def __repr__(self) -> str:
        return f"Findings({len(self)} warnings)"

    def __reduce__(self) -> tuple[Any, ...]:  # pickled made (a report job's process reads it)
        return (_made, (tuple(self),))

    def same_fact(self) -> tuple[Positions, Positions]:
        """The warnings grouped by entity, period and indicator, as
        :func:`~guozi.analyses.warnings.results.same_fact` groups them: ``(order, bounds)``, the
        positions of group ``g`` being ``order[bounds[g]:bounds[g + 1]]``, most serious first."""
        if self._groups is None:
            c = self._columns
            self._groups = same_fact_positions(c["entity_id"], c["period"], c["indicator"], c["severity_rank"])
        return self._groups

    def leads(self) -> Positions:
        """Each group's most serious warning (:meth:`same_fact`), in the groups' order."""
        order, bounds = self.same_fact()
        return order[bounds[:-1]]


def _made(warnings: tuple[RiskWarning, ...]) -> Findings:
    return Findings.made(warnings)
