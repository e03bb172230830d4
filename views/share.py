"""Share: the analysed data behind an unguessable link, opened by a colleague exactly as the sharer saw it.

A link is the page's address with `?share=<token>`; everything else about the view (scenario, dates,
teams, reps, the page's choices, thresholds, weights, currency) is stored with the data, not in the link,
so an anonymised view's link carries no real name. The store (metrics/sharing) keeps the engine's frames,
never the uploaded bytes, and only hashes of the tokens. docs/SHARING.md says who may open what.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.parse

import streamlit as st

from metrics.errors import InputError
from metrics.sharing import NotFound, ShareStore
from views import state
from views.escaping import md
from views.i18n import lang, t

EXPIRY_DAYS = (7, 30, 90, 365)
# What of the session a shared view restores: widget keys, and the thresholds' keys.
RESTORED = (
    state.SCENARIO,
    state.LANGUAGE,
    state.CURRENCY,
    state.FOCUS,
    "min_volume",
    "confidence",
    "rise_pct",
    state.Param.MEASURE,
    state.Param.PERIOD,
    state.Param.LAG,
    state.Param.COMPARE,
)


@st.cache_resource(show_spinner=False)
def store() -> ShareStore:
    """One store per server process: SQLite in data/ by default, or the database in .streamlit/secrets.toml
    under [connections.shares] (url = "postgresql+psycopg://...") for several replicas."""
    try:
        url = st.secrets["connections"]["shares"]["url"]
    except (KeyError, FileNotFoundError, AttributeError):
        url = None
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        url = None
    return ShareStore(url)


def open_from_address() -> None:
    """On a session's first run: open the shared view the address names, and restore its view state."""
    token = st.query_params.get(state.Param.SHARE)
    if not token:
        return
    try:
        shared = store().open(token)
    except NotFound as error:
        st.session_state[state.SHARE_ERROR] = error.message
        return
    st.session_state[state.SHARED] = shared
    st.session_state[state.SHARED_DATA] = (
        f"shared-{hashlib.blake2b(token.encode(), digest_size=8).hexdigest()}",
        shared.dataset,
    )
    view_state = shared.view_state
    for key in RESTORED:
        if key in view_state:
            st.session_state[key] = view_state[key]
    st.session_state[state.COMPARE_CHOSEN] = state.Param.COMPARE in view_state
    for key, weight in view_state.get("weights", {}).items():
        st.session_state[f"weight-{view_state.get(state.SCENARIO)}-{key}"] = float(weight)
    st.session_state[state.MAPPING] = {"activity_types": view_state.get("activity_types", {})}
    st.session_state[state.ADDRESS_FILTERS] = view_state.get("filters", {})


def shared_view():
    """The shared view this session opened, if any."""
    return st.session_state.get(state.SHARED)


def shared_data():
    """(data key, Dataset) of the shared view this session opened."""
    return st.session_state[state.SHARED_DATA]


def show_share_notice() -> None:
    shared = shared_view()
    if state.SHARE_ERROR in st.session_state:
        st.error(md(lang().render(st.session_state[state.SHARE_ERROR])), icon=":material/link_off:")
    elif shared is not None:
        note = t("You are looking at a shared view; the link works until {day}.", day=lang().date(shared.expires_at))
        if shared.anonymised:
            note += " " + t("Names are replaced by pseudonyms.")
        st.info(note, icon=":material/share:")


def _link(page_path: str, **params: str) -> str:
    """An absolute link to a page of this app with `params`, from the address the browser shows."""
    address = urllib.parse.urlsplit(st.context.url or "")
    path = address.path.rstrip("/")
    pages = {page.url_path for page in state.PAGES}
    if path.rsplit("/", 1)[-1] in pages:
        path = path.rsplit("/", 1)[0]
    return urllib.parse.urlunsplit(
        (address.scheme, address.netloc, f"{path}/{page_path}", urllib.parse.urlencode(params), "")
    )


