"""The report as one self-contained HTML page: CSS inline, charts as embedded SVG, no network.

:func:`view` turns the report's content into display strings (headings, formatted cells, notes)
once per language; the HTML, PDF and Word renderers all render that view.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from guozi.kernel.text import pick
from guozi.report import narrative as nv
from guozi.report.cells import cell_text, column_scales, heading
from guozi.report.charts import svg
from guozi.report.model import Chart, Fig, Paragraph, Report, Section, Table

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"


DENSE_COLUMNS = 9  # a table of this many columns is set smaller, so its figures fit the 156 mm 版心 unwrapped
WIDE_TEXT = {"message": 40, "note": 30, "rule": 16}  # a text column's cap in half-width units: wraps past it


def _width(text: str) -> int:
    """Display width in half-width units, a CJK character counting two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _weight(key: str, kind: str, heading: str, texts: list[str]) -> float:
    """A column's share of the table width, from its content (tables are laid out with fixed
    widths: fast and stable): a figure's column fits its longest figure on one line (figures
    never wrap, 「-0.29个百分点」 is not split), a text column its longest text up to a cap."""
    longest = max((_width(t) for t in texts), default=0)
    if kind == "text":
        return max(8, min(longest, WIDE_TEXT.get(key, 24)), min(_width(heading), 10))
    return max(6, longest + 2, min(_width(heading), 10))


def table_view(table: Table, lang: str) -> dict[str, Any]:
    """A table as display strings: headings with units, cells formatted, notes."""
    scales = column_scales(table, lang)
    headings = [heading(c, s, lang) for c, s in zip(table.columns, scales, strict=True)]
    rows = []
    for row in table.rows:
        cells = []
        for cell, col, scale in zip(row, table.columns, scales, strict=True):
            text = cell_text(cell, col, scale, lang)
            cls = ""
            if isinstance(cell, Fig) and cell.missing and cell.value is None:
                cls = "missing"
            elif col.kind != "text":
                cls = "num"
            cells.append({"text": text, "cls": cls})
        rows.append(cells)
    weights = [
        _weight(c.key, c.kind, h, [r[j]["text"] for r in rows])
        for j, (c, h) in enumerate(zip(table.columns, headings, strict=True))
    ]
    total = sum(weights)
    return {
        "type": "table",
        "key": table.key,
        "dense": len(table.columns) >= DENSE_COLUMNS,
        "widths": [f"{w / total * 100:.1f}%" for w in weights],
        "title": table.title(lang),
        "headings": headings,
        "rows": rows,
        "notes": [n(lang) for n in table.notes],
        "table": table,
    }


ANNEX = "appendix"  # the 附表 section: written as its own Excel file beside the report, not in its body
BEIJING = ZoneInfo("Asia/Shanghai")


def _title_lines(title: str, name: str) -> list[str]:
    """The cover title's lines: a title that begins with the entity's name breaks after it, never
    inside a word (「…经济运\n行分析报告」)."""
    if name and title.startswith(name) and len(title) > len(name):
        return [name, title[len(name) :].lstrip(": ")]
    return [title]


def body_sections(report: Report) -> list[Section]:
    """The sections of the report's body: all but the 附表, which goes to its own Excel file."""
    return [s for s in report.sections if s.key != ANNEX]


def view(report: Report, lang: str, draw: Callable[[Chart, str], str] | None = None) -> dict[str, Any]:
    """The report in ``lang`` as display strings; charts drawn by ``draw`` (SVG text) when given."""
    sections = []
    for s in body_sections(report):
        blocks: list[dict[str, Any]] = []
        for b in s.blocks:
            if isinstance(b, Paragraph):
                blocks.append({"type": "p", "text": b.text(lang), "kind": b.kind})
            elif isinstance(b, Table):
                blocks.append(table_view(b, lang))
            elif isinstance(b, Chart):
                blocks.append(
                    {
                        "type": "chart",
                        "key": b.key,
                        "title": b.title(lang),
                        "chart": b,
                        "svg": draw(b, lang) if draw else "",
                    }
                )
        sections.append(
            {
                "key": s.key,
                "title": s.title(lang),
                "heading": nv.section_heading(s.number, s.title(lang), lang),
                "blocks": blocks,
            }
        )
    footer = pick(
        lang,
        f"由 guozi 根据 {report.period} 数据生成；每个数字均可追溯到指标面板（guozi indicators）。",
        f"Generated by guozi from the data of {report.period}; every number traces to the panel (guozi indicators).",
    )
    if any(s.key == ANNEX for s in report.sections):
        footer = (
            pick(
                lang,
                "附表（各企业主要指标、全部风险预警等）另见随本报告附送的 Excel 文件（文件名以「_附表」结尾）。",
                "The appendix (every entity's figures, every warning) is the Excel file sent with this report "
                '(its name ends in "_appendix"). ',
            )
            + footer
        )
    today = datetime.now(BEIJING).date()
    return {
        "title": report.title(lang),
        "title_lines": _title_lines(report.title(lang), report.name),
        "subtitle": report.subtitle(lang),
        "cover": [report.name, pick(lang, f"（{nv.span(report.period, 'zh')}）", nv.span(report.period, "en"))],
        "cover_foot": [
            pick(lang, f"编制单位：{report.name}", f"Prepared by {report.name}"),
            pick(lang, f"{today.year}年{today.month}月{today.day}日", today.isoformat()),
        ],
        "date": today,
        "sections": sections,
        "footer": footer,
        "html_lang": pick(lang, "zh-CN", "en"),
    }


def _resource(name: str) -> str:
    return resources.files("guozi.report").joinpath("templates").joinpath(name).read_text(encoding="utf-8")


def svg_image(chart: Chart, lang: str) -> str:
    """A chart as an ``<img>`` holding its SVG as a data URI: self-contained, drawn the same by
    browsers and by WeasyPrint (whose HTML style checker would otherwise read the SVG's own
    style attributes as page CSS and warn about each one)."""
    data = base64.b64encode(svg(chart, lang).encode("utf-8")).decode("ascii")
    alt = html.escape(chart.title(lang), quote=True)
    return f'<img class="chart" alt="{alt}" src="data:image/svg+xml;base64,{data}">'


def render_html(report: Report, lang: str = "zh") -> str:
    """The whole report as one HTML document (charts embedded as SVG data)."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_resource(TEMPLATE))
    return template.render(css=_resource(STYLESHEET), **view(report, lang, svg_image))


def write_html(report: Report, path: Path, lang: str = "zh") -> None:
    """Write the HTML report to ``path``."""
    path.write_text(render_html(report, lang), encoding="utf-8")
