"""What self-hosting relies on: a Dockerfile that lints clean and runs the app as a user of its own, and
sign-in only where it is configured."""

import shutil
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_the_dockerfile_lints_clean():
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed: pip install -r requirements-dev.txt")
    result = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_the_app_as_a_user_of_its_own_with_a_health_check():
    assert "USER 10001" in DOCKERFILE and "HEALTHCHECK" in DOCKERFILE
    assert 'CMD ["streamlit", "run", "app.py"' in DOCKERFILE
    assert "COPY requirements.txt" in DOCKERFILE and "pip install -r requirements.txt" in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"data/", "tests/real_exports/*.csv", ".git"} <= set(ignored)  # no share store, no fetched data


def test_without_an_auth_section_nobody_is_asked_to_sign_in():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "sign-in"]
    assert at.title[0].value == "Overview"


def test_with_an_auth_section_a_visitor_must_sign_in_first():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://example.invalid/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception
    assert [b for b in at.button if b.key == "sign-in"]
    assert not at.get("vega_lite_chart") and not at.metric  # nothing of the data before signing in
