"""``--data DIR`` checks only the facts a panel reads, and remembers a clean check per file content (issue 18).

The folder holds one entity A and its balances at 2025-06 (total liabilities 600 万元 over total
assets 1 000 万元: 资产负债率 60 %, worked by hand). Rows the panel of 2025-06 does not read (other
months, other items) may be broken without stopping it; a broken row it reads stops it, exit 2,
naming the file, row, entity and period. Every test keeps its cache in its own folder
(``GUOZI_CACHE_DIR``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from guozi.cli import app
from guozi.demo import generate_group
from guozi.kernel.errors import InvalidInputError
from guozi.kernel.periods import Period
from guozi.store.duckdb import DuckDBStore
from guozi.store.lake import LakeStore
from guozi.store.lakeguard import EVERYTHING, GuardedDuckDB, spans_read
from guozi.workspace import Workspace
from guozi.workspace.inplace import InPlaceCheck

ENTITIES = (
    "entity_id,name,parent_id,industry,category,region,valid_from,valid_to\nA,甲公司,,C26,commercial_competitive,,,\n"
)
GOOD = [
    ("A", "2025-06", "total_liabilities", "600", "万元"),
    ("A", "2025-06", "total_assets", "1000", "万元"),
]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GUOZI_CACHE_DIR", str(folder))
    return folder


def _folder(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    path.mkdir(exist_ok=True)
    (path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    names = ("entity_id", "period", "item", "value", "unit")
    table = pa.table({n: pa.array([r[k] for r in rows], pa.string()) for k, n in enumerate(names)})
    pq.write_table(table, path / "facts.parquet")
    return path


def _check(ws: Workspace) -> InPlaceCheck:
    """The check the store over files read in place calls before reading facts (its backend's
    guard calls the same, once the expression over the files is built)."""
    assert isinstance(ws.store, LakeStore)
    assert isinstance(ws.store.backend(), GuardedDuckDB)
    check = ws.store._before_read
    assert isinstance(check, InPlaceCheck)
    return check


def _debt_ratio(ws: Workspace) -> Decimal:
    panel = ws.indicators(Period(2025, 6), indicators=["debt_ratio"], entity="A")
    return Decimal(str(panel.frame.set_index("entity_id").loc["A", "value"]))


def test_problems_in_rows_the_panel_does_not_read_do_not_stop_it(tmp_path: Path) -> None:
    """Broken rows of another month (2024-03) and of an item debt_ratio does not read (revenue in
    2025-06): unknown entity, a value that is no number, an unknown unit, a duplicate. The panel
    still reads 600 / 1 000 × 100 = 60 %."""
    rows = [
        *GOOD,
        ("NOPE", "2024-03", "total_assets", "1", "元"),
        ("A", "2024-03", "total_assets", "一百", "元"),
        ("A", "2024-03", "total_liabilities", "5", "美元"),
        ("A", "2025-06", "revenue", "abc", "元"),
        ("A", "2025-06", "revenue", "1", "元"),
    ]
    ws = Workspace.from_data([_folder(tmp_path / "d", rows)])
    try:
        assert isinstance(ws.store, LakeStore)
        assert _debt_ratio(ws) == Decimal(60)
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("bad", "rule", "found"),
    [
        (("NOPE", "2025-06", "total_assets", "1", "元"), "entity.unknown", "NOPE"),
        (("A", "2025-06", "total_assets", "1,0,0", "元"), "value.not_numeric", "1,0,0"),
        (("A", "2025-06", "total_assets", "1", "美元"), "unit.unknown", "美元"),
        (("A", "2025-06", "total_assets", "0.00001", "元"), "value.precision", "0.00001"),
        (("A", "2025-06", "total_assets", "7", "万元"), "fact.duplicate", "A 2025-06 total_assets"),
    ],
)
def test_a_problem_in_a_row_the_panel_reads_stops_it_naming_file_and_row(
    tmp_path: Path, bad: tuple[str, str, str, str, str], rule: str, found: str
) -> None:
    """The third data row (row 4 of the file, the header being row 1) is one the panel reads."""
    ws = Workspace.from_data([_folder(tmp_path / "d", [*GOOD, bad])])
    try:
        with pytest.raises(InvalidInputError) as caught:
            _debt_ratio(ws)
    finally:
        ws.close()
    problems = [p for p in caught.value.problems if p.severity == "blocking"]
    assert [(p.rule, p.file, p.row, p.found) for p in problems] == [(rule, "facts.parquet", 4, found)]


def test_a_row_whose_period_is_no_month_counts_as_read(tmp_path: Path) -> None:
    """The engine reads every row's period to find its months: '2025/06' cannot be told apart, so
    it stops the panel although its item (revenue) is not read."""
    ws = Workspace.from_data([_folder(tmp_path / "d", [*GOOD, ("A", "2025/06", "revenue", "1", "元")])])
    try:
        with pytest.raises(InvalidInputError) as caught:
            _debt_ratio(ws)
    finally:
        ws.close()
    assert [(p.rule, p.row) for p in caught.value.problems] == [("period.format", 4)]


def test_the_command_exits_2_on_a_problem_in_a_row_it_reads(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", [*GOOD, ("NOPE", "2025-06", "total_assets", "1", "元")])
    args = ["indicators", "--data", str(folder), "--period", "2025-06", "-i", "debt_ratio", "--format", "csv"]
    result = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "facts.parquet" in result.output
    assert "NOPE" in result.output
    assert "Traceback" not in result.output


def test_a_clean_check_is_remembered_until_the_files_or_the_catalogue_change(tmp_path: Path, cache: Path) -> None:
    folder = _folder(tmp_path / "d", GOOD)
    entities = []
    for runs in (1, 0):  # the first run checks the rows read; the second finds them in the cache
        ws = Workspace.from_data([folder])
        try:
            assert _debt_ratio(ws) == Decimal(60)
            assert _check(ws).runs == runs
            entities.append(ws.store.entities())
        finally:
            ws.close()
    assert len(list((cache / "checked").glob("*.json"))) == 1
    assert len(list((cache / "checked").glob("*.parquet"))) == 1  # the typed facts the check read
    assert entities[0].equals(entities[1])  # read without the row checks, the same entity rows
    # the same size and time, another content: 600 → 900 万元 → 90 %; the cache is not trusted
    stat = (folder / "facts.parquet").stat()
    _folder(folder, [("A", "2025-06", "total_liabilities", "900", "万元"), GOOD[1]])
    os.utime(folder / "facts.parquet", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    ws = Workspace.from_data([folder])
    try:
        assert _debt_ratio(ws) == Decimal(90)
        assert _check(ws).runs == 1
    finally:
        ws.close()
    # a user catalogue (the same items, another file) is another catalogue: checked again
    extra = tmp_path / "catalog.yaml"
    extra.write_text("source: a test\nitems: []\n", encoding="utf-8")
    ws = Workspace.from_data([folder], catalog_files=[extra])
    try:
        assert _debt_ratio(ws) == Decimal(90)
        assert _check(ws).runs == 1
    finally:
        ws.close()


def test_a_problem_is_never_remembered_as_clean(tmp_path: Path, cache: Path) -> None:
    folder = _folder(tmp_path / "d", [*GOOD, ("NOPE", "2025-06", "total_assets", "1", "元")])
    for _ in range(2):
        ws = Workspace.from_data([folder])
        try:
            with pytest.raises(InvalidInputError):
                _debt_ratio(ws)
        finally:
            ws.close()
    (entry,) = (cache / "checked").glob("*.json")  # the entities were clean; no facts span is
    assert json.loads(entry.read_text(encoding="utf-8"))["spans"] == []


def test_the_demo_group_in_place_gives_the_figures_of_the_imported_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo generator's group (40 entities, 24 months, units mixed 元/千元/万元) as text Parquet
    read in place, and as csv imported into memory: every value of the 2025-12 panel and its
    prior year alike, reported and summed over the top's subsidiaries, and of March 2025 alone
    (当月: March's year to date less February's, and 2024's alike). Read in place three ways:
    checked (the figures then read from the check's typed copy), again from the cache, and with
    the cache off (the figures converted by the engine from the files' text)."""
    data = generate_group(entities=40, months=24, end_period="2025-12")
    pq_dir, csv_dir = tmp_path / "pq", tmp_path / "csv"
    pq_dir.mkdir()
    csv_dir.mkdir()
    pq.write_table(data.entities, pq_dir / "entities.parquet")
    pq.write_table(data.facts, pq_dir / "facts.parquet")
    pacsv.write_csv(data.entities, csv_dir / "entities.csv")
    pacsv.write_csv(data.facts, csv_dir / "facts.csv")
    top = str(data.entities.column("entity_id")[0])
    frames = []
    for folder, kind, cache in (
        (pq_dir, LakeStore, None),
        (pq_dir, LakeStore, None),
        (pq_dir, LakeStore, ""),
        (csv_dir, DuckDBStore, None),
    ):
        if cache is not None:
            monkeypatch.setenv("GUOZI_CACHE_DIR", cache)
        ws = Workspace.from_data([folder])
        try:
            assert isinstance(ws.store, kind)
            reported = ws.indicators(Period(2025, 12)).frame
            children = ws.indicators(Period(2025, 12), entity=top, view="children").frame
            month = ws.indicators(Period(2025, 3), basis="month").frame  # March alone: February read too
        finally:
            ws.close()
        frames.append([_values(reported), _values(children), _values(month)])
    assert frames[0] == frames[3]
    assert frames[1] == frames[3]
    assert frames[2] == frames[3]
    assert sum(v is not None for _, _, v, _ in frames[0][0]) > 100  # the panel is not empty


