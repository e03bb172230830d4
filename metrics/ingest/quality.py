"""What the Data page shows of a dataset: problems by reason, the rows behind them, and the choices left to the user."""

from __future__ import annotations

import pandas as pd

from metrics.ingest.frames import Dataset, TableReport, reason_message
from metrics.ingest.recognition import activity_text_of_header
from metrics.ingest.values import normalised_choices
from metrics.scenarios import Scenario, normalise_activity_types
from metrics.text import normalise_label


def quality_report(dataset: Dataset) -> pd.DataFrame:
    """Rows dropped, repaired or flagged, counted by reason: reason, detail, action, rows, tables. A reason is
    a template and its detail the values (see frames); reason_message makes the sentence to show."""
    problems = with_detail(dataset.problems)
    if problems.empty:
        return pd.DataFrame(
            {
                "reason": pd.Series(dtype="str"),
                "detail": pd.Series(dtype="str"),
                "action": pd.Series(dtype="str"),
                "rows": pd.Series(dtype="int64"),
                "tables": pd.Series(dtype="str"),
            }
        )
    grouped = problems.groupby(["reason", "detail", "action"], sort=False)
    report = grouped.size().rename("rows").reset_index()
    report["tables"] = grouped["source"].agg(lambda s: ", ".join(dict.fromkeys(s))).to_numpy()
    order = {"dropped": 0, "repaired": 1, "warning": 2}
    return report.sort_values(
        ["action", "rows"], key=lambda c: c.map(order) if c.name == "action" else -c, kind="stable"
    ).reset_index(drop=True)


def with_detail(problems: pd.DataFrame) -> pd.DataFrame:
    """A problems frame with its detail column: a shared view saved before reasons had values has none."""
    if "detail" in problems:
        return problems.assign(detail=problems["detail"].fillna(""))
    return problems.assign(detail=pd.Series("", index=problems.index, dtype="str"))


def problem_rows(dataset: Dataset, reason: str | None = None, detail: str | None = None) -> pd.DataFrame:
    """The input rows behind the quality report, with their table and file row: all, or one reason's (with
    `detail`, one reason's for those values only, as one row of the quality report)."""
    frames = []
    for table in dataset.tables:
        rows = with_detail(table.problem_rows)
        if reason is not None:
            rows = rows[(rows["reason"] == reason) & ((rows["detail"] == detail) if detail is not None else True)]
        if len(rows):
            frames.append(rows.assign(table=table.source)[["table", *rows.columns]])
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ["table", "row", "reason", "detail", "action"]})
    return pd.concat(frames, ignore_index=True)


def said_reasons(frame: pd.DataFrame, say) -> pd.DataFrame:
    """A frame with reason and detail columns (the quality report, problem rows) with each reason said as
    `say` says a Message (a page's lang().render) and no detail column: for a table or a download."""
    if "reason" not in frame:
        return frame
    details = frame["detail"] if "detail" in frame else pd.Series("", index=frame.index)
    said = [say(reason_message(reason, detail)) for reason, detail in zip(frame["reason"], details.fillna(""))]
    return frame.drop(columns=["detail"], errors="ignore").assign(
        reason=pd.Series(said, index=frame.index, dtype="str")
    )


def activity_type_choices(
    dataset: Dataset, scenario: Scenario, assigned: dict[str, str | None] | None = None
) -> pd.DataFrame:
    """Activity-type texts the scenario's words don't name, with how many activities each has and the user's
    choice: value, activities, choice (an activity key, None to leave out, or <NA> when not chosen)."""
    assigned = assigned or {}
    counts = (
        pd.concat([t.activity_types for t in dataset.tables if len(t.activity_types)])
        if any(len(t.activity_types) for t in dataset.tables)
        else pd.Series(dtype="int64")
    )
    counts = counts.groupby(level=0).sum()
    if counts.empty:
        return pd.DataFrame(
            {
                "value": pd.Series(dtype="str"),
                "activities": pd.Series(dtype="int64"),
                "choice": pd.Series(dtype="object"),
            }
        )
    values = pd.Series(counts.index, dtype="string")
    builtin = normalise_activity_types(values, scenario)
    unknown = ~builtin.isin(list(scenario.activity_labels)).fillna(False) | values.isin(list(assigned))
    chosen = values[unknown.to_numpy()]
    return pd.DataFrame(
        {
            "value": chosen.astype(str).to_numpy(),
            "activities": counts.loc[chosen.to_numpy()].to_numpy(dtype="int64"),
            "choice": pd.Series([assigned.get(v, pd.NA) for v in chosen], dtype=object),  # None: left out
        }
    ).sort_values(["activities", "value"], ascending=[False, True], ignore_index=True)


def activity_count_columns(table: TableReport, scenario: Scenario) -> pd.DataFrame:
    """A summary table's count columns and the scenario activity each counts: column, activity (label or
    the column's own word when the scenario has no such activity)."""
    columns = list(table.recognition.activity_columns)
    texts = pd.Series([activity_text_of_header(c) for c in columns], dtype="string")
    keys = normalise_activity_types(texts, scenario)
    labels = [scenario.activity_labels.get(k, t) for k, t in zip(keys, texts)]
    return pd.DataFrame({"column": columns, "activity": labels})


def status_choices(dataset: Dataset, assigned: dict[str, str] | None = None) -> pd.DataFrame:
    """Status texts the built-in words don't know, with how many deals have each and the user's choice:
    value, deals, choice ('won'|'lost'|'open', or <NA> when not chosen: such deals count as open)."""
    choices = normalised_choices(assigned)
    counts = [t.unknown_statuses for t in dataset.tables if len(t.unknown_statuses)]
    if not counts:
        return pd.DataFrame(
            {"value": pd.Series(dtype="str"), "deals": pd.Series(dtype="int64"), "choice": pd.Series(dtype="object")}
        )
    counts = pd.concat(counts).groupby(level=0).sum().sort_values(ascending=False, kind="stable")
    return pd.DataFrame(
        {
            "value": counts.index.astype(str),
            "deals": counts.to_numpy(dtype="int64"),
            "choice": pd.Series([choices.get(normalise_label(v), pd.NA) for v in counts.index], dtype=object),
        }
    )
