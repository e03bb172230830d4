"""The PDF summary for a board: the headline numbers as cards, the findings, what a flag guarantees, then
the quadrant and the funnel plot, on two A4 pages.

Text is set in DejaVu Sans, which has the Norwegian letters, dashes and the minus sign. Where DejaVu is
not installed (CI installs it: apt fonts-dejavu-core), the PDF falls back to the core Helvetica, which has
only Latin-1: 'ø' and 'å' survive, a dash becomes a hyphen. Either way a character the font lacks is
folded to its plain form ('＝' to '='), never dropped unseen. A PDF runs no formulas, so names are
printed as they are, with control characters made spaces.
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from pathlib import Path

from fpdf import FPDF
from PIL import Image as Picture

from exports import images
from exports.words import (
    TITLE,
    Words,
    change_text,
    comparison_line,
    finding_text,
    flag_promise,
    header_lines,
    kpi_rows,
    kpi_value_text,
    nothing_stands_out,
    status_counts,
)
from i18n import Language
from metrics.analysis import Analysis
from views.escaping import plain

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY, CORE_FAMILY = "DejaVu", "helvetica"
# Plain forms of characters a font may lack, after Unicode's own compatibility folding (NFKC).
FOLDS = {
    "–": "-",
    "—": "-",
    "−": "-",
    "‐": "-",
    "→": "->",
    "…": "...",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "›": ">",
    "‹": "<",
    "€": "EUR",
    "\u202f": " ",
    "\u2009": " ",
    "\u2060": "",
}
GREY, INK, CARD = (90, 90, 90), (20, 20, 20), (242, 245, 249)
MARGIN = 15  # mm
CARDS_PER_ROW = 3


@cache
def _glyphs(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(path), lazy=True).getBestCmap())


def _fold(text: str, covered) -> str:
    """The text with every character the font can't draw replaced by its plain form, or '?'."""
    if all(covered(character) for character in text):
        return text
    folded = []
    for character in text:
        if covered(character):
            folded.append(character)
            continue
        plain_form = FOLDS.get(character, unicodedata.normalize("NFKC", character))
        folded.append(plain_form if all(covered(c) for c in plain_form) else "?")
    return "".join(folded)


