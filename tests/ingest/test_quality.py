"""What the Data page lists: problems by reason, unknown statuses and activity types."""

import pandas as pd

from metrics.ingest import Upload, load
from tests.ingest.helpers import ACTIVITY_CSV, TODAY, csv_bytes, problems_of


def test_user_statuses_win_and_unknown_statuses_are_listed():
    from metrics.ingest import status_choices

    text = "Rep,Status,Amount\nKari,Kontrakt sendt,100\nOla,Won,50\nPer,Kontrakt sendt,10\nPer,Parkert,5\n"
    plain = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert plain.outcomes["status"].tolist() == ["open", "won", "open", "open"]
    assert problems_of(plain) == {("status not recognised (counted as open)", "repaired"): [2, 4, 5]}
    assert status_choices(plain).astype(object).values.tolist() == [["Kontrakt sendt", 2, pd.NA], ["Parkert", 1, pd.NA]]
    chosen = load(
        [Upload("deals.csv", text.encode())], {"statuses": {"kontrakt SENDT": "won", "Won": "lost"}}, today=TODAY
    )
    assert chosen.outcomes["status"].tolist() == ["won", "lost", "won", "open"]
    assert status_choices(chosen, {"kontrakt SENDT": "won"})["choice"].tolist()[0] == "won"


def test_activity_type_choices_and_leaving_a_type_out():
    from metrics.ingest import activity_type_choices
    from metrics.scenarios import SCENARIOS

    text = (
        "Date,Rep,Activity type\n2026-01-05,Kari,Ringt\n2026-01-05,Kari,Kaffeprat\n2026-01-06,Kari,Kaffeprat\n"
        "2026-01-06,Kari,Note\n"
    )
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    choices = activity_type_choices(dataset, SCENARIOS["startup"])
    assert choices[["value", "activities"]].values.tolist() == [["Kaffeprat", 2], ["Note", 1]]
    assigned = {"Kaffeprat": "follow_up", "Note": None}
    chosen = load([Upload("log.csv", text.encode())], {"activity_types": assigned}, today=TODAY)
    assert chosen.activities["activity_type"].tolist() == ["Ringt", "Kaffeprat", "Kaffeprat"]
    assert problems_of(chosen) == {("activity type left out on the Data page", "dropped"): [5]}
    listed = activity_type_choices(chosen, SCENARIOS["startup"], assigned)
    assert dict(zip(listed["value"], listed["choice"])) == {"Kaffeprat": "follow_up", "Note": None}


def test_quality_report_counts_by_reason_and_keeps_the_rows_behind():
    from metrics.ingest import problem_rows, quality_report

    dataset = load([Upload("log.csv", csv_bytes(ACTIVITY_CSV))], today=TODAY)
    report = quality_report(dataset)
    assert report[["reason", "action", "rows"]].values.tolist() == [
        ["total row, not data", "dropped", 1],
        ["no rep", "dropped", 1],
        ["no date", "dropped", 1],
        ["date in the future (planned, not done)", "dropped", 1],
    ]
    behind = problem_rows(dataset, "no rep")
    assert behind[["table", "row", "Date", "Team"]].values.tolist() == [["log.csv", 6, "2026-01-08", "South"]]
    assert len(problem_rows(dataset)) == 4


def test_problem_rows_of_one_reasons_values_are_those_of_its_row_in_the_quality_report():
    from metrics.ingest import problem_rows, quality_report

    # Enough other counts beside the bad ones that both columns still read as counts.
    good = "".join(
        f"{rep},2025-{month:02},{month + 10 * n},{month + 20 * n},1\n"
        for month in range(1, 13)
        for n, rep in enumerate(("Kari", "Ola"))
    )
    text = "Rep,Month,Calls,Demos,Won\nKari,2026-01,x,1,1\nOla,2026-01,2,y,1\nKari,2026-02,3,z,1\n" + good
    dataset = load([Upload("summary.csv", text.encode())], today=TODAY)
    report = quality_report(dataset).set_index("detail")
    assert report["rows"].to_dict() == {'{"column": "Demos"}': 2, '{"column": "Calls"}': 1}
    demos = problem_rows(dataset, "unparseable count in '{column}' (counted as 0)", '{"column": "Demos"}')
    assert demos["row"].tolist() == [3, 4]
    assert len(problem_rows(dataset, "unparseable count in '{column}' (counted as 0)")) == 3


def test_a_shared_view_saved_before_reasons_had_values_still_has_a_quality_report():
    from metrics.ingest import Dataset, empty_frame, quality_report

    problems = pd.DataFrame({"source": ["a.csv"], "row": [2], "reason": ["no date"], "action": ["dropped"]})
    frames = [empty_frame(["rep"]) for _ in range(3)]
    report = quality_report(Dataset(*frames, problems))
    assert report[["reason", "detail", "action", "rows"]].values.tolist() == [["no date", "", "dropped", 1]]
