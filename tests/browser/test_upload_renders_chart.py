"""The dashboard in a real browser: upload files through the sidebar and check that the "Activity vs
performance" chart actually draws, that a bad file gets its message, and that a click opens a rep."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    assert_chart_drawn,
    assert_no_crash,
    open_page,
    screenshot,
    upload,
    wait_drawn,
    wait_painted,
)

pytestmark = pytest.mark.browser

ACTIVITY_PAGE = "Activity vs performance"
SAMPLE_NOTICE = "Showing sample data"


def test_upload_renders_activity_chart(page, good_csv):
    assert page.get_by_text(SAMPLE_NOTICE).count() == 1, "the app should start on its sample data"
    upload(page, [good_csv])
    assert_no_crash(page)
    assert page.get_by_text(SAMPLE_NOTICE).count() == 0, "the upload was not used: still on sample data"

    open_page(page, ACTIVITY_PAGE)
    assert_chart_drawn(page)
    assert_no_crash(page)
    assert page.get_by_text(SAMPLE_NOTICE).count() == 0

    screenshot(page, "browser-activity.png")
    assert not page.page_errors, f"JavaScript errors: {page.page_errors}"


def test_bad_upload_reports_error_and_app_recovers(page, good_csv):
    upload(
        page,
        [{"name": "broken.xlsx", "mimeType": "application/octet-stream", "buffer": b"\x00\x01garbage"}],
        expect="sample data",
    )
    # The page was drawn over the sample before the upload too: the error is what says the rerun happened.
    page.locator("[data-testid='stAlertContentError']", has_text="broken.xlsx").first.wait_for(state="visible")
    wait_drawn(page, "Overview", "sample data")
    assert_no_crash(page)

    upload(page, [good_csv])
    assert_no_crash(page)
    assert page.get_by_text(SAMPLE_NOTICE).count() == 0, "the good file was not used after the bad one"
    open_page(page, ACTIVITY_PAGE)
    assert_chart_drawn(page)
    assert_no_crash(page)
    screenshot(page, "browser-bad-then-good-upload.png")


def test_clicking_a_rep_in_a_chart_opens_their_page(page):
    """On the sample data, a click on Lars Johansen's row of the stage heatmap opens the Reps page on him."""
    open_page(page, "Conversion")
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
