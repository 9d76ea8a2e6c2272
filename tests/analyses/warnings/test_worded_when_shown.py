"""A warning keeps its sentence as data and words it only when shown, in the language asked (issue 18).

A group of 100 000 entities has about 200 000 warnings, most never shown; wording each in Chinese
and English up front cost half of the warnings' time. Here the wording is counted: none while the
rules run, one sentence per language asked, the same text as the rule's template filled by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from guozi.analyses.warnings import evaluate_warnings, results
from guozi.analyses.warnings.results import warning_fields
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

MakeWorkspace = Callable[..., Workspace]
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


def test_no_sentence_is_worded_until_shown_and_then_only_in_its_language(
    risk_ws: MakeWorkspace, worded: list[str]
) -> None:
    # net profit Jan–Jun −1, −2, −3 万元 in 2023, 2024, 2025: a loss now, and three years of losses
    figures = {("A", f"{y}-06"): {"net_profit": v} for y, v in ((2023, -1), (2024, -2), (2025, -3))}
    ws = risk_ws([{"entity_id": "A", "name": "甲公司", "industry": "C"}], figures)
    report = evaluate_warnings(ws, P, only=["loss", "consecutive_losses"])
    assert {w.rule for w in report.warnings} == {"loss", "consecutive_losses"}
    assert worded == []  # the rules ran; nothing was worded

    loss = next(w for w in report.warnings if w.rule == "loss")
    # the rule's template "本年累计净利润{value}，出现亏损" with −3 万元 = −30 000 元 shown in 万元
    assert loss.message("zh") == "本年累计净利润-3.00万元，出现亏损"
    assert worded == ["zh"]
    # "net profit year to date is {value}: a loss", −30 000 元 shown in million yuan: −0.03
    assert loss.message_en == "net profit year to date is -0.03 million yuan: a loss"
    assert worded == ["zh", "en"]

    years = next(w for w in report.warnings if w.rule == "consecutive_losses")
    # "net loss in the same period of {n} consecutive years: {values}", the values oldest first, "; " between
    assert years.message_en == (
        "net loss in the same period of 3 consecutive years: "
        "2023-06 -0.01 million yuan; 2024-06 -0.02 million yuan; 2025-06 -0.03 million yuan"
    )
    assert years.figures["values"] == {
        "2023-06": Decimal(-10000),
        "2024-06": Decimal(-20000),
        "2025-06": Decimal(-30000),
    }
    assert years.figures["n"] == 3


def test_a_warning_as_a_record_carries_both_sentences_and_its_figures(risk_ws: MakeWorkspace) -> None:
    ws = risk_ws([{"entity_id": "A", "name": "甲公司", "industry": "C"}], {("A", "2025-06"): {"net_profit": -3}})
    (loss,) = evaluate_warnings(ws, P, only=["loss"]).warnings
    record = warning_fields(loss)
    assert list(record)[-4:] == ["message_en", "source", "confirmed", "figures"]
    assert record["message_zh"] == "本年累计净利润-3.00万元，出现亏损"
    assert record["figures"]["value"] == Decimal(-30000)
    assert "templates" not in record and "shown" not in record
