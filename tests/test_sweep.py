"""Every control on every page, at each of its values, for each scenario's sample and a deals-only upload.

Issue 10: a page crashed on one click (Trends → week) while every test passed, because the tests only
looked at the defaults. This walks what a user can touch — segmented controls, select boxes, multiselects,
sliders at their ends, the thresholds at their extremes, the weights, a one-day date range, a team or rep
filter that leaves one rep, the other language — and fails on any exception or error box.
"""

from __future__ import annotations

import copy

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from views import state

DEALS_ONLY = (
    "Deal ID;Rep;Team;Status;Amount;Created;Close date\n"
    + "".join(
        f"D{n};{rep};{team};{status};{1000 + 10 * n};{1 + n % 27:02d}.{1 + n % 6:02d}.2026;"
        f"{1 + n % 27:02d}.{2 + n % 6:02d}.2026\n"
        for n, (rep, team, status) in enumerate(
            [
                (f"Rep {r}", "North" if r % 2 else "South", "Won" if (r + k) % 3 == 0 else "Lost")
                for r in range(8)
                for k in range(30)
            ]
        )
    )
).encode()
MAX_OPTIONS = 4  # of a select box with many values: the first, the last and some between
# The values behind each segmented control on the pages (AppTest shows only their labels). A page that
# grows a control not named here fails the sweep, so it gets swept too.
SEGMENTS = {"compare": ["chosen", "month", "quarter"], "measure": ["won", "revenue"], "period": ["week", "month"]}


def run(at: AppTest, errors_allowed: bool = False) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert errors_allowed or not at.error, [e.value for e in at.error]
    return at


def change(at: AppTest, widget, value) -> AppTest:
    widget.set_value(value)
    return run(at)


def spread(options: list) -> list:
    if len(options) <= MAX_OPTIONS:
        return list(options)
    step = (len(options) - 1) / (MAX_OPTIONS - 1)
    return [options[round(i * step)] for i in range(MAX_OPTIONS)]


def widgets(at: AppTest, kind: str, where) -> list:
    return (
        [w for w in getattr(where, kind) if w.key and not w.disabled]
        if kind != "button_group"
        else [w for w in where.get("button_group") if w.key and not w.disabled]
    )


def each_value(at: AppTest, kind: str, key: str, values: list, by_index: bool = False) -> None:
    # Choosing a Data-page column that breaks the table is the user's to do, and saying so is right; the
    # last value restores the original, and then no error may be left.
    mapping = key.startswith(("role-", "type-", "status-"))
    before = copy.deepcopy(at.session_state[state.MAPPING]) if mapping else None
    for value in values:
        widget = fresh(at, kind, key)
        if widget is None:  # a change before this one moved the page on (the data's key names the widget)
            return
        if by_index:
            widget.select_index(value)
        else:
            widget.set_value(value)
        run(at, errors_allowed=mapping)
        if mapping:  # what "Back to the automatic choice" does; the picker's key names the mapping again
            at.session_state[state.MAPPING] = copy.deepcopy(before)
            run(at)


def segment_values(key: str) -> list:
    known = [values for prefix, values in SEGMENTS.items() if key.startswith(prefix)]
    assert known, f"a segmented control the sweep doesn't know: {key}; add its values to SEGMENTS"
    return known[0]


def fresh(at: AppTest, kind: str, key: str):
    found = at.get(kind) if kind == "button_group" else getattr(at.main, kind)
    return next((w for w in found if w.key == key), None)


def sweep_page(at: AppTest, page) -> None:
    run(at.switch_page(page.path))
    # Keys first: a change may rename later widgets (the Data page names its pickers by the mapping in
    # force), and those are looked up fresh, or skipped when gone.
    touched = [
        (kind, widget.key)
        for kind in ("button_group", "selectbox", "multiselect", "slider")
        for widget in widgets(at, kind, at.main)
    ]
    for kind, key in touched:
        widget = fresh(at, kind, key)
        if widget is None:
            continue
        if kind == "button_group":
            each_value(at, kind, key, segment_values(key) + [widget.value])
        elif kind == "selectbox":
            each_value(at, kind, key, spread(list(range(len(widget.options)))) + [widget.index], by_index=True)
        elif kind == "multiselect":
            options = list(widget.options)
            each_value(at, kind, key, [[], options[:1], options, list(widget.value)])
        else:
            each_value(at, kind, key, [widget.min, widget.max, widget.value])


def sidebar(at: AppTest, kind: str, starts: str):
    return next(w for w in getattr(at.sidebar, kind) if w.key and w.key.startswith(starts))


def sweep_sidebar(at: AppTest) -> None:
    for key, values in (("min_volume", [1, 10_000, 20]), ("rise_pct", [0, 100, 10])):
        for value in values:
            change(at, sidebar(at, "number_input" if key == "min_volume" else "slider", key), value)
    for confidence in (0.90, 0.99, 0.95):
        change(at, sidebar(at, "selectbox", "confidence"), confidence)
    weight = sidebar(at, "number_input", "weight-")
    for value in (0.0, 100.0, 1.0):
        change(at, sidebar(at, "number_input", weight.key), value)
    dates = sidebar(at, "date_input", "dates-")
    low, high = dates.value
    for chosen in ((high, high), (low, low), (low, high)):
        change(at, sidebar(at, "date_input", "dates-"), chosen)
    teams = sidebar(at, "multiselect", "teams-")
    if teams.options:
        change(at, teams, teams.options[:1])
        reps = sidebar(at, "multiselect", "reps-")
        change(at, reps, reps.options[:1])
        change(at, sidebar(at, "multiselect", "reps-"), [])
        change(at, sidebar(at, "multiselect", "teams-"), [])
    reps = sidebar(at, "multiselect", "reps-")
    change(at, reps, reps.options[:1])


def app_on(scenario: str | None = None, upload: tuple[str, bytes] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    run(at)
    if scenario:
        change(at, at.sidebar.selectbox(key=state.SCENARIO), scenario)
    if upload:
        change(at, at.sidebar.file_uploader[0], [(upload[0], upload[1], "text/csv")])
    return at


@pytest.mark.parametrize(
    "scenario, upload",
    [("startup", None), ("consultancy", None), ("agency", None), (None, ("deals_only.csv", DEALS_ONLY))],
    ids=["startup", "consultancy", "agency", "deals-only"],
)
def test_every_control_on_every_page_at_each_value(scenario, upload):
    at = app_on(scenario, upload)
    for page in state.PAGES:
        sweep_page(at, page)
    sweep_sidebar(at)  # the filters stay narrowed: the pages below see one rep and one day's ends
    for page in state.PAGES:
        sweep_page(at, page)


def test_every_page_in_norwegian_with_every_control():
    at = app_on("startup")
    change(at, at.sidebar.selectbox(key=state.LANGUAGE), "nb")
    for page in state.PAGES:
        sweep_page(at, page)
