"""Turn uploaded bytes into raw tables: one per CSV, one per non-empty worksheet.

Every file is treated as hostile: the container is checked before a parser sees it, and every failure
becomes an InputError that names the file and says what to do.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import pandas as pd

from metrics.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Worksheets larger than this once unzipped are refused: Excel's largest sheet is far below it, a zip bomb is not.
MAX_UNZIPPED_BYTES = 3 * 1024**3
MAX_COMPRESSION_RATIO = 200
HEADER_SEARCH_ROWS = 30
CSV_SEPARATORS = ",;\t|"


@dataclass
class RawTable:
    """One table as it came from a file: text headers, cells as the reader gave them."""

    file: str
    sheet: str | None
    frame: pd.DataFrame
    header_row: int  # 1-based row number of the header in the file or sheet

    @property
    def source(self) -> str:
        return f"{self.file} › {self.sheet}" if self.sheet else self.file

    def file_row(self, index: int) -> int:
        """The row number a user sees in Excel for the frame's positional index."""
        return self.header_row + 1 + index


def read_tables(name: str, content: bytes) -> list[RawTable]:
    """Read every table in an uploaded .xlsx or .csv file."""
    if not content:
        raise InputError("The file is empty. Export it again and upload the new file.", name)
    lower = name.lower()
    if content.startswith(OLE_MAGIC):
        if lower.endswith(".xls"):
            raise InputError("This is a legacy Excel 97–2003 (.xls) workbook. Open it in Excel and use "
                             "File › Save As › Excel Workbook (.xlsx), then upload the .xlsx.", name)
        raise InputError("This workbook is encrypted (password-protected). Open it in Excel, remove the "
                         "password under File › Info › Protect Workbook, save, and upload it again.", name)
    if content.startswith(ZIP_MAGIC) or lower.endswith((".xlsx", ".xlsm")):
        return _read_workbook(name, content)
    if lower.endswith((".xls", ".xlsb", ".ods", ".numbers")):
        raise InputError("This file type can't be read. Save it as .xlsx or .csv and upload that.", name)
    return [_read_csv(name, content)]


def _check_zip(name: str, content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise InputError("The workbook is damaged or was cut off while uploading. Open it in Excel, save it "
                         "again, and upload the new file.", name) from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise InputError("This is a zip file but not an Excel workbook. Upload an .xlsx or .csv file.", name)
    unzipped = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_COMPRESSION_RATIO and unzipped > 100 * 1024**2:
        raise InputError("The workbook unpacks to far more data than a spreadsheet holds, so it was refused. "
                         "Export the data as .csv and upload that instead.", name)


def _read_workbook(name: str, content: bytes) -> list[RawTable]:
    import fastexcel

    _check_zip(name, content)
    try:
        reader = fastexcel.read_excel(content)
        sheet_names = reader.sheet_names
    except Exception as error:  # the Rust reader raises its own types for every kind of damage
        raise InputError(f"The workbook could not be opened ({_short(error)}). Open it in Excel, save it as "
                         ".xlsx again, and upload the new file.", name) from None
    tables = []
    for sheet in sheet_names:
        table = _read_sheet(reader, name, sheet)
        if table is not None:
            tables.append(table)
    if not tables:
        raise InputError("Every sheet in this workbook is empty. Check that you exported the data, not an "
                         "empty template.", name)
    return tables


def _read_sheet(reader, name: str, sheet: str) -> RawTable | None:
    try:
        top = reader.load_sheet(sheet, header_row=None, n_rows=HEADER_SEARCH_ROWS, dtypes="string").to_pandas()
    except Exception as error:
        raise InputError(f"Sheet '{sheet}' could not be read ({_short(error)}).", name) from None
    if top.empty:
        return None
    header_index = find_header_row(top)
    try:
        frame = reader.load_sheet(sheet, header_row=header_index).to_pandas()
    except Exception as error:
        raise InputError(f"Sheet '{sheet}' could not be read ({_short(error)}).", name) from None
    frame.columns = _clean_headers(frame.columns)
    frame = frame.dropna(how="all")
    if frame.empty and len(frame.columns) == 0:
        return None
    return RawTable(name, sheet, frame, header_index + 1)


def find_header_row(top: pd.DataFrame) -> int:
    """The 0-based row, among the first few, that looks most like a header: most filled text cells.

    Title rows and logo blocks above a table fill one or two cells; the header fills as many as the data.
    """
    from metrics.columns import count_recognised

    best, best_score = 0, (-1, -1)
    for index in range(len(top)):
        cells = [c for c in top.iloc[index].tolist() if isinstance(c, str) and c.strip()]
        score = (count_recognised(cells), len(cells))
        if score > best_score:
            best, best_score = index, score
    return best


def _clean_headers(columns) -> list[str]:
    """Headers as unique, stripped text; a blank header becomes 'column N' so no data is lost."""
    seen: dict[str, int] = {}
    cleaned = []
    for position, column in enumerate(columns, start=1):
        text = str(column).strip()
        if not text or text.startswith("__UNNAMED__") or text.lower() == "nan":
            text = f"column {position}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        cleaned.append(text)
    return cleaned


def decode_text(name: str, content: bytes) -> str:
    """Decode CSV bytes: BOMs first, then UTF-8, then the Windows code page Excel uses in Western Europe."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    if b"\x00" in content[:4096]:
        # UTF-16 without a BOM shows as every other byte zero; anything else with NULs is not text.
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text[:4096]:
                return text
        raise InputError("This is not a spreadsheet: it holds binary data. Upload an .xlsx or .csv file.", name)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def sniff_separator(text: str) -> str:
    """The separator that splits the first lines into the same number of fields, most fields winning."""
    lines = [line for line in text[:200_000].splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    best, best_fields = ",", 1
    for separator in CSV_SEPARATORS:
        rows = list(csv.reader(lines, delimiter=separator))
        widths = [len(row) for row in rows]
        header_width = widths[0]
        consistent = sum(width == header_width for width in widths) >= 0.8 * len(widths)
        if header_width > best_fields and consistent:
            best, best_fields = separator, header_width
    return best


def _read_csv(name: str, content: bytes) -> RawTable:
    text = decode_text(name, content)
    if not text.strip():
        raise InputError("The file is empty. Export it again and upload the new file.", name)
    head = text[:200_000].splitlines()[:HEADER_SEARCH_ROWS + 20]
    separator = sniff_separator("\n".join(head))
    top = pd.DataFrame(list(csv.reader(head[:HEADER_SEARCH_ROWS], delimiter=separator)))
    header_index = find_header_row(top) if not top.empty else 0
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, skiprows=header_index, engine="c",
                            keep_default_na=False, na_values=[""], skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError) as error:
        raise InputError(f"The file could not be read as a table ({_short(error)}). Check that it is a CSV "
                         "export from Excel or your CRM.", name) from None
    frame.columns = _clean_headers(frame.columns)
    frame = frame.dropna(how="all")
    return RawTable(name, None, frame, header_index + 1)


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]
