"""Issue 20: the pages show the right figures in the right units and read like the trade's own.

The group of ``conftest.py`` (figures in 万元): G's total profit 100 against a target of 200
(completion 50 %), A's 40 against 100 (40 %); A2 the one loss-maker (net profit −6, 2 the year
before); every entity C26 (制造业) and 商业一类 (commercial_competitive).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from guozi.catalog import load_catalog
from guozi.web.labels import ACTIONS, CATALOG_ZH
from guozi.web.render import TEMPLATES, beijing, show, templates, unit_label

ClientAs = Callable[[str], TestClient]
STATIC = TEMPLATES.parent / "static"


def cell(html: str, key: str) -> list[str]:
    """The text of every table cell of column ``key`` (``<td … data-key="key" …>text</td>``)."""
    found = re.findall(rf'<td[^>]*data-key="{key}"[^>]*>(.*?)</td>', html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", t).strip() for t in found]


def visible(html: str) -> str:
    """The text a reader sees: the page without its tags (and so without attributes)."""
    return re.sub(r"<[^>]+>", "<>", html)


def test_a_column_is_formatted_by_what_it_holds_not_by_the_rows_unit() -> None:
    # 94.1356847 % completion of a money indicator: a percentage, never 94.1356847 / 10 000 = 0.01
    assert show(94.1356847044785, "pct", "元") == "94.14%"
    assert show(280, "count", "元") == "280"  # 280 enterprises, not 280 / 10 000 = 0.03
    assert show(8_433_211_209.23, "money") == "843,321.12"  # 元 → 万元
    assert show(8_433_211_209.23, "auto", "元") == "843,321.12"
    assert show(63.2427, "auto", "%") == "63.24%"
    assert show(0.4583, "pp") == "+0.46"
    assert show(None, "pct") == "—"
    assert (unit_label("元"), unit_label("元", "en"), unit_label("万元/人")) == ("万元", "10k yuan", "万元/人")


def test_times_show_in_beijing_time_to_the_minute() -> None:
    # the store keeps UTC without a zone: 14:37 UTC is 22:37 in Beijing (UTC+8), the same day
    assert beijing("2026-12-07T14:37:05.226390") == "2026-12-07 22:37"
    assert beijing("2026-12-07T20:05:00+00:00") == "2026-12-08 04:05"  # past midnight in Beijing
    assert beijing(datetime(2026, 1, 1, 0, 0)) == "2026-01-01 08:00"
    assert beijing(None) == ""


def test_targets_page_shows_completion_as_a_percentage(client_as: ClientAs) -> None:
    c = client_as("admin")
    html = c.get("/targets").text
    rows = c.get("/api/v1/targets").json()["rows"]
    completion = dict(zip(cell(html, "entity_id"), cell(html, "completion"), strict=True))
    assert completion == {"G": "50.00%", "A": "40.00%"}  # 100 / 200 and 40 / 100 万元
    assert {r["entity_id"]: r["completion"] for r in rows} == {"G": 50.0, "A": 40.0}
    words = {r["status"]: r["status_label"] for r in rows}  # e.g. behind: 落后于序时进度
    for code, label in words.items():
        assert f"{label}：<b>1</b>" in html  # the counts by status, in words
        assert code not in visible(html)


def test_losses_page_counts_enterprises_and_shows_the_prior_year(client_as: ClientAs) -> None:
    html = client_as("admin").get("/losses").text
    # levels: G at 1; A, B at 2; A1, A2, B1 at 3, of which A2 loses
    assert cell(html, "entities") == ["1", "2", "3"]
    assert cell(html, "loss_count") == ["0", "0", "1"]
    assert cell(html, "loss_amount")[2] == "6.00"  # A2's net loss, 万元
    assert cell(html, "baseline") == ["2.00"]  # A2's net profit a year before, 万元 (issue 20: always empty)
    assert "新增亏损：<b>1</b>" in html


def test_entity_page_speaks_chinese_not_codes(client_as: ClientAs) -> None:
    html = visible(client_as("admin").get("/entity/A2").text)
    for code in ("commercial_competitive", "is_leaf", "parent_id", ">False<", ">True<"):
        assert code not in html
    for words in ("企业功能分类", "商业一类", "末级企业", "C26（制造业）", "第3级"):
        assert words in html
    en = client_as("admin").get("/entity/A2?lang=en").text
    assert "commercial, competitive" in en and "C26 (manufacturing)" in en


def test_entity_and_indicator_pages_show_times_in_beijing_time(client_as: ClientAs) -> None:
    c = client_as("admin")
    stored = c.get("/api/v1/entities/A2/history").json()["rows"][0]["created_at"]  # ISO, UTC
    when = datetime.fromisoformat(stored) + timedelta(hours=8)
    html = c.get("/entity/A2").text
    assert when.strftime("%Y-%m-%d %H:%M") in html
    assert stored not in html and not re.search(r"\d{2}:\d{2}:\d{2}\.\d{6}", html)
    assert "北京时间" in html


def test_indicator_page_names_the_unit_it_shows_and_the_direction(client_as: ClientAs) -> None:
    html = client_as("admin").get("/indicator/total_profit?entity=A").text
    assert '<dd id="unit">万元</dd>' in html  # the figures are shown in 万元; the JSON keeps 元
    assert "40.00 万元" in html  # A's total profit
    assert "越高越好" in html and ">higher<" not in html


def test_warnings_are_paged_and_filtered_in_the_page_and_its_json(client_as: ClientAs) -> None:
    c = client_as("admin")
    every = c.get("/api/v1/warnings").json()
    n = len(every["rows"])
    assert n >= 2 and every["total"] == n and every["pages"] == 1
    first = c.get("/api/v1/warnings?per_page=1").json()
    last = c.get(f"/api/v1/warnings?per_page=1&page={n + 5}").json()  # past the end: the last page
    assert (first["pages"], first["total"], last["page"]) == (n, n, n)
    assert first["rows"] == every["rows"][:1] and last["rows"] == every["rows"][-1:]
    rule = every["rows"][0]["rule"]
    by_rule = c.get(f"/api/v1/warnings?rule={rule}").json()
    assert by_rule["rows"] == [r for r in every["rows"] if r["rule"] == rule]
    level = every["rows"][0]["severity"]
    by_level = c.get(f"/api/v1/warnings?level={level}").json()
    assert by_level["rows"] == [r for r in every["rows"] if r["severity"] == level]
    assert by_level["counts"] == every["counts"]  # the counts stay those of every severity
    b1 = c.get("/api/v1/warnings?q=乙一").json()  # by name
    assert b1["rows"] == [r for r in every["rows"] if r["entity_id"] == "B1"]
    page = c.get(f"/warnings?per_page=1&rule={rule}").text
    assert "第 1 / " in page and f'value="{rule}" selected' in page


def test_overview_trend_has_the_prior_year_and_the_target(client_as: ClientAs) -> None:
    trend = client_as("admin").get("/api/v1/overview").json()["trend"]
    assert trend["basis"] == "ytd" and trend["periods"] == ["2025-06"]
    assert trend["series"]["total_profit"] == [1_000_000]  # G, 100 万元
    assert trend["prior"]["total_profit"] == [800_000]  # 2024-06: 80 万元
    assert trend["targets"]["total_profit"] == 2_000_000


OUTSIDE = re.compile(r"""(?:https?:)?//([A-Za-z0-9.-]+\.[A-Za-z]{2,})""")
PAGES = ["/", "/tree", "/entity/A", "/indicator/total_profit", "/targets", "/warnings", "/losses", "/eva", "/docs"]


