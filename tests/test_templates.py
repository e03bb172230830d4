import io

import openpyxl
import pandas as pd
import pytest

from metrics.ingest import SHAPES, Upload, load
from metrics.scenarios import SCENARIOS
from metrics.templates import template_workbook

TODAY = pd.Timestamp("2026-06-30")


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("shape", SHAPES)
def test_a_template_loads_as_its_shape_with_its_example_row(scenario, shape):
    content = template_workbook(scenario, shape)
    dataset = load([Upload(f"{shape}.xlsx", content)], today=TODAY)
    assert not dataset.errors
    [table] = dataset.tables
    assert (table.shape, table.rows_read, table.rows_used) == (shape, 1, 1)
    assert table.recognition.unrecognised == []
    frame = {
        "activities": dataset.activities,
        "deals": dataset.outcomes,
        "summary": dataset.outcomes,
        "roster": dataset.roster,
    }[shape]
    assert frame["rep"].tolist() == ["Kari Nordmann"]


def test_activity_template_speaks_the_scenarios_words():
    from metrics.filters import scope

    content = template_workbook("consultancy", "activities")
    dataset = load([Upload("t.xlsx", content)], today=TODAY)
    assert scope(dataset, SCENARIOS["consultancy"]).activities["activity_type"].tolist() == ["conference"]


def test_summary_template_has_a_count_column_per_activity_and_instructions():
    book = openpyxl.load_workbook(io.BytesIO(template_workbook("agency", "summary")))
    assert book.sheetnames == ["Summary", "Instructions"]
    headers = [c.value for c in book["Summary"][1]]
    assert headers[2:6] == [a.label for a in SCENARIOS["agency"].activity_types]
    assert "New clients" in headers and "Campaign revenue" in headers
    instructions = [row[0] for row in book["Instructions"].iter_rows(values_only=True) if row[0]]
    assert any(line.startswith("Month:") for line in instructions)
