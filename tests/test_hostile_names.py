"""Names from a stranger's file reach the screen as text: no markdown in them runs, on any page.

Rep, team, file, sheet and column names are all the uploader's. Each page is walked with hostile ones,
and every markdown body and every label (where Streamlit renders markdown) must show them escaped.
The browser twin of this test (tests/browser/test_hostile_names.py) checks what Chromium draws.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from views.escaping import md

HOSTILE_REPS = [
    "![x](http://127.0.0.1:9/pixel.png)",
    ":red[Big] **Bold**",
    ":material/home: Ola",
    "$x^2$ Kari",
    "<img src=x onerror=alert(1)>",
    "[Per](javascript:alert(1))",
]
HOSTILE_TEAM = "# Team <b>A</b>"
HOSTILE_COLUMN = "![c](http://127.0.0.1:9/column.png)"
HOSTILE_FILE = "![f](http:127.0.0.1:9:file.png) log.csv"
PAGES = [
    "views/overview.py",
    "views/activity.py",
    "views/conversion.py",
    "views/trends.py",
    "views/reps.py",
    "views/data.py",
]
MARKDOWN_BODIES = {
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "error",
    "warning",
    "info",
    "success",
    "toast",
}


def hostile_log() -> bytes:
    lines = [f"Date;Rep;Team;Activity type;Deal ID;{HOSTILE_COLUMN}"]
    for day in range(1, 29):
        for number, rep in enumerate(HOSTILE_REPS):
            for kind in ("Call", "Email", "Product demo")[: 1 + number % 3]:
                lines.append(f"{day:02d}.01.2026 0{number}:{day:02d};{rep};{HOSTILE_TEAM};{kind};D-{number}-{day};x")
    return ("\n".join(lines) + "\n").encode()


def hostile_deals() -> bytes:
    lines = ["Deal ID;Rep;Status;Amount;Close date"]
    for number, rep in enumerate(HOSTILE_REPS):
        for day in range(1, 29):
            lines.append(
                f"D-{number}-{day};{rep};{'Won' if (day + number) % 3 == 0 else 'Lost'};1000;{day:02d}.02.2026"
            )
    return ("\n".join(lines) + "\n").encode()


def shown_markdown(node) -> list[str]:
    """Every markdown body and label under `node`."""
    texts = []
    label = getattr(node, "label", None)
    if isinstance(label, str):
        texts.append(label)
    if getattr(node, "type", None) in MARKDOWN_BODIES and isinstance(getattr(node, "value", None), str):
        texts.append(node.value)
    for child in getattr(node, "children", {}).values():
        texts += shown_markdown(child)
    return texts


def raw_hostile(texts: list[str]) -> list[str]:
    return [
        text for text in texts for name in [*HOSTILE_REPS, HOSTILE_TEAM, HOSTILE_COLUMN, HOSTILE_FILE] if name in text
    ]


@pytest.fixture(scope="module")
def hostile_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.sidebar.file_uploader[0].set_value(
        [(HOSTILE_FILE, hostile_log(), "text/csv"), ("deals.csv", hostile_deals(), "text/csv")]
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_a_hostile_name_as_markdown(hostile_app, page):
    at = hostile_app.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = shown_markdown(at._tree)
    assert any(md(HOSTILE_FILE) in text for text in texts), "the page is not showing the hostile upload"
    assert raw_hostile(texts) == []


@pytest.mark.parametrize("rep", HOSTILE_REPS)
def test_each_hostile_rep_on_their_own_page(hostile_app, rep):
    at = hostile_app.switch_page("views/reps.py").run()
    at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.startswith("rep-page"))).set_value(rep).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = shown_markdown(at._tree)
    assert any(md(rep) in text for text in texts)
    assert raw_hostile(texts) == []
