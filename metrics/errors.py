"""The one error type the engine raises for problems a user can fix."""


class InputError(Exception):
    """A problem with the user's input, with a message written for that user.

    `file` names the upload it concerns, when there is one, so the app can say which file to fix.
    """

    def __init__(self, message: str, file: str | None = None):
        super().__init__(message, file)
        self.message = message
        self.file = file

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message
