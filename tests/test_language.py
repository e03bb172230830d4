"""Numbers, money, percentages and dates in each language's own format (Babel, through i18n.Language)."""

import datetime as dt

import pytest

from i18n import language

EN, NB = language("en"), language("nb")


@pytest.mark.parametrize(
    "value, english, norwegian",
    [
        (1_234_567, "1,234,567", "1\xa0234\xa0567"),
        (3.14159, "3.1", "3,1"),
        (450.0, "450", "450"),
        (None, "–", "–"),
        (float("nan"), "–", "–"),
    ],
)
def test_numbers(value, english, norwegian):
    assert (EN.number(value, 1), NB.number(value, 1)) == (english, norwegian)


@pytest.mark.parametrize(
    "value, english, norwegian", [(0.125, "12.5%", "12,5\xa0%"), (0.0, "0.0%", "0,0\xa0%"), (None, "–", "–")]
)
def test_percentages(value, english, norwegian):
    assert (EN.percent(value), NB.percent(value)) == (english, norwegian)


@pytest.mark.parametrize(
    "change, english, norwegian",
    [
        (0.123, "+12.3%", "+12,3\xa0%"),
        (-0.0004, "0.0%", "0,0\xa0%"),
        (-0.5, "-50.0%", "-50,0\xa0%"),
        (None, None, None),
    ],
)
def test_changes_carry_their_sign_and_never_read_minus_zero(change, english, norwegian):
    assert (EN.signed_percent(change), NB.signed_percent(change)) == (english, norwegian)


def test_money_is_whole_with_its_currency():
    assert NB.money(1_234_567, "NOK") == "1\xa0234\xa0567\xa0kr"
    assert EN.money(1_234_567.4, "USD") == "US$1,234,567"
    assert EN.money(1_234_567.4) == "1,234,567"


@pytest.mark.parametrize(
    "value, english, norwegian",
    [
        (547_000, "547K", "547k"),
        (23_929.86, "23.9K", "23,9k"),
        (5_288_500, "5.29M", "5,29\xa0mill."),
        (9_999, "9,999", "9\xa0999"),
        (1.2e9, "1.2B", "1,2\xa0mrd."),
        (None, "–", "–"),
    ],
)
def test_compact_amounts_keep_three_figures(value, english, norwegian):
    assert (EN.compact(value), NB.compact(value)) == (english, norwegian)


def test_counts_of_deals_are_whole_and_an_expected_one_is_about_so_many():
    assert (EN.count(46), EN.count(45.6), NB.count(45.6)) == ("46", "about 46", "omtrent 46")


def test_dates_and_months():
    day = dt.date(2026, 11, 27)
    assert (EN.date(day), NB.date(day)) == ("27 Nov 2026", "27.11.2026")
    assert (EN.month(day), NB.month(day)) == ("November 2026", "november 2026")
    assert NB.period(dt.date(2026, 11, 23), "week") == "uka som starter 23.11.2026"


def test_plurals_follow_the_count():
    assert EN.plural("{count} activity", "{count} activities", 1) == "1 activity"
    assert EN.plural("{count} activity", "{count} activities", 1200) == "1,200 activities"


def test_charts_get_the_same_formats_as_the_text():
    # Vega's config.locale, from the CLDR data Babel formats the tables with.
    number, time = NB.vega_locale()["number"], NB.vega_locale()["time"]
    assert (number["decimal"], number["thousands"], number["percent"]) == (",", "\xa0", "\xa0%")
    assert (time["date"], time["shortMonths"][10], time["days"][0]) == ("%d.%m.%Y", "nov.", "søndag")
    number, time = EN.vega_locale()["number"], EN.vega_locale()["time"]
    assert (number["decimal"], number["thousands"], number["percent"]) == (".", ",", "%")
    assert (time["date"], time["months"][0], time["shortDays"][1]) == ("%d/%m/%Y", "January", "Mon")
