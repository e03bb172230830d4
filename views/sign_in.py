"""Optional sign-in: with an [auth] section in .streamlit/secrets.toml, only signed-in people see the app.

Streamlit's st.login signs people in with an OpenID Connect provider (Google, Microsoft, Okta...). Without
an [auth] section the app is open to anyone who can reach it, and a share link opens for anyone who has it;
with one, every page, shared links included, first asks the visitor to sign in. README, "Sign-in", says
how to set it up.
"""

from __future__ import annotations

import streamlit as st

from views.i18n import t


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file: Streamlit raises its own error type, and there is no sign-in
        return False


def require_sign_in() -> None:
    """Stop the page for a visitor who hasn't signed in, when sign-in is configured."""
    if not auth_configured() or st.user.get("is_logged_in", False):
        return
    st.title(t("Sales activity vs performance"))
    st.info(t("Sign in to see the dashboard and the views shared with you."), icon=":material/lock:")
    st.button(t("Sign in"), on_click=st.login, key="sign-in", type="primary", icon=":material/login:")
    st.stop()
