"""In Chromium (issue 19): two levels of review and a comment on one line.

The group of ``conftest.py`` with ``review: {two_level: [A]}``. The filer of A uploads A1's June
total profit restated to 32 万元 and submits; ``sup_a`` (the subgroup) passes it at the first level
(「初审通过」); ``sup_g`` (headquarters) types a comment beside the total-profit line and returns it;
the filer reads the comment beside that line. Screenshots go to ``test-artifacts/browser/levels/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guozi.workspace import Workspace
from tests.web.browser import PageAs, Serve, artifacts, sign_in, sign_out
from tests.web.test_review_levels import store_url, two_level_ws
from tests.web.test_submissions import A1_RESTATED

pytestmark = pytest.mark.browser
__all__ = ["store_url", "two_level_ws"]  # the fixtures this module shares


def test_two_levels_and_a_line_comment_in_the_browser(
    two_level_ws: Workspace, serve: Serve, page_as: PageAs, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    base = serve(two_level_ws)  # the two-level group of tests/web/test_review_levels.py
    upload = tmp_path / "facts_a1.csv"
    upload.write_bytes(A1_RESTATED)
    shots = artifacts("levels")  # its own folder: test_browser counts the files of ARTIFACTS

    page = page_as(base, "filer_a")
    page.goto(f"{base}/submissions/new")
    page.set_input_files("input[type=file]", str(upload))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/submissions/*?uploaded=1")
    detail = page.url.split("?")[0]
    page.click("#submit-form button")
    expect(page.locator("#status")).to_have_text("已提交")
    sign_out(page, base)

    sign_in(page, base, "sup_g")  # headquarters first: not yet its turn
    page.goto(detail)
    expect(page.locator("#review-note")).to_contain_text("初审")
    assert page.locator("#review-form").count() == 0
    sign_out(page, base)

    sign_in(page, base, "sup_a")
    page.goto(detail)
    expect(page.locator("#two-level")).to_contain_text("初审")
    page.click("#review-form button[value=approve]")
    expect(page.locator("#status")).to_have_text("初审通过")
    page.screenshot(path=str(shots / "1-checked.png"), full_page=True)
    sign_out(page, base)

    sign_in(page, base, "sup_g")
    page.goto(detail)
    line = page.locator("#figures tr[data-item=total_profit] input.line-comment-input")
    line.fill("利润总额应为 31 万元")
    page.click("#review-form button[value=return]")
    expect(page.locator("#status")).to_have_text("已退回")
    sign_out(page, base)

    sign_in(page, base, "filer_a")
    page.goto(detail)
    cell = page.locator("#figures tr[data-item=total_profit] td.line-comments")
    expect(cell).to_contain_text("利润总额应为 31 万元")
    expect(cell).to_contain_text("sup_g")
    levels = page.locator("#reviews tbody tr td.level").all_inner_texts()
    assert levels == ["", "初审", "复审"]
    page.screenshot(path=str(shots / "2-line-comment.png"), full_page=True)
