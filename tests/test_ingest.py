import csv
import io
from collections import defaultdict

import openpyxl
import pandas as pd
import pytest

from metrics.errors import InputError
from metrics.ingest import Upload, load
from metrics.readers import read_tables, sniff_separator

TODAY = pd.Timestamp("2026-06-30")


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


ACTIVITY_CSV = """Date,Rep,Team,Activity type,Deal ID
2026-01-05,Kari,North,Call,D1
2026-01-06,Kari,North,Demo,D1
2026-01-07,Ola,South,Email,
,Ola,South,Call,
2026-01-08,,South,Call,
Total,,,,
2027-01-01,Ola,South,Call,
"""


def test_activity_log_rows_and_reasons():
    dataset = load([Upload("log.csv", csv_bytes(ACTIVITY_CSV))], today=TODAY)
    assert dataset.errors == []
    assert dataset.activities[["rep", "activity_type", "deal_id"]].astype(object).where(
        dataset.activities[["rep", "activity_type", "deal_id"]].notna(), None).values.tolist() == [
        ["Kari", "Call", "D1"], ["Kari", "Demo", "D1"], ["Ola", "Email", None]]
    reasons = dataset.problems.groupby("reason")["row"].apply(list).to_dict()
    assert reasons == {"no date": [5], "no rep": [6], "total row, not data": [7],
                       "date in the future (planned, not done)": [8]}
    assert (dataset.rows_read, dataset.rows_used, dataset.rows_dropped) == (7, 3, 4)


def test_total_rows_are_not_data():
    text = "Rep,Status,Amount\nKari,Won,100\nOla,Lost,50\nSum,,150\n"
    dataset = load([Upload("deals.csv", csv_bytes(text))], today=TODAY)
    assert dataset.outcomes["rep"].tolist() == ["Kari", "Ola"]
    assert dataset.problems["reason"].tolist() == ["total row, not data"]


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


def test_activity_and_deals_files_join_by_rep_and_roster_gives_teams():
    log = "Date,Rep,Activity type,Deal ID\n2026-01-05,Kari,Call,D1\n2026-01-06,Ola,Call,D2\n"
    deals = "Deal ID,Rep,Status,Amount,Close date\nD1,Kari,Won,100,2026-01-20\nD2,Ola,Lost,50,2026-01-21\n"
    roster = xlsx({"Team": [["Rep", "Team"], ["Kari", "North"], ["Ola", "South"]]})
    dataset = load([Upload("log.csv", log.encode()), Upload("deals.csv", deals.encode()),
                    Upload("roster.xlsx", roster)], today=TODAY)
    assert dict(zip(dataset.activities["rep"], dataset.activities["team"])) == {"Kari": "North", "Ola": "South"}
    assert dict(zip(dataset.outcomes["rep"], dataset.outcomes["team"])) == {"Kari": "North", "Ola": "South"}
    assert dataset.effort_basis == "activities"


def test_workbook_with_several_shapes_and_a_title_row():
    book = xlsx({
        "Read me": [["This workbook holds our sales"]],
        "Log": [["Sales activity 2026"], [], ["Date", "Rep", "Activity type"], ["2026-01-05", "Kari", "Call"]],
        "Deals": [["Rep", "Status", "Amount"], ["Kari", "Won", 100]],
    })
    dataset = load([Upload("book.xlsx", book)], today=TODAY)
    assert [(t.source, t.shape) for t in dataset.tables] == [("book.xlsx › Log", "activities"),
                                                             ("book.xlsx › Deals", "deals")]
    assert dataset.activities["date"].tolist() == [pd.Timestamp("2026-01-05")]
    assert dataset.tables[0].problem_rows.empty


def test_summary_sheet_becomes_activity_counts_and_results():
    text = "Måned;Selger;Samtaler;Demoer;Vunnet;Omsetning\njan 2026;Kari;40;5;2;10 000\nfeb 2026;Kari;30;0;1;5 000\n"
    dataset = load([Upload("ark.csv", text.encode("cp1252"))], today=TODAY)
    counts = dataset.activities.groupby("activity_type")["count"].sum().to_dict()
    assert counts == {"Samtaler": 70, "Demoer": 5}
    assert dataset.outcomes["won"].tolist() == [2, 1]
    assert dataset.outcomes["revenue"].tolist() == [10000.0, 5000.0]


@pytest.mark.parametrize("text, separator", [
    ("a,b,c\n1,2,3\n", ","), ("a;b;c\n1;2,5;3\n", ";"), ("a\tb\n1\t2\n", "\t"), ("just one column\nx\ny\n", ","),
])
def test_sniff_separator(text, separator):
    assert sniff_separator(text) == separator


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings(encoding):
    text = "Dato;Selger;Aktivitet\n05.01.2026;Bjørn Ødegård;Møte\n"
    [table] = read_tables("f.csv", text.encode(encoding))
    assert table.frame.columns.tolist() == ["Dato", "Selger", "Aktivitet"]
    assert table.frame.iloc[0].tolist() == ["05.01.2026", "Bjørn Ødegård", "Møte"]


@pytest.mark.parametrize("name, content, words", [
    ("empty.csv", b"", "empty"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Save As"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "encrypted"),
    ("cut.xlsx", b"PK\x03\x04" + b"\x00" * 50, "damaged"),
    ("binary.csv", bytes(range(256)) * 4, "not a spreadsheet"),
    ("colours.csv", b"Colour,Size\nred,3\n", "rep"),
    ("header.csv", b"Date,Rep,Activity type\n", "no data rows"),
])
def test_bad_files_give_a_message_naming_the_file(name, content, words):
    dataset = load([Upload(name, content)], today=TODAY)
    [error] = dataset.errors
    assert isinstance(error, InputError)
    assert error.file == name
    assert words in error.message


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
