"""The Excel report a manager sends: a summary, the per-rep table, the leaks, the activity mix, the trend
and the key charts, in the report's language.

Numbers are stored as numbers under a number format (thousands, percent, currency, dates), so that they
sort, sum and chart in Excel; each table sheet has its header frozen, an autofilter and widths to fit.
Every text cell, headers and sentences included, is neutralised as metrics.report does for downloads: a
rep called '=HYPERLINK(…)' stays text.
"""

from __future__ import annotations

import io
import math
import re
from functools import cache

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports import images
from exports.words import (
    KPI_KINDS,
    TITLE,
    Words,
    comparison_line,
    finding_text,
    flag_promise,
    header_lines,
    kpi_rows,
    neutralised,
    nothing_stands_out,
    sentence,
    status_counts,
)
from i18n import N_, Language, language as language_for
from metrics.analysis import Analysis
from metrics.diagnostics import QUADRANT_LABELS
from views import tables

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
RULE = Border(bottom=Side(style="thin", color="8EA9C1"))
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 48  # characters: a longer text wraps rather than push the next column off the screen
SUMMARY_WIDTHS = (30, 18, 18, 14, 18, 16)  # the summary's columns A–F: labels, then the KPI table
# Excel's own codes for each kind of column in views.tables; Excel shows them in the reader's separators.
FORMATS = {
    "count": "#,##0",
    "whole": "#,##0",
    "effort": "#,##0.0",
    "rate": "0.0%",
    "p": "0.0000",
    "decimal": "0.00",
    "month": "mmm yyyy",
    "change": "+0.0%;-0.0%;0.0%",
}
DATE_FORMATS = {"en": "d mmm yyyy", "nb": "dd.mm.yyyy"}  # as i18n.DATE_PATTERNS writes a day
CHANGE_FORMAT = FORMATS["change"]
CHART_TITLES = {
    "quadrant": N_("Who is busy but not converting"),
    "funnel_plot": N_("Funnel plot"),
    "trend": N_("Trends"),
}
ROW_PIXELS = 20  # a default row's height on screen, to stack the chart images without overlap


@cache
def money_format(code: str, currency: str | None) -> str:
    """The currency's number format as the language writes an amount: '#,##0" kr"' or '"US$"#,##0'."""
    sample = language_for(code).money(1234567, currency)
    digits = re.search(r"\d[\d\s.,\u00a0\u202f]*\d", sample)
    if digits is None:  # a language that writes no digits: the amount as a plain number
        return "#,##0"
    before, after = (f'"{text}"' if text else "" for text in (sample[: digits.start()], sample[digits.end() :]))
    return before + "#,##0" + after


def number_format(kind: str, language: Language, currency: str | None = None) -> str | None:
    if kind == "money":
        return money_format(language.code, currency)
    if kind == "date":
        return DATE_FORMATS[language.code]
    return FORMATS.get(kind)


