"""Strangers' files in a real browser: hostile names draw as text, and a file that aborts the reader costs
only its own upload while another user's session carries on."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_app
from tests.browser.helpers import ARTIFACTS, assert_no_crash, open_page, served_app, serving, upload, wait_drawn
from tests.fixtures.hostile_books import far_cell_workbook
from tests.test_hostile_names import HOSTILE_FILE, HOSTILE_REPS, HOSTILE_TEAM, hostile_deals, hostile_log
from views import state

pytestmark = pytest.mark.browser

CSV = "text/csv"
MARKDOWN = "[data-testid='stMain'] [data-testid='stMarkdownContainer']"


def test_hostile_names_fetch_nothing_and_show_as_text_on_every_page(page):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "127.0.0.1:9/" in request.url else None)
    upload(
        page,
        [
            {"name": HOSTILE_FILE, "mimeType": CSV, "buffer": hostile_log()},
            {"name": "deals.csv", "mimeType": CSV, "buffer": hostile_deals()},
        ],
        expect="deals.csv",
    )
    for shown in state.PAGES:
        open_page(page, shown.title)
        assert_no_crash(page)
        main = page.locator("[data-testid='stMain']")
        # All at once: listing the links and then reading each races with charts still settling.
        links = main.evaluate("main => [...main.querySelectorAll('a')].map(a => a.getAttribute('href') || '')")
        assert not [href for href in links if "127.0.0.1:9" in href or href.startswith("javascript")], shown.title
        assert main.locator("img[src*='127.0.0.1'], .katex, [data-testid='stMarkdownColoredText']").count() == 0
    page.get_by_text(HOSTILE_FILE).first.wait_for()  # the Data page names the file as it was called
    open_page(page, state.REPS.title)
    # The Reps page opens on the first rep, the image link: shown as its own text, not as an image (the word
    # joiner that stops GFM's autolink is invisible).
    assert rep_lines(page) == [f"{HOSTILE_REPS[0]} · {HOSTILE_TEAM}"]
    chosen = HOSTILE_REPS[1]  # another rep, so choosing it reruns the page
    page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name=chosen).click()
    # The selectbox echoes the choice at once; the page's own line names the rep only once the rerun drew it.
    page.locator(MARKDOWN, has_text=f"{chosen} · ").first.wait_for()
    wait_drawn(page, "Reps")
    assert rep_lines(page) == [f"{chosen} · {HOSTILE_TEAM}"]  # its colour and bold markup shown as text
    assert page.locator("[data-testid='stMain'] [data-testid='stMarkdownColoredText']").count() == 0
    assert fetched == []


def rep_lines(page) -> list[str]:
    """The Reps page's line naming the rep and their team, up to the team."""
    texts = page.locator(MARKDOWN).all_inner_texts()
    return [" · ".join(t.replace("\u2060", "").split(" · ")[:2]) for t in texts if f" · {HOSTILE_TEAM}" in t]


def test_a_file_that_aborts_the_reader_costs_only_its_upload(browser, good_csv):
    """A reader that aborts costs its own upload only: the server keeps serving, and a second user's upload
    in another session works.

    The pre-flight refuses far cells before the reader sees them, so to make a worker really die this app
    gets an 800 MiB reader limit, and the upload is a sheet exactly at the pre-flight's cap (one cell at
    P1048576): calamine asks for 512 MiB for it and aborts. The server log must show that abort.
    """
    with served_app("abort-streamlit-server.log", env={"SALES_PARSE_MEMORY_MB": "800"}) as (url, _):
        first, attacker = open_app(browser, url)
        second, colleague = open_app(browser, url)
        try:
            upload(
                attacker,
                [
                    {
                        "name": "at-the-cap.xlsx",
                        "mimeType": "application/vnd.ms-excel",
                        "buffer": far_cell_workbook("P", 1048576),
                    }
                ],
                expect="sample data",
            )
            attacker.locator("[data-testid='stAlertContentError']", has_text="at-the-cap.xlsx").first.wait_for()
            assert serving(url)
            upload(colleague, [good_csv])
            assert_no_crash(colleague)
            assert colleague.locator("[data-testid='stAlertContentError']").count() == 0
            upload(attacker, [good_csv])  # the attacker's own session carries on too
            assert_no_crash(attacker)
        finally:
            first.close()
            second.close()
    log = (ARTIFACTS / "abort-streamlit-server.log").read_text(errors="replace")
    assert "the worker reading at-the-cap.xlsx died (exit code -6)" in log
