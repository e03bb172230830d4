"""Driving the dashboard in headless Chromium: serve app.py, open it, and wait for what it draws.

Shared by the browser tests (tests/browser) and the many-users benchmark (benchmarks/load.py). Needs
Debian's chromium (/usr/bin/chromium) and the playwright package; never `playwright install`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETTLE_MS = 30_000


def chromium() -> str | None:
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served_app(log_name: str = "browser-streamlit-server.log", env: dict | None = None):
    """Serve app.py on a free loopback port; yields (url, server process). The log is kept in
    test-artifacts/: the first place to look when a test fails."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / log_name
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit not healthy within 60 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}/", server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "_stcore/health", timeout=5) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


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


def open_page(page, title: str) -> None:
    """Click the page's link in the navigation and wait until the page is drawn (its title in the last line;
    the default page's address is the app's root, so the address alone says nothing)."""
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
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
