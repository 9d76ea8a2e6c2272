"""The report as PDF: the HTML page laid out by WeasyPrint (A4, the appendix in landscape).

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0), a CJK font for the Chinese
text (fonts-noto-cjk) and, to subset that font in well under a second, HarfBuzz's subsetter
(libharfbuzz-subset0); without it WeasyPrint falls back to fontTools, which takes minutes.
"""

from __future__ import annotations

from pathlib import Path

from guozi.kernel.errors import GuoziError
from guozi.report.model import Report
from guozi.report.render_html import render_html


def pdf_bytes(report: Report, lang: str = "zh") -> bytes:
    """The PDF document."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - WeasyPrint fails to load without Pango: a GuoziError says so
    except (ImportError, OSError) as exc:  # OSError: Pango is missing
        raise GuoziError(
            f"无法生成 PDF：WeasyPrint 不可用（{exc}）；请安装 weasyprint 及 libpango-1.0-0、libpangoft2-1.0-0",
            f"cannot write PDF: WeasyPrint is not available ({exc}); install weasyprint and Pango",
        ) from exc
    out = HTML(string=render_html(report, lang)).write_pdf()
    assert isinstance(out, bytes)
    return out


def write_pdf(report: Report, path: Path, lang: str = "zh") -> None:
    """Write the PDF report to ``path``."""
    path.write_bytes(pdf_bytes(report, lang))