class Summary(FPDF):
    """A4 pages with the report's title and page number in the footer, every text in a font that can draw
    it; `font_dir` holds DejaVu (FONT_DIR when not given)."""

    def __init__(self, language: Language, font_dir: Path | None = None):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.language = language
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        files = {style: (font_dir or FONT_DIR) / name for style, name in FONT_FILES.items()}
        if all(path.is_file() for path in files.values()):
            for style, path in files.items():
                self.add_font(FAMILY, style, str(path))
            glyphs = _glyphs(files[""])
            self.text_family, self.covered = FAMILY, lambda character: ord(character) in glyphs
        else:
            self.text_family = CORE_FAMILY
            self.covered = lambda character: ord(character) < 256 and (character.isprintable() or character == " ")
        self.set_title(self.printable(language.gettext(TITLE)))
        self.set_creator(self.printable(language.gettext(TITLE)))

    def printable(self, value) -> str:
        """The value as this font can print it: characters it lacks folded to ones it has."""
        return _fold(plain(value), self.covered)

    def style(self, size: float, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.text_family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def heading(self, text: str, size: float = 13) -> None:
        self.ln(3)
        self.style(size, bold=True)
        self.multi_cell(0, size * 0.5, self.printable(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, size: float = 10, colour=INK, gap: float = 1.5) -> None:
        self.style(size, colour=colour)
        self.multi_cell(0, size * 0.45, self.printable(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def footer(self) -> None:
        self.set_y(-10)
        self.style(8, colour=GREY)
        self.cell(0, 4, self.printable(f"{self.language.gettext(TITLE)} · {self.page_no()}/{{nb}}"), align="R")


def _cards(pdf: Summary, analysis: Analysis, language: Language, currency: str | None) -> None:
    """The headline numbers as the Overview's cards: title, value, and the change on the period before."""
    words, kpis = Words(analysis, language), kpi_rows(analysis)
    gap = 4
    width = (pdf.epw - gap * (CARDS_PER_ROW - 1)) / CARDS_PER_ROW
    height = 21
    top = pdf.get_y()
    for position, kpi in enumerate(kpis.itertuples()):
        x = pdf.l_margin + (position % CARDS_PER_ROW) * (width + gap)
        y = top + (position // CARDS_PER_ROW) * (height + gap)
        pdf.set_fill_color(*CARD)
        pdf.rect(x, y, width, height, style="F")
        pdf.set_xy(x + 3, y + 2.5)
        pdf.style(8.5, colour=GREY)
        pdf.cell(width - 6, 4, pdf.printable(words.kpi_title(kpi.kpi)))
        pdf.set_xy(x + 3, y + 7.5)
        pdf.style(16, bold=True)
        pdf.cell(width - 6, 7, pdf.printable(kpi_value_text(kpi.kpi, kpi.value, language, currency)))
        if kpi.previous is not None:
            pdf.set_xy(x + 3, y + 15)
            pdf.style(8.5, colour=GREY)
            pdf.cell(
                width - 6,
                4,
                pdf.printable(
                    language.gettext("{change} against {before}").format(
                        change=change_text(kpi.change, language),
                        before=kpi_value_text(kpi.kpi, kpi.previous, language, currency),
                    )
                ),
            )
    rows = -(-len(kpis) // CARDS_PER_ROW)
    pdf.set_xy(pdf.l_margin, top + rows * (height + gap))


def _chart(pdf: Summary, title: str, png: bytes, caption: str, room: float) -> None:
    """A chart under its title, as wide as the page unless `room` (mm of height) makes it narrower."""
    pdf.heading(title)
    with Picture.open(io.BytesIO(png)) as picture:
        aspect = picture.height / picture.width
    width = min(pdf.epw, room / aspect)
    pdf.image(io.BytesIO(png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width)
    pdf.ln(1)
    pdf.paragraph(caption, size=8.5, colour=GREY)


def pdf_summary(analysis: Analysis, language: Language, currency: str | None = None, anonymised: bool = False) -> bytes:
    """The board summary as PDF bytes; `anonymised` as for exports.workbook.excel_report."""
    pdf = Summary(language)
    pdf.add_page()
    pdf.style(18, bold=True)
    pdf.multi_cell(0, 9, pdf.printable(language.gettext(TITLE)), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(
        " · ".join(f"{label}: {value}" for label, value in header_lines(analysis, language, anonymised)),
        size=8.5,
        colour=GREY,
        gap=2,
    )

    pdf.heading(language.gettext("Headline numbers"))
    line = comparison_line(analysis, language)
    if line:
        pdf.paragraph(line, size=8.5, colour=GREY)
    _cards(pdf, analysis, language, currency)

    pdf.heading(language.gettext("Findings"))
    if not analysis.findings:
        pdf.paragraph(nothing_stands_out(language))
    for position, finding in enumerate(analysis.findings, start=1):
        pdf.paragraph(f"{position}. {finding_text(finding, language, currency)}")

    pdf.heading(language.gettext("Flagged reps"))
    counts = [f"{label}: {language.number(count)}" for label, count in status_counts(analysis, language)]
    extra = language.gettext("Won at the team's rate")
    counts.append(f"{extra}: {language.count(analysis.what_if['extra_won'].sum())}")
    pdf.paragraph(" · ".join(counts))
    pdf.paragraph(flag_promise(analysis, language, currency), size=8.5, colour=GREY)

    quadrant = images.quadrant(analysis, language, height=330)
    funnel_plot = images.funnel_plot(analysis, language, width=500)
    if quadrant is not None or funnel_plot is not None:
        pdf.add_page()
        room = (pdf.eph - 40) / 2
        if quadrant is not None:
            _chart(
                pdf,
                language.gettext("Who is busy but not converting"),
                images.chart_png(quadrant, language),
                language.gettext(
                    "Each dot is a rep; the dashed lines are the team's medians. Red triangles are flagged."
                ),
                room,
            )
        if funnel_plot is not None:
            _chart(
                pdf,
                language.gettext("Funnel plot"),
                images.chart_png(funnel_plot, language),
                language.gettext(
                    "Each point is a rep: conversion against volume. The solid line is the team's "
                    "pooled rate; the dashed curves are the limits chance allows around it, and the "
                    "red curve is the limit a rep must fall below to be flagged."
                ),
                room,
            )
    return bytes(pdf.output())
