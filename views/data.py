"""Data: how each table and column was understood, what was used, and every row dropped or repaired and why.

Every choice can be changed here: the column for each role, what an unknown activity type or status
means. The choices live in the session's mapping, which build_view passes to the engine, so the whole
app follows; they can be saved as a small JSON file and loaded again next week.
"""

import hashlib
import json

import pandas as pd
import streamlit as st

from i18n import N_
from metrics.errors import InputError
from metrics.ingest import (
    ROLE_WORDS,
    SHAPE_ROLES,
    SHAPE_TITLES,
    SHAPES,
    Dataset,
    TableReport,
    activity_count_columns,
    activity_type_choices,
    mapping_json,
    problem_rows,
    quality_report,
    status_choices,
    validate_mapping,
)
from metrics.ingest.quality import said_reasons
from metrics.ingest.shapes import lacking_roles
from metrics.ingest.values import STATUSES
from metrics.report import to_csv
from metrics.templates import template_workbook
from views import state
from views.context import current_mapping, current_view
from views.escaping import md
from views.i18n import lang, t, tn
from views.widgets import download_csv

NOT_USED = "— not used —"
KEEP_TYPE = "— keep as its own type —"
LEAVE_OUT = "— not a sales activity: leave out —"
AS_OPEN = "— count as open —"
UNUSED_ROLES = (
    "rep",
    "date",
    "activity_type",
    "status",
    "stage",
    "amount",
    "period",
    "won",
    "revenue",
    "team",
    "manager",
    "closed",
    "created",
    "deal_id",
)
MAX_VALUES = 30
# Whole phrases, so each language can say them its own way.
READ_AS = {
    "activities": N_("Read it as an activity log instead"),
    "deals": N_("Read it as a deals table instead"),
    "summary": N_("Read it as a rep × period summary instead"),
    "roster": N_("Read it as a roster instead"),
}

view = current_view()
mapping = current_mapping()
# Widget keys name the data and the choices made: after any change every picker starts from the new reading.
KEY = f"{view.data_key}-{hashlib.blake2b(json.dumps(mapping, sort_keys=True).encode(), digest_size=6).hexdigest()}"


def choose_column(source: str, role: str, key: str) -> None:
    choice = st.session_state[key]
    mapping.setdefault("columns", {}).setdefault(source, {})[role] = None if choice == NOT_USED else choice


def reset_columns(source: str) -> None:
    mapping.get("columns", {}).pop(source, None)


def choose_value(kind: str, value: str, key: str, unset: str, leave_out: str | None = None) -> None:
    choice = st.session_state[key]
    values = mapping.setdefault(kind, {})
    if choice == unset:
        values.pop(value, None)
    else:
        values[value] = None if choice == leave_out else choice


def how_sure(table: TableReport, role: str) -> str:
    match = table.recognition.roles.get(role)
    if match is None:
        return t("not found")
    return t("your choice") if match.by_user else t("{confidence} sure", confidence=lang().percent(match.confidence, 0))


def role_pickers(table: TableReport, number: int, roles: tuple[str, ...], editable: bool) -> None:
    """A selectbox per role: the table's columns, the recognised one chosen."""
    options = [NOT_USED, *table.columns]
    roles = (*roles, *(r for r in table.recognition.roles if r not in roles))
    grid = st.columns(3)
    for position, role in enumerate(roles):
        chosen = table.recognition.column(role)
        key = f"role-{KEY}-{number}-{role}"
        grid[position % 3].selectbox(
            f"{t(ROLE_WORDS.get(role, role)).capitalize()} ({how_sure(table, role)})",
            options,
            index=options.index(chosen) if chosen in options else 0,
            key=key,
            disabled=not editable,
            on_change=choose_column,
            args=(table.source, role, key),
        )
    if editable and table.source in mapping.get("columns", {}):
        st.button(
            t("Back to the automatic choice"), key=f"reset-{KEY}-{number}", on_click=reset_columns, args=(table.source,)
        )


def choose_shape(source: str, shape: str, automatic: bool) -> None:
    shapes = mapping.setdefault("shapes", {})
    if automatic:
        shapes.pop(source, None)
    else:
        shapes[source] = shape


