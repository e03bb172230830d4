"""Reading apart from ingesting: read() gives plain data a worker process can send back."""

import pickle

import pandas as pd

from metrics.ingest import RawFile, Upload, ingest, load, read
from tests.conftest import ROOT
from tests.ingest.helpers import TODAY

FIXTURES = ROOT / "tests" / "fixtures"


def test_read_gives_the_error_that_names_the_file():
    file = read(Upload("bad.xlsx", b"garbage"))
    assert (file.name, file.tables) == ("bad.xlsx", [])
    assert file.error.file == "bad.xlsx" and "damaged" in str(file.error.message)


def test_read_gives_every_table_of_a_workbook():
    file = read(Upload("book.xlsx", (FIXTURES / "several_shapes.xlsx").read_bytes()))
    assert file.error is None
    assert [t.sheet for t in file.tables] == ["Read me", "Roster", "Log", "Deals"]


def test_a_read_file_survives_pickling_and_ingests_as_load_does():
    uploads = [
        Upload(name, (FIXTURES / name).read_bytes())
        for name in ("formulas_without_values.xlsx", "quality_log.csv", "encrypted.xlsx")
    ]
    shipped = [pickle.loads(pickle.dumps(read(upload))) for upload in uploads]
    assert all(isinstance(file, RawFile) for file in shipped)
    assert shipped[2].error.file == "encrypted.xlsx" and "encrypted" in str(shipped[2].error.message)
    direct, via_files = load(uploads, today=TODAY), ingest(shipped, today=TODAY)
    pd.testing.assert_frame_equal(direct.activities, via_files.activities)
    pd.testing.assert_frame_equal(direct.outcomes, via_files.outcomes)
    pd.testing.assert_frame_equal(direct.problems, via_files.problems)
    assert [str(e) for e in direct.errors] == [str(e) for e in via_files.errors]
    assert direct.warnings == via_files.warnings
