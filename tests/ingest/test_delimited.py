"""CSV lines that don't fit the header."""

import pytest

from metrics.ingest import Upload, load, read_tables
from tests.ingest.helpers import TODAY, problems_of


def test_csv_row_with_more_cells_than_the_header_is_reported():
    text = (
        "Date;Rep;Activity type\n2026-01-05;Kari;Call\n2026-01-06;Ola;Call;extra;cells\n2026-01-07;Per\n"
        "2026-01-08;Kari;Email\n"
    )
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert problems_of(dataset) == {
        ("no activity type", "dropped"): [4],
        ("row has more cells than the header (a separator inside a value without quotes?)", "dropped"): [3],
    }
    assert dataset.activities["rep"].tolist() == ["Kari", "Kari"]
    assert (dataset.rows_read, dataset.rows_used) == (4, 2)


def test_values_beyond_the_header_in_most_rows_make_a_column_of_their_own():
    text = "Date,Rep,Activity type\n2026-01-05,Kari,Call,x1\n2026-01-06,Ola,Call,x2\n"
    [table] = read_tables("log.csv", text.encode())
    assert table.frame.columns.tolist() == ["Date", "Rep", "Activity type", "column 4"]
    assert table.skipped is None


def test_a_quoted_value_longer_than_a_block_is_read(monkeypatch):
    from metrics.ingest import delimited

    monkeypatch.setattr(delimited, "BLOCK_BYTES", 1024)
    note = "line\n" * 1000
    [table] = read_tables("log.csv", f'Date,Rep,Note\n2026-01-05,Kari,"{note}"\n2026-01-06,Ola,short\n'.encode())
    assert table.frame["Note"].tolist() == [note, "short"]


@pytest.mark.parametrize(
    "limit, value, lines, words",
    [
        (
            "MAX_LONG_LINES",
            2,
            ["2026-01-05,Kari,Call"] * 10 + ["2026-01-05,Kari,Call,x"] * 3,
            "More than 2 lines of the file have more cells than its header",
        ),
        # Below a head of good lines (a head of long ones would make a column of its own): refused at line 141.
        (
            "MOSTLY_LONG_AFTER",
            100,
            ["2026-01-05,Kari,Call"] * 70 + ["2026-01-05,Kari,Call,x"] * 200,
            "Most lines of the file (71 of the first 141) have more cells than its header",
        ),
    ],
)
def test_too_many_long_lines_refuse_the_file_as_soon_as_it_is_clear(monkeypatch, limit, value, lines, words):
    from metrics.ingest import delimited

    monkeypatch.setattr(delimited, limit, value)
    dataset = load([Upload("log.csv", ("Date,Rep,Activity type\n" + "\n".join(lines) + "\n").encode())], today=TODAY)
    [error] = dataset.errors
    assert error.file == "log.csv" and words in str(error.message)


def test_a_short_line_is_padded_and_keeps_its_place_among_long_ones():
    text = (
        "Date,Rep,Activity type\n2026-01-05,Kari,Call\n2026-01-06,Ola\n2026-01-07,Per,Call,x\n\n2026-01-08,Kari,Demo\n"
    )
    [table] = read_tables("log.csv", text.encode())
    assert table.frame["Rep"].tolist() == ["Kari", "Ola", "Kari"]
    assert table.file_row(table.frame.index.to_numpy()).tolist() == [2, 3, 6]
    assert table.skipped[["row", "line"]].values.tolist() == [[4, "2026-01-07,Per,Call,x"]]