def outside_hosts(text: str) -> set[str]:
    """Hosts a page would load from or link to (``src``/``href``/``url(...)``), other than this server."""
    refs = re.findall(r"""(?:src|href|action)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^)"']+)""", text)
    hosts = set()
    for groups in refs:
        for ref in groups:
            m = OUTSIDE.match(ref.strip())
            if m:
                hosts.add(m.group(1))
    return hosts


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.rglob("*.html")))
def test_no_template_names_an_outside_host(template: str) -> None:
    text = next(TEMPLATES.rglob(template)).read_text(encoding="utf-8")
    assert not re.findall(r"https?://", text), template


def test_no_page_loads_anything_from_outside_and_docs_works_offline(client_as: ClientAs) -> None:
    c = client_as("admin")
    for path in PAGES:
        r = c.get(path)
        assert r.status_code == 200, path
        assert outside_hosts(r.text) == set(), path
    docs = c.get("/docs").text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', docs)
    assert sorted(assets) == [
        "/static/swagger-init.js",
        "/static/swagger/swagger-ui-bundle.js",
        "/static/swagger/swagger-ui.css",
    ]
    for asset in assets:
        assert c.get(asset).status_code == 200, asset
    assert outside_hosts((STATIC / "swagger" / "swagger-ui.css").read_text(encoding="utf-8")) == set()
    assert "validatorUrl: null" in (STATIC / "swagger-init.js").read_text(encoding="utf-8")  # no validator.swagger.io
    assert Path(STATIC / "swagger" / "LICENSE").is_file()
    assert c.get("/openapi.json").json()["paths"]["/api/v1/warnings"]


