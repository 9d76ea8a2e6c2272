"""A user's own form layout (form.yaml replaced by ``--catalog``), and the checks of a bad one.

The user's income statement is the shipped one of ``catalog/data/form.yaml`` (read here, not
copied) with 营业收入 (revenue) and 主营业务收入 (main_business_revenue) swapped and 税金及附加
(taxes_and_surcharges) left out; every other sheet stays as shipped. The form written with it lists
exactly those lines in that order; filled with 营业收入 360 万元 and 主营业务收入 300 万元 it imports
as 3 600 000 and 3 000 000 元 (1 万元 = 10 000 元).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
import yaml
from typer.testing import CliRunner

from guozi.catalog.files import catalog_files, data_path
from guozi.catalog.form import Heading, form_order
from guozi.catalog.load import load_catalog
from guozi.cli import app
from guozi.kernel.errors import CatalogError
from guozi.kernel.periods import Period
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace
from tests.ingest.conftest import ENTITIES, write_rows
from tests.ingest.test_template import fill

JUNE = Period(2025, 6)


def shipped(sheet: str) -> list[object]:
    """The shipped lines of ``sheet`` (item codes and heading mappings), from form.yaml itself."""
    lines: list[object] = yaml.safe_load(data_path("form.yaml").read_text(encoding="utf-8"))["sheets"][sheet]
    return lines


def user_income() -> list[object]:
    lines = [x for x in shipped("income") if x != "taxes_and_surcharges"]
    i, j = lines.index("revenue"), lines.index("main_business_revenue")
    lines[i], lines[j] = lines[j], lines[i]
    return lines


def entities(folder: Path) -> Path:
    """The small group of tests/ingest/conftest.py as an entities file."""
    columns = ("entity_id", "name", "parent_id", "valid_from", "valid_to", "established")
    return write_rows(folder / "entities.csv", ENTITIES, columns)


def codes(path: Path, sheet: str) -> list[str]:
    """The item codes of a written form's sheet (hidden column G), row by row from row 5, headings left out."""
    ws = openpyxl.load_workbook(path)[sheet]
    return [str(ws.cell(r, 7).value) for r in range(5, ws.max_row + 1) if ws.cell(r, 7).value]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A ``--catalog`` folder holding the user's form.yaml (the income statement only)."""
    own = tmp_path / "catalog"
    own.mkdir()
    text = yaml.safe_dump({"sheets": {"income": user_income()}}, allow_unicode=True, sort_keys=False)
    (own / "form.yaml").write_text(text, encoding="utf-8")
    return own


