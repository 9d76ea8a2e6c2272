"""Uploads and their review through the API: the workflow, the authorization matrix (each refusal tried,
not assumed), the guards, CSRF and the audit log. The group and its users are those of ``conftest.py``
(A1's June total profit there is 30 万元 = 300 000 元); ``sup_b`` and ``filer_b`` are added here."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from guozi.web.app import create_app
from guozi.workspace import Workspace
from guozi.workspace.accounts import save_user
from tests.web.conftest import PASSWORD, build_group

ClientAs = Callable[[str], TestClient]
CSV = "text/csv"


def facts_csv(*rows: tuple[str, str, str, object]) -> bytes:
    """A facts file in 万元: (entity, period, item, value) rows."""
    lines = ["entity_id,period,item,value,unit", *(f"{e},{p},{i},{v},万元" for e, p, i, v in rows)]
    return ("\n".join(lines) + "\n").encode()


def fresh_group(tmp_path: Path) -> Workspace:
    """The group of ``conftest.py`` with its users, in a store of the caller's own (these tests write)."""
    return build_group(tmp_path)


@pytest.fixture
def group_ws(group_copy: Workspace) -> Workspace:
    """The group in a store of this test's own (conftest's ``group_copy``), closed after the test."""
    return group_copy


@pytest.fixture
def app(group_ws: Workspace) -> FastAPI:
    """An application over this test's store."""
    return create_app(workspace=group_ws, secret="test-secret-not-for-production")


@pytest.fixture
def more_users(group_ws: Workspace) -> None:
    """A supervisor and a filer of subtree B."""
    save_user(group_ws, actor="test", name="sup_b", role="supervisor", scopes=("B",), password=PASSWORD)
    save_user(group_ws, actor="test", name="filer_b", role="filer", scopes=("B",), password=PASSWORD)


def upload(c: TestClient, data: bytes, name: str = "facts_a1.csv", **fields: Any) -> httpx.Response:
    r = c.post("/api/v1/submissions", files={"file": (name, data, CSV)}, data=fields)
    assert isinstance(r, httpx.Response)
    return r


def a1_profit(c: TestClient) -> float:
    o = c.get("/api/v1/overview?entity=A1&period=2025-06").json()
    return float({x["indicator"]: x for x in o["cards"]}["total_profit"]["value"])


A1_RESTATED = facts_csv(("A1", "2025-06", "total_profit", 32))  # 32 万元 = 320 000 元


def audit_of(admin: TestClient, target: str) -> list[tuple[str, str, dict[str, object], dict[str, object]]]:
    entries = [e for e in admin.get("/api/v1/audit").json() if e["target"] == target]
    return [
        (e["action"], e["user"], json.loads(e["before"] or "{}"), json.loads(e["after"] or "{}"))
        for e in reversed(entries)
    ]


def test_upload_submit_approve_feeds_the_indicators_and_the_audit_log(client_as: ClientAs) -> None:
    """A1's June total profit restated 30 → 32 万元 counts only once approved: 300 000 → 320 000 元."""
    filer, sup, admin = client_as("filer_a"), client_as("sup_a"), client_as("admin")
    r = upload(filer, A1_RESTATED)
    assert r.status_code == 201, r.text
    (sub,) = r.json()["submissions"]
    assert (sub["status"], sub["status_label"], sub["entities"], sub["periods"]) == (
        "draft",
        "草稿",
        ["A1"],
        ["2025-06"],
    )
    assert a1_profit(sup) == 300_000
    step = filer.post(f"/api/v1/submissions/{sub['id']}/submit")
    assert (step.status_code, step.json()["status"]) == (200, "submitted")
    assert a1_profit(sup) == 300_000
    assert [s["id"] for s in sup.get("/api/v1/submissions?status=submitted").json()["submissions"]] == [sub["id"]]
    step = sup.post(f"/api/v1/submissions/{sub['id']}/review", json={"approve": True, "comment": "核对无误"})
    assert (step.status_code, step.json()["status"]) == (200, "approved")
    assert a1_profit(sup) == 320_000
    detail = filer.get(f"/api/v1/submissions/{sub['id']}").json()
    assert [(f["item"], f["value"]) for f in detail["facts"]] == [("total_profit", "320000.0000")]
    assert audit_of(admin, f"submission:{sub['id']}") == [
        ("submission.upload", "filer_a", {}, {**{k: sub[k] for k in ("id", "sha256", "kind", "rows", "status", "reason")},
                                             "source": "facts_a1.csv", "explanations": 0}),
        ("submission.submit", "filer_a", {"status": "draft"}, {"status": "submitted", "comment": ""}),
        ("submission.approve", "sup_a", {"status": "submitted"}, {"status": "approved", "comment": "核对无误"}),
    ]  # fmt: skip


