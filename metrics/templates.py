"""Excel templates a user can fill in: one per input shape, in the scenario's own words.

Each workbook has a data sheet (the headers the app recognises and one example row) and an
Instructions sheet saying what goes in each column, in the user's language.
"""

from __future__ import annotations

import datetime as dt
import io

from i18n import DEFAULT_LANGUAGE, language
from metrics.scenarios import Scenario, get_scenario
from metrics.text import N_, Message, listing

SHEET_NAMES = {"activities": "Activities", "deals": "Deals", "summary": "Summary", "roster": "Roster"}
INTRO = {
    "activities": N_("An activity log: one row per activity (a call, an email, a meeting, a demo ...)."),
    "deals": N_("Deals or opportunities: one row per deal, with its status and amount."),
    "summary": N_(
        "A rep × period summary: one row per rep per month (or week), with a count column per activity "
        "type and the results of that period."
    ),
    "roster": N_("A roster: one row per rep, with their team and, if you like, manager, region and target."),
}
TITLES = {
    "activities": N_("{scenario:term}: activity log template"),
    "deals": N_("{scenario:term}: deals template"),
    "summary": N_("{scenario:term}: summary template"),
    "roster": N_("{scenario:term}: roster template"),
}


def _columns(scenario: Scenario, shape: str) -> list[tuple[str, object, Message]]:
    """(header, example value, what goes in the column) for each column of a shape's template. The headers stay
    as the app recognises them in any language; what goes in them is said in the user's."""
    first = scenario.activity_types[0]
    labels = listing([Message(a.label) for a in scenario.activity_types], "or")
    if shape == "activities":
        return [
            (
                "Date",
                dt.date(2026, 1, 5),
                Message(N_("The day of the activity: a date cell, or text such as 2026-01-05 or 05.01.2026.")),
            ),
            ("Rep", "Kari Nordmann", Message(N_("The person who did it, spelled the same way in every file."))),
            ("Team", "SMB", Message(N_("Optional: the rep's team."))),
            (
                "Activity type",
                first.label,
                Message(N_("One of: {labels}. Other words can be assigned on the Data page."), {"labels": labels}),
            ),
            ("Deal ID", "D-0001", Message(N_("Optional: the deal it was for, to follow deals through the funnel."))),
        ]
    if shape == "deals":
        return [
            ("Deal ID", "D-0001", Message(N_("Optional: a unique id; it joins deals to the activity log."))),
            ("Rep", "Kari Nordmann", Message(N_("The deal's owner."))),
            ("Status", "Won", Message(N_("Won, Lost or Open (CRM stages such as 'Closed won' also work)."))),
            ("Amount", 24000, Message(N_("The deal's value, a number: 24000 or 24 000,50 kr."))),
            (
                "Created",
                dt.date(2025, 12, 15),
                Message(
                    N_("Optional: when the deal was created, a date cell, or text such as 2026-01-05 or 05.01.2026.")
                ),
            ),
            (
                "Close date",
                dt.date(2026, 1, 20),
                Message(N_("When it was won or lost, a date cell, or text such as 2026-01-05 or 05.01.2026.")),
            ),
            (
                "Satisfaction",
                4.5,
                Message(
                    N_("Optional: {satisfaction:lower}, for example 1 to 5."),
                    {"satisfaction": scenario.satisfaction_label},
                ),
            ),
        ]
    if shape == "summary":
        counts = [
            (
                a.label,
                10 * (len(scenario.activity_types) - i),
                Message(N_("How many {activity:lower} activities the rep did that month."), {"activity": a.label}),
            )
            for i, a in enumerate(scenario.activity_types)
        ]
        return [
            ("Month", "2026-01", Message(N_("The month (2026-01, jan 2026) or week (2026-W03, uke 3 2026)."))),
            ("Rep", "Kari Nordmann", Message(N_("The rep."))),
            *counts,
            (scenario.won_label, 2, Message(N_("{won:term} that month: a count."), {"won": scenario.won_label})),
            (
                scenario.revenue_label,
                48000,
                Message(N_("{revenue:term} that month: a number."), {"revenue": scenario.revenue_label}),
            ),
            (scenario.satisfaction_label, 4.2, Message(N_("Optional: the average score that month."))),
        ]
    if shape == "roster":
        return [
            ("Rep", "Kari Nordmann", Message(N_("The rep, spelled as in the other files."))),
            ("Team", "SMB", Message(N_("The rep's team."))),
            ("Manager", "Ingrid Berg", Message(N_("Optional: their manager."))),
            ("Region", "Oslo", Message(N_("Optional: their region or office."))),
            ("Target", 1200000, Message(N_("Optional: their target for the period, a number."))),
        ]
    raise ValueError(f"unknown shape {shape!r}")


def template_workbook(scenario_key: str, shape: str, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """An .xlsx template for one input shape of a scenario: headers, one example row and instructions, these in
    the language `lang` names."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    scenario = get_scenario(scenario_key)
    columns = _columns(scenario, shape)
    say = language(lang).render
    book = Workbook()
    data = book.active
    data.title = SHEET_NAMES[shape]
    data.append([header for header, _, _ in columns])
    data.append([example for _, example, _ in columns])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for position, (header, example, _) in enumerate(columns, start=1):
        cell = data.cell(row=1, column=position)
        cell.font, cell.fill = bold, fill
        data.column_dimensions[cell.column_letter].width = max(14, len(header) + 4)
        if isinstance(example, dt.date):
            data.cell(row=2, column=position).number_format = "yyyy-mm-dd"
    data.freeze_panes = "A2"
    choices = {"Activity type": [a.label for a in scenario.activity_types], "Status": ["Won", "Lost", "Open"]}
    for position, (header, _, _) in enumerate(columns, start=1):
        if header in choices:
            letter = data.cell(row=1, column=position).column_letter
            # A list to pick from, but other text is allowed: the Data page maps unknown words.
            validation = DataValidation(
                type="list", formula1='"' + ",".join(choices[header]) + '"', allow_blank=True, showErrorMessage=False
            )
            validation.add(f"{letter}2:{letter}100000")
            data.add_data_validation(validation)

    notes = book.create_sheet("Instructions")
    lines = [
        (say(Message(TITLES[shape], {"scenario": scenario.label})), bold),
        (say(INTRO[shape]), None),
        (
            say(
                Message(
                    N_(
                        "Fill in the '{sheet}' sheet from row 2 down and replace the example row. Keep the headers in "
                        "row 1; extra columns are fine and are listed on the Data page."
                    ),
                    {"sheet": SHEET_NAMES[shape]},
                )
            ),
            None,
        ),
        (
            say(
                N_(
                    "Save as .xlsx (or .csv) and upload it in the sidebar. A total row at the bottom is recognised and "
                    "left out."
                )
            ),
            None,
        ),
        ("", None),
        (say(N_("Columns")), bold),
        *(
            (say(Message(N_("{header}: {help}"), {"header": header, "help": help_text})), None)
            for header, _, help_text in columns
        ),
    ]
    for text, font in lines:
        notes.append([text])
        if font:
            notes.cell(row=notes.max_row, column=1).font = font
        notes.cell(row=notes.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
