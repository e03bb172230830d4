"""The exports read back as a manager's Excel, a PDF reader and a CSV reader would: the analysis's own
numbers, stored as numbers under readable headers in the chosen language, and no formula anywhere."""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import replace

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from exports import (
    chart_png,
    excel_report,
    finding_text,
    images,
    pdf as pdf_module,
    pdf_summary,
    report_bytes,
    table_csv,
    write_report,
)
from exports.words import kpi_rows, kpi_value_text
from exports.workbook import money_format
from i18n import language
from metrics.analysis import analyse
from metrics.filters import Filters
from metrics.ingest import Upload, load
from metrics.report import FORMULA_PREFIXES
from metrics.scenarios import get_scenario
from metrics.sharing.anonymise import anonymise
from metrics.sharing.view import SharedView
from tests.conftest import ROOT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EN, NB = language("en"), language("nb")
# A hand-made team, deals only: rep → (team, won, lost); every deal is worth 1 000.
HAND = {
    "Kari Ødegård": ("Sør", 12, 18),
    "Ola Nordmann": ("Nord", 5, 15),
    "Åse Berg": ("Nord", 10, 15),
    "Per Lie": ("Sør", 9, 14),
}
HAND_FILE = "Salg Ødegård.csv"
RISKY = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-2+3",
    "\tTAB",
    "\rCR",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]


def deals_csv(reps: dict[str, tuple[str, int, int]]) -> bytes:
    lines = ["Deal ID;Rep;Team;Status;Amount;Created;Close date"]
    number = 0
    for rep, (team, won, lost) in reps.items():
        for position in range(won + lost):
            number += 1
            month = 1 + position % 3
            lines.append(
                f"D-{number:04d};{rep};{team};{'Won' if position < won else 'Lost'};1000;"
                f"0{month}.01.2026;2{position % 8}.0{month}.2026"
            )
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def startup():
    path = ROOT / "sample_data" / "startup.xlsx"
    return analyse(load([Upload(path.name, path.read_bytes())]), get_scenario("startup"))


@pytest.fixture(scope="module")
def hand():
    return analyse(load([Upload(HAND_FILE, deals_csv(HAND))]), get_scenario("startup"))


@pytest.fixture(scope="module")
def risky():
    """A team whose reps and files are named like formulas: one rep busy and converting little, so that a
    finding names him."""
    reps = {f"Rep {n}": ("North", 10, 20) for n in range(len(RISKY))}
    reps["Rep 0"] = ("North", 3, 60)
    dataset = load([Upload("risky.csv", deals_csv(reps))])
    names = {f"Rep {n}": name for n, name in enumerate(RISKY)}
    dataset = replace(
        dataset,
        outcomes=dataset.outcomes.assign(rep=dataset.outcomes["rep"].map(names)),
        roster=dataset.roster.assign(rep=dataset.roster["rep"].map(names)),
        tables=[replace(dataset.tables[0], source=name) for name in RISKY],
    )
    return analyse(dataset, get_scenario("startup"))


@pytest.fixture(scope="module")
def books(startup, hand, risky):
    """Each analysis's workbook, read back; the startup's in both languages, with a currency."""
    made = {
        ("startup", "en"): excel_report(startup, EN),
        ("startup", "nb"): excel_report(startup, NB, "NOK"),
        ("hand", "en"): excel_report(hand, EN),
        ("risky", "en"): excel_report(risky, EN),
    }
    return {key: (content, openpyxl.load_workbook(io.BytesIO(content))) for key, content in made.items()}


@pytest.fixture(scope="module")
def pdfs(startup, hand, risky):
    made = {
        ("startup", "en"): pdf_summary(startup, EN),
        ("startup", "nb"): pdf_summary(startup, NB, "NOK"),
        ("hand", "nb"): pdf_summary(hand, NB),
        ("risky", "en"): pdf_summary(risky, EN),
    }
    return {key: (content, PdfReader(io.BytesIO(content))) for key, content in made.items()}


