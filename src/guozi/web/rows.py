"""The rows the pages and the API show, JSON-ready: values cleaned, a panel's rows by entity, warnings."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from guozi.analyses.warnings import Findings, RiskWarning
from guozi.kernel.periods import Period

__all__ = ["Made", "PanelRows", "WarningRow", "WarningRows", "clean", "clean_rows", "records"]


def clean(value: Any) -> Any:
    """A value as JSON can carry it: Decimal → float, NaN → None, periods and dates → text."""
    if value is None:
        return None
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return clean(value.item())
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready dicts."""
    return [{str(k): clean(v) for k, v in r.items()} for r in frame.to_dict("records")]


class PanelRows(Mapping[str, dict[str, dict[str, Any]]]):
    """A panel's rows by entity, ``{entity: {indicator: row}}``, each entity's records made when first read.

    A row is ``value``, ``prior_value``, ``change``, ``growth``, ``unit``, ``note_zh``, ``note_en``
    and ``members`` (and ``difference`` in the ``consolidated`` view), JSON-ready (:func:`clean`). Only the positions of each entity's rows are
    worked out up front (once per run of one entity's rows in the entity column).
    """

    _COLUMNS = ("indicator", "value", "prior_value", "change", "growth", "unit", "note_zh", "note_en", "members")

    def __init__(self, frame: pd.DataFrame) -> None:
        self._cols = [frame[c].to_numpy(dtype=object) for c in self._COLUMNS]
        # the consolidated view's 差额 (filed 合并 − computed), None in the other views
        self._difference = frame["difference"].to_numpy(dtype=object) if "difference" in frame.columns else None
        self._at: dict[str, list[int]] = {}
        ids = frame["entity_id"].to_numpy(dtype=object)
        heads = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.empty(0, dtype=np.intp)
        for e, start, end in zip(ids[heads].tolist(), heads.tolist(), np.r_[heads[1:], len(ids)].tolist(), strict=True):
            self._at.setdefault(str(e), []).extend(range(start, end))  # a panel's rows come entity by entity
        self._made: dict[str, dict[str, dict[str, Any]]] = {}

    def __getitem__(self, entity: str) -> dict[str, dict[str, Any]]:
        made = self._made.get(entity)
        if made is None:
            ind, value, prior, change, growth, unit, note_zh, note_en, members = self._cols
            made = {
                str(ind[i]): {
                    "value": clean(value[i]),
                    "prior_value": clean(prior[i]),
                    "change": clean(change[i]),
                    "growth": clean(growth[i]),
                    "unit": unit[i],
                    "note_zh": clean(note_zh[i]) or "",
                    "note_en": clean(note_en[i]) or "",
                    "members": clean(members[i]),
                    **({"difference": clean(self._difference[i])} if self._difference is not None else {}),
                }
                for i in self._at[entity]  # KeyError for an entity without rows, as a dict
            }
            self._made[entity] = made  # the same records whichever thread made them first
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def __contains__(self, entity: object) -> bool:
        return entity in self._at


class WarningRow(dict[str, Any]):
    """A warning as the pages and the API show it: its fields, JSON-ready, in the warning's order.

    Its sentence is not among them until asked for: ``row["message_zh"]`` (or ``"message_en"``)
    words it from the warning's rule and figures the first time and keeps it. (``row.get`` does
    not word it: read the sentence with ``[]``.)
    """

    __slots__ = ("_warning",)
    _MONEY = ("value", "threshold", "reference")

    def __init__(self, fields: dict[str, Any], warning: RiskWarning) -> None:
        super().__init__(fields)
        self._warning = warning

    @classmethod
    def of(cls, w: RiskWarning) -> WarningRow:
        fields = {k: v for k, v in w.__dict__.items() if k not in ("templates", "shown", "figures")}
        for k in cls._MONEY:
            fields[k] = clean(fields[k])
        return cls(fields, w)

    def __missing__(self, key: str) -> str:
        if key not in ("message_zh", "message_en"):
            raise KeyError(key)
        text = self[key] = self._warning.message(key[-2:])
        return text


