"""GB/T 4754-2017 industry codes in the entities file (issue 19): an unknown section or division, or a
division under the wrong section, is refused with file, row, column, entity, value and what is expected.

The codes are checked against GB/T 4754-2017《国民经济行业分类》 as printed: 门类 A–T, 大类 01–97; 大类 07
(石油和天然气开采业) is under 门类 B (采矿业), so A07 is wrong and B07 right; there is no 门类 X and no 大类 99.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from guozi.catalog.industries import industry_issue, load_industries
from guozi.kernel.errors import InvalidInputError

from .conftest import TODAY, Desk, write_rows

COLUMNS = ("entity_id", "name", "parent_id", "industry", "valid_from", "valid_to")


def _entities(desk: Desk, industries: dict[str, str], *, extra: Sequence[dict[str, str]] = ()) -> Path:
    rows = [
        {"entity_id": e, "name": f"公司{e}", "parent_id": "G", "industry": code, "valid_from": "", "valid_to": ""}
        for e, code in industries.items()
    ]
    return write_rows(desk.folder / "entities_ind.csv", [*rows, *extra], COLUMNS)


def test_the_shipped_list_has_the_twenty_sections_and_ninety_seven_divisions() -> None:
    """The standard's 门类 are the 20 letters A–T and its 大类 the 97 codes 01–97, each under one 门类:
    01–05 under A, 06–12 under B, 13–43 under C (制造业), 97 (国际组织) under T."""
    table = load_industries()
    assert sorted(table.sections) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert sorted(table.divisions) == [f"{i:02d}" for i in range(1, 98)]
    by_section = {s: sorted(d for d, (owner, _) in table.divisions.items() if owner == s) for s in "ABCT"}
    assert by_section["A"] == ["01", "02", "03", "04", "05"]
    assert by_section["B"] == [f"{i:02d}" for i in range(6, 13)]
    assert by_section["C"] == [f"{i:02d}" for i in range(13, 44)]
    assert by_section["T"] == ["97"]
    assert table.name("C37") == "铁路、船舶、航空航天和其他运输设备制造业"
    assert table.name("D") == "电力、热力、燃气及水生产和供应业"
    assert "GB/T 4754-2017" in table.source


@pytest.mark.parametrize("code", ["C", "C37", "c37", "D44", "E47", "M", "37", "C371", "C3711", "T97", "S96"])
def test_codes_of_the_standard_pass(code: str) -> None:
    assert industry_issue(code) is None


def test_unknown_codes_say_why_and_what_is_expected() -> None:
    x99, c99, a07, word = (industry_issue(c) for c in ("X99", "C99", "A07", "制造业"))
    assert x99 is not None and x99[0].zh == "GB/T 4754-2017 没有门类 X"
    assert c99 is not None and c99[0].en == "GB/T 4754-2017 has no division 99"
    assert a07 is not None
    assert a07[0].zh == "大类 07（石油和天然气开采业）属于门类 B（采矿业），不属于门类 A"
    assert a07[1].zh == "B07（门类 B）"
    assert word is not None and "A–T" in word[1].zh


def test_an_entities_file_with_unknown_codes_is_refused_row_by_row_in_one_round(desk: Desk) -> None:
    """Rows 2–5 of the file: P (X99), Q (C99), R (A07), S (C37, right); and in the same file row 6, T,
    whose valid_from '2025/13' is not a period: every problem in one check, the import refused."""
    bad_period = {"entity_id": "T", "name": "公司T", "parent_id": "G", "industry": "B07"}
    path = _entities(
        desk,
        {"P": "X99", "Q": "C99", "R": "A07", "S": "C37"},
        extra=[bad_period | {"valid_from": "2025/13", "valid_to": ""}],
    )
    result = desk.ws.check([path], today=TODAY)
    found = sorted((p.rule, p.row, p.column, p.found) for p in result.problems)
    assert found == [
        ("entity.industry", 2, "industry", "X99"),
        ("entity.industry", 3, "industry", "C99"),
        ("entity.industry", 4, "industry", "A07"),
        ("period.format", 6, "valid_from", "2025/13"),
    ]
    a07 = next(p for p in result.problems if p.found == "A07")
    assert a07.file == "entities_ind.csv"
    assert a07.message_zh.startswith("企业 R 的行业代码 A07 无效：大类 07（石油和天然气开采业）属于门类 B")
    assert a07.message_en.startswith("entity R: industry code A07 is not valid")
    assert (a07.expected_in("zh"), a07.expected_in("en")) == ("B07（门类 B）", "B07 (section B)")
    assert all(p in result.blocking for p in result.problems if p.rule == "entity.industry")
    before = len(desk.ws.store.entities())
    with pytest.raises(InvalidInputError):
        desk.ws.import_files([path], user="t", today=TODAY)
    assert len(desk.ws.store.entities()) == before  # nothing written


def test_the_command_line_exits_2_naming_the_cell(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from guozi.cli import app

    path = write_rows(
        tmp_path / "entities.csv",
        [{"entity_id": "G", "name": "集团", "parent_id": "", "industry": "X99", "valid_from": "", "valid_to": ""}],
        COLUMNS,
    )
    out = CliRunner().invoke(app, ["check", str(path), "--store", f"duckdb:///{tmp_path / 's.duckdb'}"])
    assert out.exit_code == 2, out.output
    assert "X99" in out.output and "industry" in out.output and "企业 G" in out.output
