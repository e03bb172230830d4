"""Many users at once on one server: each uploads their own file, changes a filter and a page.

    python benchmarks/load.py [--users 20] [--write docs/RELIABILITY.md]

Loopback only, a bounded number of users and steps, and it stops by itself. Every user must see only
their own reps; the script reports how long each step took to settle (p50, p95) and the server's memory
(with its reader workers) before, at peak and after. tests/browser/test_many_users.py runs it with a few
users in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.helpers import CHROMIUM_ARGS, DRAWN, chromium, served_app  # noqa: E402

STEP_SECONDS = 240  # a step that has not settled by then is a failure, not a hang
REPS_PER_USER = 6
DEALS_PER_REP = 40


def user_file(number: int) -> tuple[str, bytes]:
    """A deals table whose reps are all named for this user: 'U07 Rep 3'."""
    lines = ["Deal ID;Rep;Team;Status;Amount;Created;Close date"]
    for rep in range(REPS_PER_USER):
        for deal in range(DEALS_PER_REP):
            won = (deal * (rep + 2) + number) % 5 < 2
            month = 1 + deal % 6
            lines.append(
                f"U{number:02d}-{rep}-{deal};U{number:02d} Rep {rep};Team {rep % 2};"
                f"{'Won' if won else 'Lost'};{1000 + 37 * deal};0{month}.01.2026;2{month % 9}.0{month}.2026"
            )
    return f"user{number:02d}.csv", ("\n".join(lines) + "\n").encode()


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def process_tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its live descendants."""
    total = 0.0
    for current in _descendants(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
    return total


def process_tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (the server and its reader workers)."""
    total = 0
    for current in _descendants(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def settled_rss(pid: int, within: int = 1024 * 1024, every: float = 0.25, deadline: float = 10.0) -> int:
    """process_tree_rss once two samples `every` seconds apart differ by less than `within` bytes, or the last
    sample when `deadline` seconds have passed: the sessions' websockets close and their caches go with them."""
    stop = time.monotonic() + deadline
    last = process_tree_rss(pid)
    while time.monotonic() < stop:
        time.sleep(every)
        current = process_tree_rss(pid)
        if abs(current - last) < within:
            return current
        last = current
    return last


class MemoryWatch:
    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, process_tree_rss(self.pid))
            self._stop.wait(0.25)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class UserResult:
    number: int
    steps: dict[str, float] = field(default_factory=dict)
    saw_others: list[str] = field(default_factory=list)
    error: str | None = None


async def _settle(page, title: str, source: str) -> None:
    await page.wait_for_function(DRAWN, arg=[title, source], timeout=STEP_SECONDS * 1000)


async def one_user(browser, url: str, number: int) -> UserResult:
    result = UserResult(number)
    name, content = user_file(number)
    mine = f"U{number:02d} "
    # Tall enough that the sidebar's rep filter opens its list inside the window.
    context = await browser.new_context(viewport={"width": 1400, "height": 1600})
    page = await context.new_page()
    page.set_default_timeout(STEP_SECONDS * 1000)
    try:
        started = time.monotonic()
        await page.goto(url)
        await _settle(page, "Overview", "sample data")
        result.steps["open"] = time.monotonic() - started

        started = time.monotonic()
        await page.locator("[data-testid='stSidebar'] input[type='file']").first.set_input_files(
            [{"name": name, "mimeType": "text/csv", "buffer": content}]
        )
        await _settle(page, "Overview", name)
        result.steps["upload"] = time.monotonic() - started

        reps_filter = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").nth(1)
        await reps_filter.get_by_role("combobox").click()
        await page.keyboard.type("Rep")  # every user's reps are called 'Rep': the list must hold only this user's
        wanted = page.get_by_role("option", name=f"{mine}Rep 1", exact=True)
        await wanted.wait_for()
        options = [text.strip() for text in await page.get_by_role("option").all_inner_texts()]
        # Streamlit offers 'Select N matches' for what the typing matched: N must be this user's reps alone.
        result.saw_others += [
            option for option in options if not option.startswith(mine) and option != f"Select {REPS_PER_USER} matches"
        ]
        started = time.monotonic()
        await wanted.click()
        await page.keyboard.press("Escape")
        await _settle(page, "Overview", "1 rep")
        result.steps["filter"] = time.monotonic() - started

        started = time.monotonic()
        await page.locator("[data-testid='stSidebarNav'] a", has_text="Activity vs performance").first.click()
        await _settle(page, "Activity vs performance", name)
        result.steps["page"] = time.monotonic() - started
        text = await page.locator("[data-testid='stMain']").inner_text()
        result.saw_others += sorted(
            {word for word in text.split() if word.startswith("U") and word[1:3].isdigit() and f"{word[:3]} " != mine}
        )
    except Exception as error:
        result.error = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    finally:
        await context.close()
    return result


