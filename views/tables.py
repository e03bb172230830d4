"""Tables as a manager reads them: every column under its title, every number in the language's format.

The same description serves the screen (a Styler, so a column sorts by its numbers while it shows them
formatted) and the downloads (`readable`: the screen's headers, values rounded as shown), and the Excel
report. No streamlit here: the exports use it too.

A column's kind says how it reads: a count is whole; an expected or extra count is rounded to whole
('46', never '45.6'); a rate is a percentage; money is whole with its currency; a p-value has four places.
"""

from __future__ import annotations

import pandas as pd

from i18n import DASH, N_, Language
from metrics.diagnostics import CAVEAT_SEPARATOR

# How each of the engine's columns reads, by name. A column not named here reads by its dtype.
KINDS = {
    **dict.fromkeys(
        [
            "activities",
            "deals",
            "won",
            "lost",
            "decided",
            "ratings",
            "reached",
            "won_deals",
            "decided_deals",
            "linked_deals",
            "rows",
            "trials_count",
            "previous_activities",
            "previous_won",
            "won_after_lag",
            "periods",
            "empty_weeks",
            "lag",
            "tables",
        ],
        "count",
    ),
    **dict.fromkeys(["expected_won", "extra_won", "won_at_team_rate", "lost_against_team", "deals_needed"], "whole"),
    **dict.fromkeys(["effort", "trials"], "effort"),
    **dict.fromkeys(
        [
            "revenue",
            "expected_revenue",
            "gap",
            "extra_revenue",
            "avg_deal_size",
            "amount",
            "revenue_after_lag",
            "revenue_per_activity",
            "target",
        ],
        "money",
    ),
    **dict.fromkeys(
        [
            "conversion",
            "conversion_low",
            "conversion_high",
            "shrunk_conversion",
            "limit_low",
            "team_rate",
            "rep_rate",
            "from_previous",
            "from_first",
            "share",
            "team_share",
            "win_rate",
            "win_rate_low",
            "win_rate_high",
            "baseline",
            "pooled",
            "activity_change",
            "won_change",
            "change",
            "change_year",
            "conversion_min",
            "conversion_median",
            "conversion_max",
            "conversion_iqr",
            "gap_rate",
        ],
        "rate",
    ),
    **dict.fromkeys(["p_value", "p_adjusted", "p"], "p"),
    **dict.fromkeys(["satisfaction", "others", "t", "correlation", "ratio"], "decimal"),
}

# Screen titles of the engine's columns (translated where shown); a page may give its own for a table.
TITLES = {
    "rep": N_("Rep"),
    "team": N_("Team"),
    "activities": N_("Activities"),
    "effort": N_("Effort"),
    "deals": N_("Deals"),
    "won": N_("Won"),
    "lost": N_("Lost"),
    "decided": N_("Decided deals"),
    "revenue": N_("Revenue"),
    "trials": N_("Trials"),
    "conversion": N_("Conversion"),
    "conversion_low": N_("Conversion, low end"),
    "conversion_high": N_("Conversion, high end"),
    "shrunk_conversion": N_("Fair rate"),
    "p_value": N_("p alone"),
    "p_adjusted": N_("p across the team"),
    "limit_low": N_("Flag limit"),
    "below_limit": N_("Below the flag limit"),
    "avg_deal_size": N_("Average deal size"),
    "satisfaction": N_("Satisfaction"),
    "ratings": N_("Ratings"),
    "quadrant": N_("Quadrant"),
    "status": N_("Status"),
    "flagged": N_("Flagged"),
    "caveat": N_("Note"),
    "expected_won": N_("Expected won"),
    "expected_revenue": N_("Expected revenue"),
    "gap": N_("Revenue gap"),
    "team_rate": N_("Team's rate"),
    "won_at_team_rate": N_("Won at the team's rate"),
    "extra_won": N_("Extra won"),
    "extra_revenue": N_("Extra revenue"),
    "stage": N_("Stage"),
    "step": N_("Step"),
    "from_stage": N_("From stage"),
    "rep_rate": N_("Rep's conversion"),
    "lost_against_team": N_("Lost against the team's rate"),
    "period": N_("Period"),
    "label": N_("Activity"),
    "share": N_("Share"),
    "linked_deals": N_("Linked deals"),
    "won_deals": N_("Won deals"),
    "decided_deals": N_("Decided deals"),
    "win_rate": N_("Win rate"),
    "win_rate_low": N_("Win rate, low end"),
    "win_rate_high": N_("Win rate, high end"),
    "baseline": N_("Deals that got as far"),
    "revenue_per_activity": N_("Revenue per activity"),
    "verdict": N_("Verdict"),
    "deals_needed": N_("Linked deals still needed"),
    "team_share": N_("Team's share"),
    "reason": N_("Reason"),
    "action": N_("Action"),
    "rows": N_("Rows"),
    "tables": N_("Tables"),
    "source": N_("Table"),
    "row": N_("Row"),
    "empty_weeks": N_("Empty weeks"),
}


