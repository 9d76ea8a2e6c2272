"""Schema 5 on both stores: intercompany rows versioned like facts, the period lifecycle's events, and
the rule that a closed period takes no figures (guozi.store.lifecycle), whole batch refused.

Hand-worked values: submission 1 lands A's receivable from B 100, B's payable to A 100 and A's
sales to B 50 (2025-06); submission 2 restates A's receivable to 120; a draft (submission 3)
restates it to 999 and does not count until approved. So the current rows are A→B receivable 120,
A→B revenue 50, B→A payable 100.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from guozi.kernel.errors import GuoziError
from guozi.store import Store
from guozi.store.batch import INTERCOMPANY_SCHEMA, Batch, SourceFile

from .batches import facts_batch


def ic_batch(folder: Path, name: str, rows: list[tuple[str, str, int, str, str]]) -> Batch:
    """An intercompany file's rows (entity, counterparty, period, item, value in yuan), as the contract reads them."""
    path = folder / name
    path.write_text(repr(rows), encoding="utf-8")  # only its hash matters
    table = pa.table(
        {
            "entity_id": [r[0] for r in rows],
            "counterparty_id": [r[1] for r in rows],
            "period": pa.array([r[2] for r in rows], pa.int32()),
            "item": [r[3] for r in rows],
            "value": pa.array([Decimal(r[4]) for r in rows], pa.decimal128(22, 4)),
            "source": [str(path)] * len(rows),
            "sheet": [""] * len(rows),
            "row": pa.array(range(2, 2 + len(rows)), pa.int64()),
        },
        schema=INTERCOMPANY_SCHEMA,
    )
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return Batch(intercompany=table, files=[SourceFile(path, "intercompany", sha, len(rows))])


def current_ic(store: Store) -> list[tuple[str, str, int, str, Decimal]]:
    rows = store.intercompany().to_pyarrow().to_pylist()
    return sorted((r["entity_id"], r["counterparty_id"], r["period"], r["item"], r["value"]) for r in rows)


def test_intercompany_rows_are_versioned_like_facts(store: Store, tmp_path: Path) -> None:
    first = [
        ("A", "B", 202506, "ic_receivable", "100"),
        ("B", "A", 202506, "ic_payable", "100"),
        ("A", "B", 202506, "ic_revenue", "50"),
    ]
    store.write(ic_batch(tmp_path, "ic1.csv", first), user="u")
    store.write(ic_batch(tmp_path, "ic2.csv", [("A", "B", 202506, "ic_receivable", "120")]), user="u")
    draft = store.write(
        ic_batch(tmp_path, "ic3.csv", [("A", "B", 202506, "ic_receivable", "999")]), user="f", status="draft"
    )
    expected = [
        ("A", "B", 202506, "ic_receivable", Decimal("120.0000")),
        ("A", "B", 202506, "ic_revenue", Decimal("50.0000")),
        ("B", "A", 202506, "ic_payable", Decimal("100.0000")),
    ]
    assert current_ic(store) == expected
    assert [s.kind for s in store.submissions()] == ["intercompany"] * 3
    store.set_status(draft.submissions[0].id, "approved", user="boss")
    assert current_ic(store)[0] == ("A", "B", 202506, "ic_receivable", Decimal("999.0000"))


def test_intercompany_lands_with_the_facts_in_one_transaction(store: Store, tmp_path: Path) -> None:
    """One file bringing facts and intercompany rows: both land under its one submission."""
    facts = facts_batch(tmp_path, "7", item="revenue")
    ic = ic_batch(tmp_path, "other.csv", [("A", "B", 202506, "ic_revenue", "3")])
    assert ic.intercompany is not None
    source = str(facts.files[0].path)
    rows = ic.intercompany.set_column(5, "source", pa.array([source], pa.string()))
    [sub] = store.write(Batch(facts=facts.facts, intercompany=rows, files=facts.files), user="u").submissions
    assert store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("7.0000")]
    assert current_ic(store) == [("A", "B", 202506, "ic_revenue", Decimal("3.0000"))]
    assert [s.id for s in store.submissions()] == [sub.id]


