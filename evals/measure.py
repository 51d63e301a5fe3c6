"""Measuring helpers shared by the benchmarks: child processes, peak memory, percentiles, load.

A figure of peak memory is the ``ru_maxrss`` of one child process, read with ``os.wait4`` when
it exits, so that each side of a comparison is measured in its own process.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

RESULT_PREFIX = "@@bench "  # a worker's result line on stdout


@dataclass(frozen=True)
class ChildRun:
    """One child process: its exit status, output, wall time and peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    load_before: float
    load_after: float

    def result(self) -> dict:
        """The JSON a worker printed on its ``RESULT_PREFIX`` line."""
        for line in reversed(self.stdout.splitlines()):
            if line.startswith(RESULT_PREFIX):
                return json.loads(line[len(RESULT_PREFIX) :])
        raise RuntimeError(
            f"le processus mesuré n'a pas donné de résultat (code {self.returncode}) :\n{self.stderr[-2000:]}"
        )


def run_worker(module_args: list[str], env: dict[str, str], show_stderr: bool = False) -> ChildRun:
    """``python -m`` a worker in a fresh interpreter (same interpreter as this one)."""
    return run_measured([sys.executable, "-m", *module_args], env, show_stderr)


def run_measured(args: list[str], env: dict[str, str] | None = None, show_stderr: bool = False) -> ChildRun:
    """Run ``args`` to completion: wall time from spawn to exit, and the child's own peak memory
    (reaped with ``os.wait4``)."""
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    with open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(
            args, stdin=devnull, stdout=subprocess.PIPE, stderr=None if show_stderr else subprocess.PIPE, env=env
        )
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []

    def drain(stream, sink):
        for chunk in iter(lambda: stream.read(65536), b""):
            sink.append(chunk)

    readers = [threading.Thread(target=drain, args=(proc.stdout, out_chunks))]
    if proc.stderr is not None:
        readers.append(threading.Thread(target=drain, args=(proc.stderr, err_chunks)))
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - began
    for reader in readers:
        reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    return ChildRun(
        proc.returncode,
        b"".join(out_chunks).decode("utf-8", "replace"),
        b"".join(err_chunks).decode("utf-8", "replace"),
        seconds,
        usage.ru_maxrss / 1024,  # KiB on Linux
        load_before,
        os.getloadavg()[0],
    )


def emit(result: dict) -> None:
    """Print a worker's result for the parent (one line, after anything else)."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


def percentile(values: list[float], q: float) -> float:
    """The ``q`` percentile (0-100), nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))  # as evals.metrics
    return ordered[rank]


def rss_mb() -> float:
    """Current resident memory of this process (MB), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
