"""The sidebar every page shares, and the view it produces: the data, the scenario and one Analysis.

The sidebar lives here rather than in app.py so that app.py reads as the frame it is; app.py calls
`build_view()` once per run, before the page, and pages call `current_view()` and read its Analysis.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from metrics import filters as filtering, sandbox
from metrics.analysis import Analysis, analyse
from metrics.errors import InputError
from metrics.filters import Filters, Slice
from metrics.ingest import Dataset, RawFile, Upload, ingest, load
from metrics.ingest.progress import Step
from metrics.scenarios import DEFAULT_SCENARIO, SCENARIOS, Scenario, Thresholds, activity_weights
from views import share, state
from views.escaping import md
from views.i18n import LANGUAGES, lang, t, tn

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
UPLOAD_TYPES = ["xlsx", "xlsm", "csv", "tsv", "txt", "xls"]
CONFIDENCES = (0.90, 0.95, 0.99)
CURRENCIES = ("NOK", "SEK", "DKK", "EUR", "USD", "GBP")  # the sidebar's choices, after none: plain numbers
FRAME_PARAMS = (
    state.Param.SCENARIO,
    state.Param.LANGUAGE,
    state.Param.CURRENCY,
    state.Param.FROM,
    state.Param.TO,
    state.Param.TEAM,
    state.Param.REP,
    state.Param.FOCUS,
    state.Param.WEIGHTS,
)


@dataclass
class View:
    scenario: Scenario  # with the user's thresholds
    analysis: Analysis
    is_sample: bool
    uploaded: Dataset | None  # what the uploads gave, also when none of it is usable and the sample is shown
    data_key: str  # identifies the loaded files; widget keys include it so filters reset when data changes

    @property
    def dataset(self) -> Dataset:
        return self.analysis.dataset

    @property
    def filters(self) -> Filters:
        return self.analysis.filters

    @property
    def won_title(self) -> str:
        return t(self.scenario.won_label)

    @property
    def revenue_title(self) -> str:
        return t(self.scenario.revenue_label)

    @property
    def satisfaction_title(self) -> str:
        return t(self.scenario.satisfaction_label)

    @property
    def scenario_title(self) -> str:
        return t(self.scenario.label)

    def measure_title(self, measure: str) -> str:
        """The performance measure in the scenario's words: won deals or revenue."""
        return self.won_title if measure == "won" else self.revenue_title

    @property
    def effort_title(self) -> str:
        if self.analysis.basis == "deals":
            return t("Deals engaged")
        return t("Weighted activities") if self.analysis.weighted else t("Activities")


def current_view() -> View:
    return st.session_state[state.VIEW]


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
def _analysis(
    view_key: str, _dataset: Dataset, _scoped: Slice, _scenario: Scenario, _chosen: Filters, _weights: dict[str, float]
) -> Analysis:
    """One Analysis per population; `view_key` names the data, scenario, thresholds, weights, dates and teams.

    Clicks, tabs and page switches rerun the script without changing any of these, so they reuse the same
    Analysis and what it has already computed; a rep filter is Analysis.with_reps of it.
    """
    return analyse(_dataset, _scenario, _chosen, scoped=_scoped, weights=_weights)


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def _sample_scope(scenario_key: str, assigned_json: str) -> Slice:
    return filtering.scope(_sample(scenario_key), SCENARIOS[scenario_key], json.loads(assigned_json))


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _sample_analysis(
    view_key: str, _scenario: Scenario, _chosen: Filters, assigned_json: str, _weights: dict[str, float]
) -> Analysis:
    """The sample's analyses are the same for every session that opens them: computed once for all."""
    return analyse(
        _sample(_scenario.key), _scenario, _chosen, scoped=_sample_scope(_scenario.key, assigned_json), weights=_weights
    )


def current_mapping() -> dict:
    """The user's column and value choices: {"columns": ..., "statuses": ..., "activity_types": ...}.

    The Data page edits it; a saved mapping file restores it.
    """
    return st.session_state.setdefault(state.MAPPING, {})


