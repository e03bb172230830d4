"""The frame: page config, the shared sidebar, and the page navigation."""

import streamlit as st

from views import share, state
from views.context import build_view, draw_source_line, read_address
from views.i18n import t
from views.sign_in import require_sign_in

st.set_page_config(page_title="Sales activity vs performance", page_icon=":material/monitoring:", layout="wide")
read_address()  # before the page titles: a link that says lang=nb opens in Norwegian
require_sign_in()  # only with an [auth] section in the secrets; then shared links need it too

page = st.navigation(
    [
        st.Page(p.path, title=t(p.title), icon=p.icon, url_path=p.url_path, default=p is state.OVERVIEW)
        for p in state.PAGES
    ]
)
view = build_view(page.url_path)
if share.delete_from_address():  # a share link's owner is deleting it: nothing else on this page
    st.stop()
try:
    page.run()
finally:
    # Drawn last, also when a page stops early: once it shows this page and these files, the run is complete.
    draw_source_line(view, page.title)
