"""The report as a Word document that can be edited and restyled: Title, Heading 1/2 and Caption
styles, real tables, charts as PNG pictures.

A4 公文 layout after GB/T 9704-2012: margins 37/26/35/28 mm, 仿宋 body and 黑体 headings, a cover
without a page number, then the body numbered from 「— 1 —」 by a PAGE field at the foot.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from guozi.kernel.text import is_zh
from guozi.report.charts import png
from guozi.report.model import Report
from guozi.report.render_html import view

CHART_WIDTH = Cm(15.6)  # the 公文 版心: 156 mm wide
A4 = (Cm(21.0), Cm(29.7))
CELL_MARGIN = 57  # a table cell's left and right margin in twips (1 mm)
KEEP_TOGETHER = 12  # tables of at most this many rows are kept on one page with their title
MARGINS = {"top_margin": Cm(3.7), "bottom_margin": Cm(3.5), "left_margin": Cm(2.8), "right_margin": Cm(2.6)}
BODY_FONT = ("Times New Roman", "仿宋")  # (Latin, East Asian): what a Chinese office document expects
HEADING_FONT = ("Times New Roman", "黑体")
TITLE_FONT = ("Times New Roman", "方正小标宋简体")


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
    _fonts(styles["Normal"], *BODY_FONT, size=12)
    _fonts(styles["Title"], *TITLE_FONT, size=22, bold=False)
    _fonts(styles["Heading 1"], *HEADING_FONT, size=14, bold=False)
    _fonts(styles["Heading 2"], *HEADING_FONT, size=11, bold=False)
    _fonts(styles["Caption"], *BODY_FONT, size=9, bold=False)
    styles["Caption"].font.italic = False
    styles["Caption"].font.color.rgb = RGBColor(0x40, 0x40, 0x40)  # notes in grey, not Word's blue
    _fonts(styles["Subtitle"], *BODY_FONT, size=16)
    styles["Subtitle"].font.italic = False
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = RGBColor(0, 0, 0)


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


def _widths(table: Any, shares: list[str]) -> None:
    """Fixed column widths over the 版心 from the view's shares (figures sized to stay on one line,
    text columns taking the rest), set on the grid and on every cell as Word and LibreOffice read them."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    margins = tbl_pr.makeelement(qn("w:tblCellMar"), {})
    for side in ("left", "right"):  # 1 mm instead of Word's 1.9 mm: ten columns gain 18 mm of figures
        margins.append(margins.makeelement(qn(f"w:{side}"), {qn("w:w"): str(CELL_MARGIN), qn("w:type"): "dxa"}))
    tbl_pr.append(margins)
    widths = [int(CHART_WIDTH * float(w.rstrip("%")) / 100) for w in shares]
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = w


def _page(section: Any) -> None:
    section.page_width, section.page_height = A4
    for side, length in MARGINS.items():
        setattr(section, side, length)


def _field(para: Any, instruction: str) -> None:
    """A Word field (e.g. PAGE) in ``para``: begin, instruction, separate, a placeholder, end."""
    for kind, text in (("begin", ""), ("instr", instruction), ("separate", ""), ("text", "1"), ("end", "")):
        run = para.add_run()
        if kind == "instr":
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = f" {text} "
        elif kind == "text":
            run.text = text
            continue
        else:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        run._r.append(el)


def _numbered_from_one(section: Any) -> None:
    """The body's section: its own footer 「— PAGE —」 (centred, 宋体 四号), pages counted from 1."""
    section.footer.is_linked_to_previous = False
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    _field(para, "PAGE")
    para.add_run(" —")
    for run in para.runs:
        run.font.size = Pt(14)
    sect_pr = section._sectPr
    sect_pr.append(sect_pr.makeelement(qn("w:pgNumType"), {qn("w:start"): "1"}))


def _cover(doc: Any, v: dict[str, Any]) -> None:
    """The cover: title, group and period, then the unit and date at the foot; no page number.
    Its lines are in the Subtitle style (仿宋 三号), so the body's first Normal paragraph is the text.
    The title breaks after the entity's name (``title_lines``), never inside a word."""
    title = doc.add_paragraph(style="Title")
    for i, line in enumerate(v["title_lines"]):
        run = title.add_run(line)
        if i < len(v["title_lines"]) - 1:
            run.add_break()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Cm(5.0)
    for i, line in enumerate([*v["cover"], *v["cover_foot"]]):
        para = doc.add_paragraph(line, style="Subtitle")
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if i == len(v["cover"]):
            para.paragraph_format.space_before = Cm(8.0)


def _table(doc: Any, b: dict[str, Any]) -> None:
    """A table of the view: its title, a header repeated on each page, fixed widths, its notes."""
    doc.add_heading(b["title"], level=2)
    table = doc.add_table(rows=1, cols=len(b["headings"]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, h in zip(table.rows[0].cells, b["headings"], strict=True):
        _cell(cell, h, bold=True)
    _repeat_header(table.rows[0])
    size = 7 if b["dense"] else 8
    for r in b["rows"]:
        cells = table.add_row().cells
        for cell, c in zip(cells, r, strict=True):
            _cell(cell, c["text"], right=c["cls"] == "num", size=size)
    _widths(table, b["widths"])
    if len(b["rows"]) <= KEEP_TOGETHER:  # a short table is not split over two pages
        for row in table.rows[:-1]:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    for n in b["notes"]:
        doc.add_paragraph(n, style="Caption")


def docx_document(report: Report, lang: str = "zh") -> Any:
    """The report as a python-docx ``Document``."""
    v = view(report, lang)
    doc = Document()
    _styles(doc)
    _page(doc.sections[0])
    doc.core_properties.title = v["title"]
    doc.core_properties.author = "guozi"
    _cover(doc, v)
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(body)
    _numbered_from_one(body)
    sub = doc.add_paragraph(v["subtitle"], style="Caption")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in v["sections"]:
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
                _table(doc, b)
    doc.add_paragraph(v["footer"], style="Caption")
    return doc


def write_docx(report: Report, path: Path, lang: str = "zh") -> None:
    """Write the Word report to ``path``."""
    docx_document(report, lang).save(str(path))
