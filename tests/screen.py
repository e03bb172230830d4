"""What a reader sees of the markdown the pages write: views.escaping.md's escapes undone."""

import re

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def visible(markdown: str) -> str:
    return _ESCAPED.sub(r"\1", markdown).replace("&#58;", ":").replace("\u2060", "")