def cell_value(value, language: Language):
    """What a cell stores: numbers and dates as themselves, yes/no in words, text neutralised."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return language.gettext("yes") if value else language.gettext("no")
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, str):
        return text_cell(value)
    return value


def text_cell(text: str) -> str:
    """Text as a cell holds it: neutralised, and without the control characters XML can't carry (a rep
    name with a bell in it would otherwise stop the whole report)."""
    return neutralised(ILLEGAL_CHARACTERS_RE.sub(" ", text))


def write_table(
    sheet: Worksheet,
    frame: pd.DataFrame,
    language: Language,
    currency: str | None = None,
    titles: dict[str, str] | None = None,
    kinds: dict[str, str] | None = None,
) -> None:
    """The frame from A1 down under its screen titles: header frozen and filtered, each column's number
    format by its kind, widths to fit."""
    kinds = kinds or {}
    sheet.append([text_cell(tables.title(column, language, titles)) for column in frame.columns])
    for cell in sheet[1]:
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, RULE
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in frame.itertuples(index=False):
        sheet.append([cell_value(value, language) for value in row])
    for position, column in enumerate(frame.columns, start=1):
        kind = kinds.get(column) or tables.kind(frame, column)
        if kind == "effort" and _whole(frame[column]):
            kind = "count"
        code = number_format(kind, language, currency)
        letter = get_column_letter(position)
        if code:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = code
        sheet.column_dimensions[letter].width = _width(frame[column], sheet.cell(1, position).value, kind)
    sheet.freeze_panes = "B2"  # the header, and the first column, which names the row
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(len(frame) + 1, 2)}"


def _whole(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    return bool(len(numbers)) and bool((numbers == numbers.round()).all())


def _width(values: pd.Series, header: str, kind: str) -> float:
    """Characters wide enough for the header's longest word and the column's values."""
    longest_word = max((len(word) for word in str(header).split()), default=4)
    if kind == "text" or values.dtype == object or pd.api.types.is_string_dtype(values):
        texts = values.dropna().astype(str)
        shown = int(texts.str.len().max()) if len(texts) else 4
    else:
        shown = {"money": 14, "date": 12, "month": 10, "p": 8, "rate": 8}.get(kind, 10)
    return float(min(MAX_WIDTH, max(longest_word + 2, shown + 2, 8)))


# ------------------------------------------------------------------------------------------------ tables


def rep_frame(analysis: Analysis, language: Language) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every chosen rep with their flag, quadrant, effort, results, rates, p-values and expected values,
    flagged reps first, then by fair rate; and the columns' titles."""
    reps = analysis.reps().merge(analysis.expected, on="rep", how="left")
    reps = reps.assign(order=~reps["flagged"]).sort_values(
        ["order", "shrunk_conversion"], ascending=[True, False], na_position="last"
    )
    columns = [
        "rep",
        "team",
        "status",
        "flagged",
        "quadrant",
        "effort",
        "won",
        "expected_won",
        "revenue",
        "expected_revenue",
        "gap",
        "conversion",
        "conversion_low",
        "conversion_high",
        "shrunk_conversion",
        "limit_low",
        "p_value",
        "p_adjusted",
        "caveat",
    ]
    if analysis.weighted:
        columns.insert(5, "activities")
    if analysis.basis == "deals":
        columns.insert(columns.index("won"), "trials")
    g = language.gettext
    shown = reps.assign(
        status=reps["status"].map(g),
        quadrant=reps["quadrant"].map(lambda q: g(QUADRANT_LABELS[q])),
        caveat=reps["caveat"].map(lambda caveat: tables.caveat(caveat, language) or None),
    )
    return shown[columns].reset_index(drop=True), Words(analysis, language).rep_titles


def leak_frame(analysis: Analysis, language: Language) -> pd.DataFrame:
    """Each rep's worst step against the team, largest loss first, with whether the rep is flagged."""
    leaks, g = analysis.leaks, language.gettext
    flagged = set(analysis.reps().loc[analysis.reps()["flagged"], "rep"])
    return pd.DataFrame(
        {
            "rep": leaks["rep"],
            "flagged": leaks["rep"].isin(flagged),
            "step": [f"{g(row.from_stage)} → {g(row.stage)}" for row in leaks.itertuples()],
            "rep_rate": leaks["rep_rate"],
            "team_rate": leaks["team_rate"],
            "gap": leaks["gap"],
            "lost": leaks["lost"],
        }
    )


LEAK_TITLES = {"gap": N_("Gap"), "lost": N_("Lost against the team's rate")}
LEAK_KINDS = {"gap": "change", "lost": "whole"}


def mix_frame(analysis: Analysis, language: Language) -> pd.DataFrame:
    mix, g = analysis.mix, language.gettext
    if mix.empty:
        return mix
    return mix.drop(columns=["activity_type", "linked"]).assign(
        label=mix["label"].map(g), verdict=mix["verdict"].map(g)
    )