async def _run_users(url: str, users: int) -> list[UserResult]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            return await asyncio.gather(*(one_user(browser, url, number) for number in range(users)))
        finally:
            await browser.close()


@dataclass
class LoadResult:
    users: int
    results: list[UserResult]
    memory_before: int
    memory_peak: int
    memory_after: int
    seconds: float
    server_cpu: float  # CPU seconds the server and its workers used; the rest of the machine ran the browsers

    def percentile(self, step: str, share: float) -> float | None:
        times = sorted(r.steps[step] for r in self.results if step in r.steps)
        if not times:
            return None
        return times[min(len(times) - 1, round(share * (len(times) - 1)))] if share != 0.5 else statistics.median(times)

    @property
    def failures(self) -> list[str]:
        return [f"user {r.number}: {r.error}" for r in self.results if r.error] + [
            f"user {r.number} saw {r.saw_others[:3]}" for r in self.results if r.saw_others
        ]


def _in_own_thread(work):
    """Run `work` in a thread of its own: a caller may already be running an event loop (pytest with
    Playwright's sync API does), and asyncio.run needs a thread without one."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=target, name="load-users")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run(users: int) -> LoadResult:
    with served_app("load-streamlit-server.log") as (url, server):
        before = process_tree_rss(server.pid)
        cpu_before = process_tree_cpu(server.pid)
        started = time.monotonic()
        with MemoryWatch(server.pid) as watch:
            results = _in_own_thread(lambda: asyncio.run(_run_users(url, users)))
        seconds = time.monotonic() - started
        server_cpu = process_tree_cpu(server.pid) - cpu_before
        after = settled_rss(server.pid)
        return LoadResult(users, results, before, max(watch.peak, before, after), after, seconds, server_cpu)


def report(load: LoadResult) -> str:
    mib = 1024 * 1024
    rows = "\n".join(
        f"| {step} | {load.percentile(step, 0.5):.2f} | {load.percentile(step, 0.95):.2f} |"
        for step in ("open", "upload", "filter", "page")
        if load.percentile(step, 0.5) is not None
    )
    failures = "\n".join(f"- {failure}" for failure in load.failures) or "- none"
    return f"""## Many users at once

`python benchmarks/load.py --users {load.users}` on {platform.node() or "this machine"}, {os.cpu_count()} cores,
Python {platform.python_version()}, {dt.date.today():%Y-%m-%d}. {load.users} browser contexts (headless Chromium, one
Streamlit session each) at once against one server on loopback. Each opens the app, uploads its own
deals file ({REPS_PER_USER} reps × {DEALS_PER_REP} deals, read in the sandboxed reader), picks one of its
reps in the filter, and opens the Activity page. Every step waits for the page's own last line to name
what it should.

| step | p50 settle (s) | p95 settle (s) |
| --- | --- | --- |
{rows}

Server memory (the server process and its reader workers, resident): before {load.memory_before / mib:,.0f} MiB,
peak {load.memory_peak / mib:,.0f} MiB, after {load.memory_after / mib:,.0f} MiB. The whole run took
{load.seconds:.0f} s, of which the server and its workers used {load.server_cpu:.0f} CPU seconds; the
{load.users} browser renderers shared the same {os.cpu_count()} cores.

Every user saw only their own reps. Failures:
{failures}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--write", type=Path, help="replace the 'Many users at once' section of this file")
    args = parser.parse_args()
    if not chromium():
        sys.exit("no chromium at /usr/bin/chromium: apt-get install chromium")
    load = run(min(args.users, 50))
    text = report(load)
    print(text)
    if args.write:
        existing = args.write.read_text() if args.write.exists() else "# Reliability\n\n"
        head, _, rest = existing.partition("## Many users at once")
        tail = rest[rest.find("\n## ") :] if "\n## " in rest else ""
        args.write.write_text(head.rstrip() + "\n\n" + text + tail)
    return 1 if load.failures else 0


if __name__ == "__main__":
    sys.exit(main())
