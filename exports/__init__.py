"""Exports a manager sends: the Excel report, the PDF summary for a board, each chart as a PNG and each
table as a CSV. No streamlit here: the pages and the CLI call the same functions.

    excel_report(analysis, language, currency, anonymised) -> bytes    exports.workbook
    pdf_summary(analysis, language, currency, anonymised) -> bytes     exports.pdf
    chart_png(chart, language) -> bytes                                exports.images
    table_csv(frame, language, titles, kinds, currency) -> bytes       exports.images
    write_report(analysis, fmt, language, path)                        a report to a file, for the CLI

An export reads names only from the analysis it is given: an anonymised analysis (the share view renames
reps and files before analysing) gives exports with no real name in them.
"""

from __future__ import annotations

import os
from pathlib import Path

from exports.images import chart_png, table_csv
from exports.pdf import pdf_summary
from exports.words import finding_text
from exports.workbook import excel_report
from i18n import Language, language as language_for
from metrics.analysis import Analysis

FORMATS = {"xlsx": excel_report, "pdf": pdf_summary}

__all__ = [
    "FORMATS",
    "chart_png",
    "excel_report",
    "finding_text",
    "pdf_summary",
    "report_bytes",
    "table_csv",
    "write_report",
]


def report_bytes(
    analysis: Analysis, fmt: str, language: Language | str, currency: str | None = None, anonymised: bool = False
) -> bytes:
    """The report in `fmt` ('xlsx' or 'pdf'); `language` a Language or its code ('en', 'nb')."""
    if fmt not in FORMATS:
        raise ValueError(f"no report in {fmt!r}: the formats are {', '.join(FORMATS)}")
    chosen = language if isinstance(language, Language) else language_for(language)
    return FORMATS[fmt](analysis, chosen, currency=currency, anonymised=anonymised)


def write_report(
    analysis: Analysis,
    fmt: str,
    language: Language | str,
    path: str | Path,
    currency: str | None = None,
    anonymised: bool = False,
) -> None:
    """Write the report the UI downloads to `path`, for `--format xlsx` / `--format pdf` and scheduled reports."""
    content, target = report_bytes(analysis, fmt, language, currency, anonymised), Path(path)
    # Written beside the target and renamed: a scheduled report never leaves a half-written file where the
    # last good one was.
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, target)
