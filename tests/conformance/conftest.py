"""One panel suite, every engine: the backend fixture, the data sets and the panels they compute.

Each backend runs the same engine code (:func:`guozi.engine.panel.compute_panel`) on facts it
reads itself through :func:`guozi.engine.backends.read_facts_dir`: a lake written by
``guozi export`` (or, for the public companies, their contract folder read as it is, mixed
units converted in the expression). The reference is the production path: the same contract
files imported into the embedded DuckDB store. A panel is computed once per backend and
query (the queries are few and wide, so Spark's fixed cost per query is paid a dozen times,
not a hundred) and every test reads its values from it.

PostgreSQL is a store rather than a reader of files: each data set's contract folder is imported
into a PostgreSQL store of its own (tests/pg.py) and the engine computes on its ``facts()``.
To add a backend, add its name to ``BACKENDS`` and a branch to ``_connect``.
An expected difference is declared in ``GAPS`` with the exception it raises or, for a wrong
value, ``AssertionError`` and the reason; it becomes a strict ``xfail``, never a skip.
"""

from __future__ import annotations

import csv
import gc
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from ibis.backends import BaseBackend

from guozi.engine.backends import connect, read_facts_dir
from guozi.engine.panel import Basis, Panel, Scope, compute_panel
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.store.export import export_parquet
from guozi.tree import Tree, build_tree
from guozi.workspace import Workspace

from ..pg import postgres_backend, postgres_input

Records = Sequence[Mapping[str, object]]
BACKENDS = ("duckdb", "spark", "postgresql")
# Spark in local mode, sized for a 2-core CI machine and a few hundred rows: one session for the
# whole run, two shuffle partitions, no UI, no code generation (compiling it costs more than it
# saves on small data), no adaptive re-planning.
SPARK_TEST_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
}


@dataclass(frozen=True)
class Gap:
    """A known difference of one backend: the exception it raises, and why."""

    raises: type[BaseException]
    reason: str


# (backend, test name) → gap; the test name without its parameters
GAPS: dict[tuple[str, str], Gap] = {
    ("spark", "test_ibis_strip_keeps_letters_v_and_f"): Gap(
        AssertionError,
        "Ibis 12 compiles strip() for PySpark as TRIM(' \\t\\n\\r\\v\\f' FROM x); Spark reads \\v and \\f as v and f",
    ),
    # PostgreSQL is a store, not a reader of files: its data sets come in through guozi import
    ("postgresql", "test_contract_text_converts_exactly_on_each_engine"): Gap(
        NotFoundError,
        "a PostgreSQL server cannot read the client's CSV or Parquet files (engine_of refuses the postgres "
        "backend); contract text reaches it through guozi import, converted by the contract reader",
    ),
    ("postgresql", "test_contract_text_near_the_store_limit_converts_exactly_on_each_engine"): Gap(
        NotFoundError, "as test_contract_text_converts_exactly_on_each_engine: PostgreSQL reads no client files"
    ),
    ("postgresql", "test_indicators_of_a_lake_on_each_engine"): Gap(
        AssertionError,
        "--engine takes duckdb or spark over a lake; PostgreSQL is reached with --store postgresql://… "
        "(tests/store/test_postgres.py runs guozi import and guozi indicators on it)",
    ),
}

JUNE = Period(2025, 6)
FY2023, FY2024 = Period(2023, 12), Period(2024, 12)
PUBLIC = Path(str(resources.files("guozi.demo") / "public"))

# --- the data sets -----------------------------------------------------------------------------
# The group of tests/engine/test_panel.py (its docstring has every figure).
GROUP_ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C"},
    {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C26"},
    {"entity_id": "A1", "name": "甲一", "parent_id": "A", "industry": "C26"},
    {"entity_id": "A2", "name": "甲二", "parent_id": "A", "industry": "C26"},
    {"entity_id": "B", "name": "乙", "parent_id": "G", "industry": "D44"},
]
STOCKS = {  # entity: (assets, liabilities, equity) at 2024-12 and at 2025-06
    "A1": ((1000, 600, 400), (1200, 780, 420)),
    "A2": ((500, 300, 200), (500, 350, 150)),
    "A": ((1600, 950, 650), (1800, 1180, 620)),
    "B": ((2000, 1400, 600), (2000, 1300, 700)),
    "G": ((3700, 2400, 1300), (4000, 2550, 1450)),
}
FLOWS = {"A1": (30, 500, 400), "A2": (-20, 100, 80), "A": (15, 650, 520), "B": (40, 800, 650), "G": (60, 1500, 1200)}


