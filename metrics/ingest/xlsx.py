"""Read an .xlsx workbook into one raw table per non-empty worksheet.

The zip is checked before fastexcel opens it. Each sheet's first rows are read from its XML, so that the
header is found without loading the sheet twice; fastexcel then loads the sheet below the header, every cell
as text.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib

from metrics.errors import InputError
from metrics.ingest.frames import RawTable
from metrics.ingest.header import HEADER_SEARCH_ROWS, detect_header, drop_empty, is_filled, unique_names
from metrics.ingest.messages import short_reason

# Worksheets larger than this once unzipped are refused: Excel's largest sheet is far below it, a zip bomb is not.
MAX_UNZIPPED_BYTES = 3 * 1024**3
MAX_COMPRESSION_RATIO = 200


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


def read_workbook(name: str, content: bytes) -> list[RawTable]:
    import fastexcel

    archive = _check_zip(name, content)
    try:
        reader = fastexcel.read_excel(content)
        sheet_names = reader.sheet_names
    except Exception as error:  # the Rust reader raises its own types for every kind of damage
        raise InputError(f"The workbook could not be opened ({short_reason(error)}). Open it in Excel, save it as "
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


def column_index(reference: str) -> int:
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
            column = column_index(cell.get("r")) if cell.get("r") else column + 1
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
        if not any(any(is_filled(c) for c in row) for row in head):
            return None
        header = detect_header(head, label=lambda position: f"column {column_letter(position)}")
        loaded = reader.load_sheet(sheet, header_row=header.row, dtypes="string", whitespace_as_null=True)
        positions = [column.absolute_index for column in loaded.available_columns()]
        frame = loaded.to_pandas()
    except Exception as error:
        raise InputError(f"Sheet '{sheet}' could not be read ({short_reason(error)}).", name) from None
    generated = set()
    names = []
    for position in positions:
        if position < len(header.names):
            names.append(header.names[position])
        else:
            names.append(f"column {column_letter(position)}")
            generated.add(names[-1])
    generated |= {n for n in header.names if n.startswith("column ")}
    frame.columns = unique_names(names, lambda position: f"column {column_letter(positions[position])}")
    by_position = dict(zip(positions, frame.columns))
    frame = drop_empty(frame, generated)
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
            raise InputError(f"Sheet '{sheet}' is damaged ({short_reason(error)}).", name) from None
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
                column, row = column_index(reference.group(1).decode()), int(reference.group(2))
                if row > header_index + 1 and column in columns:
                    found.setdefault(columns[column], set()).add(row)
    return {column: sorted(rows) for column, rows in found.items()}
