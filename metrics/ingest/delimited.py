"""Read a CSV (or tab-separated) upload into one raw table of text cells.

Only the first lines are decoded and split in Python, to find the separator and the header; the rest goes to
Arrow's reader, or to pandas' when some lines don't fit the header, so that each can be reported by line.
"""
from __future__ import annotations

import csv
import io
import re
import warnings

import numpy as np
import pandas as pd

from metrics.errors import InputError
from metrics.ingest.frames import RawTable
from metrics.ingest.header import HEADER_SEARCH_ROWS, Header, detect_header, drop_empty, unique_names
from metrics.ingest.messages import short_reason
from metrics.ingest.sniff import HEAD_CHARS, decode_text, encoding_of, looks_binary, sniff_separator

_SKIPPED_LINE = re.compile(r"Skipping line (\d+)")


def text_in_disguise(name: str, content: bytes) -> RawTable | None:
    """A CSV or tab-separated export saved with an Excel name, as some CRMs do; None if it is not one."""
    try:
        text = decode_text(name, content[:HEAD_CHARS])
    except InputError:
        return None
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    separator = sniff_separator(text)
    if len(lines) < 2 or len(next(csv.reader([lines[0]], delimiter=separator))) < 2:
        return None
    table = read_csv(name, content)
    table.notes.append("This file has an Excel name but holds comma- or tab-separated text; it was read as CSV.")
    return table


def read_csv(name: str, content: bytes) -> RawTable:
    encoding = encoding_of(name, content)
    text = content.decode(encoding, errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise InputError("The file is empty. Export it again and upload the new file.", name)
    if looks_binary(text):
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
    names = unique_names(header.names + [None] * (width - len(header.names)), lambda position: f"column {position + 1}")
    generated = {n for n in names if re.fullmatch(r"column \d+", n)}
    header_lines = skip_lines + header.row + 1
    prefix = "".join(lines[:header_lines])
    data = content[len(prefix.encode("utf-8")):] if encoding == "utf-8" else text[len(prefix):].encode("utf-8")
    frame, row_numbers, skipped = _parse_csv(name, data, separator, names, header_lines)
    frame = drop_empty(frame, generated)
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
            raise InputError(f"The file could not be read as a table ({short_reason(error)}). Check that it is a CSV "
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
