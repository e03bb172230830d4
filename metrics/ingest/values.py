"""Parse the cell values of one column: dates, amounts, statuses, done flags, periods.

Each parser works on the column's distinct values and maps the result back, so a million-row log
with a few hundred distinct dates costs a few hundred parses. Where a value's format is ambiguous
(01/02/2025, 1.500), the whole column decides, never the single value. Unparseable cells become
missing, and the caller counts them; nothing here drops rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.columns import by_distinct
from metrics.text import normalise_label

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serials for 1954..2119: numbers outside this are not dates in a sales log.
SERIAL_RANGE = (20_000, 80_000)
# Dates written as yyyymmdd integers (20210101), as warehouse extracts and some CRMs' APIs give them.
_YMD = r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
YMD_RANGE = (19_000_101, 20_991_231)


def _strings(uniques: pd.Series) -> pd.Series:
    """The text values among distinct cells, stripped, keeping their index; numbers and dates are left out."""
    if pd.api.types.is_string_dtype(uniques) and uniques.dtype != object:
        return uniques.astype(str).str.strip()
    is_text = uniques.map(lambda v: isinstance(v, str)).astype(bool)
    return uniques[is_text].astype(str).str.strip()


# ---------------------------------------------------------------------------------------------- dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "januar"),
            ("feb", "february", "februar"),
            ("mar", "march", "mars"),
            ("apr", "april"),
            ("may", "mai"),
            ("jun", "june", "juni"),
            ("jul", "july", "juli"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt", "oktober"),
            ("nov", "november"),
            ("dec", "december", "des", "desember"),
        ),
        start=1,
    )
    for name in names
}
_NAMED_MONTH = re.compile(r"^\s*(\d{1,2})\.?\s+([A-Za-zæøåÆØÅé]+)\.?,?\s+(\d{4})\s*$")


def _matches(texts: pd.Series, pattern: str) -> np.ndarray:
    """Whole-value regex match, run by Arrow's vectorised engine (pandas' fullmatch loops in Python)."""
    return texts.str.contains(f"^(?:{pattern})$", regex=True).to_numpy(dtype=bool, na_value=False)


def month_first(texts: pd.Series) -> bool:
    """Whether a column's a/b/yyyy dates put the month first, decided by the whole column.

    Month-first only when some second part exceeds 12 while no first part does; otherwise day-first,
    the way Norwegian and most European exports write dates.
    """
    if texts.empty:
        return False
    second_over_12 = texts.str.contains(r"^ *[0-9]{1,2}[./-](?:1[3-9]|[2-3][0-9])[./-][0-9]{2,4}", regex=True)
    first_over_12 = texts.str.contains(r"^ *(?:1[3-9]|[2-3][0-9])[./-][0-9]{1,2}[./-][0-9]{2,4}", regex=True)
    return bool(second_over_12.any()) and not bool(first_over_12.any())


def _date_formats(texts: pd.Series) -> list[str]:
    """Candidate formats for text dates, ordered by what the whole column allows."""
    times = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
    days, months = (("%d/%m/%Y", "%d/%m/%y"), ("%m/%d/%Y", "%m/%d/%y"))
    slash = [f"{d}{t}" for d in (months + days if month_first(texts) else days + months) for t in times]
    dotted = [f"{d}{t}" for d in ("%d.%m.%Y", "%d.%m.%y") for t in times[:3]]
    dashed = [f"{d}{t}" for d in ("%d-%m-%Y", "%d-%m-%y") for t in times[:3]]
    return [
        *dotted,
        *slash,
        *dashed,
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%Y/%m/%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%d %b %Y",
        "%d %B %Y",
        "%b %d, %Y",
        "%B %d, %Y",
        "%b %d %Y",
        "%B %d %Y",
        "%d-%b-%Y",
        "%d-%b-%y",
    ]


# Patterns that run vectorised write [0-9] and ' ', not \d and \s: those make pandas fall back to Python's re.
_SHAPES = {
    "%d": "[0-9]{1,2}",
    "%m": "[0-9]{1,2}",
    "%Y": "[0-9]{4}",
    "%y": "[0-9]{2}",
    "%H": "[0-9]{1,2}",
    "%I": "[0-9]{1,2}",
    "%M": "[0-9]{2}",
    "%S": "[0-9]{2}",
    "%p": r"[AaPp]\.?[Mm]\.?",
    "%b": "[A-Za-z]{3}",
    "%B": "[A-Za-z]{3,}",
}


def _shape(fmt: str) -> str:
    """A regular expression for exactly the texts a strptime format could read: each format is tried only on
    the values that look like it, since a failed parse of a million values is slow."""
    parts = re.split(r"(%[a-zA-Z])", fmt)
    return "".join(_SHAPES[part] if part in _SHAPES else re.escape(part).replace(r"\ ", " +") for part in parts if part)


def _text_dates(texts: pd.Series) -> np.ndarray:
    """Parse stripped, non-empty text dates; NaT where no known format fits."""
    texts = texts.reset_index(drop=True)
    result = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[ns]")
    pending = np.arange(len(texts))

    def settle(chosen: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Store the parsed values at positions `chosen`; return the positions still pending."""
        found = ~np.isnat(values)
        result[chosen[found]] = values[found]
        return np.setdiff1d(pending, chosen[found], assume_unique=True)

    serial = _matches(texts, r"[0-9]{5}(?:\.[0-9]+)?")
    if serial.any():
        numbers = pd.to_numeric(texts[serial]).to_numpy(dtype=float)
        numbers[(numbers < SERIAL_RANGE[0]) | (numbers > SERIAL_RANGE[1])] = np.nan
        pending = settle(
            np.flatnonzero(serial), (EXCEL_EPOCH + pd.to_timedelta(numbers, unit="D")).to_numpy(dtype="datetime64[ns]")
        )
    ymd = _matches(texts.iloc[pending], _YMD)
    if ymd.any():
        parsed = pd.to_datetime(texts.iloc[pending][ymd], format="%Y%m%d", errors="coerce")
        pending = settle(pending[ymd], parsed.astype("datetime64[ns]").to_numpy())
    rest = texts.iloc[pending]
    iso = rest.str.contains("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", regex=True).to_numpy(dtype=bool)
    if iso.any():
        # Offsets become UTC so that a column mixing +01:00 and +02:00 still parses.
        parsed = pd.to_datetime(rest[iso], format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
        pending = settle(pending[iso], parsed.astype("datetime64[ns]").to_numpy())
    for fmt in _date_formats(texts.iloc[pending]) if len(pending) else []:
        if not len(pending):
            break
        rest = texts.iloc[pending]
        candidates = _matches(rest, _shape(fmt))
        if candidates.any():
            parsed = pd.to_datetime(rest[candidates], format=fmt, errors="coerce")
            pending = settle(pending[candidates], parsed.astype("datetime64[ns]").to_numpy())
    if len(pending):
        settle(pending, _named_month_dates(texts.iloc[pending]).to_numpy(dtype="datetime64[ns]"))
    return result


def _named_month_dates(texts: pd.Series) -> pd.Series:
    """'5. januar 2025', '5 mai 2025': dates with Norwegian or English month names."""
    index = texts.index
    texts = texts[texts.str.contains(r"^ *[0-9]{1,2}\.? +[^0-9 ]", regex=True).to_numpy(dtype=bool)]
    parts = texts.str.extract(_NAMED_MONTH)
    months = parts[1].str.lower().map(_MONTHS)
    found = parts[0].notna() & months.notna()
    if not found.any():
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    frame = pd.DataFrame({"year": pd.to_numeric(parts[2]), "month": months, "day": pd.to_numeric(parts[0])})
    dates = pd.to_datetime(frame.where(found), errors="coerce").astype("datetime64[ns]")
    return dates.reindex(index)


def _parse_distinct_dates(uniques: pd.Series) -> pd.Series:
    result = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    if uniques.empty:
        return result
    texts = _strings(uniques)
    others = uniques.drop(texts.index)
    if len(others):
        as_dates = others.map(
            lambda v: (
                pd.Timestamp(v)
                if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year") and hasattr(v, "month")
                else pd.NaT
            )
        )
        result[others.index] = pd.to_datetime(as_dates, errors="coerce").astype("datetime64[ns]")
        numbers = pd.to_numeric(
            others.map(lambda v: v if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else None),
            errors="coerce",
        )
        serial = numbers.between(*SERIAL_RANGE)
        result[serial[serial].index] = (EXCEL_EPOCH + pd.to_timedelta(numbers[serial], unit="D")).astype(
            "datetime64[ns]"
        )
        ymd = numbers.between(*YMD_RANGE) & (numbers % 1 == 0)
        if ymd.any():
            result[ymd[ymd].index] = _ymd_dates(numbers[ymd])
    texts = texts[texts != ""]
    if len(texts) == len(result):
        return pd.Series(_text_dates(texts), index=uniques.index, dtype="datetime64[ns]")
    if len(texts):
        result[texts.index] = _text_dates(texts)
    return result


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates from datetimes, Excel serial numbers, yyyymmdd integers, or text: ISO, dd.mm.yyyy, dd/mm/yyyy or
    mm/dd/yyyy (decided per column), optionally with a time, or '5. januar 2025'."""
    if pd.api.types.is_datetime64_any_dtype(values):
        converted = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        return converted.astype("datetime64[ns]")
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = pd.to_numeric(values, errors="coerce").astype(float)
        serial = numbers.where((numbers >= SERIAL_RANGE[0]) & (numbers <= SERIAL_RANGE[1]))
        dates = (EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")).astype("datetime64[ns]")
        ymd = numbers.between(*YMD_RANGE) & (numbers % 1 == 0)
        return dates.mask(ymd, _ymd_dates(numbers[ymd])) if ymd.any() else dates
    return by_distinct(values, _parse_distinct_dates)


def _ymd_dates(numbers: pd.Series) -> pd.Series:
    """20210101 → 2021-01-01; a number that is no calendar day becomes NaT."""
    return pd.to_datetime(numbers.astype("int64").astype(str), format="%Y%m%d", errors="coerce").astype(
        "datetime64[ns]"
    )


# -------------------------------------------------------------------------------------------- amounts

# Plain string patterns (not compiled), so that pandas runs them in Arrow's vectorised regex engine.
_CURRENCY = r"(?i)(kr|nok|sek|dkk|usd|eur|gbp|chf)\.?|[$€£%]|,-$|\.-$"
_MACHINE_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_PLAIN_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"


def _evidence(cleaned: pd.Series) -> tuple[int, int]:
    """How many values show a decimal comma, and how many a decimal point, unambiguously."""
    commas = cleaned.str.count(",")
    dots = cleaned.str.count(r"\.")
    both = (commas > 0) & (dots > 0)
    comma_last = cleaned.str.contains(r",[^.]*$")
    comma_says = (
        (both & comma_last)
        | ((commas == 1) & (dots == 0) & ~cleaned.str.contains(",[0-9]{3}$"))
        | ((dots > 1) & (commas == 0))
    )
    dot_says = (
        (both & ~comma_last)
        | ((dots == 1) & (commas == 0) & ~cleaned.str.contains(r"\.[0-9]{3}$"))
        | ((commas > 1) & (dots == 0))
    )
    return int(comma_says.sum()), int(dot_says.sum())


def _separators(cleaned: pd.Series, column_comma: bool) -> pd.Series:
    """Rewrite '1 234,50', '1.234,50', '1,234.50' and '1.000' as machine numbers.

    A value with both marks says which is the decimal one (the last). A single mark followed by exactly
    three digits is ambiguous, and `column_comma` (what the whole column shows) decides it.
    """
    commas = cleaned.str.count(",")
    dots = cleaned.str.count(r"\.")
    both = (commas > 0) & (dots > 0)
    comma_last = cleaned.str.contains(r",[^.]*$")
    comma_decimal = (both & comma_last) | (
        (commas == 1) & (dots == 0) & (column_comma | ~cleaned.str.contains(",[0-9]{3}$"))
    )
    dots_thousands = (
        (both & comma_last)
        | ((dots > 1) & (commas == 0))
        | ((dots == 1) & (commas == 0) & cleaned.str.contains(r"\.[0-9]{3}$") & column_comma)
    )
    commas_thousands = (both & ~comma_last) | ((commas > 0) & (dots == 0) & ~comma_decimal)
    out = cleaned.mask(dots_thousands, cleaned.str.replace(".", "", regex=False))
    out = out.mask(commas_thousands, out.str.replace(",", "", regex=False))
    return out.mask(comma_decimal, out.str.replace(",", ".", regex=False))


def _parse_distinct_amounts(uniques: pd.Series, decimal_comma: bool | None = None) -> pd.Series:
    texts = _strings(uniques)
    numeric = pd.Series(np.nan, index=uniques.index, dtype=float)
    others = uniques.drop(texts.index)
    if len(others):
        numeric[others.index] = pd.to_numeric(
            others.map(lambda v: v if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else None),
            errors="coerce",
        )
    if texts.empty:
        return numeric.astype("Float64")
    # Most cells are plain numbers ('1234.5'); only '1.500' among them is ambiguous, and only the rest
    # needs the slow clean-up.
    plain = pd.Series(_matches(texts, _PLAIN_NUMBER), index=texts.index)
    ambiguous = plain & texts.str.contains(r"\.[0-9]{3}$")
    simple = plain & ~ambiguous
    rest = texts[~simple]
    if len(rest):
        cleaned = rest.str.replace("\u2212", "-", regex=False).str.replace(_CURRENCY, "", regex=True).str.strip()
        negative = cleaned.str.contains(r"^-? *\(.*\)$", regex=True) | (
            cleaned.str.endswith("-") & ~cleaned.str.startswith("-")
        )
        cleaned = cleaned.str.replace("[ \t\u00a0\u202f\u2009'\u2019()]", "", regex=True).str.rstrip("-")
        comma_votes, dot_votes = _evidence(cleaned)
        dot_votes += int((simple & texts.str.contains(".", regex=False)).sum())
        column_comma = comma_votes > dot_votes if comma_votes != dot_votes else bool(decimal_comma)
        cleaned = _separators(cleaned, column_comma)
        values = pd.to_numeric(cleaned.where(_matches(cleaned, _MACHINE_NUMBER)), errors="coerce")
        values = values.mask(negative & values.notna(), -values.abs())
        numeric[rest.index] = values.to_numpy(dtype=float, na_value=np.nan)
    if simple.any():
        numeric[simple[simple].index] = pd.to_numeric(texts[simple]).to_numpy(dtype=float)
    return numeric.astype("Float64")


def parse_amounts(values: pd.Series, decimal_comma: bool | None = None) -> pd.Series:
    """Numbers from numbers or text with currency marks (kr, NOK, $, €), thousands separators (space,
    no-break space, '.', ','), decimal commas and negatives in parentheses.

    `decimal_comma` is the file's hint for a column whose every value is ambiguous ('1.500'): a
    semicolon-separated CSV writes decimal commas.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("Float64")
    return by_distinct(values, lambda uniques: _parse_distinct_amounts(uniques, decimal_comma))


# ---------------------------------------------------------------------------------- statuses and flags

STATUS_WORDS = {
    "won": (
        "won",
        "win",
        "closed won",
        "closedwon",
        "vunnet",
        "vunnen",
        "signed",
        "signert",
        "contract signed",
        "true",
        "yes",
        "ja",
        "1",
        "closed won stage",
        "deal won",
        "won deal",
        "sold",
        "solgt",
        "success",
        "converted",
        "closed converted",
        "konvertert",
    ),
    "lost": (
        "lost",
        "closed lost",
        "closedlost",
        "tapt",
        "tapte",
        "false",
        "no",
        "nei",
        "0",
        "lose",
        "lost deal",
        "closed lost stage",
        "deal lost",
        "cancelled",
        "canceled",
        "disqualified",
        "avbrutt",
        "avslatt",
        "rejected",
        "declined",
        "unqualified",
        "closed not converted",
        "not converted",
        "junk",
        "junk lead",
        "not interested",
        "diskvalifisert",
    ),
    # Lead statuses name an open lead; a lead is won only once converted.
    "open": (
        "open",
        "apen",
        "in progress",
        "pagaende",
        "active",
        "aktiv",
        "pending",
        "ongoing",
        "under arbeid",
        "new",
        "contacted",
        "qualified",
        "working",
        "nurturing",
        "working contacted",
        "open not contacted",
        "attempted to contact",
        "attempting contact",
        "ny",
        "kontaktet",
        "kvalifisert",
    ),
}
STATUSES = tuple(STATUS_WORDS)
_STATUS_INDEX = {normalise_label(word): status for status, words in STATUS_WORDS.items() for word in words}


def status_of(text: object, assigned: dict[str, str] | None = None) -> str | None:
    """'won', 'lost' or 'open' for a status or stage text, or None when the text names none.

    `assigned` holds the user's own choices (raw text → status); they win over the built-in words.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    label = normalise_label(text)
    if assigned and label in assigned:
        return assigned[label]
    if label in _STATUS_INDEX:
        return _STATUS_INDEX[label]
    words = label.split()
    if "won" in words or "vunnet" in words:
        return "won"
    if "lost" in words or "tapt" in words:
        return "lost"
    return None


def normalised_choices(assigned: dict[str, str] | None) -> dict[str, str]:
    """The user's value choices keyed the way values are compared: case, accents and punctuation ignored."""
    return {normalise_label(raw): choice for raw, choice in (assigned or {}).items()}


def parse_statuses(values: pd.Series, assigned: dict[str, str] | None = None) -> pd.Series:
    choices = normalised_choices(assigned)
    return by_distinct(values, lambda uniques: uniques.map(lambda v: status_of(v, choices)).astype("string"))


DONE_WORDS = {
    True: (
        "done",
        "yes",
        "true",
        "1",
        "ja",
        "completed",
        "complete",
        "utfort",
        "ferdig",
        "fullfort",
        "x",
        "held",
        "gjennomfort",
        "closed",
    ),
    # Salesforce's task statuses, HubSpot's (NOT_STARTED, IN_PROGRESS, WAITING, DEFERRED) and Pipedrive's 0.
    False: (
        "no",
        "false",
        "0",
        "nei",
        "to do",
        "todo",
        "not done",
        "planned",
        "ikke utfort",
        "scheduled",
        "not started",
        "planlagt",
        "ikke startet",
        "open",
        "pending",
        "in progress",
        "on hold",
        "waiting on someone else",
        "waiting",
        "deferred",
        "pagaende",
    ),
}
_DONE_INDEX = {normalise_label(word): done for done, words in DONE_WORDS.items() for word in words}
# Words only a task's status uses: a 'Status' column with one of them (and no won or lost) says whether
# each activity was done, not how a deal ended.
TASK_STATUS_WORDS = {
    normalise_label(word)
    for word in (
        "completed",
        "not started",
        "waiting on someone else",
        "waiting",
        "deferred",
        "on hold",
        "done",
        "to do",
        "not done",
        "ikke startet",
        "utfort",
    )
}
FLAG_WORDS = {True: ("1", "true", "yes", "ja", "y", "x"), False: ("0", "false", "no", "nei", "n")}
_FLAG_INDEX = {word: flag for flag, words in FLAG_WORDS.items() for word in words}


def is_task_status(values: pd.Series) -> bool:
    """Whether a status column holds task statuses (Completed, Not Started, ...) rather than deal outcomes."""
    labels = {normalise_label(v) for v in values.dropna().unique()[:1000] if isinstance(v, str)}
    return bool(labels & TASK_STATUS_WORDS) and not any(
        _STATUS_INDEX.get(label) in ("won", "lost") for label in labels - set(_DONE_INDEX)
    )


def parse_flags(values: pd.Series) -> pd.Series:
    """True for 1/true/yes, False for 0/false/no, <NA> for anything else, as a flag column such as
    Salesforce's IsConverted writes them."""
    return by_distinct(
        values,
        lambda uniques: uniques.map(
            lambda v: _FLAG_INDEX.get(normalise_label(v)) if isinstance(v, (str, int, float, bool)) else None
        ).astype("boolean"),
    )


def parse_done(values: pd.Series) -> pd.Series:
    """True for activities marked done, False for planned ones, <NA> when the cell says neither."""
    return by_distinct(
        values,
        lambda uniques: uniques.map(
            lambda v: _DONE_INDEX.get(normalise_label(v)) if isinstance(v, (str, int, float, bool)) else None
        ).astype("boolean"),
    )


# -------------------------------------------------------------------------------------------- periods

_WEEK_WORDS = r"(?:week|wk|w|uke|u|v|vecka|kw)"


def _period_parts(label: str, kind: str | None) -> tuple[str, int, int | None] | None:
    """('week'|'month', number, year or None) for a normalised period label."""
    match = re.fullmatch(rf"(\d{{4}}) ?{_WEEK_WORDS} ?(\d{{1,2}})", label) or re.fullmatch(
        rf"{_WEEK_WORDS} ?(\d{{1,2}})(?: (\d{{4}}))?", label
    )
    if match:
        groups = match.groups()
        year, number = (groups[0], groups[1]) if len(groups[0]) == 4 else (groups[1], groups[0])
        return "week", int(number), int(year) if year else None
    match = (
        re.fullmatch(r"([a-z]+) (\d{4}|\d{2})", label)
        or re.fullmatch(r"(\d{4}) ([a-z]+)", label)
        or re.fullmatch(r"([a-z]+)", label)
    )
    if match:
        groups = match.groups()
        name, year = (
            (groups[0], groups[1] if len(groups) > 1 else None) if groups[0].isalpha() else (groups[1], groups[0])
        )
        if name in _MONTHS:
            full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
            return "month", _MONTHS[name], full_year
        return None
    match = re.fullmatch(r"(\d{4}) m?(\d{1,2})", label) or re.fullmatch(r"(\d{1,2}) (\d{4})", label)
    if match:
        first, second = match.groups()
        year, number = (first, second) if len(first) == 4 else (second, first)
        return ("week" if kind == "week" else "month"), int(number), int(year)
    if kind in ("week", "month") and re.fullmatch(r"\d{1,2}", label):
        return kind, int(label), None
    return None


def _start(kind: str, number: int, year: int) -> pd.Timestamp | None:
    try:
        if kind == "week":
            return pd.Timestamp.fromisocalendar(year, number, 1)
        return pd.Timestamp(year, number, 1)
    except ValueError:
        return None


def period_start(value: object, kind: str | None = None, year: int | None = None) -> pd.Timestamp | None:
    """The first day of a week or month label; `year` completes a label that has none ('uke 7')."""
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
    if not isinstance(value, str):
        return None
    parts = _period_parts(normalise_label(value), kind)
    if parts is None:
        return None
    kind_found, number, label_year = parts
    if label_year is None and year is None:
        return None
    return _start(kind_found, number, label_year if label_year is not None else int(year or 0))


def lacks_year(values: pd.Series, kind: str | None = None) -> pd.Series:
    """True where a cell names a week or month but no year: 'uke 7', 'W07', 'jan', or 7 in a 'Uke' column."""

    def parse(uniques: pd.Series) -> pd.Series:
        def yearless(value) -> bool:
            if isinstance(value, float) and value.is_integer():
                value = str(int(value))
            parts = _period_parts(normalise_label(value), kind) if isinstance(value, str) else None
            return parts is not None and parts[2] is None

        return uniques.map(yearless).astype("boolean")

    return by_distinct(values, parse).fillna(False).astype(bool)


def parse_periods(values: pd.Series, kind: str | None = None, year: int | pd.Series | None = None) -> pd.Series:
    """Start dates of week or month labels ('2025-W07', 'uke 7 2025', 'jan 2025', '2025-01'), else plain dates.

    `kind` ('week' or 'month', from the header) lets a bare number be read as one; `year` (a number, or
    one per row) completes labels that carry no year.
    """

    def parse(uniques: pd.Series) -> pd.Series:
        labelled = pd.to_datetime(uniques.map(lambda v: period_start(v, kind)), errors="coerce").astype(
            "datetime64[ns]"
        )
        rest = uniques.where(labelled.isna())
        return labelled.fillna(_parse_distinct_dates(rest.dropna()).reindex(uniques.index))

    dates = by_distinct(values, parse)
    if year is None:
        return dates
    years = year if isinstance(year, pd.Series) else pd.Series(year, index=values.index)
    missing = dates.isna() & values.notna() & years.notna()
    if missing.any():
        keys = pd.DataFrame({"value": values[missing].astype(str), "year": years[missing].astype(int)})
        distinct = keys.drop_duplicates()
        starts = [period_start(v, kind, y) for v, y in zip(distinct["value"], distinct["year"])]
        distinct = distinct.assign(start=pd.to_datetime(pd.Series(starts, index=distinct.index, dtype=object)))
        filled = keys.merge(distinct, on=["value", "year"], how="left")["start"].to_numpy()
        dates[missing] = pd.to_datetime(filled).astype("datetime64[ns]")
    return dates


def year_for_periods(values: pd.Series, kind: str | None, today: pd.Timestamp) -> pd.Series:
    """For labels without a year, the latest year in which the period has begun by `today`."""

    def latest(value) -> int | None:
        for year in (today.year, today.year - 1):
            start = period_start(value, kind, year)
            if start is not None and start <= today:
                return year
        return None

    return by_distinct(values, lambda uniques: uniques.map(latest).astype("Int64"))
