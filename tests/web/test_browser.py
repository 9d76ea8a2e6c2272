"""The browser test of issue 6: Playwright driving Debian's Chromium against the app served by uvicorn.

A filer of A signs in, uploads A's June report form with a text where a figure belongs and reads the
message naming the cell, uploads the corrected form (total profit 45 万元 instead of 40) and submits
it; a supervisor of A sees the overview still at 40.00, approves, and sees 45.00. Screenshots of each
step go to ``test-artifacts/browser/`` at the repository root.
"""

from __future__ import annotations

from pathlib import Path

from guozi.kernel.periods import Period
from guozi.workspace import Workspace
from tests.ingest.test_template import fill
from tests.web.browser import ARTIFACTS, PageAs, Serve, artifacts, sign_in, sign_out


def test_filer_uploads_fixes_submits_and_supervisor_approves(
    group_copy: Workspace, serve: Serve, page_as: PageAs, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    ws = group_copy
    base = serve(ws)
    for old in artifacts().glob("*.png"):
        old.unlink()
    blank = ws.template("A", Period.parse("2025-06"), tmp_path / "A_2025-06.xlsx")
    bad = fill(blank, {"total_profit": "四十五"}, tmp_path / "A_2025-06_bad.xlsx")
    good = fill(blank, {"total_profit": 45}, tmp_path / "A_2025-06.xlsx")
    step = {"n": 0}

    def shot(page: Page, name: str) -> None:
        step["n"] += 1
        page.screenshot(path=str(ARTIFACTS / f"{step['n']:02d}-{name}.png"), full_page=True)

    def profit_card(page: Page) -> str:
        card = page.locator("a.card[href^='/indicator/total_profit'] .value")
        return card.inner_text()

    # the filer
    page = page_as(base, "filer_a")
    shot(page, "filer-signed-in")
    page.goto(f"{base}/submissions/new")
    page.set_input_files("input[type=file]", str(bad))
    page.click("#upload-form button[type=submit]")
    problem = page.locator("#problems table.problems tbody tr").first
    cell = problem.locator("td.cell").inner_text()
    assert cell.startswith("利润表!C") and cell[5:].isdigit()
    assert "不是数字" in problem.locator("td.message").inner_text()
    expect(page.locator("#problems p.error")).to_contain_text("未写入任何数据")
    shot(page, "filer-upload-refused")
    page.set_input_files("input[type=file]", str(good))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/submissions/*?uploaded=1")
    expect(page.locator("#status")).to_have_text("草稿")
    shot(page, "filer-draft")
    page.click("#submit-form button")
    expect(page.locator("#status")).to_have_text("已提交")
    shot(page, "filer-submitted")
    sign_out(page, base)
    # the supervisor
    sign_in(page, base, "sup_a")
    assert profit_card(page).startswith("40.00")  # A's June total profit before approval: 40 万元
    shot(page, "supervisor-overview-before")
    page.goto(f"{base}/submissions?status=submitted")
    page.click("#submissions tbody tr a")
    page.fill("#review-form textarea[name=comment]", "核对无误")
    page.click("#review-form button[value=approve]")
    expect(page.locator("#status")).to_have_text("已通过")
    expect(page.locator("#reviews")).to_contain_text("核对无误")
    shot(page, "supervisor-approved")
    page.goto(f"{base}/")
    assert profit_card(page).startswith("45.00")  # after approval: 45 万元
    shot(page, "supervisor-overview-after")
    assert len(list(ARTIFACTS.glob("*.png"))) == step["n"] == 7