def said(step) -> str:
    """A reader's step in the session's language; a worker's other text as it is, made inert."""
    return md(lang().render(step.said)) if isinstance(step, Step) else md(step)


def _read_uploads(uploaded) -> tuple[list[RawFile], str]:
    """Each uploaded file read once, in a sandboxed worker, and a key for their content.

    The raw tables live in this session only, and only while the file is in the upload list: removing a
    file, or closing the session, lets its tables go.
    """
    known: dict[tuple[str, bytes], RawFile] = st.session_state.setdefault(state.RAW_FILES, {})
    digests: dict[str, bytes] = st.session_state.setdefault(state.DIGESTS, {})
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
                known[(name, digest)] = sandbox.read(
                    Upload(name, file.getvalue()),
                    progress=lambda step, name=name: status.write(t("{name}: {step}", name=md(name), step=said(step))),
                )
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
    if state.ADDRESS_READ in st.session_state:
        return
    st.session_state[state.ADDRESS_READ] = True
    params, names = st.query_params, state.Param
    for name, allowed in state.CHOICES.items():
        # Streamlit drops a bound widget's invalid value from the address without a word: say so.
        if params.get(name) is not None and params.get(name) not in allowed:
            address_note(
                t(
                    "The link's {name}={value} is not one of {allowed}, so the page's default is used.",
                    name=name,
                    value=md(params.get(name)),
                    allowed=", ".join(allowed),
                )
            )
    if params.get(names.COMPARE) in state.CHOICES[names.COMPARE]:
        st.session_state[state.COMPARE_CHOSEN] = True  # a link's comparison is a choice, kept as it is
    if params.get(names.SHARE):
        share.open_from_address()  # the view comes from the stored view state, not the address
        return
    if params.get(names.SCENARIO) in SCENARIOS:
        st.session_state[state.SCENARIO] = params[names.SCENARIO]
    if params.get(names.LANGUAGE) in LANGUAGES:
        st.session_state[state.LANGUAGE] = params[names.LANGUAGE]
    if params.get(names.CURRENCY) in CURRENCIES:
        st.session_state[state.CURRENCY] = params[names.CURRENCY]
    elif params.get(names.CURRENCY):
        address_note(
            t(
                "The link's {name}={value} is not one of {allowed}, so the page's default is used.",
                name=names.CURRENCY,
                value=md(params[names.CURRENCY]),
                allowed=", ".join(CURRENCIES),
            )
        )
    if params.get(names.FOCUS):
        st.session_state[state.FOCUS] = params[names.FOCUS]
    st.session_state[state.ADDRESS_FILTERS] = {
        "from": params.get(names.FROM),
        "to": params.get(names.TO),
        "team": params.get_all(names.TEAM),
        "rep": params.get_all(names.REP),
    }
    scenario = SCENARIOS[st.session_state.get(state.SCENARIO, DEFAULT_SCENARIO)]
    if params.get(names.WEIGHTS):
        try:
            asked = dict(part.split(":", 1) for part in params[names.WEIGHTS].split(",") if part)
            known = {key: value for key, value in asked.items() if key in scenario.activity_labels}
            for key, weight in activity_weights(scenario, known).items():
                st.session_state[_weight_key(scenario, key)] = weight
            if len(known) < len(asked):
                address_note(
                    t(
                        "The link's weights for {types} don't name an activity of the {scenario} scenario "
                        "and were left out.",
                        types=", ".join(map(md, set(asked) - set(known))),
                        scenario=t(scenario.label),
                    )
                )
        except (ValueError, InputError):
            address_note(t("The link's activity weights could not be read, so the scenario's own are used."))


def address_note(text: str) -> None:
    """Say that a value from the address did not fit and what was done instead: never change it silently."""
    st.session_state.setdefault(state.ADDRESS_NOTES, []).append(text)


def _url_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _weight_key(scenario: Scenario, activity_key: str) -> str:
    return f"weight-{scenario.key}-{activity_key}"


