"""Parse the cell values of one column: dates, amounts, statuses, periods.

Each parser works on the column's distinct values and maps the result back, so a million-row log
with a few hundred distinct dates costs a few hundred parses. Unparseable cells become missing,
and the caller counts them; nothing here drops rows.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.text import normalise_label

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serials for 1954..2119: numbers outside this are not dates in a sales log.
SERIAL_RANGE = (20_000, 80_000)


def _by_distinct(values: pd.Series, parse_distinct) -> pd.Series:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = parse_distinct(pd.Series(uniques))
    taken = parsed.iloc[np.where(codes < 0, 0, codes)] if len(parsed) else parsed.reindex(range(len(codes)))
    result = pd.Series(taken.to_numpy(), index=values.index, dtype=parsed.dtype)
    result[codes < 0] = pd.NA if parsed.dtype != "datetime64[ns]" else pd.NaT
    return result


def _date_formats(texts: pd.Series) -> list[str]:
    """Candidate formats for text dates, ordered by what the whole column allows.

    A column of a/b/yyyy dates is day-first unless some first part exceeds 12 while no second part does.
    """
    sample = texts.str.extract(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})")
    first = pd.to_numeric(sample[0], errors="coerce")
    second = pd.to_numeric(sample[1], errors="coerce")
    month_first = bool((second > 12).any()) and not bool((first > 12).any())
    slash = ["%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y"] if month_first else \
        ["%d/%m/%Y", "%m/%d/%Y", "%d/%m/%y", "%m/%d/%y"]
    return ["ISO8601", "%d.%m.%Y", "%d.%m.%y", *slash, "%d-%m-%Y", "%Y/%m/%d", "%d %b %Y", "%b %d, %Y",
            "%d %B %Y", "%B %d, %Y"]


def _parse_distinct_dates(uniques: pd.Series) -> pd.Series:
    result = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    if uniques.empty:
        return result
    as_dates = uniques.map(lambda v: pd.Timestamp(v) if isinstance(v, (pd.Timestamp, np.datetime64)) or
                           hasattr(v, "year") and hasattr(v, "month") else pd.NaT)
    result = result.fillna(pd.to_datetime(as_dates, errors="coerce").astype("datetime64[ns]"))
    numbers = pd.to_numeric(uniques.where(result.isna()).map(
        lambda v: v if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else
        (v.strip() if isinstance(v, str) and re.fullmatch(r"\s*\d{5}(\.\d+)?\s*", v) else None)),
        errors="coerce")
    serial = numbers.between(*SERIAL_RANGE)
    result[serial] = (EXCEL_EPOCH + pd.to_timedelta(numbers[serial], unit="D")).astype("datetime64[ns]")
    texts = uniques.where(result.isna() & uniques.map(lambda v: isinstance(v, str))).dropna().astype(str).str.strip()
    for fmt in _date_formats(texts) if not texts.empty else []:
        if texts.empty:
            break
        parsed = pd.to_datetime(texts, format=fmt, errors="coerce")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        parsed = parsed.dropna()
        result[parsed.index] = parsed.astype("datetime64[ns]")
        texts = texts.drop(parsed.index)
    return result


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates from datetimes, Excel serial numbers or text in ISO, dd.mm.yyyy, dd/mm/yyyy or mm/dd/yyyy."""
    if pd.api.types.is_datetime64_any_dtype(values):
        converted = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        return converted.astype("datetime64[ns]")
    return _by_distinct(values, _parse_distinct_dates)


