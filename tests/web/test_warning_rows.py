"""The web's warnings: kept as data per store state, each sentence worded when a page reads it (issue 18).

The group of ``conftest.py``: A2's net profit Jan–Jun 2025 is −6 万元, a loss (rule ``loss``).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from guozi.analyses.warnings import results
from guozi.kernel.periods import Period
from guozi.web.data import WebData
from guozi.workspace import Workspace
from tests.web.conftest import sign_in

P = Period.parse("2025-06")


@pytest.fixture
def worded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages of every sentence worded from now on."""
    calls: list[str] = []
    real = results.render  # type: ignore[attr-defined]  # the name results.py words a sentence with

    def counted(template: str, figures: Any, lang: str) -> str:
        calls.append(lang)
        return real(template, figures, lang)

    monkeypatch.setattr(results, "render", counted)
    return calls


def test_the_warm_up_words_no_sentence_and_a_row_words_its_own_once(group_ws: Workspace, worded: list[str]) -> None:
    data = WebData(group_ws)
    data.warm()  # what `guozi serve` does at start: the overview's figures, the warnings among them
    rows = data.warnings(P, "G")["warnings"]
    assert worded == []
    loss = next(r for r in rows if r["rule"] == "loss" and r["entity_id"] == "A2")
    assert "message_zh" not in loss and loss["value"] == -60_000.0  # −6 万元 in 元, as JSON carries it
    assert loss["message_zh"] == "本年累计净利润-6.00万元，出现亏损"
    assert loss["message_zh"] == "本年累计净利润-6.00万元，出现亏损"  # kept: worded once
    assert worded == ["zh"]
    assert loss["message_en"] == "net profit year to date is -0.06 million yuan: a loss"
    assert worded == ["zh", "en"]
    with pytest.raises(KeyError):
        loss["no_such_field"]


def test_the_warnings_page_words_the_sentences_in_the_users_language(app: FastAPI) -> None:
    client = TestClient(app)
    assert sign_in(client, "admin").status_code == 200
    zh = client.get("/api/v1/warnings", params={"entity": "A"}).json()["rows"]
    en = client.get("/api/v1/warnings", params={"entity": "A", "lang": "en"}).json()["rows"]
    assert {r["message"] for r in zh if r["rule"] == "loss"} == {"本年累计净利润-6.00万元，出现亏损"}
    assert {r["message"] for r in en if r["rule"] == "loss"} == {
        "net profit year to date is -0.06 million yuan: a loss"
    }


def test_the_panels_rows_by_entity_are_the_panels_own(group_ws: Workspace) -> None:
    """A1's total profit 30 万元 against 25 a year before (conftest GROUP): change 5 万元, growth 5/25 = 20%;
    G's children sum: A 40 + B 50 = 90 万元. Figures in 元, as JSON numbers."""
    data = WebData(group_ws)
    reported, sums = data.full_panel(P, "reported"), data.full_panel(P, "children")
    assert len(reported) == 6 and "A1" in reported and "X" not in reported
    row = reported["A1"]["total_profit"]
    assert (row["value"], row["prior_value"], row["change"]) == (300_000.0, 250_000.0, 50_000.0)
    assert row["growth"] == pytest.approx(20.0)
    assert row["unit"] == "元" and row["note_zh"] == "" and row["note_en"] == ""
    assert sums["G"]["total_profit"]["value"] == 900_000.0
    assert reported.get("X", {}) == {}
    with pytest.raises(KeyError):
        reported["X"]
    assert reported["A1"] is reported["A1"]  # made once


def test_the_loss_makers_rows_are_made_in_the_language_read(group_ws: Workspace) -> None:
    """A2's net profit −6 万元 Jan–Jun 2025 (conftest GROUP): a loss-maker; its row is made in a
    language only when a page reads that language's rows."""
    data = WebData(group_ws)
    data.warm()
    losses = data.losses(P, "G")
    assert "entities_zh" not in losses and "entities_en" not in losses  # the warm-up made neither
    zh = {r["entity_id"]: r for r in losses["entities_zh"]}
    assert zh["A2"]["value"] == -60_000.0 and zh["A2"]["status_label"] == "新增亏损"
    assert "entities_en" not in losses and losses["entities_zh"] is losses["entities_zh"]  # kept, made once
    en = {r["entity_id"]: r for r in losses["entities_en"]}
    assert en["A2"]["status_label"] == "newly loss-making" and en["A2"]["value"] == -60_000.0
    with pytest.raises(KeyError):
        losses["entities_fr"]
