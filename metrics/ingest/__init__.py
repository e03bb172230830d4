"""From uploaded files to canonical frames plus a quality report.

    read(upload) -> RawFile           bytes to raw tables of text (reading, sniff, preflight, xlsx, delimited,
                                      header); see docs/SECURITY.md for what it refuses
    ingest(files, mapping) -> Dataset raw tables to canonical frames (recognition, shapes, cleaning, the
                                      per-shape parsers activities/deals/summary/roster, values, assemble)
    load(uploads, mapping) -> Dataset both at once

The frames are described in metrics.ingest.frames; what the Data page shows of them is in quality, and the
user's saved choices in mapping. Reading is kept apart from ingesting so that a worker process can read an
untrusted file and send back plain data.
"""

from metrics.ingest.activities import parse_activities
from metrics.ingest.assemble import ingest, load
from metrics.ingest.deals import parse_deals
from metrics.ingest.frames import (
    ACTIVITY_COLUMNS,
    OUTCOME_COLUMNS,
    PROBLEM_COLUMNS,
    ROSTER_COLUMNS,
    Dataset,
    RawFile,
    RawTable,
    TableReport,
    Upload,
    empty_frame,
)
from metrics.ingest.mapping import MAPPING_VERSION, MAX_MAPPING_BYTES, mapping_json, overrides_for, validate_mapping
from metrics.ingest.quality import (
    activity_count_columns,
    activity_type_choices,
    problem_rows,
    quality_report,
    reason_message,
    said_reasons,
    status_choices,
)
from metrics.ingest.reading import read, read_tables
from metrics.ingest.recognition import ColumnMatch, Recognition, recognise
from metrics.ingest.roster import parse_roster
from metrics.ingest.shapes import (
    REQUIRED,
    ROLE_WORDS,
    SHAPE_ROLES,
    SHAPE_TITLES,
    SHAPES,
    classify,
    lacking_roles,
    missing_roles,
    missing_roles_message,
)
from metrics.ingest.sniff import decode_text, sniff_separator
from metrics.ingest.summary import parse_summary
from metrics.ingest.values import STATUSES

__all__ = [
    "ACTIVITY_COLUMNS",
    "MAPPING_VERSION",
    "MAX_MAPPING_BYTES",
    "OUTCOME_COLUMNS",
    "PROBLEM_COLUMNS",
    "REQUIRED",
    "ROLE_WORDS",
    "ROSTER_COLUMNS",
    "SHAPES",
    "SHAPE_ROLES",
    "SHAPE_TITLES",
    "STATUSES",
    "ColumnMatch",
    "Dataset",
    "RawFile",
    "RawTable",
    "Recognition",
    "TableReport",
    "Upload",
    "activity_count_columns",
    "activity_type_choices",
    "classify",
    "decode_text",
    "empty_frame",
    "ingest",
    "lacking_roles",
    "load",
    "mapping_json",
    "missing_roles",
    "missing_roles_message",
    "overrides_for",
    "parse_activities",
    "parse_deals",
    "parse_roster",
    "parse_summary",
    "problem_rows",
    "quality_report",
    "read",
    "read_tables",
    "reason_message",
    "recognise",
    "said_reasons",
    "sniff_separator",
    "status_choices",
    "validate_mapping",
]
