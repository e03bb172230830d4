"""The messy files people upload, one small fixture each (made by tests/fixtures/make_fixtures.py)."""

import json

import pandas as pd
import pytest

from metrics.errors import InputError
from metrics.ingest import Upload, load, quality_report, read_tables, reason_message
from tests.conftest import ROOT
from tests.ingest.helpers import TODAY

FIXTURES = ROOT / "tests" / "fixtures"


def loaded(*names: str, mapping: dict | None = None):
    return load([Upload(name, (FIXTURES / name).read_bytes()) for name in names], mapping, today=TODAY)


def reasons(dataset) -> dict[tuple[str, str], int]:
    report = quality_report(dataset)
    return {(str(reason_message(r, d)), a): n for r, d, a, n in report[["reason", "detail", "action", "rows"]].values}


def test_fixtures_are_what_the_script_makes(tmp_path):
    from tests.fixtures.make_fixtures import main

    main(tmp_path)
    made = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in FIXTURES.iterdir() if p.is_file() and p.suffix != ".py"}
    assert made == committed


# ------------------------------------------------------------------------------------------------ CSV


@pytest.mark.parametrize(
    "name, separator_columns",
    [
        ("hubspot_activities.csv", 5),  # comma, UTF-8
        ("norsk_avtaler_cp1252.csv", 6),  # semicolon, Windows-1252
        ("excel_unicode_text.txt", 4),  # tab, UTF-16 with BOM: Excel's "Unicode text"
        ("pipedrive_activities_bom.csv", 5),  # UTF-8 with BOM
        ("sep_line.csv", 3),  # Excel's sep=; first line
        ("one_column.csv", 1),  # decimal commas in one column are not a separator
    ],
)
def test_separators_and_encodings(name, separator_columns):
    [table] = read_tables(name, (FIXTURES / name).read_bytes())
    assert len(table.frame.columns) == separator_columns


def test_norwegian_letters_survive_every_encoding():
    assert set(loaded("norsk_avtaler_cp1252.csv").outcomes["rep"]) == {
        "Kari Nordmann",
        "Ola Hansen",
        "Bjørn Ødegård",
        "Åse Ærlig",
    }
    assert set(loaded("excel_unicode_text.txt").activities["rep"]) == {"Bjørn Ødegård", "Åse Ærlig"}


def test_norwegian_deals_amounts_dates_and_statuses():
    dataset = loaded("norsk_avtaler_cp1252.csv")
    deals = dataset.outcomes.set_index("rep")
    assert deals["amount"].tolist() == [1234.5, 12500.0, 7000.0, 2000.0]  # '2.000' in a ';' file is two thousand
    assert deals["status"].tolist() == ["won", "lost", "won", "open"]
    assert deals.loc["Kari Nordmann", "date"] == pd.Timestamp("2026-01-05")
    assert deals.loc["Kari Nordmann", "satisfaction"] == 4.5
    assert reasons(dataset) == {("total row, not data", "dropped"): 1}


def test_amounts_with_currencies_and_separators():
    dataset = loaded("amounts.csv")
    assert dataset.outcomes["amount"].tolist() == [1234.5, 1000.0, 2500.0, 99.9, 1000.0]
    # '(250,00)' is read as -250, and a negative deal is dropped, with its reason.
    assert reasons(dataset) == {("negative amount", "dropped"): 1}


def test_salesforce_us_dates_and_dollar_amounts():
    deals = loaded("salesforce_opportunities.csv").outcomes
    assert deals["amount"].tolist() == [12500.0, 3000.0, 40000.0]
    assert deals["status"].tolist() == ["won", "lost", "open"]
    # 01/13/2026 can only be month-first, so the whole column is, and 02/03/2026 is February 3.
    assert deals["date"].tolist()[:2] == [pd.Timestamp("2026-01-13"), pd.Timestamp("2026-02-03")]


def test_pipedrive_serial_dates_en_dash_headers_and_done():
    dataset = loaded("pipedrive_activities_bom.csv")
    assert dataset.activities["date"].tolist() == [pd.Timestamp(d) for d in ("2025-01-03", "2025-01-04", "2025-01-05")]
    assert reasons(dataset) == {("planned, not done (Activity – Done is 'To do')", "dropped"): 1}


def test_hubspot_activity_export():
    dataset = loaded("hubspot_activities.csv")
    assert dataset.activities["deal_id"].fillna("").tolist() == ["Acme AS", "Acme AS", "Fjord Design", ""]
    assert dataset.tables[0].recognition.column("rep") == "Activity assigned to"


@pytest.mark.parametrize(
    "name, dates",
    [
        ("weeks_with_year.csv", ["2025-02-10", "2025-02-17", "2025-02-24"]),
        ("months.csv", ["2025-01-01", "2025-02-01"]),
    ],
)
def test_week_and_month_labels(name, dates):
    dataset = loaded(name)
    assert dataset.outcomes["date"].tolist() == [pd.Timestamp(d) for d in dates]


def test_quality_report_reasons_for_an_activity_log():
    assert reasons(loaded("quality_log.csv")) == {
        ("no rep", "dropped"): 1,
        ("no date", "dropped"): 1,
        ("unparseable date", "dropped"): 1,
        ("date in the future (planned, not done)", "dropped"): 1,
        ("duplicate row", "dropped"): 1,
    }


def test_quality_report_reasons_for_deals():
    dataset = loaded("quality_deals.csv")
    assert reasons(dataset) == {
        ("negative amount", "dropped"): 1,
        ("no date", "dropped"): 1,
        ("close date in the future", "dropped"): 1,
        ("duplicate deal id", "dropped"): 1,
        ("unparseable amount (counted as no amount)", "repaired"): 1,
    }
    assert (dataset.rows_read, dataset.rows_used, dataset.rows_dropped) == (6, 2, 4)


