"""Issue 12 in a real browser: a share link made in one browser context opens the sharer's view over the
sharer's data in another, and an anonymised link shows no real name anywhere on any page.

The sharer uploads the startup sample workbook as their own file: its two planted busy reps are flagged
(sample_data/make_samples.py), so "the same flagged reps" is a real comparison, not two empty tables.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.browser.conftest import new_session
from tests.browser.helpers import REPO, assert_no_crash, open_page, upload, wait_drawn, wait_painted

pytestmark = pytest.mark.browser

WORKBOOK = REPO / "sample_data" / "startup.xlsx"
PAGES = ["Overview", "Activity vs performance", "Conversion", "Trends", "Reps", "Data"]

# Every table the page shows, row by row: Streamlit's data grid draws on a canvas and keeps the visible cells
# in an accessible table beside it.
TABLES = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] table')].map(table =>
    [...table.querySelectorAll('tr')].map(row => [...row.querySelectorAll('th, td')].map(cell => cell.innerText)))"""
# All text in the document, the charts' SVG text included, and every attribute a name could hide in.
EVERYTHING = """() => document.body.textContent + ' ' + [...document.querySelectorAll('*')]
    .flatMap(el => [...el.attributes].map(a => a.value)).join(' ')"""


def flagged_table(page) -> list[list[str]]:
    """The Overview's flagged reps, one row a rep: the table whose header has the adjusted p-value. The grid
    fills its cells after the page's last line is drawn, so wait for its rows."""
    found = page.wait_for_function(
        f"""() => ({TABLES})().find(rows => rows.length > 1 && rows[0].includes('p across the team'))"""
    )
    return found.json_value()[1:]


def share_link(page, anonymise: bool = False) -> str:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Share this view").click()
    if anonymise:
        sidebar.get_by_text("Anonymise (Rep A, Rep B, …)").click()
    page.get_by_role("button", name="Create a share link").click()
    link = sidebar.locator("[data-testid='stCode']").first
    link.wait_for()
    return link.inner_text().strip()


def test_a_colleague_opens_the_sharers_view_with_the_same_flagged_reps(page, browser):
    upload(page, [str(WORKBOOK)])
    mine = flagged_table(page)
    assert sorted(row[0] for row in mine) == ["Lars Johansen", "Tomás García"]
    link = share_link(page)
    context, theirs = new_session(browser, link)  # a colleague: a session of their own
    try:
        wait_drawn(theirs, "Overview", WORKBOOK.name)  # the sharer's file, not the sample
        assert_no_crash(theirs)
        assert flagged_table(theirs) == mine
        assert "You are looking at a shared view" in theirs.locator("[data-testid='stMain']").inner_text()
    finally:
        context.close()


def test_an_anonymised_link_shows_no_real_name_on_any_page(page, browser):
    upload(page, [str(WORKBOOK)])
    roster = pd.read_excel(WORKBOOK, sheet_name="Roster")
    people = [*roster["Rep"], *roster["Manager"].drop_duplicates()]
    # Whole names and surnames ("Lie", "Berg" as words; first names like "Ola" too), and the file's name.
    names = {*people, *(person.split()[-1] for person in people), *(person.split()[0] for person in people)}
    names.add(WORKBOOK.name)
    link = share_link(page, anonymise=True)
    context, theirs = new_session(browser, link)  # a colleague: a session of their own
    try:
        wait_drawn(theirs, "Overview")
        assert "Names are replaced by pseudonyms" in theirs.locator("[data-testid='stMain']").inner_text()
        flagged = flagged_table(theirs)
        assert len(flagged) == 2 and all(row[0].startswith("Rep ") for row in flagged), flagged
        for title in PAGES:
            if title != "Overview":
                open_page(theirs, title)
            assert_no_crash(theirs)
            # A chart in a tab not shown is drawn only once its tab is opened: open each in turn.
            for tab in [None, *theirs.locator("[data-testid='stMain'] [role='tab']").all()]:
                if tab is not None:
                    tab.click()
                for chart in theirs.locator("[data-testid='stVegaLiteChart']:visible").all():
                    wait_painted(chart)
                shown = theirs.evaluate(EVERYTHING)
                leaked = sorted(name for name in names if re.search(rf"\b{re.escape(name)}\b", shown))
                assert not leaked, (title, tab and tab.inner_text(), leaked)
    finally:
        context.close()