def _weights(scenario: Scenario) -> dict[str, float]:
    """How much one activity of each type counts as effort: the scenario's presets unless the user sets them."""
    with st.sidebar.expander(t("Activity weights")):
        st.caption(
            t(
                "How much one activity of each type counts as effort. 1 counts it like any other, 2 as two, "
                "0 leaves it out. Effort, conversion, the quadrant and the flag follow."
            )
        )
        chosen = {}
        for activity in scenario.activity_types:
            key = _weight_key(scenario, activity.key)
            st.session_state.setdefault(key, float(activity.weight))
            chosen[activity.key] = float(
                st.number_input(activity.label, min_value=0.0, max_value=100.0, step=0.5, key=key)
            )
    return chosen


def _thresholds(defaults: Thresholds) -> Thresholds:
    with st.sidebar.expander(t("Thresholds")):
        min_volume = st.number_input(
            t("Minimum volume to judge a rep"),
            min_value=1,
            max_value=10_000,
            value=defaults.min_volume,
            step=5,
            key="min_volume",
        )
        confidence = st.selectbox(
            t("Confidence of the flag"),
            CONFIDENCES,
            index=CONFIDENCES.index(defaults.confidence),
            format_func=lambda c: f"{c:.0%}",
            key="confidence",
        )
        rise = st.slider(
            t("Activity rise that counts"), 0, 100, int(defaults.rise_pct * 100), step=5, format="%d%%", key="rise_pct"
        )
    return Thresholds(min_volume=int(min_volume), confidence=float(confidence), rise_pct=rise / 100)


def _address_dates(remembered: dict, low: dt.date, high: dt.date) -> tuple[dt.date, dt.date]:
    """The date range a link asked for, within the data's; a note says what was changed and why."""
    asked = (remembered.get("from"), remembered.get("to"))
    start, end = _url_date(asked[0]), _url_date(asked[1])
    if not any(asked):
        return low, high
    if (asked[0] and start is None) or (asked[1] and end is None):
        address_note(t("The link's dates could not be read, so the data's whole range is shown."))
        return low, high
    start, end = start or low, end or high
    if start > end:
        start, end = end, start
        address_note(t("The link's date range ran backwards, so its ends were swapped."))
    if end < low or start > high:
        address_note(
            t(
                "The link's dates ({start}–{end}) lie outside this data ({low}–{high}), so the whole range is shown.",
                start=f"{start:%d.%m.%Y}",
                end=f"{end:%d.%m.%Y}",
                low=f"{low:%d.%m.%Y}",
                high=f"{high:%d.%m.%Y}",
            )
        )
        return low, high
    if start < low or end > high:
        address_note(
            t(
                "The link's dates reach beyond this data, so they were cut to {low}–{high}.",
                low=f"{max(start, low):%d.%m.%Y}",
                high=f"{min(end, high):%d.%m.%Y}",
            )
        )
    return max(start, low), min(end, high)


def _address_choices(asked: list[str], options: list[str], kind: str) -> list[str]:
    """The teams or reps a link asked for that this data has; a note names the ones it doesn't."""
    missing = [value for value in asked if value not in options]
    if missing:
        address_note(
            t(
                "The link asks for {kind} {names}, not in this data: left out.",
                kind=t("team") if kind == "team" else t("rep"),
                names=", ".join(map(md, missing)),
            )
        )
    return [value for value in asked if value in options]


