"""Turn uploaded bytes into raw tables: one per CSV, one per non-empty worksheet.

Every file is treated as hostile: the container is checked before a parser sees it, and every failure
becomes an InputError that names the file and says what to do.

Every cell is read as text, so that a column's values keep their own spelling and no reader guesses a
type for a column from its first rows and blanks out the rest; metrics.parsing turns the text into
dates and numbers, column by column.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Worksheets larger than this once unzipped are refused: Excel's largest sheet is far below it, a zip bomb is not.
MAX_UNZIPPED_BYTES = 3 * 1024**3
MAX_COMPRESSION_RATIO = 200
HEADER_SEARCH_ROWS = 30
HEAD_CHARS = 200_000
CSV_SEPARATORS = ",;\t|"
# Above a table's header: a group row ("Activities" over "Calls | Emails") is combined with it, a title is not.
GROUP_WORDS = {"activities", "activity", "aktiviteter", "aktivitet", "results", "resultater", "resultat", "deal",
               "deals", "avtale", "avtaler", "sales", "salg", "outcome", "outcomes", "performance", "effort",
               "innsats", "counts", "antall"}
BINARY_MAGICS = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
                 b"GIF8": "a GIF image", b"{\\rtf": "an RTF document", b"\x1f\x8b": "a gzip archive",
                 b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive"}
_NUMBER_LIKE = re.compile(r"^[\d\s.,:/%+\-–()kr$€£]*\d[\d\s.,:/%+\-–()kr$€£]*$", re.IGNORECASE)
_SKIPPED_LINE = re.compile(r"Skipping line (\d+)")


@dataclass
class RawTable:
    """One table as it came from a file: text headers, cells as text, and what the reader noticed."""

    file: str
    sheet: str | None
    frame: pd.DataFrame
    header_row: int  # 1-based row number of the (last) header row in the file or sheet
    decimal_comma: bool | None = None  # the file's hint for numbers like '1.500' (a ';'-separated CSV: True)
    row_numbers: np.ndarray | None = None  # file row of each frame position, when not header_row + 1 + position
    uncached_formulas: dict[str, list[int]] = field(default_factory=dict)  # column → file rows
    skipped: pd.DataFrame | None = None  # row, reason, line: rows the reader could not split into the columns
    notes: list[str] = field(default_factory=list)  # what the reader changed or noticed, for the user

    @property
    def source(self) -> str:
        return f"{self.file} › {self.sheet}" if self.sheet else self.file

    def file_row(self, index):
        """The row number a user sees in Excel (or the line in a CSV) for the frame's positional index."""
        if self.row_numbers is not None:
            return self.row_numbers[index]
        return self.header_row + 1 + index


def read_tables(name: str, content: bytes) -> list[RawTable]:
    """Read every table in an uploaded .xlsx or .csv file."""
    if not content or not content.strip(b" \t\r\n\x00"):
        raise InputError("The file is empty. Export it again and upload the new file.", name)
    lower = name.lower()
    if content.startswith(OLE_MAGIC):
        raise InputError(_ole_message(lower, content), name)
    if content.startswith(ZIP_MAGIC):
        return _read_workbook(name, content)
    for magic, kind in BINARY_MAGICS.items():
        if content.startswith(magic):
            raise InputError(f"This is not a spreadsheet: it is {kind}. Upload an .xlsx or .csv file.", name)
    start = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        raise InputError("This is a web page (HTML) with a .xls or .csv name, as some CRMs export it. Open it in "
                         "Excel and use File › Save As › Excel Workbook (.xlsx), then upload the .xlsx.", name)
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in content[:4096]:
        raise InputError("This is an Excel 2003 XML spreadsheet. Open it in Excel and use File › Save As › Excel "
                         "Workbook (.xlsx), then upload the .xlsx.", name)
    if lower.endswith((".xlsx", ".xlsm")):
        table = _text_in_disguise(name, content)
        if table is None:
            raise InputError("The workbook is damaged or was cut off while uploading: it is not a complete .xlsx "
                             "file. Open it in Excel, save it again, and upload the new file.", name)
        return [table]
    if lower.endswith(".xls"):
        table = _text_in_disguise(name, content)
        if table is None:
            raise InputError("This .xls file can't be read. Open it in Excel and use File › Save As › Excel "
                             "Workbook (.xlsx), then upload the .xlsx.", name)
        return [table]
    if lower.endswith((".xlsb", ".ods", ".numbers")):
        raise InputError("This file type can't be read. Save it as .xlsx or .csv and upload that.", name)
    return [_read_csv(name, content)]


