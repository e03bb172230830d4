"""What kind of text a CSV upload is: its separator and its encoding."""
import pytest

from metrics.ingest import read_tables, sniff_separator


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