def view_state(view, page_path: str) -> dict:
    """What a colleague's session needs to draw this view as the sharer sees it."""
    chosen = view.filters
    restored = {key: st.session_state[key] for key in RESTORED if key in st.session_state}
    return {
        **restored,
        "page": page_path,
        "weights": dict(view.analysis.weights),
        "activity_types": st.session_state.get(state.MAPPING, {}).get("activity_types", {}),
        "filters": {
            "from": chosen.start.isoformat() if chosen.start else None,
            "to": chosen.end.isoformat() if chosen.end else None,
            "team": list(chosen.teams),
            "rep": list(chosen.reps),
        },
    }


def share_section(view, page_path: str) -> None:
    """The sidebar's Share: a link to this view over this data, optionally anonymised, and its delete link."""
    with st.sidebar.expander(t("Share this view"), icon=":material/share:"):
        anonymise = st.toggle(
            t("Anonymise (Rep A, Rep B, …)"),
            key="share-anonymise",
            help=t(
                "Every rep's and manager's name becomes a pseudonym in the shared view and in "
                "everything exported from it: for a board or an investor."
            ),
        )
        days = st.selectbox(
            t("The link works for"),
            EXPIRY_DAYS,
            index=1,
            key="share-days",
            format_func={d: t("{days} days", days=d) for d in EXPIRY_DAYS}.get,
        )
        if st.button(t("Create a share link"), key="share-create", icon=":material/link:"):
            try:
                link = store().save(
                    view.dataset, view_state(view, page_path), expires_in=dt.timedelta(days=days), anonymise=anonymise
                )
            except InputError as error:
                st.error(md(lang().render(error.message)))
                return
            st.session_state[state.MY_LINK] = {
                "open": _link(page_path, **{state.Param.SHARE: link.token}),
                "delete": _link(page_path, **{state.Param.SHARE: link.token, state.Param.DELETE: link.owner_token}),
                "until": link.expires_at,
                "anonymised": anonymise,
            }
        made = st.session_state.get(state.MY_LINK)
        if made:
            st.caption(
                t(
                    "Anyone with this link can open this view, over this data, until {day}:",
                    day=lang().date(made["until"]),
                )
            )
            st.code(made["open"], language=None, wrap_lines=True)
            st.caption(t("Keep this one to yourself: it deletes the shared view."))
            st.code(made["delete"], language=None, wrap_lines=True)


def delete_from_address() -> bool:
    """A delete link: ask, then delete. True when the page should show nothing else."""
    token, owner = st.query_params.get(state.Param.SHARE), st.query_params.get(state.Param.DELETE)
    if not (token and owner):
        return False
    st.warning(t("This deletes the shared view: its link will open nothing any more."), icon=":material/delete:")
    if st.button(t("Delete the shared view"), key="share-delete", type="primary"):
        try:
            store().delete(token, owner)
        except NotFound as error:
            st.error(md(lang().render(error.message)))
            return True
        st.session_state.pop(state.SHARED, None)
        st.session_state.pop(state.SHARED_DATA, None)
        st.success(t("Deleted. The link no longer opens anything."))
    return True


def export_section(view) -> None:
    """The sidebar's Export: the Excel report and the board's PDF summary of this view, in the session's
    language; a shared anonymised view exports its pseudonyms."""
    import exports
    from views import widgets

    shared = shared_view()
    anonymised = bool(shared is not None and shared.anonymised)
    language, currency = lang(), widgets.currency()
    with st.sidebar.expander(t("Export"), icon=":material/download:"):
        st.download_button(
            t("Excel report"),
            lambda: exports.report_bytes(view.analysis, "xlsx", language, currency, anonymised),
            file_name="sales-activity-report.xlsx",
            key="export-xlsx",
            icon=":material/table_view:",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
        )
        st.download_button(
            t("PDF summary for a board"),
            lambda: exports.report_bytes(view.analysis, "pdf", language, currency, anonymised),
            file_name="sales-activity-summary.pdf",
            key="export-pdf",
            icon=":material/picture_as_pdf:",
            mime="application/pdf",
            on_click="ignore",
        )
        st.caption(
            t(
                "Both follow the filters and the language chosen here; every table on the pages has its own "
                "CSV download, and each chart its PNG."
            )
        )