TREND_COLUMNS = [
    "period",
    "activities",
    "won",
    "revenue",
    "conversion",
    "activity_change",
    "won_change",
    "rose_without_results",
    "partial",
]

TREND_KINDS = {"period": "month", "activity_change": "change", "won_change": "change"}


def trend_titles(words: Words) -> dict[str, str]:
    language = words.language
    return {
        "activities": words.effort,
        "won": words.won,
        "revenue": words.revenue,
        "activity_change": language.gettext("Change in effort"),
        "won_change": language.gettext("Change in results"),
        "rose_without_results": language.gettext("Rose without results"),
        "partial": language.gettext("Partly covered"),
    }


# ----------------------------------------------------------------------------------------------- summary


def _put(
    sheet: Worksheet,
    row: int,
    column: int,
    value,
    bold: bool = False,
    size: int | None = None,
    number_format: str | None = None,
):
    cell = sheet.cell(row, column, text_cell(value) if isinstance(value, str) else value)
    if bold or size:
        cell.font = Font(bold=bold, size=size or 11)
    if number_format:
        cell.number_format = number_format
    return cell


def _paragraph(sheet: Worksheet, row: int, text: str, first: int = 1, last: int = len(SUMMARY_WIDTHS)) -> None:
    """A sentence across columns `first`..`last`, wrapped, its row tall enough for its lines (Excel doesn't
    grow a merged cell's row by itself)."""
    cell = _put(sheet, row, first, text)
    cell.alignment = WRAP
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    characters = sum(SUMMARY_WIDTHS[first - 1 : last]) * 1.1
    sheet.row_dimensions[row].height = 15 * max(1, math.ceil(len(text) / characters))


def write_summary(
    sheet: Worksheet, analysis: Analysis, language: Language, currency: str | None, anonymised: bool
) -> None:
    words, g = Words(analysis, language), language.gettext
    for position, width in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    _put(sheet, 1, 1, g(TITLE), bold=True, size=16)
    row = 3
    for label, value in header_lines(analysis, language, anonymised):
        _put(sheet, row, 1, label, bold=True)
        _put(sheet, row, 2, value)
        row += 1

    row += 1
    _put(sheet, row, 1, language.gettext("Headline numbers"), bold=True, size=13)
    row += 1
    line = comparison_line(analysis, language)
    if line:
        _put(sheet, row, 1, line)
        row += 1
    kpis = kpi_rows(analysis)
    if len(kpis):
        headers = [
            language.gettext("Measure"),
            language.gettext("Now"),
            language.gettext("Period before"),
            language.gettext("Change"),
            language.gettext("A year earlier"),
            language.gettext("Change on a year"),
        ]
        for column, header in enumerate(headers, start=1):
            cell = _put(sheet, row, column, header, bold=True)
            cell.fill, cell.border = HEADER_FILL, RULE
        for kpi in kpis.itertuples():
            row += 1
            value_format = number_format(KPI_KINDS.get(kpi.kpi, "count"), language, currency)
            _put(sheet, row, 1, words.kpi_title(kpi.kpi))
            for column, value, code in (
                (2, kpi.value, value_format),
                (3, kpi.previous, value_format),
                (4, kpi.change, CHANGE_FORMAT),
                (5, kpi.year_ago, value_format),
                (6, kpi.change_year, CHANGE_FORMAT),
            ):
                _put(sheet, row, column, cell_value(value, language), number_format=code)
    row += 2

    _put(sheet, row, 1, language.gettext("Findings"), bold=True, size=13)
    row += 1
    findings = analysis.findings
    if not findings:
        _paragraph(sheet, row, nothing_stands_out(language))
        row += 1
    for position, finding in enumerate(findings, start=1):
        _paragraph(sheet, row, f"{position}. {finding_text(finding, language, currency)}")
        row += 1
    row += 1

    _put(sheet, row, 1, language.gettext("Flagged reps"), bold=True, size=13)
    row += 1
    for label, count in status_counts(analysis, language):
        _put(sheet, row, 1, label)
        _put(sheet, row, 2, count, number_format=FORMATS["count"])
        row += 1
    what_if = analysis.what_if
    _put(sheet, row, 1, language.gettext("Won at the team's rate"))
    _put(sheet, row, 2, float(what_if["extra_won"].sum()), number_format=FORMATS["whole"])
    row += 1
    _put(sheet, row, 1, language.gettext("Extra revenue"))
    _put(sheet, row, 2, float(what_if["extra_revenue"].sum()), number_format=number_format("money", language, currency))
    row += 1
    _paragraph(
        sheet, row, language.gettext("Extra won deals if every flagged rep converted at the team's pooled rate.")
    )
    row += 2

    _put(sheet, row, 1, language.gettext("What a flag guarantees"), bold=True, size=13)
    row += 1
    _paragraph(sheet, row, flag_promise(analysis, language, currency))
    row += 1
    _paragraph(sheet, row, sentence(analysis.flag_rule.spread(), language, currency))


