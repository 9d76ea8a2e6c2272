"""The demo group's report, built once for the package's tests (see test_report_formats.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from guozi.kernel.periods import Period
from guozi.report import FORMATS, build_report, write_report
from guozi.workspace import Workspace

PERIOD = Period(2025, 12)


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The demo group (40 entities, 2023-01 … 2025-12) in an in-memory workspace."""
    from guozi.demo import generate_group, write_group

    folder = tmp_path_factory.mktemp("demo")
    write_group(generate_group(entities=40, months=36), folder)
    ws = Workspace.from_data([folder])
    yield ws
    ws.close()


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="package")
def written(demo: Workspace, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report's content (with 对标) and its four files (Chinese), with WeasyPrint's warnings."""
    report = build_report(demo, PERIOD, benchmark=True)
    folder = tmp_path_factory.mktemp("report")
    handler = _Warnings()
    logging.getLogger("weasyprint").addHandler(handler)
    try:
        files = {}
        for fmt in FORMATS:
            path = folder / f"report.{fmt}"
            write_report(report, path, fmt, "zh")
            files[fmt] = path
    finally:
        logging.getLogger("weasyprint").removeHandler(handler)
    return {"report": report, "files": files, "warnings": handler.records, "folder": folder, "demo": demo}
