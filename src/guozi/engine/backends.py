"""The engines the panel runs on: connecting to DuckDB or Apache Spark, and reading facts from files.

The engine builds one Ibis expression and never a backend's SQL, so the same panel runs on any
backend Ibis can execute it on. This module is the only place that knows the backends by name:
:func:`connect` opens one, :func:`read_facts_dir` reads a contract folder or a lake written by
``guozi export`` into the engine's facts table (``entity_id``, ``period`` ``YYYYMM``, ``item``,
``value`` :data:`~guozi.kernel.units.VALUE_TYPE`, decimal(22, 4), in yuan or persons), and
:class:`guozi.store.lake.LakeStore` offers such files to a :class:`~guozi.workspace.Workspace` as
a read-only store.
"""

from __future__ import annotations

import gc
import json
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from guozi.kernel import units
from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.units import ALL_UNITS, STORE_SCALE, VALUE_PRECISION

if TYPE_CHECKING:
    import pyarrow as pa
    from ibis.backends import BaseBackend


EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = get_args(EngineName)
VALUE_TYPE = units.VALUE_TYPE  # the store's and the lake's type of a fact's value: decimal(22, 4)
FAST_PRECISION = 18  # the widest decimal both engines keep in 64 bits: parsed from text fast
LAKE_MANIFEST = "guozi-lake.json"  # written last by guozi export: the folder is a complete lake
LAKE_FORMAT = "guozi-lake"
LAKE_VERSION = 1

ENV_MASTER = "GUOZI_SPARK_MASTER"
ENV_CONF = "GUOZI_SPARK_CONF"
DEFAULT_MASTER = "local[*]"
# Spark settings guozi starts with; any of them can be overridden by GUOZI_SPARK_CONF or --spark-conf.
SPARK_DEFAULTS: dict[str, str] = {
    "spark.app.name": "guozi",
    "spark.ui.showConsoleProgress": "false",  # progress bars would mix with the command's output
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",  # results reach Python as Arrow, not pickled rows
    "spark.log.level": "ERROR",  # Spark's own log on standard error: errors only
}
# and in local mode: no web UI, and the driver on the loopback address (no hostname look-ups)
SPARK_LOCAL_DEFAULTS: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}


def spark_conf_from_env(text: str | None = None) -> dict[str, str]:
    """Spark properties from ``GUOZI_SPARK_CONF`` (or ``text``).

    Either a path to a properties file in ``spark-defaults.conf`` form (``key value`` or
    ``key=value`` per line, ``#`` comments), or inline ``key=value`` pairs separated by ``;``
    or new lines: ``spark.executor.memory=8g;spark.sql.shuffle.partitions=400``.
    """
    raw = os.environ.get(ENV_CONF, "") if text is None else text
    raw = raw.strip()
    if not raw:
        return {}
    if "=" not in raw.splitlines()[0] or Path(raw).is_file():
        path = Path(raw)
        if not path.is_file():
            raise NotFoundError(
                f"{ENV_CONF} 既不是 key=value 设置，也不是存在的文件：{raw}",
                f"{ENV_CONF} is neither key=value settings nor an existing file: {raw}",
            )
        lines = path.read_text(encoding="utf-8").splitlines()
    else:
        lines = raw.replace(";", "\n").splitlines()
    return parse_spark_conf(lines)


def parse_spark_conf(lines: Iterable[str]) -> dict[str, str]:
    """``key=value`` (or ``key value``) lines as a dict; blank lines and ``#`` comments skipped."""
    conf: dict[str, str] = {}
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if "=" in text:
            key, value = text.split("=", 1)
        else:
            key, _, value = text.partition(" ")
        key, value = key.strip(), value.strip()
        if not key.startswith("spark.") or not value:
            raise GuoziError(
                f"Spark 设置应为 spark.名称=值，实为 {text!r}",
                f"a Spark setting must be spark.name=value, not {text!r}",
            )
        conf[key] = value
    return conf


def _connect_duckdb(master: str | None, conf: Mapping[str, str]) -> BaseBackend:
    if master is not None:
        raise GuoziError("DuckDB 引擎没有 master 设置", "the DuckDB engine takes no master")
    return ibis.duckdb.connect(**dict(conf))


