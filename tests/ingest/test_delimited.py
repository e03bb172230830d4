"""CSV lines that don't fit the header."""
from metrics.ingest import Upload, load, read_tables
from tests.ingest.helpers import TODAY, problems_of


def test_csv_row_with_more_cells_than_the_header_is_reported():
    text = "Date;Rep;Activity type\n2026-01-05;Kari;Call\n2026-01-06;Ola;Call;extra;cells\n2026-01-07;Per\n" \
           "2026-01-08;Kari;Email\n"
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    assert problems_of(dataset) == {
        ("no activity type", "dropped"): [4],
        ("row has more cells than the header (a separator inside a value without quotes?)", "dropped"): [3]}
    assert dataset.activities["rep"].tolist() == ["Kari", "Kari"]
    assert (dataset.rows_read, dataset.rows_used) == (4, 2)


def test_values_beyond_the_header_in_most_rows_make_a_column_of_their_own():
    text = "Date,Rep,Activity type\n2026-01-05,Kari,Call,x1\n2026-01-06,Ola,Call,x2\n"
    [table] = read_tables("log.csv", text.encode())
    assert table.frame.columns.tolist() == ["Date", "Rep", "Activity type", "column 4"]
    assert table.skipped is None