def _values(frame: object) -> list[tuple[str, str, Decimal | None, Decimal | None]]:
    rows = frame.to_dict("records")  # type: ignore[attr-defined]
    return sorted((str(r["entity_id"]), str(r["indicator"]), _dec(r["value"]), _dec(r.get("prior"))) for r in rows)


def _dec(v: object) -> Decimal | None:
    return None if v is None or v != v else Decimal(str(v))  # noqa: PLR0124 - NaN is missing


def test_the_spans_a_query_reads_come_from_its_filters_on_the_facts() -> None:
    facts = ibis.table({"entity_id": "string", "period": "int32", "item": "string", "value": "decimal(22, 4)"})
    one = facts.filter(facts.entity_id.isin(["A"]))
    read = one.filter(one.item.isin(["revenue", "net_profit"]), one.period.isin([202512, 202412]))
    joined = read.join(ibis.memtable({"item": ["revenue"]}), "item")
    assert spans_read(joined.op(), facts.op()) == [(frozenset({"revenue", "net_profit"}), frozenset({202512, 202412}))]
    month = facts.filter(facts.period == 202506).select("entity_id").distinct()
    assert spans_read(month.op(), facts.op()) == [(None, frozenset({202506}))]
    assert spans_read(facts.select("period").distinct().op(), facts.op()) == [EVERYTHING]
    both = read.union(facts.filter(facts.item == "revenue"))
    assert set(spans_read(both.op(), facts.op())) == {
        (frozenset({"revenue", "net_profit"}), frozenset({202512, 202412})),
        (frozenset({"revenue"}), None),
    }
    assert spans_read(ibis.memtable({"x": [1]}).op(), facts.op()) == []


