"""Parse untrusted uploads in worker processes, so that a file can cost its own upload and nothing more.

A parser written in Rust or C (calamine, Arrow, expat) can abort the whole process on a hostile file, or
allocate until the machine swaps; no try/except survives that. So every upload is read in a separate
worker process with an address-space limit (RLIMIT_AS) and a wall-clock limit, and:

- if the worker raises the project's InputError, that message goes to the user as it is;
- if it runs out of memory, overruns its time, aborts or is killed, the parent kills what is left of it,
  starts a fresh one, and the user gets a message naming the file; the server and every other session
  carry on.

Workers are started ahead, with pandas, pyarrow and fastexcel already imported, and reused, so a small
upload costs milliseconds, not an interpreter start. The worker's answer is data,
never code: frames travel as Arrow IPC and everything else as JSON (see `encode`/`decode`), so even a
worker taken over by a parser exploit can't make the server run anything by what it sends back.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import fcntl
import io
import json
import logging
import os
import resource
import select
import signal
import string
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from metrics.errors import InputError
from metrics.text import KINDS, N_, Message, kind_and_places, message_data, message_of

log = logging.getLogger(__name__)

MiB = 1024 * 1024
# An honest 1M-row sheet peaks at about 2.1 GB of address space (0.6 GB resident) in the reader; twice
# that leaves room for wide sheets, and stops the far-cell family (calamine allocating rows × columns × 32
# bytes) long before the machine swaps.
MEMORY_LIMIT = int(os.environ.get("SALES_PARSE_MEMORY_MB", "4096")) * MiB
# Excel's largest sheet reads in under 5 s here; a loaded 2-core server may take several times that.
TIME_LIMIT = float(os.environ.get("SALES_PARSE_SECONDS", "90"))
MAX_WORKERS = int(os.environ.get("SALES_PARSE_WORKERS", "2"))
# A worker that read a large file keeps its memory (CPython rarely returns it): start a fresh one after.
RECYCLE_AFTER_BYTES = 20 * MiB
RECYCLE_AFTER_JOBS = 50
RECYCLE_WARM_SECONDS = 3.0  # about what ingesting and analysing Excel's largest sheet take after its read
# How long an upload may wait for a free worker when every one is busy before the user is told to retry.
QUEUE_SECONDS = float(os.environ.get("SALES_PARSE_QUEUE_SECONDS", "180"))
PIPE_BYTES = MiB  # Linux's default most (/proc/sys/fs/pipe-max-size)
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
PRELOAD = ["metrics.ingest", "pandas", "pyarrow", "pyarrow.csv", "fastexcel", "defusedxml.ElementTree"]

Progress = Callable[[str], None]


class Task:
    """What a worker runs: a module-level function by import path, with plain arguments.

    The function gets `(content: bytes, *args, progress=callable)` and returns a value `encode` can carry.
    """

    def __init__(self, target: str, *args):
        self.target, self.args = target, args


# ------------------------------------------------------------------------------------------------ codec


def _allowed_types() -> dict[str, type]:
    from metrics.ingest.frames import RawFile, RawTable

    return {"RawTable": RawTable, "RawFile": RawFile, "Message": Message}


def encode(value) -> bytes:
    """A worker's answer as bytes: a JSON tree whose frames and arrays are Arrow IPC and .npy blobs."""
    return b"".join(bytes(part) for part in encode_parts(value))


class _Stream:
    """A frame's Arrow IPC stream: measured without being written, then written straight into the pipe, so that
    a million rows are never copied into a buffer of their own (100 MB more in the worker, and the time to
    touch it)."""

    def __init__(self, table):
        import pyarrow as pa

        self.table = table
        counter = pa.MockOutputStream()
        self.write_to(counter)
        self.nbytes = counter.size()

    def write_to(self, sink) -> None:
        import pyarrow as pa

        with pa.ipc.new_stream(sink, self.table.schema) as writer:
            writer.write_table(self.table)

    def __bytes__(self) -> bytes:
        import pyarrow as pa

        sink = pa.BufferOutputStream()
        self.write_to(sink)
        return sink.getvalue().to_pybytes()


