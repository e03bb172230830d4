"""What the readers say about a library's error, in the few words a user can act on."""
from __future__ import annotations


def short_reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]
