"""The one error type the engine raises for problems a user can fix."""

from __future__ import annotations

from metrics.text import N_, Message


class InputError(Exception):
    """A problem with the user's input, with a message written for that user.

    `message` is a Message: an English template (marked with N_ for the catalog) and its values, given as
    keywords, so that a page says it in the user's language: InputError(N_("The workbook has {sheets:count}
    sheets."), name, sheets=300). `file` names the upload it concerns, when there is one, so the app can say
    which file to fix.
    """

    def __init__(self, message: str | Message, file: str | None = None, **values):
        self.message = message if isinstance(message, Message) else Message(message, values)
        self.file = file
        super().__init__(self.message, file)

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else str(self.message)


def error_message(error: InputError) -> Message:
    """The error as one sentence that names its file: 'deals.csv: The file is empty. …'."""
    if not error.file:
        return error.message
    return Message(N_("{file}: {message}"), {"file": error.file, "message": error.message})