def _ole_message(lower: str, content: bytes) -> str:
    """What an OLE compound file holds: an encrypted workbook, a legacy .xls, or some other Office file."""
    streams = content[:4 * 1024 * 1024]
    if "EncryptedPackage".encode("utf-16-le") in streams or "EncryptionInfo".encode("utf-16-le") in streams:
        return ("This workbook is encrypted (password-protected). Open it in Excel, remove the password under "
                "File › Info › Protect Workbook › Encrypt with Password, save, and upload it again.")
    if "Workbook".encode("utf-16-le") in streams or "Book".encode("utf-16-le") in streams or lower.endswith(".xls"):
        return ("This is a legacy Excel 97–2003 (.xls) workbook. Open it in Excel and use File › Save As › Excel "
                "Workbook (.xlsx), then upload the .xlsx.")
    if "WordDocument".encode("utf-16-le") in streams:
        return "This is a Word document, not a spreadsheet. Upload an .xlsx or .csv file."
    if lower.endswith((".xlsx", ".xlsm")):
        return ("This workbook is encrypted (password-protected). Open it in Excel, remove the password under "
                "File › Info › Protect Workbook › Encrypt with Password, save, and upload it again.")
    return "This is not a spreadsheet Excel can save today. Save it as .xlsx or .csv and upload that."


def _text_in_disguise(name: str, content: bytes) -> RawTable | None:
    """A CSV or tab-separated export saved with an Excel name, as some CRMs do; None if it is not one."""
    try:
        text = decode_text(name, content[:HEAD_CHARS])
    except InputError:
        return None
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    separator = sniff_separator(text)
    if len(lines) < 2 or len(next(csv.reader([lines[0]], delimiter=separator))) < 2:
        return None
    table = _read_csv(name, content)
    table.notes.append("This file has an Excel name but holds comma- or tab-separated text; it was read as CSV.")
    return table


# ----------------------------------------------------------------------------------------------- headers

@dataclass
class Header:
    row: int  # 0-based index, among the rows looked at, of the last header row
    names: list[str]  # one per column position
    rows: int = 1  # 2 when a group row above was combined into the names


def _is_text(cell) -> bool:
    return isinstance(cell, str) and bool(cell.strip()) and not _NUMBER_LIKE.match(cell.strip())


def _filled(cell) -> bool:
    return isinstance(cell, str) and bool(cell.strip())


