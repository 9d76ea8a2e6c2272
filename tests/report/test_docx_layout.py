"""The Word report (and the HTML/PDF cover) as a head of finance hands it on (looked at as PDF pages through LibreOffice):
the cover title breaks after the group's name, never inside a word (「经济运\\n行分析报告」); every
table has fixed column widths over the 156 mm 版心 sized from the figures (so 「84.33 亿元」 and
「-0.29 个百分点」 stay on one line) and 1 mm cell margins; notes are grey, not Word's blue caption.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from docx.shared import Cm

from guozi.report.render_docx import CELL_MARGIN, CHART_WIDTH


def test_cover_title_breaks_after_the_name(written: dict[str, Any]) -> None:
    import docx

    doc = docx.Document(str(written["files"]["docx"]))
    title = doc.paragraphs[0]
    name = written["report"].name
    assert title.runs[0].text == f"{name}\n" and title.runs[0]._r.find(qn("w:br")) is not None  # a line break
    assert title.runs[1].text == "2025年12月经济运行分析报告"


def test_tables_have_fixed_widths_over_the_text_block(written: dict[str, Any]) -> None:
    import docx

    doc = docx.Document(str(written["files"]["docx"]))
    assert doc.tables
    for table in doc.tables:
        widths = [col.width for col in table.columns]
        assert all(w and w > Cm(0.8) for w in widths)
        assert abs(sum(widths) - CHART_WIDTH) < Cm(0.1)  # 156 mm, to rounding of each column
        margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
        assert margins is not None and margins.find(qn("w:left")).get(qn("w:w")) == str(CELL_MARGIN)
    caption = doc.styles["Caption"].font
    assert caption.color.rgb is not None and str(caption.color.rgb) == "404040" and not caption.bold


def test_html_and_pdf_cover_title_breaks_after_the_name(written: dict[str, Any]) -> None:
    html = written["files"]["html"].read_text(encoding="utf-8")
    assert f"<h1>{written['report'].name}<br>2025年12月经济运行分析报告</h1>" in html