def test_period_events_are_appended_and_read_back(store: Store) -> None:
    opened = store.add_period_event(202506, "open", user="boss", deadline=date(2025, 7, 10))
    closed = store.add_period_event(202506, "close", user="boss", root="G")
    again = store.add_period_event(202506, "reopen", user="root", root="G", reason="审计调整")
    events = store.period_events()
    assert [(e.id, e.period, e.root, e.action, e.deadline, e.reason, e.user) for e in events] == [
        (1, 202506, "", "open", date(2025, 7, 10), "", "boss"),
        (2, 202506, "G", "close", None, "", "boss"),
        (3, 202506, "G", "reopen", None, "审计调整", "root"),
    ]
    assert events == [opened, closed, again]
    assert store.period_events(202507) == []
    assert store.version()[2] == 3


def test_an_unknown_action_or_period_is_refused(store: Store) -> None:
    with pytest.raises(GuoziError, match="lock"):
        store.add_period_event(202506, "lock", user="boss")  # type: ignore[arg-type]
    with pytest.raises(GuoziError):
        store.add_period_event(202513, "close", user="boss")
    assert store.period_events() == []


def _state(store: Store) -> tuple[int, list[dict[str, object]], list[tuple[str, str, int, str, Decimal]]]:
    return (len(store.submissions()), store.facts().to_pyarrow().to_pylist(), current_ic(store))


def test_a_closed_period_refuses_figures_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    """Whole tree closed for 2025-06: A's June cash and A's June intercompany row are refused, nothing
    written; July is open. After a reopen the same file lands."""
    store.add_period_event(202506, "open", user="boss", deadline=date(2025, 7, 10))
    store.add_period_event(202506, "close", user="boss")
    before = _state(store)
    with pytest.raises(GuoziError) as refused:
        store.write(facts_batch(tmp_path, "5"), user="u")
    assert "2025-06" in refused.value.message_zh and "已关账" in refused.value.message_zh
    assert "2025-06 is closed" in refused.value.message_en and "A 2025-06" in refused.value.message_en
    with pytest.raises(GuoziError, match="2025-06"):
        store.write(ic_batch(tmp_path, "ic.csv", [("A", "B", 202506, "ic_revenue", "1")]), user="u", status="draft")
    assert _state(store) == before
    store.write(ic_batch(tmp_path, "ic7.csv", [("A", "B", 202507, "ic_revenue", "1")]), user="u")
    assert current_ic(store) == [("A", "B", 202507, "ic_revenue", Decimal("1.0000"))]
    store.add_period_event(202506, "reopen", user="root", reason="更正")
    store.write(facts_batch(tmp_path, "5"), user="u")
    assert store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("5.0000")]


def test_a_root_close_refuses_that_entity_only_and_the_latest_event_decides(store: Store, tmp_path: Path) -> None:
    """Closing root A refuses A's figures but not B's; a later whole-tree reopen lets A's in again;
    a whole-tree close after a root reopen refuses again (the latest of whole-tree and own events)."""
    store.add_period_event(202506, "close", user="boss", root="A")
    with pytest.raises(GuoziError, match="A 2025-06"):
        store.write(facts_batch(tmp_path, "5"), user="u")
    store.write(ic_batch(tmp_path, "b.csv", [("B", "A", 202506, "ic_payable", "4")]), user="u")
    assert current_ic(store) == [("B", "A", 202506, "ic_payable", Decimal("4.0000"))]
    store.add_period_event(202506, "reopen", user="boss", reason="补报")
    store.write(facts_batch(tmp_path, "5"), user="u")
    store.add_period_event(202506, "close", user="boss")
    with pytest.raises(GuoziError, match="A 2025-06"):
        store.write(facts_batch(tmp_path, "6", name="facts2.csv"), user="u")
    assert store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("5.0000")]


def test_a_closed_period_refuses_a_write_inside_atomic_and_rolls_back(store: Store, tmp_path: Path) -> None:
    store.add_period_event(202506, "close", user="boss")
    with pytest.raises(GuoziError), store.atomic():
        store.audit(user="u", action="import", target="x")
        store.write(facts_batch(tmp_path, "5"), user="u")
    assert store.audit_log() == [] and store.submissions() == []
