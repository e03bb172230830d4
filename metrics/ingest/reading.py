"""Turn uploaded bytes into raw tables: one per CSV, one per non-empty worksheet.

Every file is treated as hostile: the container is checked before a parser sees it, and every failure
becomes an InputError that names the file and says what to do.

Every cell is read as text, so that a column's values keep their own spelling and no reader guesses a
type for a column from its first rows and blanks out the rest; metrics.ingest.values turns the text into
dates and numbers, column by column.
"""

from __future__ import annotations

import re

from metrics.errors import InputError
from metrics.ingest.delimited import read_csv, text_in_disguise
from metrics.ingest.frames import RawFile, RawTable, Upload
from metrics.ingest.progress import Progress
from metrics.ingest.sniff import BINARY_MAGICS, OLE_MAGIC, ZIP_MAGIC, ole_message
from metrics.ingest.xlsx import read_workbook
from metrics.text import N_

_CONTENT = re.compile(rb"[^ \t\r\n\x00]")  # a byte that is not blank, found without copying the file


def read(upload: Upload, progress: Progress | None = None) -> RawFile:
    """Read one upload into raw tables, or the error that says why it can't be read. `progress` is called
    with each step of a large file's reading (metrics.ingest.progress)."""
    try:
        return RawFile(upload.name, read_tables(upload.name, upload.content, progress))
    except InputError as error:
        return RawFile(upload.name, [], error)


def read_tables(name: str, content: bytes, progress: Progress | None = None) -> list[RawTable]:
    """Read every table in an uploaded .xlsx or .csv file."""
    if not _CONTENT.search(content):
        raise InputError(N_("The file is empty. Export it again and upload the new file."), name)
    lower = name.lower()
    if content.startswith(OLE_MAGIC):
        raise InputError(ole_message(lower, content), name)
    if content.startswith(ZIP_MAGIC):
        return read_workbook(name, content, progress)
    for magic, refusal in BINARY_MAGICS.items():
        if content.startswith(magic):
            raise InputError(refusal, name)
    start = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        raise InputError(
            N_(
                "This is a web page (HTML) with a .xls or .csv name, as some CRMs export it. Open it in "
                "Excel and use File › Save As › Excel Workbook (.xlsx), then upload the .xlsx."
            ),
            name,
        )
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in content[:4096]:
        raise InputError(
            N_(
                "This is an Excel 2003 XML spreadsheet. Open it in Excel and use File › Save As › Excel "
                "Workbook (.xlsx), then upload the .xlsx."
            ),
            name,
        )
    if lower.endswith((".xlsx", ".xlsm")):
        table = text_in_disguise(name, content, progress)
        if table is None:
            raise InputError(
                N_(
                    "The workbook is damaged or was cut off while uploading: it is not a complete .xlsx "
                    "file. Open it in Excel, save it again, and upload the new file."
                ),
                name,
            )
        return [table]
    if lower.endswith(".xls"):
        table = text_in_disguise(name, content, progress)
        if table is None:
            raise InputError(
                N_(
                    "This .xls file can't be read. Open it in Excel and use File › Save As › Excel "
                    "Workbook (.xlsx), then upload the .xlsx."
                ),
                name,
            )
        return [table]
    if lower.endswith((".xlsb", ".ods", ".numbers")):
        raise InputError(N_("This file type can't be read. Save it as .xlsx or .csv and upload that."), name)
    return [read_csv(name, content, progress)]
