import csv
import io
from collections import defaultdict

import openpyxl
import pandas as pd
import pytest

from metrics.errors import InputError
from metrics.ingest import Upload, load
from metrics.readers import read_tables, sniff_separator
from tests.fixtures.make_fixtures import workbook

TODAY = pd.Timestamp("2026-06-30")


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    return workbook(sheets)


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


def problems_of(dataset) -> dict[tuple[str, str], list[int]]:
    return {key: sorted(rows["row"].tolist()) for key, rows in dataset.problems.groupby(["reason", "action"])}


def test_duplicate_rows_with_an_id_are_dropped():
    text = "Activity ID,Date,Rep,Activity type\nA1,2026-01-05,Kari,Call\nA1,2026-01-05,Kari,Call\nA2,2026-01-05,Kari,Call\n"
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert len(dataset.activities) == 2
    assert problems_of(dataset) == {("duplicate row", "dropped"): [3]}


def test_duplicate_rows_with_a_time_are_dropped():
    text = "Date,Rep,Activity type\n2026-01-05 09:30,Kari,Call\n2026-01-05 09:30,Kari,Call\n2026-01-05 10:00,Kari,Call\n"
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


@pytest.mark.parametrize("text, dates, reason", [
    ("Uke;År;Selger;Samtaler\nuke 7;2025;Kari;10\n8;2025;Kari;12\n", ["2025-02-10", "2025-02-17"], None),
    ("Uke;Selger;Samtaler\nuke 7;Kari;10\nuke 52;Kari;12\n", ["2026-02-09", "2025-12-22"],
     {("week or month without a year (assumed 2026, the latest that fits)", "repaired"): [2],
      ("week or month without a year (assumed 2025, the latest that fits)", "repaired"): [3]}),
    ("Måned;Selger;Demoer\njan;Kari;3\n", ["2026-01-01"],
     {("week or month without a year (assumed 2026, the latest that fits)", "repaired"): [2]}),
])
def test_weeks_and_months_without_a_year(text, dates, reason):
    dataset = load([Upload("ark.csv", text.encode())], today=pd.Timestamp("2026-03-01"))
    assert sorted(dataset.activities["date"].unique().tolist()) == sorted(pd.Timestamp(d) for d in dates)
    assert problems_of(dataset) == (reason or {})


def test_weeks_without_a_year_take_it_from_the_files_other_dates():
    book = xlsx({"Log": [["Date", "Rep", "Activity type"], ["2024-03-05", "Kari", "Call"]],
                 "Weeks": [["Week", "Rep", "Calls", "Won"], ["W10", "Kari", 12, 1]]})
    dataset = load([Upload("book.xlsx", book)], today=TODAY)
    summary = dataset.outcomes[dataset.outcomes["source"] == "book.xlsx › Weeks"]
    assert summary["date"].tolist() == [pd.Timestamp("2024-03-04")]
    assert problems_of(dataset) == {
        ("week or month without a year (took 2024 from the file's other dates)", "repaired"): [2]}


def test_user_statuses_win_and_unknown_statuses_are_listed():
    from metrics.ingest import status_choices

    text = "Rep,Status,Amount\nKari,Kontrakt sendt,100\nOla,Won,50\nPer,Kontrakt sendt,10\nPer,Parkert,5\n"
    plain = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert plain.outcomes["status"].tolist() == ["open", "won", "open", "open"]
    assert problems_of(plain) == {("status not recognised (counted as open)", "repaired"): [2, 4, 5]}
    assert status_choices(plain).astype(object).values.tolist() == [["Kontrakt sendt", 2, pd.NA], ["Parkert", 1, pd.NA]]
    chosen = load([Upload("deals.csv", text.encode())], {"statuses": {"kontrakt SENDT": "won", "Won": "lost"}},
                  today=TODAY)
    assert chosen.outcomes["status"].tolist() == ["won", "lost", "won", "open"]
    assert status_choices(chosen, {"kontrakt SENDT": "won"})["choice"].tolist()[0] == "won"


