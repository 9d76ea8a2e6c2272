"""A draft saved from the browser form keeps the 提示 of its loosely typed figures (issue 19's
leftover): reopened, its page and its JSON twin still say that ``(3.5)`` was read as −3.5.

The group of tests/web/conftest.py (figures in 万元): A1 filed June 2025 with revenue 500, total
profit 30, assets 300, liabilities 120, equity 180. Here A1 saves July 2025, balanced
(300 = 120 + 180), with three figures typed loosely. Each notice is rules/validation.yaml
``value.loose_number`` filled in by hand (:func:`_notice`, as in test_filling_loose.py).
"""

from __future__ import annotations

from decimal import Decimal

from tests.web.submissions.test_filling import JULY, _save
from tests.web.submissions.test_filling_loose import _notice
from tests.web.test_submissions import ClientAs

TYPED = {
    "v:revenue": "1,234.50",  # a plain grouped number: no 提示
    "v:total_profit": "(3.5)",
    "v:net_profit": "－12",
    "v:total_assets": "３００",
    "v:total_liabilities": "120",
    "v:total_equity": "180",
}
EN = "A1 2025-07 total_profit: (3.5) read as -3.5 (brackets mean a negative, full-width digits read as ASCII); please confirm"


def test_the_reopened_draft_shows_what_was_typed_in_its_json(client_as: ClientAs) -> None:
    filer = client_as("filer_a")
    sid = _save(filer, **TYPED)
    detail = filer.get(f"/api/v1/submissions/{sid}").json()
    assert detail["status"] == "draft"
    shown = {f["item"]: (Decimal(f["value"]), [(n["rule"], n["found"], n["message"]) for n in f["notices"]])
             for f in detail["lines"]}  # fmt: skip
    assert shown == {  # 万元 × 10 000 = 元
        "revenue": (Decimal("12345000"), []),
        "total_profit": (
            Decimal("-35000"),
            [("value.loose_number", "(3.5)", _notice("total_profit", "(3.5)", "-3.5"))],
        ),
        "net_profit": (Decimal("-120000"), [("value.loose_number", "－12", _notice("net_profit", "－12", "-12"))]),
        "total_assets": (
            Decimal("3000000"),
            [("value.loose_number", "３００", _notice("total_assets", "３００", "300"))],
        ),
        "total_liabilities": (Decimal("1200000"), []),
        "total_equity": (Decimal("1800000"), []),
    }
    english = filer.get(f"/api/v1/submissions/{sid}", params={"lang": "en"}).json()
    (profit,) = [f for f in english["lines"] if f["item"] == "total_profit"]
    assert [n["message"] for n in profit["notices"]] == [EN]
    # the reviewer sees them too, after the filer submits
    assert filer.post(f"/api/v1/submissions/{sid}/submit").status_code == 200
    lines = client_as("sup_a").get(f"/api/v1/submissions/{sid}").json()["lines"]
    assert sorted(f["item"] for f in lines if f["notices"]) == ["net_profit", "total_assets", "total_profit"]


def test_the_reopened_draft_page_shows_the_notices_beside_their_lines(client_as: ClientAs) -> None:
    filer = client_as("filer_a")
    sid = _save(filer, **TYPED)
    page = filer.get(f"/submissions/{sid}").text
    assert 'id="notices-note"' in page and "有 3 个数按惯用写法读取" in page
    row = page.split('data-item="total_profit"')[1].split("</tr>")[0]
    assert 'class="note notice" data-rule="value.loose_number"' in row
    assert "total_profit：(3.5) 按 -3.5 读取" in row
    plain = page.split('data-item="revenue"')[1].split("</tr>")[0]
    assert "notice" not in plain
    assert JULY["period"] in page
