"""``guozi report`` names the 附表 workbook it wrote beside the report (issue 20): 「r_附表.xlsx（附表）」
in Chinese, 「r_appendix.xlsx (appendix tables)」 in English; an Excel report holds every table
itself, so it writes and names none."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.cli import app
from tests.cli.test_outputs import store  # noqa: F401 - the fixture: group G with subsidiary A

runner = CliRunner()


@pytest.mark.parametrize(
    ("lang", "name", "words"), [("zh", "r_附表.xlsx", "（附表）"), ("en", "r_appendix.xlsx", " (appendix tables)")]
)
def test_the_annex_path_is_printed(store: str, tmp_path: Path, lang: str, name: str, words: str) -> None:  # noqa: F811
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "-o", str(out), "--period", "2025-06", "--store", store, "--lang", lang])
    assert result.exit_code == 0, result.output
    annex = tmp_path / name
    assert annex.exists()
    assert f"{annex}{words}" in result.output.replace("\n", "")


def test_an_excel_report_names_no_annex(store: str, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", "-o", str(out), "--period", "2025-06", "--store", store])
    assert result.exit_code == 0, result.output
    assert "附表" not in result.output and not (tmp_path / "r_附表.xlsx").exists()