def test_a_returned_submission_does_not_count_and_the_filer_reads_the_comment(client_as: ClientAs) -> None:
    filer, sup = client_as("filer_a"), client_as("sup_a")
    sid = upload(filer, A1_RESTATED).json()["submissions"][0]["id"]
    filer.post(f"/api/v1/submissions/{sid}/submit")
    no_comment = sup.post(f"/api/v1/submissions/{sid}/review", json={"approve": False, "comment": ""})
    assert no_comment.status_code == 400
    r = sup.post(f"/api/v1/submissions/{sid}/review", json={"approve": False, "comment": "利润总额应为 31 万元"})
    assert r.json()["status"] == "returned"
    assert a1_profit(sup) == 300_000
    detail = filer.get(f"/api/v1/submissions/{sid}?lang=en").json()
    assert [(s["status"], s["user"], s["comment"]) for s in detail["reviews"]] == [
        ("submitted", "filer_a", ""),
        ("returned", "sup_a", "利润总额应为 31 万元"),
    ]
    assert (detail["status_label"], detail["can_submit"]) == ("returned", False)
    (listed,) = filer.get("/api/v1/submissions").json()["submissions"]
    assert listed["last_comment"] == "利润总额应为 31 万元"
    page = filer.get(f"/submissions/{sid}")
    assert "利润总额应为 31 万元" in page.text and "已退回" in page.text
    again = upload(filer, A1_RESTATED)  # the same bytes again: a returned file may come back
    assert again.status_code == 201 and again.json()["submissions"][0]["id"] != sid


def test_authorization_matrix(client_as: ClientAs, anon: TestClient, more_users: None) -> None:
    """Subtree A's submissions against subtree B's users, and each role against each step: all tried."""
    filer_a, sup_a = client_as("filer_a"), client_as("sup_a")
    sup_b, filer_b, viewer_a = client_as("sup_b"), client_as("filer_b"), client_as("viewer_a")
    draft = upload(filer_a, facts_csv(("A2", "2025-06", "revenue", 510)), "facts_a2.csv").json()["submissions"][0]["id"]
    handed = upload(filer_a, A1_RESTATED).json()["submissions"][0]["id"]
    assert filer_a.post(f"/api/v1/submissions/{handed}/submit").status_code == 200
    # subtree B does not see subtree A's submissions: not listed, 404 on every step
    assert sup_b.get("/api/v1/submissions").json()["submissions"] == []
    assert filer_b.get("/api/v1/submissions").json()["submissions"] == []
    assert sup_b.get(f"/api/v1/submissions/{handed}").status_code == 404
    assert sup_b.get(f"/submissions/{handed}").status_code == 404
    assert sup_b.post(f"/api/v1/submissions/{handed}/review", json={"approve": True}).status_code == 404
    assert filer_b.post(f"/api/v1/submissions/{draft}/submit").status_code == 404
    # a filer of B cannot file A's figures: the row and the entity are named
    r = upload(filer_b, facts_csv(("A1", "2025-06", "total_profit", 33)), "facts_b.csv")
    assert r.status_code == 422
    (p,) = [p for p in r.json()["problems"] if p["severity"] == "blocking"]
    assert (p["rule"], p["row"], p["found"]) == ("upload.scope", 2, "A1")
    assert "A1" in p["message"] and "第2行" in p["message"]
    # the same bytes as A's submission: not imported again, and A's submission is not named
    r = upload(filer_b, A1_RESTATED, "facts_b.csv")
    assert (r.status_code, r.json()["skipped"]) == (422, [])
    assert [p["message"] for p in r.json()["problems"]] == ["内容与已有的一次报送相同，不会重复导入"]
    # roles: a viewer neither uploads nor submits nor reviews; a filer does not review; nobody approves a draft
    assert upload(viewer_a, A1_RESTATED, "facts_v.csv").status_code == 403
    assert viewer_a.post(f"/api/v1/submissions/{draft}/submit").status_code == 403
    assert viewer_a.post(f"/api/v1/submissions/{handed}/review", json={"approve": True}).status_code == 403
    assert filer_a.post(f"/api/v1/submissions/{handed}/review", json={"approve": True}).status_code == 403
    assert sup_a.post(f"/api/v1/submissions/{draft}/review", json={"approve": True}).status_code == 409
    assert anon.get("/api/v1/submissions").status_code == 401
    # nothing above moved a status
    statuses = {s["id"]: s["status"] for s in sup_a.get("/api/v1/submissions").json()["submissions"]}
    assert statuses == {draft: "draft", handed: "submitted"}