def _fact(e: str, p: str, item: str, v: object, unit: str = "元") -> dict[str, object]:
    return {"entity_id": e, "period": p, "item": item, "value": v, "unit": unit}


def group_facts() -> list[dict[str, object]]:
    """The group's facts: stocks at opening and close, flows year to date (revenue also in May)."""
    rows: list[dict[str, object]] = []
    for e, (opening, closing) in STOCKS.items():
        for p, (a, li, eq) in (("2024-12", opening), ("2025-06", closing)):
            rows += [_fact(e, p, "total_assets", a), _fact(e, p, "total_liabilities", li)]
            rows.append(_fact(e, p, "total_equity", eq))
    for e, (np_, rev, rev_may) in FLOWS.items():
        rows += [_fact(e, "2025-06", "net_profit", np_), _fact(e, "2025-06", "revenue", rev)]
        rows.append(_fact(e, "2025-05", "revenue", rev_may))
        if e != "B":
            rows.append(_fact(e, "2025-06", "rd_investment", 10))
    rows += [_fact("G", "2025-06", "total_profit", 80), _fact("G", "2024-06", "total_profit", 64)]
    return rows


# Z: a zero denominator. P: three subsidiaries whose revenues need 17 significant digits to add
# up exactly (more than a float64 holds).
EDGE_ENTITIES = [
    {"entity_id": "Z", "name": "零", "parent_id": ""},
    {"entity_id": "P", "name": "母", "parent_id": ""},
    {"entity_id": "X", "name": "子一", "parent_id": "P"},
    {"entity_id": "Y", "name": "子二", "parent_id": "P"},
    {"entity_id": "W", "name": "子三", "parent_id": "P"},
]
EDGE_FACTS = [
    _fact("Z", "2025-06", "revenue", "0"),
    _fact("Z", "2025-06", "total_profit", "5"),
    _fact("P", "2025-06", "revenue", "1"),
    _fact("X", "2025-06", "revenue", "9876543210987.6543"),
    _fact("Y", "2025-06", "revenue", "0.0001"),
    _fact("W", "2025-06", "revenue", "1234567890123.4567"),
]

# X moves from P to Q in 2025-01 (tests/engine/test_panel.py, the tree in force).
MOVED_ENTITIES = [
    {"entity_id": "P", "name": "P", "parent_id": "", "valid_from": "", "valid_to": ""},
    {"entity_id": "Q", "name": "Q", "parent_id": "", "valid_from": "", "valid_to": ""},
    {"entity_id": "Y", "name": "Y", "parent_id": "P", "valid_from": "", "valid_to": ""},
    {"entity_id": "X", "name": "X", "parent_id": "P", "valid_from": "", "valid_to": "2024-12"},
    {"entity_id": "X", "name": "X", "parent_id": "Q", "valid_from": "2025-01", "valid_to": ""},
]
MOVED_FACTS = [
    _fact(e, p, "revenue", v) for p in ("2024-06", "2025-06") for e, v in (("P", 1), ("Q", 1), ("X", 100), ("Y", 10))
]

