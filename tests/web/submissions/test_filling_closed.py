"""The browser form of a month closed for a subtree (issue 19, left over): an entity placed under A
after July was closed for A's subtree is closed too, and its form says so, by whom and when.

The group of tests/web/conftest.py: A above A1 and A2; ``filer_a`` files for A's subtree. Here July
2025 is closed for A's subtree by ``hq``, then A3 is added under A by an entities import.
"""

from __future__ import annotations

from pathlib import Path

from guozi.kernel.periods import Period
from guozi.workspace import Workspace
from tests.conftest import write_csv
from tests.web.test_submissions import ClientAs

JULY = Period(2025, 7)


def _add_a3(ws: Workspace, folder: Path) -> None:
    path = folder / "entities_a3.csv"
    write_csv(path, [{"entity_id": "A3", "name": "甲三", "parent_id": "A", "valid_from": "2025-07", "valid_to": ""}])
    ws.import_files([path], user="loader")


def test_the_form_of_an_entity_added_to_a_closed_subtree_says_the_month_is_closed(
    group_ws: Workspace, client_as: ClientAs, tmp_path: Path
) -> None:
    closed = group_ws.close_period(JULY, user="hq", entity="A")
    _add_a3(group_ws, tmp_path)
    when = closed.at.strftime("%Y-%m-%d %H:%M UTC")
    filer = client_as("filer_a")

    page = filer.get("/submissions/fill?entity=A3&period=2025-07")
    assert page.status_code == 200, page.text
    assert f"本月已关账：A 及其下属企业由 hq 于 {when} 关账" in page.text
    assert 'id="fill-save" disabled' in page.text
    english = filer.get("/submissions/fill?entity=A3&period=2025-07&lang=en")
    assert f"A’s subtree was closed by hq at {when}" in english.text

    saved = filer.post(
        "/submissions/fill",
        data={"csrf_token": filer.headers["X-CSRF-Token"], "entity": "A3", "period": "2025-07", "v:revenue": "10"},
    )
    assert saved.status_code >= 400 and "A3 2025-07" in saved.text  # the store refuses it, naming it
    assert filer.get("/api/v1/submissions").json()["submissions"] == []  # nothing written

    august = filer.get("/submissions/fill?entity=A3&period=2025-08")
    assert "本月已关账" not in august.text and 'id="fill-save" disabled' not in august.text
    group_ws.reopen_period(JULY, "甲三公司补报", user="hq", entity="A")
    assert "本月已关账" not in filer.get("/submissions/fill?entity=A3&period=2025-07").text
