"""Filing and reviewing in Chromium (issue 19).

The group of tests/web/conftest.py (万元): A1 filed June 2025 with revenue 500, total profit 30, assets
300, liabilities 120, equity 180. The filer of A downloads A1's July form, fills it in the browser,
sees assets 300 ≠ liabilities 120 + equity 100 flagged on the assets line, fixes equity to 180 (300 =
120 + 180), explains revenue 400 below June's 500, saves and submits. The supervisor of A then sees
the explanation and June's figures beside July's; total profit 300 is ×10 June's 30: a large jump.
"""

from __future__ import annotations

from pathlib import Path

from guozi.ingest.template import read_form
from guozi.workspace import Workspace
from tests.web.browser import PageAs, Serve, artifacts


def test_browser_filer_fills_the_form_and_supervisor_reviews(
    group_copy: Workspace, serve: Serve, page_as: PageAs, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    base = serve(group_copy)
    shots = artifacts()
    page = page_as(base, "filer_a", accept_downloads=True)
    page.goto(f"{base}/submissions")
    page.click("#fill-online")
    page.wait_for_url("**/submissions/fill")
    page.goto(f"{base}/submissions/fill?entity=A1&period=2025-07")
    with page.expect_download() as got:
        page.click("#download-form")
    form_path = tmp_path / "form.xlsx"
    got.value.save_as(form_path)
    form = read_form(form_path)
    assert form is not None and (form.entity_id, form.period) == ("A1", "2025-07")

    assets = page.locator("tr[data-item='total_assets']")
    page.fill("#v-total_assets", "300")
    page.fill("#v-total_liabilities", "120")
    page.fill("#v-total_equity", "100")
    expect(assets).to_have_class("sev-blocking")
    expect(assets.locator("td.checks")).to_contain_text("差额 80.00 万元")
    page.screenshot(path=str(shots / "fill_flagged.png"), full_page=True)
    page.fill("#v-total_equity", "180")
    expect(assets.locator("td.checks")).to_have_text("")
    page.fill("#v-revenue", "400")
    page.fill("#v-total_profit", "300")
    revenue = page.locator("tr[data-item='revenue']")
    expect(revenue).to_have_class("sev-verify")
    revenue.locator("textarea").fill("6月多计收入已冲回")
    page.screenshot(path=str(shots / "fill_explained.png"), full_page=True)
    page.click("#fill-save")
    page.wait_for_url("**/submissions/*?uploaded=1")
    page.click("#submit-form button")
    expect(page.locator("#status")).to_have_text("已提交")
    url = page.url

    review = page_as(base, "sup_a")
    review.goto(url)
    rev = review.locator("#figures tr[data-item='revenue']")
    expect(rev.locator(".explanation")).to_have_text("6月多计收入已冲回")
    expect(rev.locator("td.previous")).to_have_text("500.00")
    expect(rev.locator("td.change")).to_have_text("-100.00")
    profit = review.locator("#figures tr[data-item='total_profit']")
    expect(profit).to_have_class("jump")
    expect(profit.locator("td.previous")).to_have_text("30.00")
    expect(review.locator("#entities")).to_contain_text("甲一")
    review.screenshot(path=str(shots / "review_lines.png"), full_page=True)