# E and F of tests/engine/test_indicators.py, amounts in 万元 (that file has the working).
E_FACTS = {
    "revenue": 2000, "total_profit": 120, "net_profit": 90, "rd_investment": 50, "value_added": 400,
    "operating_cash_flow": 160, "cash_from_sales": 1900, "interest_expense": 20, "taxes_paid": 70,
    "sei_revenue": 300, "total_assets": 1000, "total_liabilities": 650, "total_equity": 350,
    "current_assets": 600, "current_liabilities": 400, "accounts_receivable": 150, "inventory": 250,
    "interest_bearing_debt": 260,
}  # fmt: skip
E_OPENING = {"total_assets": 800, "total_liabilities": 500, "total_equity": 300}
MADE_UP_ENTITIES = [{"entity_id": "E", "name": "例一"}, {"entity_id": "F", "name": "例二"}]
MADE_UP_FACTS = [
    *(_fact("E", "2025-06", k, v, "万元") for k, v in E_FACTS.items()),
    *(_fact("E", "2024-12", k, v, "万元") for k, v in E_OPENING.items()),
    _fact("E", "2024-12", "employees", 90, "人"),
    _fact("E", "2025-06", "employees", 110, "人"),
    _fact("F", "2025-06", "labor_compensation", 200, "万元"),
    _fact("F", "2025-06", "depreciation", 50, "万元"),
    _fact("F", "2025-06", "net_production_tax", 30, "万元"),
    _fact("F", "2025-06", "operating_surplus", 120, "万元"),
    _fact("F", "2025-06", "employees_avg", 80, "人"),
    _fact("F", "2025-06", "employees", 500, "人"),
    _fact("F", "2024-12", "employees", 10, "人"),
]

# Trillions of yuan (issue 16): T1 and T2 near the store's limit of 10^16 元, SG of the order of
# State Grid (illustrative figures, not a published report): 负债 2.5 万亿元, 资产 3.6 万亿元.
# T's children add up beyond 10^16 元, with 20 significant digits; tests/test_trillions.py has the CLI.
TRILLION_ENTITIES = [
    {"entity_id": "T", "name": "万亿集团", "parent_id": ""},
    {"entity_id": "T1", "name": "子一", "parent_id": "T"},
    {"entity_id": "T2", "name": "子二", "parent_id": "T"},
    {"entity_id": "SG", "name": "电网", "parent_id": "T"},
]
TRILLIONS = {  # entity: 2025-06 (assets, liabilities, equity, revenue, net profit), 2024-12 equity, 2024-06 revenue
    "T": (("9900000000000000", "7000000000000000", "2900000000000000", "9800000000000000", "200000000000000"),
          "2700000000000000", "9000000000000000"),
    "T1": (("9500000000000000", "8999999999999999.9999", "500000000000000.0001", "9000000000000000",
            "123456789012345.6789"), "400000000000000", "8000000000000000"),
    "T2": (("9000000000000000", "6000000000000000", "3000000000000000", "8765432109876543.2109",
            "100000000000000"), "2800000000000000", "7000000000000000.0001"),
    "SG": (("3600000000000", "2500000000000", "1100000000000", "1800000000000", "45000000000"),
           "1000000000000", "1700000000000"),
}  # fmt: skip
TRILLION_ITEMS = ("total_assets", "total_liabilities", "total_equity", "revenue", "net_profit")
TRILLION_FACTS = [
    *(
        _fact(e, "2025-06", i, v)
        for e, (now, _, _) in TRILLIONS.items()
        for i, v in zip(TRILLION_ITEMS, now, strict=True)
    ),
    *(_fact(e, "2024-12", "total_equity", eq) for e, (_, eq, _) in TRILLIONS.items()),
    *(_fact(e, "2024-06", "revenue", rev) for e, (_, _, rev) in TRILLIONS.items()),
]

DATASETS: dict[str, tuple[Records, Records]] = {
    "group": (GROUP_ENTITIES, group_facts()),
    "edge": (EDGE_ENTITIES, EDGE_FACTS),
    "moved": (MOVED_ENTITIES, MOVED_FACTS),
    "made_up": (MADE_UP_ENTITIES, MADE_UP_FACTS),
    "trillions": (TRILLION_ENTITIES, TRILLION_FACTS),
}
# read from the contract folder itself (text trimmed, units converted by the backend), not from a lake
DIRECT = {"public", "made_up"}

# --- the queries: few and wide -------------------------------------------------------------------
GROUP_INDICATORS = ("debt_ratio", "roe", "roe_annualized", "revenue", "total_profit", "rd_intensity")
TRILLION_INDICATORS = ("debt_ratio", "roe", "revenue", "total_assets", "net_profit")
PUBLIC_INDICATORS = (
    "revenue_profit_margin", "total_profit", "operating_cash_ratio", "revenue", "net_profit", "debt_ratio",
)  # fmt: skip


