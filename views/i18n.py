"""The session's language for the pages: `t("text {name}", name=...)` and `tn(...)` translate through the
catalogs (see i18n/__init__.py), and `lang()` gives the Babel formats for numbers, money and dates."""

from __future__ import annotations

import streamlit as st

from i18n import LANGUAGES, Language, language
from views import state

__all__ = ["LANGUAGES", "lang", "t", "tn"]


def lang() -> Language:
    """The language the session chose (English until it chooses)."""
    return language(st.session_state.get(state.LANGUAGE))


def t(text: str, **values) -> str:
    return lang().text(text, **values)


def tn(singular: str, plural: str, count, **values) -> str:
    """'1 activity' or '12 activities', in the session's language; {count} is filled in."""
    return lang().plural(singular, plural, count, **values)
