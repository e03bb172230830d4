"""Read an .xlsx workbook into one raw table per non-empty worksheet.

preflight.py measures the zip and every sheet before fastexcel opens it. Each sheet's first rows are read
from its XML, so that the header is found without loading the sheet twice; fastexcel then loads the sheet
below the header, every cell as text.
"""

from __future__ import annotations

import logging
import re
import zipfile

from metrics.errors import InputError
from metrics.ingest.frames import RawTable
from metrics.ingest.header import HEADER_SEARCH_ROWS, detect_header, drop_empty, is_filled, unique_names
from metrics.ingest.preflight import (
    MAX_COLUMNS,
    MAX_SHEETS,
    TOO_MANY_SHEETS,
    SheetScan,
    check_workbook,
    column_letters,
    local_name,
)
from metrics.ingest.progress import READING_SHEET, ROWS_READ, Progress, say
from metrics.text import N_, Message, listing

log = logging.getLogger(__name__)


# A sheet this long says when it is read and how many rows it gave; shorter ones are read without a word.
SPOKEN_ROWS = 1_000


def read_workbook(name: str, content: bytes, progress: Progress | None = None) -> list[RawTable]:
    import fastexcel

    workbook = check_workbook(name, content, progress)
    try:
        reader = fastexcel.read_excel(content)
        sheet_names = reader.sheet_names
    except Exception as error:  # the Rust reader raises its own types for every kind of damage
        log.info("fastexcel could not open %r: %s", name, error)
        raise InputError(
            N_(
                "The workbook could not be opened: it is damaged, or it was written by a program in a "
                "way Excel itself would not. Open it in Excel, save it as .xlsx again, and upload the "
                "new file."
            ),
            name,
        ) from None
    if len(sheet_names) > MAX_SHEETS:
        raise InputError(TOO_MANY_SHEETS, name, sheets=len(sheet_names), most=MAX_SHEETS)
    tables, skipped = [], []
    for sheet in sheet_names:
        part = workbook.sheets.get(sheet)
        scan = workbook.scans.get(part) if part else None
        spoken = progress if scan is None or scan.rows >= SPOKEN_ROWS else None
        say(spoken, READING_SHEET, sheet=sheet)
        try:
            table = _read_sheet(reader, workbook.archive, part, name, sheet, workbook.formula_results, scan)
        except InputError as error:
            skipped.append(
                Message(N_("Sheet '{sheet}' was skipped: {reason}"), {"sheet": sheet, "reason": error.message})
            )
            continue
        if table is not None:
            say(spoken, ROWS_READ, rows=len(table.frame))
            tables.append(table)
    if not tables:
        if skipped:
            raise InputError(
                N_("{skipped} Open the workbook in Excel, save it again, and upload it."),
                name,
                skipped=listing(skipped, "sentences"),
            )
        raise InputError(
            N_("Every sheet in this workbook is empty. Check that you exported the data, not an empty template."), name
        )
    tables[0].notes.extend(skipped)
    return tables


def _shared_strings(archive: zipfile.ZipFile, count: int) -> list[str]:
    """The first `count` shared strings, read as a stream and no further."""
    from defusedxml import ElementTree

    strings: list[str] = []
    if count <= 0 or "xl/sharedStrings.xml" not in archive.namelist():
        return strings
    with archive.open("xl/sharedStrings.xml") as stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            if local_name(element.tag) != "si":
                continue
            text = []
            for child in element:
                if local_name(child.tag) == "t":
                    text.append(child.text or "")
                elif local_name(child.tag) == "r":
                    text.extend(g.text or "" for g in child if local_name(g.tag) == "t")
            strings.append("".join(text))
            element.clear()
            if len(strings) >= count:
                break
    return strings


def column_index(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference.upper())
    number = 0
    for letter in letters.group(0) if letters else "":
        number = number * 26 + ord(letter) - 64
    return number - 1


Cell = tuple[str | None, str | None, str | None]  # a cell's type, its <v> and its inline text


def _sheet_head(archive: zipfile.ZipFile, part: str, rows_wanted: int = HEADER_SEARCH_ROWS + 10) -> list[list]:
    """The first rows of a worksheet as text, by absolute position (row 1 is index 0), read from the start of
    its XML only, so that finding the header costs nothing on a million-row sheet."""
    root = _head_xml(archive, part, rows_wanted)
    cells = _head_cells(root) if root is not None else {}
    if not cells:
        return []
    shared_needed = [int(v) for row in cells.values() for t, v, _ in row.values() if t == "s" and v and v.isdigit()]
    shared = _shared_strings(archive, max(shared_needed) + 1) if shared_needed else []
    return [_head_values(cells.get(number, {}), shared) for number in range(min(max(cells), 500) + 1)]


