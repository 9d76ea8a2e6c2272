"""Numbers as people type them in Chinese forms: 「７８０」 in full-width digits, a negative as
``(3.5)`` or ``（3.5）`` the way accountants write it. Such a cell is read as the number it means,
with a 提示 (notice) problem ``value.loose_number`` naming what was read, so the filer sees it.

Anything else that is not a decimal number stays refused by the contract (``value.not_numeric``).
"""

from __future__ import annotations

import re

from guozi.kernel.units import GROUPED, NUMBER

__all__ = ["loose_number"]

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
