"""Read a CSV (or tab-separated) upload into one raw table of text cells.

Only the first lines are decoded and split in Python, to find the separator and the header; the rest goes to
Arrow's reader in one pass. Lines that don't fit the header are handed back by Arrow one by one: a short one
is padded and kept, a long one is reported by its line, and a file where most lines are long is refused as
soon as that is clear, so no file costs more than one pass.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.errors import InputError
from metrics.ingest.frames import RawTable
from metrics.ingest.header import HEADER_SEARCH_ROWS, Header, detect_header, drop_empty, unique_names
from metrics.ingest.progress import READING_FILE, ROWS_READ, Progress, say
from metrics.ingest.sniff import HEAD_CHARS, MAX_HEADER_LINE_CHARS, decode, decode_text, looks_binary, sniff_separator
from metrics.text import N_, Message

log = logging.getLogger(__name__)
HEAD_LINES = HEADER_SEARCH_ROWS + 30
# Lines with more cells than the header are reported one by one: at most this many, and never more than
# half of the lines read once a thousand have been.
MAX_LONG_LINES = 100_000
MOSTLY_LONG_AFTER = 1_000
BLOCK_BYTES = 8 * 1024 * 1024  # Arrow's unit of reading; a quoted value longer than one is read again in one
# What strip() would keep, found without copying the file.
_NON_BLANK = re.compile(rb"[^ \t\n\r\x0b\x0c]")
_NON_BLANK_TEXT = re.compile(r"\S")
LONG_LINE = N_("row has more cells than the header (a separator inside a value without quotes?)")
RECODED_LINE = N_("line in Windows-1252, not UTF-8 like the rest of the file (its letters were read as Windows-1252)")
NOT_A_TABLE = N_(
    "The file could not be read as a table. Check that it is a CSV export from Excel or your CRM, or "
    "save it from Excel as CSV UTF-8 and upload that."
)


def text_in_disguise(name: str, content: bytes, progress: Progress | None = None) -> RawTable | None:
    """A CSV or tab-separated export saved with an Excel name, as some CRMs do; None if it is not one."""
    try:
        text = decode_text(name, content[:HEAD_CHARS])
    except InputError:
        return None
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    separator = sniff_separator(text)
    if len(lines) < 2 or len(next(csv.reader([lines[0]], delimiter=separator))) < 2:
        return None
    table = read_csv(name, content, progress)
    table.notes.append(
        Message(N_("This file has an Excel name but holds comma- or tab-separated text; it was read as CSV."))
    )
    return table


def read_csv(name: str, content: bytes, progress: Progress | None = None) -> RawTable:
    say(progress, READING_FILE)
    decoded = decode(name, content)
    text, exact = decoded.text, decoded.exact_utf8
    if not _NON_BLANK_TEXT.search(text):
        raise InputError(N_("The file is empty. Export it again and upload the new file."), name)
    if looks_binary(text):
        raise InputError(
            N_("This is not a spreadsheet: it holds binary data, not text. Upload an .xlsx or .csv file."), name
        )
    if "\r" in text[:HEAD_CHARS] and "\n" not in text[:HEAD_CHARS]:
        # Lines ended by a carriage return alone, as Excel for Mac's "CSV (Macintosh)" writes them.
        text, exact = text.replace("\r", "\n"), False
    lines = _head_lines(name, text)
    skip_lines = 0
    declared = re.fullmatch(r'"?sep=(.)"?[\r\n]*', lines[0]) if lines else None
    if declared:  # Excel's own hint on the first line: sep=;
        separator, skip_lines = declared.group(1), 1
    else:
        separator = sniff_separator("".join(lines))
    try:
        rows = list(csv.reader(lines[skip_lines : skip_lines + HEADER_SEARCH_ROWS], delimiter=separator))
    except csv.Error as error:
        log.info("csv could not split the first lines of %r: %s", name, error)
        raise InputError(
            N_(
                "The file's first lines could not be split into cells (a cell there may be longer than "
                "{longest:count} characters). {not_a_table}"
            ),
            name,
            longest=131_072,
            not_a_table=Message(NOT_A_TABLE),
        ) from None
    header = detect_header(rows) if rows else Header(0, ["column 1"])
    # Rows ending in empty cells ('a;b;c;') widen the table, and so do values most rows have beyond the
    # header (a column nobody named); a few rows with more values than the header don't.
    data_widths = [len(row) for row in rows[header.row + 1 :] if row]
    widened = data_widths and sorted(data_widths)[len(data_widths) // 2] > len(header.names)
    width = max(
        [len(header.names)]
        + [
            len(row)
            for row in rows[header.row + 1 :]
            if widened or not any(cell.strip() for cell in row[len(header.names) :])
        ]
    )
    names = unique_names(header.names + [None] * (width - len(header.names)), lambda position: f"column {position + 1}")
    generated = {n for n in names if re.fullmatch(r"column \d+", n)}
    header_lines = skip_lines + header.row + 1
    prefix = "".join(lines[:header_lines])
    data = content[len(prefix.encode("utf-8")) :] if exact else text[len(prefix) :].encode("utf-8")
    parsed = _parse_csv(name, data, separator, names, header_lines)
    frame = drop_empty(parsed.frame, generated)
    if not len(frame.columns):
        raise InputError(
            N_("The file holds no table: no header and no values. Export it again and upload the new file."), name
        )
    table = RawTable(
        name,
        None,
        frame,
        header_lines,
        decimal_comma=separator == ";",
        row_numbers=parsed.row_numbers,
        skipped=parsed.skipped,
    )
    recoded = [line for line in decoded.repaired if line > header_lines]
    if recoded:
        table.repaired[RECODED_LINE] = recoded
    if len(recoded) < len(decoded.repaired):
        table.notes.append(
            Message(
                N_("The header is in Windows-1252, not UTF-8 like the rest of the file; it was read as Windows-1252.")
            )
        )
    say(progress, ROWS_READ, rows=len(frame) + (len(parsed.skipped) if parsed.skipped is not None else 0))
    return table


def _head_lines(name: str, text: str) -> list[str]:
    """The first lines, whole, with their line ends: up to HEAD_LINES of them, until HEAD_CHARS characters
    are passed; the line that passes them is still taken whole, up to MAX_HEADER_LINE_CHARS."""
    lines: list[str] = []
    position = 0
    while len(lines) < HEAD_LINES and position < len(text) and (position < HEAD_CHARS or not lines):
        end = text.find("\n", position, position + MAX_HEADER_LINE_CHARS + 1)
        if end < 0 and len(text) - position > MAX_HEADER_LINE_CHARS:
            if any(line.strip() for line in lines):
                break  # a long line below the header: Arrow reads it with the rest
            raise InputError(
                N_(
                    "The first line of the file is longer than {longest:count} characters, so it is no "
                    "table's header (Excel's widest sheet, {columns:count} columns of {width:count} "
                    "characters, is shorter). {not_a_table}"
                ),
                name,
                longest=MAX_HEADER_LINE_CHARS,
                columns=16_384,
                width=64,
                not_a_table=Message(NOT_A_TABLE),
            )
        end = len(text) if end < 0 else end + 1
        lines.append(text[position:end])
        position = end
    return lines


@dataclass
class _Parsed:
    frame: pd.DataFrame
    row_numbers: np.ndarray | None = None  # file line of each row, when not header line + 1 + position
    skipped: pd.DataFrame | None = None  # row, reason, line: lines with more cells than the header


@dataclass
class _Misfits:
    """The lines Arrow could not fit to the header, as it hands them back: logical row number and text."""

    short: list[tuple[int, str]] = field(default_factory=list)
    long: list[tuple[int, str]] = field(default_factory=list)
    refused: Message | None = None

    def handle(self, row) -> str:
        if row.actual_columns < row.expected_columns:
            self.short.append((row.number, row.text))
            return "skip"
        self.long.append((row.number, row.text))
        if len(self.long) > MAX_LONG_LINES:
            self.refused = Message(
                N_("More than {most:count} lines of the file have more cells than its header, so it was not read."),
                {"most": MAX_LONG_LINES},
            )
        elif row.number >= MOSTLY_LONG_AFTER and 2 * len(self.long) > row.number:
            self.refused = Message(
                N_(
                    "Most lines of the file ({long:count} of the first {lines:count}) have more "
                    "cells than its header, so it can't be read as a table."
                ),
                {"long": len(self.long), "lines": row.number},
            )
        return "error" if self.refused else "skip"


def _arrow_read(data: bytes, separator: str, names: list[str], block_size: int, threads: bool, handler):
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    return arrow_csv.read_csv(
        io.BytesIO(data),
        read_options=arrow_csv.ReadOptions(column_names=names, block_size=block_size, use_threads=threads),
        parse_options=arrow_csv.ParseOptions(
            delimiter=separator, newlines_in_values=b'"' in data, invalid_row_handler=handler
        ),
        convert_options=arrow_csv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )


def _parse_csv(name: str, data: bytes, separator: str, names: list[str], header_lines: int) -> _Parsed:
    """The rows below the header as text, with the file line of each row when lines were left out.

    Arrow first reads with every core, stopping at the first line that doesn't fit the header; a file with
    such lines is read again in one thread, where each misfit comes with its row number.
    """
    import pyarrow as pa

    if not _NON_BLANK.search(data):
        return _Parsed(pd.DataFrame({n: pd.Series(dtype="str") for n in names}))
    try:
        table, misfits = _arrow_read(data, separator, names, BLOCK_BYTES, True, lambda row: "error"), _Misfits()
    except (pa.ArrowInvalid, pa.ArrowException):  # a misfit, or a quoted value longer than a block
        table, misfits = _careful_read(name, data, separator, names)
    frame = table.to_pandas()
    if not misfits.short and not misfits.long:
        if b"\n\n" not in data and b"\n\r\n" not in data:
            return _Parsed(frame)
        lines = _nonblank_lines(data, header_lines)
        return _Parsed(frame, lines if len(lines) == len(frame) else None)
    return _with_misfits(frame, misfits, data, separator, names, header_lines)


def _careful_read(name: str, data: bytes, separator: str, names: list[str]):
    """The table and its misfits, read in one thread (each misfit with its row number), in blocks of
    BLOCK_BYTES and, if a quoted value is longer than that, in one block."""
    import pyarrow as pa

    for block_size in (BLOCK_BYTES, len(data) + 1):
        misfits = _Misfits()
        try:
            return _arrow_read(data, separator, names, block_size, False, misfits.handle), misfits
        except (pa.ArrowInvalid, pa.ArrowException) as error:
            if misfits.refused:
                raise InputError(
                    N_(
                        "{refused} Check the separator: values may hold commas or semicolons without "
                        "quotes around them. Export the file again, or save it from Excel as CSV UTF-8, "
                        "and upload that."
                    ),
                    name,
                    refused=misfits.refused,
                ) from None
            # A quoted value longer than a block: read again in one block; anything else is no table.
            log.info("arrow could not read %r with blocks of %d bytes: %s", name, block_size, error)
    raise InputError(NOT_A_TABLE, name)


def _with_misfits(
    frame: pd.DataFrame, misfits: _Misfits, data: bytes, separator: str, names: list[str], header_lines: int
) -> _Parsed:
    """Short lines padded with blanks and put back in their place; long ones listed with their file line."""
    rows = len(frame) + len(misfits.short) + len(misfits.long)
    short = np.asarray([number for number, _ in misfits.short], dtype="int64")
    long = np.asarray([number for number, _ in misfits.long], dtype="int64")
    kept = np.setdiff1d(np.arange(1, rows + 1), long)  # logical rows in the frame, once short ones are back
    if len(short):
        cells = list(csv.reader([text for _, text in misfits.short], delimiter=separator))
        padded = pd.DataFrame([(row + [None] * len(names))[: len(names)] for row in cells], columns=names, dtype="str")
        padded = padded.mask(padded == "")
        numbers = np.concatenate([np.setdiff1d(kept, short), short])
        frame = pd.concat([frame, padded], ignore_index=True).iloc[np.argsort(numbers, kind="stable")]
        frame = frame.reset_index(drop=True)
    lines = _nonblank_lines(data, header_lines)
    if len(lines) != rows:  # values spanning lines: the logical row stands in for the line
        lines = header_lines + np.arange(1, rows + 1)
    skipped = (
        pd.DataFrame({"row": lines[long - 1], "reason": LONG_LINE, "line": [text for _, text in misfits.long]})
        if len(long)
        else None
    )
    return _Parsed(frame, lines[kept - 1], skipped)


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