def test_the_indicators_command_imports_no_workbook_pdf_or_web_library(tmp_path: Path) -> None:
    """Startup is part of a ``--data`` run: the panel as csv needs neither openpyxl, WeasyPrint,
    python-docx, matplotlib nor FastAPI (checked in a fresh interpreter)."""
    folder = _folder(tmp_path / "d", GOOD)
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from guozi.cli import app\n"
        f"args = ['indicators', '--data', {str(folder)!r}, '--period', '2025-06', '-i', 'debt_ratio', '--format', 'csv']\n"
        "result = CliRunner().invoke(app, args)\n"
        "assert result.exit_code == 0, result.output\n"
        "heavy = ('openpyxl', 'weasyprint', 'docx', 'matplotlib', 'fastapi', 'starlette')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    env = {**os.environ, "GUOZI_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_any_other_query_over_the_files_has_the_rows_it_reads_checked_first(tmp_path: Path) -> None:
    """A query that is not a panel (here: every figure of a month, as the default period's
    completeness asks) is checked on the spans its filters read: the broken revenue row of
    2025-06 stops a query of 2025-06, not one of 2024-03."""
    rows = [*GOOD, ("A", "2024-03", "total_assets", "5", "万元"), ("A", "2025-06", "revenue", "abc", "元")]
    ws = Workspace.from_data([_folder(tmp_path / "d", rows)])
    try:
        facts = ws.store.facts()
        march = facts.filter(facts.period == 202403).to_pyarrow()
        assert march.column("value").to_pylist() == [Decimal(50000)]  # 5 万元
        with pytest.raises(InvalidInputError) as caught:
            facts.filter(facts.period == 202506).to_pyarrow()
    finally:
        ws.close()
    assert [(p.rule, p.row) for p in caught.value.problems] == [("value.not_numeric", 5)]


def test_a_targets_file_beside_the_facts_keeps_them_in_place(tmp_path: Path) -> None:
    """A folder with a targets file (the contract's optional ``targets.csv``) is still read in
    place: before, any third kind of file sent the whole folder through an import into memory
    (39 s of CPU instead of 5 at 13.7 M facts). The targets are checked by the contract and given
    as a store gives them; the panel is the same 600 / 1 000 = 60 %."""
    folder = _folder(tmp_path / "d", GOOD)
    (folder / "targets.csv").write_text("entity_id,year,indicator,target\nA,2025,debt_ratio,65\n", encoding="utf-8")
    ws = Workspace.from_data([folder])
    assert isinstance(ws.store, LakeStore)
    targets = ws.store.targets()
    assert targets.to_dict("records") == [
        {"entity_id": "A", "year": 2025, "indicator": "debt_ratio", "target": Decimal("65")}
    ]
    assert _debt_ratio(ws) == Decimal("60")


def test_a_broken_targets_file_beside_the_facts_is_refused_naming_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", GOOD)
    (folder / "targets.csv").write_text("entity_id,year,indicator,target\nNOPE,2025,debt_ratio,65\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        Workspace.from_data([folder])
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.rule) == ("targets.csv", 2, "entity.unknown")
