"""``quartiers serve`` as a child process, for the load test and the server-mode tests.

``ServedApp`` starts ``python -m assistant.cli serve`` on 127.0.0.1 and a free port with the
environment it is given, waits until the page answers, samples the resident memory of the
server's process tree (from /proc) while it runs, and stops it on exit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: children import this checkout
READY_TIMEOUT = 300.0  # seconds for serve to index (if needed), load the model and answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**variables: str) -> dict[str, str]:
    """The current environment, offline, importing this checkout, plus ``variables``."""
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        **variables,
    }


def quartiers(*args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 300):
    """Run ``quartiers ARGS`` to completion (text mode, output captured)."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after it.
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def tree_rss_kib(pid: int) -> int:
    """Resident memory (KiB) of ``pid`` and all its descendants, now; 0 once it is gone."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo.extend(_children(current))
    return total


class ServedApp:
    """``with ServedApp(env) as app:`` a running ``quartiers serve`` at ``app.url``; its peak
    memory so far in ``app.peak_rss_kib``."""

    def __init__(
        self,
        env: dict[str, str],
        *extra_args: str,
        log_path: Path | None = None,
        ready_timeout: float = READY_TIMEOUT,
        sample_every: float = 0.5,
    ) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.args = ["serve", "--host", "127.0.0.1", "--port", str(self.port), *extra_args]
        self.log_path = log_path
        self.ready_timeout = ready_timeout
        self.sample_every = sample_every
        self.peak_rss_kib = 0
        self.ready_seconds = 0.0
        self.process: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None

    def __enter__(self) -> ServedApp:
        self._log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL
        began = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", *self.args],
            env=self.env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.ready_seconds = time.perf_counter() - began
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"quartiers serve s'est arrêté (code {self.process.returncode}) ; "
                    f"voir {self.log_path or 'sa sortie'}"
                )
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise TimeoutError(
            f"quartiers serve ne répond pas sur {self.url} après {self.ready_timeout:.0f} s"
        )

    def _sample(self) -> None:
        while not self._stop.is_set() and self.process.poll() is None:
            self.peak_rss_kib = max(self.peak_rss_kib, tree_rss_kib(self.process.pid))
            self._stop.wait(self.sample_every)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # serve stops on Ctrl+C
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)
        if self._sampler is not None:
            self._sampler.join(5)
        if self._log is not subprocess.DEVNULL:
            self._log.close()
