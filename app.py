"""The frame: page config, the shared sidebar, and the page navigation."""
import streamlit as st

from views.context import build_view, draw_source_line, read_address
from views.i18n import t

st.set_page_config(page_title="Sales activity vs performance", page_icon=":material/monitoring:", layout="wide")
read_address()  # before the page titles: a link that says lang=nb opens in Norwegian

pages = [
    st.Page("views/overview.py", title=t("Overview"), icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("views/activity.py", title=t("Activity vs performance"), icon=":material/scatter_plot:", url_path="activity"),
    st.Page("views/conversion.py", title=t("Conversion"), icon=":material/filter_alt:", url_path="conversion"),
    st.Page("views/trends.py", title=t("Trends"), icon=":material/timeline:", url_path="trends"),
    st.Page("views/reps.py", title=t("Reps"), icon=":material/person:", url_path="reps"),
    st.Page("views/data.py", title=t("Data"), icon=":material/table_view:", url_path="data"),
]
page = st.navigation(pages)
view = build_view(page.url_path)
try:
    page.run()
finally:
    # Drawn last, also when a page stops early: once it shows this page and these files, the run is complete.
    draw_source_line(view, page.title)
