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
    catalog, such as a scenario's label), {stage:lower} (such a word mid-sentence, in lower case).
    `percent` and `number` take their places after a dot: {rate:percent.0}, {p:number.3}. A value may be a
    Message itself (a sentence or a word of the catalog, said in the same language), and a list is joined
    as its kind says: {roles:and} ('date and team'), {roles:or}, {problems:list} ('a; b'), {parts:sentences}
    ('A. B.'). `str()` gives a plain English rendering, for logs and tests.
    """

    template: str
    values: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return _PLAIN.format(self.template, **self.values)


# The ways a list of values is joined (see Message): the language's own words for 'and' and 'or'; the other
# two are punctuation, the same in either language.
LISTS = ("and", "or", "list", "sentences")
SEPARATORS = {"list": "; ", "sentences": " "}
# Every kind a template's field may name ('' for a value written as it is).
KINDS = ("", "percent", "count", "money", "number", "ratio", "month", "date", "term", "lower", *LISTS)


def listing(items, kind: str = "and") -> Message:
    """Values (words of the catalog as Messages, or the user's own text) as one list: 'date, rep and team'."""
    return Message(
        {"and": "{items:and}", "or": "{items:or}", "list": "{items:list}", "sentences": "{items:sentences}"}[kind],
        {"items": list(items)},
    )


def kind_and_places(format_spec: str) -> tuple[str, int | None]:
    """'percent.0' → ('percent', 0); 'count' → ('count', None)."""
    kind, _, places = format_spec.partition(".")
    return kind, int(places) if places.isdigit() else None


class _PlainFormatter(string.Formatter):
    """English without a locale: enough for a log line or a test's failure message."""

    def format_field(self, value, format_spec: str) -> str:
        kind, places = kind_and_places(format_spec)
        if isinstance(value, Message):
            return str(value)
        if kind in LISTS:
            items = [str(item) for item in value]
            if kind in SEPARATORS:
                return SEPARATORS[kind].join(items)
            return ", ".join(items[:-1]) + f" {kind} " + items[-1] if len(items) > 1 else "".join(items)
        if kind == "percent":
            return f"{value:.{1 if places is None else places}%}"
        if kind in {"count", "money"}:
            return f"{value:,.0f}"
        if kind in {"number", "ratio"}:
            return f"{value:,.{1 if places is None else places}f}" + ("×" if kind == "ratio" else "")
        if kind == "month" and hasattr(value, "strftime"):
            return value.strftime("%B %Y")
        if kind == "date" and hasattr(value, "strftime"):
            return f"{value.day} {value:%b %Y}"
        if kind == "lower":
            return str(value).lower()
        if kind in {"month", "date", "term"}:
            return str(value)
        return super().format_field(value, format_spec)


_PLAIN = _PlainFormatter()


def message_data(value):
    """A Message (or a value inside one) as JSON data: {"message": template, "values": {...}}; strings, numbers
    and lists as they are. For a message that travels (from a reading worker, in a shared link)."""
    if isinstance(value, Message):
        return {"message": value.template, "values": {name: message_data(v) for name, v in value.values.items()}}
    if isinstance(value, (list, tuple)):
        return [message_data(item) for item in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # a numpy number
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a message can't carry a {type(value).__name__}")


def message_of(data):
    """The Message (or value) that message_data wrote; plain text stays text (a link saved before messages)."""
    if isinstance(data, dict):
        return Message(str(data["message"]), {str(name): message_of(v) for name, v in data["values"].items()})
    if isinstance(data, list):
        return [message_of(item) for item in data]
    return data
