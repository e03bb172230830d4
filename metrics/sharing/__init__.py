"""Share an analysed dataset behind a capability link: the store, the shared view, and anonymising.

The app calls ShareStore(url).save(dataset, view_state, anonymise=...) for a SharedLink, and
ShareStore(url).open(token) for the SharedView behind it. docs/SHARING.md describes the design.
"""

from metrics.sharing.anonymise import anonymise, letters, pseudonyms
from metrics.sharing.store import NotFound, SharedLink, ShareStore, ShareTooLarge, StoreFull, default_url, token_hash
from metrics.sharing.view import SharedTable, SharedView

__all__ = [
    "NotFound",
    "ShareStore",
    "ShareTooLarge",
    "SharedLink",
    "SharedTable",
    "SharedView",
    "StoreFull",
    "anonymise",
    "default_url",
    "letters",
    "pseudonyms",
    "token_hash",
]
