"""The body stays a leadership report: a table longer than the layout's ``body_table_rows`` shows
its first rows (or, for a table of months, its latest ones) and says how many more there are,
and the whole table moves to the 附表, which is written as its own Excel workbook."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from guozi.report.model import Block, Section, Table, Text


def trimmed(table: Table, rows: int, latest: bool) -> Table:
    """``table`` cut to ``rows`` rows with a note saying how many more are in the 附表."""
    more = len(table.rows) - rows
    kept = table.rows[-rows:] if latest else table.rows[:rows]
    note = (
        Text(
            f"列示最近{rows}期，全部{len(table.rows)}期见附表。",
            f"The latest {rows} of {len(table.rows)} rows; all in the appendix.",
        )
        if latest
        else Text(f"列示前{rows}行，另有{more}行见附表。", f"The first {rows} rows; {more} more in the appendix.")
    )
    return replace(table, rows=kept, notes=(*table.notes, note))


def to_annex(sections: list[Section], annex: Section, layout: dict[str, Any]) -> tuple[list[Section], Section]:
    """The body's sections with their long tables trimmed, and the 附表 with those tables in full
    after its own."""
    limit = int(layout["body_table_rows"])
    latest = set(layout.get("body_tables_latest", ()))
    moved: list[Block] = []
    out: list[Section] = []
    for s in sections:
        blocks: list[Block] = []
        for b in s.blocks:
            if isinstance(b, Table) and len(b.rows) > limit:
                blocks.append(trimmed(b, limit, b.key in latest))
                moved.append(b)
            else:
                blocks.append(b)
        out.append(replace(s, blocks=tuple(blocks)))
    return out, replace(annex, blocks=(*annex.blocks, *moved))
