"""The demo group's report in every format, read back and checked against the panel.

The demo group is :func:`guozi.demo.generate_group` with 40 entities and 36 months ending
2025-12 (the 300-entity default takes too long to load for one test module on a 2-core machine;
the report's code paths are the same). The report is built once and written once per format;
then:

- every figure of the content that comes from the panel equals the value of an independent
  :meth:`Workspace.indicators` call (the engine's own tests check the panel by hand);
- the headline sentence is parsed back from the PDF's text layer (pdftotext), the Word document
  (python-docx) and the HTML, and each amount and growth rate equals the panel's value rounded
  as the report's rules say (亿元 from 1 亿 up, else 万元, two decimals; growth one decimal);
- every table cell of the Word document and the HTML equals the content's formatted cell, every
  number of the workbook (openpyxl) equals the content's exact value, and every row of the
  appendix is found, in order, on one line of the PDF's text;
- the first PDF page renders to a PNG with ink on it, and its text layer holds the Chinese headings.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from guozi.cli import app
from guozi.kernel.periods import Period
from guozi.report import Report
from guozi.report.cells import column_scales
from guozi.report.model import Fig, Table
from guozi.report.render_html import body_sections, table_view
from guozi.workspace import Workspace

PERIOD = Period(2025, 12)
TOP = "HX00001"
HEADINGS_ZH = (  # the body's sections; the 附表 is its own workbook (test_layout.py)
    "一、总体情况",
    "二、合并口径核对",  # the demo group reports intercompany trade (issue 21)
    "三、「一利五率",
    "四、利润总额增减因素",
    "五、重点指标情况",
    "六、成本费用情况",
    "七、主要指标走势",
    "八、风险情况",
    "九、经济增加值",
    "十、对标分析",
    "十一、与中央企业",
    "十二、存在的主要问题",
    "十三、原因分析",
    "十四、下一步工作措施",
)
NB = "\u202f"


def _pdftotext(path: Path, *args: str) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is needed"
    return subprocess.run([exe, *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _plain(text: str) -> str:
    """Digit groups joined (the narrow no-break space may come out of a PDF as a space)."""
    return re.sub(r"(?<=\d)[ \u202f\u2009](?=\d{3}(?!\d))", "", text)


# the content against the panel -------------------------------------------------------------------


def test_every_panel_figure_equals_an_independent_panel(demo: Workspace, written: dict[str, Any]) -> None:
    """Each figure sourced from the panel is looked up again: one panel per basis over all the
    periods and indicators the report quotes, every entity's own (reported) figures."""
    report: Report = written["report"]
    figs = [f for f in report.figs() if f.source == "panel"]
    assert len(figs) > 500
    checked = 0
    for basis in ("ytd", "month"):
        mine = [f for f in figs if f.basis == basis]
        periods = sorted({Period.parse(f.period) for f in mine})
        codes = sorted({f.indicator for f in mine})
        panel = demo.indicators(periods, indicators=codes, basis=basis)
        rows = {(str(r.entity_id), str(r.period), str(r.indicator)): r for r in panel.frame.itertuples(index=False)}
        for f in mine:
            row = rows[(f.entity, f.period, f.indicator)]
            expected = getattr(row, f.measure)
            if expected is None or (isinstance(expected, float) and math.isnan(expected)):
                assert f.value is None, f
            elif isinstance(expected, Decimal):
                assert f.value == expected, f
            else:
                assert f.value is not None and math.isclose(float(f.value), float(expected), rel_tol=1e-12), f
            checked += 1
    assert checked == len(figs)


