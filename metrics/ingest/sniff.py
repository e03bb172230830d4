"""What kind of file an upload is, before any parser sees it: magic bytes, text encoding, CSV separator."""
from __future__ import annotations

import codecs
import csv

import numpy as np

from metrics.errors import InputError
from metrics.ingest.header import is_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEAD_CHARS = 200_000
CSV_SEPARATORS = ",;\t|"
BINARY_MAGICS = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
                 b"GIF8": "a GIF image", b"{\\rtf": "an RTF document", b"\x1f\x8b": "a gzip archive",
                 b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive"}


def ole_message(lower: str, content: bytes) -> str:
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


def decode_text(name: str, content: bytes) -> str:
    """Decode CSV bytes: BOMs first, then UTF-8, then the Windows code page Excel uses in Western Europe."""
    return content.decode(encoding_of(name, content), errors="replace").lstrip("\ufeff")


def encoding_of(name: str, content: bytes) -> str:
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


def looks_binary(text: str) -> bool:
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
        header_like = all(is_text(cell) or not cell.strip() for cell in rows[start])
        if start > 0 and not header_like and widths[0] < 2:
            continue  # neither a header of its own width on top nor a header row: one column, split by accident
        key = (start == 0, width, share)
        if key > best_key:
            best, best_key = separator, key
    return best