def text_of(reader: PdfReader) -> str:
    """The PDF's text with every run of spaces (line ends and no-break spaces too) as one space."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def words(text: str) -> str:
    return " ".join(text.split())


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def rows_by_rep(sheet) -> dict[str, dict[str, object]]:
    titles = header(sheet)
    return {row[0].value: {title: cell for title, cell in zip(titles, row)} for row in sheet.iter_rows(min_row=2)}


# ------------------------------------------------------------------------------------------------- xlsx


@pytest.mark.parametrize(
    "key, sheets",
    [
        (("startup", "en"), ["Summary", "Reps", "Leaks", "Activity mix", "Trends", "Charts"]),
        (("hand", "en"), ["Summary", "Reps", "Leaks", "Trends", "Charts"]),  # no activity log, so no mix
    ],
)
def test_workbook_has_a_sheet_for_each_part(books, key, sheets):
    assert books[key][1].sheetnames == sheets


def test_norwegian_workbook_names_its_sheets_in_norwegian(books):
    assert {"Selgere", "Aktivitetsmiks", "Utvikling"} <= set(books[("startup", "nb")][1].sheetnames)


@pytest.mark.parametrize(
    "key, sheet, expected",
    [
        (
            ("startup", "en"),
            "Reps",
            [
                "Rep",
                "Team",
                "Status",
                "Flagged",
                "Quadrant",
                "Activities",
                "Customers acquired",
                "Expected customers acquired",
                "Revenue",
                "Expected revenue",
                "Revenue gap",
                "Conversion",
                "Conversion, low end",
                "Conversion, high end",
                "Fair rate",
                "Flag limit",
                "p alone",
                "p across the team",
                "Note",
            ],
        ),
        (
            ("hand", "en"),
            "Reps",
            ["Rep", "Team", "Status", "Flagged", "Quadrant", "Deals engaged", "Decided deals", "Customers acquired"],
        ),
    ],
)
def test_table_headers_are_the_screens_titles(books, key, sheet, expected):
    assert header(books[key][1][sheet])[: len(expected)] == expected


@pytest.mark.parametrize(
    "sheet, titles",
    [
        ("Selgere", {"Selger", "Aktiviteter", "Konvertering"}),
        ("Aktivitetsmiks", {"Aktiviteter"}),
        ("Utvikling", {"Konvertering"}),
    ],
)
def test_norwegian_sheets_have_norwegian_headers(books, sheet, titles):
    shown = header(books[("startup", "nb")][1][sheet])
    assert titles <= set(shown)
    assert not {"Rep", "Activities", "Conversion"} & set(shown)


def test_each_reps_numbers_are_the_analysiss_stored_as_numbers(startup, books):
    rows = rows_by_rep(books[("startup", "en")][1]["Reps"])
    reps = startup.reps()
    assert set(rows) == set(reps["rep"])
    for rep in reps.itertuples():
        row = rows[rep.rep]
        assert (row["Customers acquired"].value, row["Activities"].value) == (rep.won, rep.activities)
        assert row["Conversion"].value == pytest.approx(rep.conversion, rel=1e-12)
        assert row["Revenue"].value == rep.revenue
        assert {row[title].data_type for title in ("Customers acquired", "Conversion", "Revenue")} == {"n"}


@pytest.mark.parametrize(
    "title, number_format",
    [
        ("Customers acquired", "#,##0"),
        ("Activities", "#,##0"),
        ("Conversion", "0.0%"),
        ("Fair rate", "0.0%"),
        ("Revenue", "#,##0"),
        ("p across the team", "0.0000"),
    ],
)
def test_rep_columns_carry_number_formats(books, title, number_format):
    rows = rows_by_rep(books[("startup", "en")][1]["Reps"])
    assert {row[title].number_format for row in rows.values()} == {number_format}


def test_money_carries_the_currency_the_language_writes(books):
    revenue = header(books[("startup", "nb")][1]["Selgere"]).index("Omsetning")
    cells = [row[revenue] for row in books[("startup", "nb")][1]["Selgere"].iter_rows(min_row=2)]
    assert {cell.number_format for cell in cells} == {'#,##0"\u00a0kr"'}


@pytest.mark.parametrize(
    "code, currency, expected",
    [
        ("en", None, "#,##0"),
        ("en", "USD", '"US$"#,##0'),
        ("en", "NOK", '"NOK"#,##0'),
        ("nb", "NOK", '#,##0"\u00a0kr"'),
        ("nb", "EUR", '#,##0"\u00a0€"'),
        ("nb", None, "#,##0"),
    ],
)
def test_money_format(code, currency, expected):
    assert money_format(code, currency) == expected


def test_hand_made_reps_read_back_with_hand_counted_numbers(books):
    rows = rows_by_rep(books[("hand", "en")][1]["Reps"])
    # Deals only: conversion is won ÷ decided deals.
    expected = {
        "Kari Ødegård": (12, 30, 0.4, 12000),
        "Ola Nordmann": (5, 20, 0.25, 5000),
        "Åse Berg": (10, 25, 0.4, 10000),
        "Per Lie": (9, 23, 9 / 23, 9000),
    }
    assert {
        rep: (
            row["Customers acquired"].value,
            row["Decided deals"].value,
            row["Conversion"].value,
            row["Revenue"].value,
        )
        for rep, row in rows.items()
    } == pytest.approx(expected)


def test_summary_holds_the_kpis_as_numbers(startup, books):
    sheet = books[("startup", "en")][1]["Summary"]
    cells = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    kpis = kpi_rows(startup).set_index("kpi")
    activities, conversion = cells["Activities"], cells["Conversion"]
    assert (activities[1].value, activities[2].value) == (
        kpis.loc["activities", "value"],
        kpis.loc["activities", "previous"],
    )
    assert conversion[1].value == pytest.approx(kpis.loc["conversion", "value"])
    assert (conversion[1].number_format, conversion[3].number_format) == ("0.0%", "+0.0%;-0.0%;0.0%")
    assert activities[3].value == pytest.approx(kpis.loc["activities", "change"])


def test_summary_says_what_and_where_from(books):
    cells = {row[0].value: row[1].value for row in books[("hand", "en")][1]["Summary"].iter_rows() if row[0].value}
    assert (cells["Scenario"], cells["Source"]) == ("Startup", HAND_FILE)
    assert cells["Dates"] == "1 Jan 2026–27 Mar 2026"


@pytest.mark.parametrize("key", [("startup", "en"), ("startup", "nb")])
def test_summary_has_every_finding_as_a_sentence(startup, books, key):
    texts = [
        cell.value for row in books[key][1].worksheets[0].iter_rows() for cell in row if isinstance(cell.value, str)
    ]
    chosen, currency = (EN, None) if key[1] == "en" else (NB, "NOK")
    assert len(startup.findings) == 6
    for position, finding in enumerate(startup.findings, start=1):
        assert f"{position}. {finding_text(finding, chosen, currency)}" in texts
    assert any(chosen.render(startup.flag_rule.guarantee()) in text for text in texts)


@pytest.mark.parametrize("key", [("startup", "en"), ("hand", "en")])
def test_table_sheets_freeze_their_header_and_filter(books, key):
    book = books[key][1]
    for sheet in book.worksheets[1:-1]:  # every sheet between the summary and the charts
        last = openpyxl.utils.get_column_letter(sheet.max_column)
        assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("B2", f"A1:{last}{sheet.max_row}")
        assert all(
            sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width >= 8
            for c in range(1, sheet.max_column + 1)
        )


def test_trend_periods_are_dates_under_a_month_format(startup, books):
    sheet = books[("startup", "en")][1]["Trends"]
    periods = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in periods] == list(startup.trends("month")["period"])
    assert {(cell.is_date, cell.number_format) for cell in periods} == {(True, "mmm yyyy")}


def test_charts_are_png_images_in_the_workbook(books):
    with zipfile.ZipFile(io.BytesIO(books[("startup", "en")][0])) as archive:
        media = [archive.read(name) for name in archive.namelist() if name.startswith("xl/media/")]
    assert len(media) == 3
    assert all(picture.startswith(PNG_MAGIC) for picture in media)


def test_a_selection_without_reps_still_makes_a_report(startup):
    empty = analyse(startup.dataset, startup.scenario, Filters(teams=("No such team",)))
    book = openpyxl.load_workbook(io.BytesIO(excel_report(empty, EN)))
    assert book.sheetnames[:2] == ["Summary", "Reps"] and book["Reps"].max_row == 1
    texts = [cell.value for row in book["Summary"].iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any(text.startswith("Nothing stands out") for text in texts)
    assert "Nothing stands out" in text_of(PdfReader(io.BytesIO(pdf_summary(empty, EN))))


# -------------------------------------------------------------------------------------------------- pdf


@pytest.mark.parametrize("key", [("startup", "en"), ("startup", "nb")])
def test_pdf_is_two_a4_pages(pdfs, key):
    reader = pdfs[key][1]
    assert len(reader.pages) == 2
    assert [round(float(value)) for value in reader.pages[0].mediabox[2:]] == [595, 842]


@pytest.mark.parametrize("key", [("startup", "en"), ("startup", "nb")])
def test_pdf_holds_the_findings_and_kpi_values(startup, pdfs, key):
    text, chosen = text_of(pdfs[key][1]), EN if key[1] == "en" else NB
    for finding in startup.findings:
        assert words(finding_text(finding, chosen, "NOK" if key[1] == "nb" else None)) in text
    currency = "NOK" if key[1] == "nb" else None
    for kpi in kpi_rows(startup).itertuples():
        assert words(kpi_value_text(kpi.kpi, kpi.value, chosen, currency)) in text


@pytest.mark.parametrize("value", ["803", "1.6%", "+39.9% against 574"])
def test_english_pdf_writes_numbers_the_english_way(pdfs, value):
    assert value in text_of(pdfs[("startup", "en")][1])


@pytest.mark.parametrize("value", ["1,6 %", "Nøkkeltall", "Salg Ødegård.csv"])
def test_norwegian_pdf_keeps_its_letters_and_formats(pdfs, value):
    text = text_of(pdfs[("hand", "nb")][1]) + " " + text_of(pdfs[("startup", "nb")][1])
    assert value in text


def test_pdf_without_dejavu_falls_back_to_latin_1(hand, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_module, "FONT_DIR", tmp_path)  # a folder without the fonts
    text = text_of(PdfReader(io.BytesIO(pdf_summary(hand, NB))))
    assert "Nøkkeltall" in text and "Salg Ødegård.csv" in text  # Latin-1 has them
    assert "01.01.2026-27.03.2026" in text  # the en dash, which it hasn't, is a hyphen


@pytest.mark.skipif(
    not (pdf_module.FONT_DIR / "DejaVuSans.ttf").is_file() and not os.environ.get("CI"),
    reason="DejaVu is not installed (apt fonts-dejavu-core); CI installs it",
)
def test_pdf_uses_dejavu_for_dashes(pdfs):
    assert "01.01.2026–27.03.2026" in text_of(pdfs[("hand", "nb")][1])


# ----------------------------------------------------------------------------------------- png and csv


@pytest.mark.parametrize("chart", ["quadrant", "funnel_plot", "trend"])
def test_chart_png_is_a_png_at_twice_its_size(startup, chart):
    drawn = getattr(images, chart)(startup, EN)
    content = chart_png(drawn, EN)
    assert content.startswith(PNG_MAGIC) and 20_000 < len(content) < 2_000_000
    with Image.open(io.BytesIO(content)) as picture:
        assert picture.width >= 2 * images.WIDTH


def test_table_csv_has_the_screens_headers_and_rounding(hand):
    reps = hand.reps()[["rep", "won", "conversion", "p_value"]]
    rows = list(csv.reader(io.StringIO(table_csv(reps, NB).decode("utf-8-sig"))))
    assert (rows[0][0], rows[0][2]) == ("Selger", "Konvertering")
    by_rep = {row[0]: row for row in rows[1:]}
    assert by_rep["Per Lie"][1:3] == ["9", "0.3913"]  # 9 ÷ 23, to four places of its fraction


# ----------------------------------------------------------------------------------------- injection


def cells(book) -> list:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_xlsx_holds_no_formula_cell(books):
    for key, (_, book) in books.items():
        assert not [cell.coordinate for cell in cells(book) if cell.data_type == "f"], key
        assert not [
            cell.value
            for cell in cells(book)
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES)
        ], key


@pytest.mark.parametrize("name", RISKY)
def test_xlsx_quotes_a_rep_named_like_a_formula(books, name):
    reps = [row[0].value for row in books[("risky", "en")][1]["Reps"].iter_rows(min_row=2)]
    assert "'" + name.replace("\r", "\n") in reps  # XML reads a carriage return back as a line feed


def test_xlsx_quotes_file_names_like_formulas(books):
    cells_ = {row[0].value: row[1].value for row in books[("risky", "en")][1]["Summary"].iter_rows() if row[0].value}
    assert cells_["Source"].startswith("'=HYPERLINK")


def test_xlsx_survives_a_control_character_in_a_name(hand):
    named = replace(
        hand.dataset,
        outcomes=hand.dataset.outcomes.assign(rep=hand.dataset.outcomes["rep"].replace({"Per Lie": "Per\x07Lie"})),
    )
    book = openpyxl.load_workbook(io.BytesIO(excel_report(analyse(named, hand.scenario), EN)))
    assert "Per Lie" in [row[0].value for row in book["Reps"].iter_rows(min_row=2)]


@pytest.mark.parametrize("name", RISKY)
def test_csv_quotes_a_rep_named_like_a_formula(risky, name):
    rows = list(csv.reader(io.StringIO(table_csv(risky.reps()[["rep", "won"]], EN).decode("utf-8-sig"), newline="")))
    assert "'" + name in [row[0] for row in rows[1:]]


@pytest.mark.parametrize("name", RISKY)
def test_pdf_prints_a_name_like_a_formula_as_plain_text(pdfs, name):
    # A file name: the source line prints every one. Controls become spaces; full-width signs, which
    # DejaVu lacks, their plain forms.
    import unicodedata

    assert words(unicodedata.normalize("NFKC", name)) in text_of(pdfs[("risky", "en")][1])


def test_pdf_links_and_runs_nothing(pdfs):
    content = pdfs[("risky", "en")][0]
    assert b"/URI" not in content and b"/JavaScript" not in content and b"/Launch" not in content


def test_pdf_finding_names_the_busy_rep_as_text(risky, pdfs):
    flagged = [finding for finding in risky.findings if finding.kind == "flagged"]
    assert [finding.rep for finding in flagged] == [RISKY[0]]
    assert words(flagged[0].text) in text_of(pdfs[("risky", "en")][1])


# ------------------------------------------------------------------------------------------ anonymised


@pytest.fixture(scope="module")
def anonymised(startup):
    shared, people = anonymise(SharedView.of(startup.dataset, {}))
    return analyse(shared.dataset, startup.scenario), people


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_anonymised_export_names_nobody(startup, anonymised, fmt):
    analysis, people = anonymised
    content = report_bytes(analysis, fmt, "en", anonymised=True)
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            text = " ".join(
                archive.read(name).decode("utf-8") for name in archive.namelist() if not name.startswith("xl/media/")
            )
    else:
        text = text_of(PdfReader(io.BytesIO(content))) + " " + str(PdfReader(io.BytesIO(content)).metadata)
    real = [*people, "startup.xlsx"]
    assert [name for name in real if name in text] == []
    assert any(pseudonym in text for pseudonym in people.values())


# ------------------------------------------------------------------------------------------- to a file


@pytest.mark.parametrize("fmt, magic", [("xlsx", b"PK\x03\x04"), ("pdf", b"%PDF-")])
def test_write_report_writes_the_report(hand, tmp_path, fmt, magic):
    path = tmp_path / f"report.{fmt}"
    write_report(hand, fmt, "nb", path)
    assert path.read_bytes().startswith(magic)
    assert [child.name for child in tmp_path.iterdir()] == [path.name]  # no partial file left behind


def test_write_report_refuses_an_unknown_format(hand, tmp_path):
    with pytest.raises(ValueError, match="xlsx, pdf"):
        write_report(hand, "docx", "en", tmp_path / "report.docx")


def test_no_text_in_any_format_is_left_unrendered(pdfs):
    assert not re.search(r"\{[a-z_]+(:[a-z]+)?\}", text_of(pdfs[("startup", "nb")][1]))