def _headline_expectations(demo: Workspace) -> list[tuple[str, str, str]]:
    """(name, amount text, growth text) of the headline flows, from an independent panel, rounded
    by the report's rules: 亿元 (÷ 10⁸) from 1 亿 up, else 万元 (÷ 10⁴), half up to 0.01; growth to 0.1."""
    codes = ["revenue", "total_profit", "net_profit", "taxes_paid", "value_added"]
    panel = demo.indicators(PERIOD, indicators=codes, entity=TOP)
    out = []
    for code in codes:
        row = panel.row(TOP, PERIOD, code)
        v: Decimal = row.value
        unit, div = ("亿元", Decimal(10) ** 8) if abs(v) >= Decimal(10) ** 8 else ("万元", Decimal(10) ** 4)
        amount = f"{(v / div).quantize(Decimal('0.01'), rounding='ROUND_HALF_UP'):,}".replace(",", "")
        g = Decimal(repr(row.growth)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
        growth = ("增长" if g > 0 else "下降") + f"{abs(g)}%"
        out.append((demo.catalog.indicator(code).name_zh, amount + unit, growth))
    return out


def _check_headline(text: str, demo: Workspace) -> None:
    flat = re.sub(r"\s+", "", _plain(text).replace(NB, ""))
    for name, amount, growth in _headline_expectations(demo):
        m = re.search(re.escape(name) + r"([0-9.]+(?:亿元|万元))，同比((?:增长|下降)[0-9.]+%)", flat)
        assert m is not None, (name, flat[:400])
        assert (m.group(1), m.group(2)) == (amount, growth)


def test_headline_parsed_back_from_every_format(demo: Workspace, written: dict[str, Any]) -> None:
    """The headline of the PDF's text layer, the Word document's first body paragraph and the HTML
    quote the panel's revenue, total profit, net profit, taxes and value added as rounded by hand."""
    import docx

    files = written["files"]
    _check_headline(_pdftotext(files["pdf"]), demo)
    doc = docx.Document(str(files["docx"]))
    body = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Normal" and p.text]
    _check_headline(body[0], demo)
    _check_headline(files["html"].read_text(encoding="utf-8"), demo)


# each format against the content -----------------------------------------------------------------


def _tables(report: Report) -> list[Table]:
    """The body's tables (the 附表's are in their own workbook)."""
    return [t for s in body_sections(report) for t in s.tables()]


def test_word_document_has_heading_styles_and_the_content_cells(written: dict[str, Any]) -> None:
    """Sections are Heading 1, table and chart titles Heading 2; every table cell is the content's
    formatted cell; every amount cell parses back to the figure ÷ the column's unit, to 0.01."""
    import docx

    report: Report = written["report"]
    doc = docx.Document(str(written["files"]["docx"]))
    h1 = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert [h[:4] for h in h1] == [h[:4] for h in HEADINGS_ZH]
    assert doc.paragraphs[0].style is not None and doc.paragraphs[0].style.name == "Title"
    tables = _tables(report)
    assert len(doc.tables) == len(tables)
    for t, dt in zip(tables, doc.tables, strict=True):
        view = table_view(t, "zh")
        assert [c.text for c in dt.rows[0].cells] == view["headings"]
        scales = column_scales(t, "zh")
        for row, drow, vrow in zip(t.rows, dt.rows[1:], view["rows"], strict=True):
            texts = [c.text for c in drow.cells]
            assert texts == [c["text"] for c in vrow]
            for cell, text, col, scale in zip(row, texts, t.columns, scales, strict=True):
                if isinstance(cell, Fig) and cell.value is not None and col.kind == "amount" and cell.unit == "元":
                    assert scale is not None
                    parsed = Decimal(text.replace(NB, "").replace("+", ""))
                    assert parsed == (Decimal(cell.value) / scale.factor).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert len(doc.inline_shapes) == sum(len(s.charts()) for s in report.sections)


class _TableText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_html_is_self_contained_and_shows_the_content_cells(written: dict[str, Any]) -> None:
    """No external resource (no src/href to a network, CSS inline, charts as SVG data); every table
    cell equals the content's formatted cell."""
    html = written["files"]["html"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "<script" not in html
    report: Report = written["report"]
    assert html.count('src="data:image/svg+xml;base64,') == sum(len(s.charts()) for s in report.sections)
    parser = _TableText()
    parser.feed(html)
    tables = _tables(report)
    assert len(parser.tables) == len(tables)
    for t, rows in zip(tables, parser.tables, strict=True):
        view = table_view(t, "zh")
        assert rows[0] == view["headings"]
        assert rows[1:] == [[c["text"] for c in r] for r in view["rows"]]


def test_workbook_numbers_equal_the_content_exactly(written: dict[str, Any]) -> None:
    """One sheet per section with a table, frozen below its first heading row; every figure is a
    number equal to the content's value (amounts in 元, not rounded); the panel sheet holds every
    row of the panel with its exact values."""
    import openpyxl

    report: Report = written["report"]
    wb = openpyxl.load_workbook(written["files"]["xlsx"])
    names = wb.sheetnames
    assert names[0] == "报告正文"
    for s in report.sections:
        if not s.tables():
            continue
        ws = wb[next(n for n in names if n.startswith(f"{s.number} "))]
        assert ws.freeze_panes is not None
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
        numbers = [c for c in cells if isinstance(c.value, int | float) and not isinstance(c.value, bool)]
        expected = [
            float(f.value)
            for t in s.tables()
            for row in t.rows
            for f in row
            if isinstance(f, Fig) and f.value is not None
        ]
        ints = [
            float(c)
            for t in s.tables()
            for row in t.rows
            for c in row
            if isinstance(c, int) and not isinstance(c, bool)
        ]
        got = sorted(float(c.value) for c in numbers if isinstance(c.value, int | float))
        want = sorted(expected + ints)
        assert len(got) == len(want)
        # Excel keeps 15–16 significant digits (xlsxwriter writes %.16g)
        assert all(math.isclose(a, b, rel_tol=1e-15, abs_tol=1e-12) for a, b in zip(got, want, strict=True))
        assert all(c.number_format != "General" for c in numbers)
    frame = report.panels[0][2]
    panel = wb[report.panels[0][1]("zh")[:31]]
    assert panel.max_row == len(frame) + 1
    values = [r[5] for r in panel.iter_rows(min_row=2, values_only=True)]
    exact: list[float | None] = [None if v is None else float(v) for v in frame.value]
    assert [v is None for v in values] == [v is None for v in exact]
    for a, b in zip(values, exact, strict=True):
        assert (a is None and b is None) or (
            isinstance(a, float | int) and b is not None and math.isclose(a, b, rel_tol=1e-15)
        )


def test_pdf_renders_with_chinese_text_and_every_body_table_row(written: dict[str, Any]) -> None:
    """The first page renders to a PNG with ink on it; the text layer holds the Chinese headings; no
    WeasyPrint warning (a missing font or ignored CSS would warn); each row of the regime's table
    (11 columns set dense, figures never wrapped) is found in order on one line of the layout text."""
    from PIL import Image

    pdf: Path = written["files"]["pdf"]
    assert written["warnings"] == []
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm (poppler-utils) is needed"
    out = written["folder"] / "page"
    subprocess.run([exe, "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(out)], check=True)
    png = next(written["folder"].glob("page*.png"))
    with Image.open(png) as im:
        extrema = im.convert("L").getextrema()
    assert isinstance(extrema[0], int) and isinstance(extrema[1], int)
    assert extrema[0] < 100 < extrema[1]  # dark text on a light page
    text = _pdftotext(pdf)
    for h in HEADINGS_ZH:
        assert h in text
    layout = [_plain(line).replace(NB, "") for line in _pdftotext(pdf, "-layout").splitlines()]
    report: Report = written["report"]
    regime = report.section("regime").tables()[0]
    view = table_view(regime, "zh")
    for vrow in view["rows"]:
        wanted = [c["text"].replace(NB, "") for c in vrow if c["cls"] == "num"]  # figures never wrap
        assert any(_in_order(wanted, line) for line in layout), wanted


def _in_order(parts: list[str], line: str) -> bool:
    pos = 0
    for p in parts:
        i = line.find(p, pos)
        if i < 0:
            return False
        pos = i + len(p)
    return True


# the command -------------------------------------------------------------------------------------


def test_cli_writes_the_report_and_rejects_a_bad_format(tmp_path: Path, contract: Any) -> None:
    """``guozi report --data DIR --period 2025-06 --output r.html --lang en`` writes an English page
    (one entity, revenue 2 000 000 000 元 against 1 600 000 000 元: 2.00 billion yuan, up 25.0%);
    ``--format odt`` exits 2."""
    folder = contract(
        entities=[{"entity_id": "X", "name": "某公司", "parent_id": ""}],
        facts=[
            {"entity_id": "X", "period": "2024-06", "item": "revenue", "value": 1_600_000_000, "unit": "元"},
            {"entity_id": "X", "period": "2025-06", "item": "revenue", "value": 2_000_000_000, "unit": "元"},
        ],
    )
    out = tmp_path / "r.html"
    runner = CliRunner()
    res = runner.invoke(
        app, ["report", "--data", str(folder), "--period", "2025-06", "--output", str(out), "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert "operating revenue of 2.00 billion yuan, up 25.0% year on year" in html
    bad = runner.invoke(app, ["report", "--data", str(folder), "--output", str(tmp_path / "r.odt")])
    assert bad.exit_code == 2


def test_benchmark_section_quotes_the_entity_own_figures(demo: Workspace, written: dict[str, Any]) -> None:
    """With ``benchmark``, 对标 comes just before the appendix; the "this entity" figure of every
    peer row is the group's own panel value (HX00001, 2025-12)."""
    report: Report = written["report"]
    keys = [s.key for s in report.sections]
    assert keys[keys.index("eva") + 1] == "benchmark" and keys[-1] == "appendix"
    assert [s.number for s in report.sections] == list(range(1, len(report.sections) + 1))
    peers = report.section("benchmark").tables()[0]
    figs = [row[1] for row in peers.rows]
    assert figs and all(isinstance(f, Fig) and f.source == "benchmark" for f in figs)
    codes = [f.indicator for f in figs if isinstance(f, Fig) and demo.catalog.indicators.get(f.indicator)]
    codes = [c for c in codes if demo.catalog.indicator(c).tree is not None]
    panel = demo.indicators(PERIOD, indicators=codes, entity=TOP)
    compared = 0
    for f in figs:
        assert isinstance(f, Fig)
        if f.indicator in codes:
            expected = panel.value(TOP, PERIOD, f.indicator)
            assert (f.value is None) == (expected is None)
            if expected is not None and f.value is not None:
                assert math.isclose(float(f.value), float(expected), rel_tol=1e-12)
            compared += 1
    assert compared >= 3