def test_writes_need_the_csrf_token(client_as: ClientAs) -> None:
    filer = client_as("filer_a")
    del filer.headers["X-CSRF-Token"]
    assert upload(filer, A1_RESTATED).status_code == 403
    assert filer.get("/api/v1/submissions").json()["submissions"] == []


def test_uploads_are_guarded(client_as: ClientAs) -> None:
    """A zip bomb (64 MiB of zeros in one part: ratio ~1000:1), csv bytes named .xlsx, and a body over 20 MiB."""
    filer = client_as("filer_a")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024**2))
    r = upload(filer, bomb.getvalue(), "facts.xlsx")
    assert r.status_code == 400 and "zip bomb" in r.json()["detail"]["message_en"]
    r = upload(filer, A1_RESTATED, "facts.xlsx")
    assert r.status_code == 400 and "the content is csv" in r.json()["detail"]["message_en"]
    r = upload(filer, b"x" * (21 * 1024**2), "facts.csv")
    assert r.status_code == 413
    assert filer.get("/api/v1/submissions").json()["submissions"] == []


def test_a_problem_to_verify_is_explained_with_the_upload(client_as: ClientAs) -> None:
    """July revenue 400 万元 after June's 500 (year to date): a fall to verify at row 2."""
    filer = client_as("filer_a")
    july = facts_csv(("A1", "2025-07", "revenue", 400))
    r = upload(filer, july, "facts_july.csv")
    assert r.status_code == 422
    assert [(p["rule"], p["row"], p["explain_key"]) for p in r.json()["unexplained"]] == [
        ("flow.ytd_decrease", 2, "flow.ytd_decrease:2")
    ]
    r = upload(filer, july, "facts_july.csv", explain="flow.ytd_decrease:2=6月多计收入已冲回")
    assert r.status_code == 201 and r.json()["submissions"][0]["status"] == "draft"


