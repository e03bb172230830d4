"""One user's upload never outlives their session in memory, and every cache of user data is bounded."""

import importlib
import pkgutil

from streamlit.runtime.caching.cache_utils import CachedFunc
from streamlit.testing.v1 import AppTest

import views
from tests.conftest import ROOT
from views import state

# Caches shared by every session: they hold only the app's own data (the samples, the templates), or a
# connection to the share store (whose data stays in the database, behind a token).
SHARED_WITHOUT_USER_DATA = {
    "views.context._sample",
    "views.context._sample_scope",
    "views.context._sample_analysis",
    "views.data.template",
    "views.share.store",
}
LOG = b"Date;Rep;Activity type\n" + b"".join(f"0{d}.01.2026;Kari;Call\n".encode() for d in range(1, 10))


def cached_functions() -> dict[str, CachedFunc]:
    found = {}
    for module in pkgutil.iter_modules(views.__path__):
        if module.name in {"data", "overview", "activity", "conversion", "trends", "reps"}:
            continue  # pages run as scripts; their caches are checked through the source below
        imported = importlib.import_module(f"views.{module.name}")
        found |= {
            f"views.{module.name}.{name}": value
            for name, value in vars(imported).items()
            if isinstance(value, CachedFunc)
        }
    return found


def test_every_cache_of_user_data_is_the_sessions_own_and_bounded():
    caches = cached_functions()
    assert {"views.context._ingest", "views.context._scope", "views.context._analysis"} <= set(caches)
    for name, cached in caches.items():
        info = cached._info  # Streamlit 1.67 keeps a cache's settings here
        if name in SHARED_WITHOUT_USER_DATA:
            continue
        assert info.scope == "session", f"{name} keeps user data across sessions"
        assert info.max_entries is not None and info.max_entries <= 16, f"{name} is unbounded"


def test_pages_cache_nothing_but_the_templates():
    for page in state.PAGES:
        source = (ROOT / page.path).read_text()
        caches = source.count("@st.cache_")
        assert caches == (1 if page is state.DATA else 0), page.path


def test_a_removed_upload_leaves_the_session():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.sidebar.file_uploader[0].set_value([("log.csv", LOG, "text/csv")]).run()
    assert [name for name, _ in at.session_state[state.RAW_FILES]] == ["log.csv"]
    at.sidebar.file_uploader[0].set_value([]).run()
    assert not at.exception
    assert at.session_state[state.RAW_FILES] == {} and at.session_state[state.DIGESTS] == {}
