"""The dashboard in a real browser: serve app.py, open it in headless Chromium, upload files through the
sidebar and check that the "Activity vs performance" chart actually draws.

Needs Debian's chromium (/usr/bin/chromium) and the playwright Python package; never `playwright install`.
Without chromium the tests skip, except under CI (CI set and non-empty), where they fail.
"""
from __future__ import annotations

import csv
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
REAL_CSV = REPO.parent / "shared" / "data" / "maven-crm" / "sales_pipeline.csv"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ACTIVITY_PAGE = "Activity vs performance"
SAMPLE_NOTICE = "Showing sample data"
SETTLE_MS = 30_000


def _missing(reason: str):
    """Skip locally, fail under CI: a CI run that silently skips the browser tests proves nothing."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


# --- fixtures -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium_path() -> str:
    path = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")
    if not path:
        _missing("no chromium: install Debian's chromium package")
    return path


@pytest.fixture(scope="module")
def app_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "browser-streamlit-server.log"  # kept: the first place to look when a test fails
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy within 60 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


@pytest.fixture(scope="module")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("no playwright: pip install -r requirements-dev.txt")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_url, request):
    """A fresh browser context (so a fresh Streamlit session) on the app, drawn over the sample. A failing test leaves
    a screenshot of where it stood in test-artifacts/."""
    failed_before = request.session.testsfailed
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(SETTLE_MS)
    page.page_errors = []
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    page.goto(app_url)
    wait_drawn(page, "Overview", "sample data")
    yield page
    if request.session.testsfailed > failed_before:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"browser-failure-{request.node.name}.png"), full_page=True)
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
        writer.writerow(["opportunity_id", "sales_agent", "deal_stage", "engage_date", "close_date",
                         "close_value"])
        for number in range(40):
            agent = agents[number % len(agents)]
            won = rng.random() < (0.25 if agent == "Bo Berg" else 0.6)
            engaged = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 300))
            closed = engaged + timedelta(days=rng.randrange(5, 60))
            writer.writerow([f"OPP{number:04d}", agent, "Won" if won else "Lost", engaged.isoformat(),
                             closed.isoformat(), rng.randrange(500, 5000) if won else 0])
    return path


# --- helpers --------------------------------------------------------------------------------------------

# The app's last line on every page names the page and the data it shows (app.py draws it after the page,
# also when a page stops early). Once that line names what a test expects and nothing on the page is stale
# or still loading, the rerun that drew it is complete. Streamlit's status widget is no such sign: a fast
# rerun never shows it, so waiting for it to vanish can pass before the rerun has even started.
DRAWN = """([title, source]) => {
    if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
    return [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stCaptionContainer"]')]
        .map(el => el.innerText.trim())
        .some(line => line.startsWith(title + ' · ') && line.includes(source));
}"""


def wait_drawn(page, title: str, source: str = "") -> None:
    """Wait until the app has drawn the page called `title` to its end, over data whose source names `source`."""
    page.wait_for_function(DRAWN, arg=[title, source])


def upload(page, files, title: str = "Overview", expect: str | None = None) -> None:
    """Upload through the sidebar's file input and wait until the page is drawn over the uploaded files
    (or over `expect`, for an upload the app can't use)."""
    page.locator("[data-testid='stSidebar'] input[type='file']").first.set_input_files(files)
    names = [item["name"] if isinstance(item, dict) else Path(item).name for item in files]
    wait_drawn(page, title, expect if expect is not None else names[-1])


def open_page(page, title: str, url_path: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    page.wait_for_url(f"**/{url_path}*")
    wait_drawn(page, title)


PAINTED = """chart => [...chart.querySelectorAll('canvas, svg.marks')].some(el => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return false;
    if (el.tagName !== 'CANVAS') return true;
    if (!el.width || !el.height) return false;
    const data = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i]) return true;
    return false;
})"""


def wait_painted(chart) -> None:
    """Wait until Vega has drawn the chart: a canvas or svg with a real size and, for a canvas, pixels on it."""
    chart.wait_for(state="visible")
    chart.page.wait_for_function(PAINTED, arg=chart.element_handle())


def screenshot(page, name: str) -> Path:
    """Save the whole page. Streamlit scrolls inside its main container, not the document, so a plain
    full_page screenshot stops at the viewport: grow the viewport to the content's height first."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
            .map(el => el.scrollHeight))""")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    for chart in page.locator("[data-testid='stVegaLiteChart']").all():
        wait_painted(chart)  # a taller viewport makes Vega redraw its charts at their new width
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def assert_no_crash(page) -> None:
    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, f"stException on the page: {exceptions.first.inner_text()[:1000]}"
    assert "Traceback" not in page.locator("body").inner_text()


def assert_chart_drawn(page) -> None:
    wait_painted(page.locator("[data-testid='stVegaLiteChart']").first)


# --- tests ----------------------------------------------------------------------------------------------

def test_upload_renders_activity_chart(page, good_csv):
    assert page.get_by_text(SAMPLE_NOTICE).count() == 1, "the app should start on its sample data"
    upload(page, [good_csv])
    assert_no_crash(page)
    assert page.get_by_text(SAMPLE_NOTICE).count() == 0, "the upload was not used: still on sample data"

    open_page(page, ACTIVITY_PAGE, "activity")
    assert_chart_drawn(page)
    assert_no_crash(page)
    assert page.get_by_text(SAMPLE_NOTICE).count() == 0

    screenshot(page, "browser-activity.png")
    assert not page.page_errors, f"JavaScript errors: {page.page_errors}"


def test_bad_upload_reports_error_and_app_recovers(page, good_csv):
    upload(page, [{"name": "broken.xlsx", "mimeType": "application/octet-stream",
                   "buffer": b"\x00\x01garbage"}], expect="sample data")
    # The page was drawn over the sample before the upload too: the error is what says the rerun happened.
    page.locator("[data-testid='stAlertContentError']", has_text="broken.xlsx").first.wait_for(state="visible")
    wait_drawn(page, "Overview", "sample data")
    assert_no_crash(page)

    upload(page, [good_csv])
    assert_no_crash(page)
    assert page.get_by_text(SAMPLE_NOTICE).count() == 0, "the good file was not used after the bad one"
    open_page(page, ACTIVITY_PAGE, "activity")
    assert_chart_drawn(page)
    assert_no_crash(page)
    screenshot(page, "browser-bad-then-good-upload.png")


def test_clicking_a_rep_in_a_chart_opens_their_page(page):
    """On the sample data, a click on Lars Johansen's row of the stage heatmap opens the Reps page on him."""
    open_page(page, "Conversion", "conversion")
    heatmap = page.locator("[data-testid='stVegaLiteChart']").nth(1)
    heatmap.scroll_into_view_if_needed()
    wait_painted(heatmap)
    box = heatmap.bounding_box()
    # Rows are 22 px apart: Team, then the reps in name order; Lars Johansen is the sixth row.
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + 22 * 5 + 11)
    page.wait_for_url("**/reps?*focus=Lars*")
    wait_drawn(page, "Reps")
    assert "Lars Johansen · SMB" in page.locator("[data-testid='stMain']").inner_text()
    assert_no_crash(page)