def test_activity_type_choices_and_leaving_a_type_out():
    from metrics.ingest import activity_type_choices
    from metrics.scenarios import SCENARIOS

    text = "Date,Rep,Activity type\n2026-01-05,Kari,Ringt\n2026-01-05,Kari,Kaffeprat\n2026-01-06,Kari,Kaffeprat\n" \
           "2026-01-06,Kari,Note\n"
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    choices = activity_type_choices(dataset, SCENARIOS["startup"])
    assert choices[["value", "activities"]].values.tolist() == [["Kaffeprat", 2], ["Note", 1]]
    assigned = {"Kaffeprat": "follow_up", "Note": None}
    chosen = load([Upload("log.csv", text.encode())], {"activity_types": assigned}, today=TODAY)
    assert chosen.activities["activity_type"].tolist() == ["Ringt", "Kaffeprat", "Kaffeprat"]
    assert problems_of(chosen) == {("activity type left out on the Data page", "dropped"): [5]}
    listed = activity_type_choices(chosen, SCENARIOS["startup"], assigned)
    assert dict(zip(listed["value"], listed["choice"])) == {"Kaffeprat": "follow_up", "Note": None}


def test_column_choices_apply_to_the_named_table_and_to_next_weeks_export():
    text = "Dato;Selger;Ansvarlig;Aktivitet\n05.01.2026;Ola;Kari;Samtale\n"
    auto = load([Upload("uke1.csv", text.encode())], today=TODAY)
    assert auto.activities["rep"].tolist() == ["Ola"]
    mapping = {"columns": {"uke1.csv": {"rep": "Ansvarlig"}}}
    assert load([Upload("uke1.csv", text.encode())], mapping, today=TODAY).activities["rep"].tolist() == ["Kari"]
    # The same CRM's export a week later has a new name: the choice still fits its columns.
    assert load([Upload("uke2.csv", text.encode())], mapping, today=TODAY).activities["rep"].tolist() == ["Kari"]
    other = "Dato;Selger;Aktivitet\n05.01.2026;Ola;Samtale\n"
    assert load([Upload("x.csv", other.encode())], mapping, today=TODAY).activities["rep"].tolist() == ["Ola"]


def test_picking_columns_makes_an_unrecognised_file_usable():
    text = "Når,Hvem,Hva\n2026-01-05,Kari,Call\n"
    dataset = load([Upload("odd.csv", text.encode())], today=TODAY)
    [unused] = dataset.unused
    assert unused.shape is None and "date" in unused.message and dataset.errors
    mapping = {"columns": {"odd.csv": {"date": "Når", "rep": "Hvem", "activity_type": "Hva"}}}
    chosen = load([Upload("odd.csv", text.encode())], mapping, today=TODAY)
    assert not chosen.errors and len(chosen.activities) == 1


@pytest.mark.parametrize("raw, words", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "should hold an object"),
    (b'{"columns": {"a.csv": {"favourite": "X"}}}', "'favourite'"),
    (b'{"statuses": {"Kontrakt": "maybe"}}', "won, lost or open"),
    (b'{"activity_types": {"Kaffe": "coffee"}}', "'coffee'"),
])
def test_a_bad_mapping_file_says_what_is_wrong(raw, words):
    from metrics.ingest import validate_mapping

    with pytest.raises(InputError) as caught:
        validate_mapping(raw)
    assert words in caught.value.message


def test_mapping_file_round_trip():
    from metrics.ingest import mapping_json, validate_mapping

    mapping = {"columns": {"book.xlsx › Log": {"rep": "Selger", "team": None}}, "statuses": {"Signert": "won"},
               "activity_types": {"Kaffeprat": "follow_up", "Note": None}}
    assert validate_mapping(mapping_json(mapping).encode()) == mapping


def test_formulas_without_saved_results_warn_instead_of_counting_zero():
    # openpyxl writes formulas without their results, as scripts and some CRMs do.
    book = xlsx({"Deals": [["Rep", "Status", "Amount"], ["Kari", "Won", 100], ["Ola", "Won", "=B2*2"]]})
    dataset = load([Upload("deals.xlsx", book)], today=TODAY)
    assert problems_of(dataset) == {("formula without a saved result in 'Amount' (read as blank or 0)", "warning"): [3]}
    assert any("Amount" in w and "Excel" in w for w in dataset.warnings)
    assert dataset.rows_dropped == 0


