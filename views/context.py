"""The sidebar every page shares, and the view it produces: data, scenario and filters, ready for a page.

The sidebar lives here rather than in app.py so that app.py reads as the frame it is; app.py calls
`build_view()` once per run, before the page, and pages call `current_view()`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics import diagnostics, filters as filtering, sandbox
from metrics.filters import Filters, Slice
from metrics.findings import Insights, insights
from metrics.ingest import Dataset, RawFile, Upload, ingest, load
from metrics.scenarios import DEFAULT_SCENARIO, SCENARIOS, Scenario, Thresholds
from views.i18n import LANGUAGES, t
from views.escaping import md

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
UPLOAD_TYPES = ["xlsx", "xlsm", "csv", "tsv", "txt", "xls"]
CONFIDENCES = (0.90, 0.95, 0.99)
VIEW_KEY = "_view"
FOCUS_KEY = "selected_rep"  # the rep the Reps page shows; a click on a rep anywhere sets it
REPS_PAGE = "reps"
MAPPING_KEY = "mapping"
RAW_FILES_KEY = "_raw_files"  # (name, content digest) → RawFile, for this session's current uploads
DIGESTS_KEY = "_content_digests"  # upload file_id → content digest


@dataclass
class View:
    scenario: Scenario
    dataset: Dataset
    is_sample: bool
    uploaded: Dataset | None  # what the uploads gave, also when none of it is usable and the sample is shown
    data_key: str  # identifies the loaded files; widget keys include it so filters reset when data changes
    filters: Filters
    scoped: Slice  # everything, in the scenario's vocabulary
    population: Slice  # dates and teams applied: the group every rep is compared with
    current: Slice  # reps applied too: what the KPIs count
    previous: Slice | None  # the period of equal length before, if the data covers it; same teams and reps
    year_ago: Slice | None  # the same dates a year earlier, if the data covers them; same teams and reps
    team_reps: pd.DataFrame  # diagnostics.rep_table over the population: every rep, for comparisons
    reps: pd.DataFrame  # team_reps restricted to the chosen reps
    insights: Insights  # every analysis of the population, and the ranked findings

    @property
    def effort_title(self) -> str:
        return t("Deals engaged") if self.scoped.basis == "deals" else t("Activities")


def current_view() -> View:
    return st.session_state[VIEW_KEY]


@st.cache_resource(max_entries=3, ttl=3600, show_spinner=False)
def _sample(scenario_key: str) -> Dataset:
    """The scenario's sample workbook, read in-process: it is ours, not a stranger's, and the same for all."""
    path = SAMPLE_DIR / f"{scenario_key}.xlsx"
    return load([Upload(path.name, path.read_bytes())])


@st.cache_resource(scope="session", max_entries=2, show_spinner=False)
def _ingest(data_key: str, _files: tuple[RawFile, ...], mapping_json: str) -> Dataset:
    # `data_key` names the files' content and the mapping: a new mapping re-ingests, it never re-reads bytes.
    return ingest(list(_files), json.loads(mapping_json))


@st.cache_resource(scope="session", max_entries=4, show_spinner=False)
def _scope(data_key: str, scenario_key: str, assigned_json: str, _dataset: Dataset) -> Slice:
    # Naming a million activity types in the scenario's words is the slow part of a rerun: do it once.
    return filtering.scope(_dataset, SCENARIOS[scenario_key], json.loads(assigned_json))


@st.cache_resource(scope="session", max_entries=16, show_spinner=False)
def _analyse(view_key: str, _scoped: Slice, _scenario: Scenario, _chosen: Filters):
    """The slices and every analysis for one view; `view_key` names the data, scenario, thresholds and filters.

    Clicks, tabs and page switches rerun the script without changing any of these, so they cost nothing.
    """
    population = filtering.apply(_scoped, _chosen.without_reps())
    _, before, year_before = filtering.comparison(_chosen, filtering.date_bounds(_scoped)) or (None, None, None)
    team_reps = diagnostics.rep_table(population, _scenario.thresholds)
    return (population, filtering.apply(_scoped, _chosen),
            filtering.apply(_scoped, before) if before else None,
            filtering.apply(_scoped, year_before) if year_before else None,
            team_reps, insights(population, _scenario, team_reps))


def current_mapping() -> dict:
    """The user's column and value choices: {"columns": ..., "statuses": ..., "activity_types": ...}.

    The Data page edits it; a saved mapping file restores it.
    """
    return st.session_state.setdefault(MAPPING_KEY, {})


def _read_uploads(uploaded) -> tuple[list[RawFile], str]:
    """Each uploaded file read once, in a sandboxed worker, and a key for their content.

    The raw tables live in this session only, and only while the file is in the upload list: removing a
    file, or closing the session, lets its tables go.
    """
    known: dict[tuple[str, bytes], RawFile] = st.session_state.setdefault(RAW_FILES_KEY, {})
    digests: dict[str, bytes] = st.session_state.setdefault(DIGESTS_KEY, {})
    keys = []
    for file in uploaded:
        # Hashing a large workbook on every rerun costs tens of milliseconds; an upload's bytes never change.
        if file.file_id not in digests:
            digests[file.file_id] = hashlib.blake2b(file.getvalue(), digest_size=16).digest()
        keys.append((file.name, digests[file.file_id]))
    unread = [(key, file) for key, file in zip(keys, uploaded) if key not in known]
    if unread:
        with st.status(t("Reading your files…"), expanded=True) as status:
            for (name, digest), file in unread:
                status.update(label=t("Reading {name}…", name=md(name)))
                known[(name, digest)] = sandbox.read(Upload(name, file.getvalue()),
                                                     progress=lambda step, name=name: status.write(
                                                         t("{name}: {step}", name=md(name), step=t(step))))
            status.update(label=t("Read {count} file(s)", count=len(unread)), state="complete", expanded=False)
    for key in set(known) - set(keys):
        del known[key]
    live = {file.file_id for file in uploaded}
    for file_id in set(digests) - live:
        del digests[file_id]
    hasher = hashlib.blake2b(digest_size=16)
    for name, digest in keys:
        hasher.update(name.encode() + b"\0" + digest)
    return [known[key] for key in keys], hasher.hexdigest()


def read_address() -> None:
    """On a session's first run, take the view from the address so a copied link reproduces it."""
    if "_url_read" in st.session_state:
        return
    st.session_state["_url_read"] = True
    params = st.query_params
    if params.get("scenario") in SCENARIOS:
        st.session_state["scenario"] = params["scenario"]
    if params.get("lang") in LANGUAGES:
        st.session_state["language"] = params["lang"]
    if params.get("focus"):
        st.session_state[FOCUS_KEY] = params["focus"]
    st.session_state["_url_filters"] = {
        "from": params.get("from"), "to": params.get("to"),
        "team": params.get_all("team"), "rep": params.get_all("rep"),
    }


