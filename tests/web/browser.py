"""Chromium for the browser tests: one Playwright and one Chromium for the whole test run, the
application served on a free port, pages signed in as a user in a language, and a screenshot of
every open page when a test fails.

tests/conftest.py loads this module as a plugin (``pytest_plugins``), so its session fixtures exist
once for the run: Chromium starts once, not once per test; each test gets contexts of its own (their
own cookies), closed when it ends. A browser test asks for:

- ``group_copy`` (tests/web/conftest.py): the group with its users in a store of the test's own;
- ``serve``: ``serve(ws)`` (or ``serve(app)``) serves it on 127.0.0.1 until the test ends: the base URL;
- ``page_as``: ``page_as(base, "filer_a")`` a new page signed in as that user, in Chinese
  (``lang="en"`` for English: the browser's locale and guozi's ``lang`` cookie); ``page_as(base)``
  signs nobody in. Other keywords go to Playwright's ``new_context`` (a viewport, say).

When a test fails, each of its pages still open is photographed into ``browser-failures/`` of
pytest's temporary folder, and the report names the files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from fastapi import FastAPI

from guozi.web.app import create_app
from guozi.workspace import Workspace
from tests.web.conftest import PASSWORD, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (scripts/setup --dev installs it)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"  # the tests' own screenshots
SECRET = "browser-test-secret-not-for-production"
LOCALES = {"zh": "zh-CN", "en": "en-US"}

OPEN_PAGES = pytest.StashKey[list["Page"]]()
FAILURES = pytest.StashKey[Path]()


Serve = Callable[[Workspace | FastAPI], str]


class PageAs(Protocol):
    def __call__(self, base: str, user: str | None = None, *, lang: str = "zh", **options: Any) -> Page: ...


def artifacts(*parts: str) -> Path:
    """The folder of screenshots kept after the run (``test-artifacts/browser/…``), made if missing."""
    folder = ARTIFACTS.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    """Sign in through the login form as ``name``; back on the overview."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")


def sign_out(page: Page, base: str) -> None:
    """Sign out with the button of the page's header; back on the login page."""
    page.click("form[action='/logout'] button")
    page.wait_for_url(f"{base}/login")


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, per test: a session-wide Playwright keeps an event loop running in the main thread, and later tests calling asyncio.run fail."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium (scripts/setup --dev)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page_as(
    chromium: Browser, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PageAs]:
    """``page_as(base, user, lang="zh", **context_options)``: a page of a new context, signed in."""
    with ExitStack() as contexts:
        pages = request.node.stash.setdefault(OPEN_PAGES, [])
        request.node.stash[FAILURES] = tmp_path_factory.getbasetemp() / "browser-failures"

        def make(base: str, user: str | None = None, *, lang: str = "zh", **options: Any) -> Page:
            context = chromium.new_context(locale=LOCALES[lang], **options)
            contexts.callback(context.close)
            context.add_cookies([{"name": "lang", "value": lang, "url": base}])
            page = context.new_page()
            pages.append(page)
            if user is not None:
                sign_in(page, base, user)
            return page

        yield make
        pages.clear()


@pytest.fixture
def serve() -> Iterator[Serve]:
    """``serve(ws)`` or ``serve(app)``: served on a free port of 127.0.0.1 until the test ends; its base URL."""
    with ExitStack() as running:

        def start(target: Workspace | FastAPI) -> str:
            app = target if isinstance(target, FastAPI) else create_app(workspace=target, secret=SECRET)
            base: str = running.enter_context(serving(app))
            return base

        yield start


def _photograph(item: pytest.Item) -> list[str]:
    """Screenshots of the failed test's open pages; the files written (or why one could not be)."""
    from playwright.sync_api import Error

    folder = item.stash[FAILURES]
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", item.name)
    written = []
    for i, page in enumerate(p for p in item.stash.get(OPEN_PAGES, []) if not p.is_closed()):
        path = folder / f"{stem}-{i + 1}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Error as exc:
            written.append(f"{page.url}: no screenshot ({exc.message.splitlines()[0]})")
        else:
            written.append(f"{page.url}: {path}")
    return written


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed browser test's report names the screenshots of the pages it had open."""
    report = yield
    if report.when == "call" and report.failed and item.stash.get(OPEN_PAGES, []):
        report.sections.append(("screenshots of the open pages", "\n".join(_photograph(item))))
    return report
