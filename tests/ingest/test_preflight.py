"""The pre-flight pass: it finds the block calamine would build for each sheet, and every limit refuses.

Only the pass runs here, never fastexcel, except on tiny sheets made to compare the two.
"""

import zipfile

import fastexcel
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from metrics.errors import InputError
from metrics.ingest import preflight
from metrics.ingest.preflight import check_workbook
from tests.fixtures.hostile.make_hostile import MAIN, log_rows, package, sheet_xml, zipped

PART = "xl/worksheets/sheet1.xml"


def book(rows: str, **parts) -> bytes:
    return zipped(package({"Log": sheet_xml(rows)}, **parts))


def scanned(rows: str) -> tuple[int, int]:
    scan = check_workbook("book.xlsx", book(rows)).scans[PART]
    return scan.rows, scan.columns


def letters(number: int) -> str:
    return preflight.column_letters(number)


def value(reference: str | None, attributes: str = "") -> str:
    at = f' r="{reference}"' if reference else ""
    return f'<c{at}{attributes} t="inlineStr"><is><t>x</t></is></c>'


@pytest.mark.parametrize(
    "rows, block",
    [
        (log_rows(), (3, 3)),
        # A cell without a reference follows the one before it in its row; a row without one, the row before.
        (f'<row r="1">{value("A1")}{value(None)}{value(None)}</row>', (1, 3)),
        (f'<row r="4">{value("B4")}</row><row>{value(None)}</row>', (5, 2)),
        # calamine places a cell by its last reference, by the cell's own row, and in any case of letters.
        (f'<row r="1">{value("A1")}<c r="A1" r="E9" t="inlineStr"><is><t>x</t></is></c></row>', (9, 5)),
        (f'<row r="1">{value("A1")}{value("c7")}</row>', (7, 3)),
        (f'<row r="1">{value("A1")}<c foo=">" r="F2" t="inlineStr"><is><t>x</t></is></c></row>', (2, 6)),
        (f'<row r="1">{value("A1")}{value("D3", " s=" + chr(39) + "1" + chr(39))}</row>', (3, 4)),
        # Empty cells and formatted rows make no block, however far they are.
        (log_rows() + '<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>', (3, 3)),
    ],
)
def test_the_last_row_and_column_are_where_calamine_puts_the_cells(rows, block):
    assert scanned(rows) == block


@pytest.mark.parametrize(
    "rows, words",
    [
        (f'<row r="1">{value("A1")}{value("XFE1")}</row>', "beyond column XFD"),
        (f'<row r="1">{value("A1")}{value("A1048577")}</row>', "below row 1,048,576"),
        (f'<row r="1">{value("XFC1")}{value(None)}{value(None)}</row>', "beyond column XFD"),
        (f'<row r="1048577">{value(None)}</row>', "below row 1,048,576"),
        (f'<row r="1">{value("A1")}{value("Q1048576")}</row>', "spans 1,048,576 rows × 17 columns (to cell Q1048576)"),
        ('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="B1" t="s><v>1</v></c></row>', "damaged"),
    ],
)
def test_a_sheet_beyond_the_bounds_is_refused_by_name(rows, words):
    with pytest.raises(InputError) as refused:
        check_workbook("book.xlsx", book(rows))
    assert refused.value.file == "book.xlsx"
    assert str(refused.value.message).startswith("Sheet 'Log' ") and words in str(refused.value.message)


def plain_sheet(rows: int, columns: int = 5, wide_at: int | None = None) -> str:
    """Rows of plain cells, as Excel writes them; `wide_at` adds one cell at column Z in that row."""
    return "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{letters(c)}{r}" s="1"><v>{r}</v></c>' for c in range(1, columns + 1))
        + (f'<c r="Z{r}"><v>1</v></c>' if r == wide_at else "")
        + "</row>"
        for r in range(1, rows + 1)
    )


def test_a_plain_sheet_passes_the_fast_check_after_its_first_chunk(monkeypatch):
    monkeypatch.setattr(preflight, "CHUNK_BYTES", 64 * 1024)
    workbook = check_workbook("book.xlsx", book(plain_sheet(20_000)))  # 0.9 MB of XML: 14 chunks
    assert (workbook.scans[PART].rows, workbook.scans[PART].columns) == (20_000, 5)
    assert workbook.tokenised_bytes < preflight.FIRST_CHUNK_BYTES + 4096  # the small parts, and one chunk


def test_a_wider_cell_far_down_is_still_found(monkeypatch):
    monkeypatch.setattr(preflight, "CHUNK_BYTES", 4096)
    assert scanned(plain_sheet(2_000, wide_at=1_500)) == (2_000, 26)


def test_a_cell_with_a_namespace_prefix_far_down_is_still_found(monkeypatch):
    monkeypatch.setattr(preflight, "CHUNK_BYTES", 4096)
    rows = plain_sheet(2_000).replace('<row r="1500">', '<row r="1500"><x:c r="Z1500"><x:v>1</x:v></x:c>')
    assert scanned(rows) == (2_000, 26)


