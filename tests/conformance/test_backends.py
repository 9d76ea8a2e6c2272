"""The engine selector's own rules: Spark settings, engine names, and telling a lake from other folders.

Only the last test runs an engine (one tiny query); the reading itself is tested on every backend
in test_panel_conformance.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pytest

from guozi.engine.backends import (
    LAKE_MANIFEST,
    connect,
    find_lake,
    parse_spark_conf,
    spark_conf_from_env,
    to_arrow,
    trim,
)
from guozi.kernel.errors import GuoziError, NotFoundError

from .conftest import Engine


def test_spark_settings_are_key_value_lines_with_comments() -> None:
    """``key=value`` and ``key value`` both count; blank lines and comments do not."""
    lines = ["# cluster", "", "spark.executor.memory=8g", "spark.sql.shuffle.partitions 400", "  spark.a.b = c=d "]
    assert parse_spark_conf(lines) == {
        "spark.executor.memory": "8g",
        "spark.sql.shuffle.partitions": "400",
        "spark.a.b": "c=d",
    }


def test_a_setting_that_is_not_spark_dot_something_is_refused() -> None:
    with pytest.raises(GuoziError, match=r"spark\.name=value"):
        parse_spark_conf(["executor.memory=8g"])
    with pytest.raises(GuoziError):
        parse_spark_conf(["spark.executor.memory="])


def test_guozi_spark_conf_is_inline_pairs_or_a_file(tmp_path: Path) -> None:
    """``a=1;b=2`` inline, or the path of a spark-defaults.conf file; a missing file is named."""
    assert spark_conf_from_env("spark.x=1;spark.y=2") == {"spark.x": "1", "spark.y": "2"}
    conf = tmp_path / "spark-defaults.conf"
    conf.write_text("# ours\nspark.executor.cores 4\nspark.executor.memory=8g\n", encoding="utf-8")
    assert spark_conf_from_env(str(conf)) == {"spark.executor.cores": "4", "spark.executor.memory": "8g"}
    assert spark_conf_from_env("") == {}
    with pytest.raises(NotFoundError, match="neither"):
        spark_conf_from_env(str(tmp_path / "missing.conf"))


def test_guozi_spark_conf_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUOZI_SPARK_CONF", "spark.sql.shuffle.partitions=16")
    assert spark_conf_from_env() == {"spark.sql.shuffle.partitions": "16"}


def test_unknown_engine_and_a_master_for_duckdb_are_errors() -> None:
    with pytest.raises(NotFoundError, match="unknown engine"):
        connect("oracle")  # type: ignore[arg-type]
    with pytest.raises(GuoziError, match="no master"):
        connect("duckdb", master="local[2]")


def test_a_lake_is_a_folder_with_its_manifest(tmp_path: Path) -> None:
    """A contract folder is not a lake; a facts folder without the manifest is an unfinished export;
    a manifest of a newer format version is refused; a remote URI is taken to be a lake."""
    contract = tmp_path / "contract"
    contract.mkdir()
    (contract / "facts.csv").write_text("entity_id,period,item,value\n", encoding="utf-8")
    assert find_lake(contract) is None
    unfinished = tmp_path / "unfinished"
    (unfinished / "facts").mkdir(parents=True)
    with pytest.raises(GuoziError, match="did not finish"):
        find_lake(unfinished)
    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / LAKE_MANIFEST).write_text(json.dumps({"format": "guozi-lake", "version": 99}), encoding="utf-8")
    with pytest.raises(GuoziError, match="not a lake this guozi can read"):
        find_lake(newer)
    remote = find_lake("s3a://bucket/guozi-lake/")
    assert remote is not None
    assert remote.facts == "s3a://bucket/guozi-lake/facts"
    assert remote.entities == "s3a://bucket/guozi-lake/entities.parquet"


def test_ibis_strip_keeps_letters_v_and_f(engine: Engine) -> None:
    """Ibis's own ``strip()`` of "vat fv" must give "vat fv" back. On PySpark (Ibis 12) it does not
    (it compiles to ``TRIM(' \\t\\n\\r\\v\\f' FROM …)`` and Spark reads \\v and \\f as the letters v and
    f): a declared gap (conftest GAPS), which is why the engine trims with
    :func:`guozi.engine.backends.trim`; this test starts to fail, as an unexpected pass, once Ibis
    fixes it, and the workaround can go. (``trim`` itself is checked on every engine by
    test_contract_text_converts_exactly_on_each_engine, and here on DuckDB.)"""
    t = ibis.memtable({"s": [" vat fv "]})
    row = to_arrow(_bound(engine, t.select(ibis_own=t.s.strip()))).to_pylist()[0]
    assert row["ibis_own"] == "vat fv"


def test_trim_keeps_letters_v_and_f(engine: Engine) -> None:
    """guozi's trim of " vat fv " is "vat fv" on every engine."""
    t = ibis.memtable({"s": [" vat fv "]})
    assert to_arrow(_bound(engine, t.select(mine=trim(t.s)))).to_pylist()[0]["mine"] == "vat fv"


def _bound(engine: Engine, expr: ir.Table) -> ir.Table:
    """``expr`` (over memtables only) run on ``engine``: joined to a one-row table of that backend."""
    anchor = engine.read("group")[0].select("entity_id").limit(1)
    return expr.cross_join(anchor).drop("entity_id")