def _combined(upper: list, lower: list) -> list[str | None] | None:
    """One name per column from a group row over a header row, or None when the upper row is no group row.

    'Deal' over 'Owner | Amount' gives 'Deal - Owner', 'Deal - Amount'. Excel keeps a merged cell's text in
    its first cell only, so a group runs right over the columns where the upper row is empty. A text above
    an empty cell is that column's own header (merged down over both rows). A single text above the first
    column is a title, not a group.
    """
    width = max(len(upper), len(lower))
    upper = [c.strip() if _filled(c) else None for c in upper] + [None] * (width - len(upper))
    lower = [c.strip() if _filled(c) else None for c in lower] + [None] * (width - len(lower))
    cells = [c for c in upper + lower if c]
    if not any(upper) or not any(lower) or any(_NUMBER_LIKE.match(c) for c in cells):
        return None
    used = [i for i in range(width) if upper[i] or lower[i]]
    first = used[0]
    groups = [i for i in range(width) if upper[i] and lower[i]]
    vertical = [i for i in range(width) if upper[i] and not lower[i]]
    spans, names, group = {}, [], None
    for i in range(width):
        if upper[i] and lower[i]:
            group = i
            spans[i] = 1
            names.append(f"{upper[i]} - {lower[i]}")
        elif upper[i]:
            group = None
            names.append(upper[i])
        elif lower[i]:
            if group is not None:
                spans[group] += 1
                names.append(f"{upper[group]} - {lower[i]}")
            else:
                names.append(lower[i])
        else:
            group = None
            names.append(None)
    if not any(span > 1 for span in spans.values()) and not (vertical and groups):
        return None
    if len(groups) + len(vertical) == 1 and groups:
        # One lone text above the table: a group only if it sits over part of the table and names a group
        # ('Activities' over the count columns), else a title.
        from metrics.columns import activity_type_of_header

        at = groups[0]
        under = [lower[i] for i in range(at, at + spans[at])]
        is_group = at != first and (upper[at].lower() in GROUP_WORDS or all(
            activity_type_of_header(cell) for cell in under))
        if not is_group:
            return None
    return names


