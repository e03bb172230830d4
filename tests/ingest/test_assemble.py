"""Files joined into one dataset; a bad file beside a good one."""

import csv
from collections import defaultdict

import pytest

from metrics.errors import InputError
from metrics.ingest import Dataset, Upload, load
from tests.ingest.helpers import TODAY, xlsx


def test_activity_and_deals_files_join_by_rep_and_roster_gives_teams():
    log = "Date,Rep,Activity type,Deal ID\n2026-01-05,Kari,Call,D1\n2026-01-06,Ola,Call,D2\n"
    deals = "Deal ID,Rep,Status,Amount,Close date\nD1,Kari,Won,100,2026-01-20\nD2,Ola,Lost,50,2026-01-21\n"
    roster = xlsx({"Team": [["Rep", "Team"], ["Kari", "North"], ["Ola", "South"]]})
    dataset = load(
        [Upload("log.csv", log.encode()), Upload("deals.csv", deals.encode()), Upload("roster.xlsx", roster)],
        today=TODAY,
    )
    assert dict(zip(dataset.activities["rep"], dataset.activities["team"])) == {"Kari": "North", "Ola": "South"}
    assert dict(zip(dataset.outcomes["rep"], dataset.outcomes["team"])) == {"Kari": "North", "Ola": "South"}
    assert dataset.effort_basis == "activities"


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("empty.csv", b"", "empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Save As"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "encrypted"),
        ("cut.xlsx", b"PK\x03\x04" + b"\x00" * 50, "damaged"),
        ("binary.csv", bytes(range(256)) * 4, "not a spreadsheet"),
        ("colours.csv", b"Colour,Size\nred,3\n", "rep"),
        ("header.csv", b"Date,Rep,Activity type\n", "no data rows"),
    ],
)
def test_bad_files_give_a_message_naming_the_file(name, content, words):
    dataset = load([Upload(name, content)], today=TODAY)
    [error] = dataset.errors
    assert isinstance(error, InputError)
    assert error.file == name
    assert words in str(error.message)


def test_a_bad_file_does_not_stop_a_good_one():
    good = Upload("log.csv", b"Date,Rep,Activity type\n2026-01-05,Kari,Call\n")
    dataset = load([Upload("bad.xlsx", b"garbage"), good], today=TODAY)
    assert [e.file for e in dataset.errors] == ["bad.xlsx"]
    assert len(dataset.activities) == 1


def test_maven_pipeline_matches_a_hand_count(maven_pipeline):
    """Per-agent won, revenue and win rate equal a count made with the csv module alone."""
    won, lost, revenue = defaultdict(int), defaultdict(int), defaultdict(float)
    with open(maven_pipeline, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["deal_stage"] == "Won":
                won[row["sales_agent"]] += 1
                revenue[row["sales_agent"]] += float(row["close_value"])
            elif row["deal_stage"] == "Lost":
                lost[row["sales_agent"]] += 1
    dataset = load([Upload("sales_pipeline.csv", maven_pipeline.read_bytes())], today=TODAY)
    per_rep = dataset.outcomes.groupby("rep")[["won", "lost", "revenue"]].sum()
    assert sum(won.values()) == 4238 and sum(lost.values()) == 2473
    assert per_rep["won"].to_dict() == dict(won)
    assert per_rep["lost"].to_dict() == dict(lost)
    assert per_rep["revenue"].to_dict() == pytest.approx(dict(revenue))
    # The 500 prospecting deals have no date at all and are reported as dropped, by reason.
    assert dataset.problems.groupby("reason").size().to_dict() == {"no date": 500}


# --------------------------------------------------------------------------------- total loss is an error


def log_of(dates: list[str], status: str | None = None) -> bytes:
    header = "Date,Rep,Activity type" + (",Status" if status else "") + "\n"
    return (header + "".join(f"{d},Kari,Call{',' + status if status else ''}\n" for d in dates)).encode()


def test_a_table_that_loses_every_row_is_an_error_naming_the_file_and_the_reason():
    dataset = load([Upload("log.csv", log_of(["soon", "later", "someday"]))], today=TODAY)
    [error] = dataset.errors
    assert (error.file, str(error.message)) == (
        "log.csv",
        "None of its 3 rows could be used (3 unparseable date), so "
        "it was left out. Check on the Data page which column was taken for "
        "each role, or export the file again.",
    )
    assert dataset.tables == [] and [(t.shape, t.rows_used) for t in dataset.unused] == [("activities", 0)]
    assert (dataset.rows_read, dataset.rows_dropped, len(dataset.problems)) == (3, 3, 3)


def test_a_table_that_keeps_nearly_none_of_its_rows_is_an_error_too():
    dataset = load([Upload("log.csv", log_of(["2026-01-05"] + ["soon"] * 29))], today=TODAY)
    assert [str(e.message).split(" (")[0] for e in dataset.errors] == ["Only 1 of its 30 rows could be used"]
    assert dataset.activities.empty


def test_a_task_export_of_planned_tasks_only_says_no_activity_was_done():
    dataset = load([Upload("Task.csv", log_of(["2026-01-05", "2026-01-06"], "Not Started"))], today=TODAY)
    [error] = dataset.errors
    assert str(error.message).startswith(
        "None of its 2 activities can be counted as effort, as none of them was "
        "done: 2 planned, not done (Status is 'Not Started')."
    )


def test_a_few_done_tasks_among_many_planned_are_used():
    text = log_of(["2026-01-05"] * 2, "Completed") + log_of(["2026-01-06"] * 40, "Not Started").split(b"\n", 1)[1]
    dataset = load([Upload("Task.csv", text)], today=TODAY)
    assert (dataset.errors, len(dataset.activities)) == ([], 2)


def test_when_every_file_fails_each_one_has_its_error():
    dataset = load(
        [
            Upload("a.csv", log_of(["soon"])),
            Upload("b.csv", log_of(["2026-01-05"], "Not Started")),
            Upload("c.csv", b"Colour,Size\nred,3\n"),
        ],
        today=TODAY,
    )
    assert [e.file for e in dataset.errors] == ["a.csv", "b.csv", "c.csv"]


def test_a_sheet_that_loses_every_row_is_named_in_its_workbook_error():
    book = xlsx(
        {
            "Log": [["Date", "Rep", "Activity type"], ["soon", "Kari", "Call"]],
            "Deals": [["Rep", "Status", "Amount"], ["Kari", "Won", 10]],
        }
    )
    dataset = load([Upload("book.xlsx", book)], today=TODAY)
    [error] = dataset.errors
    assert (error.file, str(error.message).split(":")[0]) == ("book.xlsx", "Sheet 'Log'")
    assert [t.source for t in dataset.tables] == ["book.xlsx › Deals"]


def test_rows_read_and_dropped_count_the_same_tables():
    text = log_of(["2026-01-05"])
    dataset = load(
        [Upload("log.csv", text), Upload("Task.csv", log_of(["2026-01-05"] * 4, "Not Started"))], today=TODAY
    )
    assert (dataset.rows_read, dataset.rows_used, dataset.rows_dropped) == (5, 1, 4)
    # A shared view keeps the counted tables only; the failed table's rows are then neither read nor dropped.
    shared = Dataset(dataset.activities, dataset.outcomes, dataset.roster, dataset.problems, dataset.tables)
    assert (shared.rows_read, shared.rows_used, shared.rows_dropped) == (1, 1, 0)