def test_two_row_header_in_a_workbook():
    sheet = [["Team report"], [], ["Rep", "Month", "Activities", None, None, "Results", None],
             [None, None, "Calls", "Emails", "Demos", "Won", "Revenue"],
             ["Kari", "jan 2026", 30, 12, 4, 2, 5000], ["Sum", None, 30, 12, 4, 2, 5000]]
    dataset = load([Upload("book.xlsx", xlsx({"Ark1": sheet}))], today=TODAY)
    [table] = dataset.tables
    assert table.shape == "summary"
    assert table.columns == ["Rep", "Month", "Activities - Calls", "Activities - Emails", "Activities - Demos",
                             "Results - Won", "Results - Revenue"]
    # Each count keeps its activity's own word, so the scenario's vocabulary names it.
    assert dataset.activities.groupby("activity_type")["count"].sum().to_dict() == {
        "Calls": 30, "Emails": 12, "Demos": 4}
    from metrics.filters import scope
    from metrics.scenarios import SCENARIOS

    named = scope(dataset, SCENARIOS["startup"]).activities.groupby("activity_type")["count"].sum().to_dict()
    assert named == {"call": 30, "email": 12, "demo": 4}
    assert dataset.outcomes[["won", "revenue"]].values.tolist() == [[2, 5000.0]]
    assert problems_of(dataset) == {("total row, not data", "dropped"): [6]}


def test_csv_row_with_more_cells_than_the_header_is_reported():
    text = "Date;Rep;Activity type\n2026-01-05;Kari;Call\n2026-01-06;Ola;Call;extra;cells\n2026-01-07;Per\n" \
           "2026-01-08;Kari;Email\n"
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert problems_of(dataset) == {
        ("no activity type", "dropped"): [4],
        ("row has more cells than the header (a separator inside a value without quotes?)", "dropped"): [3]}
    assert dataset.activities["rep"].tolist() == ["Kari", "Kari"]
    assert (dataset.rows_read, dataset.rows_used) == (4, 2)


def test_numeric_deal_ids_in_a_workbook_join_text_ids_in_a_csv():
    log = xlsx({"Log": [["Date", "Rep", "Activity type", "Deal ID"], ["2026-01-05", "Kari", "Call", 1001]]})
    deals = b"Deal ID,Rep,Status,Amount,Close date\n1001,Kari,Won,100,2026-01-20\n"
    dataset = load([Upload("log.xlsx", log), Upload("deals.csv", deals)], today=TODAY)
    assert dataset.activities["deal_id"].tolist() == dataset.outcomes["deal_id"].tolist() == ["1001"]


def test_subtotal_rows_are_not_data():
    text = "Team;Rep;Status;Amount\nNorth;Kari;Won;100\nNorth total;;;100\nSouth;Ola;Lost;50\nTotalt;;;150\n"
    dataset = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["rep"].tolist() == ["Kari", "Ola"]
    assert problems_of(dataset) == {("total row, not data", "dropped"): [3, 5]}


def test_quality_report_counts_by_reason_and_keeps_the_rows_behind():
    from metrics.ingest import problem_rows, quality_report

    dataset = load([Upload("log.csv", csv_bytes(ACTIVITY_CSV))], today=TODAY)
    report = quality_report(dataset)
    assert report[["reason", "action", "rows"]].values.tolist() == [
        ["total row, not data", "dropped", 1], ["no rep", "dropped", 1], ["no date", "dropped", 1],
        ["date in the future (planned, not done)", "dropped", 1]]
    behind = problem_rows(dataset, "no rep")
    assert behind[["table", "row", "Date", "Team"]].values.tolist() == [["log.csv", 6, "2026-01-08", "South"]]
    assert len(problem_rows(dataset)) == 4


