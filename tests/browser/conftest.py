"""Fixtures for the browser tests: one served app, one Chromium, a fresh context (session) per test.

Without chromium or playwright they skip, except under CI (CI set and non-empty), where they fail: a CI
run that silently skips the browser tests proves nothing.
"""

from __future__ import annotations

import csv
import os
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.helpers import ARTIFACTS, CHROMIUM_ARGS, REPO, SETTLE_MS, chromium, served_app, wait_drawn

REAL_CSV = REPO.parent / "shared" / "data" / "maven-crm" / "sales_pipeline.csv"


def missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium()
    if not path:
        missing("no chromium: install Debian's chromium package")
    return path


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> str:
    # Share links made by the tests go to a store of their own, never to the repository's data/ folder.
    shares = tmp_path_factory.mktemp("shares") / "shares.sqlite"
    with served_app(env={"SHARES_URL": f"sqlite:///{shares}"}) as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("no playwright: pip install -r requirements-dev.txt")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def new_session(browser, url: str):
    """A fresh browser context (so a fresh Streamlit session) on `url`."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(SETTLE_MS)
    page.page_errors = []
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    page.goto(url)
    return context, page


def open_app(browser, url: str):
    """A fresh session on the app, drawn over the sample."""
    context, page = new_session(browser, url)
    wait_drawn(page, "Overview", "sample data")
    return context, page


@pytest.fixture
def page(browser, app_url, request):
    """The app in a fresh context. A failing test leaves a screenshot of where it stood in test-artifacts/."""
    failed_before = request.session.testsfailed
    context, opened = open_app(browser, app_url)
    yield opened
    if request.session.testsfailed > failed_before:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"browser-failure-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def good_csv(tmp_path) -> Path:
    """The real Maven CRM pipeline when shared/ sits beside the repo; otherwise a small generated one."""
    if REAL_CSV.is_file():
        return REAL_CSV
    path = tmp_path / "generated_pipeline.csv"
    rng = random.Random(7)
    agents = ["Ada Lind", "Bo Berg", "Cy Dahl", "Di Eng"]
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["opportunity_id", "sales_agent", "deal_stage", "engage_date", "close_date", "close_value"])
        for number in range(40):
            agent = agents[number % len(agents)]
            won = rng.random() < (0.25 if agent == "Bo Berg" else 0.6)
            engaged = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 300))
            closed = engaged + timedelta(days=rng.randrange(5, 60))
            writer.writerow(
                [
                    f"OPP{number:04d}",
                    agent,
                    "Won" if won else "Lost",
                    engaged.isoformat(),
                    closed.isoformat(),
                    rng.randrange(500, 5000) if won else 0,
                ]
            )
    return path
