"""The one override rule of the parameter files (catalog/params.py): the shipped file, then the
sections of the user's catalogue files, then the command's own option files, each replacing what
it names in the ones before."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.analyses.benchmark import load_sizes
from guozi.analyses.eva import load_eva_params
from guozi.analyses.warnings import load_rules
from guozi.catalog import data_path, load_catalog
from guozi.catalog.files import CATALOG_ENV, catalog_files
from guozi.catalog.params import layers, load_debt_lines, load_section, merge

OWN_CATALOGUE = """\
debt_lines:
  baselines:
    - industry: industrial
      year: 2017
      baseline: 62
      source: own catalogue
eva:
  tax_rate:
    - year: 2024
      value: 15
      source: own catalogue (a 15 % high-tech rate)
losses:
  below: -100
warnings:
  rules: []
"""


@pytest.fixture
def own(tmp_path: Path) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(OWN_CATALOGUE, encoding="utf-8")
    return path


def test_the_layers_come_in_one_order_shipped_catalogue_then_option(own: Path, tmp_path: Path) -> None:
    option = tmp_path / "lines.yaml"
    option.write_text("margins: {warning_pp: 4}\n", encoding="utf-8")
    stack = layers("params/debt_lines.yaml", catalog=load_catalog([own]), files=[option])
    assert [layer.origin for layer in stack] == [
        str(data_path("params/debt_lines.yaml")),
        f"{own}#debt_lines",
        str(option),
    ]


def test_debt_lines_from_a_catalogue_file_then_from_debt_lines(own: Path, tmp_path: Path) -> None:
    """Shipped: industrial 2017 baseline 60, so 65 % / 70 % (margins 5 and 10 pp). The catalogue file
    gives 62 (67 / 72), the --debt-lines CSV then 63 (68 / 73); the non-industrial class keeps the
    shipped 65 (70 / 75)."""
    catalog = load_catalog([own])
    by_catalogue = load_debt_lines(catalog=catalog).line_for("C37", 2025)
    assert by_catalogue is not None
    assert (by_catalogue.warning, by_catalogue.supervision) == (Decimal(67), Decimal(72))
    assert by_catalogue.origin == f"{own}#debt_lines"
    option = tmp_path / "lines.csv"
    option.write_text("industry,year,baseline,source\nindustrial,2017,63,csv\n", encoding="utf-8")
    lines = load_debt_lines([option], catalog=catalog)
    by_option = lines.line_for("C37", 2025)
    assert by_option is not None
    assert (by_option.warning, by_option.supervision, by_option.origin) == (Decimal(68), Decimal(73), f"{option}:2")
    other = lines.line_for("F51", 2025)
    assert other is not None
    assert (other.warning, other.supervision) == (Decimal(70), Decimal(75))
    assert lines.files == (str(data_path("params/debt_lines.yaml")), str(own), str(option))


def test_every_parameter_file_follows_the_catalogue_file(own: Path) -> None:
    catalog = load_catalog([own])
    # EVA: the catalogue's 2024 tax rate (15) from 2024 on; the shipped 25 (from 2008) before.
    params = load_eva_params(catalog=catalog)
    assert params.for_year(2025).tax_rate.value == Decimal(15)
    assert params.for_year(2023).tax_rate.value == Decimal(25)
    # losses: the catalogue's `below`, the shipped indicator and baseline kept (key by key).
    assert load_section(catalog, "losses", "params/losses.yaml") == {
        "indicator": "net_profit",
        "below": -100,
        "turnaround_baseline": "prior_year",
    }
    # warnings: an empty rule list names no rule, so every shipped rule stays.
    assert load_rules(catalog=catalog).rules == load_rules().rules


def test_an_environment_variable_stands_for_its_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    monkeypatch.setenv(CATALOG_ENV, f"{a}{os.pathsep}{b}")
    assert catalog_files() == [a, b]
    assert catalog_files([b]) == [b]  # --catalog given: $GUOZI_CATALOG is not read
    monkeypatch.delenv(CATALOG_ENV)
    assert catalog_files() == []


def test_merge_goes_key_by_key_except_whole_keys() -> None:
    base = {"weights": {"a": 1, "b": 2}, "peers": {"min": 5, "indicators": "regime"}, "bands": [1, 2]}
    over = {"weights": {"a": 3}, "peers": {"min": 7}, "bands": [9]}
    assert merge(base, over, whole=("weights",)) == {
        "weights": {"a": 3},
        "peers": {"min": 7, "indicators": "regime"},
        "bands": [9],
    }


def test_a_sizes_file_overrides_key_by_key_and_its_table_is_its_own(tmp_path: Path) -> None:
    """--sizes is a layer like any other: a file giving only the entity column keeps the shipped
    table (and its source); a file giving its own classes is a table of its own, not simplified."""
    shipped = load_sizes()
    column = tmp_path / "column.yaml"
    column.write_text("entity_column: 规模\n", encoding="utf-8")
    only_column = load_sizes(column)
    assert (only_column.entity_column, only_column.rules, only_column.source) == ("规模", shipped.rules, shipped.source)
    table = tmp_path / "table.yaml"
    table.write_text(
        "classes:\n  - {code: big, name_zh: 大, name_en: big}\n  - {code: small, name_zh: 小, name_en: small}\n"
        "rules: []\nsource: own table\n",
        encoding="utf-8",
    )
    own_table = load_sizes(table)
    assert [c.code for c in own_table.classes] == ["big", "small"]
    assert (own_table.source, own_table.simplified, own_table.rules) == ("own table", False, ())


def test_the_debt_lines_by_class_and_the_research_class_unconfirmed() -> None:
    """The 2017 central-enterprise plan as reported by 证券日报 (2018-09-14): industrial 65 % / 70 %,
    non-industrial 70 % / 75 % (confirmed). The research class is cut off in that report; the EVA
    surcharge bands start at each class's key-supervision line (research [65, 70)), so research is
    most likely 60 % / 65 %: shipped so, unconfirmed, with that reasoning."""
    lines = load_debt_lines()
    found = {code: lines.line_for(code, 2025) for code in ("C26", "F51", "M73")}
    assert {c: (ln.warning, ln.supervision, ln.confirmed) for c, ln in found.items() if ln is not None} == {
        "C26": (Decimal(65), Decimal(70), True),
        "F51": (Decimal(70), Decimal(75), True),
        "M73": (Decimal(60), Decimal(65), False),
    }
    research = found["M73"]
    assert research is not None and "证券日报" in research.note and "[65, 70)" in research.note


def test_each_class_eva_band_starts_at_its_key_supervision_line() -> None:
    """The reasoning behind the research line, checked on the shipped data: for every class the first
    EVA surcharge band (params/eva.yaml) starts at the class's key-supervision line."""
    lines, bands = load_debt_lines(), load_eva_params().for_year(2025).debt_surcharge.bands
    for cls in ("industrial", "non_industrial", "research"):
        line = lines.line_for(cls, 2025)
        assert line is not None and bands[cls][0][0] == line.supervision, cls