@dataclass(frozen=True)
class Query:
    """One call of compute_panel."""

    dataset: str
    periods: tuple[Period, ...]
    indicators: tuple[str, ...]
    scope: Scope = field(default_factory=Scope)
    basis: Basis = "ytd"
    prior: bool = True


def _made_up_indicators() -> tuple[str, ...]:
    from guozi.catalog import load_catalog

    return tuple(sorted(load_catalog().computable()))


QUERIES: dict[str, Query] = {
    "group-reported": Query("group", (JUNE,), GROUP_INDICATORS),
    "group-children": Query("group", (JUNE,), GROUP_INDICATORS, Scope(view="children")),
    "group-leaves": Query("group", (JUNE,), GROUP_INDICATORS, Scope(view="leaves")),
    "group-month": Query("group", (JUNE,), GROUP_INDICATORS, basis="month"),
    "group-level3-industry": Query("group", (JUNE,), ("debt_ratio",), Scope(view="level", level=3, by="industry")),
    "group-level2-industry": Query("group", (JUNE,), ("debt_ratio",), Scope(view="level", level=2, by="industry")),
    "group-level2": Query("group", (JUNE,), ("debt_ratio",), Scope(view="level", level=2)),
    "edge-reported": Query("edge", (JUNE,), ("revenue", "revenue_profit_margin")),
    "edge-children": Query("edge", (JUNE,), ("revenue",), Scope(view="children"), prior=False),
    "moved-children": Query("moved", (Period(2024, 6), JUNE), ("revenue",), Scope(view="children"), prior=False),
    # prior year on the same basis (同口径): this year's members a year before (tests/engine/test_same_basis.py)
    "moved-children-same-basis": Query("moved", (JUNE,), ("revenue",), Scope(view="children", same_basis=True)),
    "group-children-same-basis": Query("group", (JUNE,), GROUP_INDICATORS, Scope(view="children", same_basis=True)),
    "trillions-reported": Query("trillions", (JUNE,), TRILLION_INDICATORS),
    "trillions-children": Query("trillions", (JUNE,), TRILLION_INDICATORS, Scope(view="children")),
    "trillions-leaves": Query("trillions", (JUNE,), TRILLION_INDICATORS, Scope(view="leaves")),
    "public": Query("public", (FY2023, FY2024), PUBLIC_INDICATORS),
    "made_up": Query("made_up", (JUNE,), _made_up_indicators(), prior=False),
    "made_up-level1": Query("made_up", (JUNE,), ("value_added",), Scope(view="level", level=1), prior=False),
}


