"""One number, one definition: a rep's effort, won and conversion read the same on every page that shows them
(issue 9; issue 10 item 6, where Maven's what-if said 231 deals engaged for a rep the Overview credited
with 271)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from i18n import language
from sample_data.make_samples import PLANTED
from tests.conftest import MAVEN, ROOT
from tests.screen import visible
from views import state

EN = language("en")


def app(*files: tuple[str, bytes]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    if files:
        at.sidebar.file_uploader[0].set_value([(name, content, "text/csv") for name, content in files]).run()
    assert not at.exception
    return at


def table_with(at: AppTest, *columns: str):
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def figures_on_each_page(at: AppTest, rep: str) -> dict[str, dict]:
    seen = {}
    at.switch_page(state.ACTIVITY.path).run()
    row = table_with(at, "rep", "effort", "expected_won").set_index("rep").loc[rep]
    seen["activity page"] = {"effort": row["effort"], "won": row["won"], "conversion": row["conversion"]}
    what = [d.value for d in at.dataframe if "won_at_team_rate" in d.value.columns]
    if what and rep in set(what[0]["rep"]):
        row = what[0].set_index("rep").loc[rep]
        seen["what-if"] = {"won": row["won"], "trials": row["trials"]}
    at.switch_page(state.OVERVIEW.path).run()
    flagged = [d.value for d in at.dataframe if {"rep", "p_adjusted"} <= set(d.value.columns)]
    if flagged and rep in set(flagged[0]["rep"]):
        row = flagged[0].set_index("rep").loc[rep]
        seen["overview"] = {"effort": row["effort"], "won": row["won"], "conversion": row["conversion"]}
        finding = next(
            visible(m.value)
            for m in at.markdown
            if visible(m.value).startswith(("1. ", "2. ")) and rep in visible(m.value)
        )
        seen["finding"] = {"effort text": finding}
    at.session_state[state.FOCUS] = rep
    at.switch_page(state.REPS.path).run()
    seen["reps page"] = {m.label: m.value for m in at.metric}
    return seen


def assert_agree(seen: dict, effort_title: str, won_title: str, decided: int | None = None) -> None:
    truth = seen["activity page"]
    for page in ("overview",):
        if page in seen:
            assert seen[page] == pytest.approx(truth), page
    if "what-if" in seen:
        assert seen["what-if"]["won"] == truth["won"]
        # The what-if's rate is over decided deals for deals-only data, its title says so (not 'Deals engaged').
        assert seen["what-if"]["trials"] == (decided if decided is not None else truth["effort"])
    if "finding" in seen:
        assert f"({EN.number(truth['effort'])} against" in seen["finding"]["effort text"]
    cards = seen["reps page"]
    assert cards[effort_title] == EN.number(truth["effort"])
    assert cards[won_title] == EN.count(truth["won"])
    assert cards["Conversion"] == EN.percent(truth["conversion"])


def test_a_flagged_reps_figures_agree_on_every_page():
    at = app()
    rep = PLANTED["startup"]["busy"][0]
    seen = figures_on_each_page(at, rep)
    assert {"activity page", "overview", "finding", "what-if", "reps page"} <= set(seen)
    assert_agree(seen, "Activities", "Customers acquired")


def test_deals_only_figures_agree_on_every_page(maven_pipeline):
    at = app(
        ("sales_pipeline.csv", maven_pipeline.read_bytes()),
        ("sales_teams.csv", (MAVEN / "sales_teams.csv").read_bytes()),
    )
    team = at.session_state[state.VIEW].analysis.team_reps()
    rep = team.sort_values("deals", ascending=False)["rep"].iloc[0]
    seen = figures_on_each_page(at, rep)
    assert_agree(seen, "Deals engaged", "Customers acquired", decided=int(team.set_index("rep").loc[rep, "decided"]))
