"""What a shared link carries: the engine's normalised frames and the view state, and how they become bytes.

Frames are Arrow IPC files (zstd-compressed), which keep pandas' dtypes: datetimes, nullable integers and
floats, and both string dtypes. Everything else is JSON. Nothing is pickled, so opening a link never runs
code that came with the data. The raw upload, its previews and the input rows behind the quality report
are not shared: a shared view holds only what the analysis is drawn from.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from metrics.ingest import Dataset, Recognition, TableReport
from metrics.text import Message, message_data, message_of

FRAMES = ("activities", "outcomes", "roster", "problems")
FORMAT = 1  # the payload's layout; a new layout gets a new number so old links can still be read or refused
MAX_VIEW_STATE_BYTES = 64 * 1024
_WRITE = pa.ipc.IpcWriteOptions(compression="zstd")


@dataclass(frozen=True)
class SharedTable:
    """One input table as the quality report counts it: where it came from and how many rows it gave."""

    source: str
    shape: str | None
    rows_read: int
    rows_used: int

    def report(self) -> TableReport:
        """A TableReport with these counts, and no preview or input rows: those are never shared."""
        no_rows = pd.DataFrame({column: pd.Series(dtype="object") for column in ("row", "reason", "detail", "action")})
        return TableReport(
            source=self.source,
            shape=self.shape,
            recognition=Recognition(),
            columns=[],
            rows_read=self.rows_read,
            rows_used=self.rows_used,
            preview=pd.DataFrame(),
            problem_rows=no_rows,
        )


@dataclass(frozen=True)
class SharedView:
    """A dataset and the view of it that a link reproduces.

    `view_state` is the app's own JSON (scenario, filters, page, language, thresholds, the user's mapping
    choices …); the engine keeps it as it is, and only scrubs names from it when anonymising.
    """

    activities: pd.DataFrame
    outcomes: pd.DataFrame
    roster: pd.DataFrame
    problems: pd.DataFrame
    view_state: dict[str, Any]
    tables: list[SharedTable] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)  # a link saved before messages holds plain text
    notes: list[Message] = field(default_factory=list)
    anonymised: bool = False
    created_at: dt.datetime | None = None  # UTC, set by the store
    expires_at: dt.datetime | None = None

    @classmethod
    def of(cls, dataset: Dataset, view_state: dict[str, Any]) -> SharedView:
        tables = [SharedTable(t.source, t.shape, int(t.rows_read), int(t.rows_used)) for t in dataset.tables]
        return cls(
            dataset.activities,
            dataset.outcomes,
            dataset.roster,
            dataset.problems,
            view_state,
            tables,
            list(dataset.warnings),
            list(dataset.notes),
        )

    @property
    def dataset(self) -> Dataset:
        """The frames as a Dataset the pages can draw (rows read, used, dropped; the quality report); its
        tables have counts but no preview or input rows."""
        return Dataset(
            self.activities,
            self.outcomes,
            self.roster,
            self.problems,
            [table.report() for table in self.tables],
            warnings=list(self.warnings),
            notes=list(self.notes),
        )


def frame_bytes(frame: pd.DataFrame) -> bytes:
    """An Arrow IPC file of the frame; its index is not kept."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=_WRITE) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def bytes_frame(content: bytes) -> pd.DataFrame:
    return pa.ipc.open_file(pa.BufferReader(content)).read_all().to_pandas()


def state_json(view_state: dict[str, Any]) -> str:
    """The view state as JSON text; anything JSON can't hold is refused rather than pickled."""
    if not isinstance(view_state, dict):
        raise TypeError(f"the view state must be a dict, not {type(view_state).__name__}")
    text = json.dumps(view_state, ensure_ascii=False, allow_nan=False, sort_keys=True)
    if len(text.encode()) > MAX_VIEW_STATE_BYTES:
        raise ValueError(f"the view state is over {MAX_VIEW_STATE_BYTES} bytes of JSON")
    return text


def summary_json(view: SharedView) -> str:
    return json.dumps(
        {
            "tables": [asdict(t) for t in view.tables],
            "warnings": message_data(view.warnings),
            "notes": message_data(view.notes),
        },
        ensure_ascii=False,
    )


def encode(view: SharedView) -> dict[str, bytes | str]:
    """The stored columns of a view: one Arrow file per frame, the view state and the summary as JSON."""
    return {
        **{name: frame_bytes(getattr(view, name)) for name in FRAMES},
        "view_state": state_json(view.view_state),
        "summary": summary_json(view),
    }


def decode(columns: dict[str, Any], **stored: Any) -> SharedView:
    """The view back from its stored columns; `stored` adds anonymised, created_at and expires_at."""
    summary = json.loads(columns["summary"])
    return SharedView(
        **{name: bytes_frame(bytes(columns[name])) for name in FRAMES},
        view_state=json.loads(columns["view_state"]),
        tables=[SharedTable(**table) for table in summary["tables"]],
        warnings=message_of(summary["warnings"]),
        notes=message_of(summary["notes"]),
        **stored,
    )


def size_of(columns: dict[str, bytes | str]) -> int:
    return sum(len(value.encode() if isinstance(value, str) else value) for value in columns.values())