def _head_xml(archive: zipfile.ZipFile, part: str, rows_wanted: int):
    """The sheet's first complete rows as one XML element, with the sheet's namespaces; None without rows."""
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
        return None
    ends = [m.end() for m in re.finditer(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>", buffer)]
    if not ends:
        if re.search(rb"<(?:\w+:)?row\b", buffer):
            raise ValueError("no complete row in the sheet's first megabytes")
        return None
    body = buffer[data.end() : ends[-1]]
    root_tag = re.search(rb"<(?:\w+:)?worksheet\b([^>]*)>", buffer)
    namespaces = b" ".join(re.findall(rb"xmlns(?::\w+)?=\"[^\"]*\"", root_tag.group(1))) if root_tag else b""
    return ElementTree.fromstring(b"<head " + namespaces + b">" + body + b"</head>")


def _head_cells(root) -> dict[int, dict[int, Cell]]:
    """Row index → column index → cell, as the XML places them (by reference, or after the one before)."""
    cells: dict[int, dict[int, Cell]] = {}
    row_number = -1
    for row in root:
        if local_name(row.tag) != "row":
            continue
        row_number = int(row.get("r")) - 1 if row.get("r", "").isdigit() else row_number + 1
        column = -1
        for cell in row:
            if local_name(cell.tag) != "c":
                continue
            column = column_index(cell.get("r")) if cell.get("r") else column + 1
            if not 0 <= column < MAX_COLUMNS:
                continue  # preflight refuses such a sheet; never build a row that wide
            value = inline = None
            for child in cell:
                if local_name(child.tag) == "v":
                    value = child.text
                elif local_name(child.tag) == "is":
                    inline = "".join(t.text or "" for t in child.iter() if local_name(t.tag) == "t")
            cells.setdefault(row_number, {})[column] = (cell.get("t"), value, inline)
    return cells


def _head_values(row: dict[int, Cell], shared: list[str]) -> list[str | None]:
    """One row's cells as text, by column."""
    values: list[str | None] = [None] * (max(row) + 1 if row else 0)
    for column, (kind, value, inline) in row.items():
        if kind == "s":
            values[column] = shared[int(value)] if value and value.isdigit() and int(value) < len(shared) else None
        elif kind == "inlineStr":
            values[column] = inline
        elif kind == "b":
            values[column] = {"1": "TRUE", "0": "FALSE"}.get(value or "", value)
        else:
            values[column] = value
    return values


def _fastexcel_head(reader, sheet: str) -> list[list]:
    """The first rows through fastexcel, by absolute position: the fallback when the XML can't be read."""
    top = reader.load_sheet(
        sheet, header_row=None, n_rows=HEADER_SEARCH_ROWS + 10, skip_rows=0, dtypes="string"
    ).to_pandas()
    if top.empty:
        return []
    columns = reader.load_sheet(sheet, header_row=None, n_rows=1, skip_rows=0, dtypes="string").available_columns()
    offset = columns[0].absolute_index if columns else 0
    return [[None] * offset + [v if isinstance(v, str) else None for v in row] for row in top.itertuples(index=False)]


def _read_sheet(
    reader, archive: zipfile.ZipFile, part: str | None, name: str, sheet: str, trust: str, scan: SheetScan | None
) -> RawTable | None:
    head = None
    if part:
        try:
            head = _sheet_head(archive, part)
        except Exception:  # unusual XML: let fastexcel find the first rows instead
            head = None
    try:
        if head is None:
            head = _fastexcel_head(reader, sheet)
        if not any(any(is_filled(c) for c in row) for row in head):
            return None
        header = detect_header(head, label=lambda position: f"column {column_letters(position + 1)}")
        if any(row and is_filled(row[0]) for row in head):
            # A value in column A: the sheet's block starts there, so the columns fastexcel gives are columns
            # A, B, ... and it may build them straight from the sheet (eagerly: a fifth less time, no copy of
            # every text) without saying where each one sits.
            loaded = reader.load_sheet(
                sheet, header_row=header.row, dtypes="string", whitespace_as_null=True, eager=True
            )
            positions = list(range(loaded.num_columns))
        else:
            loaded = reader.load_sheet(sheet, header_row=header.row, dtypes="string", whitespace_as_null=True)
            positions = [column.absolute_index for column in loaded.available_columns()]
        frame = loaded.to_pandas()
    except Exception as error:
        log.info("fastexcel could not read sheet %r of %r: %s", sheet, name, error)
        raise InputError(
            N_("Sheet '{sheet}' could not be read: it is damaged, or it was written in a way Excel itself would not."),
            name,
            sheet=sheet,
        ) from None
    generated = set()
    names = []
    for position in positions:
        if position < len(header.names):
            names.append(header.names[position])
        else:
            names.append(f"column {column_letters(position + 1)}")
            generated.add(names[-1])
    generated |= {n for n in header.names if n.startswith("column ")}
    frame.columns = unique_names(names, lambda position: f"column {column_letters(positions[position] + 1)}")
    by_position = dict(zip(positions, frame.columns))
    frame = drop_empty(frame, generated)
    if not len(frame.columns):
        return None
    table = RawTable(name, sheet, frame, header.row + 1)
    if (
        scan
        and scan.uncached_formulas
        and len(frame)
        and (trust == "uncalculated" or trust == "unknown" and frame.isna().to_numpy().any())
    ):
        # Formulas whose result was never saved (files written by a script, not by Excel) read as blanks,
        # and would count as zeros. Excel always saves results, so its files are not scanned for them; other
        # writers' files can only hide such formulas among their blank cells.
        found: dict[str, set[int]] = {}
        for row, position in scan.uncached_formulas:
            column = by_position.get(position)
            if column is not None and row > header.row + 1 and column in frame.columns:
                found.setdefault(column, set()).add(row)
        table.uncached_formulas = {column: sorted(rows) for column, rows in found.items()}
    return table