def kind(frame: pd.DataFrame, column: str) -> str:
    """How a column reads: by its name when the engine's, else by its dtype."""
    if column in KINDS:
        return KINDS[column]
    series = frame[column]
    if pd.api.types.is_bool_dtype(series):
        return "yes_no"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_float_dtype(series):
        return "decimal"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    return "text"


def formatter(kind_of: str, language: Language, currency: str | None = None):
    """The function that writes one value of a column of this kind."""

    def missing_or(write):
        return lambda value: DASH if value is None or value is pd.NA or value != value else write(value)

    if kind_of == "count":
        return missing_or(language.number)
    if kind_of == "whole":
        return missing_or(lambda value: language.number(round(float(value))))
    if kind_of == "effort":
        return missing_or(lambda value: language.number(value, 1))
    if kind_of == "rate":
        return missing_or(language.percent)
    if kind_of == "money":
        return missing_or(lambda value: language.money(value, currency))
    if kind_of == "p":
        return missing_or(
            lambda value: "< " + language.number(0.0001, 4) if 0 < value < 0.0001 else language.number(value, 4)
        )
    if kind_of == "decimal":
        return missing_or(lambda value: language.number(value, 2))
    if kind_of == "date":
        return missing_or(language.date)
    if kind_of == "yes_no":
        return missing_or(lambda value: language.gettext("yes") if value else language.gettext("no"))
    return lambda value: (
        DASH if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)
    )


def title(column: str, language: Language, titles: dict[str, str] | None = None) -> str:
    """A column's screen title: the page's own if it gave one, else the engine column's, else its name."""
    if titles and column in titles:
        return titles[column]
    if column in TITLES:
        return language.gettext(TITLES[column])
    return column.replace("_", " ").capitalize()


def caveat(text, language: Language) -> str:
    """A rep's effort caveat ('weeks missing from the log; ...') in `language`; empty when there is none."""
    if not isinstance(text, str) or not text:
        return ""
    return CAVEAT_SEPARATOR.join(language.gettext(part) for part in text.split(CAVEAT_SEPARATOR))


def styled(frame: pd.DataFrame, language: Language, currency: str | None = None, kinds: dict[str, str] | None = None):
    """A Styler that shows each column in the language's format and keeps its values for sorting.

    `kinds` overrides a column's kind where a table uses an engine name differently ('gap' as a rate)."""
    kinds = kinds or {}
    return frame.style.format(
        {column: formatter(kinds.get(column) or kind(frame, column), language, currency) for column in frame.columns}
    )


ROUNDING = {"count": 0, "whole": 0, "effort": 1, "money": 0, "rate": 4, "p": 4, "decimal": 2}


def readable(
    frame: pd.DataFrame,
    language: Language,
    titles: dict[str, str] | None = None,
    kinds: dict[str, str] | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """The table as a download carries it: the screen's headers, numbers rounded as shown (rates to four
    places of their fraction, so 12.34% stays 0.1234), missing values left empty. Amounts stay numbers;
    with a `currency`, their headers name it: 'Revenue (NOK)'."""
    kinds = kinds or {}
    shown = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        kind_of = kinds.get(column) or kind(frame, column)
        values = frame[column]
        if kind_of in ROUNDING and pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            values = values.astype("Float64").round(ROUNDING[kind_of])
            if ROUNDING[kind_of] == 0:
                values = values.astype("Int64")
        elif kind_of == "yes_no":
            values = values.map({True: language.gettext("yes"), False: language.gettext("no")})
        header = title(column, language, titles)
        shown[f"{header} ({currency})" if currency and kind_of == "money" else header] = values
    return shown.reset_index(drop=True)