def understood(table: TableReport, number: int) -> None:
    rows = [
        {
            "role": m.role,
            "meaning": t(ROLE_WORDS.get(m.role, m.role)),
            "column": m.column,
            "confidence": m.confidence,
            "matched by": (t("your choice") if m.by_user else t("header"))
            + (f" ({lang().render(table.unused_roles[m.role])})" if m.role in table.unused_roles else ""),
        }
        for m in table.recognition.roles.values()
    ]
    rows += [
        {
            "role": "activity_count",
            "meaning": t("count of {activity}", activity=t(activity)),
            "column": column,
            "confidence": 1.0,
            "matched by": t("header"),
        }
        for column, activity in activity_count_columns(table, view.scenario).itertuples(index=False)
    ]
    st.dataframe(
        pd.DataFrame(rows, columns=["role", "meaning", "column", "confidence", "matched by"]),
        hide_index=True,
        key=f"mapping-{number}",
        column_config={
            "role": None,
            "meaning": st.column_config.Column(t("Role")),
            "column": st.column_config.Column(t("Column")),
            "matched by": st.column_config.Column(t("Matched by")),
            "confidence": st.column_config.ProgressColumn(
                t("Confidence"), min_value=0.0, max_value=1.0, format="percent"
            ),
        },
    )


def how_read(table: TableReport, number: int, editable: bool) -> None:
    """Which kind of table it was read as and why, what the reader noticed, and a switch to the close alternative."""
    st.markdown("**" + t("Read as: {kind}", kind=t(SHAPE_TITLES[table.shape])) + "**")
    st.caption(md(lang().render(table.reason)))
    for note in table.notes:
        st.info(md(lang().render(note)), icon=":material/info:")
    if table.alternative is None:
        return
    if table.alternative_reason:
        st.caption(md(lang().render(table.alternative_reason)))
    if editable:
        st.button(
            t(READ_AS[table.alternative]),
            key=f"shape-{KEY}-{number}",
            icon=":material/swap_horiz:",
            on_click=choose_shape,
            args=(table.source, table.alternative, table.shape_by_user),
        )


def problems_of(table: TableReport, number: int) -> None:
    if len(table.problem_rows):
        st.markdown(t("**Rows dropped, repaired or flagged** ({count})", count=lang().number(len(table.problem_rows))))
        said = said_reasons(table.problem_rows, lang().render)
        st.dataframe(said.head(200), hide_index=True, placeholder="–", key=f"problems-{number}")
        download_csv(said, f"problem-rows-{number + 1}.csv", key=f"problems-download-{number}")


def activities_of(count: int) -> str:
    return tn("{count} activity", "{count} activities", count)


def deals_of(count: int) -> str:
    return tn("{count} deal", "{count} deals", count)


def section_title(table: TableReport) -> str:
    return t(
        "{source} — {kind}: {used} of {read} rows used",
        source=md(table.source),
        kind=t(SHAPE_TITLES[table.shape]),
        used=lang().number(table.rows_used),
        read=lang().number(table.rows_read),
    )


def table_section(table: TableReport, number: int, editable: bool) -> None:
    title = section_title(table)
    with st.expander(title, expanded=number == 0):
        how_read(table, number, editable)
        st.markdown("**" + t("How the columns were understood") + "**")
        understood(table, number)
        st.markdown("**" + t("Change a column") + "**")
        role_pickers(table, number, SHAPE_ROLES[table.shape], editable)
        if table.recognition.unrecognised:
            st.markdown(
                t(
                    "**Not used** (not recognised; pick one above to use it): {columns}",
                    columns=", ".join(f"“{md(column)}”" for column in table.recognition.unrecognised),
                )
            )
        problems_of(table, number)
        st.markdown("**" + t("Preview") + "**")
        st.dataframe(table.preview, hide_index=True, placeholder="–", key=f"preview-{number}")


def unused_section(table: TableReport, number: int) -> None:
    if table.shape is not None:
        failed_section(table, number)
        return
    with st.expander(t("{source} — not used yet", source=md(table.source)), expanded=True):
        needs = "\n".join(
            f"- {t(SHAPE_TITLES[shape])}: {'; '.join(md(lang().render(role)) for role in roles)}"
            for shape, roles in lacking_roles(table.recognition).items()
        )
        st.warning(
            t(
                "**{source}** was not recognised as any table. Pick the columns it has; each kind of table "
                "still needs:",
                source=md(table.source),
            )
            + f"\n{needs}",
            icon=":material/help:",
        )
        role_pickers(table, 100 + number, UNUSED_ROLES, editable=True)
        if table.source in mapping.get("shapes", {}):
            st.button(
                t("Back to the automatic choice of table kind"),
                key=f"shape-reset-{KEY}-{number}",
                on_click=choose_shape,
                args=(table.source, None, True),
            )
        st.markdown("**" + t("Preview") + "**")
        st.dataframe(table.preview, hide_index=True, placeholder="–", key=f"unused-preview-{number}")