def test_the_form_follows_the_users_order_and_is_read_back(folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", f"duckdb:///{tmp_path / 's.duckdb'}"]
    ents = entities(tmp_path)
    assert runner.invoke(app, ["import", str(ents), *store]).exit_code == 0
    form = tmp_path / "form.xlsx"
    made = runner.invoke(
        app, ["template", "--entity", "A", "--period", "2025-06", "-o", str(form), *store, "--catalog", str(folder)]
    )
    assert made.exit_code == 0, made.output

    wanted = [str(x) for x in user_income() if not isinstance(x, dict)]
    assert codes(form, "利润表") == wanted
    assert codes(form, "利润表")[1:3] == ["main_business_revenue", "revenue"]  # swapped
    assert "taxes_and_surcharges" not in codes(form, "利润表")  # left out
    plain = tmp_path / "plain.xlsx"
    assert (
        runner.invoke(app, ["template", "--entity", "A", "--period", "2025-06", "-o", str(plain), *store]).exit_code
        == 0
    )
    assert codes(form, "资产负债表") == codes(plain, "资产负债表")  # the sheets it does not give stay as shipped
    assert "taxes_and_surcharges" in codes(plain, "利润表")

    filled = fill(form, {"revenue": 360, "main_business_revenue": 300})
    imported = runner.invoke(app, ["import", str(filled), *store, "--catalog", str(folder)])
    assert imported.exit_code == 0, imported.output
    ws = Workspace.open(store[1])
    try:
        keys = pa.table({"entity_id": ["A"], "period": pa.array([JUNE.code], pa.int32())})
        got = {r["item"]: r["value"] for r in ws.store.current_values(keys).to_pylist()}
    finally:
        ws.close()
    assert got == {"revenue": Decimal("3600000.0000"), "main_business_revenue": Decimal("3000000.0000")}


def test_the_browser_form_has_the_same_lines(folder: Path, tmp_path: Path) -> None:
    """The web form's lines (Workspace.form_lines) follow the user's income statement too."""
    ws = Workspace(DuckDBStore(":memory:"), load_catalog(catalog_files([folder])))
    try:
        ents = entities(tmp_path)
        ws.import_files([ents], user="setup")
        lines = [line.item for line in ws.form_lines("A", JUNE) if line.statement == "income"]
    finally:
        ws.close()
    assert lines == [str(x) for x in user_income() if not isinstance(x, dict)]


def test_a_form_section_of_a_catalogue_file(tmp_path: Path) -> None:
    """The same form as a ``form:`` section of a catalogue file (--catalog FILE): balance headings kept."""
    own = tmp_path / "mine.yaml"
    own.write_text(
        yaml.safe_dump({"form": {"sheets": {"income": user_income()}}}, allow_unicode=True), encoding="utf-8"
    )
    order = form_order(load_catalog([own]))
    assert [x for x in order.sheets["income"] if not isinstance(x, Heading)] == [
        x for x in user_income() if not isinstance(x, dict)
    ]
    assert order.whole == {"income"}
    assert Heading("流动资产：", "Current assets:") in order.sheets["balance"]


BAD = [
    # (the user's sheets, the line of the bad value in the file written below, zh words, en words)
    ({"income": ["revenue", "no_such_item"]}, 5, "未知的项目代码：'no_such_item'", "unknown item code: 'no_such_item'"),
    ({"income": ["revenue", "operating_cost", "revenue"]}, 6, "行重复：'revenue'", "a line listed twice: 'revenue'"),
    ({"income": ["revenue"], "incomes": ["revenue"]}, 5, "没有这张表", "no such sheet (there are: balance"),
    (
        {"balance": ["cash", "revenue"]},
        5,
        "属于表 income",
        "item revenue belongs to sheet income, not to sheet balance",
    ),
    ({"balance": [{"heading_en": "Assets:"}]}, 4, "标题行须有 heading_zh", "a heading needs heading_zh"),
]


@pytest.mark.parametrize(("sheets", "line", "zh", "en"), BAD)
def test_a_bad_form_is_refused_naming_file_line_and_value(
    tmp_path: Path, sheets: dict[str, list[object]], line: int, zh: str, en: str
) -> None:
    """The file is written by hand (form: / sheets: / SHEET: / one line per entry), so the line numbers
    above are counted on it: line 1 ``form:``, 2 ``sheets:``, 3 the first sheet's key, 4 its first line …"""
    text = ["form:", "  sheets:"]
    for sheet, lines in sheets.items():
        text.append(f"    {sheet}:")
        text.extend(f"      - {json.dumps(x, ensure_ascii=False)}" for x in lines)
    own = tmp_path / "bad.yaml"
    own.write_text("\n".join(text) + "\n", encoding="utf-8")
    runner = CliRunner()
    args = ["template", "--entity", "A", "--period", "2025-06", "-o", str(tmp_path / "f.xlsx")]
    store = ["--store", f"duckdb:///{tmp_path / 's.duckdb'}"]
    ents = entities(tmp_path)
    assert runner.invoke(app, ["import", str(ents), *store]).exit_code == 0
    for lang, place, words in (("zh", f"{own} 第 {line} 行", zh), ("en", f"{own}, line {line}", en)):
        refused = runner.invoke(app, [*args, *store, "--catalog", str(own), "--lang", lang])
        said = refused.output.replace("\n", "")
        assert refused.exit_code == 2, refused.output
        assert place in said and words in said and "Traceback" not in said
    assert not (tmp_path / "f.xlsx").exists()  # nothing written
    imported = runner.invoke(app, ["import", str(ents), *store, "--catalog", str(own), "--lang", "en"])
    assert imported.exit_code == 2 and f"{own}, line {line}" in imported.output.replace("\n", "")  # any command


def test_a_column_layout_is_refused(tmp_path: Path) -> None:
    """Every sheet's columns are fixed: a ``columns:`` key (line 3 here) is named and refused."""
    own = tmp_path / "cols.yaml"
    own.write_text("form:\n  sheets: {}\n  columns: {balance: [value, budget]}\n", encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        form_order(load_catalog([own]))
    assert f"{own}, line 3: a form cannot set this" in refused.value.message_en
    assert "'columns'" in refused.value.message_en and "年初数" in refused.value.message_zh
