"""The frame's state in one place: the pages, the session's keys and the address's parameters.

Every page path, session-state key and query parameter the dashboard uses is named here, so a page is
spelled once and a key can't drift between the module that writes it and the one that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n import N_


@dataclass(frozen=True)
class Page:
    path: str
    url_path: str
    title: str  # English; views.i18n translates it
    icon: str


OVERVIEW = Page("views/overview.py", "overview", N_("Overview"), ":material/dashboard:")
ACTIVITY = Page("views/activity.py", "activity", N_("Activity vs performance"), ":material/scatter_plot:")
CONVERSION = Page("views/conversion.py", "conversion", N_("Conversion"), ":material/filter_alt:")
TRENDS = Page("views/trends.py", "trends", N_("Trends"), ":material/timeline:")
REPS = Page("views/reps.py", "reps", N_("Reps"), ":material/person:")
DATA = Page("views/data.py", "data", N_("Data"), ":material/table_view:")
PAGES = (OVERVIEW, ACTIVITY, CONVERSION, TRENDS, REPS, DATA)

# Where each kind of finding (metrics.findings.Finding.kind) is drawn, for the link beside its sentence.
FINDING_PAGES = {
    "flagged": ACTIVITY,
    "what_if": ACTIVITY,
    "period": TRENDS,
    "activity_type": CONVERSION,
    "team": ACTIVITY,
    "satisfaction": ACTIVITY,
    "efficient": ACTIVITY,
}

# Session-state keys. Widget keys are named where the widget is drawn; these are the ones code shares.
VIEW = "_view"  # the View build_view made for this run
SCENARIO = "scenario"  # the scenario selectbox
LANGUAGE = "language"  # the language selectbox
CURRENCY = "currency"  # the currency selectbox: what amounts are shown in
FOCUS = "selected_rep"  # the rep the Reps page shows; a click on a rep anywhere sets it
OPEN_REP = "_open_rep"  # a click asked for the Reps page (st.switch_page can't run in a callback)
MAPPING = "mapping"  # the user's column and value choices (see metrics.ingest.mapping)
MAPPING_FILE_APPLIED = "_mapping_file_applied"  # digest of the mapping file last loaded
RAW_FILES = "_raw_files"  # (name, content digest) → RawFile, for this session's current uploads
DIGESTS = "_content_digests"  # upload file_id → content digest
ADDRESS_READ = "_url_read"  # the address was read on this session's first run
ADDRESS_FILTERS = "_url_filters"  # the filters the address asked for, until the sidebar applies them
ADDRESS_NOTES = "_url_notes"  # what of the address did not fit the data, to say so once
SHARED = "_shared_view"  # the SharedView this session opened from a share link
SHARED_DATA = "_shared_data"  # (data key, Dataset) of that view, made once
SHARE_ERROR = "_share_error"  # why the share link in the address opened nothing
MY_LINK = "_my_share_link"  # the share link this session made, to show its owner
COMPARE_CHOSEN = "_compare_chosen"  # the user (or a link) picked the Overview's comparison


# Query parameters: the view a copied link reproduces.
class Param:
    SCENARIO = "scenario"
    LANGUAGE = "lang"
    CURRENCY = "currency"  # the currency amounts are shown in; none when absent
    FROM = "from"
    TO = "to"
    TEAM = "team"
    REP = "rep"
    FOCUS = "focus"
    WEIGHTS = "weights"  # activity key:weight pairs that differ from the scenario's presets, comma-separated
    SHARE = "share"  # a share link's token
    DELETE = "delete"  # with SHARE: the owner's token, to delete the shared view
    # The pages' own choices: these widgets are bound to the address (bind="query-params"), keyed by name.
    MEASURE = "measure"  # Activity page: won or revenue
    PERIOD = "period"  # Trends: week or month
    LAG = "lag"  # Trends: 0..6 periods
    COMPARE = "compare"  # Overview: chosen, month or quarter


# What each bound choice may be: a value outside these from a link is dropped, with a note.
CHOICES = {
    Param.MEASURE: ("won", "revenue"),
    Param.PERIOD: ("week", "month"),
    Param.LAG: tuple(str(n) for n in range(7)),
    Param.COMPARE: ("chosen", "month", "quarter"),
}