def failed_section(table: TableReport, number: int) -> None:
    """A table read as its shape of which no row, or nearly none, could be used: why, and how to fix it."""
    title = section_title(table)
    with st.expander(title, expanded=True):
        # The error itself is at the top of every page; here it says what to change.
        st.markdown(
            ":material/error: " + t("**Why it was left out:** {why}", why=md(lang().render(table.message or "")))
        )
        how_read(table, 100 + number, editable=True)
        st.markdown("**" + t("Change a column") + "**")
        role_pickers(table, 100 + number, SHAPE_ROLES[table.shape], editable=True)
        problems_of(table, 100 + number)
        st.markdown("**" + t("Preview") + "**")
        st.dataframe(table.preview, hide_index=True, placeholder="–", key=f"unused-preview-{number}")


def quality_section(dataset: Dataset) -> None:
    report = quality_report(dataset)
    st.subheader(t("Rows dropped, repaired or flagged, by reason"))
    if report.empty:
        st.success(t("Every row was used as it was."), icon=":material/check:")
        return
    said = said_reasons(report, lang().render).assign(action=report["action"].map(t))
    st.dataframe(
        said,
        hide_index=True,
        placeholder="–",
        key="reasons",
        column_config={
            "reason": st.column_config.Column(t("Reason"), width="large"),
            "action": st.column_config.Column(t("Action")),
            "rows": st.column_config.NumberColumn(t("Rows")),
            "tables": st.column_config.Column(t("Tables")),
        },
    )
    picked, button = st.columns([3, 1], vertical_alignment="bottom")
    # One report row is a reason with its values: the same sentence may stand for several.
    rows = {None: t("every reason"), **{position: text for position, text in enumerate(said["reason"])}}
    chosen = picked.selectbox(t("Rows behind"), list(rows), key=f"reason-{view.data_key}", format_func=rows.get)
    reason, detail = (
        (None, None)
        if chosen is None
        else (report["reason"].iloc[chosen], report["detail"].iloc[chosen] if "detail" in report else None)
    )
    language = lang()
    button.download_button(
        t("Download rows (CSV)"),
        lambda: to_csv(said_reasons(problem_rows(dataset, reason, detail), language.render)),
        file_name="rows-dropped-or-repaired.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"reason-download-{view.data_key}",
        on_click="ignore",
    )


def values_section(dataset: Dataset, editable: bool) -> None:
    scenario = view.scenario
    types = activity_type_choices(dataset, scenario, mapping.get("activity_types"))
    statuses = status_choices(dataset, mapping.get("statuses"))
    if types.empty and statuses.empty:
        return
    st.subheader(t("Values to assign"))
    if len(types):
        st.caption(
            t(
                "Activity types the {scenario} scenario does not know. Assign each to one of its activities, "
                "or leave it out.",
                scenario=scenario.label,
            )
        )
        options = [KEEP_TYPE, *scenario.activity_labels, LEAVE_OUT]
        labels = {**scenario.activity_labels, KEEP_TYPE: KEEP_TYPE, LEAVE_OUT: LEAVE_OUT}
        grid = st.columns(3)
        for position, row in enumerate(types.head(MAX_VALUES).itertuples(index=False)):
            choice = LEAVE_OUT if row.choice is None else KEEP_TYPE if row.choice is pd.NA else row.choice
            key = f"type-{KEY}-{hashlib.blake2b(row.value.encode(), digest_size=6).hexdigest()}"
            grid[position % 3].selectbox(
                f"“{md(row.value)}” ({activities_of(row.activities)})",
                options,
                key=key,
                disabled=not editable,
                index=options.index(choice) if choice in options else 0,
                format_func=labels.get,
                on_change=choose_value,
                args=("activity_types", row.value, key, KEEP_TYPE, LEAVE_OUT),
            )
        if len(types) > MAX_VALUES:
            st.caption(
                tn("{count} rarer type is not shown.", "{count} rarer types are not shown.", len(types) - MAX_VALUES)
            )
    if len(statuses):
        st.caption(t("Statuses the app does not know. Until you say, such deals count as open."))
        options = [AS_OPEN, *STATUSES]
        grid = st.columns(3)
        for position, row in enumerate(statuses.head(MAX_VALUES).itertuples(index=False)):
            choice = AS_OPEN if row.choice is pd.NA else row.choice
            key = f"status-{KEY}-{hashlib.blake2b(row.value.encode(), digest_size=6).hexdigest()}"
            grid[position % 3].selectbox(
                f"“{md(row.value)}” ({deals_of(row.deals)})",
                options,
                index=options.index(choice),
                key=key,
                disabled=not editable,
                on_change=choose_value,
                args=("statuses", row.value, key, AS_OPEN),
            )