def encode_parts(value) -> list:
    """`encode(value)` in the pieces it is joined from (bytes, or a frame's stream), so that a worker writes a
    million rows without copying them into one buffer first."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    blobs: list = []

    def blob(data) -> dict:
        blobs.append(data)
        return {"blob": len(blobs) - 1}

    def walk(item):
        if isinstance(item, pd.DataFrame):
            # A range index travels as its bounds, any other as a column: the frame comes back as it went.
            return {"frame": blob(_Stream(_narrow_offsets(pa.Table.from_pandas(item, preserve_index=None))))}
        if isinstance(item, np.ndarray):
            sink = io.BytesIO()
            np.save(sink, item, allow_pickle=False)
            return {"array": blob(sink.getvalue())}
        if isinstance(item, InputError):
            return {"input_error": [message_data(item.message), item.file]}
        if dataclasses.is_dataclass(item) and type(item).__name__ in _allowed_types():
            return {
                "dataclass": type(item).__name__,
                "fields": {f.name: walk(getattr(item, f.name)) for f in dataclasses.fields(item)},
            }
        if isinstance(item, dict):
            return {"dict": [[walk(k), walk(v)] for k, v in item.items()]}
        if isinstance(item, (list, tuple)):
            return {"list": [walk(v) for v in item]}
        if isinstance(item, (np.integer, np.floating, np.bool_)):
            return {"value": item.item()}
        if item is None or isinstance(item, (str, int, float, bool)):
            return {"value": item}
        raise TypeError(f"a worker can't send a {type(item).__name__}")

    tree = json.dumps(walk(value)).encode()
    parts = [len(tree).to_bytes(8, "little"), tree]
    for data in blobs:
        parts += [_size(data).to_bytes(8, "little"), data]
    return parts


def _size(part) -> int:
    return part.nbytes if isinstance(part, _Stream) else memoryview(part).nbytes


def _narrow_offsets(table):
    """Text columns with 32-bit offsets where they fit: a quarter less to send for a million rows of text, and
    pandas widens them again for nothing."""
    import pyarrow as pa

    narrow = pa.schema(
        [field.with_type(pa.string()) if field.type == pa.large_string() else field for field in table.schema],
        metadata=table.schema.metadata,
    )
    try:
        return table.cast(narrow) if narrow != table.schema else table
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a column of more than 2 GiB of text
        return table


def decode(payload: bytes | bytearray):
    """The value `encode` wrote. Builds only frames, arrays, allowed dataclasses and JSON values."""
    import numpy as np
    import pyarrow as pa

    view = memoryview(payload)
    size = int.from_bytes(view[:8], "little")
    tree = json.loads(bytes(view[8 : 8 + size]))
    blobs, at = [], 8 + size
    while at < len(view):
        size = int.from_bytes(view[at : at + 8], "little")
        blobs.append(view[at + 8 : at + 8 + size])
        at += 8 + size
    types = _allowed_types()

    def build(node):
        if "frame" in node:
            with pa.ipc.open_stream(pa.py_buffer(blobs[node["frame"]["blob"]])) as reader:
                table = reader.read_all()
            # Offsets that point outside their buffers would make pandas read the server's memory: every one
            # is checked (40 ms for a million rows of eight text columns) before a value is touched.
            table.validate(full=True)
            return table.to_pandas()
        if "array" in node:
            return np.load(io.BytesIO(bytes(blobs[node["array"]["blob"]])), allow_pickle=False)
        if "input_error" in node:
            message, file = node["input_error"]
            return InputError(checked(message_of(message)), file)
        if "dataclass" in node:
            built = types[node["dataclass"]](**{k: build(v) for k, v in node["fields"].items()})
            return checked(built) if isinstance(built, Message) else built
        if "dict" in node:
            return {build(k): build(v) for k, v in node["dict"]}
        if "list" in node:
            return [build(v) for v in node["list"]]
        return node["value"]

    return build(tree)


def checked(message):
    """A message from a worker, if it is one the engine could have written: its fields plain names with a known
    kind, its values text, numbers, lists or such messages. A worker taken over could otherwise send a template
    like '{x:>999999999}' and have the server pad a string to a gigabyte when it is shown."""
    if not isinstance(message, Message) or not isinstance(message.template, str):
        raise ValueError("a worker sent a message that is not one")
    for _, name, spec, conversion in string.Formatter().parse(message.template):
        if name is not None and (not name.isidentifier() or conversion or kind_and_places(spec or "")[0] not in KINDS):
            raise ValueError("a worker sent a message the engine never writes")
    for value in message.values.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Message):
                checked(item)
            elif not (item is None or isinstance(item, (str, int, float, bool))):
                raise ValueError("a worker sent a message with a value of an unknown kind")
    return message


# ----------------------------------------------------------------------------------------------- worker
# Parent and worker talk over the worker's stdin and stdout in frames: 8 bytes of length, then the bytes.
# Control frames are JSON; the file's content and the worker's answer travel as raw frames.


def _write_frame(stream, data: bytes) -> None:
    stream.write(len(data).to_bytes(8, "little"))
    stream.write(data)
    stream.flush()


def _write_parts(stream, parts: list) -> None:
    """One frame written from its pieces, never joined in memory."""
    import pyarrow as pa

    stream.write(sum(_size(part) for part in parts).to_bytes(8, "little"))
    for part in parts:
        if isinstance(part, _Stream):
            stream.flush()
            part.write_to(pa.PythonFile(stream, mode="w"))
        else:
            stream.write(part)
    stream.flush()


def _read_frame(stream) -> bytes | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    data = stream.read(size)
    if len(data) < size:
        return None
    return data


def serve() -> None:
    """The worker's loop (run as `python -c "from metrics.sandbox import serve; serve()"`): limit itself,
    then take a task and the file's bytes, and answer, until its input closes."""
    import importlib

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort must not write a core file of gigabytes
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is for the server, which ends us
    for module in PRELOAD:
        importlib.import_module(module)
    from metrics.ingest.progress import Step

    inbox, outbox = os.fdopen(0, "rb"), os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library that prints must not write into the answers
    say = lambda kind, detail=None: _write_frame(outbox, json.dumps({"kind": kind, "detail": detail}).encode())

    def tell(step) -> None:
        # A reader's step goes as its phrase and values, so that the page can translate it (see step_from).
        say("progress", [step.message, step.values] if isinstance(step, Step) else step)

    say("ready")
    while True:
        header, content = _read_frame(inbox), None
        if header is not None:
            content = _read_frame(inbox)
        if header is None or content is None:
            return
        task = json.loads(header)
        module, _, name = task["target"].partition(":")
        try:
            result = getattr(importlib.import_module(module), name)(content, *task["args"], progress=tell)
            answer = encode_parts(result)
        except InputError as error:
            say("input_error", [message_data(error.message), error.file])
        except MemoryError:
            say("memory")
        except Exception as error:  # a bug, not the user's file: the parent logs it and says so
            say("failed", f"{type(error).__name__}: {error}"[:2000])
        else:
            say("ok")
            _write_parts(outbox, answer)
        del content