def _filters(scoped: Slice, data_key: str) -> Filters:
    remembered = st.session_state.pop(state.ADDRESS_FILTERS, None) or {}
    bounds = filtering.date_bounds(scoped)
    start = end = None
    if bounds:
        low, high = bounds
        chosen = _address_dates(remembered, low, high)
        picked = st.sidebar.date_input(
            t("Date range"),
            value=chosen,
            min_value=low,
            max_value=high,
            format="DD.MM.YYYY" if lang().code == "nb" else "YYYY-MM-DD",
            key=f"dates-{data_key}",
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start, end = picked
        elif isinstance(picked, (tuple, list)) and len(picked) == 1:
            start, end = picked[0], high
    team_options = filtering.teams(scoped)
    teams = st.sidebar.multiselect(
        t("Teams"),
        team_options,
        default=_address_choices(remembered.get("team", []), team_options, "team"),
        placeholder=t("All teams"),
        key=f"teams-{data_key}",
        disabled=not team_options,
    )
    rep_options = filtering.reps(scoped, tuple(teams))
    reps = st.sidebar.multiselect(
        t("Reps filter"),
        rep_options,
        default=_address_choices(remembered.get("rep", []), rep_options, "rep"),
        placeholder=t("All reps"),
        key=f"reps-{data_key}-{'|'.join(teams)}",
    )
    return Filters(start=start, end=end, teams=tuple(teams), reps=tuple(reps))


def _write_url(scenario: Scenario, chosen: Filters, bounds, on_rep_page: bool, weights: dict[str, float]) -> None:
    names = state.Param
    params = {names.SCENARIO: scenario.key, names.LANGUAGE: st.session_state.get(state.LANGUAGE, "en")}
    if st.session_state.get(state.CURRENCY):
        params[names.CURRENCY] = st.session_state[state.CURRENCY]
    if bounds and chosen.start and (chosen.start, chosen.end) != bounds:
        params[names.FROM], params[names.TO] = chosen.start.isoformat(), chosen.end.isoformat()
    if chosen.teams:
        params[names.TEAM] = list(chosen.teams)
    if chosen.reps:
        params[names.REP] = list(chosen.reps)
    if on_rep_page and st.session_state.get(state.FOCUS):
        params[names.FOCUS] = st.session_state[state.FOCUS]
    changed = {key: weight for key, weight in weights.items() if weight != scenario.activity_weights.get(key, 1.0)}
    if changed:
        params[names.WEIGHTS] = ",".join(f"{key}:{weight:g}" for key, weight in sorted(changed.items()))
    # Only the frame's own keys: the pages' choices are bound to the address by their widgets, and a share
    # link's token stays as it is.
    for key in FRAME_PARAMS:
        wanted = params.get(key)
        wanted = wanted if isinstance(wanted, list) or wanted is None else [wanted]
        if wanted is None and key in st.query_params:
            del st.query_params[key]
        elif wanted is not None and st.query_params.get_all(key) != wanted:
            st.query_params[key] = wanted


def source_label(view: View) -> str:
    """What the pages are showing: the sample's file, or the names of the uploaded files in use."""
    if view.is_sample:
        return t("sample data ({scenario})", scenario=view.scenario_title)
    return ", ".join(dict.fromkeys(table.source.split(" › ")[0] for table in view.dataset.tables))


def filters_label(view: View) -> str:
    """The filters in force, in a few words: '2 teams, 1 rep, 01.01.2026–31.01.2026'; empty when none."""
    chosen, bounds, parts = view.filters, view.analysis.bounds, []
    if chosen.teams:
        parts.append(tn("{count} team", "{count} teams", len(chosen.teams)))
    if chosen.reps:
        parts.append(tn("{count} rep", "{count} reps", len(chosen.reps)))
    if bounds and chosen.start and (chosen.start, chosen.end) != bounds:
        parts.append(f"{chosen.start:%d.%m.%Y}–{chosen.end:%d.%m.%Y}")
    return ", ".join(parts)


def draw_source_line(view: View, page_title: str) -> None:
    """The page's last line: which page, over which data, in which scenario, with which filters."""
    filters = filters_label(view)
    line = t(
        "{page} · Source: {source} · Scenario: {scenario}",
        page=page_title,
        source=md(source_label(view)),
        scenario=view.scenario_title,
    )
    st.caption(line + (" · " + t("Filters: {filters}", filters=filters) if filters else ""))


def build_view(page_path: str = "") -> View:
    """Draw the sidebar, load the data it names, and store the resulting View for the page at `page_path`."""
    read_address()
    sidebar = st.sidebar
    uploaded = sidebar.file_uploader(
        t("Upload spreadsheets"),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key="uploads",
        help=t("Excel (.xlsx) or CSV: activity logs, deals, rep × period sheets, rosters. Several at once is fine."),
    )
    scenario_key = sidebar.selectbox(
        t("Scenario"),
        list(SCENARIOS),
        format_func={k: t(s.label) for k, s in SCENARIOS.items()}.get,
        key=state.SCENARIO,
        index=list(SCENARIOS).index(DEFAULT_SCENARIO),
    )
    sidebar.selectbox(t("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key=state.LANGUAGE)
    sidebar.selectbox(
        t("Currency"),
        ["", *CURRENCIES],
        format_func={"": t("None (plain numbers)"), **dict(zip(CURRENCIES, CURRENCIES))}.get,
        key=state.CURRENCY,
        help=t("What amounts are shown in: the cards, tables, findings, downloads and reports."),
    )
    scenario = SCENARIOS[scenario_key]

    dataset, is_sample, from_uploads = None, False, None
    files, content_key = _read_uploads(uploaded or [])  # also when the list is empty: removed files go
    if uploaded:
        mapping_json = json.dumps(current_mapping(), sort_keys=True)
        # The mapping is part of the key: other columns or statuses make other data for every cache below.
        data_key = hashlib.blake2b(f"{content_key}|{mapping_json}".encode(), digest_size=16).hexdigest()
        dataset = from_uploads = _ingest(data_key, tuple(files), mapping_json)
        for error in dataset.errors:
            st.error(
                f"**{md(error.file)}** — {md(lang().render(error.message))} "
                + t("(Remove it from the upload list in the sidebar once you have a better file.)"),
                icon=":material/error:",
            )
        if not dataset.tables:
            st.info(t("None of the uploaded files could be used, so the sample data is shown until one can."))
            dataset = None
    if dataset is None and share.shared_view() is not None:
        # The sharer's analysed data, already ingested: the same for everyone with the link.
        data_key, dataset = share.shared_data()
    if dataset is None:
        data_key = f"sample-{scenario.key}"
        dataset, is_sample = _sample(scenario.key), True

    scenario = replace(scenario, thresholds=_thresholds(scenario.thresholds))
    weights = _weights(scenario)
    assigned = json.dumps(current_mapping().get("activity_types", {}), sort_keys=True)
    scoped = _sample_scope(scenario.key, assigned) if is_sample else _scope(data_key, scenario.key, assigned, dataset)
    chosen = _filters(scoped, data_key)
    _write_url(scenario, chosen, filtering.date_bounds(scoped), page_path == state.REPS.url_path, weights)
    # One Analysis per population (dates and teams); choosing reps derives from it and shares its work.
    population = chosen.without_reps()
    choices = f"{assigned}|{scenario.thresholds!r}|{population!r}|{json.dumps(weights, sort_keys=True)}"
    if is_sample:
        analysis = _sample_analysis(f"{scenario.key}|{choices}", scenario, population, assigned, weights)
    else:
        analysis = _analysis(f"{data_key}|{scenario.key}|{choices}", dataset, scoped, scenario, population, weights)
    analysis = analysis.with_reps(chosen.reps)
    for note in st.session_state.pop(state.ADDRESS_NOTES, []):
        st.info(note, icon=":material/link:")
    share.show_share_notice()
    if is_sample:
        st.caption(
            t(
                "Showing sample data for the {scenario} scenario. Upload your own files in the sidebar.",
                scenario=t(scenario.label),
            )
        )
    if dataset.warnings:
        st.caption(
            ":material/warning: "
            + tn(
                "{count} reading warning: {example} See the Data page.",
                "{count} reading warnings, for example: {example} See the Data page.",
                len(dataset.warnings),
                example=md(lang().render(dataset.warnings[0])),
            )
        )
    view = View(scenario, analysis, is_sample, from_uploads, data_key)
    st.session_state[state.VIEW] = view
    share.share_section(view, page_path)
    share.export_section(view)
    return view
