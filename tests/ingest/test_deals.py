"""Deals tables: statuses, amounts and dates."""

import pandas as pd
import pytest

from metrics.ingest import Upload, load
from tests.ingest.helpers import TODAY, csv_bytes, problems_of


def test_deals_statuses_and_revenue():
    text = (
        "Deal owner;Deal Stage;Amount;Close Date;Create Date\nKari;Closed Won;1 000,50;05.01.2026;01.12.2025\n"
        "Kari;Closed Lost;2 000;06.01.2026;01.12.2025\nOla;Appointment scheduled;500;;02.01.2026\n"
        "Ola;Qualified to buy;700;;\n"
    )
    dataset = load([Upload("hubspot.csv", csv_bytes(text))], today=TODAY)
    deals = dataset.outcomes
    assert deals["status"].tolist() == ["won", "lost", "open"]
    assert deals["revenue"].tolist() == [1000.5, 0.0, 0.0]
    assert deals["stage_level"].tolist()[2] == 0
    assert deals["date"].tolist() == [pd.Timestamp(d) for d in ("2026-01-05", "2026-01-06", "2026-01-02")]
    # The last open deal has neither created nor close date: it is reported, not silently dropped.
    assert dataset.problems["reason"].tolist() == ["no date"]


@pytest.mark.parametrize(
    "raw, status",
    [
        ("Closed Won", "won"),
        ("Vunnet", "won"),
        ("won", "won"),
        ("WON", "won"),
        ("Closed Lost", "lost"),
        ("Tapt", "lost"),
        ("Åpen", "open"),
    ],
)
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


# ------------------------------------------------------------------------------------------------ deal ids


def test_deals_that_share_a_name_are_all_kept_when_each_has_its_own_id():
    text = (
        "Opportunity Name,Id,Owner,Stage,Amount,Close Date\nAcme - 50 Widgets,D1,Kari,Closed Won,100,2026-01-05\n"
        "Acme - 50 Widgets,D2,Kari,Closed Won,200,2026-01-06\nFjord,D3,Ola,Closed Lost,50,2026-01-07\n"
    )
    dataset = load([Upload("opps.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["deal_id"].tolist() == ["D1", "D2", "D3"]
    assert dataset.outcomes["revenue"].sum() == 300.0
    assert dataset.problems.empty


def test_deals_named_only_by_a_repeating_name_are_not_dropped_as_copies():
    text = (
        "Opportunity Name,Owner,Stage,Amount,Close Date\nAcme,Kari,Closed Won,100,2026-01-05\n"
        "Acme,Kari,Closed Won,200,2026-01-06\n"
    )
    dataset = load([Upload("opps.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["amount"].tolist() == [100.0, 200.0]
    assert dataset.problems.empty


def test_a_repeated_deal_id_is_still_one_deal_twice():
    text = "Deal ID,Rep,Status,Amount\nD1,Kari,Won,100\nD1,Kari,Won,100\n"
    dataset = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert problems_of(dataset) == {("duplicate deal id", "dropped"): [3]}


# ------------------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "header, expected",
    [
        # the actual close date decides when the result fell; the expected one only where no actual date is given
        ("rep_id,stage,deal_value,actual_close_date,expected_close_date\n", ["2026-01-10", "2026-02-01"]),
        ("rep_id,stage,deal_value,expected_close_date,actual_close_date\n", ["2026-01-10", "2026-02-01"]),
    ],
)
def test_the_actual_close_date_beats_the_expected_one(header, expected):
    actual_first = header.index("actual") < header.index("expected")
    rows = [("2026-01-10", "2026-01-31"), ("", "2026-02-01")]
    text = header + "".join(
        f"U1,Closed Won,10,{a if actual_first else e},{e if actual_first else a}\n" for a, e in rows
    )
    dataset = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["date"].tolist() == [pd.Timestamp(d) for d in expected]


def test_a_deal_with_no_created_or_close_date_is_dated_by_its_last_change_and_says_so():
    text = (
        "Rep,Status,Amount,Close Date,LastModifiedDate\nKari,Won,10,2026-01-05,2026-01-09\n"
        "Ola,Open,10,,02/23/26 08:55 PM\n"
    )
    dataset = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["date"].tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-02-23 20:55")]
    assert problems_of(dataset) == {("no created or close date (dated by its last change)", "repaired"): [3]}


# ------------------------------------------------------------------------------------------------ leads


@pytest.mark.parametrize(
    "converted, statuses",
    [
        (["1", "", "", ""], ["won", "lost", "open", "open"]),  # Salesforce leaves a false flag blank
        (["TRUE", "FALSE", "FALSE", "FALSE"], ["won", "lost", "open", "open"]),  # FALSE alone is not lost
        (["true", "false", "false", "false"], ["won", "lost", "open", "open"]),
        (["Yes", "No", "No", "No"], ["won", "lost", "open", "open"]),
    ],
)
def test_a_converted_lead_is_won_a_disqualified_one_lost_and_the_rest_open(converted, statuses):
    rows = zip(["Qualified", "Disqualified", "New", "Contacted"], converted)
    text = "OwnerId,Status,IsConverted,CreatedDate\n" + "".join(f"U1,{s},{c},2026-01-05\n" for s, c in rows)
    dataset = load([Upload("Lead.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["status"].tolist() == statuses
    assert dataset.problems.empty


@pytest.mark.parametrize(
    "status, outcome",
    [
        ("Unqualified", "lost"),
        ("Closed - Not Converted", "lost"),
        ("Working - Contacted", "open"),
        ("Nurturing", "open"),
        ("Closed - Converted", "won"),
    ],
)
def test_lead_statuses_without_a_converted_flag(status, outcome):
    dataset = load([Upload("Lead.csv", f"Lead Owner,Lead Status\nKari,{status}\n".encode())], today=TODAY)
    assert dataset.outcomes["status"].tolist() == [outcome]


def test_the_converted_flag_decides_when_the_status_disagrees():
    text = (
        "OwnerId,Status,IsConverted,CreatedDate\nU1,Closed - Converted,TRUE,2026-01-05\n"
        "U1,Closed - Converted,FALSE,2026-01-05\n"
    )
    dataset = load([Upload("Lead.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["status"].tolist() == ["won", "open"]
    assert problems_of(dataset) == {
        ("status says converted or won, the converted flag says not (counted as open)", "repaired"): [3]
    }


def test_lead_conversion_is_won_over_decided_leads():
    from metrics.diagnostics import rep_table
    from metrics.filters import scope
    from metrics.scenarios import SCENARIOS

    text = (
        "OwnerId,Status,IsConverted,CreatedDate\n"
        + "U1,Qualified,1,2026-01-05\n" * 2
        + "U1,Unqualified,,2026-01-05\n"
        + "U1,New,,2026-01-05\n" * 5
    )
    dataset = load([Upload("Lead.csv", text.encode())], today=TODAY)
    [rep] = rep_table(scope(dataset, SCENARIOS["startup"]), SCENARIOS["startup"].thresholds).to_dict("records")
    assert (rep["activities"], rep["won"], rep["lost"], rep["conversion"]) == (8, 2, 1, pytest.approx(2 / 3))