def write_csv(path: Path, rows: Records) -> None:
    """Write records as a UTF-8 contract CSV."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


# --- fixtures -----------------------------------------------------------------------------------
@dataclass
class Data:
    """The contract folders, their lakes and the reference workspaces (the DuckDB store)."""

    folders: dict[str, Path]
    lakes: dict[str, Path]
    reference: dict[str, Workspace]

    def source(self, name: str) -> Path:
        """Where a backend reads the data set from."""
        return self.folders[name] if name in DIRECT else self.lakes[name]


@pytest.fixture(scope="session")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Data]:
    root = tmp_path_factory.mktemp("conformance")
    folders: dict[str, Path] = {"public": PUBLIC}
    for name, (entities, facts) in DATASETS.items():
        folder = root / name
        folder.mkdir()
        write_csv(folder / "entities.csv", entities)
        write_csv(folder / "facts.csv", facts)
        folders[name] = folder
    reference = {name: Workspace.from_data([folder]) for name, folder in folders.items()}
    lakes: dict[str, Path] = {}
    for name, ws in reference.items():
        if name not in DIRECT:
            lakes[name] = root / f"{name}-lake"
            export_parquet(ws.store, ws.catalog, lakes[name])
    yield Data(folders, lakes, reference)
    for ws in reference.values():
        ws.close()


def _connect(name: str) -> BaseBackend:
    if name == "spark":
        return connect("spark", master="local[2]", **SPARK_TEST_CONF)
    if name == "postgresql":
        return postgres_backend()
    return connect("duckdb")


def compute(facts: Any, tree: Tree, ws: Workspace, q: Query) -> Panel:
    """Run one query through the engine."""
    return compute_panel(
        facts,
        tree,
        ws.catalog,
        periods=q.periods,
        indicators=q.indicators,
        scope=q.scope,
        basis=q.basis,
        prior=q.prior,
    )


@dataclass
class Engine:
    """One backend and the panels it computed (each query once)."""

    name: str
    con: BaseBackend
    data: Data
    inputs: dict[str, tuple[Any, Tree]] = field(default_factory=dict)
    panels: dict[str, Panel] = field(default_factory=dict)

    def read(self, dataset: str) -> tuple[Any, Tree]:
        """The data set's facts as this backend reads them, and its tree."""
        if dataset not in self.inputs and self.name == "postgresql":  # imported into a PostgreSQL store
            self.inputs[dataset] = postgres_input(self.data.folders[dataset])
        if dataset not in self.inputs:
            facts, entities = read_facts_dir(self.con, self.data.source(dataset))
            self.inputs[dataset] = (facts, build_tree(entities))
        return self.inputs[dataset]

    def panel(self, query: str) -> Panel:
        """The panel of a query of :data:`QUERIES`."""
        if query not in self.panels:
            q = QUERIES[query]
            facts, tree = self.read(q.dataset)
            self.panels[query] = compute(facts, tree, self.data.reference[q.dataset], q)
        return self.panels[query]


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, data: Data) -> Iterator[Engine]:
    con = _connect(request.param)
    yield Engine(request.param, con, data)
    con.disconnect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture(scope="session")
def reference(data: Data) -> Mapping[str, Panel]:
    """Each query's panel on the DuckDB store (the production path), computed on first use."""

    class Lazy(dict[str, Panel]):
        def __missing__(self, query: str) -> Panel:
            q = QUERIES[query]
            ws = data.reference[q.dataset]
            self[query] = compute(ws.store.facts(), ws.tree(), ws, q)
            return self[query]

    return Lazy()


# PySpark (4.0) leaves the local sockets of py4j and of its result transfer to the garbage
# collector, which may close them during any later test: not a finding of this suite.
SPARK_SOCKETS = "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spark's tests tolerate PySpark's unclosed sockets (and nothing else more than the others)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("engine") == "spark":
            item.add_marker(pytest.mark.filterwarnings(SPARK_SOCKETS))


@pytest.fixture(autouse=True)
def _known_gaps(request: pytest.FixtureRequest) -> Iterator[None]:
    """Turn a declared gap into a strict xfail naming its exception and reason; after a Spark
    test, collect PySpark's dropped sockets now rather than during some later test."""
    callspec = getattr(request.node, "callspec", None)
    backend = callspec.params.get("engine") if callspec is not None else None
    name = getattr(request.node, "originalname", request.node.name)
    gap = GAPS.get((str(backend), name))
    if gap is not None:
        request.applymarker(pytest.mark.xfail(raises=gap.raises, reason=gap.reason, strict=True))
    yield
    if backend == "spark":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


def differences(got: Panel, want: Panel, columns: Sequence[str] | None = None) -> list[str]:
    """Every cell where two panels differ: value and type (Decimal is not float), row by row."""
    a, b = got.frame, want.frame
    cols = list(columns) if columns is not None else list(b.columns)
    out: list[str] = []
    if list(a.columns) != list(b.columns):
        out.append(f"columns {list(a.columns)} != {list(b.columns)}")
    if len(a) != len(b):
        out.append(f"{len(a)} rows != {len(b)} rows")
        return out
    for i in range(len(b)):
        for c in cols:
            x, y = a.iloc[i][c], b.iloc[i][c]
            same = (x is None and y is None) or (type(x) is type(y) and x == y)
            if not same:
                key = f"{b.iloc[i].entity_id} {b.iloc[i].period} {b.iloc[i].indicator}"
                out.append(f"{key} {c}: {x!r} != {y!r}")
    return out
