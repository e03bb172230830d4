"""Text normalisation shared by header matching and vocabulary lookups, and the marker for words the pages
show in the user's language."""
from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, field

_NON_WORD = re.compile(r"[^0-9a-z]+")
# Norwegian letters that NFKD does not decompose.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "ß": "ss"})


def normalise_label(text: object) -> str:
    """Lower-case, fold accents and Norwegian letters, and turn punctuation runs into single spaces."""
    folded = unicodedata.normalize("NFKD", str(text).casefold().translate(_FOLD))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", ascii_only).strip()


def N_(text: str) -> str:
    """Mark a label the engine names for the translation catalog (see i18n/); pages translate it where shown."""
    return text


@dataclass(frozen=True)
class Message:
    """A sentence for a person, as a template and its values: the engine says what to say, the pages and
    exports say it in the user's language (i18n.Language.render).

    `template` is English, marked with N_ for the catalog, with {names} for the values; a name may carry a
    kind after a colon, which says how the value reads: {rate:percent}, {won:count}, {revenue:money},
    {median:number}, {ratio:ratio}, {period:month}, {day:date}, {activity:term} (a word from the
    catalog, such as a scenario's label). `str()` gives a plain English rendering, for logs and tests.
    """

    template: str
    values: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return _PLAIN.format(self.template, **self.values)


class _PlainFormatter(string.Formatter):
    """English without a locale: enough for a log line or a test's failure message."""

    def format_field(self, value, format_spec: str) -> str:
        if format_spec == "percent":
            return f"{value:.1%}"
        if format_spec in {"count", "money"}:
            return f"{value:,.0f}"
        if format_spec in {"number", "ratio"}:
            return f"{value:,.1f}" + ("×" if format_spec == "ratio" else "")
        if format_spec in {"month", "date", "term"}:
            return str(value)
        return super().format_field(value, format_spec)


_PLAIN = _PlainFormatter()
