"""What a reader says while it reads a large file: a few fixed phrases, each with its numbers kept apart, so
that a page can translate the phrase and write the numbers its own way.

A step is a `Step`: the phrase filled in, in English (what `str()` gives, for a caller that only shows it),
with `.message` (the phrase, a key for translation) and `.values` (its numbers and names); `.said` is the
Message a page renders in the user's language. Only these phrases are ever passed on from a reader's worker
process (see metrics.sandbox), whatever it sends.
"""

from __future__ import annotations

import string
from collections.abc import Callable

from metrics.text import N_, Message

CHECKING = N_("checking the workbook")
CHECKED = N_("{rows:count} rows checked")
READING_SHEET = N_("reading sheet '{sheet}'")
READING_FILE = N_("reading the file")
ROWS_READ = N_("{rows:count} rows read")
STEPS = (CHECKING, CHECKED, READING_SHEET, READING_FILE, ROWS_READ)
VALUE_TYPES = {"rows": int, "sheet": str}  # what each value of the phrases is
MAX_VALUE_CHARS = 256
# A workbook's check reports its rows this often: a few lines for Excel's largest sheet, none for a small one.
CHECKED_EVERY_ROWS = 250_000


class Step(str):
    """One step, as English text, with the phrase and values it was made from."""

    message: str
    values: dict[str, int | str]

    def __new__(cls, message: str, **values: int | str) -> Step:
        step = super().__new__(cls, str(Message(message, values)))
        step.message, step.values = message, values
        return step

    @property
    def said(self) -> Message:
        return Message(self.message, self.values)


Progress = Callable[[Step], None]


def step_from(sent) -> Step | None:
    """The step a worker's message names, if it is one of STEPS with exactly its values; None otherwise."""
    if not (isinstance(sent, list) and len(sent) == 2 and sent[0] in STEPS and isinstance(sent[1], dict)):
        return None
    message, values = sent
    fields = {name for _, name, _, _ in string.Formatter().parse(message) if name}
    if set(values) != fields or not all(
        type(value) is VALUE_TYPES[key] and (not isinstance(value, str) or len(value) <= MAX_VALUE_CHARS)
        for key, value in values.items()
    ):
        return None
    return Step(message, **values)


def say(progress: Progress | None, message: str, **values: int | str) -> None:
    if progress is not None:
        progress(Step(message, **values))
