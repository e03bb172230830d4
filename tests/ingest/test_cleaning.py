"""Rows every parser drops or flags: totals, subtotals and copies."""

from metrics.ingest import Upload, load
from tests.ingest.helpers import TODAY, csv_bytes, problems_of


def test_total_rows_are_not_data():
    text = "Rep,Status,Amount\nKari,Won,100\nOla,Lost,50\nSum,,150\n"
    dataset = load([Upload("deals.csv", csv_bytes(text))], today=TODAY)
    assert dataset.outcomes["rep"].tolist() == ["Kari", "Ola"]
    assert dataset.problems["reason"].tolist() == ["total row, not data"]


def test_subtotal_rows_are_not_data():
    text = "Team;Rep;Status;Amount\nNorth;Kari;Won;100\nNorth total;;;100\nSouth;Ola;Lost;50\nTotalt;;;150\n"
    dataset = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["rep"].tolist() == ["Kari", "Ola"]
    assert problems_of(dataset) == {("total row, not data", "dropped"): [3, 5]}


def test_duplicate_rows_with_an_id_are_dropped():
    text = (
        "Activity ID,Date,Rep,Activity type\n"
        "A1,2026-01-05,Kari,Call\nA1,2026-01-05,Kari,Call\nA2,2026-01-05,Kari,Call\n"
    )
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert len(dataset.activities) == 2
    assert problems_of(dataset) == {("duplicate row", "dropped"): [3]}


def test_duplicate_rows_with_a_time_are_dropped():
    text = (
        "Date,Rep,Activity type\n2026-01-05 09:30,Kari,Call\n2026-01-05 09:30,Kari,Call\n2026-01-05 10:00,Kari,Call\n"
    )
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert len(dataset.activities) == 2
    assert problems_of(dataset) == {("duplicate row", "dropped"): [3]}


def test_repeated_activities_without_time_or_id_are_kept_and_flagged():
    # Two calls by Kari on one day look the same in a log of date, rep and type: both count.
    text = "Date,Rep,Activity type\n2026-01-05,Kari,Call\n2026-01-05,Kari,Call\n2026-01-05,Kari,Email\n"
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert len(dataset.activities) == 3
    assert problems_of(dataset) == {("possible duplicate (same values in every column; kept)", "warning"): [3]}
    assert dataset.rows_dropped == 0


def test_summary_exact_duplicate_is_dropped():
    text = "Month;Rep;Calls;Won\njan 2026;Kari;10;1\njan 2026;Kari;10;1\n"
    dataset = load([Upload("s.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["won"].sum() == 1
    assert problems_of(dataset) == {("duplicate row", "dropped"): [3]}


def test_rows_that_differ_in_any_column_are_never_possible_duplicates():
    # Tasks have a date and no time: two calls by Kari on one day are two tasks when anything else differs.
    text = "Date,Rep,Activity type,Subject\n2026-01-05,Kari,Call,Acme\n2026-01-05,Kari,Call,Fjord\n"
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert len(dataset.activities) == 2
    assert dataset.problems.empty


def test_rows_with_the_same_record_id_are_one_record_twice():
    text = "Id,Date,Rep,Activity type\nT1,2026-01-05,Kari,Call\nT1,2026-01-06,Kari,Call\nT2,2026-01-05,Kari,Call\n"
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert len(dataset.activities) == 2
    assert problems_of(dataset) == {("duplicate record id (an earlier row has the same id)", "dropped"): [3]}
