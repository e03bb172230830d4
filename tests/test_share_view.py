"""Share through the app: a colleague's session opens exactly the sharer's view over the sharer's data, an
anonymised view shows no real name anywhere, and a link that doesn't fit the data says what it changed."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import app_test
from tests.screen import visible
from tests.test_hostile_names import shown_markdown
from views import share, state

REPS = ["Kari Nordmann", "Ola Hansen", "Per Berg", "Anne Lie", "Jonas Vik", "Eva Dahl"]
LOG = (
    "Date;Rep;Team;Activity type;Deal ID\n"
    + "".join(
        f"{day:02d}.0{month}.2026;{rep};{'North' if n % 2 else 'South'};{kind};D-{n}-{month}-{day % 5}\n"
        for month in (1, 2, 3)
        for day in range(1, 28)
        for n, rep in enumerate(REPS)
        for kind in ("Call", "Email", "Product demo")[: 1 + (n + day) % 3]
    )
).encode()
DEALS = (
    "Deal ID;Rep;Status;Amount;Close date\n"
    + "".join(
        f"D-{n}-{month}-{k};{rep};{'Won' if (n + k) % 3 == 0 else 'Lost'};{1000 + 100 * k};2{k}.0{month}.2026\n"
        for month in (1, 2, 3)
        for n, rep in enumerate(REPS)
        for k in range(5)
    )
).encode()


@pytest.fixture(autouse=True)
def a_store_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARES_URL", f"sqlite:///{tmp_path / 'shares.sqlite'}")
    share.store.clear()
    yield
    share.store.clear()


def app(**params) -> AppTest:
    return app_test(timeout=90, params=params)


def sharer(anonymise: bool = False) -> tuple[AppTest, dict]:
    at = app()
    at.sidebar.file_uploader[0].set_value([("kari-log.csv", LOG, "text/csv"), ("deals.csv", DEALS, "text/csv")]).run()
    teams = next(m for m in at.sidebar.multiselect if m.key.startswith("teams-"))
    teams.set_value(["North"]).run()
    if anonymise:
        at.sidebar.toggle(key="share-anonymise").set_value(True).run()
    at.sidebar.button(key="share-create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at, at.session_state[state.MY_LINK]


def token_of(link: str, name: str = state.Param.SHARE) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)[name][0]


def rep_table(at: AppTest):
    at.switch_page(state.ACTIVITY.path).run()
    return next(d.value for d in at.dataframe if "expected_won" in d.value.columns)


def test_a_colleague_opens_the_sharers_view_over_the_sharers_data():
    at, link = sharer()
    colleague = app(share=token_of(link["open"]))
    assert not colleague.session_state[state.VIEW].is_sample
    assert colleague.session_state[state.VIEW].filters.teams == ("North",)
    mine, theirs = rep_table(at), rep_table(colleague)
    assert theirs[["rep", "effort", "won", "conversion", "status"]].equals(
        mine[["rep", "effort", "won", "conversion", "status"]]
    )
    assert any("shared view" in visible(i.value) for i in colleague.info)


def test_an_anonymised_view_shows_no_real_name_on_any_page():
    _, link = sharer(anonymise=True)
    colleague = app(share=token_of(link["open"]))
    for page in state.PAGES:
        colleague.switch_page(page.path).run()
        assert not colleague.exception
        shown = " ".join(shown_markdown(colleague._tree))
        shown += " ".join(d.value.to_csv() for d in colleague.dataframe)
        shown += " ".join(
            str(chart.proto.spec) + str(chart.proto.datasets) for chart in colleague.get("vega_lite_chart")
        )
        # Full names, surnames and the file name; a first name like 'Per' is also an English word.
        for name in REPS + [rep.split()[-1] for rep in REPS] + ["kari-log"]:
            assert not re.search(rf"\b{re.escape(name)}\b", shown), (page.path, name)
    assert any("pseudonyms" in visible(i.value) for i in colleague.info)


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, ""])
def test_a_wrong_token_gets_not_found_and_the_sample(token):
    at = app(share=token) if token else app()
    if token:
        assert any(
            "not found" in visible(e.value).lower() or "no shared view" in visible(e.value).lower() for e in at.error
        )
    assert at.session_state[state.VIEW].is_sample


def test_the_owner_deletes_and_the_link_then_opens_nothing():
    _, link = sharer()
    owner = app(share=token_of(link["delete"]), delete=token_of(link["delete"], state.Param.DELETE))
    owner.button(key="share-delete").click().run()
    assert any("Deleted" in visible(s.value) for s in owner.success)
    again = app(share=token_of(link["open"]))
    assert again.session_state[state.VIEW].is_sample and again.error


def test_a_link_whose_values_dont_fit_the_data_says_what_it_changed():
    at = app(**{"from": "2017-01-01", "to": "2017-06-30", "team": "Nowhere", "measure": "profit"})
    notes = [visible(i.value) for i in at.info]
    assert any("lie outside this data" in note for note in notes)
    assert any("Nowhere" in note and "left out" in note for note in notes)
    assert any("measure=profit" in note for note in notes)
    view = at.session_state[state.VIEW]
    assert (view.filters.start, view.filters.end) == view.analysis.bounds and view.filters.teams == ()


def test_a_link_with_a_backwards_date_range_is_swapped_with_a_note():
    at = app(**{"from": "2026-09-30", "to": "2026-09-01"})
    assert any("ran backwards" in visible(i.value) for i in at.info)
    view = at.session_state[state.VIEW]
    assert (str(view.filters.start), str(view.filters.end)) == ("2026-09-01", "2026-09-30")