def _url_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _thresholds(defaults: Thresholds) -> Thresholds:
    with st.sidebar.expander(t("Thresholds")):
        min_volume = st.number_input(t("Minimum volume to judge a rep"), min_value=1, max_value=10_000,
                                     value=defaults.min_volume, step=5, key="min_volume")
        confidence = st.selectbox(t("Confidence of the flag"), CONFIDENCES, index=CONFIDENCES.index(
            defaults.confidence), format_func=lambda c: f"{c:.0%}", key="confidence")
        rise = st.slider(t("Activity rise that counts"), 0, 100, int(defaults.rise_pct * 100), step=5,
                         format="%d%%", key="rise_pct")
    return Thresholds(min_volume=int(min_volume), confidence=float(confidence), rise_pct=rise / 100)


def _filters(scoped: Slice, data_key: str) -> Filters:
    remembered = st.session_state.pop("_url_filters", None) or {}
    bounds = filtering.date_bounds(scoped)
    start = end = None
    if bounds:
        low, high = bounds
        chosen = (max(low, _url_date(remembered.get("from")) or low), min(high, _url_date(remembered.get("to")) or high))
        picked = st.sidebar.date_input(t("Date range"), value=chosen, min_value=low, max_value=high,
                                       key=f"dates-{data_key}")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start, end = picked
        elif isinstance(picked, (tuple, list)) and len(picked) == 1:
            start, end = picked[0], high
    team_options = filtering.teams(scoped)
    teams = st.sidebar.multiselect(
        t("Teams"), team_options, default=[x for x in remembered.get("team", []) if x in team_options],
        placeholder=t("All teams"), key=f"teams-{data_key}", disabled=not team_options)
    rep_options = filtering.reps(scoped, tuple(teams))
    reps = st.sidebar.multiselect(
        t("Reps filter"), rep_options, default=[x for x in remembered.get("rep", []) if x in rep_options],
        placeholder=t("All reps"), key=f"reps-{data_key}-{'|'.join(teams)}")
    return Filters(start=start, end=end, teams=tuple(teams), reps=tuple(reps))


