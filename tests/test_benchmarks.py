"""The benchmark runs end to end and writes its tables (a smoke check: no figure is asserted), and its
workbooks hold what the CSV holds."""

import io
import subprocess
import sys
import zipfile

import pandas as pd

from benchmarks.workbooks import activity_log, csv_bytes, xlsx_bytes
from tests.conftest import ROOT


def _tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table in `text`, as rows of cells."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    return tables


def test_the_quick_benchmark_writes_well_formed_tables(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = output.read_text()
    assert "--quick" in text and "Python 3" in text
    tables = _tables(text)
    assert len(tables) == 6  # targets, steps, reading, rerun, and the rerun's profile: ours, everyone's
    for table in tables:
        assert all(len(row) == len(table[0]) for row in table), table
        assert all(cell and set(cell) <= set("-: ") for cell in table[1]), table[1]
    targets = {row[0]: row for row in tables[0][2:]}
    assert len(targets) == 6
    assert all(
        row[3] in {"**met**", "**not met**", "tested, not timed"} or row[3].startswith("**met**")
        for row in targets.values()
    )
    steps = tables[1][2:]
    assert [row[0] for row in steps] == ["10,000 rows .xlsx", "10,000 rows .csv"]
    assert all(float(row[6].strip("*")) > 0 for row in steps)


def test_the_benchmark_workbook_holds_the_rows_of_its_csv(tmp_path):
    log = activity_log(300)
    (tmp_path / "log.xlsx").write_bytes(xlsx_bytes(log))
    (tmp_path / "log.csv").write_bytes(csv_bytes(log))
    workbook = pd.read_excel(tmp_path / "log.xlsx", engine="openpyxl")
    text = pd.read_csv(tmp_path / "log.csv", parse_dates=["Date"])
    assert len(workbook) == 300
    sheet = zipfile.ZipFile(io.BytesIO((tmp_path / "log.xlsx").read_bytes())).read("xl/worksheets/sheet1.xml")
    assert b't="s"' in sheet and b"inlineStr" not in sheet  # every text in the shared strings, as Excel has it
    pd.testing.assert_frame_equal(workbook.astype({"Date": "datetime64[s]"}), text.astype({"Date": "datetime64[s]"}))
