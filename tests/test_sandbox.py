"""The sandbox: uploads are parsed in worker processes whose crash, overrun or blow-up costs one upload."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics import sandbox
from metrics.errors import InputError
from metrics.ingest import RawFile, RawTable, Upload
from metrics.sandbox import ParsePool, Task

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def pool():
    workers = ParsePool(workers=2, time_limit=5, memory_limit=1024 * sandbox.MiB)
    yield workers
    workers.close()


def run(pool, name: str, content: bytes = b"", file: str = "upload.csv"):
    return pool.run(Task(f"tests.sandbox_tasks:{name}"), content, file)


def test_a_task_runs_in_a_worker_and_reports_progress(pool):
    steps = []
    assert pool.run(Task("tests.sandbox_tasks:echo"), b"hello", "a.csv", steps.append) == {"length": 5, "text": "hello"}
    assert steps == ["echoing"]


@pytest.mark.parametrize(
    "task, content, says",
    [
        ("abort", b"", "could not be read safely"),
        ("exit_quietly", b"", "could not be read safely"),
        ("sleep", b"30", "took longer than 5 seconds"),
        ("allocate", str(4 * 1024**3).encode(), "needed more memory"),
        ("bug", b"", "error in the dashboard, not in your file"),
        ("unsendable", b"", "error in the dashboard, not in your file"),
    ],
)
def test_a_worker_that_dies_overruns_or_blows_up_costs_only_that_upload(pool, task, content, says):
    with pytest.raises(InputError) as raised:
        run(pool, task, content, file="hostile.xlsx")
    assert says in str(raised.value.message)
    assert raised.value.file == "hostile.xlsx"
    # The pool carries on with a fresh worker.
    assert run(pool, "echo", b"next")["text"] == "next"


def test_the_workers_own_message_reaches_the_user(pool):
    with pytest.raises(InputError) as raised:
        run(pool, "refuse")
    assert (str(raised.value.message), raised.value.file) == ("This file says no.", "hostile.csv")


def test_uploads_from_many_sessions_at_once_all_get_their_answer(pool):
    answers, errors = {}, []

    def session(number: int) -> None:
        try:
            answers[number] = run(pool, "echo", str(number).encode())["text"]
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert answers == {n: str(n) for n in range(8)}


def test_a_far_cell_workbook_is_refused_and_the_next_file_reads(monkeypatch, pool):
    """One cell at XFD30000 makes calamine allocate 15 GB: refused, or the worker dies under its limit."""
    from tests.fixtures.hostile_books import far_cell_workbook

    monkeypatch.setattr(sandbox, "_pool", pool)
    far = sandbox.read(Upload("far.xlsx", far_cell_workbook("XFD", 30000)))
    assert far.tables == [] and far.error.file == "far.xlsx"
    good = sandbox.read(Upload("quality_log.csv", (FIXTURES / "quality_log.csv").read_bytes()))
    assert good.error is None and len(good.tables[0].frame) == 6


def test_read_gives_a_raw_file_with_the_error_when_the_worker_dies(monkeypatch, pool):
    monkeypatch.setattr(sandbox, "_pool", pool)
    monkeypatch.setattr(sandbox, "Task", lambda target, *args: Task("tests.sandbox_tasks:abort"))
    raw = sandbox.read(Upload("hostile.xlsx", b"PK"))
    assert isinstance(raw, RawFile) and raw.tables == []
    assert raw.error.file == "hostile.xlsx" and "could not be read safely" in str(raw.error.message)


def test_frames_and_arrays_come_back_equal():
    table = RawTable(
        "a.csv",
        None,
        pd.DataFrame({"Rep": pd.Series(["Kari", None, "Ola"], dtype="str"), "n": [1, 2, 3]}, index=[0, 2, 5]),
        header_row=3,
        decimal_comma=True,
        row_numbers=np.array([4, 6, 9]),
        uncached_formulas={"Amount": [7, 8]},
        skipped=pd.DataFrame({"row": [5], "reason": ["too many cells"], "line": ["a;b;c"]}),
        notes=["read as CSV"],
    )
    back = sandbox.decode(sandbox.encode([table]))[0]
    pd.testing.assert_frame_equal(back.frame, table.frame)
    pd.testing.assert_frame_equal(back.skipped, table.skipped)
    np.testing.assert_array_equal(back.row_numbers, table.row_numbers)
    assert (back.file, back.header_row, back.decimal_comma, back.uncached_formulas, back.notes) == (
        "a.csv",
        3,
        True,
        {"Amount": [7, 8]},
        ["read as CSV"],
    )


@pytest.mark.parametrize(
    "tree",
    [
        {"dataclass": "Popen", "fields": {}},  # only the reader's own dataclasses are built
        {"pickle": "gASVAAAAAAAAAAB9lC4="},  # and nothing is ever unpickled
    ],
)
def test_a_forged_answer_builds_nothing_but_data(tree):
    body = json.dumps(tree).encode()
    with pytest.raises((KeyError, ValueError)):
        sandbox.decode(len(body).to_bytes(8, "little") + body)


def test_an_answer_whose_text_points_outside_its_buffers_is_refused():
    """A worker taken over could send offsets beyond the text they index: pandas would read the server's memory."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, pa.schema([("Rep", pa.string())])) as writer:
        writer.write_batch(pa.record_batch([pa.array(["Kari", "Olav"])], names=["Rep"]))
    offsets = np.array([0, 4, 8], dtype="<i4").tobytes()
    blob = sink.getvalue().to_pybytes().replace(offsets, np.array([0, 1 << 20, 8], dtype="<i4").tobytes())
    assert blob != sink.getvalue().to_pybytes()
    tree = json.dumps({"frame": {"blob": 0}}).encode()
    payload = len(tree).to_bytes(8, "little") + tree + len(blob).to_bytes(8, "little") + blob
    with pytest.raises(pa.ArrowInvalid):
        sandbox.decode(payload)
