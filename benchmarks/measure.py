"""One measurement in a process of its own, printed as one line of JSON: python -m benchmarks.measure KIND FILE.

Each measurement starts a fresh interpreter, so that its peak memory is its own (a process's high-water
mark never falls) and no cache of an earlier one helps it.

    project   the dashboard's path to its first chart: sandbox.read (in a warm worker), ingest, analyse
              (the scenario's scope, the rep table and everything it is ranked with), the quadrant chart
    in-process  metrics.ingest.read in this process, without the sandbox: what the transfer costs
    openpyxl  pandas.read_excel(engine="openpyxl"), the baseline
    apptest   the app in Streamlit's AppTest: upload the file, then change the rep and team filters
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCENARIO = "startup"
RERUNS = 5  # filter changes timed in AppTest, of each kind
APPTEST_SECONDS = 600


def _status(pid: int | str) -> dict[str, int]:
    """VmHWM and VmRSS of a process, in bytes ({} once it has gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {line.split(":")[0]: int(line.split()[1]) * 1024 for line in lines if line.startswith(("VmHWM", "VmRSS"))}


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            found.setdefault(parent, []).append(int(entry))
    return found


class TreeWatch:
    """Samples this process and its descendants (the reader workers) every few milliseconds: each one's
    high-water mark (VmHWM), and the largest resident total of the tree at one moment."""

    def __init__(self, every: float = 0.01):
        self.every, self.hwm, self.tree_peak = every, {}, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            children, todo, total = _children(), [os.getpid()], 0
            while todo:
                pid = todo.pop()
                todo += children.get(pid, [])
                status = _status(pid)
                self.hwm[pid] = max(self.hwm.get(pid, 0), status.get("VmHWM", 0))
                total += status.get("VmRSS", 0)
            self.tree_peak = max(self.tree_peak, total)
            self._stop.wait(self.every)

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def workers_peak(self) -> int:
        return max((peak for pid, peak in self.hwm.items() if pid != os.getpid()), default=0)


def _tree_cpu() -> float:
    """CPU seconds used so far by this process (every thread), its live descendants and its reaped children."""
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total, ticks = time.process_time() + reaped.ru_utime + reaped.ru_stime, os.sysconf("SC_CLK_TCK")
    children = _children()
    todo = list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


def _own_peak() -> int:
    return _status("self").get("VmHWM", 0)


def _reaped_children_peak() -> int:
    """The largest high-water mark of any child process this one has waited for (the stopped workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def project(path: Path) -> dict:
    started = time.perf_counter()
    from metrics import sandbox

    sandbox.pool().warm()  # as the dashboard and the CLI do: the worker imports while this process does
    from metrics.analysis import analyse
    from metrics.ingest import Upload, ingest, load
    from metrics.scenarios import SCENARIOS
    from views import charts

    imports = time.perf_counter() - started
    # A server has a warm worker before the first upload (a tiny read waits until it is), and has drawn the
    # sample data's first chart: the dashboard opens on it.
    sandbox.read(Upload("warm.csv", b"Date,Rep,Activity type\n2026-01-05,Kari,Call\n"))
    sample = ROOT / "sample_data" / f"{SCENARIO}.xlsx"
    warm = analyse(load([Upload(sample.name, sample.read_bytes())]), SCENARIOS[SCENARIO])
    charts.quadrant_chart(warm.team_reps(), warm.quadrant_lines(), "won", "Activities", "Won", warm.curve()).to_dict()
    content = path.read_bytes()
    progress: list[tuple[float, str]] = []
    with TreeWatch() as watch:
        cpu0 = _tree_cpu()
        t0 = time.perf_counter()
        raw = sandbox.read(
            Upload(path.name, content), progress=lambda step: progress.append((time.perf_counter() - t0, step))
        )
        t1 = time.perf_counter()
        if raw.error:
            raise SystemExit(f"{path.name}: {raw.error}")
        dataset = ingest([raw])
        t2 = time.perf_counter()
        analysis = analyse(dataset, SCENARIOS[SCENARIO])
        reps, lines, curve = analysis.team_reps(), analysis.quadrant_lines(), analysis.curve()
        t3 = time.perf_counter()
        chart = charts.quadrant_chart(reps, lines, "won", "Activities", "Won", curve).to_dict()
        t4 = time.perf_counter()
        cpu = _tree_cpu() - cpu0
    sandbox.pool().close()
    return {
        "kind": "project",
        "rows": len(dataset.activities),
        "reps": len(reps),
        "chart_bytes": len(json.dumps(chart)),
        "imports": imports,
        "read": t1 - t0,
        "ingest": t2 - t1,
        "analyse": t3 - t2,
        "chart": t4 - t3,
        "total": t4 - t0,
        "cpu": cpu,
        "server_peak": _own_peak(),
        "worker_peak": max(watch.workers_peak(), _reaped_children_peak()),
        "tree_peak": watch.tree_peak,
        "progress": progress,
    }


def in_process(path: Path) -> dict:
    from metrics.ingest import Upload, read

    content = path.read_bytes()
    started = time.perf_counter()
    raw = read(Upload(path.name, content))
    seconds = time.perf_counter() - started
    if raw.error:
        raise SystemExit(f"{path.name}: {raw.error}")
    return {
        "kind": "in-process",
        "rows": sum(len(t.frame) for t in raw.tables),
        "read": seconds,
        "server_peak": _own_peak(),
    }


def openpyxl(path: Path) -> dict:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    seconds = time.perf_counter() - started
    return {"kind": "openpyxl", "rows": len(frame), "read": seconds, "server_peak": _own_peak()}


def apptest(path: Path) -> dict:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_SECONDS)
    app.run()
    mime = "text/csv" if path.suffix == ".csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with TreeWatch(every=0.05) as watch:
        app.sidebar.file_uploader[0].set_value([(path.name, path.read_bytes(), mime)])
        started = time.perf_counter()
        app.run()
        upload = time.perf_counter() - started
        _check(app)
        reps_filter = next(m for m in app.sidebar.multiselect if m.label == "Reps filter")
        teams_filter = next(m for m in app.sidebar.multiselect if m.label == "Teams")
        reps, teams = list(reps_filter.options), list(teams_filter.options)
        timed: dict[str, list[float]] = {"rep": [], "team": []}
        for step in range(RERUNS):
            for kind, options in (("rep", reps), ("team", teams)):
                widget = next(
                    m for m in app.sidebar.multiselect if m.label == ("Reps filter" if kind == "rep" else "Teams")
                )
                # A different choice each time: every rerun is a view not seen before, nothing cached.
                widget.set_value([options[(3 * step + 1) % len(options)]])
                started = time.perf_counter()
                app.run()
                timed[kind].append(time.perf_counter() - started)
                _check(app)
            next(m for m in app.sidebar.multiselect if m.label == "Teams").set_value([])
            app.run()
        next(m for m in app.sidebar.multiselect if m.label == "Reps filter").set_value([reps[-1]])
        rerun_profile = _profiled_run(app)
    return {
        "kind": "apptest",
        "upload": upload,
        "rep_change": timed["rep"],
        "team_change": timed["team"],
        "profile": rerun_profile,
        "rerun": statistics.median(timed["rep"] + timed["team"]),
        "server_peak": _own_peak(),
        "worker_peak": max(watch.workers_peak(), _reaped_children_peak()),
        "tree_peak": watch.tree_peak,
    }


def _check(app) -> None:
    if app.exception:
        raise SystemExit(f"the app raised: {[e.value for e in app.exception]}")
    if app.error:
        raise SystemExit(f"the app showed an error: {[e.value for e in app.error]}")


def _first_chart(path: Path):
    """The project's path in this process (no sandbox), for the profiler."""
    from metrics.analysis import analyse
    from metrics.ingest import Upload, ingest, read
    from metrics.scenarios import SCENARIOS
    from views import charts

    dataset = ingest([read(Upload(path.name, path.read_bytes()))])
    analysis = analyse(dataset, SCENARIOS[SCENARIO])
    charts.quadrant_chart(
        analysis.team_reps(), analysis.quadrant_lines(), "won", "Activities", "Won", analysis.curve()
    ).to_dict()


def _summary(profiler, top: int = 25) -> dict:
    """A profile's functions with the most time of their own, and the project's functions by cumulative time."""
    import pstats

    def name(function) -> str:
        file, line, function_name = function
        short = file.split("site-packages/")[-1] if "site-packages" in file else file.replace(str(ROOT) + "/", "")
        return f"{short}:{line}({function_name})" if line else function_name

    rows = [
        (name(f), calls, own, cumulative) for f, (calls, _, own, cumulative, _) in pstats.Stats(profiler).stats.items()
    ]
    own = sorted(rows, key=lambda row: -row[2])[:top]
    ours = sorted((row for row in rows if row[0].startswith(("metrics/", "views/"))), key=lambda row: -row[3])[:top]
    return {"total": max(row[3] for row in rows), "own": own, "ours": ours}


def profile(path: Path) -> dict:
    """cProfile of the path to the first chart."""
    import cProfile

    import fastexcel  # noqa: F401 - imported ahead, as a server has them: the profile is the work's
    import pyarrow.csv  # noqa: F401

    import metrics.analysis  # noqa: F401
    import views.charts  # noqa: F401

    profiler = cProfile.Profile()
    profiler.runcall(_first_chart, path)
    return {"kind": "profile", **_summary(profiler)}


def _profiled_run(app) -> dict:
    """One `app.run()` under cProfile: AppTest runs the script in a thread of its own, started for each run."""
    import cProfile

    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    profiler, plain = cProfile.Profile(), LocalScriptRunner._run_script_thread
    LocalScriptRunner._run_script_thread = lambda runner: profiler.runcall(plain, runner)
    try:
        app.run()
    finally:
        LocalScriptRunner._run_script_thread = plain
    return _summary(profiler)


KINDS = {"project": project, "in-process": in_process, "openpyxl": openpyxl, "apptest": apptest, "profile": profile}


def main() -> None:
    kind, path = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(KINDS[kind](path)))


if __name__ == "__main__":
    main()
