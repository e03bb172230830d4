"""Every download neutralises what a spreadsheet would run as a formula, read back as a user's Excel would."""

import csv
import io

import openpyxl
import pandas as pd
import pytest

from metrics.report import to_csv, to_xlsx

RISKY = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTAB",
    "\rCR",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep": pd.Series(RISKY, dtype="str"),
            "won": range(len(RISKY)),
            "=header": pd.Series(["Kari"] * len(RISKY), dtype="str"),
        }
    )


def test_csv_cells_and_headers_that_start_a_formula_become_text():
    rows = list(csv.reader(io.StringIO(to_csv(frame()).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["rep", "won", "'=header"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in RISKY]
    assert [row[1] for row in rows[1:]] == [str(n) for n in range(len(RISKY))]  # numbers stay numbers


def test_xlsx_holds_no_formula_cell():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx({"Reps": frame()})))
    cells = [cell for row in book["Reps"].iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # XML reads a carriage return back as a line feed; what matters is the quote in front.
    assert [cell.value for cell in book["Reps"]["A"][1:]] == ["'" + value.replace("\r", "\n") for value in RISKY]
    assert book["Reps"]["C1"].value == "'=header"


@pytest.mark.parametrize("safe", ["Kari Nordmann", "Ola-Hansen", "a=b", " =starts with a space", "1e5"])
def test_ordinary_text_is_left_alone(safe):
    rows = list(csv.reader(io.StringIO(to_csv(pd.DataFrame({"rep": [safe]})).decode("utf-8-sig"))))
    assert rows[1] == [safe]