# ------------------------------------------------------------------------------------------ workbooks


def test_title_rows_above_the_header_and_a_total_row():
    dataset = loaded("title_rows_and_totals.xlsx")
    [table] = dataset.tables
    assert table.columns == ["Dato", "Selger", "Aktivitet", "Avdeling"]
    assert dataset.activities["rep"].tolist() == ["Kari Nordmann", "Ola Hansen"]
    assert table.problem_rows[["row", "reason"]].values.tolist() == [[7, "total row, not data"]]


def test_merged_two_row_header():
    dataset = loaded("two_row_header.xlsx")
    [table] = dataset.tables
    assert table.columns == [
        "Selger",
        "Måned",
        "Aktiviteter - Samtaler",
        "Aktiviteter - E-poster",
        "Aktiviteter - Demoer",
        "Resultater - Vunnet",
        "Resultater - Omsetning",
    ]
    assert table.shape == "summary"
    assert dataset.activities.groupby("activity_type")["count"].sum().to_dict() == {
        "Samtaler": 95,
        "E-poster": 32,
        "Demoer": 14,
    }
    assert dataset.outcomes[["won", "revenue"]].sum().tolist() == [3, 60000.0]


def test_group_row_over_the_header():
    dataset = loaded("group_over_header.xlsx")
    [table] = dataset.tables
    assert table.recognition.column("rep") == "Deal - Owner"
    assert table.recognition.column("closed") == "Outcome - Close date"
    assert dataset.outcomes["revenue"].tolist() == [24000.0, 0.0]


def test_several_shapes_in_one_workbook_on_any_sheet():
    dataset = loaded("several_shapes.xlsx")
    assert [(t.source.split(" › ")[1], t.shape) for t in dataset.tables] == [
        ("Roster", "roster"),
        ("Log", "activities"),
        ("Deals", "deals"),
    ]
    assert dict(zip(dataset.activities["rep"], dataset.activities["team"])) == {
        "Kari Nordmann": "SMB",
        "Ola Hansen": "Enterprise",
    }
    # The notes sheet is mentioned, not silently skipped.
    assert any("Read me" in note for note in map(str, dataset.notes))
    assert not any("Read me" in w for w in map(str, dataset.warnings))  # but it is no warning: nothing can be wrong


def test_formulas_without_saved_values_warn():
    dataset = loaded("formulas_without_values.xlsx")
    assert reasons(dataset) == {("formula without a saved result in 'Amount' (read as blank or 0)", "warning"): 2}
    [warning] = dataset.warnings
    assert "Open the file in Excel, save it" in str(warning)


# ------------------------------------------------------------------------------------------ bad files


@pytest.mark.parametrize(
    "name, words",
    [
        ("empty.csv", "empty"),
        ("header_only.csv", "header but no data rows"),
        ("header_only.xlsx", "header but no data rows"),
        ("not_a_spreadsheet.csv", "not a spreadsheet"),
        ("encrypted.xlsx", "encrypted"),
        ("legacy.xls", "Save As › Excel Workbook (.xlsx)"),
        ("truncated.xlsx", "cut off"),
        ("no_known_columns.csv", "Missing for an activity log: rep, date and activity type."),
    ],
)
def test_bad_files_get_a_message_that_says_what_to_do(name, words):
    dataset = loaded(name, "hubspot_activities.csv")
    [error] = dataset.errors
    assert isinstance(error, InputError) and error.file == name
    assert words in str(error.message)
    assert len(dataset.activities) == 4  # the good file beside it still loads


def test_a_legacy_workbook_renamed_to_xlsx_is_still_called_legacy():
    content = (FIXTURES / "legacy.xls").read_bytes()
    with pytest.raises(InputError, match="legacy Excel"):
        read_tables("renamed.xlsx", content)


# ------------------------------------------------------------------------------------------------ CLI


def test_cli_uses_a_saved_mapping(tmp_path, capsys):
    from metrics.__main__ import main

    log = tmp_path / "log.csv"
    log.write_text(
        "Dato;Ansvarlig;Selger;Aktivitet\n" + "".join(f"0{d}.01.2026;Kari;Ola;Kaffeprat\n" for d in range(1, 10)),
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"columns": {"log.csv": {"rep": "Selger"}}, "activity_types": {"Kaffeprat": "follow_up"}}),
        encoding="utf-8",
    )
    assert main(["analyze", str(log), "--format", "json"]) == 0
    assert [r["rep"] for r in json.loads(capsys.readouterr().out)["reps"]] == ["Kari"]
    assert main(["analyze", str(log), "--format", "json", "--mapping", str(mapping)]) == 0
    assert [(r["rep"], r["activities"]) for r in json.loads(capsys.readouterr().out)["reps"]] == [("Ola", 9)]


def test_cli_refuses_a_bad_mapping_file(tmp_path, capsys):
    from metrics.__main__ import main

    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"statuses": {"Signert": "maybe"}}', encoding="utf-8")
    assert main(["analyze", str(FIXTURES / "hubspot_activities.csv"), "--mapping", str(mapping)]) == 2
    assert "mapping.json" in capsys.readouterr().err


def test_cli_prints_reading_warnings(capsys):
    from metrics.__main__ import main

    assert main(["analyze", str(FIXTURES / "formulas_without_values.xlsx"), "--format", "json"]) == 0
    assert "formulas whose results were never calculated" in capsys.readouterr().err
