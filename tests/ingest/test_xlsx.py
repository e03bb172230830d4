"""Workbooks: sheets of any shape, headers under titles and groups, formulas without results."""

import io

import openpyxl
import pandas as pd

from metrics.ingest import Upload, load
from tests.ingest.helpers import TODAY, problems_of, xlsx


def test_workbook_with_several_shapes_and_a_title_row():
    book = xlsx(
        {
            "Read me": [["This workbook holds our sales"]],
            "Log": [["Sales activity 2026"], [], ["Date", "Rep", "Activity type"], ["2026-01-05", "Kari", "Call"]],
            "Deals": [["Rep", "Status", "Amount"], ["Kari", "Won", 100]],
        }
    )
    dataset = load([Upload("book.xlsx", book)], today=TODAY)
    assert [(t.source, t.shape) for t in dataset.tables] == [
        ("book.xlsx › Log", "activities"),
        ("book.xlsx › Deals", "deals"),
    ]
    assert dataset.activities["date"].tolist() == [pd.Timestamp("2026-01-05")]
    assert dataset.tables[0].problem_rows.empty


def test_formulas_without_saved_results_warn_instead_of_counting_zero():
    # openpyxl writes formulas without their results, as scripts and some CRMs do.
    book = xlsx({"Deals": [["Rep", "Status", "Amount"], ["Kari", "Won", 100], ["Ola", "Won", "=B2*2"]]})
    dataset = load([Upload("deals.xlsx", book)], today=TODAY)
    assert problems_of(dataset) == {("formula without a saved result in 'Amount' (read as blank or 0)", "warning"): [3]}
    assert any("Amount" in w and "Excel" in w for w in map(str, dataset.warnings))
    assert dataset.rows_dropped == 0


def test_two_row_header_in_a_workbook():
    sheet = [
        ["Team report"],
        [],
        ["Rep", "Month", "Activities", None, None, "Results", None],
        [None, None, "Calls", "Emails", "Demos", "Won", "Revenue"],
        ["Kari", "jan 2026", 30, 12, 4, 2, 5000],
        ["Sum", None, 30, 12, 4, 2, 5000],
    ]
    dataset = load([Upload("book.xlsx", xlsx({"Ark1": sheet}))], today=TODAY)
    [table] = dataset.tables
    assert table.shape == "summary"
    assert table.columns == [
        "Rep",
        "Month",
        "Activities - Calls",
        "Activities - Emails",
        "Activities - Demos",
        "Results - Won",
        "Results - Revenue",
    ]
    # Each count keeps its activity's own word, so the scenario's vocabulary names it.
    assert dataset.activities.groupby("activity_type")["count"].sum().to_dict() == {
        "Calls": 30,
        "Emails": 12,
        "Demos": 4,
    }
    from metrics.filters import scope
    from metrics.scenarios import SCENARIOS

    named = scope(dataset, SCENARIOS["startup"]).activities.groupby("activity_type")["count"].sum().to_dict()
    assert named == {"call": 30, "email": 12, "demo": 4}
    assert dataset.outcomes[["won", "revenue"]].values.tolist() == [[2, 5000.0]]
    assert problems_of(dataset) == {("total row, not data", "dropped"): [6]}


def test_numeric_deal_ids_in_a_workbook_join_text_ids_in_a_csv():
    log = xlsx({"Log": [["Date", "Rep", "Activity type", "Deal ID"], ["2026-01-05", "Kari", "Call", 1001]]})
    deals = b"Deal ID,Rep,Status,Amount,Close date\n1001,Kari,Won,100,2026-01-20\n"
    dataset = load([Upload("log.xlsx", log), Upload("deals.csv", deals)], today=TODAY)
    assert dataset.activities["deal_id"].tolist() == dataset.outcomes["deal_id"].tolist() == ["1001"]


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
