"""Checking and importing: explanations of 核实 problems, idempotent re-imports, restatements, history.

The figures are hand-picked; 1 万元 = 10 000 元.
"""

from __future__ import annotations

import csv
import time
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.errors import GuoziError, InvalidInputError, Severity
from guozi.kernel.files import file_hash
from guozi.kernel.periods import Period
from guozi.workspace.collect import (
    Explain,
    ExplanationRequiredError,
    explain_key,
    parse_explain,
    read_explanations,
)

from .conftest import TODAY, Desk, wan, write_rows

MAY, JUNE = Period.parse("2025-05"), Period.parse("2025-06")


def facts_count(desk: Desk) -> int:
    (n,) = desk.ws.store.backend().con.execute("select count(*) from facts").fetchone()
    return int(n)


def fingerprint(desk: Desk) -> tuple[object, ...]:
    con = desk.ws.store.backend().con
    return tuple(
        con.execute(sql).fetchone()
        for sql in (
            "select count(*), sum(hash(submission_id, entity_id, period, item, value)) from facts",
            "select count(*), max(id) from submissions",
            "select count(*) from explanations",
            "select count(*) from entity_rows",
        )
    )


# -------------------------------------------------------------------------------- explanations


def test_explain_keys_parse() -> None:
    """``RULE:ROW=TEXT`` and ``RULE:SHEET!ROW=TEXT``; the text may hold '=' and ':'."""
    assert parse_explain("flow.ytd_decrease:12=冲回多计收入") == Explain("flow.ytd_decrease", 12, "冲回多计收入")
    assert parse_explain("value.unit_slip:利润表!5=a=b: c") == Explain("value.unit_slip", 5, "a=b: c", sheet="利润表")
    for bad in ("flow.ytd_decrease=why", "x:12", "x:twelve=why", ":3=why", "x:3= "):
        with pytest.raises(GuoziError):
            parse_explain(bad)


def test_explanations_file(tmp_path: Path) -> None:
    """A CSV with file,row,rule,explanation (and sheet); a row without a number is refused."""
    path = write_rows(
        tmp_path / "why.csv",
        [{"file": "facts_1.csv", "row": 2, "rule": "value.jump", "explanation": "并购", "sheet": ""}],
        ("file", "row", "rule", "explanation", "sheet"),
    )
    assert read_explanations(path) == [Explain("value.jump", 2, "并购", file="facts_1.csv")]
    bad = write_rows(
        tmp_path / "bad.csv",
        [{"file": "", "row": "x", "rule": "r", "explanation": "e"}],
        ("file", "row", "rule", "explanation"),
    )
    with pytest.raises(GuoziError):
        read_explanations(bad)


def test_a_problem_to_verify_refuses_the_import_until_explained(desk: Desk) -> None:
    """May revenue 300 万元; June 250 is a fall (核实) and employees 100 → 100 000 a unit slip (核实).
    Without explanations nothing is written and both are listed; explained, the figures land and the
    explanations are stored with them (shown by history)."""
    desk.seed(wan("A", "2025-05", revenue=300, employees=100))
    path = desk.file(wan("A", "2025-06", revenue=250, employees=100_000))
    before = fingerprint(desk)
    with pytest.raises(ExplanationRequiredError) as info:
        desk.ws.import_files([path], today=TODAY)
    assert [(p.rule, p.row) for p in info.value.problems] == [("flow.ytd_decrease", 2), ("value.unit_slip", 3)]
    assert [explain_key(p) for p in info.value.problems] == ["flow.ytd_decrease:2", "value.unit_slip:3"]
    assert fingerprint(desk) == before

    given = [parse_explain("flow.ytd_decrease:2=冲回5月多计收入"), Explain("value.unit_slip", 3, "并入乙公司职工")]
    report = desk.ws.import_files([path], user="王会计", explanations=given, today=TODAY)
    assert [x.rule for x in report.explanations] == ["flow.ytd_decrease", "value.unit_slip"]
    history = desk.ws.history("A", JUNE)
    assert dict(zip(history["item"], history["explanation"], strict=True)) == {
        "revenue": "flow.ytd_decrease：冲回5月多计收入",
        "employees": "value.unit_slip：并入乙公司职工",
    }


