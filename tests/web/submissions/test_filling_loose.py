"""Numbers typed in the browser form as accountants write them (issue 19): read exactly as an upload
reads the form's cells (:func:`guozi.ingest.loose.loose_number`, on the server), with the same 提示
beside the line, and saved as the number read; a text that is no number is refused beside its line.

The group of tests/web/conftest.py (figures in 万元): A1 filed June 2025 with revenue 500, total
profit 30, assets 300, liabilities 120, equity 180. Here A1 files July 2025 (balanced again:
300 = 120 + 180; revenue's year to date above June's, so no check but the 提示 speaks).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.web.submissions.test_filling import JULY, _save
from tests.web.test_submissions import ClientAs

# as typed: 1,234.50 a plain grouped number (the contract's own, no 提示); (3.5) a bracket negative;
# －12 a full-width minus; ３００ full-width digits; 12a no number at all
TYPED = {
    "revenue": "1,234.50",
    "total_profit": "(3.5)",
    "net_profit": "－12",
    "total_assets": "３００",
    "total_liabilities": "120",
    "total_equity": "12a",
}


def _notice(item: str, found: str, read: str) -> str:
    """The 提示 of rules/validation.yaml value.loose_number, filled in by hand for A1 2025-07."""
    return f"A1 2025-07 {item}：{found} 按 {read} 读取（括号表示负数，全角数字按半角读取）；请确认"


def _check(c: TestClient, values: dict[str, str], **params: str) -> dict[str, Any]:
    r = c.post("/api/v1/submissions/check", json={**JULY, "values": values}, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_the_check_reads_loose_numbers_with_a_notice_on_their_lines(client_as: ClientAs) -> None:
    result = _check(client_as("filer_a"), TYPED)
    shown = sorted((p["item"], p["rule"], p["severity"], p["found"], p["message"]) for p in result["problems"])
    assert shown == [
        ("net_profit", "value.loose_number", "notice", "－12", _notice("net_profit", "－12", "-12")),
        ("total_assets", "value.loose_number", "notice", "３００", _notice("total_assets", "３００", "300")),
        ("total_equity", "value.not_numeric", "blocking", "12a", "所有者权益合计（total_equity）：数值不是数字：'12a'"),
        ("total_profit", "value.loose_number", "notice", "(3.5)", _notice("total_profit", "(3.5)", "-3.5")),
    ]
    assert result["ok"] is False  # 12a is 强制
    assert result["read"] == {"total_profit": "-3.5", "net_profit": "-12", "total_assets": "300"}


def test_the_line_is_named_in_english_too(client_as: ClientAs) -> None:
    result = _check(client_as("filer_a"), {"total_equity": "12a"}, lang="en")
    assert [p["message"] for p in result["problems"]] == [
        "Total owners' equity (total_equity): value is not a number: '12a'"
    ]


def test_saving_stores_the_numbers_read(client_as: ClientAs) -> None:
    """In 元 (万元 × 10 000): revenue 1 234.50 → 12 345 000; (3.5) → −35 000; －12 → −120 000;
    ３００ → 3 000 000; liabilities 1 200 000, equity 1 800 000."""
    filer = client_as("filer_a")
    fixed = {**TYPED, "total_equity": "180"}
    assert _check(filer, fixed)["ok"] is True  # only 提示 remain
    sid = _save(filer, **{f"v:{k}": v for k, v in fixed.items()})
    lines = {f["item"]: Decimal(f["value"]) for f in filer.get(f"/api/v1/submissions/{sid}").json()["lines"]}
    assert lines == {
        "revenue": Decimal(12_345_000),
        "total_profit": Decimal(-35_000),
        "net_profit": Decimal(-120_000),
        "total_assets": Decimal(3_000_000),
        "total_liabilities": Decimal(1_200_000),
        "total_equity": Decimal(1_800_000),
    }


def test_a_refused_save_shows_the_notice_and_the_error_beside_the_lines(client_as: ClientAs) -> None:
    filer = client_as("filer_a")
    r = filer.post("/submissions/fill", data={**JULY, **{f"v:{k}": v for k, v in TYPED.items()}})
    assert r.status_code == 422
    assert "所有者权益合计（total_equity）：数值不是数字：&#39;12a&#39;" in r.text
    assert _notice("total_profit", "(3.5)", "-3.5") in r.text
    assert 'value="(3.5)"' in r.text  # the figure as typed stays in its cell
    assert filer.get("/api/v1/submissions").json()["submissions"] == []  # nothing written