@pytest.mark.parametrize("formula", ["<f>1+1</f>", "<x:f>1+1</x:f>"])
def test_a_formula_without_its_result_is_found_after_the_first_chunk(monkeypatch, formula):
    monkeypatch.setattr(preflight, "CHUNK_BYTES", 4096)
    rows = plain_sheet(2_000).replace('<c r="B1500" s="1"><v>1500</v></c>', f'<c r="B1500">{formula}</c>')
    assert check_workbook("book.xlsx", book(rows)).scans[PART].uncached_formulas == [(1500, 1)]


def test_cells_without_references_are_checked_tag_by_tag_within_a_budget(monkeypatch):
    rows = "".join(f"<row>{value(None)}{value(None)}</row>" for _ in range(1_000))
    assert check_workbook("book.xlsx", book(rows)).tokenised_bytes > 0.9 * len(sheet_xml(rows))
    monkeypatch.setattr(preflight, "MAX_TOKENISED_BYTES", 10_000)
    with pytest.raises(InputError, match="takes too long to check"):
        check_workbook("book.xlsx", book(rows))


@pytest.mark.parametrize(
    "limit, value_, words",
    [
        ("MAX_ZIP_ENTRIES", 4, "files inside it"),
        ("MAX_INFLATED_BYTES", 1_000, "unpacks to far more data"),
        ("MAX_SHEETS", 0, "this app reads at most 0"),
        ("MAX_WORKBOOK_CELLS", 5, "span 9 cells together"),
        ("MAX_SHEET_CELLS", 8, "spans 3 rows × 3 columns"),
    ],
)
def test_each_limit_refuses_with_its_own_message(monkeypatch, limit, value_, words):
    monkeypatch.setattr(preflight, limit, value_)
    with pytest.raises(InputError) as refused:
        check_workbook("book.xlsx", book(log_rows()))
    assert words in str(refused.value.message)


def test_too_many_shared_strings_are_refused(monkeypatch):
    monkeypatch.setattr(preflight, "MAX_SHARED_STRINGS", 2)
    strings = f'<sst xmlns="{MAIN}"><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>'.encode()
    with pytest.raises(InputError, match="more than 2 different texts"):
        check_workbook("book.xlsx", book(log_rows(), shared=strings))


def test_a_zip_of_ten_thousand_and_one_entries_is_refused_before_it_is_opened():
    parts = package({"Log": sheet_xml(log_rows())}, extra={f"xl/media/image{n}.png": b"" for n in range(10_000)})
    with pytest.raises(InputError, match="10,005 files inside it"):
        check_workbook("book.xlsx", zipped(parts, method=zipfile.ZIP_STORED))


def test_a_compression_excel_never_writes_is_refused():
    with pytest.raises(InputError, match="packed in a way Excel never writes"):
        check_workbook("book.xlsx", zipped(package({"Log": sheet_xml(log_rows())}), method=zipfile.ZIP_BZIP2))


# --------------------------------------------------------------- the pass agrees with calamine itself

CELLS = st.lists(
    st.tuples(
        st.integers(1, 40),  # row
        st.one_of(st.none(), st.integers(1, 20)),  # column, or no reference
        st.sampled_from(["value", "empty", "second reference", "attribute first"]),
        st.integers(1, 20),
    ),
    max_size=40,
)


def random_sheet(cells) -> str:
    """A sheet with A1 set (so that calamine's block starts there) and the cells in row order."""
    by_row: dict[int, list] = {1: [(1, "value", 1)]}
    for row, column, kind, other in cells:
        by_row.setdefault(row, []).append((column, kind, other))
    xml = []
    for row in sorted(by_row):
        parts = []
        for column, kind, other in by_row[row]:
            reference = f"{letters(column)}{row}" if column else None
            if kind == "empty" and reference:
                parts.append(f'<c r="{reference}" s="1"/>')
            elif kind == "second reference" and reference:
                parts.append(f'<c r="A{row}" r="{reference}" t="inlineStr"><is><t>x</t></is></c>')
            elif kind == "attribute first" and reference:
                parts.append(f'<c s="0" r="{reference}"><v>{other}</v></c>')
            else:
                parts.append(value(reference))
        xml.append(f'<row r="{row}">' + "".join(parts) + "</row>" if row % 3 else "<row>" + "".join(parts) + "</row>")
    return "".join(xml)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=CELLS, chunk=st.sampled_from([64, 512, 4 * 1024**2]))
def test_the_block_found_is_calamines_block(cells, chunk):
    content = book(random_sheet(cells))
    original = preflight.CHUNK_BYTES, preflight.FIRST_CHUNK_BYTES
    preflight.CHUNK_BYTES = preflight.FIRST_CHUNK_BYTES = chunk
    try:
        scan = check_workbook("book.xlsx", content).scans[PART]
    finally:
        preflight.CHUNK_BYTES, preflight.FIRST_CHUNK_BYTES = original
    sheet = fastexcel.read_excel(content).load_sheet(0, header_row=None, dtypes="string")
    assert (scan.rows, scan.columns) == (sheet.height, sheet.width)
