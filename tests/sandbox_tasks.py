"""Tasks the sandbox tests run in a worker process: each misbehaves the way a parser on a hostile file can."""

from __future__ import annotations

import os
import time

from metrics.errors import InputError


def echo(content: bytes, progress=None) -> dict:
    if progress:
        progress("echoing")
    return {"length": len(content), "text": content.decode()}


def abort(content: bytes, progress=None):
    os.abort()  # what a Rust allocation failure does: SIGABRT, no Python exception


def exit_quietly(content: bytes, progress=None):
    os._exit(3)


def sleep(content: bytes, progress=None):
    time.sleep(float(content))


def allocate(content: bytes, progress=None):
    return bytearray(int(content))  # more than the address-space limit: MemoryError in the worker


def refuse(content: bytes, progress=None):
    raise InputError("This file says no.", "hostile.csv")


def bug(content: bytes, progress=None):
    raise ValueError("a bug in the reader")


def unsendable(content: bytes, progress=None):
    return object()