def test_missing_roles_are_named():
    dataset = load([Upload("people.csv", b"Selger,Favourite colour\nKari,red\n")], today=TODAY)
    [error] = dataset.errors
    assert "Missing for a deals table: status, stage or won with amount. Missing for a roster: team" in error.message
    assert "template" in error.message and "Data page" in error.message


def test_an_open_deal_without_created_date_is_dated_by_its_past_close_date():
    text = "Rep;Status;Amount;Close date\nKari;Open;100;05.01.2026\nOla;Open;50;05.01.2099\nPer;Won;70;06.01.2026\n"
    dataset = load([Upload("deals.csv", text.encode())], today=TODAY)
    assert dataset.outcomes["rep"].tolist() == ["Kari", "Per"]
    assert problems_of(dataset) == {("no date (an open deal with only a future close date)", "dropped"): [3]}


def test_formulas_with_placeholder_results_warn_when_the_workbook_asks_to_be_calculated():
    # XlsxWriter saves 0 as every formula's result and asks Excel to calculate on opening.
    import re
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deals"
    for row in (["Rep", "Status", "Amount"], ["Kari", "Won", 100], ["Ola", "Won", "=C2*2"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<v\s*/>|<v></v>", b"<v>0</v>", data)
            if entry.filename == "xl/workbook.xml":
                data = data.replace(b"</workbook>", b'<calcPr fullCalcOnLoad="1"/></workbook>')
            target.writestr(entry, data)
    dataset = load([Upload("xlsxwriter.xlsx", out.getvalue())], today=TODAY)
    assert dataset.outcomes["amount"].tolist() == [100.0, 0.0]
    assert problems_of(dataset) == {("formula without a saved result in 'Amount' (read as blank or 0)", "warning"): [3]}


@pytest.mark.parametrize("raw, key", [("Ringt", "call"), ("Call", "call"), ("Phone call", "call"), ("CALL", "call"),
                                      ("Telefonsamtale", "call"), ("E-post", "email"), ("INCOMING_EMAIL", "email"),
                                      ("Produktdemo", "demo"), ("Oppfølging", "follow_up")])
def test_activity_texts_are_named_in_the_scenarios_words(raw, key):
    from metrics.filters import scope
    from metrics.scenarios import SCENARIOS

    dataset = load([Upload("log.csv", f"Date,Rep,Activity type\n2026-01-05,Kari,{raw}\n".encode())], today=TODAY)
    assert scope(dataset, SCENARIOS["startup"]).activities["activity_type"].tolist() == [key]


@pytest.mark.parametrize("raw, status", [("Closed Won", "won"), ("Vunnet", "won"), ("won", "won"), ("WON", "won"),
                                         ("Closed Lost", "lost"), ("Tapt", "lost"), ("Åpen", "open")])
def test_statuses_are_normalised(raw, status):
    dataset = load([Upload("d.csv", f"Rep,Status,Amount\nKari,{raw},10\n".encode())], today=TODAY)
    assert dataset.outcomes["status"].tolist() == [status]


def test_negative_activity_counts_are_repaired_to_zero():
    text = "Month;Rep;Calls;Demos;Won\njan 2026;Kari;10;-2;1\n"
    dataset = load([Upload("s.csv", text.encode())], today=TODAY)
    assert dataset.activities["count"].sum() == 10
    assert problems_of(dataset) == {("negative count in 'Demos' (counted as 0)", "repaired"): [2]}


def test_values_beyond_the_header_in_most_rows_make_a_column_of_their_own():
    text = "Date,Rep,Activity type\n2026-01-05,Kari,Call,x1\n2026-01-06,Ola,Call,x2\n"
    [table] = read_tables("log.csv", text.encode())
    assert table.frame.columns.tolist() == ["Date", "Rep", "Activity type", "column 4"]
    assert table.skipped is None


def test_a_stage_column_with_no_values_counts_deals_as_open():
    dataset = load([Upload("d.csv", b"Rep,Deal Stage,Amount\nKari,,10\n")], today=TODAY)
    assert dataset.outcomes["status"].tolist() == ["open"]
    assert problems_of(dataset) == {("status not recognised (counted as open)", "repaired"): [2]}
