"""Measure a workbook from its bytes before any parser opens it, and refuse one no spreadsheet could be.

fastexcel's reader (calamine, in Rust) builds each sheet as one dense block of rows × columns, 32 bytes a
cell, spanning every cell that holds a value: one cell at XFD1048576 asks for 512 GiB, and the failed
allocation aborts the whole process, which no `except` can catch. It learns how much an entry inflates to
only by inflating it. So one streaming pass over the zip inflates every entry here and counts what actually
comes out (never what the headers claim), and reads each sheet's cell references to find the block calamine
would build. The same pass collects the formulas without a saved result (xlsx.py reports them), so a sheet
is inflated here once.

The pass is fast because a sheet is checked, not parsed: a regular expression per chunk finds any cell tag
that is not the plain `<c r="B7" s="1">` kind within the largest row and column seen so far, and only a
chunk with such a tag is tokenised cell by cell, the way calamine places cells. A sheet's `<dimension>` is
read too, but only as a claim: calamine sizes nothing by it, so neither does this pass, beyond refusing one
no Excel sheet could have.
"""

from __future__ import annotations

import io
import queue
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

from metrics.errors import InputError
from metrics.ingest.progress import CHECKED, CHECKED_EVERY_ROWS, CHECKING, Progress, say
from metrics.ingest.sniff import ENCRYPTED, WORD_DOCUMENT
from metrics.text import N_, Message, listing