class _Died(Exception):
    pass


class _Worker:
    """One worker process and its pipes; reads from it wait at most until a deadline."""

    def __init__(self, memory_limit: int):
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {
            **os.environ,
            "PYTHONPATH": root,
            "SALES_PARSE_MEMORY_MB": str(memory_limit // MiB),
            "RUST_BACKTRACE": "0",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from metrics.sandbox import serve; serve()"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
        )
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None  # both were asked for as pipes
        self.stdin, self.stdout = stdin, stdout
        self.memory_limit = memory_limit
        for pipe in (self.stdin, self.stdout):
            # A pipe of 1 MiB, not 64 KiB: a large answer crosses in a sixteenth of the switches.
            with contextlib.suppress(OSError):
                fcntl.fcntl(pipe.fileno(), F_SETPIPE_SZ, PIPE_BYTES)
        self.jobs = 0
        self.bytes_read = 0
        self.ready = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, header: dict, content: bytes) -> None:
        try:
            _write_frame(self.stdin, json.dumps(header).encode())
            _write_frame(self.stdin, content)
        except (BrokenPipeError, OSError):
            raise _Died() from None

    def _read_exact(self, size: int, deadline: float) -> bytearray:
        if size > self.memory_limit:
            raise _Died()  # no honest worker can hold an answer larger than its address space
        # Read into one buffer of the answer's size: a million rows are never in memory twice.
        answer, got, fd = bytearray(size), 0, self.stdout.fileno()
        view = memoryview(answer)
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Overran()
            readable, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not readable:
                continue
            count = os.readv(fd, [view[got:]])
            if not count:
                raise _Died()
            got += count
        return answer

    def receive(self, deadline: float) -> bytearray:
        return self._read_exact(int.from_bytes(self._read_exact(8, deadline), "little"), deadline)

    def message(self, deadline: float) -> tuple[str, object]:
        message = json.loads(self.receive(deadline))
        return message["kind"], message["detail"]

    def wait_ready(self, deadline: float) -> None:
        if not self.ready:
            kind, _ = self.message(deadline)
            self.ready = kind == "ready"

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.error("worker %s did not end after SIGKILL", self.process.pid)
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()

    def stop(self) -> None:
        try:
            self.stdin.close()  # the worker's loop ends when its input does
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


