"""The report as a head of finance hands it on (issue 20): A4 公文 layout with a cover and page
numbers 「— 1 —」 in PDF and Word, a body of at most about 12 pages with the 附表 as its own Excel
workbook beside the report, long tables cut in the body and whole in the 附表.

Built on the demo group of :mod:`tests.report.test_report_formats` (40 entities, 2025-06)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from guozi.report import Report
from guozi.report.model import Table, Text
from guozi.report.render_xlsx import annex_path
from guozi.report.sections.annex import trimmed

A4_POINTS = (595.28, 841.89)  # 210 x 297 mm at 72 points per inch (210 / 25.4 * 72)


def _pdfinfo(path: Path) -> dict[str, str]:
    exe = shutil.which("pdfinfo")
    assert exe, "pdfinfo (poppler-utils) is needed"
    out = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _page_text(path: Path, page: int) -> str:
    exe = shutil.which("pdftotext")
    assert exe
    args = [exe, "-f", str(page), "-l", str(page), "-layout", str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_pdf_is_a4_with_a_cover_and_numbered_body(written: dict[str, Any]) -> None:
    """Every page A4 portrait (595.28 x 841.89 pt); the cover carries the title, the group and the
    period and no page number; the body's first page ends 「— 1 —」 and its last 「— n-1 —」; the body
    is at most 12 pages."""
    pdf: Path = written["files"]["pdf"]
    info = _pdfinfo(pdf)
    w, h = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(w, 1), round(h, 1)) == (round(A4_POINTS[0], 1), round(A4_POINTS[1], 1))
    pages = int(info["Pages"])
    report: Report = written["report"]
    cover = _page_text(pdf, 1)
    assert report.title("zh")[:6] in cover.replace("\n", "").replace(" ", "")
    assert "2025年1—12月" in cover and "— " not in cover
    assert re.search(r"—\s*1\s*—", _page_text(pdf, 2))  # pdftotext may drop the spaces
    assert re.search(rf"—\s*{pages - 1}\s*—", _page_text(pdf, pages))
    assert pages - 1 <= 12


def test_word_is_a4_with_margins_fonts_and_a_page_field(written: dict[str, Any]) -> None:
    """Every section of the Word file is A4 (21.0 x 29.7 cm) with the 公文 margins (37/35/28/26 mm);
    Normal is 仿宋 and Heading 1 黑体 (East Asian); the body section's footer holds 「— PAGE —」 as
    a field and restarts the count at 1, the cover's footer is empty."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(str(written["files"]["docx"]))
    assert len(doc.sections) == 2
    for sec in doc.sections:  # Word stores twips: compare in whole millimetres
        sizes = [sec.page_width, sec.page_height, sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin]
        assert [round(x.mm) if x is not None else None for x in sizes] == [210, 297, 37, 35, 28, 26]
    fonts = {
        name: doc.styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
        for name in ("Normal", "Heading 1")
    }
    assert fonts == {"Normal": "仿宋", "Heading 1": "黑体"}
    cover, body = doc.sections
    assert cover.footer.paragraphs[0].text == ""
    footer = body.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert body.footer.paragraphs[0].text.startswith("— ") and body.footer.paragraphs[0].text.endswith(" —")
    start = body._sectPr.find(qn("w:pgNumType"))
    assert start is not None and start.get(qn("w:start")) == "1"


def test_the_annex_is_an_excel_file_beside_the_report(written: dict[str, Any]) -> None:
    """Writing the PDF (or Word, or HTML) writes 「report_附表.xlsx」 beside it: one sheet per table
    of the 附表, the first listing every entity of the subtree (40, in tree order, as the content);
    the body holds no 附表 section and says where it is."""
    import openpyxl

    report: Report = written["report"]
    pdf: Path = written["files"]["pdf"]
    path = annex_path(pdf)
    assert path.name == "report_附表.xlsx" and path.exists()
    wb = openpyxl.load_workbook(path, read_only=True)
    tables = report.section("appendix").tables()
    assert len(wb.sheetnames) == len(tables)
    first = wb[wb.sheetnames[0]]
    names = [r[0] for r in first.iter_rows(min_row=5, max_col=1, values_only=True) if r[0]]
    want = [str(row[0]) for row in tables[0].rows]
    entities = written["demo"].tree().subtree("HX00001", written["report"].period)
    assert names[: len(want)] == want and len(want) == len(entities) > 30
    html = written["files"]["html"].read_text(encoding="utf-8")
    assert 'id="appendix"' not in html and "_附表" in html


def test_a_long_table_is_cut_in_the_body_and_whole_in_the_annex(written: dict[str, Any]) -> None:
    """No body table is longer than the layout's 10 rows; the drivers' table of subsidiaries (its
    first 10 rows in the body) is in the 附表 whole, and the cut says how many rows are left out."""
    report: Report = written["report"]
    for s in report.sections:
        if s.key != "appendix":
            assert all(len(t.rows) <= 10 for t in s.tables()), s.key
    full = {t.key: t for t in report.section("appendix").tables()}
    body = report.section("drivers").tables()[0]
    if "drivers" in full:
        assert body.rows == full["drivers"].rows[:10]
        assert f"另有{len(full['drivers'].rows) - 10}行" in body.notes[-1].zh


@pytest.mark.parametrize(
    ("latest", "kept", "note"),
    [(False, (1, 2), "列示前2行，另有3行见附表。"), (True, (4, 5), "列示最近2期，全部5期见附表。")],
)
def test_trimmed_keeps_the_first_or_the_latest_rows(latest: bool, kept: tuple[int, ...], note: str) -> None:
    """Five rows cut to two: rows 1-2 with 「另有3行」, or for months the latest two (4-5)."""
    t = Table("t", Text("t", "t"), (), tuple((i,) for i in range(1, 6)))
    cut = trimmed(t, 2, latest)
    assert tuple(r[0] for r in cut.rows) == kept
    assert cut.notes[-1].zh == note
