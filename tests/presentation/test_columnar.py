"""The column-wise csv and json writers (issue 18) write the very text of the row-by-row ones.

The reference is the row writer itself: :func:`to_csv` / :func:`to_json` / :func:`emit` given a
plain list of dictionaries take the row-by-row path; given :class:`Records` (what ``panel_rows``
now returns) the column-wise one. Both must give the same bytes, on the demo group's panel and
on rows built to hit every quoting and number case.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from guozi.cli.common import PANEL_COLUMNS, panel_rows
from guozi.demo.generate import generate_group, write_group
from guozi.presentation.columnar import Records, decimal_text
from guozi.presentation.output import Column, emit, exact_text, in_unit, to_csv, to_json
from guozi.workspace import Workspace


def _old_panel_rows(ws: Workspace, frame: Any, lang: str) -> list[dict[str, Any]]:
    """``panel_rows`` as it was before issue 18 (one dictionary per row): the reference."""
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    for r in rows:
        r["note"] = r.pop("note_zh") if lang == "zh" else r.pop("note_en")
        r.pop("note_en" if lang == "zh" else "note_zh", None)
        r["indicator_name"] = ws.catalog.indicators[r["indicator"]].name(lang)
        g = r.get("growth")
        if g is not None and math.isnan(g):
            r["growth"] = None
    return rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    folder = tmp_path_factory.mktemp("demo")
    write_group(generate_group(), folder)
    ws = Workspace.from_data([folder])
    yield ws
    ws.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("unit", [None, "万元", "亿元"])
def test_demo_panel_same_bytes(
    demo: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, fmt: str, unit: str | None
) -> None:
    panel = demo.indicators(demo.default_period())
    new = panel_rows(panel, demo, lang)
    old = _old_panel_rows(demo, panel.frame, lang)
    assert isinstance(new, Records)
    assert len(new) == len(old) > 100
    assert list(new) == old  # the same records, value for value
    a, b = tmp_path / f"new.{fmt}", tmp_path / f"old.{fmt}"
    emit(new, PANEL_COLUMNS, fmt=fmt, output=a, lang=lang, unit=unit)  # type: ignore[arg-type]
    emit(old, PANEL_COLUMNS, fmt=fmt, output=b, lang=lang, unit=unit)  # type: ignore[arg-type]
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes().startswith(b"\xef\xbb\xbf") == (fmt == "csv")  # the BOM only in a csv file
    emit(new, PANEL_COLUMNS, fmt=fmt, output=None, lang=lang, unit=unit)  # type: ignore[arg-type]
    printed_new = capsys.readouterr().out
    emit(old, PANEL_COLUMNS, fmt=fmt, output=None, lang=lang, unit=unit)  # type: ignore[arg-type]
    assert printed_new == capsys.readouterr().out
    assert not printed_new.startswith("\ufeff")


COLUMNS = [
    Column("text", "文字", "text"),
    Column("amount", "金额", "amount", money="row"),
    Column("total", "合计", "total", money="always"),
    Column("unit", "单位", "unit"),
    Column("ratio", "比率", "ratio"),
    Column("count", "个数", "count"),
]
TEXTS = ["a,b", 'say "hi"', "two\nlines", "cr\rhere", "=SUM(A1)", "+1", "-x", "@me", "\tt", "", "普通", "plain"]
AMOUNTS: list[Any] = [
    Decimal("12345.6780"),
    Decimal("100.0000"),
    Decimal("-0.0000"),
    Decimal("0.5000"),
    Decimal("-7.1"),
    Decimal("1E+3"),
    Decimal("0.0001"),
    None,
    1.5,
    float("nan"),
    3,
    True,
]


def _tricky() -> list[dict[str, Any]]:
    rows = []
    for i, t in enumerate(TEXTS):
        rows.append(
            {
                "text": t if i % 3 else [t, "x"] if i % 2 else t,
                "amount": AMOUNTS[i],
                "total": AMOUNTS[-1 - i],
                "unit": "元" if i % 2 else "%",
                "ratio": [0.1 + 0.2, 1e-7, 1e22, None, float("nan"), -0.0][i % 6],
                "count": i,
            }
        )
    return rows


def test_tricky_rows_same_text() -> None:
    rows = _tricky()
    records = Records({k: [r[k] for r in rows] for k in rows[0]}, len(rows))
    assert to_csv(records, COLUMNS) == to_csv(rows, COLUMNS)
    assert to_json(records, COLUMNS) == to_json(rows, COLUMNS)
    for unit in ("万元", "亿元"):
        assert to_csv(in_unit(records, COLUMNS, unit), COLUMNS) == to_csv(in_unit(rows, COLUMNS, unit), COLUMNS)
        assert to_json(in_unit(records, COLUMNS, unit), COLUMNS) == to_json(in_unit(rows, COLUMNS, unit), COLUMNS)
    assert to_csv(Records({}, 0), COLUMNS) == to_csv([], COLUMNS)
    assert to_json(Records({}, 0), COLUMNS) == to_json([], COLUMNS) == "[]\n"
    one = [Column("text", "文字", "text")]
    assert to_csv(records, one) == to_csv(rows, one)  # a row of one empty field is written ""


def test_hand_worked_line() -> None:
    """12 345.678 元 is 1.2345678 万元 (÷ 10 000, exact); the text 'a,b' is quoted, '=SUM' made inert."""
    rows = Records(
        {"text": ["a,b", "=SUM(A1)"], "amount": [Decimal("12345.6780"), Decimal("2.5000")], "unit": ["元", "%"]}, 2
    )
    cols = [COLUMNS[0], COLUMNS[1], COLUMNS[3]]
    assert to_csv(in_unit(rows, cols, "万元"), cols) == 'text,amount,unit\n"a,b",1.2345678,万元\n\'=SUM(A1),2.50,%\n'
    assert to_json(rows, cols) == (
        '[\n {"text": "a,b", "amount": 12345.678, "unit": "元"},\n {"text": "=SUM(A1)", "amount": 2.50, "unit": "%"}\n]\n'
    )


def test_decimal_text_is_exact_text() -> None:
    """:func:`decimal_text` agrees with :func:`exact_text` on 20 000 random decimals of every scale."""
    rng = random.Random(18)
    for _ in range(20_000):
        digits = rng.randint(0, 10 ** rng.randint(0, 22))
        d = Decimal(digits).scaleb(-rng.randint(-3, 8)) * rng.choice((1, -1))
        assert decimal_text(d) == exact_text(d), d


def test_records_read_as_rows() -> None:
    rows = _tricky()
    records = Records({k: [r[k] for r in rows] for k in rows[0]}, len(rows))
    assert records[0] == rows[0] and records[-1] == rows[-1] and records[1:3] == rows[1:3]
    with pytest.raises(IndexError):
        records[len(rows)]
