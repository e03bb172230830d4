"""The analysis of files on disk, and its JSON/CSV/Excel forms for the CLI and the download buttons."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd

from i18n import DEFAULT_LANGUAGE, language
from metrics import filters as filtering, sandbox
from metrics.analysis import Analysis, analyse
from metrics.errors import InputError, error_message
from metrics.ingest import Dataset, Upload, ingest
from metrics.leaks import leak_label
from metrics.scenarios import Scenario, get_scenario
from metrics.text import N_, listing


class NothingToAnalyse(InputError):
    """No file gave a row to analyse: every file's own error, so that each can be reported."""

    def __init__(self, errors: list[InputError]):
        super().__init__(listing([error_message(error) for error in errors], "sentences"))
        self.errors = errors


# What a spreadsheet may run as a formula when a cell starts with it, the full-width forms included: Excel
# and LibreOffice read '＝1+1' as a formula in East Asian locales.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def analyze(
    dataset: Dataset,
    scenario: Scenario,
    chosen: filtering.Filters | None = None,
    assigned_types: dict[str, str] | None = None,
) -> Analysis:
    """The same analysis the dashboard draws (metrics.analysis.analyse), for the CLI and scheduled reports."""
    return analyse(dataset, scenario, chosen, assigned_types=assigned_types)


def analyze_files(paths: list[str], scenario_key: str, mapping: dict | None = None) -> Analysis:
    """The analysis of files on disk; `mapping` is a saved mapping (see ingest.validate_mapping)."""
    scenario = get_scenario(scenario_key)
    uploads = []
    for path in paths:
        try:
            uploads.append(Upload(Path(path).name, Path(path).read_bytes()))
        except OSError as error:
            raise InputError(N_("The file can't be read ({reason})."), path, reason=error.strerror) from None
    # Each file is read in a sandboxed worker, as the dashboard reads uploads: a file that would abort or
    # exhaust the reader costs that file, not the scheduled report's other files.
    dataset = ingest([sandbox.read(upload) for upload in uploads], mapping)
    if not dataset.tables:
        raise NothingToAnalyse(dataset.errors or [InputError(N_("No file holds a table to analyse."))])
    if dataset.activities.empty and dataset.outcomes.empty:
        # A roster alone names reps but gives nothing to analyse: never a report of zero reps.
        raise NothingToAnalyse(
            [
                *dataset.errors,
                InputError(
                    N_(
                        "No rep has an activity or a deal in these files, so there is nothing to analyse. Add the "
                        "activity log or "
                        "the deals export."
                    )
                ),
            ]
        )
    return analyze(dataset, scenario, assigned_types=(mapping or {}).get("activity_types"))


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def to_dict(analysis: Analysis, lang: str = DEFAULT_LANGUAGE) -> dict:
    """The CLI's JSON shape (see PRODUCT.md), with findings, expected revenue, gaps and leak stages; its
    sentences (findings, warnings) in the language `lang` names."""
    from metrics.diagnostics import STATUS_NO_DEALS  # here, so the JSON's fields stay in this one function

    dataset, found = analysis.dataset, analysis.insights
    say = language(lang).render
    expected = found.expected.set_index("rep")
    worst = found.leaks.set_index("rep") if len(found.leaks) else pd.DataFrame()
    reps = []
    for row in analysis.reps().itertuples(index=False):
        leak = worst.loc[row.rep] if row.flagged and row.rep in worst.index else None
        reps.append(
            {
                "rep": row.rep,
                "team": _plain(row.team),
                "activities": int(row.activities),
                "won": int(row.won),
                "revenue": float(row.revenue),
                "conversion": _plain(row.conversion),
                "shrunk_conversion": _plain(row.shrunk_conversion),
                "effort": float(row.effort),
                "weight": float(row.effort) / row.activities if row.activities else None,
                "p_value": _plain(row.p_value),
                "p_adjusted": _plain(row.p_adjusted),
                "quadrant": row.quadrant,
                "flagged": bool(row.flagged),
                "status": row.status,
                "owns_deals": row.status != STATUS_NO_DEALS,
                "caveat": row.caveat or None,
                "expected_revenue": _plain(expected.loc[row.rep, "expected_revenue"]),
                "gap": _plain(expected.loc[row.rep, "gap"]),
                "leak_stage": leak_label(leak) if leak is not None else None,
            }
        )
    return {
        "scenario": analysis.scenario.key,
        "effort": dataset.effort_basis,
        "rows": {"read": dataset.rows_read, "used": dataset.rows_used, "dropped": dataset.rows_dropped},
        "reps": reps,
        "findings": [say(finding.message) for finding in found.findings],
        "expected_curves": {
            measure: None
            if curve is None
            else {"intercept": curve.intercept, "slope": curve.slope, "form": "intercept + slope * ln(1 + activities)"}
            for measure, curve in analysis.curves.items()
        },
        "weights": analysis.scenario.activity_weights,
        "what_if": {
            "extra_won": float(found.what_if["extra_won"].sum()),
            "extra_revenue": float(found.what_if["extra_revenue"].sum()),
        },
        "warnings": [say(error_message(error)) for error in dataset.errors] + [say(w) for w in dataset.warnings],
    }


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote, so they stay text."""
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            text = safe[column]
            risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES))
            safe[column] = text.mask(risky, "'" + text.astype("string"))
    safe.columns = [("'" + c) if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c for c in safe.columns]
    return safe


def to_csv(frame: pd.DataFrame) -> bytes:
    # CRLF line ends (RFC 4180) make the writer quote a value holding a lone CR, which would split its row.
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise_formulas(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
