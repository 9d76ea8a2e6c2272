"""The report's words: numbers in the register of 经济运行分析报告, and its sentences in Chinese and English.

Number rules (Chinese): money in 亿元 when its magnitude is at least 1 亿, else in 万元, two
decimals, digits grouped by threes with a thin space (GB/T 15835: "1 234.56亿元"); growth of an
amount to one decimal with 增长/下降 (or 增亏/减亏, 扭亏为盈, 由盈转亏 where a sign changes, since a
percentage of a negative base says nothing); changes of ratios in 百分点, two decimals. English:
billion yuan from 1 billion up, else million yuan; "up 5.6%", "down 0.35 percentage points".
A missing figure is written as "（缺数：…）" naming what is missing, never as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from guozi.kernel.money import UNITS, MoneyUnit, exact_decimal, half_up, points, to_unit
from guozi.kernel.periods import Period
from guozi.kernel.text import is_zh, pick
from guozi.report.model import Fig

THIN = "\u202f"  # narrow no-break space: GB/T 15835's digit group gap, never a line break
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def dec(value: Any) -> Decimal | None:
    """``value`` as a Decimal (floats by their shortest repr); None stays None."""
    return exact_decimal(value)


def rounded(value: Any, decimals: int) -> Decimal:
    """``value`` rounded half up (四舍五入, the one rounding of every figure shown) to ``decimals`` places."""
    return half_up(value, decimals)


def number(value: Any, decimals: int, lang: str, *, signed: bool = False) -> str:
    """A number rounded half up, digits grouped (thin space in Chinese, comma in English)."""
    d = rounded(value, decimals)
    if d == 0:
        d = abs(d)  # no "-0.00"
    text = f"{abs(d):,.{decimals}f}"
    if is_zh(lang):
        text = text.replace(",", THIN)
    sign = "-" if d < 0 else ("+" if signed and d > 0 else "")
    return sign + text


Scale = MoneyUnit  # how amounts of one column or sentence are shown: in the unit, by its factor
YI_SCALE = UNITS["亿元"]  # Chinese readers: 亿元 or 万元
WAN_SCALE = UNITS["万元"]
BILLION_SCALE = UNITS["十亿元"]  # English readers: billion or million yuan
MILLION_SCALE = UNITS["百万元"]


def amount_scale(values: Sequence[Any], lang: str) -> Scale:
    """The scale of a set of amounts: 亿元 (billion yuan) when every one of them reaches it, else 万元
    (million yuan); an empty set is shown in 万元."""
    present = [abs(d) for d in (dec(v) for v in values) if d is not None]
    big = pick(lang, YI_SCALE, BILLION_SCALE)
    if present and min(present) >= big.factor:
        return pick(lang, YI_SCALE, BILLION_SCALE)
    return pick(lang, WAN_SCALE, MILLION_SCALE)


def scaled(value: Any, scale: Scale, lang: str, *, signed: bool = False) -> str:
    """An amount divided by the scale, two decimals, without the unit."""
    d = dec(value)
    if d is None:
        return "—"
    return number(to_unit(d, scale.code), 2, lang, signed=signed)


def amount(value: Any, lang: str) -> str:
    """Money in a sentence: "1 234.56亿元", "56.78万元"; "12.35 billion yuan", "5.68 million yuan"."""
    d = dec(value)
    if d is None:
        return "—"
    scale = amount_scale([d], lang)
    sep = pick(lang, "", " ")
    return f"{scaled(d, scale, lang)}{sep}{scale.name(lang)}"


def persons(value: Any, lang: str) -> str:
    """A head count: "12 345人" / "12,345 persons"."""
    return pick(lang, f"{number(value, 0, lang)}人", f"{number(value, 0, lang)} persons")


def ratio(value: Any, lang: str) -> str:
    """A percentage value: "64.12%"."""
    return f"{number(value, 2, lang)}%"


def per_person(value: Any, lang: str) -> str:
    """万元/人: "80.62万元/人" / "806.21 thousand yuan per person"."""
    d = dec(value)
    if d is None:
        return "—"
    return pick(lang, f"{number(d, 2, lang)}万元/人", f"{number(d * 10, 2, lang)} thousand yuan per person")


def times(value: Any, lang: str) -> str:
    """A multiple: "3.21倍" / "3.21 times"."""
    return pick(lang, f"{number(value, 2, lang)}倍", f"{number(value, 2, lang)} times")


def shown(value: Any, unit: str, lang: str) -> str:
    """A value in a sentence by its unit (元, %, 万元/人, 人, 倍, pp, growth)."""
    if dec(value) is None:
        return "—"
    if unit == "元":
        return amount(value, lang)
    if unit == "%":
        return ratio(value, lang)
    if unit == "万元/人":
        return per_person(value, lang)
    if unit == "人":
        return persons(value, lang)
    if unit == "倍":
        return times(value, lang)
    if unit == "pp":  # a change never shown as +0.00 beside 实现提升: the digits that decide it
        text = points(value, group=pick(lang, THIN, ","))
        return pick(lang, f"{text}个百分点", f"{text} pp")
    if unit == "growth":
        return f"{number(value, 1, lang, signed=True)}%"
    if unit == "count":
        return number(value, 0, lang)
    return pick(lang, f"{number(value, 2, lang)}{unit}", f"{number(value, 2, lang)} {unit}")


def missing(note_zh: str, note_en: str, lang: str) -> str:
    """ "（缺数：…）" naming what is missing (the panel's note without its "缺少：" prefix)."""
    if is_zh(lang):
        what = note_zh.removeprefix("缺少：").strip() or "无数据"
        return f"（缺数：{what}）"
    what = note_en.removeprefix("missing: ").strip() or "no data"
    return f"(missing: {what})"


def fig_text(fig: Fig, lang: str) -> str:
    """A figure's value as a sentence shows it, or what is missing."""
    if fig.value is None:
        return missing(fig.note_zh, fig.note_en, lang)
    return shown(fig.value, fig.unit, lang)


def _flat_growth(growth: Any) -> bool:
    return rounded(growth, 1) == 0


def change_phrase(value: Fig, lang: str, *, short: bool = False) -> str:
    """The year-on-year change of ``value`` (a figure with its prior value, change and growth).

    Amounts and per-person figures: growth to one decimal (增长/下降), or the change itself where
    either year is not positive; ratios (%): the change in percentage points. ``short`` leaves out
    同比 / year on year.
    """
    zh = is_zh(lang)
    yoy = "" if short else pick(lang, "同比", "")
    tail = "" if short or zh else " year on year"
    if value.value is None:
        return ""
    prior = dec(value.prior)
    if prior is None:
        return pick(lang, "上年同期无数据", "no prior-year figure")
    cur = dec(value.value)
    assert cur is not None
    change = cur - prior
    if value.unit == "%":
        return _points_phrase(change, lang, yoy, tail)
    if value.unit == "元" and (prior <= 0 or cur < 0):
        return _loss_phrase(cur, prior, lang, yoy, tail)
    if prior == 0:
        return pick(lang, f"{yoy}上年同期为零", "zero a year earlier")
    growth = float(change / abs(prior) * 100)
    if _flat_growth(growth):
        return pick(lang, f"{yoy}持平", f"flat{tail}")
    g = number(abs(growth), 1, lang)
    if zh:
        return f"{yoy}{'增长' if growth > 0 else '下降'}{g}%"
    return f"{'up' if growth > 0 else 'down'} {g}%{tail}"


def _points_phrase(change: Decimal, lang: str, yoy: str, tail: str) -> str:
    """The change of a ratio in percentage points."""
    c = rounded(change, 2)
    if c == 0:
        return pick(lang, f"{yoy}持平", f"flat{tail}")
    pp = number(abs(change), 2, lang)
    if is_zh(lang):
        return f"{yoy}{'上升' if c > 0 else '下降'}{pp}个百分点"
    return f"{'up' if c > 0 else 'down'} {pp} percentage points{tail}"


def _loss_phrase(cur: Decimal, prior: Decimal, lang: str, yoy: str, tail: str) -> str:
    """The change of an amount where either year is not positive: the change itself, and whether
    it swung to a loss (由盈转亏), turned around (扭亏为盈), or a loss narrowed or widened."""
    change = cur - prior
    amt = amount(abs(change), lang)
    if is_zh(lang):
        if cur < 0 <= prior:
            return f"{yoy}由盈转亏，减少{amt}"
        if prior < 0 <= cur:
            return f"{yoy}扭亏为盈，增加{amt}"
        if cur < 0 and prior < 0:
            return f"{yoy}{'减亏' if change > 0 else '增亏'}{amt}" if change != 0 else f"{yoy}持平"
        return f"{yoy}{'增加' if change > 0 else '减少'}{amt}" if change != 0 else f"{yoy}持平"
    if cur < 0 <= prior:
        return f"swung to a loss, down {amt}{tail}"
    if prior < 0 <= cur:
        return f"turned from a loss to a profit, up {amt}{tail}"
    if cur < 0 and prior < 0:
        if change == 0:
            return f"flat{tail}"
        return f"loss {'narrowed' if change > 0 else 'widened'} by {amt}{tail}"
    return f"{'up' if change > 0 else 'down'} {amt}{tail}" if change != 0 else f"flat{tail}"


def value_with_change(fig: Fig, lang: str, *, short: bool = False) -> str:
    """ "1 234.56亿元，同比增长5.6%" / "12.35 billion yuan, up 5.6% year on year"."""
    if fig.value is None:
        return fig_text(fig, lang)
    ch = change_phrase(fig, lang, short=short)
    sep = pick(lang, "，", ", ")
    return fig_text(fig, lang) + (sep + ch if ch else "")


def span(period: Period, lang: str) -> str:
    """The months a year-to-date figure covers: "1—6月" / "January–June 2025"."""
    if is_zh(lang):
        return f"{period.year}年{period.month}月" if period.month == 1 else f"{period.year}年1—{period.month}月"
    if period.month == 1:
        return f"January {period.year}"
    return f"January–{MONTHS_EN[period.month - 1]} {period.year}"


def month_end(period: Period, lang: str) -> str:
    """ "6月末" / "the end of June 2025"."""
    return pick(lang, f"{period.month}月末", f"the end of {MONTHS_EN[period.month - 1]} {period.year}")


def month_only(period: Period, lang: str) -> str:
    """ "6月当月" / "June alone"."""
    return pick(lang, f"{period.month}月当月", f"{MONTHS_EN[period.month - 1]} alone")


def lc(name: str) -> str:
    """An English name inside a sentence: "Total profit" → "total profit", "R&D intensity" kept."""
    first = name.split(" ", maxsplit=1)[0]
    if sum(ch.isupper() for ch in first) > 1:  # an acronym such as R&D, EVA
        return name
    return name[:1].lower() + name[1:]


def join(parts: Sequence[str], lang: str) -> str:
    """A list in running text: "甲、乙和丙" / "a, b and c"."""
    items = [p for p in parts if p]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if is_zh(lang):
        return "、".join(items[:-1]) + "和" + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


# sentences ---------------------------------------------------------------------------------------


def headline(
    subject: tuple[str, str], period: Period, flows: Sequence[Fig], names: Sequence[tuple[str, str]], lang: str
) -> str:
    """ "1—6月，集团实现营业收入1 234.56亿元，同比增长5.6%；利润总额98.76亿元，同比下降2.1%……"."""
    zh = is_zh(lang)
    parts = []
    for i, (fig, name) in enumerate(zip(flows, names, strict=True)):
        if zh:
            parts.append(
                f"{'实现' if i == 0 else ''}{name[0]}{value_with_change(fig, lang, short=i > 0 and lang == 'en')}"
            )
        else:
            of = " of" if i == 0 else ""
            parts.append(f"{lc(name[1])}{of} {value_with_change(fig, lang, short=i > 0 and lang == 'en')}")
    if not parts:
        return ""
    if zh:
        return f"{span(period, lang)}，{subject[0]}" + "；".join(parts) + "。"
    return f"In {span(period, lang)}, {subject[1]} reported " + "; ".join(parts) + "."


def _named_values(figs: Sequence[Fig], names: Sequence[tuple[str, str]], lang: str) -> list[str]:
    """Each figure after its name with its change: "资产总额2 345.67亿元，同比增长3.2%" (later ones short in English)."""
    return [
        pick(lang, name[0], lc(name[1]) + " ") + value_with_change(fig, lang, short=i > 0 and not is_zh(lang))
        for i, (fig, name) in enumerate(zip(figs, names, strict=True))
    ]


def _listed(head_zh: str, head_en: str, parts: Sequence[str], lang: str) -> str:
    """A sentence of ``parts`` after its head: 「head甲；乙。」 / "head a; b."; nothing without parts."""
    if not parts:
        return ""
    return pick(lang, head_zh + "；".join(parts) + "。", head_en + "; ".join(parts) + ".")


def balances(period: Period, figs: Sequence[Fig], names: Sequence[tuple[str, str]], lang: str) -> str:
    """ "6月末，资产总额2 345.67亿元，同比增长3.2%；资产负债率64.12%，同比下降0.35个百分点。"."""
    end = month_end(period, lang)
    return _listed(f"{end}，", f"At {end}: ", _named_values(figs, names, lang), lang)


def single_month(period: Period, figs: Sequence[Fig], names: Sequence[tuple[str, str]], lang: str) -> str:
    """ "其中，6月当月实现营业收入…，同比…；利润总额…。"."""
    month = month_only(period, lang)
    return _listed(f"其中，{month}实现", f"In {month}: ", _named_values(figs, names, lang), lang)


def contributor(name: str, change: Fig, lang: str) -> str:
    """ "华夏电力（增加1.23亿元）" / "Huaxia Power (+0.12 billion yuan)"."""
    c = dec(change.value)
    if c is None:
        return f"{name}{missing(change.note_zh, change.note_en, lang)}"
    amt = amount(abs(c), lang)
    if is_zh(lang):
        return f"{name}（{'增加' if c >= 0 else '减少'}{amt}）"
    return f"{name} ({'+' if c >= 0 else '−'}{amt})"


def count(n: int, lang: str, unit_zh: str = "户") -> str:
    """ "12户" / "12"."""
    return pick(lang, f"{n}{unit_zh}", str(n))


CN_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五")


def ordinal_zh(n: int) -> str:
    """一, 二, … for section numbers and tree levels (the number itself past 15)."""
    return CN_NUMERALS[n - 1] if 1 <= n <= len(CN_NUMERALS) else str(n)


def section_heading(number_: int, title: str, lang: str) -> str:
    """ "一、总体情况" / "1. Overview"."""
    return pick(lang, f"{ordinal_zh(number_)}、{title}", f"{number_}. {title}")
