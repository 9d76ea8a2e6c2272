"""Warning rules as data: the shipped rules, a user's file switching one off, a bad file refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guozi.analyses.warnings import RuleSet, evaluate_warnings, load_rules
from guozi.kernel.errors import CatalogError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

MakeWorkspace = Callable[..., Workspace]
WriteFile = Callable[[str, str], Path]

P = Period.parse("2025-06")


def fired(ws: Workspace, rule: str, rules: RuleSet | None = None) -> bool:
    """Whether ``rule`` fires for the entity A in ``P``."""
    return any(w.rule == rule and w.entity_id == "A" for w in evaluate_warnings(ws, P, rules=rules))


def test_every_shipped_rule_has_both_sentences_and_a_source() -> None:
    """The shipped rules load and each names its source; the brief's rule kinds are all there."""
    rules = load_rules()
    kinds = {r.kind for r in rules.rules}
    assert {"debt_line", "debt_rising", "below", "consecutive", "loss_grew", "sign_gap", "growth_gap", "rise"} <= kinds
    assert all(r.source and r.message_zh and r.message_en for r in rules.rules)


def test_a_disabled_rule_is_not_checked(risk_ws: MakeWorkspace, write_file: WriteFile) -> None:
    """``enabled: false`` in a user file switches a shipped rule off."""
    path = write_file(
        "off.yaml",
        """
rules:
  - code: loss
    kind: below
    indicator: net_profit
    severity: medium
    enabled: false
    params: {threshold: 0}
    message_zh: "亏损"
    message_en: "loss"
""",
    )
    ws = risk_ws([{"entity_id": "A", "name": "甲公司", "industry": "C"}], {("A", "2025-06"): {"net_profit": -1}})
    rules = load_rules([path])
    assert not fired(ws, "loss", rules=rules)
    assert not fired(ws, "loss_grew", rules=rules)  # no prior year: a gap, not a warning
    assert fired(ws, "loss")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (
            "rules:\n  - {code: x, kind: nonsense, indicator: net_profit, severity: high, message_zh: a, message_en: b}",
            "nonsense",
        ),
        (
            "rules:\n  - {code: x, kind: below, indicator: net_profit, severity: high, message_zh: a, message_en: b}",
            "threshold",
        ),
        (
            "rules:\n  - {code: x, kind: below, indicator: net_profit, severity: high, params: {threshold: 0},"
            " message_zh: '{line}', message_en: b}",
            "line",
        ),
        (
            "rules:\n  - {code: x, kind: below, indicator: net_profit, severity: dire, params: {threshold: 0},"
            " message_zh: a, message_en: b}",
            "dire",
        ),
    ],
)
def test_a_bad_rule_file_is_refused_naming_the_problem(write_file: WriteFile, text: str, word: str) -> None:
    """Unknown kind, missing parameter, a placeholder the kind lacks, an unknown severity."""
    with pytest.raises(CatalogError) as exc:
        load_rules([write_file("bad.yaml", text)])
    assert word in exc.value.message_en