def test_the_upload_page_names_the_cell_and_takes_explanations(
    client_as: ClientAs, group_ws: Workspace, tmp_path: Path
) -> None:
    """A filled template (sheet 利润表, values in column C): a text in a figure's cell is named as 利润表!C<row>;
    a July revenue below June's waits for an explanation typed into the page, then lands as a draft."""
    from guozi.kernel.periods import Period
    from tests.ingest.test_template import fill

    filer = client_as("filer_a")
    blank = group_ws.template("A1", Period.parse("2025-07"), tmp_path / "A1.xlsx")
    bad = fill(blank, {"revenue": "四百"}, blank.with_name("A1_bad.xlsx"))
    page = filer.post("/submissions/new", files={"file": (bad.name, bad.read_bytes(), "application/octet-stream")})
    assert page.status_code == 422
    assert "利润表!C" in page.text and "四百" in page.text and "未写入任何数据" in page.text
    low = fill(blank, {"revenue": 400}, blank.with_name("A1_low.xlsx"))
    page = filer.post("/submissions/new", files={"file": (low.name, low.read_bytes(), "application/octet-stream")})
    assert page.status_code == 422 and 'name="x:flow.ytd_decrease:利润表!' in page.text
    token = page.text.split('name="token" value="')[1].split('"')[0]
    key = page.text.split('name="x:')[1].split('"')[0]
    done = filer.post(
        "/submissions/new/explain", data={"token": token, f"x:{key}": "6月多计收入已冲回"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?uploaded=1")
    assert filer.get(done.headers["location"]).status_code == 200
    reused = filer.post("/submissions/new/explain", data={"token": token, f"x:{key}": "again"})
    assert reused.status_code == 404  # a token is used once


def _texts(c: TestClient, sid: int) -> list[str]:
    """Every answer that names a submission's file: history, entity, indicator, submissions, audit."""
    urls = [
        "/api/v1/entities/A1/history",
        "/api/v1/entities/A1",
        "/api/v1/indicators/total_profit?entity=A1",
        "/api/v1/submissions",
        f"/api/v1/submissions/{sid}",
        "/api/v1/audit",
        "/entity/A1",
        "/indicator/total_profit?entity=A1",
        "/submissions",
        f"/submissions/{sid}",
    ]
    answers = [c.get(u) for u in urls]
    assert [r.status_code for r in answers] == [200] * len(urls)
    return [r.text for r in answers]


def test_the_web_shows_the_senders_file_name_never_the_servers_upload_path(
    client_as: ClientAs, app: FastAPI, group_ws: Workspace
) -> None:
    """The store keeps where a file was read (for an upload, a private folder of the server); the web
    shows the file's name only: ``facts.csv`` of the test data, ``facts_a1.csv`` of the upload."""
    filer, sup, admin = client_as("filer_a"), client_as("sup_a"), client_as("admin")
    sid = upload(filer, A1_RESTATED, "facts_a1.csv").json()["submissions"][0]["id"]
    assert filer.post(f"/api/v1/submissions/{sid}/submit").status_code == 200
    assert sup.post(f"/api/v1/submissions/{sid}/review", json={"approve": True}).status_code == 200
    stored = group_ws.store.submission(sid)
    assert stored is not None and Path(stored.source).parent != Path()  # a path of the server's
    rows = admin.get("/api/v1/entities/A1/history?item=total_profit").json()["rows"]
    assert [(r["user"], r["file"], r["source"], r["value"]) for r in rows] == [
        ("loader", "facts.csv", "facts.csv", 300_000),
        ("filer_a", "facts_a1.csv", "facts_a1.csv", 320_000),
    ]
    uploads = app.state.uploads.root
    for text in _texts(admin, sid):
        assert "facts_a1.csv" in text or "facts.csv" in text
        assert str(uploads) not in text and "guozi-uploads" not in text
        assert str(Path(stored.source).parent) not in text


def test_refused_and_failed_uploads_leave_nothing_on_disk(
    client_as: ClientAs, app: FastAPI, group_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's upload folder listed after each upload: empty after every refusal (a blocking
    problem, a problem to verify unexplained, a file of the wrong type, a malformed explanation, an
    exception while checking) and after a success; one file while the upload page waits for the
    explanation of a 核实 problem, none once it is explained."""
    filer = client_as("filer_a")
    assert upload(filer, A1_RESTATED).status_code == 201
    root: Path = app.state.uploads.root

    def left() -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*"))

    assert left() == []
    july = facts_csv(("A1", "2025-07", "revenue", 400))  # below June's 500: a fall to verify at row 2
    refusals = [
        (upload(filer, facts_csv(("A1", "2025-06", "total_profit", "abc")), "facts_bad.csv"), 422),
        (upload(filer, july, "facts_july.csv"), 422),
        (upload(filer, A1_RESTATED, "facts.xlsx"), 400),
        (upload(filer, july, "facts_july.csv", explain="no equals sign"), 400),
    ]
    assert [(r.status_code, left()) for r, _ in refusals] == [(code, []) for _, code in refusals]

    def fail(*args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError("the check failed")

    monkeypatch.setattr(group_ws, "stage_upload", fail)
    with pytest.raises(RuntimeError, match="the check failed"):
        upload(filer, july, "facts_july.csv")
    assert left() == []
    with pytest.raises(RuntimeError, match="the check failed"):
        filer.post("/submissions/new", files={"file": ("facts_july.csv", july, CSV)})
    assert left() == []
    monkeypatch.undo()

    page = filer.post("/submissions/new", files={"file": ("facts_july.csv", july, CSV)})
    assert page.status_code == 422 and 'name="x:flow.ytd_decrease:2"' in page.text
    (kept,) = [p for p in left() if p.endswith(".csv")]
    assert Path(kept).name == "facts_july.csv"
    token = page.text.split('name="token" value="')[1].split('"')[0]
    bad = filer.post("/submissions/new/explain", data={"token": token, "x:flow.ytd_decrease": "no row"})
    assert bad.status_code == 400 and [p for p in left() if p.endswith(".csv")] == [kept]  # still waiting
    done = filer.post(
        "/submissions/new/explain",
        data={"token": token, "x:flow.ytd_decrease:2": "6月多计收入已冲回"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and left() == []
