"""Fuzzing the worker entry point: any bytes under any file name either load or give the project's own
error, within a time bound, through the same sandboxed worker the dashboard uses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from metrics import sandbox
from metrics.errors import InputError
from metrics.ingest import RawFile, Upload
from metrics.sandbox import ParsePool

FIXTURES = Path(__file__).parent / "fixtures"
WORKBOOK = (FIXTURES / "several_shapes.xlsx").read_bytes()
TIME_LIMIT = 10  # seconds a worker may take on one file here; a fuzzed file is a few kilobytes

names = st.builds(
    lambda stem, ext: stem + ext,
    st.text(min_size=0, max_size=20),
    st.sampled_from([".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".txt", "", ".xlsb", ".ods"]),
)
csv_like = st.lists(st.lists(st.text(max_size=12), max_size=6), max_size=30).map(
    lambda rows: "\n".join(";".join(row) for row in rows).encode("utf-8", "surrogatepass")
)


@st.composite
def damaged_workbooks(draw) -> bytes:
    """A real workbook with some bytes changed, cut short, or both."""
    content = bytearray(WORKBOOK)
    for _ in range(draw(st.integers(1, 8))):
        content[draw(st.integers(0, len(content) - 1))] = draw(st.integers(0, 255))
    return bytes(content[: draw(st.integers(len(content) // 4, len(content)))])


@pytest.fixture(scope="module")
def pool():
    workers = ParsePool(workers=2, time_limit=TIME_LIMIT)
    yield workers
    workers.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, content=st.one_of(st.binary(max_size=4096), csv_like, damaged_workbooks()))
def test_any_file_loads_or_gets_a_message_in_bounded_time(monkeypatch, pool, name, content):
    monkeypatch.setattr(sandbox, "_pool", pool)
    started = time.monotonic()
    raw = sandbox.read(Upload(name, content))
    assert time.monotonic() - started < TIME_LIMIT + 5
    assert isinstance(raw, RawFile)
    if raw.error is not None:
        assert isinstance(raw.error, InputError) and str(raw.error.message).strip()
        assert raw.tables == []
    else:
        assert all(table.file == name for table in raw.tables)