class WarningRows(Sequence[WarningRow]):
    """A report's warnings as the pages read them: a :class:`WarningRow` made when one is read
    (``rows[i]``), the columns the pages filter and count by (:meth:`column`) and the warnings
    grouped by entity, period and indicator (:meth:`groups`) without making any.

    A group of 100 000 entities has about 200 000 warnings; the overview counts them and the
    warnings page shows a hundred.
    """

    __slots__ = ("_found", "_groups", "_made")

    def __init__(self, warnings: Sequence[RiskWarning]) -> None:
        self._found = warnings if isinstance(warnings, Findings) else Findings.made(warnings)
        self._made: dict[int, WarningRow] = {}
        self._groups: Groups | None = None

    def __len__(self) -> int:
        return len(self._found)

    def __getitem__(self, i: int) -> WarningRow:  # type: ignore[override]  # one row: the pages page by groups
        row = self._made.get(i)
        if row is None:
            row = self._made[i] = WarningRow.of(self._found[i])
        return row

    def __iter__(self) -> Iterator[WarningRow]:
        return (self[i] for i in range(len(self)))

    def column(self, name: str) -> npt.NDArray[np.object_]:
        """A column of the warnings (:data:`~guozi.analyses.warnings.findings.COLUMNS`), in their order."""
        return self._found.column(name)

    def groups(self) -> Groups:
        """The warnings about one entity, period and indicator together, most serious first, as
        :func:`~guozi.analyses.warnings.same_fact` groups them (worked out once)."""
        if self._groups is None:
            order, bounds = self._found.same_fact()
            sizes = np.diff(bounds)
            group = np.empty(len(order), dtype=np.intp)
            group[order] = np.repeat(np.arange(len(sizes)), sizes)
            self._groups = Groups(order, bounds, self._found.leads(), group)
        return self._groups


class Groups:
    """Warnings grouped by entity, period and indicator: group ``g`` holds the warnings
    ``order[bounds[g]:bounds[g + 1]]``, led by ``leads[g]``; ``group[k]`` is warning ``k``'s group."""

    __slots__ = ("bounds", "group", "leads", "order")

    def __init__(
        self,
        order: npt.NDArray[np.intp],
        bounds: npt.NDArray[np.intp],
        leads: npt.NDArray[np.intp],
        group: npt.NDArray[np.intp],
    ) -> None:
        self.order, self.bounds, self.leads, self.group = order, bounds, leads, group

    def __len__(self) -> int:
        return len(self.leads)

    def members(self, g: int) -> list[int]:
        """The warnings of group ``g``, most serious first."""
        members: list[int] = self.order[self.bounds[g] : self.bounds[g + 1]].tolist()
        return members


def tally(values: npt.NDArray[np.object_]) -> dict[str, int]:
    """How many of ``values`` hold each value, in the order each first appears."""
    codes, uniques = pd.factorize(values)
    return {str(u): int(n) for u, n in zip(uniques, np.bincount(codes, minlength=len(uniques)), strict=True)}


class Made(dict[str, Any]):
    """A cached result whose costly parts are made when first read: ``made[key]`` calls
    ``makers[key]()`` once and keeps its value (the loss-makers' 30 000 rows of a large group in the
    language a page asks for, not in both up front). ``get`` and ``in`` see only what is made."""

    __slots__ = ("_makers",)

    def __init__(self, made: dict[str, Any], makers: Mapping[str, Callable[[], Any]]) -> None:
        super().__init__(made)
        self._makers = makers

    def __missing__(self, key: str) -> Any:
        if key not in self._makers:
            raise KeyError(key)
        value = self[key] = self._makers[key]()
        return value


def clean_rows(make: Callable[[Any, str], list[dict[str, Any]]], report: Any, lang: str) -> list[dict[str, Any]]:
    """``make(report, lang)``'s rows, each :func:`clean`."""
    return [clean(r) for r in make(report, lang)]
