"""The report as a Word document that can be edited and restyled: Title, Heading 1/2 and Caption
styles, real tables, charts as PNG pictures."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from guozi.kernel.text import is_zh
from guozi.report.charts import png
from guozi.report.model import Report
from guozi.report.render_html import view

CHART_WIDTH = Cm(17.0)  # A4 portrait less 2 cm margins
BODY_FONT = ("Times New Roman", "宋体")  # (Latin, East Asian): what a Chinese office document expects
HEADING_FONT = ("Arial", "黑体")


def _fonts(style: Any, latin: str, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = latin
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold


def _styles(doc: Any) -> None:
    styles = doc.styles
    _fonts(styles["Normal"], *BODY_FONT, size=10.5)
    _fonts(styles["Title"], *HEADING_FONT, size=18, bold=True)
    _fonts(styles["Heading 1"], *HEADING_FONT, size=14, bold=True)
    _fonts(styles["Heading 2"], *HEADING_FONT, size=11, bold=True)
    _fonts(styles["Caption"], *BODY_FONT, size=8)
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)


def _cell(cell: Any, text: str, *, bold: bool = False, right: bool = False, size: float = 8) -> None:
    cell.text = ""
    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(el)


def _landscape(doc: Any) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def docx_document(report: Report, lang: str = "zh") -> Any:
    """The report as a python-docx ``Document``."""
    v = view(report, lang)
    doc = Document()
    _styles(doc)
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    doc.core_properties.title = v["title"]
    doc.core_properties.author = "guozi"
    doc.add_paragraph(v["title"], style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(v["subtitle"], style="Caption")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in v["sections"]:
        if s["key"] == "appendix":
            _landscape(doc)
        doc.add_heading(s["heading"], level=1)
        for b in s["blocks"]:
            if b["type"] == "p":
                para = doc.add_paragraph(b["text"], style="Caption" if b["kind"] == "note" else "Normal")
                if b["kind"] != "note" and is_zh(lang):
                    para.paragraph_format.first_line_indent = Pt(21)
            elif b["type"] == "chart":
                doc.add_heading(b["title"], level=2)
                doc.add_picture(io.BytesIO(png(b["chart"], lang)), width=CHART_WIDTH)
            elif b["type"] == "table":
                doc.add_heading(b["title"], level=2)
                table = doc.add_table(rows=1, cols=len(b["headings"]))
                table.style = "Table Grid"
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                for cell, h in zip(table.rows[0].cells, b["headings"], strict=True):
                    _cell(cell, h, bold=True)
                _repeat_header(table.rows[0])
                for r in b["rows"]:
                    cells = table.add_row().cells
                    for cell, c in zip(cells, r, strict=True):
                        _cell(cell, c["text"], right=c["cls"] == "num")
                for n in b["notes"]:
                    doc.add_paragraph(n, style="Caption")
    doc.add_paragraph(v["footer"], style="Caption")
    return doc


def write_docx(report: Report, path: Path, lang: str = "zh") -> None:
    """Write the Word report to ``path``."""
    docx_document(report, lang).save(str(path))
