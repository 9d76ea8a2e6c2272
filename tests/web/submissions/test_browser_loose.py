"""Numbers typed as accountants write them in the browser form, in Chromium (issue 19).

The group of tests/web/conftest.py (万元): A1 filed June 2025 with revenue 500, total profit 30,
assets 300, liabilities 120, equity 180. A1 types July 2025: 营业收入 「６５０」 (full-width) is read
as 650 — its 本月数 650 − 500 = 150.00 — with a 提示 on its line; 利润总额 ``(3.5)`` is −3.5 with a
提示; 所有者权益合计 ``12a`` is refused on its line, named with what was typed. Corrected to 180 and
saved, the draft holds 6 500 000 元 and −35 000 元 (万元 × 10 000), and reopened it still shows the
two 提示 beside their lines (kept with the draft).
"""

from __future__ import annotations

from decimal import Decimal

from guozi.workspace import Workspace
from tests.web.browser import PageAs, Serve, artifacts


def test_browser_form_reads_loose_numbers_with_a_notice(group_copy: Workspace, serve: Serve, page_as: PageAs) -> None:
    from playwright.sync_api import expect

    base = serve(group_copy)
    page = page_as(base, "filer_a")
    page.goto(f"{base}/submissions/fill?entity=A1&period=2025-07")
    page.fill("#v-total_assets", "300")
    page.fill("#v-total_liabilities", "120")
    page.fill("#v-total_profit", "(3.5)")
    page.fill("#v-total_equity", "12a")
    page.fill("#v-revenue", "６５０")
    revenue = page.locator("tr[data-item='revenue']")
    expect(revenue.locator("td.checks")).to_contain_text(
        "A1 2025-07 revenue：６５０ 按 650 读取（括号表示负数，全角数字按半角读取）；请确认"
    )
    expect(revenue).to_have_class("sev-notice")
    expect(revenue.locator("td.month")).to_have_text("150.00")  # 650 read, less June's 500
    profit = page.locator("tr[data-item='total_profit'] td.checks")
    expect(profit).to_contain_text("(3.5) 按 -3.5 读取")
    expect(profit.locator(".pill")).to_have_text("提示")
    equity = page.locator("tr[data-item='total_equity']")
    expect(equity.locator("td.checks")).to_contain_text("所有者权益合计（total_equity）：数值不是数字：'12a'")
    expect(equity).to_have_class("sev-blocking")
    page.screenshot(path=str(artifacts() / "fill_loose.png"), full_page=True)

    page.fill("#v-total_equity", "180")
    expect(equity.locator("td.checks")).to_have_text("")
    page.click("#fill-save")
    page.wait_for_url(f"{base}/submissions/*")
    sid = page.url.split("/submissions/")[1].split("?")[0]
    detail = page.request.get(f"{base}/api/v1/submissions/{sid}").json()
    saved = {f["item"]: Decimal(f["value"]) for f in detail["lines"]}
    assert saved == {
        "revenue": Decimal(6_500_000),
        "total_profit": Decimal(-35_000),
        "total_assets": Decimal(3_000_000),
        "total_liabilities": Decimal(1_200_000),
        "total_equity": Decimal(1_800_000),
    }
    # the 提示 are kept with the draft: reopened, its page and its JSON still say what was typed
    notices = {f["item"]: [(n["found"], n["message"]) for n in f["notices"]] for f in detail["lines"] if f["notices"]}
    assert notices == {
        "revenue": [("６５０", "A1 2025-07 revenue：６５０ 按 650 读取（括号表示负数，全角数字按半角读取）；请确认")],
        "total_profit": [
            ("(3.5)", "A1 2025-07 total_profit：(3.5) 按 -3.5 读取（括号表示负数，全角数字按半角读取）；请确认")
        ],
    }
    page.goto(f"{base}/submissions")
    page.goto(f"{base}/submissions/{sid}")
    expect(page.locator("#notices-note")).to_contain_text("有 2 个数按惯用写法读取")
    kept = page.locator("tr[data-item='total_profit'] td.notes .notice")
    expect(kept).to_contain_text("(3.5) 按 -3.5 读取")
    expect(kept.locator(".pill")).to_have_text("提示")
    expect(page.locator("tr[data-item='revenue'] td.notes .notice")).to_contain_text("６５０ 按 650 读取")
    expect(page.locator("tr[data-item='total_assets'] td.notes .notice")).to_have_count(0)
    page.screenshot(path=str(artifacts() / "draft_notices.png"), full_page=True)
