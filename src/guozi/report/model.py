"""The report's content as plain data: texts in both languages, figures that name their source,
tables, paragraphs, charts and sections.

Every number of the report is a :class:`Fig` that names where it comes from (the panel's
entity, period, indicator, basis and field; or the targets, verdict, losses, warnings, EVA or
debt-line module), so a test can compare it with its source and every renderer (HTML, PDF,
Word, Excel) shows the same structure. :mod:`guozi.report.build` fills it in; the renderers read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from guozi.kernel.periods import Period
from guozi.kernel.text import pick

Number = Decimal | float | int


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return pick(lang, self.zh, self.en)


@dataclass(frozen=True)
class Fig:
    """One number of the report and where it comes from.

    ``unit``: 元, %, 万元/人, 人, 倍 (an indicator's unit), ``pp`` (a change of a ratio in
    percentage points), ``growth`` (percent), ``pct`` (a rate such as completion, percent) or
    ``count``. ``source``: ``panel`` (then ``entity``, ``period``, ``indicator``, ``basis`` and
    ``measure`` — value, prior_value, change or growth — locate it in :meth:`~guozi.analyses.source.Source.indicators`),
    ``targets``, ``verdict``, ``losses``, ``warnings``, ``eva``, ``debt_lines`` or ``derived``
    (computed here from other figures; ``measure`` names how). ``prior`` is the prior-year value
    of a panel value (for change phrases). A value of None is missing; ``note_zh``/``note_en``
    say what is missing (empty when the figure does not apply).
    """

    value: Number | None
    unit: str
    source: str
    entity: str = ""
    period: str = ""
    indicator: str = ""
    measure: str = "value"
    basis: str = "ytd"
    prior: Number | None = None
    note_zh: str = ""
    note_en: str = ""

    @property
    def missing(self) -> bool:
        """No value, for a reason the note gives."""
        return self.value is None and bool(self.note_zh or self.note_en)


Cell = Fig | Text | str | int | None


@dataclass(frozen=True)
class Col:
    """A table column. ``kind``: text, amount (scaled per column), value (each cell by its
    unit), ratio, number (two decimals), pp, growth, pct, count."""

    key: str
    zh: str
    en: str
    kind: str = "text"
    unit: str = ""  # shown in the heading, e.g. "%", "万元/人"

    def heading(self, lang: str) -> str:
        """The heading in ``lang``."""
        return pick(lang, self.zh, self.en)


@dataclass(frozen=True)
class Table:
    """A table: columns, rows of cells, and notes under it (what is missing, where from)."""

    key: str
    title: Text
    columns: tuple[Col, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[Text, ...] = ()

    def column(self, key: str) -> int:
        """The position of the column ``key``."""
        return [c.key for c in self.columns].index(key)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph in both languages and the figures it quotes."""

    text: Text
    figs: tuple[Fig, ...] = ()
    kind: str = "text"  # text | note


@dataclass(frozen=True)
class Chart:
    """A chart as data (see :mod:`guozi.report.charts` for each ``kind``'s ``data``)."""

    key: str
    title: Text
    kind: str  # waterfall | trend | levels
    data: Mapping[str, Any]


Block = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    """A numbered section of the report."""

    key: str
    number: int
    title: Text
    blocks: tuple[Block, ...]

    def tables(self) -> list[Table]:
        """The section's tables."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def paragraphs(self) -> list[Paragraph]:
        """The section's paragraphs."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def charts(self) -> list[Chart]:
        """The section's charts."""
        return [b for b in self.blocks if isinstance(b, Chart)]


@dataclass(frozen=True)
class Report:
    """The whole report: its heading, its sections and, for the workbook, the panels in full."""

    entity: str
    name: str
    period: Period
    regime: str
    title: Text
    subtitle: Text
    sections: tuple[Section, ...]
    panels: tuple[tuple[str, Text, pd.DataFrame], ...] = field(default_factory=tuple)
    indicator_names: Mapping[str, Text] = field(default_factory=dict)

    def section(self, key: str) -> Section:
        """The section ``key``."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def figs(self) -> list[Fig]:
        """Every figure the report shows, in paragraphs and tables."""
        out: list[Fig] = []
        for s in self.sections:
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    out.extend(b.figs)
                elif isinstance(b, Table):
                    out.extend(c for row in b.rows for c in row if isinstance(c, Fig))
        return out
