"""The figures inside a warning's sentence: money in 万元 or million yuan, ratios to 2 decimals."""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from guozi.analyses.warnings.rules import RULES_FILE
from guozi.catalog.files import data_path, read_yaml
from guozi.kernel.money import figure, format_money, half_up
from guozi.kernel.text import is_zh, pick

Fig = tuple[Any, str]  # (value, how to show it: a unit, "pp", "pct", "int", "text", "texts", "series")


def _round2(value: Any) -> Decimal:
    return half_up(value, 2)


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
        return pick(lang, f"{figure(value, 0)}人", f"{figure(value, 0)} persons")
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


def joined(sentences: Sequence[str], lang: str) -> str:
    """Several findings about one figure as one sentence, the first (the most serious) whole and
    each other as a clause: an opening that states a figure already stated by a sentence before it
    (「资产负债率72.00%，」, "debt ratio 72.00% ") is said once. ``["资产负债率72.00%，超过重点监管线
    70.00%", "资产负债率72.00%，且较年初上升2.00个百分点"]`` → 「资产负债率72.00%，超过重点监管线70.00%；
    且较年初上升2.00个百分点」; in English the clause reads "…; it is above …"."""
    seen: list[str] = []
    out: list[str] = []
    for s in sentences:
        if s in seen:
            continue
        rest = s[max((_shared_opening(s, before, lang) for before in seen), default=0) :]
        if not is_zh(lang) and rest != s:
            rest = f"it {rest}" if rest.startswith("is ") else s
        seen.append(s)
        if rest and rest not in out:
            out.append(rest)
    return pick(lang, "；", "; ").join(out)


def _shared_opening(sentence: str, before: str, lang: str) -> int:
    """How many characters of ``sentence``'s opening it shares with ``before``: through the first
    figure they share and the clause break after it (「，」 in Chinese, a space in English); none when
    they share no figure."""
    n = 0
    for a, b in zip(sentence, before, strict=False):
        if a != b:
            break
        n += 1
    shared = sentence[:n]
    digits = [i for i, ch in enumerate(shared) if ch.isdigit()]
    if not digits:
        return 0
    sep = pick(lang, "，", " ")
    cut = shared.find(sep, digits[0])
    return 0 if cut < 0 else cut + len(sep)


def source_text(source: str, lang: str) -> str:
    """A warning's source in ``lang``: in Chinese each of its parts (the rule's, then a debt line's,
    joined by "; ") by the shipped rules file's ``source_zh`` and ``sources_zh``, found by the text
    as written (a user's rule, or a changed source, shows as written: never a stale translation)."""
    if not is_zh(lang):
        return source
    table = _sources_zh()
    if source in table:
        return table[source]
    parts = source.split("; ")  # the rule's source (which may hold "; " itself), then the line's
    for i in range(len(parts) - 1, 0, -1):
        head, tail = "; ".join(parts[:i]), "; ".join(parts[i:])
        if head in table:
            return f"{table[head]}；{table.get(tail, tail)}"
    return source


@functools.cache
def _sources_zh() -> dict[str, str]:
    doc = read_yaml(data_path(RULES_FILE))
    table = {str(k): str(v) for k, v in (doc.get("sources_zh") or {}).items()}
    for r in doc.get("rules") or []:
        if r.get("source") and r.get("source_zh"):
            table[str(r["source"])] = str(r["source_zh"])
    return table
