"""The 上报情况 page, its chase list export, the filing banner and the default period in the web (issue 19).

The group of tests/web/conftest.py (G; A with A1, A2; B with B1) has filed June 2025 whole. Here
A1 files July: July expects the six entities, one approved (A1), five missing (the chase list:
G, A, A2, B, B1); by level 1: G missing; 2: A, B missing; 3: A1 approved, A2, B1 missing. For a
viewer of A the subtree is A, A1, A2: one of three.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from starlette.testclient import TestClient

from guozi.kernel.periods import Period
from guozi.workspace import Workspace
from tests.conftest import write_csv

ClientAs = Callable[[str], TestClient]


def _file(ws: Workspace, folder: object, name: str, *entities: str) -> None:
    rows = [
        {"entity_id": e, "period": "2025-07", "item": k, "value": v, "unit": "万元"}
        for e in entities
        for k, v in (("revenue", 600), ("total_profit", 50), ("total_assets", 1000), ("total_liabilities", 600))
    ]
    ws.import_files([write_csv(folder / f"facts_{name}.csv", rows)], user="loader")  # type: ignore[operator]


@pytest.fixture(scope="module")
def july(group_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A1's July is in; the rest of the group has not filed July."""
    _file(group_ws, tmp_path_factory.mktemp("july"), "a1", "A1")
    yield group_ws


def test_the_default_period_stays_on_june_and_the_chase_list_names_the_rest(
    july: Workspace, client_as: ClientAs
) -> None:
    admin = client_as("admin")
    assert admin.get("/api/v1/targets").json()["period"] == "2025-06"  # not July, where G has no figure
    f = admin.get("/api/v1/filings?period=2025-07").json()
    assert (f["entity"]["entity_id"], f["expected"], f["approved"], f["chase"]) == ("G", 6, 1, 5)
    assert f["banner"] == "2025-07 填报中 1/6"
    assert f["counts"] == {"missing": 5, "draft": 0, "submitted": 0, "returned": 0, "approved": 1}
    assert [(x["level"], x["expected"], x["missing"], x["approved"]) for x in f["levels"]] == [
        (1, 1, 1, 0),
        (2, 2, 2, 0),
        (3, 3, 2, 1),
    ]
    assert {r["entity_id"]: r["status"] for r in f["rows"]}["A1"] == "approved"
    chase = admin.get("/api/v1/filings?period=2025-07&status=chase").json()["rows"]
    assert sorted(r["entity_id"] for r in chase) == ["A", "A2", "B", "B1", "G"]
    approved = admin.get("/api/v1/filings?period=2025-07&status=approved").json()["rows"]
    assert [(r["entity_id"], r["user"]) for r in approved] == [("A1", "loader")]


def test_a_viewer_sees_its_subtree_only(july: Workspace, client_as: ClientAs) -> None:
    f = client_as("viewer_a").get("/api/v1/filings?period=2025-07").json()
    assert (f["entity"]["entity_id"], f["expected"], f["approved"]) == ("A", 3, 1)
    assert sorted(r["entity_id"] for r in f["rows"]) == ["A", "A1", "A2"]
    assert client_as("viewer_b").get("/api/v1/filings?period=2025-07&entity=A").status_code == 404


def test_the_chase_list_exports_as_csv_and_excel(july: Workspace, client_as: ClientAs) -> None:
    admin = client_as("admin")
    r = admin.get("/api/v1/filings/export?period=2025-07")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(x["entity_id"] for x in rows) == ["A", "A2", "B", "B1", "G"]
    assert {x["status"] for x in rows} == {"missing"}
    x = admin.get("/api/v1/filings/export?period=2025-07&format=xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"


def test_the_banner_shows_on_pages_of_a_month_being_filed(july: Workspace, client_as: ClientAs) -> None:
    admin = client_as("admin")
    page = admin.get("/targets?period=2025-07").text
    assert "2025-07 填报中 1/6" in page and 'href="/filings?period=2025-07&amp;entity=G"' in page
    assert "填报中" not in admin.get("/targets").text  # June is complete
    assert "2025-07 being filed: 1/6 approved" in admin.get("/losses?period=2025-07&lang=en").text
    filings = admin.get("/filings?period=2025-07&status=chase&lang=zh").text
    assert "上报情况" in filings and "催报名单: 5" in filings


def test_a_viewer_whose_subtree_is_complete_defaults_to_the_new_month(
    july: Workspace, client_as: ClientAs, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A and A2 file July too: A's subtree is complete in July, the whole tree is not."""
    _file(july, tmp_path_factory.mktemp("july-a"), "a", "A", "A2")
    assert client_as("viewer_a").get("/api/v1/targets").json()["period"] == "2025-07"
    assert client_as("admin").get("/api/v1/targets").json()["period"] == "2025-06"


def test_the_page_opens_on_the_month_open_for_filing(july: Workspace, client_as: ClientAs) -> None:
    july.open_period(Period(2025, 8), date(2025, 9, 10), user="admin")
    f = client_as("admin").get("/api/v1/filings").json()
    assert (f["period"], f["state"], f["deadline"], f["expected"], f["approved"]) == (
        "2025-08",
        "open",
        "2025-09-10",
        6,
        0,
    )