def _connect_spark(master: str | None, conf: Mapping[str, str]) -> BaseBackend:
    try:
        from pyspark.sql import SparkSession  # noqa: PLC0415 - PySpark is an optional extra (guozi[spark])
    except ImportError:  # pragma: no cover - depends on the installation
        raise GuoziError(
            "Spark 引擎需要 PySpark：pip install 'guozi[spark]'（并安装 Java 17）",
            "the Spark engine needs PySpark: pip install 'guozi[spark]' (and Java 17)",
        ) from None
    url = master or os.environ.get(ENV_MASTER) or DEFAULT_MASTER
    settings = dict(SPARK_DEFAULTS)
    if url.startswith("local"):
        settings.update(SPARK_LOCAL_DEFAULTS)
    settings.update(spark_conf_from_env())
    settings.update(conf)
    builder = SparkSession.builder.master(url)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: no Java, a bad master URL …
        raise GuoziError(
            f"无法启动 Spark（master {url}）：{exc}；请检查 Java 17 与 --spark-master",
            f"could not start Spark (master {url}): {exc}; check Java 17 and --spark-master",
        ) from exc
    session.sparkContext.setLogLevel(settings.get("spark.log.level", "ERROR"))
    backend: BaseBackend = ibis.pyspark.connect(session)
    return backend


_CONNECTORS: dict[str, Callable[[str | None, Mapping[str, str]], BaseBackend]] = {
    "duckdb": _connect_duckdb,
    "spark": _connect_spark,
}


def connect(name: EngineName, /, *, master: str | None = None, **conf: str) -> BaseBackend:
    """Open the Ibis backend of engine ``name``.

    ``duckdb``: an in-memory DuckDB; ``conf`` is DuckDB configuration (``threads="2"``,
    ``memory_limit="4GB"``). ``spark``: a SparkSession on ``master`` (else ``$GUOZI_SPARK_MASTER``,
    else ``local[*]``), with guozi's defaults, then ``$GUOZI_SPARK_CONF``, then ``conf``, given as
    ``**{"spark.executor.memory": "8g"}``. A running SparkSession is reused (Spark allows one per
    process); its SQL settings are updated.
    """
    if name not in _CONNECTORS:
        raise NotFoundError(
            f"未知引擎：{name}（可用：{'、'.join(ENGINES)}）", f"unknown engine: {name} (known: {', '.join(ENGINES)})"
        )
    return _CONNECTORS[name](master, conf)


def spark_running() -> bool:
    """Whether this process already has a SparkSession (which a caller then must not stop)."""
    try:
        from pyspark.sql import SparkSession  # noqa: PLC0415 - PySpark is an optional extra (guozi[spark])
    except ImportError:  # pragma: no cover - depends on the installation
        return False
    return SparkSession.getActiveSession() is not None


def engine_of(con: BaseBackend) -> EngineName:
    """The engine name of a backend (``pyspark`` is ``spark``)."""
    name = str(con.name)
    if name == "pyspark":
        return "spark"
    if name == "duckdb":
        return "duckdb"
    raise NotFoundError(f"不支持的 Ibis 后端：{name}", f"unsupported Ibis backend: {name}")