_CURRENCY = re.compile(r"(?i)\b(?:kr|nok|sek|dkk|usd|eur|gbp)\b\.?|[$€£]|,-$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def _decimal_comma(texts: pd.Series) -> bool:
    """True when the column writes decimals with a comma: some value has a comma not followed by exactly 3 digits."""
    commas = texts.str.extract(r",(\d+)$")[0].dropna()
    return bool((commas.str.len() != 3).any()) or bool(texts.str.contains(r"\.\d{3},\d", regex=True).any())


def _parse_distinct_amounts(uniques: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(uniques.map(lambda v: v if isinstance(v, (int, float, np.number))
                                        and not isinstance(v, bool) else None), errors="coerce")
    texts = uniques.where(numeric.isna()).dropna().astype(str)
    if texts.empty:
        return numeric.astype("Float64")
    cleaned = texts.str.replace(_CURRENCY, "", regex=True).str.strip()
    negative = cleaned.str.match(r"^\(.*\)$") | cleaned.str.endswith("-") & ~cleaned.str.startswith("-")
    cleaned = cleaned.str.strip("()").str.rstrip("-").str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    if _decimal_comma(cleaned):
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        cleaned = cleaned.str.replace(",", "", regex=False)
    valid = cleaned.str.match(_NUMBER.pattern)
    values = pd.to_numeric(cleaned.where(valid), errors="coerce")
    values[negative & values.notna()] *= -1
    numeric[values.index] = values
    return numeric.astype("Float64")


def parse_amounts(values: pd.Series) -> pd.Series:
    """Numbers from numbers or text with currency marks, thousands separators, decimal commas, (negatives)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("Float64")
    return _by_distinct(values, _parse_distinct_amounts)


STATUS_WORDS = {
    "won": ("won", "win", "closed won", "closedwon", "vunnet", "vunnen", "signed", "signert", "contract signed",
            "true", "yes", "ja", "1", "closed won stage", "deal won"),
    "lost": ("lost", "closed lost", "closedlost", "tapt", "tapte", "false", "no", "nei", "0", "lose", "lost deal",
             "closed lost stage", "deal lost", "cancelled", "disqualified"),
    "open": ("open", "apen", "in progress", "pagaende", "active", "aktiv", "pending"),
}
_STATUS_INDEX = {normalise_label(word): status for status, words in STATUS_WORDS.items() for word in words}


def status_of(text: object) -> str | None:
    """'won', 'lost' or 'open' for a status or stage text, or None when the text names none."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    label = normalise_label(text)
    if label in _STATUS_INDEX:
        return _STATUS_INDEX[label]
    if "won" in label.split() or "vunnet" in label.split():
        return "won"
    if "lost" in label.split() or "tapt" in label.split():
        return "lost"
    return None


def parse_statuses(values: pd.Series) -> pd.Series:
    return _by_distinct(values, lambda uniques: uniques.map(status_of).astype("string"))


_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january", "januar"), ("feb", "february", "februar"), ("mar", "march", "mars"),
     ("apr", "april"), ("may", "mai"), ("jun", "june", "juni"), ("jul", "july", "juli"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october", "okt", "oktober"), ("nov", "november"),
     ("dec", "december", "des", "desember")), start=1) for name in names}


def _period_start(value: object) -> pd.Timestamp | None:
    if isinstance(value, str):
        label = normalise_label(value)
        week = re.fullmatch(r"(\d{4}) w(?:eek|k|uke)? ?(\d{1,2})", label) or \
            re.fullmatch(r"(?:uke|week|w|wk|v) ?(\d{1,2}) (\d{4})", label)
        if week:
            year, number = (week.group(1), week.group(2)) if len(week.group(1)) == 4 else \
                (week.group(2), week.group(1))
            try:
                return pd.Timestamp.fromisocalendar(int(year), int(number), 1)
            except ValueError:
                return None
        month = re.fullmatch(r"([a-z]+) (\d{4})", label) or re.fullmatch(r"(\d{4}) ([a-z]+)", label)
        if month:
            name, year = (month.group(1), month.group(2)) if month.group(1).isalpha() else \
                (month.group(2), month.group(1))
            if name in _MONTHS:
                return pd.Timestamp(int(year), _MONTHS[name], 1)
        numeric_month = re.fullmatch(r"(\d{4}) (\d{1,2})", label)
        if numeric_month and 1 <= int(numeric_month.group(2)) <= 12:
            return pd.Timestamp(int(numeric_month.group(1)), int(numeric_month.group(2)), 1)
    return None


def parse_periods(values: pd.Series) -> pd.Series:
    """Start dates of week or month labels ('2025-W07', 'uke 7 2025', 'jan 2025', '2025-01'), else plain dates."""
    def parse(uniques: pd.Series) -> pd.Series:
        labelled = pd.to_datetime(uniques.map(_period_start), errors="coerce").astype("datetime64[ns]")
        return labelled.fillna(_parse_distinct_dates(uniques.where(labelled.isna())))

    return _by_distinct(values, parse)
