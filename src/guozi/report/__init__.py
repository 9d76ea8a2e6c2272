"""The monthly analysis report (经济运行分析报告): content computed once, rendered as HTML, PDF, Word or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from guozi.kernel.errors import GuoziError
from guozi.report.build import build_report
from guozi.report.model import Report

ReportFormat = Literal["html", "pdf", "docx", "xlsx"]
FORMATS: tuple[ReportFormat, ...] = ("html", "pdf", "docx", "xlsx")

__all__ = ["FORMATS", "Report", "ReportFormat", "build_report", "write_report"]


def write_report(report: Report, path: Path, fmt: ReportFormat, lang: str = "zh") -> Path | None:
    """Write ``report`` to ``path`` in ``fmt`` (html, pdf, docx or xlsx) and ``lang`` (zh or en); the
    附表 workbook written beside it (html, pdf, docx), or None when none was (xlsx, or no 附表)."""
    if fmt == "html":
        from guozi.report.render_html import write_html  # noqa: PLC0415 - Jinja2 and matplotlib only for this format

        write_html(report, path, lang)
    elif fmt == "pdf":
        from guozi.report.render_pdf import write_pdf  # noqa: PLC0415 - WeasyPrint only for this format

        write_pdf(report, path, lang)
    elif fmt == "docx":
        from guozi.report.render_docx import write_docx  # noqa: PLC0415 - python-docx only for this format

        write_docx(report, path, lang)
    elif fmt == "xlsx":
        from guozi.report.render_xlsx import write_xlsx  # noqa: PLC0415 - xlsxwriter only for this format

        write_xlsx(report, path, lang)
    else:
        raise GuoziError(
            f"--format 应为 html、pdf、docx 或 xlsx，实为 {fmt}", f"--format must be html, pdf, docx or xlsx, not {fmt}"
        )
    if fmt != "xlsx":  # the body's 附表 as its own workbook beside it (the xlsx report holds every table)
        from guozi.report.render_xlsx import annex_path, write_annex  # noqa: PLC0415 - xlsxwriter only when written

        annex = annex_path(path, lang)
        if write_annex(report, annex, lang):
            return annex
    return None
