"""User-supplied text made inert before it reaches markdown, a label or a message.

Rep, team, file, sheet and column names come from strangers' files, and Streamlit renders markdown in
st.markdown, st.caption, alerts, expander and tab titles and widget labels. A rep named
`![x](http://host/pixel.png)` would make every viewer's browser fetch that address. Checked in Chromium
against Streamlit 1.67 (tests/browser/test_hostile_names.py): backslash escapes stop images, links,
emphasis, headings, lists, tables, math and HTML; the colon needs an entity, because Streamlit finds
`:material/icon:` and `:red[...]` in the source before markdown sees it; and GFM turns bare addresses into
links after escapes are resolved, so a word joiner (U+2060, invisible) breaks them.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&/@=\"'^%])")
# Control characters, and the bidirectional overrides and isolates that make 'evil' read as 'live'.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_WORD_JOINER = "\u2060"
_AUTOLINKS = re.compile(r"(?i)(www)(?=\\\.)|([a-z])(?=&#58;\\/\\/)|(?=\\@)")


def plain(value) -> str:
    """The text with control and direction-override characters gone, on one line."""
    return _CONTROLS.sub(" ", "" if value is None else str(value)).strip()


def md(value) -> str:
    """`value` as markdown that shows exactly its text: no formatting, link, image, icon or math."""
    escaped = _PUNCTUATION.sub(r"\\\1", plain(value)).replace(":", "&#58;")
    return _AUTOLINKS.sub(lambda m: (m.group(1) or m.group(2) or "") + _WORD_JOINER, escaped)
