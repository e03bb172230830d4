"""Property tests: whatever bytes or small tables arrive, loading ends in tables or the project's own error."""

import datetime as dt
import io

import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st

from metrics.errors import InputError
from metrics.ingest import Upload, load, read_tables
from tests.conftest import ROOT
from tests.ingest.helpers import TODAY

NAMES = st.sampled_from(["upload.csv", "upload.xlsx", "upload.txt", "upload.xls", "upload.xlsm", "upload"])
HEADERS = [
    "Date",
    "Dato",
    "Rep",
    "Selger",
    "Activity type",
    "Aktivitet",
    "Status",
    "Deal Stage",
    "Amount",
    "Beløp",
    "Uke",
    "Måned",
    "År",
    "Samtaler",
    "Demoer",
    "Vunnet",
    "Omsetning",
    "Team",
    "Deal ID",
    "Activity - Done",
    "Won",
    "Closed",
    "Create Date",
    "Close Date",
    "Target",
    "Activity ID",
    "Time",
]
CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "05.01.2026",
            "2026-01-05",
            "01/13/2026",
            "13/01/2026",
            "45631",
            "uke 7",
            "2025-W07",
            "jan 2025",
            "Won",
            "Lost",
            "Vunnet",
            "Closed Won",
            "1 234,50 kr",
            "(500)",
            "$1,200",
            "Sum",
            "Total",
            "Totalt",
            "Call",
            "Ringt",
            "Demo",
            "Done",
            "To do",
            "=1+1",
            "",
            " ",
        ]
    ),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
)
TABLES = st.lists(st.lists(CELLS, min_size=0, max_size=6), min_size=0, max_size=8)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID_XLSX = (ROOT / "tests" / "fixtures" / "several_shapes.xlsx").read_bytes()


def assert_loads_or_explains(uploads: list[Upload]) -> None:
    dataset = load(uploads, today=TODAY)
    assert all(isinstance(error, InputError) and str(error.message) for error in dataset.errors)
    for upload in uploads:
        used = any(t.source.split(" › ")[0] == upload.name for t in dataset.tables)
        refused = any(error.file == upload.name for error in dataset.errors)
        assert used or refused, upload.name
    assert dataset.rows_used == dataset.rows_read - dataset.rows_dropped >= 0


def as_csv(headers: list[str], rows: list[list], separator: str, encoding: str) -> bytes:
    def text(cell) -> str:
        value = "" if cell is None else str(cell)
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in f'{separator}"\n\r') else value

    lines = [separator.join(text(h) for h in headers)] + [separator.join(text(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding, errors="replace")


def as_xlsx(headers: list[str], rows: list[list], title: bool) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["A title above the table"])
    sheet.append(headers)
    for row in rows:
        sheet.append([c if not isinstance(c, str) or not c.startswith("=") else "'" + c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@FAST
@given(content=st.binary(max_size=2048), name=NAMES)
def test_arbitrary_bytes_load_or_raise_input_error(content, name):
    assert_loads_or_explains([Upload(name, content)])


@FAST
@given(content=st.binary(max_size=2048), name=NAMES)
def test_read_tables_returns_tables_or_raises_input_error(content, name):
    try:
        tables = read_tables(name, content)
    except InputError as error:
        assert error.file == name and str(error.message)
    else:
        assert tables and all(len(t.frame.columns) for t in tables)


@FAST
@given(
    cut=st.integers(0, len(VALID_XLSX)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)), max_size=4),
)
def test_damaged_workbooks_load_or_raise_input_error(cut, flips):
    content = bytearray(VALID_XLSX[:cut])
    for position, value in flips:
        if position < len(content):
            content[position] = value
    assert_loads_or_explains([Upload("damaged.xlsx", bytes(content))])


@FAST
@given(
    headers=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=10)), min_size=1, max_size=6),
    rows=TABLES,
    separator=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_small_csv_tables_load_or_raise_input_error(headers, rows, separator, encoding):
    assert_loads_or_explains([Upload("table.csv", as_csv(headers, rows, separator, encoding))])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.one_of(st.sampled_from(HEADERS), st.none(), st.text(max_size=10)), min_size=1, max_size=6),
    rows=TABLES,
    title=st.booleans(),
)
def test_small_xlsx_tables_load_or_raise_input_error(headers, rows, title):
    clean = lambda c: "".join(ch for ch in c if ch.isprintable()) if isinstance(c, str) else c
    content = as_xlsx([clean(h) for h in headers], [[clean(c) for c in row] for row in rows], title)
    assert_loads_or_explains([Upload("table.xlsx", content)])
