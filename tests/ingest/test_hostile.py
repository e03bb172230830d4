"""Every hostile upload is refused with a message naming the file, or loads within a bounded time and memory.

The workbooks are read in a child process with a memory limit: should a check ever let a far cell through,
the Rust reader aborts that process, and the test fails instead of the test run dying. The files are made by
tests/fixtures/hostile/make_hostile.py: the small ones are committed, the large ones made here.
"""

import json
import subprocess
import sys
import time

import pytest

from metrics.ingest import Upload, load
from metrics.ingest.delimited import LONG_LINE, RECODED_LINE
from tests.conftest import ROOT
from tests.fixtures.hostile.make_hostile import LARGE, files, large
from tests.ingest.helpers import TODAY

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
CHILD_MEMORY = 3 * 1024**3  # far below what the far cells ask for (512 GiB), far above what reading needs
PEAK_MIB = 400  # a fresh interpreter with pandas, pyarrow and fastexcel is about 110 MiB
# The child's peak is its own high-water mark: ru_maxrss would still count the test process it was forked from.
CHILD = rf"""
import json, re, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({CHILD_MEMORY}, {CHILD_MEMORY}))
from metrics.ingest import Upload, read

def peak_mib():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1)) / 1024

for path in sys.argv[1:]:
    name = path.rsplit("/", 1)[-1]
    content = open(path, "rb").read()
    start = time.perf_counter()
    file = read(Upload(name, content))
    print(json.dumps({{"name": name, "seconds": time.perf_counter() - start,
                      "error": str(file.error.message) if file.error else None,
                      "file": file.error.file if file.error else None,
                      "rows": [len(table.frame) for table in file.tables],
                      "peak_mib": peak_mib()}}), flush=True)
"""

REFUSED = [
    ("far_cell_xfd1048576.xlsx", "spans 1,048,576 rows × 16,384 columns (to cell XFD1048576)"),
    ("far_cell_zz2000000.xlsx", "below row 1,048,576, the last one Excel has"),
    ("far_cell_xfd30000.xlsx", "spans 30,000 rows × 16,384 columns (to cell XFD30000): 491,520,000 cells"),
    ("far_cell_aaaaaaa1.xlsx", "beyond column XFD, the last one Excel has (at AAAAAAA4)"),
    ("far_cell_second_reference.xlsx", "(to cell XFD1048576)"),  # calamine takes a cell's last reference
    ("far_cell_without_reference.xlsx", "(to cell XFD1048576)"),  # placed after the cell before it
    ("dimension_beyond_excel.xlsx", "says it reaches to A1:AAAAAAA1048577, beyond Excel's last column"),
    ("billion_laughs_shared_strings.xlsx", "a DOCTYPE"),
    ("billion_laughs_sheet.xlsx", "a DOCTYPE"),
    ("quadratic_blowup_shared_strings.xlsx", "a DOCTYPE"),
    ("quadratic_blowup_sheet.xlsx", "a DOCTYPE"),
    ("xxe_shared_strings.xlsx", "a DOCTYPE"),
    ("zip_bomb_honest.xlsx", "unpacks to far more data than a spreadsheet holds"),
    ("zip_bomb_lying.xlsx", "unpacks to far more data than a spreadsheet holds"),
    ("legacy_xls_renamed.xlsx", "legacy Excel 97–2003 (.xls) workbook"),
    ("xlsb_renamed.xlsx", "Excel binary workbook (.xlsb)"),
    ("ods_renamed.xlsx", "OpenDocument file"),
    ("encrypted_workbook.xlsx", "encrypted (password-protected)"),
    ("encrypted_entries.xlsx", "encrypted (password-protected)"),
    ("random_bytes.xlsx", "not a complete .xlsx file"),
    ("truncated_directory.xlsx", "damaged or was cut off while uploading"),
    ("sheets_300.xlsx", "The workbook has 300 sheets; this app reads at most 256"),
]
LOADED = [  # name, rows of each table read
    ("dimension_claims_whole_sheet.xlsx", [2]),  # the dimension is a claim; only cells count
    ("empty_cell_far_away.xlsx", [2]),  # a formatted, empty cell makes no block in calamine
    ("zip_bomb_lying_small.xlsx", [2]),  # headers that lie about a small entry do no harm
    ("macros.xlsm", [2]),  # the macros are never run
    ("no_content_types.xlsx", [2]),
    ("nul_in_cell.xlsx", [3]),
    ("long_cell_100000.xlsx", [3]),
    ("control_and_rtl_names.xlsx", [3]),
    ("columns_10000.xlsx", [2]),
    ("sheets_200.xlsx", [2] * 200),
]


