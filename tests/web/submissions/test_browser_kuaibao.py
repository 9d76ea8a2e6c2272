"""The 快报 sections of the browser form in Chromium (issue 19).

The group of tests/web/conftest.py (万元): A1 filed June 2025 with revenue 500, assets 300, and June
2024 likewise. Here A1 has also filed December 2024 (assets 280, revenue 900 for the whole year) and
July 2024 (revenue 520 year to date). A1's July 2025 form shows, under its section headings, 资产总计
with 年初数 280 (December's) and 上月末数 300 (June's); typing 营业收入 650 year to date shows 本月数
150 (650 − June's 500) beside 上年同期累计数 520. In January 2025 营业收入 40 is its own 本月数, and the
comparison is January 2024 (not filed: 「—」), never December's whole year.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guozi.workspace import Workspace
from tests.conftest import write_csv
from tests.web.browser import PageAs, Serve, artifacts


@pytest.fixture
def served(group_copy: Workspace, serve: Serve, tmp_path: Path) -> str:
    rows = [
        {"entity_id": "A1", "period": p, "item": k, "value": v, "unit": "万元"}
        for p, k, v in (("2024-12", "total_assets", 280), ("2024-12", "revenue", 900), ("2024-07", "revenue", 520))
    ]
    group_copy.import_files(
        [write_csv(tmp_path / "facts_2024.csv", rows)], user="loader", reason="last year, filed late"
    )
    return serve(group_copy)


def test_browser_form_has_the_kuaibao_sections_and_columns(served: str, page_as: PageAs) -> None:
    from playwright.sync_api import expect

    base = served
    page = page_as(base, "filer_a")
    page.goto(f"{base}/submissions/fill?entity=A1&period=2025-07")
    expect(page.locator("h2")).to_have_text(["资产负债表", "利润表", "现金流量表", "统计指标"])
    balance = page.locator("table[data-statement='balance']")
    expect(balance.locator("thead th")).to_have_text(["项目", "期末数", "单位", "年初数", "上月末数", "审核"])
    expect(balance.locator("tr.section").first).to_have_text("流动资产：")
    assets = page.locator("tr[data-item='total_assets']")
    expect(assets.locator("td.opening")).to_have_text("280.00")
    expect(assets.locator("td.previous")).to_have_text("300.00")
    income = page.locator("table[data-statement='income']")
    expect(income.locator("thead th")).to_have_text(["项目", "本年累计数", "单位", "本月数", "上年同期累计数", "审核"])
    revenue = page.locator("tr[data-item='revenue']")
    expect(revenue.locator("td.month")).to_have_text("—")
    page.fill("#v-revenue", "650")
    expect(revenue.locator("td.month")).to_have_text("150.00")
    expect(revenue.locator("td.prior-year")).to_have_text("520.00")
    expect(page.locator("tr[data-item='operating_cash_outflow']")).to_contain_text("经营活动现金流出小计")
    expect(page.locator("tr[data-item='total_wages']")).to_contain_text("工资总额")
    page.screenshot(path=str(artifacts() / "fill_kuaibao.png"), full_page=True)

    page.goto(f"{base}/submissions/fill?entity=A1&period=2025-01")
    january = page.locator("tr[data-item='revenue']")
    page.fill("#v-revenue", "40")
    expect(january.locator("td.month")).to_have_text("40.00")
    expect(january.locator("td.prior-year")).to_have_text("—")
    expect(page.locator("tr[data-item='total_assets'] td.opening")).to_have_text("280.00")
