"""The cells of a contract file as the checks read them, and the problems that name them."""

from __future__ import annotations

from guozi.ingest.readers import RawTable
from guozi.kernel.errors import Problem, worded
from guozi.kernel.periods import RANGE_TEXT, Period
from guozi.kernel.text import Text

PERIOD_EXPECTED = f"YYYY-MM, {RANGE_TEXT}"  # what a period cell should hold, as problems say
# what a cell should hold, as problems say it in each language
A_DECIMAL = Text("十进制数", "a decimal number")
AN_ENTITY_ID = Text("企业代码", "an entity_id")
A_KNOWN_ENTITY = Text("企业名录中的企业代码", "an entity_id of the entities")


def cell_texts(raw: RawTable, column: str) -> list[str]:
    """The cells of ``column``, trimmed; empty ones for a column the file does not have."""
    if column not in raw.table.column_names:
        return [""] * raw.table.num_rows
    return [v.strip() for v in raw.table.column(column).to_pylist()]


def problem_at(
    raw: RawTable,
    row: int | None,
    column: str,
    rule: str,
    zh: str,
    en: str,
    expected: str | Text = "",
    found: str | Text = "",
) -> Problem:
    """The problem ``rule`` at a cell of ``raw`` (``expected``/``found`` as :func:`guozi.kernel.errors.worded`)."""
    return Problem(rule, zh, en, file=raw.name, sheet=raw.sheet, row=row, column=column, **worded(expected, found))


def is_period(text: str) -> bool:
    """Whether ``text`` is a period (YYYY-MM) within the range."""
    try:
        Period.parse(text)
    except ValueError:
        return False
    return True


def short(text: str, limit: int = 120) -> str:
    """A cell's text as messages quote it: an enormous cell is cut short."""
    return text if len(text) <= limit else text[:limit] + f"…（{len(text)}）"
