"""The warnings kept as columns (:class:`Findings`): made only when read, grouped as ``same_fact`` groups them (issue 18).

The grouping (:func:`~guozi.analyses.warnings.results.same_fact_positions`, behind both
:meth:`Findings.same_fact` and :func:`~guozi.analyses.warnings.results.same_fact`) is checked against
a reference kept here, a dict of lists and two stable sorts over the warnings themselves (the code
the outputs used before), on random warnings in any order: entities, indicators and severities drawn from a few values, so that groups
of several warnings, ties of severity and groups whose lead is not their first warning all occur.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guozi.analyses.warnings import Findings, RiskWarning, check, evaluate_warnings, same_fact
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

MakeWorkspace = Callable[..., Workspace]
P = Period.parse("2025-06")


def _warning(entity: str, indicator: str, rank: int, rule: str) -> RiskWarning:
    return RiskWarning(
        entity_id=entity,
        name=f"name of {entity}",
        period="2025-06",
        rule=rule,
        rule_name_zh=rule,
        rule_name_en=rule,
        severity=f"s{rank}",
        severity_rank=rank,
        indicator=indicator,
        value=None,
        threshold=None,
        reference=None,
        unit="%",
        templates=("", ""),
        shown={},
        source="",
        confirmed=True,
    )


warnings_drawn = st.lists(
    st.builds(
        _warning,
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(["x", "y"]),
        st.integers(1, 3),
        st.sampled_from(["r1", "r2", "r3", "r4"]),
    ),
    max_size=40,
)


def _reference(items: list[RiskWarning]) -> list[list[RiskWarning]]:
    """Grouped by entity, period and indicator in the order each first appears, each group most
    serious first, the groups by their most serious warning (stable sorts)."""
    groups: dict[tuple[str, str, str], list[RiskWarning]] = {}
    for w in items:
        groups.setdefault((w.entity_id, w.period, w.indicator), []).append(w)
    out = [sorted(g, key=lambda w: -w.severity_rank) for g in groups.values()]
    out.sort(key=lambda g: -g[0].severity_rank)
    return out


@settings(max_examples=200, deadline=None)
@given(warnings_drawn)
def test_groups_by_columns_are_same_facts_groups(drawn: list[RiskWarning]) -> None:
    found = Findings.made(drawn)
    order, bounds = found.same_fact()
    by_columns = [[drawn[k] for k in order[bounds[g] : bounds[g + 1]]] for g in range(len(bounds) - 1)]
    expected = [[id(w) for w in g] for g in _reference(drawn)]
    assert [[id(w) for w in g] for g in by_columns] == expected
    assert [[id(w) for w in g] for g in same_fact(drawn, getattr)] == expected
    assert found.leads().tolist() == [order[b] for b in bounds[:-1].tolist()]


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule of every warning made from now on."""
    calls: list[str] = []
    real = RiskWarning

    def counted(**fields: Any) -> RiskWarning:
        calls.append(fields["rule"])
        return real(**fields)

    monkeypatch.setattr(check, "RiskWarning", counted)
    return calls


def test_a_warning_is_made_when_read_and_once(risk_ws: MakeWorkspace, made: list[str]) -> None:
    # net profit Jan–Jun −1 万元 for A and B, +1 for C: two losses (rule loss), none for C
    figures = {(e, "2025-06"): {"net_profit": v} for e, v in (("A", -1), ("B", -1), ("C", 1))}
    entities = [{"entity_id": e, "name": f"{e}公司", "industry": "C"} for e in "ABC"]
    report = evaluate_warnings(risk_ws(entities, figures), P, only=["loss"])
    found = report.warnings
    assert isinstance(found, Findings)
    assert len(found) == 2 and found.column("entity_id").tolist() == ["A", "B"]
    assert found.column("rule").tolist() == ["loss", "loss"] and found.column("name").tolist() == ["A公司", "B公司"]
    assert made == []  # counted and listed by columns: nothing made
    assert found[1].entity_id == "B" and found[1].value == -10_000  # −1 万元 in 元
    assert made == ["loss"]
    assert found[1] is found[-1]  # kept: made once
    assert made == ["loss"]
    assert [w.entity_id for w in found] == ["A", "B"] and made == ["loss", "loss"]
    with pytest.raises(IndexError):
        found[2]
    assert found == tuple(found) and found != (found[0],)
    again = pickle.loads(pickle.dumps(report))  # a report job's process reads it whole
    assert again.warnings == found and again.warnings.column("severity").tolist() == found.column("severity").tolist()
