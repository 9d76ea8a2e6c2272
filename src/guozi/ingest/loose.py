"""Numbers as people type them in Chinese forms: 「７８０」 in full-width digits, a negative as
``(3.5)`` or ``（3.5）`` the way accountants write it. Such a cell is read as the number it means,
with a 提示 (notice) problem ``value.loose_number`` naming what was read, so the filer sees it:
:func:`loose_notice` words it, for the xlsx form's reader and the browser form alike.

Anything else that is not a decimal number stays refused by the contract (``value.not_numeric``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from guozi.kernel.errors import Problem
from guozi.kernel.text import Text
from guozi.kernel.units import GROUPED, NUMBER

if TYPE_CHECKING:
    from guozi.ingest.rules.model import RuleSet

__all__ = ["LOOSE_RULE", "loose_notice", "loose_number"]

LOOSE_RULE = "value.loose_number"  # rules/validation.yaml: a 提示 of kind "reading"

_NUMBER = re.compile(NUMBER, re.ASCII)
_GROUPED = re.compile(GROUPED, re.ASCII)
# full-width digits, point, comma, signs, brackets and space (U+FF10…, U+3000) to their ASCII forms
_ASCII = str.maketrans("０１２３４５６７８９．，－＋（）　", "0123456789.,-+() ")
_BRACKETED = re.compile(r"^\(\s*(.*?)\s*\)$")


def _plain(text: str) -> str | None:
    """``text`` as a plain decimal (thousands separators dropped), or ``None``."""
    if _NUMBER.match(text):
        return text
    if _GROUPED.match(text):
        return text.replace(",", "")
    return None


def loose_number(text: str) -> str | None:
    """The plain decimal a loosely written number means, or ``None`` when ``text`` is already a plain
    number (nothing to say) or is no number at all (the contract refuses it).

    >>> loose_number("(3.5)"), loose_number("７８０"), loose_number("（１，２００）"), loose_number("3.5")
    ('-3.5', '780', '-1200', None)
    """
    stripped = text.strip()
    if _plain(stripped) is not None:
        return None
    ascii_text = stripped.translate(_ASCII).strip()
    bracketed = _BRACKETED.match(ascii_text)
    inner = bracketed.group(1) if bracketed else ascii_text
    number = _plain(inner)
    if number is None:
        return None
    if bracketed:
        if number[0] in "+-":  # (−3.5) is ambiguous: refused
            return None
        number = "-" + number
    return number


def loose_notice(
    rules: RuleSet,
    text: str,
    read: str,
    *,
    entity: str,
    period: str,
    item: str,
    file: str = "",
    sheet: str = "",
    row: int | None = None,
    column: str = "",
) -> Problem:
    """The 提示 that ``text`` (``(3.5)``, 「７８０」) was read as the number ``read``, naming entity,
    period and item, and the cell when there is one (the xlsx form's; the browser form has none)."""
    found = text.strip()
    fields = {"entity": entity, "period": period, "item": item, "found": found, "detail": read}
    return rules.problem(
        LOOSE_RULE,
        fields,
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        expected=Text("十进制数", "a decimal number"),
        found=found,
        entity=entity,
        period=period,
        item=item,
    )
