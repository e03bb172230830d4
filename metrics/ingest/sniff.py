"""What kind of file an upload is, before any parser sees it: magic bytes, text encoding, CSV separator."""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field

import numpy as np

from metrics.errors import InputError
from metrics.ingest.header import is_text
from metrics.text import N_

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEAD_CHARS = 200_000
# A header line may be longer than HEAD_CHARS (12,500 columns of 20 characters is 250,000), up to 16,384
# columns (Excel's widest sheet) of 64 characters each; a longer first line is no table's header.
MAX_HEADER_LINE_CHARS = 16_384 * 64
CSV_SEPARATORS = ",;\t|"
# A multi-byte UTF-8 character: a Windows-1252 file almost never holds one by chance.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_UNDECODED = re.compile("[\udc80-\udcff]+")
# What a file that is no spreadsheet is, by its first bytes, and what to tell its owner.
BINARY_MAGICS = {
    b"%PDF": N_("This is not a spreadsheet: it is a PDF document. Upload an .xlsx or .csv file."),
    b"\x89PNG": N_("This is not a spreadsheet: it is a PNG image. Upload an .xlsx or .csv file."),
    b"\xff\xd8\xff": N_("This is not a spreadsheet: it is a JPEG image. Upload an .xlsx or .csv file."),
    b"GIF8": N_("This is not a spreadsheet: it is a GIF image. Upload an .xlsx or .csv file."),
    b"{\\rtf": N_("This is not a spreadsheet: it is an RTF document. Upload an .xlsx or .csv file."),
    b"\x1f\x8b": N_("This is not a spreadsheet: it is a gzip archive. Upload an .xlsx or .csv file."),
    b"Rar!": N_("This is not a spreadsheet: it is a RAR archive. Upload an .xlsx or .csv file."),
    b"7z\xbc\xaf": N_("This is not a spreadsheet: it is a 7-Zip archive. Upload an .xlsx or .csv file."),
}
ENCRYPTED = N_(
    "This workbook is encrypted (password-protected). Open it in Excel, remove the password under File › "
    "Info › Protect Workbook › Encrypt with Password, save, and upload it again."
)
WORD_DOCUMENT = N_("This is a Word document, not a spreadsheet. Upload an .xlsx or .csv file.")


def ole_message(lower: str, content: bytes) -> str:
    """What an OLE compound file holds: an encrypted workbook, a legacy .xls, or some other Office file."""
    streams = content[: 4 * 1024 * 1024]
    if "EncryptedPackage".encode("utf-16-le") in streams or "EncryptionInfo".encode("utf-16-le") in streams:
        return ENCRYPTED
    if "Workbook".encode("utf-16-le") in streams or "Book".encode("utf-16-le") in streams or lower.endswith(".xls"):
        return N_(
            "This is a legacy Excel 97–2003 (.xls) workbook. Open it in Excel and use File › Save As › Excel "
            "Workbook (.xlsx), then upload the .xlsx."
        )
    if "WordDocument".encode("utf-16-le") in streams:
        return WORD_DOCUMENT
    if lower.endswith((".xlsx", ".xlsm")):
        return ENCRYPTED
    return N_("This is not a spreadsheet Excel can save today. Save it as .xlsx or .csv and upload that.")


@dataclass
class Decoded:
    """A text file's characters, and how they were read."""

    text: str
    encoding: str  # 'utf-8', 'utf-8-sig', 'utf-16', 'utf-16-le', 'utf-16-be', 'cp1252' or 'mixed'
    exact_utf8: bool = False  # the bytes are valid UTF-8 and are the text as it stands: readers may take them
    repaired: list[int] = field(default_factory=list)  # 1-based lines read as Windows-1252 in a UTF-8 file


def decode_text(name: str, content: bytes) -> str:
    """Decode CSV bytes: BOMs first, then UTF-8, then the Windows code page Excel uses in Western Europe."""
    return decode(name, content).text