def test_every_catalog_source_and_note_reads_in_chinese_on_a_chinese_page(client_as: ClientAs) -> None:
    catalog = load_catalog()
    texts = {ind.source for ind in catalog.indicators.values()} | {
        ind.note for ind in catalog.indicators.values() if ind.note
    }
    # a text with English words in it needs its Chinese in guozi.web.labels.CATALOG_ZH
    untranslated = sorted(t for t in texts if t not in CATALOG_ZH and re.search(r"[A-Za-z]{3,}", t))
    assert untranslated == []
    html = client_as("admin").get("/indicator/roe?entity=A").text
    assert "国资委中央企业负责人会议" in html and "SASAC leaders" not in html
    assert "平均净资产" in html  # the note of roe: average equity = (opening + closing) / 2
    assert "SASAC leaders" in client_as("admin").get("/indicator/roe?entity=A&lang=en").text


def test_users_and_audit_pages_name_roles_and_actions_in_words(client_as: ClientAs) -> None:
    c = client_as("admin")
    users = visible(c.get("/admin/users").text)
    assert "管理员" in users and "监管" in users and ">supervisor<" not in users
    audit = visible(c.get("/admin/audit").text)
    assert "登录" in audit and "session.start" not in audit  # every client here signed in
    src = Path(__file__).resolve().parents[2] / "src" / "guozi"
    used = {
        m
        for path in src.rglob("*.py")
        for m in re.findall(r'"((?:session|user|submission)\.[a-z_]+)"', path.read_text(encoding="utf-8"))
    }
    assert used and used <= set(ACTIONS)  # a new audit action needs its words in guozi.web.labels.ACTIONS


@pytest.mark.parametrize(
    ("value", "prior", "change", "growth", "unit", "words"),
    [
        # HX00020 in the demo: −103.40 万元 after −196.76: the loss narrowed by 93.36 万元, not 「增长 47.45%」
        (-1_034_000.0, -1_967_600.0, 933_600.0, 47.45, "元", "减亏 93.36 万元"),
        (-3_000_000.0, -1_000_000.0, -2_000_000.0, -200.0, "元", "增亏 200.00 万元"),
        (500_000.0, -1_000_000.0, 1_500_000.0, 150.0, "元", "扭亏为盈"),
        (1_200_000.0, 1_000_000.0, 200_000.0, 20.0, "元", "+20.00%"),
        (63.24, 63.53, -0.29, None, "%", "-0.29 个百分点"),
    ],
)
def test_a_cards_change_never_gives_a_growth_rate_on_a_negative_base(
    value: float, prior: float, change: float, growth: float | None, unit: str, words: str
) -> None:
    macro = templates.env.get_template("_macros.html").module.card_change  # type: ignore[attr-defined]
    card = {"value": value, "prior_value": prior, "change": change, "growth": growth, "unit": unit}

    def t(zh: str, en: str) -> str:
        return zh

    assert str(macro(card, t)).strip() == words