def test_an_explanation_that_answers_nothing_is_noted(desk: Desk) -> None:
    """A clean file with an explanation for row 9: imported, and the unused explanation is a notice."""
    report = desk.ws.import_files(
        [desk.file(wan("A", "2025-06", revenue=1))], explanations=[Explain("value.jump", 9, "?")], today=TODAY
    )
    (note,) = [p for p in report.problems if p.rule == "explanation.unused"]
    assert note.severity == Severity.NOTICE and note.row == 9


def test_a_blocking_problem_refuses_everything_and_lists_every_problem(desk: Desk) -> None:
    """One unknown entity among good rows, and a 核实 fall: every problem listed, nothing written."""
    desk.seed(wan("A", "2025-05", revenue=300))
    path = desk.file(wan("A", "2025-06", revenue=250, cash=10) + wan("X", "2025-06", cash=1))
    before = fingerprint(desk)
    with pytest.raises(InvalidInputError) as info:
        desk.ws.import_files([path], explanations=[Explain("flow.ytd_decrease", 2, "ok")], today=TODAY)
    assert {p.rule for p in info.value.problems} == {"entity.unknown", "flow.ytd_decrease"}
    assert fingerprint(desk) == before


# ------------------------------------------------------------------------ idempotent, atomic


def test_reimporting_the_same_file_changes_nothing_and_says_so(desk: Desk) -> None:
    """The second import of the same bytes writes no submission and names the one holding them."""
    path = desk.file(wan("A", "2025-06", revenue=100))
    first = desk.ws.import_files([path], today=TODAY)
    (sub,) = first.result.submissions
    before = fingerprint(desk)
    again = desk.ws.import_files([path], today=TODAY)
    assert again.result.submissions == [] and again.result.skipped == [(path.name, sub.id)]
    assert fingerprint(desk) == before
    (note,) = desk.ws.check([path], today=TODAY).problems
    assert (note.rule, note.severity, note.found) == ("file.imported", Severity.NOTICE, file_hash(path))


def test_facts_are_append_only_and_the_latest_version_is_current(desk: Desk) -> None:
    """June revenue 100, then 120 (June is still open): two rows kept, 120 current."""
    desk.ws.import_files([desk.file(wan("A", "2025-06", revenue=100))], today=TODAY)
    desk.ws.import_files([desk.file(wan("A", "2025-06", revenue=120))], today=TODAY)
    assert facts_count(desk) == 2
    current = desk.ws.store.facts().execute()
    assert current.to_dict("records") == [
        {"entity_id": "A", "period": 202506, "item": "revenue", "value": Decimal("1200000.0000")}
    ]


def test_history_shows_every_version_when_by_whom_from_which_file_and_why(desk: Desk) -> None:
    """May 300 by 李, June 350 closes May; May restated to 310 by 王 with the reason 审计调整."""
    first = desk.file(wan("A", "2025-05", revenue=300))
    desk.ws.import_files([first], user="李", today=TODAY)
    desk.ws.import_files([desk.file(wan("A", "2025-06", revenue=350))], user="李", today=TODAY)
    restated = desk.file(wan("A", "2025-05", revenue=310))
    with pytest.raises(InvalidInputError) as info:
        desk.ws.import_files([restated], user="王", today=TODAY)
    assert [p.rule for p in info.value.problems] == ["period.closed"]
    desk.ws.import_files([restated], user="王", reason="审计调整", today=TODAY)
    h = desk.ws.history("A", MAY, "revenue")
    assert list(h["version"]) == [1, 2]
    assert list(h["value"]) == [Decimal("3000000.0000"), Decimal("3100000.0000")]
    assert list(h["current"]) == [False, True]
    assert list(h["user"]) == ["李", "王"]
    assert list(h["reason"]) == ["", "审计调整"]
    assert list(h["sha256"]) == [file_hash(first), file_hash(restated)]
    assert list(h["file"]) == [first.name, restated.name]
    assert list(h["name_zh"]) == ["营业收入", "营业收入"]
    assert desk.ws.history("A", Period.parse("2024-01")).empty


