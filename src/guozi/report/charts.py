"""Static charts of the report, drawn offline with matplotlib: SVG for HTML and PDF, PNG for Word.

Text is drawn as paths (``svg.fonttype: path``), so an SVG shows its Chinese labels in any
browser and in WeasyPrint whether or not the reader has a CJK font; the font used to draw them is
found through fontconfig (Debian's fonts-noto-cjk gives "Noto Sans CJK SC").

Chart kinds (``Chart.data``):

- ``waterfall``: ``start`` and ``end`` ({label_zh, label_en, value}), ``steps`` ([{label_zh,
  label_en, delta}]), ``unit`` — the prior total, each contributor's change, the current total;
- ``trend``: ``periods``, ``month``, ``ytd`` and ``prior_ytd`` (a year earlier) values of one flow
  indicator — single months as bars, the year-to-date figures as one line per year, the year before
  the last drawn from ``prior_ytd`` where the months shown do not reach it;
- ``levels``: ``periods``, ``values`` and ``prior`` (a year earlier) of a balance or ratio at each
  month end, the prior year dashed.
Missing values are gaps, never zeros.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure

from guozi.kernel.errors import GuoziError
from guozi.kernel.text import pick
from guozi.report import narrative as nv

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from guozi.report.model import Chart

CANDIDATE_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
UP, DOWN, TOTAL, LINE, PRIOR = "#c0392b", "#2e8b57", "#4a6fa5", "#1f4e79", "#9aa9bd"


def _known(family: str) -> bool:
    try:
        font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    return True


@functools.cache
def cjk_family() -> str:
    """A font family that draws Chinese: fontconfig's choice for zh-cn, else a known CJK family."""
    fc = shutil.which("fc-match")
    fc_family = fc_file = ""
    if fc:
        try:
            out = subprocess.run(
                [fc, "--format=%{family}\n%{file}", ":lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            ).stdout.splitlines()
        except (OSError, subprocess.SubprocessError):
            out = []
        if len(out) >= 2:
            fc_family, fc_file = out[0].split(",")[0].strip(), out[1].strip()
    for family in ([fc_family] if fc_family else []) + list(CANDIDATE_FAMILIES):
        if _known(family) and ("CJK" in family or family in CANDIDATE_FAMILIES):
            return family
    if fc_file and fc_file.lower().endswith((".ttf", ".otf", ".ttc")) and fc_family:
        font_manager.fontManager.addfont(fc_file)
        name = font_manager.FontProperties(fname=fc_file).get_name()
        if _known(name):
            return name
    raise GuoziError(
        "没有找到可显示中文的字体，图表无法绘制；请安装 fonts-noto-cjk（Debian/Ubuntu）或其他中文字体",
        "no font that draws Chinese was found; install fonts-noto-cjk (Debian/Ubuntu) or another CJK font",
    )


def _style() -> dict[str, Any]:
    return {
        "font.family": [cjk_family(), "DejaVu Sans"],
        "font.size": 8,
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "guozi",  # stable ids: the same chart gives the same SVG
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
    }


def _f(value: Any, divisor: Decimal) -> float:
    d = nv.dec(value)
    return float("nan") if d is None else float(d / divisor)


def _divisor(unit: str, values: Sequence[Any], lang: str) -> tuple[Decimal, str]:
    if unit == "元":
        present = [v for v in values if nv.dec(v) is not None]
        scale = nv.amount_scale([max(present, key=lambda v: abs(nv.dec(v) or Decimal(0)))] if present else [], lang)
        return scale.factor, scale.name(lang)
    return Decimal(1), unit


def _label(d: dict[str, Any], lang: str) -> str:
    return str(pick(lang, d["label_zh"], d["label_en"]))


def _wrap(text: str, width: int) -> str:
    """Break a label into lines of at most ``width`` units, a CJK character counting two."""
    lines, line, used = [], "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E80 else 1
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    lines.append(line)
    return "\n".join(lines)


def _waterfall(fig: Figure, chart: Chart, lang: str) -> None:
    data = chart.data
    steps = list(data["steps"])
    values = [data["start"]["value"], data["end"]["value"], *[st["delta"] for st in steps]]
    # the smallest step decides (亿元 only when every figure reaches 1 亿), so no step shows as 0.00
    scale = nv.amount_scale(values, lang) if data["unit"] == "元" else None
    div, unit = (scale.factor, scale.name(lang)) if scale else (Decimal(1), str(data["unit"]))
    ax: Axes = fig.subplots()
    labels = [_label(data["start"], lang), *[_label(s, lang) for s in steps], _label(data["end"], lang)]
    start = _f(data["start"]["value"], div)
    level = start
    bottoms, heights, colours = [0.0], [start], [TOTAL]
    for s in steps:
        delta = _f(s["delta"], div)
        bottoms.append(level if delta >= 0 else level + delta)
        heights.append(abs(delta))
        colours.append(UP if delta >= 0 else DOWN)
        level += delta
    end = _f(data["end"]["value"], div)
    bottoms.append(0.0)
    heights.append(end)
    colours.append(TOTAL)
    x = list(range(len(labels)))
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.6)
    many = len(labels) > 8
    for i, s in enumerate(steps, start=1):
        delta = _f(s["delta"], div)
        ax.annotate(
            nv.number(delta, 2, lang, signed=True),
            (i, bottoms[i] + heights[i]),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6.5,
            rotation=90 if many else 0,  # side by side, a dozen labels overlap
        )
    for i, v in ((0, start), (len(labels) - 1, end)):
        ax.annotate(
            nv.number(v, 2, lang),
            (i, v),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
        )
    ax.set_xticks(
        x,
        [_wrap(t, 24 if many else 14) for t in labels],
        fontsize=6 if many else 7,
        rotation=40 if many else 0,
        ha="right" if many else "center",
        rotation_mode="anchor",
    )
    if many:
        fig.set_size_inches(7.0, 3.8)
    lo, hi = waterfall_range(start, [_f(st["delta"], div) for st in steps])
    ax.set_ylim(lo, hi)
    ax.set_ylabel(unit if lo == 0 else pick(lang, f"{unit}（纵轴未从零起）", f"{unit} (axis not from zero)"))


def waterfall_range(start: float, deltas: Sequence[float]) -> tuple[float, float]:
    """The waterfall's value axis: from near the lowest running total (not from 0, where the
    changes would be slivers on two tall totals) to above the highest, with room for the labels.
    The axis starts at 0 only when the running totals cross it or come within their own spread of it."""
    levels = [start]
    for d in deltas:
        levels.append(levels[-1] + d)
    low, high = min(levels), max(levels)
    spread = high - low if high > low else abs(high) or 1.0
    base = low - 0.6 * spread
    if low <= 0 or base <= 0:
        base = min(0.0, low - 0.05 * spread)
    return base, high + 0.35 * spread


def _trend(fig: Figure, chart: Chart, lang: str) -> None:
    data = chart.data
    periods = [str(p) for p in data["periods"]]
    div, unit = _divisor(str(data["unit"]), [*data["month"], *data["ytd"], *(data.get("prior_ytd") or [])], lang)
    left, right = fig.subplots(1, 2)
    months = [_f(v, div) for v in data["month"]]
    left.bar(range(len(periods)), months, color=[UP if m < 0 else TOTAL for m in months], width=0.7)
    ticks = [i for i, p in enumerate(periods) if p.endswith(("-01", "-04", "-07", "-10"))]
    left.set_xticks(ticks, [periods[i] for i in ticks], fontsize=7, rotation=30)
    left.set_title(pick(lang, "单月", "single month"), fontsize=8)
    left.set_ylabel(unit)
    years: dict[int, list[tuple[int, float]]] = {}
    for p, v in zip(periods, data["ytd"], strict=True):
        years.setdefault(int(p[:4]), []).append((int(p[5:]), _f(v, div)))
    last = max(years) if years else 0
    shown = {m for m, _ in years.get(last - 1, [])}
    for p, v in zip(periods, data.get("prior_ytd") or [None] * len(periods), strict=True):
        if p.startswith(str(last)) and int(p[5:]) not in shown and nv.dec(v) is not None:
            years.setdefault(last - 1, []).append((int(p[5:]), _f(v, div)))
    for pts in years.values():
        pts.sort()
    for year, pts in sorted(years.items()):
        right.plot(
            [m for m, _ in pts],
            [v for _, v in pts],
            marker="o",
            markersize=2.5,
            color=LINE if year == last else PRIOR,
            linewidth=1.6 if year == last else 1.0,
            label=pick(lang, f"{year}年", str(year)),
        )
    right.set_xticks(range(1, 13), [str(m) for m in range(1, 13)], fontsize=7)
    right.set_xlabel(pick(lang, "月", "month"))
    right.set_title(pick(lang, "本年累计", "year to date"), fontsize=8)
    right.legend(fontsize=7, frameon=False)


def _levels(fig: Figure, chart: Chart, lang: str) -> None:
    data = chart.data
    periods = [str(p) for p in data["periods"]]
    prior = data.get("prior") or []
    div, unit = _divisor(str(data["unit"]), [*data["values"], *prior], lang)
    ax: Axes = fig.subplots()
    ax.plot(
        range(len(periods)),
        [_f(v, div) for v in data["values"]],
        marker="o",
        markersize=2.5,
        color=LINE,
        label=pick(lang, "本期", "this year"),
    )
    if any(nv.dec(v) is not None for v in prior):
        ax.plot(
            range(len(periods)),
            [_f(v, div) for v in prior],
            linestyle="--",
            linewidth=1.0,
            color=PRIOR,
            label=pick(lang, "上年同期", "a year earlier"),
        )
        ax.legend(fontsize=7, frameon=False)
    ticks = [i for i, p in enumerate(periods) if p.endswith(("-01", "-04", "-07", "-10"))]
    ax.set_xticks(ticks, [periods[i] for i in ticks], fontsize=7, rotation=30)
    ax.set_ylabel(unit)


DRAW = {"waterfall": _waterfall, "trend": _trend, "levels": _levels}
SIZES = {"waterfall": (7.0, 3.2), "trend": (7.0, 2.6), "levels": (7.0, 2.4)}
MARGINS: dict[str, dict[str, float]] = {
    "waterfall": {"left": 0.09, "right": 0.98, "top": 0.95, "bottom": 0.22},
    "trend": {"left": 0.09, "right": 0.98, "top": 0.9, "bottom": 0.2, "wspace": 0.22},
    "levels": {"left": 0.09, "right": 0.98, "top": 0.95, "bottom": 0.2},
}


def _figure(chart: Chart, lang: str) -> Figure:
    fig = Figure(figsize=SIZES.get(chart.kind, (7.0, 3.0)))
    DRAW[chart.kind](fig, chart, lang)
    # fixed margins: constrained layout measures every label and costs more than the drawing
    margins = dict(MARGINS.get(chart.kind, {}))
    if chart.kind == "waterfall" and len(chart.data["steps"]) + 2 > 8:
        margins["bottom"] = 0.36  # room for the slanted labels
    fig.subplots_adjust(**margins)
    return fig


_SVG_CACHE: dict[tuple[str, str], str] = {}
_SVG_CACHE_SIZE = 64


def svg(chart: Chart, lang: str) -> str:
    """The chart as an inline ``<svg>`` element (no XML prolog), text drawn as paths.

    Drawn once per chart content and language (the HTML and PDF renderers of a report share it).
    """
    key = (repr(chart), lang)
    if key not in _SVG_CACHE:
        with mpl.rc_context(cast(Any, _style())):
            fig = _figure(chart, lang)
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
        text = buf.getvalue()
        if len(_SVG_CACHE) >= _SVG_CACHE_SIZE:
            _SVG_CACHE.pop(next(iter(_SVG_CACHE)))
        _SVG_CACHE[key] = text[text.index("<svg") :]
    return _SVG_CACHE[key]


def png(chart: Chart, lang: str, dpi: int = 150) -> bytes:
    """The chart as a PNG image."""
    with mpl.rc_context(cast(Any, _style())):
        fig = _figure(chart, lang)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
