"""Text normalisation shared by header matching and vocabulary lookups, and the marker for words the pages
show in the user's language."""
from __future__ import annotations

import re
import unicodedata

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
