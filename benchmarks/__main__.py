"""The load-and-analyse benchmark of issue 9: python -m benchmarks [--quick] [--output FILE].

Makes 10k, 100k and 1M-row activity logs (.xlsx with shared strings, as Excel writes them, and .csv) in a
temporary folder, and times in one run, each measurement in a fresh process (see benchmarks/measure.py):

- the dashboard's path to its first chart, step by step (read in the sandbox, ingest, analyse, chart),
  with the peak memory of the server process and of the reader worker;
- pandas.read_excel(engine="openpyxl") on the same workbook, and the ratio;
- metrics.ingest.read without the sandbox, and the whole command line (`python -m metrics analyze`);
- in AppTest, the upload and the rerun after a change of the rep or team filter (median).

It writes the tables to docs/BENCHMARKS.md (or --output) with the machine and the date. `--quick` (10k rows,
one repetition, AppTest at 10k) is the smoke check CI runs; its figures say nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report
from benchmarks.workbooks import write_logs

ROOT = Path(__file__).resolve().parent.parent
SIZES = [10_000, 100_000, 1_000_000]
QUICK_SIZES = [10_000]
MEASURE_SECONDS = 900  # openpyxl at 1M rows takes about 90 s here; a hang is a failure, not a wait


def measure(kind: str, path: Path) -> dict:
    """One measurement in a fresh interpreter (benchmarks/measure.py)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", kind, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=MEASURE_SECONDS,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} on {path.name} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cli(path: Path) -> float:
    """Seconds for the whole command line, interpreter start included."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "metrics", "analyze", str(path), "--format", "json", "-o", "/dev/null"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=MEASURE_SECONDS,
    )
    return time.perf_counter() - started


def median_run(kind: str, path: Path, repeat: int) -> dict:
    """The run with the median total of `repeat` runs, with the largest peaks of them all."""
    runs = [measure(kind, path) for _ in range(repeat)]
    chosen = sorted(runs, key=lambda run: run["total"])[len(runs) // 2]
    for peak in ("server_peak", "worker_peak", "tree_peak"):
        chosen[peak] = max(run[peak] for run in runs)
    chosen["totals"] = [run["total"] for run in runs]
    return chosen


def run(quick: bool, repeat: int, say=print) -> report.Results:
    sizes = QUICK_SIZES if quick else SIZES
    results = report.Results(quick=quick, repeat=repeat, load_before=os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="sales-benchmark-") as folder:
        say(f"making {', '.join(f'{size:,}' for size in sizes)}-row activity logs in {folder}")
        files = write_logs(Path(folder), sizes)
        for rows in sizes:
            for kind in ("xlsx", "csv"):
                path = files[rows][kind]
                entry = results.entry(rows, kind, path.stat().st_size)
                entry.project = median_run("project", path, repeat)
                entry.in_process = measure("in-process", path)
                entry.cli = cli(path)
                if kind == "xlsx":
                    entry.openpyxl = measure("openpyxl", path)
                say(report.progress_line(entry))
        # A rerun reads nothing: after the upload the workbook and the CSV give the same frames.
        largest = files[max(sizes)]["xlsx"]
        results.apptest = measure("apptest", largest)
        say(
            f"AppTest at {max(sizes):,} rows: upload {results.apptest['upload']:.2f} s, rerun after a filter "
            f"change {results.apptest['rerun'] * 1000:.0f} ms (median)"
        )
        if not quick:
            results.profile = measure("profile", largest)
    results.load_after = os.getloadavg()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k rows only, once: the smoke check")
    parser.add_argument("--repeat", type=int, help="runs of each path, the median reported (default 3, quick 1)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    results = run(args.quick, args.repeat or (1 if args.quick else 3))
    text = report.markdown(results)
    args.output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