def decode(name: str, content: bytes) -> Decoded:
    """Decode CSV bytes (see decode_text). A file that is UTF-8 except for some lines, as when rows saved by
    Excel on Windows were pasted into a UTF-8 export, is read line by line: each line that is not UTF-8 is
    read as Windows-1252, and its number kept, so that 'Bjørn Ødegård' stays one rep."""
    if content.startswith(codecs.BOM_UTF16_LE) or content.startswith(codecs.BOM_UTF16_BE):
        return Decoded(content.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16")
    head = content[:4096]
    if b"\x00" in head and not content.startswith(codecs.BOM_UTF8):
        # UTF-16 without a BOM shows as every other byte zero; anything else with NULs is not text.
        even, odd = head[0::2], head[1::2]
        for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if zeros.count(0) > 0.3 * len(zeros) and others.count(0) < 0.05 * len(others):
                return Decoded(content.decode(encoding, errors="replace").lstrip("\ufeff"), encoding)
        raise InputError(N_("This is not a spreadsheet: it holds binary data. Upload an .xlsx or .csv file."), name)
    bom = content.startswith(codecs.BOM_UTF8)
    body = content[len(codecs.BOM_UTF8) :] if bom else content
    try:
        return Decoded(body.decode("utf-8").lstrip("\ufeff"), "utf-8-sig" if bom else "utf-8", exact_utf8=not bom)
    except UnicodeDecodeError as error:
        if error.start >= len(body) - 3 and len(body) > 3:
            # A character cut off at the very end: a truncated upload, read what is there.
            return Decoded(body.decode("utf-8", errors="replace").lstrip("\ufeff"), "utf-8-sig" if bom else "utf-8")
        if bom or _UTF8_SEQUENCE.search(body):
            return _by_line(body)
        return Decoded(body.decode("cp1252", errors="replace").lstrip("\ufeff"), "cp1252")


def _by_line(body: bytes) -> Decoded:
    """UTF-8 with some lines in Windows-1252: those lines, found by their undecodable bytes, are read again."""
    text = body.decode("utf-8", errors="surrogateescape")
    newline = "\n" if "\n" in text else "\r"
    parts, repaired, done, line = [], [], 0, 1
    for match in _UNDECODED.finditer(text):
        if match.start() < done:
            continue  # in a line already read again
        start = text.rfind(newline, 0, match.start()) + 1
        end = text.find(newline, match.end())
        end = len(text) if end < 0 else end
        line += text.count(newline, done, start)
        parts.append(text[done:start])
        parts.append(text[start:end].encode("utf-8", errors="surrogateescape").decode("cp1252", errors="replace"))
        repaired.append(line)
        done = end
    parts.append(text[done:])
    return Decoded("".join(parts).lstrip("\ufeff"), "mixed", repaired=repaired)


def looks_binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return control > max(2, len(sample) // 100) or sample.count("\ufffd") > max(8, len(sample) // 20)


def sniff_separator(text: str) -> str:
    """The separator that splits the lines into the most columns consistently.

    Lines above the table (a title) may have fewer fields; then the first line of full width must read
    like a header, not like data, so a one-column file of decimal commas ('1,5') stays one column.
    """
    head = text[: HEAD_CHARS + MAX_HEADER_LINE_CHARS]
    lines = [line for line in head.splitlines()[:60] if line.strip()]
    # When no separator splits the lines consistently, the file has one column: split it at nothing.
    best, best_key = next((s for s in CSV_SEPARATORS if s not in head), "\x1f"), (False, 1, 0.0)
    if not lines:
        return best
    for separator in CSV_SEPARATORS:
        try:
            rows = list(csv.reader(lines, delimiter=separator))
        except csv.Error:  # a field longer than csv allows: not split by this separator
            continue
        widths = [len(row) for row in rows]
        values, counts = np.unique(widths, return_counts=True)
        width = int(values[counts == counts.max()].max())
        start = widths.index(width)
        share = sum(w == width for w in widths[start:]) / len(widths[start:])
        if width < 2 or share < 0.6:
            continue
        header_like = all(is_text(cell) or not cell.strip() for cell in rows[start])
        if start > 0 and not header_like and widths[0] < 2:
            continue  # neither a header of its own width on top nor a header row: one column, split by accident
        key = (start == 0, width, share)
        if key > best_key:
            best, best_key = separator, key
    return best