def to_arrow(expr: ir.Table, backend: BaseBackend | None = None) -> pa.Table:
    """Run ``expr`` on its backend (or on ``backend``, for an expression of in-memory tables only)
    and fetch the result as Arrow.

    PySpark 4.0's ``toPandas`` still passes pandas 3 a deprecated ``copy`` argument, and leaves
    the local socket it read the result from unclosed: both are PySpark's to fix and say
    nothing to a user, so they are silenced here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", category=getattr(pd.errors, "Pandas4Warning", FutureWarning), module="pyspark"
        )
        warnings.filterwarnings("ignore", category=ResourceWarning)
        table: pa.Table = expr.to_pyarrow() if backend is None else backend.to_pyarrow(expr)
        if "pyspark" in sys.modules:
            gc.collect()  # PySpark leaves the result's local socket to the collector: close it here
        return table


# compiled SQL run directly (guozi.engine.sqlcache) -------------------------------------------------

# the backends a kept query runs on as text; Spark's SQL is not run this way (its session and
# temporary views are Ibis's business), so on Spark every panel is built and compiled by Ibis
SQL_BACKENDS = ("duckdb", "postgres")


def runs_sql(con: BaseBackend) -> bool:
    """Whether ``con`` runs kept SQL text directly (:data:`SQL_BACKENDS`)."""
    return str(con.name) in SQL_BACKENDS


def register_tables(con: BaseBackend, tables: Iterable[ir.Table]) -> None:
    """Register the in-memory tables (``ibis.memtable``) in ``tables`` on ``con``, as Ibis does before a query."""
    for table in tables:
        con._run_pre_execute_hooks(table)  # Ibis's own registration of an expression's memtables


def execute_sql(con: BaseBackend, sql: str) -> None:
    """Run a statement that returns nothing (a temporary table made or dropped)."""
    if str(con.name) == "postgres":
        con.raw_sql(sql).close()
    else:
        con.raw_sql(sql)


def fetch_sql(con: BaseBackend, sql: str, schema: Any) -> pa.Table:
    """Run a query's SQL text on ``con`` and fetch the result as Arrow, typed by the Ibis ``schema``
    exactly as Ibis's ``to_pyarrow`` types the result of the expression it compiled."""
    import pyarrow as pa  # noqa: PLC0415 - pyarrow is imported with Ibis anyway; typed lazily above
    from ibis.formats.pyarrow import PyArrowData  # noqa: PLC0415 - Ibis's own result conversion

    if str(con.name) == "duckdb":
        from ibis.backends.duckdb.converter import DuckDBPyArrowData  # noqa: PLC0415 - the DuckDB backend's

        result: pa.Table = DuckDBPyArrowData.convert_table(con.con.sql(sql).to_arrow_table(), schema)
        return result
    raw = con.con
    with raw.cursor() as cursor, raw.transaction():
        rows = cursor.execute(sql).fetchall()
    arrow_schema = schema.to_pyarrow()
    struct = pa.array(rows, type=schema.as_struct().to_pyarrow())
    table = pa.Table.from_batches([pa.RecordBatch.from_struct_array(struct)]).cast(arrow_schema)
    converted: pa.Table = PyArrowData.convert_table(table, schema)
    return converted


# reading facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lake:
    """Where a lake's parts are, and its manifest (empty for a folder without one)."""

    root: str
    facts: str
    entities: str
    targets: str | None
    manifest: dict[str, Any] = field(default_factory=dict)


def _is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def find_lake(path: str | Path) -> Lake | None:
    """The lake at ``path``, or ``None`` if it is not one (a remote URI is taken to be one)."""
    root = str(path).rstrip("/")
    if _is_remote(root):
        return Lake(root, f"{root}/facts", f"{root}/entities.parquet", f"{root}/targets.parquet")
    folder = Path(root)
    manifest_path = folder / LAKE_MANIFEST
    if not manifest_path.is_file():
        if (folder / "facts").is_dir():
            raise GuoziError(
                f"{folder} 有 facts 文件夹但没有 {LAKE_MANIFEST}：导出未完成，请重新 guozi export",
                f"{folder} has a facts folder but no {LAKE_MANIFEST}: the export did not finish; run guozi export again",
            )
        return None
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != LAKE_FORMAT or int(manifest.get("version", 0)) > LAKE_VERSION:
        raise GuoziError(
            f"{manifest_path} 不是本版本 guozi 能读的湖（格式 {manifest.get('format')} 版本 {manifest.get('version')}）",
            f"{manifest_path} is not a lake this guozi can read (format {manifest.get('format')} version {manifest.get('version')})",
        )
    targets = folder / "targets.parquet"
    return Lake(
        str(folder),
        str(folder / "facts"),
        str(folder / "entities.parquet"),
        str(targets) if targets.is_file() else None,
        manifest,
    )


def read_parquet(con: BaseBackend, path: str, *, dataset: bool) -> ir.Table:
    if engine_of(con) == "duckdb" and dataset:
        table: ir.Table = con.read_parquet(f"{path}/**/*.parquet", hive_partitioning=True)
        return table
    table = con.read_parquet(path)
    return table  # noqa: RET504  (typed for mypy: Ibis is untyped)


def _read_csv(con: BaseBackend, paths: list[str]) -> ir.Table:
    """CSV files with every column as text (the contract's values are decimal text)."""
    table: ir.Table
    if engine_of(con) == "duckdb":
        table = con.read_csv(paths, all_varchar=True)
    else:
        table = con.read_csv(paths, header=True, inferSchema=False, encoding="UTF-8")
    return table


def trim(text: ir.Value) -> ir.StringValue:
    r"""``text`` without leading and trailing white space, on every backend.

    Not Ibis's ``strip()``: on PySpark (Ibis 12) it compiles to ``TRIM(' \t\n\r\v\f' FROM …)``,
    where Spark reads ``\v`` and ``\f`` as the letters v and f, so ``value_added`` became
    ``alue_added``. A regular expression means the same to both engines.
    """
    return text.re_replace(r"^\s+|\s+$", "")


