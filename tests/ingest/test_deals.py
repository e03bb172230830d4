"""Deals tables: statuses, amounts and dates."""
import pandas as pd
import pytest

from metrics.ingest import Upload, load
from tests.ingest.helpers import TODAY, csv_bytes, problems_of


def test_deals_statuses_and_revenue():
    text = "Deal owner;Deal Stage;Amount;Close Date;Create Date\nKari;Closed Won;1 000,50;05.01.2026;01.12.2025\n" \
           "Kari;Closed Lost;2 000;06.01.2026;01.12.2025\nOla;Appointment scheduled;500;;02.01.2026\n" \
           "Ola;Qualified to buy;700;;\n"
    dataset = load([Upload("hubspot.csv", csv_bytes(text))], today=TODAY)
    deals = dataset.outcomes
    assert deals["status"].tolist() == ["won", "lost", "open"]
    assert deals["revenue"].tolist() == [1000.5, 0.0, 0.0]
    assert deals["stage_level"].tolist()[2] == 0
    assert deals["date"].tolist() == [pd.Timestamp(d) for d in ("2026-01-05", "2026-01-06", "2026-01-02")]
    # The last open deal has neither created nor close date: it is reported, not silently dropped.
    assert dataset.problems["reason"].tolist() == ["no date"]


@pytest.mark.parametrize("raw, status", [("Closed Won", "won"), ("Vunnet", "won"), ("won", "won"), ("WON", "won"),
                                         ("Closed Lost", "lost"), ("Tapt", "lost"), ("Åpen", "open")])
def test_statuses_are_normalised(raw, status):
    dataset = load([Upload("d.csv", f"Rep,Status,Amount\nKari,{raw},10\n".encode())], today=TODAY)
    assert dataset.outcomes["status"].tolist() == [status]


def test_an_open_deal_without_created_date_is_dated_by_its_past_close_date():
    text = "Rep;Status;Amount;Close date\nKari;Open;100;05.01.2026\nOla;Open;50;05.01.2099\nPer;Won;70;06.01.2026\n"
    dataset = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["rep"].tolist() == ["Kari", "Per"]
    assert problems_of(dataset) == {("no date (an open deal with only a future close date)", "dropped"): [3]}


def test_a_stage_column_with_no_values_counts_deals_as_open():
    dataset = load([Upload("d.csv", b"Rep,Deal Stage,Amount\nKari,,10\n")], today=TODAY)
    assert dataset.outcomes["status"].tolist() == ["open"]
    assert problems_of(dataset) == {("status not recognised (counted as open)", "repaired"): [2]}