def write_charts(sheet: Worksheet, drawn: dict[str, bytes], language: Language) -> None:
    """The key charts one under another, each under its title, at the size they were drawn."""
    row = 1
    for name, png in drawn.items():
        _put(sheet, row, 1, language.gettext(CHART_TITLES[name]), bold=True, size=13)
        picture = Image(io.BytesIO(png))
        picture.width, picture.height = picture.width / images.SCALE, picture.height / images.SCALE
        sheet.add_image(picture, f"A{row + 1}")
        row += 3 + math.ceil(picture.height / ROW_PIXELS)


# ------------------------------------------------------------------------------------------------ report


def sheet_title(key: str, language: Language) -> str:
    """A sheet's name in the report's language (looked up by a variable: Babel would take a literal key
    inside the call for a text to translate)."""
    return language.gettext(SHEETS[key])[:31]


SHEETS = {
    "summary": N_("Summary"),
    "reps": N_("Reps"),
    "leaks": N_("Leaks"),
    "mix": N_("Activity mix"),
    "trends": N_("Trends"),
    "charts": N_("Charts"),
}


def excel_report(
    analysis: Analysis, language: Language, currency: str | None = None, anonymised: bool = False
) -> bytes:
    """The report as .xlsx bytes. `anonymised` says the analysis's names are pseudonyms (the share view
    made them so before the analysis): the summary says so instead of naming the files."""
    words, g = Words(analysis, language), language.gettext
    book = Workbook()
    book.properties.creator = g(TITLE)
    book.properties.title = f"{g(TITLE)} · {words.scenario}"
    summary = book.active
    summary.title = sheet_title("summary", language)
    write_summary(summary, analysis, language, currency, anonymised)

    reps, rep_titles = rep_frame(analysis, language)
    write_table(book.create_sheet(sheet_title("reps", language)), reps, language, currency, rep_titles)
    write_table(
        book.create_sheet(sheet_title("leaks", language)),
        leak_frame(analysis, language),
        language,
        currency,
        {column: g(title) for column, title in LEAK_TITLES.items()},
        LEAK_KINDS,
    )
    mix = mix_frame(analysis, language)
    if len(mix):
        write_table(
            book.create_sheet(sheet_title("mix", language)), mix, language, currency, {"revenue": words.revenue}
        )
    periods = analysis.trends("month")
    if len(periods):
        write_table(
            book.create_sheet(sheet_title("trends", language)),
            periods[TREND_COLUMNS],
            language,
            currency,
            trend_titles(words),
            TREND_KINDS,
        )
    drawn = images.report_charts(analysis, language)
    if drawn:
        write_charts(book.create_sheet(sheet_title("charts", language)), drawn, language)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