def detect_header(rows: list[list], label=lambda position: f"column {position + 1}") -> Header:
    """The header among a table's first rows, combined with a group row above or below it when the header
    spans two rows.

    Title rows and logo blocks above a table fill one or two cells; the header fills about as many as the
    data, with text rather than numbers. The first such row is the header, unless a later one names at
    least two more known columns (a data row may hold a word like 'Call' or 'Sales', a header holds several).
    """
    from metrics.columns import count_recognised

    first = next((i for i, row in enumerate(rows) if any(_filled(c) for c in row)), None)
    if first is None:
        return Header(0, [])
    if first:
        found = detect_header(rows[first:], label)
        return Header(found.row + first, found.names, found.rows)
    rows = rows[:HEADER_SEARCH_ROWS]
    width = max(sum(_filled(c) for c in row) for row in rows)
    texts = [[c.strip() for c in row if _is_text(c)] for row in rows]
    candidates = [i for i, cells in enumerate(texts) if len(cells) >= max(1, (width + 1) // 2)] or [0]
    recognised = {i: count_recognised(texts[i]) for i in candidates}
    best = candidates[0]
    for i in candidates[1:]:
        if recognised[i] >= recognised[best] + 2:
            best = i
    chosen = Header(best, _names(rows[best], label))
    chosen_score = count_recognised(texts[best])
    for upper in (best - 1, best):
        lower = upper + 1
        if upper < 0 or lower >= len(rows):
            continue
        names = _combined(rows[upper], rows[lower])
        if names is None:
            continue
        score = count_recognised([n for n in names if n])
        if score >= chosen_score:
            chosen, chosen_score = Header(lower, _names(names, label), 2), score
            break
    return chosen


def _names(cells: list, label) -> list[str]:
    """Headers as unique, stripped text; a blank header becomes 'column N' so no data is lost."""
    seen: dict[str, int] = {}
    cleaned = []
    for position, cell in enumerate(cells):
        text = " ".join(str(cell).split()) if cell is not None and not (isinstance(cell, float) and cell != cell) \
            else ""
        if not text or text.startswith("__UNNAMED__") or text.lower() == "nan":
            text = label(position)
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        cleaned.append(text)
    return cleaned


def _drop_empty(frame: pd.DataFrame, generated: set[str]) -> pd.DataFrame:
    """Rows with no value at all, and columns without a header or a value, are not part of the table."""
    frame = frame.dropna(how="all")
    empty = [c for c in frame.columns if c in generated and frame[c].isna().all()]
    return frame.drop(columns=empty) if empty else frame


# --------------------------------------------------------------------------------------------- workbooks

def _check_zip(name: str, content: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise InputError("The workbook is damaged or was cut off while uploading. Open it in Excel, save it "
                         "again, and upload the new file.", name) from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise InputError("This is a Word document, not a spreadsheet. Upload an .xlsx or .csv file.", name)
        if "mimetype" in names or "content.xml" in names:
            raise InputError("This is an OpenDocument file. Open it and save it as .xlsx or .csv, then upload "
                             "that.", name)
        raise InputError("This is a zip file but not an Excel workbook. Upload an .xlsx or .csv file.", name)
    unzipped = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_COMPRESSION_RATIO and unzipped > 100 * 1024**2:
        raise InputError("The workbook unpacks to far more data than a spreadsheet holds, so it was refused. "
                         "Export the data as .csv and upload that instead.", name)
    return archive


def _read_workbook(name: str, content: bytes) -> list[RawTable]:
    import fastexcel

    archive = _check_zip(name, content)
    try:
        reader = fastexcel.read_excel(content)
        sheet_names = reader.sheet_names
    except Exception as error:  # the Rust reader raises its own types for every kind of damage
        raise InputError(f"The workbook could not be opened ({_short(error)}). Open it in Excel, save it as "
                         ".xlsx again, and upload the new file.", name) from None
    parts = _sheet_parts(archive)
    trust = _formula_results(archive)
    tables, skipped = [], []
    for sheet in sheet_names:
        try:
            table = _read_sheet(reader, archive, parts.get(sheet), name, sheet, trust)
        except InputError as error:
            skipped.append(f"Sheet '{sheet}' was skipped: {error.message}")
            continue
        if table is not None:
            tables.append(table)
    if not tables:
        if skipped:
            raise InputError(" ".join(skipped) + " Open the workbook in Excel, save it again, and upload it.", name)
        raise InputError("Every sheet in this workbook is empty. Check that you exported the data, not an "
                         "empty template.", name)
    tables[0].notes.extend(skipped)
    return tables


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the worksheet's part in the zip, from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a workbook without readable parts: fastexcel's own reading decides
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations if _local(rel.tag) == "Relationship"}
    parts = {}
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rel_id)
        if target:
            parts[element.get("name")] = target.lstrip("/") if target.startswith("/") else \
                "xl/" + target.replace("../", "")
    return parts


def _shared_strings(archive: zipfile.ZipFile, count: int) -> list[str]:
    """The first `count` shared strings, read as a stream and no further."""
    from defusedxml import ElementTree

    strings: list[str] = []
    if count <= 0 or "xl/sharedStrings.xml" not in archive.namelist():
        return strings
    with archive.open("xl/sharedStrings.xml") as stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            if _local(element.tag) != "si":
                continue
            text = []
            for child in element:
                if _local(child.tag) == "t":
                    text.append(child.text or "")
                elif _local(child.tag) == "r":
                    text.extend(g.text or "" for g in child if _local(g.tag) == "t")
            strings.append("".join(text))
            element.clear()
            if len(strings) >= count:
                break
    return strings


def _column_index(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference.upper())
    number = 0
    for letter in letters.group(0) if letters else "":
        number = number * 26 + ord(letter) - 64
    return number - 1


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_head(archive: zipfile.ZipFile, part: str, rows_wanted: int = HEADER_SEARCH_ROWS + 10) -> list[list]:
    """The first rows of a worksheet as text, by absolute position (row 1 is index 0), read from the start of
    its XML only, so that finding the header costs nothing on a million-row sheet."""
    from defusedxml import ElementTree

    buffer = b""
    with archive.open(part) as stream:
        while len(re.findall(rb"</(?:\w+:)?row>", buffer)) < rows_wanted and len(buffer) < 8 * 1024 * 1024:
            chunk = stream.read(256 * 1024)
            if not chunk:
                break
            buffer += chunk
    data = re.search(rb"<(?:\w+:)?sheetData\b[^>]*?(/?)>", buffer)
    if data is None or data.group(1) == b"/":
        return []
    ends = [m.end() for m in re.finditer(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>", buffer)]
    if not ends:
        if re.search(rb"<(?:\w+:)?row\b", buffer):
            raise ValueError("no complete row in the sheet's first megabytes")
        return []
    body = buffer[data.end():ends[-1]]
    root_tag = re.search(rb"<(?:\w+:)?worksheet\b([^>]*)>", buffer)
    namespaces = b" ".join(re.findall(rb"xmlns(?::\w+)?=\"[^\"]*\"", root_tag.group(1))) if root_tag else b""
    root = ElementTree.fromstring(b"<head " + namespaces + b">" + body + b"</head>")
    cells: dict[int, dict[int, tuple[str | None, str | None, str | None]]] = {}
    row_number = -1
    for row in root:
        if _local(row.tag) != "row":
            continue
        row_number = int(row.get("r")) - 1 if row.get("r", "").isdigit() else row_number + 1
        column = -1
        for cell in row:
            if _local(cell.tag) != "c":
                continue
            column = _column_index(cell.get("r")) if cell.get("r") else column + 1
            value = inline = None
            for child in cell:
                if _local(child.tag) == "v":
                    value = child.text
                elif _local(child.tag) == "is":
                    inline = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
            cells.setdefault(row_number, {})[column] = (cell.get("t"), value, inline)
    if not cells:
        return []
    shared_needed = [int(v) for row in cells.values() for t, v, _ in row.values() if t == "s" and v and v.isdigit()]
    shared = _shared_strings(archive, max(shared_needed) + 1) if shared_needed else []
    last_row = min(max(cells), 500)
    head = []
    for number in range(last_row + 1):
        row = cells.get(number, {})
        width = max(row) + 1 if row else 0
        values: list[str | None] = [None] * width
        for column, (kind, value, inline) in row.items():
            if kind == "s":
                values[column] = shared[int(value)] if value and value.isdigit() and int(value) < len(shared) else None
            elif kind == "inlineStr":
                values[column] = inline
            elif kind == "b":
                values[column] = {"1": "TRUE", "0": "FALSE"}.get(value or "", value)
            else:
                values[column] = value
        head.append(values)
    return head


def _fastexcel_head(reader, sheet: str) -> list[list]:
    """The first rows through fastexcel, by absolute position: the fallback when the XML can't be read."""
    top = reader.load_sheet(sheet, header_row=None, n_rows=HEADER_SEARCH_ROWS + 10, skip_rows=0,
                            dtypes="string").to_pandas()
    if top.empty:
        return []
    columns = reader.load_sheet(sheet, header_row=None, n_rows=1, skip_rows=0, dtypes="string").available_columns()
    offset = columns[0].absolute_index if columns else 0
    return [[None] * offset + [v if isinstance(v, str) else None for v in row] for row in top.itertuples(index=False)]


def _read_sheet(reader, archive: zipfile.ZipFile, part: str | None, name: str, sheet: str,
                trust: str = "unknown") -> RawTable | None:
    head = None
    if part:
        try:
            head = _sheet_head(archive, part)
        except Exception:  # unusual XML: let fastexcel find the first rows instead
            head = None
    try:
        if head is None:
            head = _fastexcel_head(reader, sheet)
        if not any(any(_filled(c) for c in row) for row in head):
            return None
        header = detect_header(head, label=lambda position: f"column {column_letter(position)}")
        loaded = reader.load_sheet(sheet, header_row=header.row, dtypes="string", whitespace_as_null=True)
        positions = [column.absolute_index for column in loaded.available_columns()]
        frame = loaded.to_pandas()
    except Exception as error:
        raise InputError(f"Sheet '{sheet}' could not be read ({_short(error)}).", name) from None
    generated = set()
    names = []
    for position in positions:
        if position < len(header.names):
            names.append(header.names[position])
        else:
            names.append(f"column {column_letter(position)}")
            generated.add(names[-1])
    generated |= {n for n in header.names if n.startswith("column ")}
    frame.columns = _names(names, lambda position: f"column {column_letter(positions[position])}")
    by_position = dict(zip(positions, frame.columns))
    frame = _drop_empty(frame, generated)
    if not len(frame.columns):
        return None
    table = RawTable(name, sheet, frame, header.row + 1)
    if part and len(frame) and (trust == "uncalculated" or trust == "unknown" and frame.isna().to_numpy().any()):
        # Formulas whose result was never saved (files written by a script, not by Excel) read as blanks,
        # and would count as zeros. Excel always saves results, so its files need no scan; other writers'
        # files can only hide such formulas among their blank cells.
        kept = {position: column for position, column in by_position.items() if column in frame.columns}
        try:
            table.uncached_formulas = _uncached_formulas(archive, part, header.row, kept,
                                                         any_formula=trust == "uncalculated")
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
            raise InputError(f"Sheet '{sheet}' is damaged ({_short(error)}).", name) from None
    return table


def _formula_results(archive: zipfile.ZipFile) -> str:
    """Whether a workbook's formula cells hold calculated results: 'calculated' when Excel saved it,
    'uncalculated' when it asks to be calculated on opening (XlsxWriter writes 0 as every result), else
    'unknown'."""
    try:
        workbook = archive.read("xl/workbook.xml")[:1024 * 1024]
        properties = archive.read("docProps/app.xml")[:64 * 1024] if "docProps/app.xml" in archive.namelist() \
            else b""
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        return "unknown"
    if re.search(rb'fullCalcOnLoad="(?:1|true)"', workbook):
        return "uncalculated"
    if re.search(rb"<(?:\w+:)?Application>Microsoft Excel</(?:\w+:)?Application>", properties) and \
            "xl/calcChain.xml" in archive.namelist():
        return "calculated"
    return "unknown"


def _uncached_formulas(archive: zipfile.ZipFile, part: str, header_index: int, columns: dict[int, str],
                       any_formula: bool = False) -> dict[str, list[int]]:
    """Column → Excel rows of cells below the header that hold a formula without a saved value (with
    `any_formula`, every formula: its saved value is a placeholder).

    A streaming scan of the sheet's XML: chunks without a formula are only searched, never parsed.
    """
    found: dict[str, set[int]] = {}
    tail = b""
    cell = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(4 * 1024 * 1024)
            if not chunk:
                break
            buffer = tail + chunk
            cut = max(buffer.rfind(b"</c>") + 4, buffer.rfind(b":c>") + 3, buffer.rfind(b"/>") + 2)
            complete, tail = (buffer[:cut], buffer[cut:]) if cut > 2 else (b"", buffer)
            if b"<f" not in complete and b":f>" not in complete and b":f " not in complete:
                continue
            for match in cell.finditer(complete):
                inner = match.group(2) or b""
                if not re.search(rb"<(?:\w+:)?f\b", inner):
                    continue
                if not any_formula and re.search(rb"<(?:\w+:)?v>[^<]", inner):
                    continue
                reference = re.search(rb'\br="([A-Z]+)(\d+)"', match.group(1))
                if reference is None:
                    continue
                column, row = _column_index(reference.group(1).decode()), int(reference.group(2))
                if row > header_index + 1 and column in columns:
                    found.setdefault(columns[column], set()).add(row)
    return {column: sorted(rows) for column, rows in found.items()}


# ---------------------------------------------------------------------------------------------------- CSV

def decode_text(name: str, content: bytes) -> str:
    """Decode CSV bytes: BOMs first, then UTF-8, then the Windows code page Excel uses in Western Europe."""
    return content.decode(_encoding(name, content), errors="replace").lstrip("\ufeff")


def _encoding(name: str, content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF16_LE) or content.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    head = content[:4096]
    if b"\x00" in head:
        # UTF-16 without a BOM shows as every other byte zero; anything else with NULs is not text.
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
        raise InputError("This is not a spreadsheet: it holds binary data. Upload an .xlsx or .csv file.", name)
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(content) - 3 and len(content) > 3:
            return "utf-8"  # a character cut off at the very end: a truncated upload, read what is there
        return "cp1252"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return control > max(2, len(sample) // 100) or sample.count("\ufffd") > max(8, len(sample) // 20)


def sniff_separator(text: str) -> str:
    """The separator that splits the lines into the most columns consistently.

    Lines above the table (a title) may have fewer fields; then the first line of full width must read
    like a header, not like data, so a one-column file of decimal commas ('1,5') stays one column.
    """
    lines = [line for line in text[:HEAD_CHARS].splitlines()[:60] if line.strip()]
    # When no separator splits the lines consistently, the file has one column: split it at nothing.
    best, best_key = next((s for s in CSV_SEPARATORS if s not in text[:HEAD_CHARS]), "\x1f"), (False, 1, 0)
    if not lines:
        return best
    for separator in CSV_SEPARATORS:
        rows = list(csv.reader(lines, delimiter=separator))
        widths = [len(row) for row in rows]
        values, counts = np.unique(widths, return_counts=True)
        width = int(values[counts == counts.max()].max())
        start = widths.index(width)
        share = sum(w == width for w in widths[start:]) / len(widths[start:])
        if width < 2 or share < 0.6:
            continue
        header_like = all(_is_text(cell) or not cell.strip() for cell in rows[start])
        if start > 0 and not header_like and widths[0] < 2:
            continue  # neither a header of its own width on top nor a header row: one column, split by accident
        key = (start == 0, width, share)
        if key > best_key:
            best, best_key = separator, key
    return best


def _read_csv(name: str, content: bytes) -> RawTable:
    encoding = _encoding(name, content)
    text = content.decode(encoding, errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise InputError("The file is empty. Export it again and upload the new file.", name)
    if _looks_binary(text):
        raise InputError("This is not a spreadsheet: it holds binary data, not text. Upload an .xlsx or .csv "
                         "file.", name)
    if "\r" in text[:HEAD_CHARS] and "\n" not in text[:HEAD_CHARS]:
        # Lines ended by a carriage return alone, as Excel for Mac's "CSV (Macintosh)" writes them.
        text, encoding = text.replace("\r", "\n"), "recoded"
    lines = _lines(text[:HEAD_CHARS])
    if len(text) > HEAD_CHARS:
        lines = lines[:-1]  # the last one may be cut off
    lines = lines[:HEADER_SEARCH_ROWS + 30]
    skip_lines = 0
    declared = re.fullmatch(r'"?sep=(.)"?[\r\n]*', lines[0]) if lines else None
    if declared:  # Excel's own hint on the first line: sep=;
        separator, skip_lines = declared.group(1), 1
    else:
        separator = sniff_separator("".join(lines))
    try:
        rows = list(csv.reader(lines[skip_lines:skip_lines + HEADER_SEARCH_ROWS], delimiter=separator))
    except csv.Error as error:
        raise InputError(f"The file could not be read as a table ({error}). Check that it is a CSV export from "
                         "Excel or your CRM.", name) from None
    header = detect_header(rows) if rows else Header(0, ["column 1"])
    # Rows ending in empty cells ('a;b;c;') widen the table, and so do values most rows have beyond the
    # header (a column nobody named); a few rows with more values than the header don't.
    data_widths = [len(row) for row in rows[header.row + 1:] if row]
    widened = data_widths and sorted(data_widths)[len(data_widths) // 2] > len(header.names)
    width = max([len(header.names)] + [len(row) for row in rows[header.row + 1:]
                                       if widened or not any(cell.strip() for cell in row[len(header.names):])])
    names = _names(header.names + [None] * (width - len(header.names)), lambda position: f"column {position + 1}")
    generated = {n for n in names if re.fullmatch(r"column \d+", n)}
    header_lines = skip_lines + header.row + 1
    prefix = "".join(lines[:header_lines])
    data = content[len(prefix.encode("utf-8")):] if encoding == "utf-8" else text[len(prefix):].encode("utf-8")
    frame, row_numbers, skipped = _parse_csv(name, data, separator, names, header_lines)
    frame = _drop_empty(frame, generated)
    if not len(frame.columns):
        raise InputError("The file holds no table: no header and no values. Export it again and upload the new "
                         "file.", name)
    return RawTable(name, None, frame, header_lines, decimal_comma=separator == ";", row_numbers=row_numbers,
                    skipped=skipped)


def _parse_csv(name: str, data: bytes, separator: str, names: list[str],
               header_lines: int) -> tuple[pd.DataFrame, np.ndarray | None, pd.DataFrame | None]:
    """The rows below the header as text, with the file line of each row when lines were skipped.

    Arrow's reader is fast; a file with rows that don't fit the header goes to pandas', which pads short
    rows and reports long ones by line, so each can be named in the quality report.
    """
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    if not data.strip():
        return pd.DataFrame({n: pd.Series(dtype="str") for n in names}), None, None
    invalid = []
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(data),
            read_options=arrow_csv.ReadOptions(column_names=names, block_size=8 * 1024 * 1024),
            parse_options=arrow_csv.ParseOptions(delimiter=separator, newlines_in_values=b'"' in data,
                                                 invalid_row_handler=lambda row: invalid.append(row) or "skip"),
            convert_options=arrow_csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                     strings_can_be_null=True, null_values=[""],
                                                     quoted_strings_can_be_null=True))
        if not invalid:
            frame = table.to_pandas()
            if b"\n\n" not in data and b"\n\r\n" not in data:
                return frame, None, None
            numbers = _nonblank_lines(data, header_lines)
            return frame, numbers if len(numbers) == len(frame) else None, None
    except (pa.ArrowInvalid, pa.ArrowException):
        pass
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(io.BytesIO(data), sep=separator, header=None, names=names, dtype=str, engine="c",
                                keep_default_na=False, na_values=[""], skip_blank_lines=False, on_bad_lines="warn",
                                encoding="utf-8", encoding_errors="replace", index_col=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError) as error:
            raise InputError(f"The file could not be read as a table ({_short(error)}). Check that it is a CSV "
                             "export from Excel or your CRM.", name) from None
    bad = sorted({int(m.group(1)) for w in caught for m in _SKIPPED_LINE.finditer(str(w.message))})
    if not bad:
        return frame, None, None
    lines = data.decode("utf-8", errors="replace").splitlines()
    kept = np.setdiff1d(np.arange(len(frame) + len(bad)), np.asarray(bad) - 1)
    skipped = pd.DataFrame({
        "row": [header_lines + n for n in bad],
        "reason": "row has more cells than the header (a separator inside a value without quotes?)",
        "line": [lines[n - 1] if n - 1 < len(lines) else "" for n in bad],
    })
    return frame, header_lines + 1 + kept[:len(frame)], skipped


def _lines(text: str) -> list[str]:
    """Lines with their line ends, split at newlines only (str.splitlines also splits at form feeds and
    other characters that may sit inside a cell)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _nonblank_lines(data: bytes, header_lines: int) -> np.ndarray:
    """The file line of each non-blank line in `data`, which starts on the line after the header."""
    newline = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    starts = np.concatenate(([0], newline + 1))
    ends = np.concatenate((newline, [len(data)]))
    lengths = ends - starts
    carriage = np.zeros(len(starts), dtype=bool)
    has_content = lengths > 0
    carriage[has_content] = np.frombuffer(data, dtype=np.uint8)[starts[has_content]] == 13
    nonblank = (lengths > 1) | ((lengths == 1) & ~carriage)
    return header_lines + 1 + np.flatnonzero(nonblank)


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]
