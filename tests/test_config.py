"""The served app's settings that keep strangers' files and viewers safe (docs/SECURITY.md says why)."""

import tomllib

from tests.conftest import ROOT

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_users_never_see_a_traceback():
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_streamlits_own_table_download_is_off():
    """It writes =HYPERLINK(...) as a live cell; the app's own downloads neutralise formulas."""
    assert CONFIG["client"]["disableDataExport"] is True


def test_xsrf_protection_stays_on_and_uploads_are_bounded():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True
    assert 0 < CONFIG["server"]["maxUploadSize"] <= 200
