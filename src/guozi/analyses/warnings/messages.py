"""The figures inside a warning's sentence: money in 万元 or million yuan, ratios to 2 decimals."""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from guozi.kernel.money import format_money
from guozi.kernel.text import pick

Fig = tuple[Any, str]  # (value, how to show it: a unit, "pp", "pct", "int", "text", "texts", "series")
_FEN = Decimal("0.01")


def _round2(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(_FEN, ROUND_HALF_UP)


def show(value: Any, unit: str, lang: str) -> str:
    """A figure for a sentence: money in 万元 (zh) or million yuan (en), ratios to 2 decimals."""
    if value is None:
        return "—"
    if unit == "texts":
        return str(pick(lang, value[0], value[1]))
    if unit == "series":  # (the values' unit, ((period, value), …)): "2024-12 1.00%；2025-12 2.00%"
        inner, points = value
        return pick(lang, "；", "; ").join(f"{p} {show(v, inner, lang)}" for p, v in points)
    if unit in ("text", "int"):
        return str(value)
    if unit == "元":
        d = Decimal(value)
        return pick(lang, format_money(d, "万元", lang, gap=""), format_money(d, "百万元", lang))
    if unit in ("%", "pct"):
        return f"{_round2(value)}%"
    if unit == "pp":
        return pick(lang, f"{_round2(value)}个百分点", f"{_round2(value)} pp")
    if unit == "倍":
        return pick(lang, f"{_round2(value)}倍", f"{_round2(value)}x")
    if unit == "人":
        return pick(lang, f"{Decimal(value):,.0f}人", f"{Decimal(value):,.0f} persons")
    return pick(lang, f"{_round2(value):,}{unit}", f"{_round2(value):,} {unit}")


def render(template: str, figures: Mapping[str, Fig], lang: str) -> str:
    """Fill a message template (plain ``{name}`` placeholders only) with shown figures."""
    out: list[str] = []
    for literal, name in _parsed(template):
        out.append(literal)
        if name is not None:
            fig = figures.get(name)
            out.append("—" if fig is None else show(fig[0], fig[1], lang))
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _parsed(template: str) -> tuple[tuple[str, str | None], ...]:
    """A template's (literal text, placeholder) pieces, parsed once."""
    return tuple((literal, name) for literal, name, _, _ in string.Formatter().parse(template))


def machine_figures(figures: Mapping[str, Fig]) -> dict[str, Any]:
    """The figures of a message as machine values: numbers, and codes for translated texts."""
    out: dict[str, Any] = {}
    for k, (v, unit) in figures.items():
        if unit == "texts":
            if len(v) > 2:
                out[k] = v[2]
        elif unit == "series":  # the values by period
            out[k] = dict(v[1])
        elif unit != "text":
            out[k] = v
    return out