def mapping_section() -> None:
    st.subheader(t("Save or load these choices"))
    st.caption(
        t(
            "A mapping file holds your column choices and value assignments. Load it next time, or pass it "
            "to `python -m metrics analyze --mapping`, to read the same export the same way."
        )
    )
    save, load_from = st.columns(2)
    save.download_button(
        t("Download mapping (JSON)"),
        mapping_json(mapping),
        file_name="sales-mapping.json",
        mime="application/json",
        icon=":material/download:",
        key="mapping-download",
        on_click="ignore",
    )
    saved = load_from.file_uploader(t("Load a saved mapping"), type=["json"], key="mapping_file")
    if saved is None:
        return
    content = saved.getvalue()
    digest = hashlib.blake2b(content, digest_size=16).hexdigest()
    if st.session_state.get(state.MAPPING_FILE_APPLIED) == digest:
        load_from.caption(t("Loaded from {name}.", name=md(saved.name)))
        return
    try:
        loaded = validate_mapping(content)
    except InputError as error:
        load_from.error(f"**{md(saved.name)}** — {md(lang().render(error.message))}", icon=":material/error:")
        return
    st.session_state[state.MAPPING_FILE_APPLIED] = digest
    mapping.clear()
    mapping.update(loaded)
    st.rerun()


@st.cache_data(max_entries=32, show_spinner=False)
def template(scenario_key: str, shape: str, language: str) -> bytes:
    return template_workbook(scenario_key, shape, lang=language)  # no user data in it: safe to share


def templates_section() -> None:
    st.subheader(t("Templates"))
    st.caption(
        t(
            "Empty workbooks with the columns the app reads, an example row and instructions, in the "
            "{scenario} scenario's words.",
            scenario=view.scenario_title,
        )
    )
    buttons = st.columns(len(SHAPES))
    for column, shape in zip(buttons, SHAPES):
        column.download_button(
            t(SHAPE_TITLES[shape]),
            template(view.scenario.key, shape, lang().code),
            file_name=f"{view.scenario.key}-{shape}-template.xlsx",
            icon=":material/download:",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"template-{shape}",
            on_click="ignore",
        )


st.title(t("Data"))
uploaded = view.uploaded
usable = not view.is_sample
dataset = view.dataset if usable else uploaded
if dataset is None:
    st.info(
        t(
            "This is the sample data. Upload your own files in the sidebar to see how they are read, change "
            "the columns and assign values here."
        ),
        icon=":material/info:",
    )
    dataset = view.dataset
elif not usable:
    st.info(
        t("None of your files could be used yet. Pick their columns below, or start from a template."),
        icon=":material/info:",
    )

total = st.columns(3)
total[0].metric(t("Rows read"), lang().number(dataset.rows_read))
total[1].metric(t("Rows used"), lang().number(dataset.rows_used))
total[2].metric(t("Rows dropped"), lang().number(dataset.rows_dropped))
if dataset.tables:
    st.caption(
        t("Effort is counted in activities.")
        if dataset.effort_basis == "activities"
        else t("Effort is counted in deals engaged (there is no activity log).")
    )
weights = view.analysis.weights
if view.analysis.weighted:
    st.caption(
        t(
            "Activity weights: {weights}. Each activity counts as its type's weight in effort; conversion "
            "is won ÷ that effort.",
            weights=", ".join(
                f"{t(view.scenario.activity_labels.get(key, key))} × {lang().number(weight, 1)}"
                for key, weight in weights.items()
            ),
        )
    )
for warning in dataset.warnings:
    st.warning(md(lang().render(warning)), icon=":material/warning:")
for note in dataset.notes:
    st.caption(f":material/info: {md(lang().render(note))}")

editable = uploaded is not None
if dataset.tables:
    quality_section(dataset)
    st.subheader(t("Tables"))
    for number, table in enumerate(dataset.tables):
        table_section(table, number, editable)
for number, table in enumerate(dataset.unused if editable else []):
    unused_section(table, number)
values_section(dataset, editable)
if editable:
    mapping_section()
templates_section()