def test_history_names_what_it_does_not_know(desk: Desk) -> None:
    """An unknown entity or item is an error, not an empty table."""
    with pytest.raises(GuoziError):
        desk.ws.history("X", JUNE)
    with pytest.raises(GuoziError):
        desk.ws.history("A", JUNE, "revenu")


def test_from_data_applies_the_contract_not_the_rules(tmp_path: Path) -> None:
    """``--data`` computes from files: an unbalanced sheet is computed from, a bad number is refused."""
    from guozi.workspace import Workspace

    folder = tmp_path / "d"
    folder.mkdir()
    write_rows(folder / "entities.csv", [{"entity_id": "A", "name": "甲"}], ("entity_id", "name"))
    write_rows(folder / "facts.csv", wan("A", "2025-06", total_assets=1250, total_liabilities=748.30, total_equity=500))
    ws = Workspace.from_data([folder])
    assert ws.store.periods() == [202506]
    ws.close()
    write_rows(
        folder / "facts.csv", [{"entity_id": "A", "period": "2025-06", "item": "cash", "value": "x", "unit": ""}]
    )
    with pytest.raises(InvalidInputError):
        Workspace.from_data([folder])


# ---------------------------------------------------------------------------------- at scale


def test_a_thousand_subsidiaries_times_forty_items_check_in_seconds(tmp_path: Path) -> None:
    """1 000 entities × every catalogue item of May stored, June's figures checked against them.

    Every June figure is May's × 1.2; the statements are the hand-made one of
    test_kuaibao_identities.py (资产 1 430 = 负债 820 + 权益 610 万元, every sub-total the sum of its
    lines, 净利润 105 = 利润总额 140 − 所得税费用 35 …), 带息负债 300 within 负债 820, the other lines
    1 000: no rule fires; the whole check takes seconds (measured ≈ 2 s on one core with 43 items;
    the bound leaves room for a loaded CI machine)."""
    from guozi.store.duckdb import DuckDBStore
    from guozi.workspace import Workspace

    from .test_kuaibao_identities import ALL

    catalog = load_catalog()
    special: dict[str, object] = {**ALL, "interest_bearing_debt": 300}

    def write(path: Path, period: str, scale: Decimal) -> Path:
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["entity_id", "period", "item", "value", "unit"])
            for i in range(1000):
                for code, item in catalog.items.items():
                    value = Decimal(str(special.get(code, 1000))) * scale
                    w.writerow([f"E{i:04d}", period, code, value, "人" if item.unit == "人" else "万元"])
        return path

    ents = write_rows(
        tmp_path / "entities.csv",
        [{"entity_id": "G", "name": "集团", "parent_id": ""}]
        + [{"entity_id": f"E{i:04d}", "name": f"子{i}", "parent_id": "G"} for i in range(1000)],
        ("entity_id", "name", "parent_id"),
    )
    ws = Workspace(DuckDBStore(":memory:"), catalog)
    ws.import_files([ents, write(tmp_path / "facts_may.csv", "2025-05", Decimal(1))], today=TODAY)
    june = write(tmp_path / "facts_june.csv", "2025-06", Decimal("1.2"))
    start = time.perf_counter()
    result = ws.check([june], today=TODAY)
    elapsed = time.perf_counter() - start
    ws.close()
    assert result.facts == 1000 * len(catalog.items)  # every item of every subsidiary
    assert result.problems == []
    assert elapsed < 30
