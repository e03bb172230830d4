"""What kind of text a CSV upload is: its separator and its encoding."""

import pytest

from metrics.ingest import read_tables, sniff_separator


@pytest.mark.parametrize(
    "text, separator",
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("just one column\nx\ny\n", ","),
    ],
)
def test_sniff_separator(text, separator):
    assert sniff_separator(text) == separator


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings(encoding):
    text = "Dato;Selger;Aktivitet\n05.01.2026;Bjørn Ødegård;Møte\n"
    [table] = read_tables("f.csv", text.encode(encoding))
    assert table.frame.columns.tolist() == ["Dato", "Selger", "Aktivitet"]
    assert table.frame.iloc[0].tolist() == ["05.01.2026", "Bjørn Ødegård", "Møte"]


@pytest.mark.parametrize(
    "lines, encoding, repaired",
    [
        (["Rep;Team", "Bjørn;Øst"], "utf-8", []),
        (["Rep;Team", "Bjørn;Øst"], "cp1252", []),
        # Windows lines pasted into a UTF-8 file are read again, one by one, and named by their line.
        (["Rep;Team", "Bjørn;Øst", "@Bjørn;Øst", "Åse;Vest", "@Åse;Vest"], "mixed", [3, 5]),
        (["Rep;Team", "@Bjørn;Øst", "Bjørn;Øst"], "mixed", [2]),
    ],
)
def test_a_file_is_decoded_line_by_line_when_it_mixes_utf8_and_windows_1252(lines, encoding, repaired):
    from metrics.ingest.sniff import decode

    # '@' marks a line saved as Windows-1252; a file of one encoding is written wholly in it.
    written = "cp1252" if encoding == "cp1252" else "utf-8"
    content = b"".join(f"{line.lstrip('@')}\n".encode("cp1252" if line.startswith("@") else written) for line in lines)
    decoded = decode("f.csv", content)
    assert (decoded.encoding, decoded.repaired) == (encoding, repaired)
    assert decoded.text == "".join(f"{line.lstrip('@')}\n" for line in lines)
