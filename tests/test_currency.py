"""The sidebar's currency: every amount in the chosen currency, as Babel writes it; plain numbers by default."""

import csv
import io

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from exports import table_csv
from i18n import Language
from tests.conftest import app_test
from views import state

EN = Language("en")


def app(**params: str) -> AppTest:
    return app_test(params=params)


def choose(at: AppTest, currency: str) -> AppTest:
    at.sidebar.selectbox(key=state.CURRENCY).set_value(currency).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def revenue_card(at: AppTest) -> tuple[str, str]:
    """The Overview's revenue card as shown, and as the project's Language writes the card's amount."""
    analysis = at.session_state[state.VIEW].analysis
    kpis = analysis.comparison(analysis.default_comparison).kpis.set_index("kpi")
    shown = next(card.value for card in at.metric if card.label == "Revenue")  # the startup sample's word
    return shown, kpis.loc["revenue", "value"]


def rep_table_revenue(at: AppTest) -> list[tuple[str, float]]:
    """The Activity page's rep table: each rep's revenue as the screen shows it, beside its value."""
    table = at.dataframe[0]  # the rep table comes first on the page
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()
    return list(zip(shown["revenue"], table.value["revenue"]))


def test_amounts_are_plain_numbers_by_default():
    at = app()
    assert at.sidebar.selectbox(key=state.CURRENCY).value == ""
    shown, revenue = revenue_card(at)
    assert shown == EN.compact(revenue) == "301K"
    open_page(at, state.ACTIVITY.path)
    rows = rep_table_revenue(at)
    assert rows and all(text == EN.money(value) for text, value in rows)
    assert not any("NOK" in text or "kr" in text for text, _ in rows)
    assert state.Param.CURRENCY not in at.query_params


def test_nok_shows_on_the_revenue_card_and_in_the_rep_table():
    at = choose(app(), "NOK")
    shown, revenue = revenue_card(at)
    assert shown == EN.compact(revenue, "NOK") == "NOK301K"
    open_page(at, state.ACTIVITY.path)
    rows = rep_table_revenue(at)
    assert rows and all(text == EN.money(value, "NOK") for text, value in rows)
    assert rows[0][0].startswith("NOK") and rows[0][0].removeprefix("NOK") == EN.money(rows[0][1])


def test_norwegian_writes_kroner_its_own_way():
    at = choose(app(lang="nb"), "NOK")
    analysis = at.session_state[state.VIEW].analysis
    revenue = analysis.comparison(analysis.default_comparison).kpis.set_index("kpi").loc["revenue", "value"]
    assert Language("nb").compact(revenue, "NOK") in [card.value for card in at.metric]
    open_page(at, state.ACTIVITY.path)
    text, value = rep_table_revenue(at)[0]
    assert text == Language("nb").money(value, "NOK") and text.endswith("\u00a0kr")


def test_the_choice_survives_page_switches_and_goes_in_the_address():
    at = choose(app(), "EUR")
    for page in (state.ACTIVITY, state.TRENDS, state.OVERVIEW):
        open_page(at, page.path)
        assert at.sidebar.selectbox(key=state.CURRENCY).value == "EUR"
        assert at.query_params[state.Param.CURRENCY] in ("EUR", ["EUR"])
    shown, revenue = revenue_card(at)
    assert shown == EN.compact(revenue, "EUR")


def test_a_link_chooses_the_currency():
    at = app(currency="SEK")
    assert at.sidebar.selectbox(key=state.CURRENCY).value == "SEK"
    shown, revenue = revenue_card(at)
    assert shown == EN.compact(revenue, "SEK")


def test_a_link_with_an_unknown_currency_says_so_and_shows_plain_numbers():
    at = app(currency="XYZ")
    assert at.sidebar.selectbox(key=state.CURRENCY).value == ""
    assert any("currency=XYZ" in note.value for note in at.info)
    shown, revenue = revenue_card(at)
    assert shown == EN.compact(revenue)


@pytest.mark.parametrize(
    ("currency", "headers"),
    [(None, ["Rep", "Revenue", "Won"]), ("NOK", ["Rep", "Revenue (NOK)", "Won"])],
)
def test_a_csv_names_the_currency_over_its_amounts(currency, headers):
    reps = pd.DataFrame({"rep": ["Kari"], "revenue": [1234.4], "won": [3]})
    rows = list(csv.reader(io.StringIO(table_csv(reps, EN, currency=currency).decode("utf-8-sig"))))
    assert rows == [headers, ["Kari", "1234", "3"]]


def test_the_choice_survives_a_change_of_language():
    at = choose(app(), "NOK")
    at.sidebar.selectbox(key=state.LANGUAGE).set_value("nb").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key=state.CURRENCY).value == "NOK"
    assert at.sidebar.selectbox(key=state.CURRENCY).options[0] == "Ingen (bare tall)"
