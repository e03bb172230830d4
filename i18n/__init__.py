"""Screen, report and export text in English and Norwegian bokmål.

Words come from gettext catalogs managed with Babel; numbers, money, percentages and dates are written by
Babel in the language's locale (`1 234 567 kr`, `12,5 %`, `27.11.2026` in Norwegian). The dashboard, the
exports and the CLI all speak through a `Language`, so a finding reads the same wherever it appears.

The catalogs: i18n/locales/<code>/LC_MESSAGES/messages.po, compiled to messages.mo beside it. After
changing any text, `python -m i18n.catalog` extracts it (babel.cfg says where), merges it into each .po,
and compiles; translate what is new in the .po and run it again. tests/test_translations.py fails when a
string has no Norwegian or a .mo doesn't match its .po. Text is marked for extraction by the calls
`t(...)`, `tn(...)` (views), `.gettext(...)`, `.ngettext(...)` and `N_(...)` (a marker for text translated
where it is shown); always pass a template with `{names}`, never an f-string.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import math
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

LANGUAGES = {"en": "English", "nb": "Norsk bokmål"}
DEFAULT_LANGUAGE = "en"
LOCALES = {"en": "en_GB", "nb": "nb_NO"}
# A day as each language writes it: 27.11.2026 in Norwegian; 27 Nov 2026 in English, which no reader on
# either side of the Atlantic takes for 11 March.
DATE_PATTERNS = {"en": "d MMM y", "nb": "dd.MM.y"}
LOCALE_DIR = Path(__file__).resolve().parent / "locales"
DASH = "–"  # what a missing number shows as


def N_(message: str) -> str:
    """Mark `message` for the catalog; it is translated where it is shown."""
    return message


# The pages' own text is in the "messages" catalog, the engine's sentences (errors, reasons, findings) in
# "engine": two files, so the two can change without stepping on each other.
DOMAINS = ("messages", "engine")


@cache
def _translations(code: str) -> gettext_module.NullTranslations:
    if code == DEFAULT_LANGUAGE:
        return gettext_module.NullTranslations()
    found = None
    for domain in DOMAINS:
        try:
            catalog = gettext_module.translation(domain, localedir=str(LOCALE_DIR), languages=[code])
        except FileNotFoundError:
            continue
        if found is None:
            found = catalog
        else:
            found.add_fallback(catalog)
    return found or gettext_module.NullTranslations()


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # an array or a string: not a single missing value
        return False


@dataclass(frozen=True)
class Language:
    code: str

    @property
    def locale(self) -> str:
        return LOCALES[self.code]

    @property
    def name(self) -> str:
        return LANGUAGES[self.code]

    # ------------------------------------------------------------------------------------------------ words

    def gettext(self, message: str) -> str:
        # gettext("") is the catalog's header, never a word: an empty text (a table with no reason) stays empty.
        return _translations(self.code).gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return _translations(self.code).ngettext(singular, plural, int(count))

    def text(self, message: str, **values) -> str:
        """`message` translated, its {names} filled with `values`."""
        translated = self.gettext(message)
        return translated.format(**values) if values else translated

    def render(self, message, currency: str | None = None) -> str:
        """A metrics.text.Message (or plain text) in this language: its template translated, each value
        written as its kind says ({rate:percent}, {won:count}, {revenue:money}, {day:date}, ...)."""
        if isinstance(message, str):
            return self.gettext(message)
        return _LocalFormatter(self, currency).format(self.gettext(message.template), **message.values)

    def plural(self, singular: str, plural: str, count, **values) -> str:
        """'1 activity', '2 activities': the form the language uses for `count`, with {count} filled in."""
        return self.ngettext(singular, plural, count).format(count=self.number(count), **values)

    # ---------------------------------------------------------------------------------------------- numbers

    def number(self, value, decimals: int = 0) -> str:
        """A number with the locale's separators; `decimals` places, none where the value is whole."""
        from babel.numbers import format_decimal

        if _missing(value):
            return DASH
        value = float(value)
        places = 0 if value.is_integer() else decimals
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(round(value, places), format=pattern, locale=self.locale)

    def count(self, value) -> str:
        """A count of deals or customers: whole; an expected or extra count is 'about 46', never '45.6'."""
        if _missing(value):
            return DASH
        if float(value).is_integer():
            return self.number(value)
        return self.gettext("about {count}").format(count=self.number(round(float(value))))

    def percent(self, value, decimals: int = 1) -> str:
        from babel.numbers import format_percent

        if _missing(value):
            return DASH
        return format_percent(float(value), format=_percent_pattern(self.locale, decimals), locale=self.locale)

    def signed_percent(self, change) -> str | None:
        """A change as '+12.3%' or '-4.0%'; None when there is none. Rounds first, so a tiny fall reads '0.0%',
        not '-0.0%'. The minus is the ASCII hyphen: st.metric reads a delta's direction from it."""
        if _missing(change):
            return None
        rounded = round(float(change), 3)
        text = self.percent(abs(rounded))
        return text if rounded == 0 else ("+" if rounded > 0 else "-") + text

    def money(self, value, currency: str | None = None) -> str:
        """An amount, whole, with the currency when the data or the user names one."""
        from babel.numbers import format_currency

        if _missing(value):
            return DASH
        if not currency:
            return self.number(round(float(value)))
        return format_currency(
            round(float(value)),
            currency,
            format=_whole_currency_pattern(self.locale),
            locale=self.locale,
            currency_digits=False,
        )

    def compact(self, value, currency: str | None = None) -> str:
        """A large amount shortened to fit a card: 4 540 000 → '4.54M' ('4,54 mill.' in Norwegian)."""
        from babel.numbers import format_compact_currency, format_compact_decimal

        if _missing(value):
            return DASH
        if abs(float(value)) < 10_000:
            return self.money(value, currency)
        # Three significant figures: 547K, 23.9K, 5.29M.
        leading = abs(float(value)) / 1000 ** int(math.log10(abs(float(value))) // 3)
        digits = 2 if leading < 10 else 1 if leading < 100 else 0
        if currency:
            return format_compact_currency(float(value), currency, locale=self.locale, fraction_digits=digits)
        return format_compact_decimal(float(value), locale=self.locale, fraction_digits=digits)

    # ------------------------------------------------------------------------------------------------ dates

    def date(self, value) -> str:
        """A day: 27.11.2026 in Norwegian, 27 Nov 2026 in English."""
        from babel.dates import format_date

        return DASH if _missing(value) else format_date(_day(value), DATE_PATTERNS[self.code], locale=self.locale)

    def month(self, value) -> str:
        """'November 2026' / 'november 2026'."""
        from babel.dates import format_date

        return DASH if _missing(value) else format_date(_day(value), "LLLL y", locale=self.locale)

    def short_month(self, value) -> str:
        """'Nov 2026' / 'nov. 2026', for axes."""
        from babel.dates import format_date

        return DASH if _missing(value) else format_date(_day(value), "LLL y", locale=self.locale)

    def period(self, value, frequency: str) -> str:
        """A trend's period in words: 'November 2026', or 'week of 23/11/2026'."""
        if frequency == "month":
            return self.month(value)
        return self.gettext("week of {day}").format(day=self.date(value))

    def date_range(self, start, end) -> str:
        return f"{self.date(start)}–{self.date(end)}"

    # ----------------------------------------------------------------------------------------------- charts

    @cache  # noqa: B019 - a Language is a frozen value, two of them at most: the cache never grows
    def vega_locale(self) -> dict:
        """The language's number and date formats as Vega's `config.locale` (d3-format and d3-time-format
        definitions), from the same CLDR data as the text: a chart's axes, labels and tooltips then read
        1 000 and 12,5 % in Norwegian, as the tables do."""
        from babel import Locale

        found = Locale.parse(self.locale)
        symbols = found.number_symbols["latn"]
        percent = found.percent_formats[None].pattern
        months, days, noon = found.months["format"], found.days["format"], found.day_periods["format"]["abbreviated"]
        # CLDR numbers weekdays from Monday (0); d3 lists them from Sunday.
        from_sunday = [6, 0, 1, 2, 3, 4, 5]
        day, time = _d3_time(found.date_formats["short"].pattern), _d3_time(found.time_formats["medium"].pattern)
        return {
            "number": {
                "decimal": symbols["decimal"],
                "thousands": symbols["group"],
                "grouping": [3],
                "currency": ["", ""],
                "percent": percent[percent.rindex("0") + 1 :],  # '%' or ' %': what follows the digits
                "minus": symbols["minusSign"],
            },
            "time": {
                "dateTime": f"{day} {time}",
                "date": day,
                "time": time,
                "periods": [noon["am"], noon["pm"]],
                "days": [days["wide"][day] for day in from_sunday],
                "shortDays": [days["abbreviated"][day] for day in from_sunday],
                "months": [months["wide"][month] for month in range(1, 13)],
                "shortMonths": [months["abbreviated"][month] for month in range(1, 13)],
            },
        }


class _LocalFormatter(string.Formatter):
    """str.format whose format spec names a kind of value, written in the language's own way (see
    metrics.text.Message): a Message inside is said in the same language, a list joined in its words."""

    def __init__(self, language: Language, currency: str | None = None):
        self.language, self.currency = language, currency

    def format_field(self, value, format_spec: str) -> str:
        from metrics.text import LISTS, SEPARATORS, Message, kind_and_places

        kind, places = kind_and_places(format_spec)
        if isinstance(value, Message):
            return self.language.render(value, self.currency)
        if kind in LISTS:
            items = [
                self.language.render(item, self.currency) if isinstance(item, Message) else str(item) for item in value
            ]
            if kind in SEPARATORS or not items:
                return SEPARATORS.get(kind, "").join(items)
            from babel.lists import format_list

            return format_list(items, style="standard" if kind == "and" else "or", locale=self.language.locale)
        writers = {
            "percent": lambda v: self.language.percent(v, 1 if places is None else places),
            "count": self.language.count,
            "money": lambda v: self.language.money(v, self.currency),
            "number": lambda v: self.language.number(v, 1 if places is None else places),
            "ratio": lambda v: self.language.number(v, 1) + "×",
            "month": self.language.month,
            "date": self.language.date,
            "term": self.language.gettext,
            "lower": lambda v: self.language.gettext(v).lower(),
        }
        if kind in writers:
            return writers[kind](value)
        return super().format_field(value, format_spec)


@cache
def _percent_pattern(locale: str, decimals: int) -> str:
    """The locale's percent pattern with `decimals` places: '#,##0.0 %' in Norwegian, '#,##0.0%' in English."""
    from babel import Locale

    pattern = Locale.parse(locale).percent_formats[None].pattern.split(";")[0]
    last_digit = pattern.rfind("0")
    return pattern[: last_digit + 1] + ("." + "0" * decimals if decimals else "") + pattern[last_digit + 1 :]


@cache
def _whole_currency_pattern(locale: str) -> str:
    """The locale's own currency pattern without its decimals: '#,##0 ¤' in Norwegian, '¤#,##0' in English."""
    from babel import Locale

    return Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return value.to_pydatetime().date()  # a pandas Timestamp or Period start


@cache
def language(code: str | None) -> Language:
    """The Language for `code`; English for anything unknown."""
    return Language(code if code in LANGUAGES else DEFAULT_LANGUAGE)


# CLDR date and time fields as d3-time-format directives, longest first ('yyyy' before 'y').
_D3_FIELDS = {
    "yyyy": "%Y",
    "yy": "%y",
    "y": "%Y",
    "MMMM": "%B",
    "MMM": "%b",
    "MM": "%m",
    "M": "%-m",
    "dd": "%d",
    "d": "%-d",
    "HH": "%H",
    "H": "%-H",
    "hh": "%I",
    "h": "%-I",
    "mm": "%M",
    "ss": "%S",
    "a": "%p",
}
_CLDR_FIELD = re.compile("|".join(sorted(map(re.escape, _D3_FIELDS), key=len, reverse=True)))


def _d3_time(pattern: str) -> str:
    """A CLDR date or time pattern ('dd.MM.y', 'HH:mm:ss') as a d3-time-format specifier."""
    return _CLDR_FIELD.sub(lambda field: _D3_FIELDS[field.group(0)], pattern.replace("'", ""))
