"""The store's rule for closed months (guozi.store.lifecycle), on hand-made events.

Tree of June 2025 (period 202506): G above A and B, A above A1. Events by id, each worked out by
the rule (the latest close or reopen of the whole tree, the entity or one of its ancestors decides;
open counts for nothing).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pyarrow as pa
import pytest

from guozi.kernel.errors import GuoziError
from guozi.store.base import PeriodEvent
from guozi.store.lifecycle import closed_by, closed_state, refuse_closed, tree_chains

JUNE = 202506
AT = datetime(2026, 12, 8, 9, 30)
CHAINS = {"G": {"G"}, "A": {"G", "A"}, "B": {"G", "B"}, "A1": {"G", "A", "A1"}}


def ev(i: int, root: str, action: str, period: int = JUNE) -> PeriodEvent:
    return PeriodEvent(i, AT, "hq", period, root, action)  # type: ignore[arg-type]


def closed(events: list[PeriodEvent]) -> set[str]:
    state = closed_state(events)
    return {e for e, roots in CHAINS.items() if closed_by(state, JUNE, roots) is not None}


@pytest.mark.parametrize(
    ("events", "locked"),
    [
        ([], set()),
        ([ev(1, "A", "close")], {"A", "A1"}),  # A's subtree, A1 in it
        ([ev(1, "", "close")], {"G", "A", "B", "A1"}),
        ([ev(1, "", "close"), ev(2, "A", "reopen")], {"G", "B"}),  # A's subtree reopened inside
        ([ev(1, "", "close"), ev(2, "A", "reopen"), ev(3, "A1", "close")], {"G", "B", "A1"}),
        ([ev(1, "", "close"), ev(2, "A", "reopen"), ev(3, "", "close")], {"G", "A", "B", "A1"}),
        ([ev(1, "A", "close"), ev(2, "A", "open")], {"A", "A1"}),  # open unlocks nothing
        ([ev(1, "A", "close"), ev(2, "", "reopen")], set()),  # the whole tree reopened is latest for all
        ([ev(1, "A", "close", 202505)], set()),  # another month
    ],
)
def test_the_latest_close_or_reopen_of_the_chain_decides(events: list[PeriodEvent], locked: set[str]) -> None:
    assert closed(events) == locked


def test_the_chains_come_from_the_tree_of_the_entity_rows() -> None:
    """A1 sits under A from June (valid_from 2025-06): in June its ancestors are A and G, in May it is no entity."""
    rows = pd.DataFrame(
        [
            {"entity_id": "G", "parent_id": None, "valid_from": None, "valid_to": None},
            {"entity_id": "A", "parent_id": "G", "valid_from": None, "valid_to": None},
            {"entity_id": "A1", "parent_id": "A", "valid_from": "2025-06", "valid_to": None},
        ]
    )
    got = tree_chains(rows, {("A1", JUNE), ("A1", 202505), ("X", JUNE)})
    assert got == {("A1", JUNE): {"A", "G"}, ("A1", 202505): set(), ("X", JUNE): set()}


def test_the_refusal_names_each_pair_its_root_who_and_when() -> None:
    facts = pa.table({"entity_id": ["A1", "B", "A1"], "period": pa.array([JUNE, JUNE, 202507], pa.int32())})
    with pytest.raises(GuoziError) as refused:
        refuse_closed([ev(1, "A", "close")], [facts], lambda pairs: {p: CHAINS[p[0]] for p in pairs})
    assert refused.value.message_zh.startswith(
        "期间 2025-06 已关账，不能再导入或上报其数据：A1 2025-06（A 及其下属企业由 hq 于 2026-12-08 09:30 UTC 关账）；"
        "请先 guozi period reopen 2025-06 --entity A --reason"
    )
    assert "A1 2025-06 (A's subtree closed by hq at 2026-12-08 09:30 UTC)" in refused.value.message_en
    assert "B 2025-06" not in refused.value.message_en  # B is not under A
    refuse_closed([ev(1, "A", "close")], [facts])  # without the tree, A's event reaches A alone: no refusal