def period_code(period: ir.Value, *, clean: bool = False) -> ir.IntegerValue:
    """A contract period (``'YYYY-MM'`` text, or already a ``YYYYMM`` number) as ``YYYYMM``.

    ``clean``: the text is known to have no surrounding white space (a lake's).
    """
    if period.type().is_integer():
        return period.cast("int32")
    text = period.cast("string") if clean else trim(period.cast("string"))
    return text.replace("-", "").cast("int32")


def _scaled(number: ir.DecimalValue, k: int) -> ir.DecimalValue:
    """``number × 10**k`` as the store's decimal, computed in 38 digits (no overflow on either engine)."""
    scale = number.type().scale
    wide = number.cast(f"decimal(38, {scale})")
    return (wide * ibis.literal(Decimal(10**k), type=f"decimal({k + 1}, 0)")).cast(VALUE_TYPE)


def _parsed(text: ir.StringValue, scale: int) -> ir.DecimalValue:
    """``text`` as decimal(22, ``scale``): tried in 18 digits first, the rest (null there) parsed wide.

    Both DuckDB and Spark evaluate the second argument of ``COALESCE`` only where the first is null.
    """
    wide = f"decimal({VALUE_PRECISION}, {scale})"
    return ibis.coalesce(text.try_cast(f"decimal({FAST_PRECISION}, {scale})").cast(wide), text.cast(wide))


def to_yuan(value: ir.Value, unit: ir.StringValue | None) -> ir.DecimalValue:
    """A contract value in its unit (``万元`` …, :data:`guozi.kernel.units.ALL_UNITS`) as yuan.

    Text is trimmed and its thousands separators dropped; the result is the store's exact
    :data:`VALUE_TYPE`, decimal(22, 4). Every unit's factor is 10**k, and a valid value (checked:
    below 10^16 yuan, at most four decimals in yuan) has at most 20 digits with 4 + k decimals in
    that unit, as the ingest reads it: so text is parsed as decimal(22, 4 + k) and multiplied by
    10**k exactly, in a wider decimal. DuckDB parses text into a decimal wider than 18 digits two
    hundred times slower than into one of 18, so every text is first tried as decimal(18, 4 + k)
    (below 10^14 yuan: every figure of a real subsidiary) and only the few that do not fit are
    parsed again, wide. An unknown unit gives null.
    """
    if not value.type().is_string():
        number = value.cast("decimal(38, 10)")
        if unit is None:
            return number.cast(VALUE_TYPE)
    text = trim(value.cast("string")).replace(",", "")
    exponents = {u: len(str(int(f))) - 1 for u, f in ALL_UNITS.items()}
    if unit is None:
        exponent: ir.IntegerValue = ibis.literal(0, "int64")
    else:
        u = trim(unit)
        exponent = ibis.coalesce(
            u.substitute(exponents, else_=ibis.null("int64")),
            u.lower().substitute(exponents, else_=ibis.null("int64")),
            ibis.ifelse(u.isnull() | (u == ""), ibis.literal(0, "int64"), ibis.null("int64")),
        )
    branches = [(exponent == k, _scaled(_parsed(text, STORE_SCALE + k), k)) for k in sorted(set(exponents.values()))]
    return ibis.cases(*branches, else_=ibis.null(VALUE_TYPE))


def normalise_facts(raw: ir.Table) -> ir.Table:
    """Contract facts (``entity_id``, ``period``, ``item``, ``value`` [, ``unit``]) as the engine's.

    Text is trimmed and values converted from their unit to yuan; a lake's facts (already in
    yuan, decimal(22, 4) — decimal(18, 4) before issue 16 —, written by guozi) only have their
    period turned into ``YYYYMM`` and their value cast to :data:`VALUE_TYPE`.
    """
    missing = [c for c in ("entity_id", "period", "item", "value") if c not in raw.columns]
    if missing:
        raise GuoziError(f"事实数据缺少列：{', '.join(missing)}", f"the facts lack the column(s) {', '.join(missing)}")
    value_type = raw.value.type()
    if isinstance(value_type, dt.Decimal) and "unit" not in raw.columns and value_type.scale == STORE_SCALE:
        return raw.select(
            raw.entity_id, period=period_code(raw.period, clean=True), item=raw.item, value=raw.value.cast(VALUE_TYPE)
        )
    unit = raw["unit"].cast("string") if "unit" in raw.columns else None
    return raw.select(
        entity_id=trim(raw.entity_id.cast("string")),
        period=period_code(raw.period),
        item=trim(raw.item.cast("string")),
        value=to_yuan(raw.value, unit),
    )


