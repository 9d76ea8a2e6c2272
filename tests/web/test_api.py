"""Every endpoint of the reading pages and the session API, with values worked out by hand from the
group in ``conftest.py`` (amounts there in 万元; the API gives 元 and percent)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import PASSWORD, USERS, sign_in

ClientAs = Callable[[str], TestClient]


def test_session_me_and_logout(client_as: ClientAs, anon: TestClient) -> None:
    assert anon.get("/api/v1/session").json()["user"] is None
    c = client_as("viewer_a")
    me = c.get("/api/v1/me").json()
    assert me == {"name": "viewer_a", "role": "viewer", "scopes": ["A"], "display_name": "", "active": True}
    assert c.get("/api/v1/session").json()["user"]["name"] == "viewer_a"
    assert c.post("/api/v1/logout").json()["user"] is None
    assert c.get("/api/v1/me").status_code == 401


def test_login_wrong_password_is_refused(anon: TestClient) -> None:
    r = sign_in(anon, "admin", "wrong-password")
    assert r.status_code == 401
    assert r.json()["detail"]["message_en"] == "wrong user name or password"


def test_overview_cards_verdict_warnings_and_losses(client_as: ClientAs) -> None:
    o = client_as("admin").get("/api/v1/overview").json()
    assert o["period"] == "2025-06"  # the latest period holding facts
    assert o["entity"] == {"entity_id": "G", "name": "集团"}  # the top of the tree
    assert o["periods"] == ["2025-06", "2024-06"]
    cards = {c["indicator"]: c for c in o["cards"]}
    tp = cards["total_profit"]
    # G: 100 万元 now, 80 万元 a year before: +20 万元, +25 %; target 200 万元: 50 % done, June = 6/12 = 50 % pace
    assert (tp["value"], tp["prior_value"], tp["change"], tp["growth"]) == (1_000_000, 800_000, 200_000, 25.0)
    assert (tp["target"], tp["completion"], tp["pace"]) == (2_000_000, 50.0, 50.0)
    assert cards["debt_ratio"]["value"] == pytest.approx(60.0)  # 600 / 1000
    assert cards["roe"]["value"] is None and cards["roe"]["note"]  # no opening equity: empty, with the reason
    assert o["verdict"]["phrase"] == "一增一稳四提升"
    assert o["loss_makers"] == 1 and [r["entity_id"] for r in o["loss_rows"]] == ["A2"]  # net profit −6 万元
    assert o["trend"]["periods"] == ["2025-06"]  # no other month of 2024-07..2025-06 holds facts
    assert o["trend"]["series"]["total_profit"] == [1_000_000]


def test_overview_in_english(client_as: ClientAs) -> None:
    o = client_as("admin").get("/api/v1/overview?lang=en").json()
    assert {c["indicator"]: c["name"] for c in o["cards"]}["debt_ratio"] == "Debt-to-asset ratio"


def test_tree_reported_beside_children_sums(client_as: ClientAs) -> None:
    t = client_as("admin").get("/api/v1/tree?entity=A&sort=total_profit&order=desc").json()
    assert t["node"]["entity_id"] == "A" and t["node"]["children"] == 2
    assert t["node"]["reported"]["total_profit"]["value"] == 400_000  # A's own consolidated 40 万元
    s = t["node"]["children_sum"]["total_profit"]
    assert (s["value"], s["prior_value"], s["members"]) == (250_000, 270_000, 2)  # 30 − 5; 25 + 2
    assert t["node"]["children_sum"]["debt_ratio"]["value"] == pytest.approx(220 / 450 * 100)  # (120+100)/(300+150)
    assert [r["entity_id"] for r in t["rows"]] == ["A1", "A2"]  # 30 万元 before −5 万元
    assert [p["entity_id"] for p in t["path"]] == ["G", "A"]
    asc = client_as("admin").get("/api/v1/tree?entity=A&sort=total_profit&order=asc").json()
    assert [r["entity_id"] for r in asc["rows"]] == ["A2", "A1"]
    assert asc["rows"][0]["children_sum"] == {}  # a leaf has no children to sum


def test_tree_refuses_an_unknown_sort_column(client_as: ClientAs) -> None:
    r = client_as("admin").get("/api/v1/tree?sort=nonsense")
    assert r.status_code == 404 and "nonsense" in r.json()["detail"]["message_en"]


def test_entity_page_and_history(client_as: ClientAs) -> None:
    c = client_as("admin")
    e = c.get("/api/v1/entities/A2").json()
    assert e["entity"] == {"entity_id": "A2", "name": "甲二"}
    assert e["attributes"]["parent_id"] == "A" and e["children"] == []
    assert {r["indicator"]: r["value"] for r in e["indicators"]}["total_profit"] == -50_000
    items = {h["item"]: h for h in e["history"]}
    assert set(items) == {"total_profit", "net_profit", "revenue", "total_assets", "total_liabilities", "total_equity"}
    assert items["net_profit"]["value"] == -60_000 and items["net_profit"]["user"] == "loader"
    h = c.get("/api/v1/entities/A2/history?item=total_assets&period=2024-06").json()
    assert [(r["item"], r["value"], r["reason"]) for r in h["rows"]] == [("total_assets", 1_500_000, "test data")]
    assert c.get("/api/v1/entities/A2/history?item=nope").status_code == 404


def test_indicator_explained_with_inputs_and_versions(client_as: ClientAs) -> None:
    x = client_as("admin").get("/api/v1/indicators/debt_ratio?entity=A").json()
    assert x["formula"] == "total_liabilities / total_assets"
    assert x["row"]["value"] == pytest.approx(50.0)  # 250 / 500
    versions = {i["item"]: [(v["value"], v["user"]) for v in i["versions"]] for i in x["inputs"]}
    assert versions == {"total_liabilities": [(2_500_000, "loader")], "total_assets": [(5_000_000, "loader")]}
    assert client_as("admin").get("/api/v1/indicators/nope?entity=A").status_code == 404


def test_targets_of_a_subtree(client_as: ClientAs) -> None:
    rows = client_as("admin").get("/api/v1/targets").json()["rows"]
    by = {r["entity_id"]: r for r in rows}
    assert set(by) == {"G", "A"}  # the two targets
    assert (by["A"]["actual"], by["A"]["target"], by["A"]["completion"]) == (400_000, 1_000_000, 40.0)  # 40 / 100


def test_warnings_losses_and_eva(client_as: ClientAs) -> None:
    c = client_as("admin")
    w = c.get("/api/v1/warnings").json()
    debt = [r for r in w["rows"] if r["rule"] == "debt_ratio_line"]
    assert {r["entity_id"]: r["value"] for r in debt}["B"] == pytest.approx(75.0)  # 300 / 400, over the 70 % line
    assert sum(w["counts"].values()) == len(w["rows"])
    overview = c.get("/api/v1/overview").json()
    assert overview["warning_counts"] == w["counts"]
    losses = c.get("/api/v1/losses").json()
    assert [(r["entity_id"], r["value"], r["status"]) for r in losses["rows"]] == [("A2", -60_000, "new")]
    eva = c.get("/api/v1/eva?entity=A").json()
    assert {r["entity_id"] for r in eva["rows"]} == {"A", "A1", "A2"}
    assert {r["entity_id"]: r["net_profit"] for r in eva["rows"]}["A1"] == 220_000


@pytest.mark.parametrize(("fmt", "magic"), [("html", b"<!"), ("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")])
def test_report_download_in_every_format(client_as: ClientAs, fmt: str, magic: bytes) -> None:
    r = client_as("admin").get(f"/api/v1/report?entity=A&format={fmt}")
    assert r.status_code == 200
    assert r.content.lstrip()[: len(magic)].upper() == magic.upper()
    assert f"guozi-report-A-2025-06.{fmt}" in r.headers["content-disposition"]
    if fmt == "xlsx":
        names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
        assert "xl/workbook.xml" in names


def test_search_and_periods(client_as: ClientAs) -> None:
    c = client_as("admin")
    found = c.get("/api/v1/search", params={"q": "甲"}).json()["results"]
    assert [f["entity_id"] for f in found] == ["A", "A1", "A2"]
    assert c.get("/api/v1/periods").json() == {"periods": ["2025-06", "2024-06"]}


def test_bad_period_is_a_clear_404(client_as: ClientAs) -> None:
    r = client_as("admin").get("/api/v1/overview?period=2025-13")
    assert r.status_code == 404 and "YYYY-MM" in r.json()["detail"]["message_en"]


def test_admin_lists_and_adds_users_and_the_audit_log_keeps_it(client_as: ClientAs) -> None:
    c = client_as("admin")
    assert [u["name"] for u in c.get("/api/v1/users").json()] == sorted(USERS)
    body = {"name": "new_v", "role": "viewer", "scopes": ["B"], "password": "a-long-password"}
    r = c.post("/api/v1/users", json=body)
    assert r.json() == {"name": "new_v", "role": "viewer", "scopes": ["B"], "display_name": "", "active": True}
    entry = c.get("/api/v1/audit").json()[0]
    assert (entry["user"], entry["action"], entry["target"], entry["before"]) == ("admin", "user.add", "user:new_v", "")
    assert json.loads(entry["after"])["scopes"] == ["B"]
    assert "argon2" not in entry["after"]  # never the password hash
    r = c.post("/api/v1/users", json={**body, "role": "wizard"})
    assert r.status_code == 400 and "wizard" in r.json()["detail"]["message_en"]
    r = c.post("/api/v1/users", json={**body, "scopes": ["NOPE"]})
    assert r.status_code == 404 and "NOPE" in r.json()["detail"]["message_en"]
    r = c.post("/api/v1/users", json={**body, "name": "short_pw", "password": "short"})
    assert r.status_code == 400 and "at least 12 characters, not 5" in r.json()["detail"]["message_en"]


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("/", "利润总额"),
        ("/tree?entity=A", "节点汇总"),
        ("/entity/A2", "甲二"),
        ("/indicator/debt_ratio?entity=A", "total_liabilities / total_assets"),
        ("/targets", "目标完成情况"),
        ("/warnings", "资产负债率"),
        ("/losses", "甲二"),
        ("/eva", "经济增加值"),
        ("/search?q=乙", "乙一"),
        ("/admin/users", "viewer_b"),
        ("/admin/audit", "user:viewer_b"),
        ("/?lang=en", "Total profit"),
    ],
)
def test_every_page_renders(client_as: ClientAs, path: str, needle: str) -> None:
    r = client_as("admin").get(path)
    assert r.status_code == 200, r.text[:500]
    assert needle in r.text


def test_login_page_and_form(anon: TestClient) -> None:
    page = anon.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = anon.post(
        "/login",
        data={"username": "viewer_a", "password": PASSWORD, "csrf_token": token, "next": "/tree"},
        follow_redirects=False,
    )
    assert (r.status_code, r.headers["location"]) == (303, "/tree")
    assert anon.get("/api/v1/me").json()["name"] == "viewer_a"


def test_admin_adds_a_user_through_the_form(client_as: ClientAs) -> None:
    c = client_as("admin")
    token = c.headers["X-CSRF-Token"]
    form = {"csrf_token": token, "name": "form_f", "role": "filer", "scopes": "A1, A2", "password": "pass-word-9-long"}
    r = c.post("/admin/users", data=form, headers={"X-CSRF-Token": ""}, follow_redirects=False)
    assert r.status_code == 303
    assert {u["name"]: u["scopes"] for u in c.get("/api/v1/users").json()}["form_f"] == ["A1", "A2"]


def test_tree_pages_through_many_children_sorted_over_all(client_as: ClientAs) -> None:
    c = client_as("admin")
    first = c.get("/api/v1/tree?entity=A&sort=total_profit&order=desc&per_page=1").json()
    second = c.get("/api/v1/tree?entity=A&sort=total_profit&order=desc&per_page=1&page=2").json()
    assert (first["total"], first["pages"], second["page"]) == (2, 2, 2)
    assert [r["entity_id"] for r in first["rows"] + second["rows"]] == ["A1", "A2"]  # 30 万元, then −5 万元
    assert c.get("/api/v1/tree?entity=A&per_page=0").status_code == 422