@pytest.fixture(scope="module")
def isolated(tmp_path_factory) -> dict[str, dict]:
    """What reading each workbook gave in the child process, by name."""
    folder = tmp_path_factory.mktemp("hostile")
    paths = []
    for name, _ in REFUSED + LOADED:
        if name in LARGE:
            (folder / name).write_bytes(large(name))
        paths.append(str(folder / name if name in LARGE else HOSTILE / name))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *paths], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    reports = {report["name"]: report for report in map(json.loads, result.stdout.splitlines())}
    reports["stderr"] = result.stderr[-3000:]
    return reports


def reported(isolated: dict, name: str) -> dict:
    assert name in isolated, f"the reader process died before reporting {name}: {isolated['stderr']}"
    return isolated[name]


def test_committed_hostile_files_are_what_the_script_makes():
    committed = {p.name: p.read_bytes() for p in HOSTILE.iterdir() if p.is_file() and p.suffix != ".py"}
    assert files() == committed


@pytest.mark.parametrize("name, words", REFUSED)
def test_a_hostile_workbook_is_refused_before_it_can_do_harm(isolated, name, words):
    report = reported(isolated, name)
    assert report["file"] == name and report["error"] and words in report["error"], report["error"]
    assert report["seconds"] < 5 and report["peak_mib"] < PEAK_MIB


@pytest.mark.parametrize("name, rows", LOADED)
def test_a_strange_but_harmless_workbook_loads_in_bounded_time_and_memory(isolated, name, rows):
    report = reported(isolated, name)
    assert report["error"] is None and report["rows"] == rows
    assert report["seconds"] < 10 and report["peak_mib"] < PEAK_MIB


def test_no_message_carries_a_librarys_words(isolated):
    messages = [r["error"] for r in isolated.values() if isinstance(r, dict) and r["error"]]
    assert messages and not any(
        word in m.lower() for m in messages for word in ("calamine", "error:", "zlib", "xml parse", "arrow")
    )


def loaded_csv(name: str, content: bytes | None = None):
    content = content if content is not None else (HOSTILE / name).read_bytes()
    start = time.perf_counter()
    dataset = load([Upload(name, content)], today=TODAY)
    return dataset, time.perf_counter() - start


def test_many_lines_with_more_cells_than_the_header_are_reported_in_linear_time():
    dataset, seconds = loaded_csv("malformed_100k.csv", large("malformed_100k.csv"))
    assert seconds < 10 and not dataset.errors
    assert len(dataset.activities) == 100 + 150_000
    long_lines = dataset.problems.loc[dataset.problems["reason"] == LONG_LINE, "row"]
    # Line 1 is the header, 2-101 the good head; then three good lines and two long ones, over and over.
    assert len(long_lines) == 100_000 and long_lines.iloc[:4].tolist() == [105, 106, 110, 111]


def test_a_file_of_mostly_broken_lines_is_refused_quickly():
    dataset, seconds = loaded_csv("malformed_1m.csv", large("malformed_1m.csv"))
    [error] = dataset.errors
    assert seconds < 5 and error.file == "malformed_1m.csv"
    assert "Most lines of the file (900 of the first 1,000) have more cells than its header" in str(error.message)


def test_a_utf8_file_with_windows_lines_keeps_its_names_and_lists_the_lines_read_again():
    dataset, _ = loaded_csv("mixed_utf8_cp1252.csv")
    assert dataset.activities["rep"].value_counts().to_dict() == {"Bjørn Ødegård": 3, "Åse Ærlig": 3}
    assert sorted(dataset.problems.loc[dataset.problems["reason"] == RECODED_LINE, "row"]) == [5, 7]


def test_a_header_line_longer_than_the_head_is_found():
    dataset, seconds = loaded_csv("header_250k.csv", large("header_250k.csv"))
    [table] = dataset.tables
    assert seconds < 10 and len(table.columns) == 2_500
    assert (table.recognition.column("date"), table.recognition.column("rep")) == ("Date", "Rep")
    assert dataset.activities["rep"].tolist() == ["Kari Nordmann", "Ola Hansen"]


def test_a_first_line_longer_than_any_header_is_refused():
    dataset, seconds = loaded_csv("header_2m.csv", large("header_2m.csv"))
    [error] = dataset.errors
    assert seconds < 2 and "The first line of the file is longer than 1,048,576 characters" in str(error.message)


@pytest.mark.parametrize(
    "name, reps",
    [
        ("nul_bytes.csv", {"Kari Nordmann": 300, "Ola\x00Hansen": 1, "Ola Hansen": 1}),
        ("control_and_rtl_names.csv", {"Kari\u202eNordmann": 1, "Ola \u200fHansen": 1, "Per\x07Berg": 1}),
    ],
)
def test_strange_characters_in_a_csv_load_as_written(name, reps):
    dataset, _ = loaded_csv(name)
    assert dataset.activities["rep"].value_counts().to_dict() == reps