def _write_url(scenario: Scenario, chosen: Filters, bounds, on_rep_page: bool) -> None:
    params = {"scenario": scenario.key, "lang": st.session_state.get("language", "en")}
    if bounds and chosen.start and (chosen.start, chosen.end) != bounds:
        params["from"], params["to"] = chosen.start.isoformat(), chosen.end.isoformat()
    if chosen.teams:
        params["team"] = list(chosen.teams)
    if chosen.reps:
        params["rep"] = list(chosen.reps)
    if on_rep_page and st.session_state.get(FOCUS_KEY):
        params["focus"] = st.session_state[FOCUS_KEY]
    wanted = {key: value if isinstance(value, list) else [value] for key, value in params.items()}
    if wanted != {key: st.query_params.get_all(key) for key in st.query_params}:
        st.query_params.from_dict(params)


def source_label(view: View) -> str:
    """What the pages are showing: the sample's file, or the names of the uploaded files in use."""
    if view.is_sample:
        return t("sample data ({scenario})", scenario=view.scenario.label)
    return ", ".join(dict.fromkeys(table.source.split(" › ")[0] for table in view.dataset.tables))


def draw_source_line(view: View, page_title: str) -> None:
    st.caption(f"{page_title} · {t('Source')}: {md(source_label(view))} · {t('Scenario')}: {view.scenario.label}")


def build_view(page_path: str = "") -> View:
    """Draw the sidebar, load the data it names, and store the resulting View for the page at `page_path`."""
    read_address()
    sidebar = st.sidebar
    uploaded = sidebar.file_uploader(
        t("Upload spreadsheets"), type=UPLOAD_TYPES, accept_multiple_files=True, key="uploads",
        help=t("Excel (.xlsx) or CSV: activity logs, deals, rep × period sheets, rosters. Several at once is fine."))
    scenario_key = sidebar.selectbox(t("Scenario"), list(SCENARIOS), format_func=lambda k: SCENARIOS[k].label,
                                     key="scenario", index=list(SCENARIOS).index(DEFAULT_SCENARIO))
    sidebar.selectbox(t("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key="language")
    scenario = SCENARIOS[scenario_key]

    dataset, is_sample, from_uploads = None, False, None
    if uploaded:
        files, content_key = _read_uploads(uploaded)
        mapping_json = json.dumps(current_mapping(), sort_keys=True)
        # The mapping is part of the key: other columns or statuses make other data for every cache below.
        data_key = hashlib.blake2b(f"{content_key}|{mapping_json}".encode(), digest_size=16).hexdigest()
        dataset = from_uploads = _ingest(data_key, tuple(files), mapping_json)
        for error in dataset.errors:
            st.error(f"**{md(error.file)}** — {md(error.message)} (Remove it from the upload list in the sidebar once "
                     "you have a better file.)", icon=":material/error:")
        if not dataset.tables:
            st.info("None of the uploaded files could be used, so the sample data is shown until one can.")
            dataset = None
    if dataset is None:
        data_key = f"sample-{scenario.key}"
        dataset, is_sample = _sample(scenario.key), True

    scenario = replace(scenario, thresholds=_thresholds(scenario.thresholds))
    assigned = json.dumps(current_mapping().get("activity_types", {}), sort_keys=True)
    scoped = _scope(data_key, scenario.key, assigned, dataset)
    chosen = _filters(scoped, data_key)
    _write_url(scenario, chosen, filtering.date_bounds(scoped), page_path == REPS_PAGE)
    population, current, previous, year_ago, team_reps, found = _analyse(
        f"{data_key}|{scenario.key}|{assigned}|{scenario.thresholds!r}|{chosen!r}", scoped, scenario, chosen)
    reps = team_reps[team_reps["rep"].isin(chosen.reps)].reset_index(drop=True) if chosen.reps else team_reps
    if is_sample:
        st.caption(t("Showing sample data for the {scenario} scenario. Upload your own files in the sidebar.",
                     scenario=scenario.label))
    if dataset.warnings:
        st.caption(f":material/warning: {len(dataset.warnings)} reading warning(s), for example: "
                   f"{md(dataset.warnings[0])} See the Data page.")
    view = View(scenario, dataset, is_sample, from_uploads, data_key, chosen, scoped, population, current, previous,
                year_ago, team_reps, reps, found)
    st.session_state[VIEW_KEY] = view
    return view
