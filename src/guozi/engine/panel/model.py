"""What a panel is: its scope (which rows), its basis, and the computed long frame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import pyarrow as pa

from guozi.kernel.periods import Period

# "consolidated" (计算合并) is computed by guozi.engine.consolidate over the reported view, not by compute_panels
View = Literal["reported", "children", "leaves", "level", "consolidated"]
Basis = Literal["ytd", "month"]
PriorBasis = Literal["reported", "same_basis"]
VIEWS: tuple[View, ...] = ("reported", "children", "leaves", "level")


@dataclass(frozen=True)
class Scope:
    """Which rows a panel has.

    ``reported``: each entity's own (合并 for a parent) figures; ``children``: the sum of each
    node's direct subsidiaries (节点汇总); ``leaves``: the sum of the leaves below it (完全汇总);
    ``level``: the entities at ``level`` of the tree summed, grouped by the entity column ``by``
    (or all together). ``entity`` restricts the panel to that node (or, for ``level``, to its
    subtree).

    ``same_basis`` (同口径): the prior-year value of a group is the sum over the *current*
    period's members of their figures a year before, so that a disposed entity drops out of the
    prior sum, an acquired one counts with its own prior-year figures, and a transferred one
    follows its current parent. Without it (报告口径) the prior-year value is the group as it was
    reported then (the prior period's tree). In the ``reported`` view a row is one entity's own
    figures, so both bases give the same prior value for every entity in the tree in both
    years; an entity that joined the tree since has a prior value only on the same basis.
    """

    view: View = "reported"
    entity: str | None = None
    level: int = 1
    by: str | None = None
    same_basis: bool = False

    @property
    def prior_basis(self) -> PriorBasis:
        """The basis of the prior-year values: ``"same_basis"`` (同口径) or ``"reported"`` (报告口径)."""
        return "same_basis" if self.same_basis else "reported"


class _LazyFrame:
    """The ``frame`` field of :class:`Panel`: a frame given, or one made on first read by a
    :class:`Deferred` (so a panel whose frame no one reads never makes its Python objects)."""

    slot = "_frame"

    def __get__(self, panel: Panel | None, owner: type | None = None) -> pd.DataFrame:
        if panel is None:
            raise AttributeError(self.slot)  # the field has no default
        value = panel.__dict__[self.slot]
        if isinstance(value, Deferred):
            value = panel.__dict__[self.slot] = value.make()
        frame: pd.DataFrame = value
        return frame

    def __set__(self, panel: Panel, value: pd.DataFrame | Deferred) -> None:
        panel.__dict__[self.slot] = value


@dataclass(frozen=True)
class Deferred:
    """How to make a panel's frame from its columnar result, when it is first read."""

    make: Callable[[], pd.DataFrame]
    columns: pa.Table  # the query's result: one row per key and period, typed columns per indicator


@dataclass(frozen=True)
class Panel:
    """The computed panel in long form (contract §4) with prior-year values.

    ``frame`` columns: ``entity_id`` (or group key), ``period``, ``indicator``, ``value``,
    ``unit``, ``note_zh``, ``note_en``, ``prior_value``, ``change``, ``growth``, ``name``,
    ``view``, ``members``, ``prior_basis`` (``"reported"`` 报告口径 or ``"same_basis"`` 同口径: which
    tree the prior value's group follows, see :class:`Scope`). Amounts (元, 人) are :class:`~decimal.Decimal`, exact; ratios are
    ``float``; a value that cannot be computed is ``None`` with a note saying why.
    """

    frame: pd.DataFrame
    periods: tuple[Period, ...]
    indicators: tuple[str, ...]
    scope: Scope
    basis: Basis
    extra: dict[str, Any] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its frame made (a :class:`Deferred` holds a function)."""
        return {**self.__dict__, "_frame": self.frame}

    @property
    def columns(self) -> pa.Table | None:
        """The columnar result the frame is made from (``v__{indicator}`` and ``p__{indicator}`` per
        key and period, amounts as Arrow decimals), while the frame is not made yet; else ``None``."""
        kept = self.__dict__.get("_frame")
        return kept.columns if isinstance(kept, Deferred) else None

    def value(self, key: str, period: Period | str, indicator: str) -> Any:
        """One value (``None`` when empty); raise :class:`KeyError` if there is no such row."""
        f = self.frame
        row = f[(f.entity_id == key) & (f.period == str(period)) & (f.indicator == indicator)]
        if row.empty:
            raise KeyError((key, str(period), indicator))
        return row.iloc[0].value

    def row(self, key: str, period: Period | str, indicator: str) -> pd.Series:
        """The whole row of one value."""
        f = self.frame
        row = f[(f.entity_id == key) & (f.period == str(period)) & (f.indicator == indicator)]
        if row.empty:
            raise KeyError((key, str(period), indicator))
        return row.iloc[0]


setattr(Panel, "frame", _LazyFrame())  # noqa: B010 - mypy takes the field for a frame; after the dataclass is made: its __init__ sets the field through it
