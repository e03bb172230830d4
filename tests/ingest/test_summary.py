"""Rep × period summaries: counts per activity, weeks and months with and without a year."""

import pandas as pd
import pytest

from metrics.ingest import Upload, load
from tests.ingest.helpers import TODAY, problems_of, xlsx


def test_summary_sheet_becomes_activity_counts_and_results():
    text = "Måned;Selger;Samtaler;Demoer;Vunnet;Omsetning\njan 2026;Kari;40;5;2;10 000\nfeb 2026;Kari;30;0;1;5 000\n"
    dataset = load([Upload("ark.csv", text.encode("cp1252"))], today=TODAY)
    counts = dataset.activities.groupby("activity_type")["count"].sum().to_dict()
    assert counts == {"Samtaler": 70, "Demoer": 5}
    assert dataset.outcomes["won"].tolist() == [2, 1]
    assert dataset.outcomes["revenue"].tolist() == [10000.0, 5000.0]


@pytest.mark.parametrize(
    "text, dates, reason",
    [
        ("Uke;År;Selger;Samtaler\nuke 7;2025;Kari;10\n8;2025;Kari;12\n", ["2025-02-10", "2025-02-17"], None),
        (
            "Uke;Selger;Samtaler\nuke 7;Kari;10\nuke 52;Kari;12\n",
            ["2026-02-09", "2025-12-22"],
            {
                ("week or month without a year (assumed 2026, the latest that fits)", "repaired"): [2],
                ("week or month without a year (assumed 2025, the latest that fits)", "repaired"): [3],
            },
        ),
        (
            "Måned;Selger;Demoer\njan;Kari;3\n",
            ["2026-01-01"],
            {("week or month without a year (assumed 2026, the latest that fits)", "repaired"): [2]},
        ),
    ],
)
def test_weeks_and_months_without_a_year(text, dates, reason):
    dataset = load([Upload("ark.csv", text.encode())], today=pd.Timestamp("2026-03-01"))
    assert sorted(dataset.activities["date"].unique().tolist()) == sorted(pd.Timestamp(d) for d in dates)
    assert problems_of(dataset) == (reason or {})


def test_weeks_without_a_year_take_it_from_the_files_other_dates():
    book = xlsx(
        {
            "Log": [["Date", "Rep", "Activity type"], ["2024-03-05", "Kari", "Call"]],
            "Weeks": [["Week", "Rep", "Calls", "Won"], ["W10", "Kari", 12, 1]],
        }
    )
    dataset = load([Upload("book.xlsx", book)], today=TODAY)
    summary = dataset.outcomes[dataset.outcomes["source"] == "book.xlsx › Weeks"]
    assert summary["date"].tolist() == [pd.Timestamp("2024-03-04")]
    assert problems_of(dataset) == {
        ("week or month without a year (took 2024 from the file's other dates)", "repaired"): [2]
    }


def test_negative_activity_counts_are_repaired_to_zero():
    text = "Month;Rep;Calls;Demos;Won\njan 2026;Kari;10;-2;1\n"
    dataset = load([Upload("s.csv", text.encode())], today=TODAY)
    assert dataset.activities["count"].sum() == 10
    assert problems_of(dataset) == {("negative count in 'Demos' (counted as 0)", "repaired"): [2]}
