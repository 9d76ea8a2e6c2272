"""The 上报情况 page in Chromium (issue 19): the banner of a month being filed leads to it, the chase
list filter keeps the five entities that have not filed, and the list downloads as CSV.

The group of tests/web/conftest.py filed June 2025 whole; A1 alone files July 2025 here: July
expects the six entities, one approved, five missing (G, A, A2, B, B1).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from guozi.workspace import Workspace
from tests.conftest import write_csv
from tests.web.browser import PageAs, Serve


@pytest.fixture
def served(group_copy: Workspace, serve: Serve, tmp_path: Path) -> str:
    """The group with A1's July filed, served on a free port of 127.0.0.1."""
    rows = [
        {"entity_id": "A1", "period": "2025-07", "item": k, "value": v, "unit": "万元"}
        for k, v in (("revenue", 600), ("total_profit", 50))
    ]
    group_copy.import_files([write_csv(tmp_path / "facts_july.csv", rows)], user="loader")
    return serve(group_copy)


def test_browser_filing_status_banner_chase_list_and_export(served: str, page_as: PageAs, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base = served
    page = page_as(base, "admin", accept_downloads=True)
    expect(page.locator(".filing-banner")).to_have_count(0)  # June, complete, is shown

    page.goto(f"{base}/targets?period=2025-07")
    banner = page.locator(".filing-banner a")
    expect(banner).to_have_text("2025-07 填报中 1/6")
    banner.click()
    page.wait_for_url("**/filings?period=2025-07**")
    expect(page.locator("#filing-progress")).to_have_text("1/6")
    expect(page.locator("#filings tbody tr")).to_have_count(6)

    page.click("#filing-filter a:has-text('催报名单')")
    page.wait_for_url("**status=chase**")
    cells = page.locator("#filings tbody tr td:first-child")
    expect(cells).to_have_count(5)
    assert sorted(cells.all_inner_texts()) == ["A", "A2", "B", "B1", "G"]

    with page.expect_download() as got:
        page.click("a:has-text('导出催报名单 CSV')")
    path = tmp_path / "chase.csv"
    got.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert sorted(r["entity_id"] for r in rows) == ["A", "A2", "B", "B1", "G"]