def entity_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Entity rows as the store gives them: every column text or ``None``."""
    return pd.DataFrame({str(c): _text_column(frame[c]) for c in frame.columns})


def _text_column(column: pd.Series) -> pd.Series:
    """A column's values as text, blanks (missing, empty text, NaN) ``None``; a column of text
    and missing values by array operations, any other value by ``str``."""
    values = column.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = None
    if set(map(type, values)) <= {str, type(None)}:
        values[values == ""] = None
        return pd.Series(values, dtype=object)
    return pd.Series([None if _blank(v) else str(v) for v in values], dtype=object)


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _contract_files(folder: Path, kind: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.stem.lower().startswith(kind))


def read_entities(con: BaseBackend, path: str | Path) -> pd.DataFrame:
    """The entity rows of a lake or a contract folder (csv or parquet; xlsx through pandas)."""
    lake = find_lake(path)
    if lake is not None:
        return entity_frame(to_arrow(read_parquet(con, lake.entities, dataset=False)).to_pandas())
    files = _contract_files(Path(path), "entities")
    if not files:
        raise NotFoundError(f"{path} 中没有 entities 文件", f"no entities file in {path}")
    parts: list[pd.DataFrame] = []
    for f in files:
        suffix = f.suffix.lower()
        if suffix == ".csv":
            parts.append(to_arrow(_read_csv(con, [str(f)])).to_pandas())
        elif suffix == ".parquet":
            parts.append(to_arrow(read_parquet(con, str(f), dataset=False)).to_pandas())
        elif suffix == ".xlsx":
            parts.append(pd.read_excel(f, dtype=str))
    return entity_frame(pd.concat(parts, ignore_index=True))


def read_facts_dir(con: BaseBackend, path: str | Path, /) -> tuple[ir.Table, pd.DataFrame]:
    """The facts (as the engine takes them) and the entity rows of a lake or a contract folder.

    See :func:`read_facts` and :func:`read_entities`.
    """
    return read_facts(con, path), read_entities(con, path)


def read_facts(con: BaseBackend, path: str | Path, /) -> ir.Table:
    """The facts of a lake or a contract folder as the engine takes them.

    A lake (written by ``guozi export``: ``facts/year=YYYY/*.parquet``, ``entities.parquet``)
    is read as it is: it was checked when it was imported. A contract folder's ``facts*.csv``
    and ``facts*.parquet`` are read by the backend and converted in the expression (period
    text to ``YYYYMM``, value text in its unit to exact yuan), without the contract's checks:
    check them first (``guozi check``; ``guozi indicators --engine spark`` does).
    """
    lake = find_lake(path)
    if lake is not None:
        raw = read_parquet(con, lake.facts, dataset=True)
        return normalise_facts(raw.select("entity_id", "period", "item", "value"))
    folder = Path(path)
    if not folder.is_dir():
        raise NotFoundError(f"不是文件夹：{path}", f"not a folder: {path}")
    files = _contract_files(folder, "facts")
    csvs = [str(f) for f in files if f.suffix.lower() == ".csv"]
    parquets = [str(f) for f in files if f.suffix.lower() == ".parquet"]
    others = [f.name for f in files if f.suffix.lower() not in (".csv", ".parquet")]
    if others:
        raise GuoziError(
            f"{engine_of(con)} 引擎只读 csv 与 parquet 事实文件，不读 {', '.join(others)}；请先 guozi import 再 guozi export",
            f"the {engine_of(con)} engine reads csv and parquet facts files, not {', '.join(others)}; "
            "guozi import them and guozi export a lake",
        )
    if not csvs and not parquets:
        raise NotFoundError(f"{path} 中没有 facts 文件", f"no facts file in {path}")
    tables = [_read_csv(con, csvs)] if csvs else []
    tables += [read_parquet(con, p, dataset=False) for p in parquets]
    facts = [normalise_facts(t) for t in tables]
    return facts[0] if len(facts) == 1 else ibis.union(*facts)


# a read-only store over files ---------------------------------------------------------------------