class ParsePool:
    """Warm worker processes that run parsing tasks on untrusted bytes under memory and time limits.

    Thread-safe: Streamlit runs each session's script in its own thread, and every one may call `run`.
    At most `workers` tasks run at once; others wait their turn (up to QUEUE_SECONDS).
    """

    def __init__(self, workers: int = MAX_WORKERS, time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT):
        self.time_limit, self.memory_limit = time_limit, memory_limit
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def warm(self) -> None:
        """Start a worker now if none is idle, so the next upload doesn't wait for its imports."""
        with self._lock:
            if not self._idle and not self._closed:
                self._idle.append(_Worker(self.memory_limit))

    def run(self, task: Task, content: bytes, file: str, progress: Progress | None = None):
        """Run `task` on `content` in a worker and return its result; InputError naming `file` on failure."""
        if not self._slots.acquire(timeout=QUEUE_SECONDS):
            raise InputError(
                N_("The server is busy reading other people's files. Try the upload again in a minute."), file
            )
        try:
            return self._run(task, content, file, progress)
        finally:
            self._slots.release()

    def _recycle(self, worker: _Worker) -> None:
        worker.stop()
        time.sleep(RECYCLE_WARM_SECONDS)
        self.warm()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker(self.memory_limit)

    def _give_back(self, worker: _Worker) -> None:
        if worker.jobs >= RECYCLE_AFTER_JOBS or worker.bytes_read >= RECYCLE_AFTER_BYTES:
            # Stopped, and its successor started, after the answer has gone back: the successor's imports (a
            # second of CPU) would otherwise compete on a 2-core server with the ingest of the file just read.
            threading.Thread(target=self._recycle, args=(worker,), name="worker-recycle", daemon=True).start()
            return
        with self._lock:
            if self._closed:
                worker.stop()
            else:
                self._idle.append(worker)

    def _run(self, task: Task, content: bytes, file: str, progress: Progress | None):
        worker = self._take()
        deadline = time.monotonic() + self.time_limit
        try:
            # Starting a worker costs an interpreter and its imports: not the file's time.
            worker.wait_ready(time.monotonic() + max(60.0, self.time_limit))
            deadline = time.monotonic() + self.time_limit
            worker.send({"target": task.target, "args": list(task.args)}, content)
            while True:
                kind, detail = worker.message(deadline)
                if kind != "progress":
                    break
                step = _step(detail)
                if progress and step is not None:
                    progress(step)
            result = _decoded(worker.receive(deadline)) if kind == "ok" else None
        except _Overran:
            worker.kill()
            log.warning("reading %s overran %.0f s: worker killed", file, self.time_limit)
            raise InputError(
                N_(
                    "Reading this file took longer than {seconds:count} seconds, so it was stopped. If "
                    "it is a very large workbook, save it as .csv (which reads much faster) and upload "
                    "that; otherwise the file may be damaged."
                ),
                file,
                seconds=round(self.time_limit),
            ) from None
        except (_Died, ValueError):
            worker.kill()
            log.warning("the worker reading %s died (exit code %s)", file, worker.process.returncode)
            raise InputError(
                N_(
                    "This file could not be read safely: reading it needed more memory than a "
                    "spreadsheet of Excel's largest size does, or it stopped the reader. Open it in "
                    "Excel, check that the data is where you expect, save it as .xlsx or .csv, and "
                    "upload it again."
                ),
                file,
            ) from None
        worker.jobs += 1
        worker.bytes_read += len(content)
        if kind == "memory":
            worker.kill()
            raise InputError(
                N_(
                    "Reading this file needed more memory than a spreadsheet of Excel's largest size "
                    "does, so it was stopped. Check that the sheet holds only the table, save it as .csv, "
                    "and upload that."
                ),
                file,
            )
        self._give_back(worker)
        if kind == "ok":
            return result
        if kind == "input_error":
            try:
                message, named = detail if isinstance(detail, (list, tuple)) else ()
                error = InputError(checked(message_of(message)), named if isinstance(named, str) else None)
            except (ValueError, TypeError, KeyError):
                log.error("a worker's error for %s is not a message the engine writes", file)
            else:
                error.file = error.file or file
                raise error
        log.error("reading %s failed in the worker: %s", file, detail)
        raise InputError(
            N_(
                "This file could not be read because of an error in the dashboard, not in your file. "
                "The error was logged; try again, or save the file as .csv and upload that."
            ),
            file,
        )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()


class _Overran(Exception):
    pass


def _decoded(payload: bytes | bytearray):
    try:
        return decode(payload)
    except Exception:  # an answer that isn't what encode writes: the worker is not to be trusted any more
        log.exception("a worker's answer could not be decoded")
        raise _Died() from None


def _step(detail):
    """A worker's progress message as the parent passes it on: a reader's step (metrics.ingest.progress) only
    if it is one of the readers' own phrases, anything else as plain text."""
    if isinstance(detail, list):
        from metrics.ingest.progress import step_from

        return step_from(detail)
    return str(detail)


def read_task(content: bytes, name: str, progress: Progress | None = None):
    """The worker's side of reading one upload."""
    from metrics.ingest import Upload, read as read_upload

    return read_upload(Upload(name, content), progress=progress)


def read(upload, progress: Progress | None = None):
    """metrics.ingest.read in a worker process: the upload's raw tables, or the error that says why not."""
    from metrics.ingest import RawFile

    try:
        return pool().run(Task("metrics.sandbox:read_task", upload.name), upload.content, upload.name, progress)
    except InputError as error:
        return RawFile(upload.name, [], error)


_pool: ParsePool | None = None
_pool_lock = threading.Lock()


def pool() -> ParsePool:
    """The process's shared pool, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ParsePool()
            atexit.register(_pool.close)
        return _pool