# Excel's own sheet: 1,048,576 rows and 16,384 columns (A..XFD). A reference past either is no Excel file.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# The block calamine allocates for one sheet: rows × columns of its used range, 32 bytes a cell there and
# about 100 bytes a cell for the whole read (measured). A full-height sheet of 16 columns: 512 MiB in
# calamine. A 1M-row export of 10 columns needs 10.5 million.
MAX_SHEET_CELLS = MAX_ROWS * 16
# All sheets together, so that 200 sheets each just under the limit are not read one after another.
MAX_WORKBOOK_CELLS = 2 * MAX_SHEET_CELLS
# What all entries inflate to together, counted from the deflate streams: a sheet at the cell limit is
# about 700 MB of XML (40 bytes a cell); a zip bomb is far beyond.
MAX_INFLATED_BYTES = 2 * 1024**3
# Sheets compress 5-20 times, the most repetitive 100 times; a zip bomb 1,000 times. The ratio counts only
# once an entry (or the whole workbook) has inflated to more than the floor.
MAX_COMPRESSION_RATIO = 200
RATIO_FLOOR_BYTES = 100 * 1024**2
# Entries in the zip: a workbook has a dozen plus two or three per sheet; Python's zip reader keeps each one.
MAX_ZIP_ENTRIES = 10_000
MAX_SHEETS = 256
# Distinct texts in the shared-strings table, each a separate string in calamine: one per cell at most.
MAX_SHARED_STRINGS = MAX_SHEET_CELLS
# The small parts read again after the pass; a larger one is measured but not kept.
METADATA_PARTS = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "docProps/app.xml",
)
KEPT_PART_BYTES = 16 * 1024**2
CHUNK_BYTES = 4 * 1024**2
PACKED_PIECE_BYTES = 1024**2
FIRST_CHUNK_BYTES = 64 * 1024  # a sheet's first chunk is always tokenised (nothing is known yet): keep it small
# An entry packed larger than this is inflated a few chunks ahead of its check, in a thread (see _ahead).
AHEAD_FROM_BYTES = 1024**2
AHEAD_CHUNKS = 2
TAIL_BYTES = 1024**2  # text longer than this without a tag is cut, keeping a little for a tag split at the cut
# XML checked tag by tag in Python (chunks the fast check can't pass), per workbook: about 15 seconds. Excel
# and the common writers never need it beyond a sheet's first chunk.
MAX_TOKENISED_BYTES = 128 * 1024**2

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
# Tags, found in linear time: no tag holds '<' (XML allows '>' in an attribute value, not '<').
_TAG_START = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(c|row|f|v)(?=[\s>/])")
_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?\w+((?:[^<>"']|"[^<"]*"|'[^<']*')*+)>""")
_REF = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"([A-Za-z]*)(\d*)")
_PLAIN_CELL = re.compile(rb'<c r="([A-Za-z]{1,3})(\d{1,12})"')
_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DIMENSION = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref\s*=\s*["']([^"']{0,64})""")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b")
_SHARED_STRING = (b"<si>", b"<si ", b":si>", b":si ")
# Each with a literal start, which runs fast. A namespace prefix on a cell, row or formula tag is rare: one search
# finds any, and only then is it told which.
_FORMULA = re.compile(rb"<f[\s>/]")
_PREFIXED = re.compile(rb":(?:c|row|f)[\s>/]")
_PREFIXED_CELL = re.compile(rb":(?:c|row)[\s>/]")
_PREFIXED_FORMULA = re.compile(rb":f[\s>/]")

DAMAGED = N_(
    "The workbook is damaged or was cut off while uploading. Open it in Excel, save it again, and upload the new file."
)
TOO_BIG = N_(
    "The workbook unpacks to far more data than a spreadsheet holds, so it was refused. Export the data "
    "as .csv and upload that instead."
)
TOO_MANY_SHEETS = N_(
    "The workbook has {sheets:count} sheets; this app reads at most {most:count}. Copy the sheets "
    "that hold your data into a new workbook and upload that."
)
SAVE_AGAIN = N_("The file was not saved by Excel, or it is damaged. Open it in Excel, save it again, and upload it.")


@dataclass
class SheetScan:
    """What one pass over a sheet's XML found."""

    rows: int = 0  # the largest row number of a cell that may hold a value (0: none)
    columns: int = 0  # the largest column number (1 is A)
    uncached_formulas: list[tuple[int, int]] = field(default_factory=list)  # (Excel row, 0-based column)
    dimension: str | None = None  # the range the sheet says it uses: a claim, never used to size anything

    @property
    def cells(self) -> int:
        return self.rows * self.columns


@dataclass
class Workbook:
    """A workbook that passed the checks: its zip, the small parts needed again, and each sheet's scan."""

    archive: zipfile.ZipFile
    parts: dict[str, bytes]  # those of METADATA_PARTS it has
    sheets: dict[str, str]  # sheet name → its part, from workbook.xml and its relationships
    scans: dict[str, SheetScan]  # part → what the pass found in it
    formula_results: str  # see formula_results
    tokenised_bytes: int = 0  # XML the pass had to check tag by tag (the rest passed the fast check)


class _Refused(Exception):
    """A sheet the scan refuses: a template whose {sheet} is the sheet ('Sheet 'Data'' or 'A sheet in the
    workbook'), its values, and whether the user is told to save the file again in Excel."""

    def __init__(self, template: str, save_again: bool = True, **values):
        super().__init__(template)
        self.template, self.save_again, self.values = template, save_again, values

    def message(self, sheet: str | None) -> Message:
        named = Message(N_("Sheet '{name}'"), {"name": sheet}) if sheet else Message(N_("A sheet in the workbook"))
        refused = Message(self.template, {**self.values, "sheet": named})
        return listing([refused, Message(SAVE_AGAIN)], "sentences") if self.save_again else refused


def check_workbook(name: str, content: bytes, progress: Progress | None = None) -> Workbook:
    """The workbook's zip once every entry and every sheet is within the limits; an InputError otherwise.
    `progress` hears that the check began, and the rows checked so far in a long sheet."""
    say(progress, CHECKING)
    _check_directory(name, content)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, struct.error):
        raise InputError(DAMAGED, name) from None
    names = {entry.filename for entry in entries}
    _check_kind(name, names)
    _check_claims(name, content, entries)
    budget = _Budget(name, len(content))
    parts: dict[str, bytes] = {}
    scans: dict[str, SheetScan] = {}
    for entry in entries:
        if entry.filename in METADATA_PARTS:
            parts[entry.filename], scans[entry.filename] = _read_entry(name, content, entry, budget, None, keep=True)
    workbook = parts.get("xl/workbook.xml", b"")
    sheet_count = len(_SHEET.findall(workbook))
    if sheet_count > MAX_SHEETS:
        raise InputError(TOO_MANY_SHEETS, name, sheets=sheet_count, most=MAX_SHEETS)
    sheets = sheet_parts(parts)
    trust = formula_results(parts, names)
    for entry in entries:
        if entry.filename in METADATA_PARTS:
            continue
        sheet = next((s for s, part in sheets.items() if part == entry.filename), None)
        formulas = None if sheet is None or trust == "calculated" else "all" if trust == "uncalculated" else "uncached"
        scans[entry.filename] = _read_entry(name, content, entry, budget, sheet, formulas=formulas, progress=progress)[
            1
        ]
    scans = {part: scan for part, scan in scans.items() if scan.cells}
    total = sum(scan.cells for scan in scans.values())
    if total > MAX_WORKBOOK_CELLS:
        raise InputError(
            N_(
                "The sheets of this workbook span {cells:count} cells together, more than the "
                "{most:count} this app reads. Upload a workbook with only the sheets that hold your "
                "data, or export them as .csv."
            ),
            name,
            cells=total,
            most=MAX_WORKBOOK_CELLS,
        )
    return Workbook(archive, parts, sheets, scans, trust, budget.tokenised)


def _check_directory(name: str, content: bytes) -> None:
    """The zip's central directory, from its end record, before Python's zip reader builds an object per entry."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 65_557))
    if end < 0 or end + _EOCD.size > len(content):
        raise InputError(DAMAGED, name)
    _, _, _, _, entries, directory_size, _, _ = _EOCD.unpack_from(content, end)
    locator = end - 20
    if (
        (entries == 0xFFFF or directory_size == 0xFFFFFFFF)
        and locator >= 0
        and content[locator : locator + 4] == b"PK\x06\x07"
    ):
        (offset,) = struct.unpack_from("<Q", content, locator + 8)
        if offset + _ZIP64_EOCD.size <= len(content) and content[offset : offset + 4] == b"PK\x06\x06":
            record = _ZIP64_EOCD.unpack_from(content, offset)
            entries, directory_size = record[7], record[8]
    if entries > MAX_ZIP_ENTRIES or directory_size > MAX_ZIP_ENTRIES * 1024:
        raise InputError(
            N_(
                "The workbook holds {entries:count} files inside it, far more than a spreadsheet has "
                "(at most {most:count} are read), so it was refused. Open it in Excel, save it again, "
                "and upload the new file."
            ),
            name,
            entries=entries,
            most=MAX_ZIP_ENTRIES,
        )


def _check_kind(name: str, names: set[str]) -> None:
    """A zip that is some other kind of document gets its own name."""
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        raise InputError(
            N_(
                "This is an Excel binary workbook (.xlsb), which this app can't read. Open it in Excel "
                "and use File › Save As › Excel Workbook (.xlsx), then upload the .xlsx."
            ),
            name,
        )
    if "word/document.xml" in names:
        raise InputError(WORD_DOCUMENT, name)
    if "ppt/presentation.xml" in names:
        raise InputError(
            N_("This is a PowerPoint presentation, not a spreadsheet. Upload an .xlsx or .csv file."), name
        )
    if "mimetype" in names or "content.xml" in names:
        raise InputError(
            N_("This is an OpenDocument file. Open it and save it as .xlsx or .csv, then upload that."), name
        )
    raise InputError(N_("This is a zip file but not an Excel workbook. Upload an .xlsx or .csv file."), name)


def _check_claims(name: str, content: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """What the zip says of itself: refused early when it says too much (the pass checks what is true)."""
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise InputError(ENCRYPTED, name)
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError(
                N_("The workbook is packed in a way Excel never writes. {save_again}"),
                name,
                save_again=Message(SAVE_AGAIN),
            )
    claimed = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if claimed > MAX_INFLATED_BYTES or claimed > RATIO_FLOOR_BYTES and claimed > MAX_COMPRESSION_RATIO * packed:
        raise InputError(TOO_BIG, name)


class _Budget:
    """The bytes inflated so far, against the workbook's limits."""

    def __init__(self, name: str, upload_bytes: int):
        self.name, self.upload_bytes, self.inflated, self.tokenised = name, upload_bytes, 0, 0

    def spend(self, entry: zipfile.ZipInfo, entry_bytes: int, more: int) -> None:
        self.inflated += more
        if (
            self.inflated > MAX_INFLATED_BYTES
            or self.inflated > RATIO_FLOOR_BYTES
            and (
                self.inflated > MAX_COMPRESSION_RATIO * self.upload_bytes
                or entry_bytes > MAX_COMPRESSION_RATIO * max(1, entry.compress_size)
            )
        ):
            raise InputError(TOO_BIG, self.name)

    def tokenise(self, size: int) -> None:
        self.tokenised += size
        if self.tokenised > MAX_TOKENISED_BYTES:
            raise _Refused(
                N_(
                    "{sheet} is written in a way that takes too long to check (cells without references, "
                    "or attributes Excel does not write)."
                )
            )


def _read_entry(
    name: str,
    content: bytes,
    entry: zipfile.ZipInfo,
    budget: _Budget,
    sheet: str | None,
    formulas: str | None = None,
    keep: bool = False,
    progress: Progress | None = None,
) -> tuple[bytes, SheetScan]:
    """Inflate one entry, counting it against the budget and scanning it as a sheet (any entry may be one:
    calamine follows the relationships, so the scan never relies on a part's name)."""
    scan = SheetScan()
    scanner = _SheetScanner(scan, formulas, budget)
    kept, size, strings, prolog = [], 0, 0, True
    told = CHECKED_EVERY_ROWS
    shared = entry.filename.lower().endswith("sharedstrings.xml")
    chunks = _inflate(content, entry)
    if entry.compress_size > AHEAD_FROM_BYTES:
        chunks = _ahead(chunks)
    try:
        for chunk in chunks:
            size += len(chunk)
            budget.spend(entry, size, len(chunk))
            if prolog:
                # A DOCTYPE can only come before the first element; Excel never writes one.
                start = _ELEMENT.search(chunk)
                if _DOCTYPE.search(chunk, 0, start.start() if start else len(chunk)):
                    raise InputError(
                        N_(
                            "The workbook holds XML declarations (a DOCTYPE) that Excel never writes "
                            "and that can be used to attack a server, so it was refused. {save_again}"
                        ),
                        name,
                        save_again=Message(SAVE_AGAIN),
                    )
                prolog = start is None
            if keep and size <= KEPT_PART_BYTES:
                kept.append(chunk)
            if shared:
                strings += sum(chunk.count(tag) for tag in _SHARED_STRING)
                if strings > MAX_SHARED_STRINGS:
                    raise InputError(
                        N_(
                            "The workbook holds more than {most:count} different texts, more than "
                            "this app reads. Export the data as .csv and upload that instead."
                        ),
                        name,
                        most=MAX_SHARED_STRINGS,
                    )
            scanner.feed(chunk)
            if sheet and progress and scan.rows >= told:
                say(progress, CHECKED, rows=scan.rows)
                told = (scan.rows // CHECKED_EVERY_ROWS + 1) * CHECKED_EVERY_ROWS
        scanner.finish()
    except _Refused as refusal:
        raise InputError(refusal.message(sheet), name) from None
    except (zlib.error, ValueError, struct.error):
        raise InputError(DAMAGED, name) from None
    finally:
        chunks.close()
    return b"".join(kept), scan


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


_END = object()


def _ahead(chunks):
    """The same chunks, each inflated in a thread while the one before is checked: zlib lets go of the
    interpreter while it inflates, so on two cores a large sheet's inflating (a quarter of the pass) overlaps
    its checking. At most AHEAD_CHUNKS wait, so a zip bomb inflates no further than that past its limit."""
    waiting: queue.Queue = queue.Queue(maxsize=AHEAD_CHUNKS)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def inflate() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_END)
        except BaseException as error:  # handed to the checking side, which raises it as its own
            put(_Failed(error))

    thread = threading.Thread(target=inflate, name="preflight-inflate", daemon=True)
    thread.start()
    try:
        while (item := waiting.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


def _inflate(content: bytes, entry: zipfile.ZipInfo):
    """The entry's bytes as they inflate, from its deflate stream alone: the sizes in the headers may lie."""
    start = entry.header_offset
    if start + _LOCAL_HEADER.size > len(content) or content[start : start + 4] != b"PK\x03\x04":
        raise ValueError("no local header")
    *_, name_length, extra_length = _LOCAL_HEADER.unpack_from(content, start)
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    packed = memoryview(content)[begin : begin + entry.compress_size]
    if entry.compress_type == zipfile.ZIP_STORED:
        yield bytes(packed[:FIRST_CHUNK_BYTES])
        for offset in range(FIRST_CHUNK_BYTES, len(packed), CHUNK_BYTES):
            yield bytes(packed[offset : offset + CHUNK_BYTES])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    limit = FIRST_CHUNK_BYTES
    # The input goes in pieces: what a limited call leaves unconsumed is copied, so it must stay small.
    for offset in range(0, len(packed), PACKED_PIECE_BYTES):
        data: bytes | memoryview = packed[offset : offset + PACKED_PIECE_BYTES]
        while data:
            chunk = inflater.decompress(data, limit)
            data = inflater.unconsumed_tail
            if chunk:
                yield chunk
                limit = CHUNK_BYTES
            if inflater.eof:
                return
    rest = inflater.flush()
    if rest:
        yield rest


class _SheetScanner:
    """Follows a sheet's XML chunk by chunk to the largest row and column holding a cell, placing cells the
    way calamine does: by a cell's reference (the last, if it has two), else just after the cell before it
    in the row; a row by its reference, else just after the row before."""

    def __init__(self, scan: SheetScan, formulas: str | None, budget: _Budget):
        self.scan, self.formulas, self.budget = scan, formulas, budget  # formulas: None, 'uncached' or 'all'
        self.tail = b""
        self.row = 0  # the current row tag's number (1-based; 0 before the first)
        self.column = 0  # the column of the row's last cell so far (1-based; 0 before the first)

    def feed(self, data: bytes) -> None:
        buffer = self.tail + data if self.tail else data
        # Cut before the last cell or row, so that the part checked holds whole cells (a formula and its
        # value); a text too long for that is cut anywhere, as no cell is placed by text.
        cut = max(buffer.rfind(b"<c"), buffer.rfind(b"<row"), buffer.rfind(b"</row"))
        if cut <= 0:
            cut = buffer.rfind(b"<")
        if cut <= 0 and len(buffer) > TAIL_BYTES:
            cut = len(buffer) - 64
        if cut <= 0:
            self.tail = buffer
            return
        self._check(buffer, cut)
        self.tail = buffer[cut:]

    def finish(self) -> None:
        self._check(self.tail, len(self.tail))
        self.tail = b""

    def _check(self, xml: bytes, end: int) -> None:
        scan = self.scan
        if scan.dimension is None and (claim := _DIMENSION.search(xml, 0, end)):
            scan.dimension = claim.group(1).decode("latin-1")
            _check_dimension(scan.dimension)
        rows = scan.rows
        closed = xml.rfind(b"</c>", 0, end)
        last_cell = xml.rfind(b'<c r="', 0, closed) if closed >= 0 else -1
        found = _PLAIN_CELL.match(xml, last_cell) if last_cell >= 0 else None
        if found:
            rows = max(rows, _row_number(found.group(2)))
        row_tag, row = _last_row(xml, end)
        prefixed = _PREFIXED.search(xml, 0, end) is not None
        if (
            rows <= MAX_ROWS
            and scan.columns
            and row is not None
            and not _unusual(rows, scan.columns).search(xml, 0, end)
            and not (prefixed and _PREFIXED_CELL.search(xml, 0, end))
        ):
            # Every cell is the plain kind, within these bounds: the last cell with a value sits in the largest
            # row, and no cell lies beyond the columns already seen. A row tag only places the cells without
            # a reference that may follow in the next chunk: the last one is read whole.
            scan.rows = rows
            _check_cells(scan)
            if row_tag >= 0:
                self.row, self.column = row, 0
            cell = xml.rfind(b'<c r="', 0, end)
            if cell > row_tag:
                plain = _PLAIN_CELL.match(xml, cell)
                if plain is None:
                    raise ValueError("a cell reference Excel never writes")
                self.column = _column_number(plain.group(1))
            if self.formulas and (_FORMULA.search(xml, 0, end) or prefixed and _PREFIXED_FORMULA.search(xml, 0, end)):
                self._tokenise(xml, end, cells=False)
        else:
            self.budget.tokenise(end)
            self._tokenise(xml, end, cells=True)

    def _tokenise(self, xml: bytes, end: int, cells: bool) -> None:
        """Every cell and row tag in order: with `cells`, placing each cell and checking the bounds; with
        formulas wanted, noting the cells that hold one without a saved value."""
        scan = self.scan
        cell = None  # (row, column) of the cell being read, for the formula check
        formula = value = False
        for start in _TAG_START.finditer(xml, 0, end):
            closing, name = start.group(1), start.group(2)
            if closing or name in (b"f", b"v"):
                if name == b"c" and closing:
                    self._note_formula(cell, formula, value)
                    cell = None
                elif cell is not None and not closing:
                    formula = formula or name == b"f"
                    value = value or name == b"v" and _holds_text(xml, start.end(), end)
                continue
            tag = _TAG.match(xml, start.start(), end)
            if tag is None:
                raise _Refused(N_("{sheet} is damaged: a cell or row is not closed."))
            references = [a or b for a, b in _REF.findall(b" " + tag.group(1))]
            if name == b"row":
                self.row = _row_number(references[-1]) if references else self.row + 1
                self.column = 0
                continue
            self._note_formula(cell, formula, value)
            if references:
                parts = _CELL_REF.fullmatch(references[-1])
                if parts is None or not parts.group(1) or len(parts.group(1)) > 3:
                    raise _Refused(
                        N_("{sheet} has a cell beyond column XFD, the last one Excel has (at {cell})."),
                        cell=references[-1][:20].decode("latin-1"),
                    )
                self.column = _column_number(parts.group(1))
                row = _row_number(parts.group(2)) if parts.group(2) else self.row
            else:
                self.column += 1
                row = self.row
            empty = tag.group(1).endswith(b"/")  # formatting only: calamine leaves it out of the block
            cell, formula, value = (None if empty else (row, self.column)), False, False
            if not cells:
                continue
            if self.column > MAX_COLUMNS:
                raise _Refused(N_("{sheet} has a cell beyond column XFD, the last one Excel has."))
            if row > MAX_ROWS:
                raise _Refused(N_("{sheet} has a cell below row {last:count}, the last one Excel has."), last=MAX_ROWS)
            if not empty:
                scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, self.column)
                _check_cells(scan)
        self._note_formula(cell, formula, value)

    def _note_formula(self, cell: tuple[int, int] | None, formula: bool, value: bool) -> None:
        """A cell with a formula whose value was never saved (with 'all', any formula: its value is a
        placeholder)."""
        if cell and formula and self.formulas and (self.formulas == "all" or not value):
            self.scan.uncached_formulas.append((cell[0], cell[1] - 1))


def _last_row(xml: bytes, end: int) -> tuple[int, int | None]:
    """The position of the chunk's last row tag (-1: none) and its row number, from its last reference
    (None when it has none: then rows are counted, and the chunk must be tokenised)."""
    position = end
    while (position := xml.rfind(b"<row", 0, position)) >= 0:
        if xml[position + 4 : position + 5] in (b" ", b"\t", b"\n", b"\r", b">", b"/"):
            tag = _TAG.match(xml, position, end)
            references = [a or b for a, b in _REF.findall(b" " + tag.group(1))] if tag else []
            return position, _row_number(references[-1]) if references else None
    return -1, 0


def _holds_text(xml: bytes, position: int, end: int) -> bool:
    """Whether the element whose name ends at `position` holds text: '<v>12</v>', not '<v></v>' or '<v/>'."""
    close = xml.find(b">", position, end)
    return close >= 0 and xml[close - 1 : close] != b"/" and xml[close + 1 : close + 2] not in (b"<", b"")


def _check_dimension(dimension: str) -> None:
    """A sheet that says it reaches beyond Excel's grid was not written by Excel."""
    for corner in dimension.split(":"):
        parts = _CELL_REF.fullmatch(corner.encode("latin-1"))
        if (
            parts is None
            or len(parts.group(1)) > 3
            or parts.group(1)
            and _column_number(parts.group(1)) > MAX_COLUMNS
            or parts.group(2)
            and _row_number(parts.group(2)) > MAX_ROWS
        ):
            raise _Refused(
                N_("{sheet} says it reaches to {dimension}, beyond Excel's last column (XFD) or row ({last:count})."),
                dimension=dimension[:40],
                last=MAX_ROWS,
            )


def _check_cells(scan: SheetScan) -> None:
    if scan.cells > MAX_SHEET_CELLS:
        raise _Refused(
            N_(
                "{sheet} spans {rows:count} rows × {columns:count} columns (to cell {cell}): {cells:count} cells, more "
                "than the {most:count} this app reads. One value far from the data, even a space, makes a sheet that "
                "large. Delete the rows and columns beyond your data (or copy the data into a new sheet), save, and "
                "upload it again."
            ),
            save_again=False,
            rows=scan.rows,
            columns=scan.columns,
            cell=f"{column_letters(scan.columns)}{scan.rows}",
            cells=scan.cells,
            most=MAX_SHEET_CELLS,
        )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _row_number(digits: bytes) -> int:
    return int(digits) if digits.isdigit() and len(digits) <= 12 else MAX_ROWS + 1


def column_letters(number: int) -> str:
    """'XFD' for 16384: the letters of a 1-based column number."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=64)
def _unusual(rows: int, columns: int) -> re.Pattern:
    """A pattern that finds a cell tag other than the plain kind within `rows` and `columns`: the plain kind
    has its reference first and no second one (calamine takes the last), and only the attributes a cell
    has, `<c r="B7" s="1" t="s">`. Anything else (a reference beyond the bounds, none, two) is found, and the
    chunk tokenised; so is a namespace prefix on a cell or row (_PREFIXED_CELL, a pattern of its own: two
    patterns, each with a literal start, run faster than one)."""
    cell = _at_most(column_letters(columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + _at_most(str(rows), "0123456789")
    rest = rb"""(?: (?:s|t|cm|vm|ph)="[^"<>]*+")*+/?>"""
    return re.compile(rb'<c(?: (?!r="' + cell + rb'"' + rest + rb")|[>/\t\n\r])")


def _at_most(limit: str, alphabet: str) -> bytes:
    """A regular expression for the strings over `alphabet` (in order; for digits, without a leading zero)
    that come at or before `limit` when shorter strings come first: '12' gives 1..12, 'C' gives A..C. The
    quantifiers are possessive: what follows (a quote, a digit) never belongs to the string."""

    def span(low: int, high: int) -> str:
        return "[" + "".join(f"{c}{c.lower()}" if c.isalpha() else c for c in alphabet[low : high + 1]) + "]"

    first, last = (1 if alphabet[0] == "0" else 0), len(alphabet) - 1
    choices = []
    if len(limit) > 1:
        choices.append(span(first, last) + span(0, last) + f"{{0,{len(limit) - 2}}}+")
    for position, symbol in enumerate(limit):
        rest = len(limit) - position - 1
        low = first if position == 0 else 0
        top = alphabet.index(symbol) - (1 if rest else 0)  # the last symbol may equal the limit's own
        if top >= low:
            prefix = "".join(span(alphabet.index(c), alphabet.index(c)) for c in limit[:position])
            choices.append(prefix + span(low, top) + (span(0, last) + f"{{{rest}}}" if rest else ""))
    return ("(?:" + "|".join(choices) + ")").encode()


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → the worksheet's part in the zip, from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
        relations = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    except Exception:  # a workbook without readable parts: fastexcel's own reading decides
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations if local_name(rel.tag) == "Relationship"}
    found = {}
    for element in workbook.iter():
        if local_name(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if local_name(k) == "id"), None)
        target = targets.get(rel_id)
        if target:
            found[element.get("name")] = (
                target.lstrip("/") if target.startswith("/") else "xl/" + target.replace("../", "")
            )
    return found


def local_name(tag: str) -> str:
    """'sheet' for '{http://...main}sheet'."""
    return tag.rsplit("}", 1)[-1]


def formula_results(parts: dict[str, bytes], names: set[str]) -> str:
    """Whether a workbook's formula cells hold calculated results: 'calculated' when Excel saved it,
    'uncalculated' when it asks to be calculated on opening (XlsxWriter writes 0 as every result), else
    'unknown'."""
    workbook = parts.get("xl/workbook.xml", b"")[: 1024 * 1024]
    properties = parts.get("docProps/app.xml", b"")[: 64 * 1024]
    if re.search(rb'fullCalcOnLoad="(?:1|true)"', workbook):
        return "uncalculated"
    if (
        re.search(rb"<(?:\w+:)?Application>Microsoft Excel</(?:\w+:)?Application>", properties)
        and "xl/calcChain.xml" in names
    ):
        return "calculated"
    return "unknown"
