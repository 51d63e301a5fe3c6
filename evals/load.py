"""Load test of the web chat: N clients asking the ``/ask`` API at once for a bounded time.

``python -m evals.load --clients 20 --seconds 60`` indexes the shipped corpus into a private
data directory (unless ``--data-dir`` is given), starts ``quartiers serve`` on 127.0.0.1 and a
free port, then runs the clients: each thread has its own ``gradio_client.Client`` and asks the
gold questions (``evals/gold/questions.jsonl``) in turn, a new one as soon as the previous one is
answered, until the time is up.  It prints the answer times (p50, p95, max), the requests done,
the errors (the queue's rejections counted apart) and the peak resident memory of the server's
process tree, then stops the server.  Bounded: no request starts after ``--seconds``, and each
waits at most ``--timeout`` seconds for its answer.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evals.gold import load_gold
from evals.served import ROOT, ServedApp, child_env

REQUEST_TIMEOUT = 120.0  # seconds an answer may take before it counts as an error
CONNECT_TIMEOUT = 120.0  # seconds for all the clients to connect


@dataclass
class LoadReport:
    clients: int
    seconds: float  # wall time from the first request to the last answer
    latencies: list[float] = field(default_factory=list)  # seconds, of the answered requests
    errors: Counter = field(default_factory=Counter)  # kind -> count
    rejected: int = 0  # turned away by the queue (full)
    refused: int = 0  # answered with a refusal (a normal answer, counted for information)

    @property
    def done(self) -> int:
        return len(self.latencies)

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the answer times (0 when nothing was answered)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1]

    def summary(self) -> str:
        errors = sum(self.errors.values())
        kinds = ", ".join(f"{kind} : {n}" for kind, n in self.errors.most_common()) or "aucune"
        return (
            f"{self.clients} clients, {self.seconds:.1f} s : {self.done} réponses "
            f"({self.done / self.seconds if self.seconds else 0:.2f}/s), "
            f"dont {self.refused} refus\n"
            f"temps de réponse : p50 {self.percentile(50):.2f} s, "
            f"p95 {self.percentile(95):.2f} s, max {max(self.latencies, default=0.0):.2f} s\n"
            f"erreurs : {errors} ({kinds}) ; rejets par la file d'attente : {self.rejected}"
        )


def gold_questions() -> list[str]:
    """The questions asked, in a fixed order: the gold questions without a history."""
    return [q.question for q in load_gold() if not q.history]


def run_clients(
    url: str,
    questions: Sequence[str],
    clients: int,
    seconds: float,
    timeout: float = REQUEST_TIMEOUT,
    auth: tuple[str, str] | None = None,
) -> LoadReport:
    """``clients`` threads asking ``questions`` at ``url``'s ``/ask`` for ``seconds``."""
    from gradio_client import Client
    from gradio_client.utils import QueueError

    report = LoadReport(clients, 0.0)
    lock = threading.Lock()
    connected = threading.Barrier(clients + 1)
    deadline = [math.inf]  # set when every client is connected

    def client_loop(number: int) -> None:
        client = None
        try:
            client = Client(
                url, verbose=False, auth=auth, analytics_enabled=False, download_files=False
            )
        except Exception as error:  # counted: a client that cannot connect is a failure
            with lock:
                report.errors[f"connexion : {error.__class__.__name__}"] += 1
        try:
            connected.wait(CONNECT_TIMEOUT)
        except threading.BrokenBarrierError:
            pass
        if client is None:
            return
        # Each client starts at its own place in the questions, so they do not ask in lockstep.
        cycle = itertools.islice(itertools.cycle(questions), number * 7 % len(questions), None)
        for question in cycle:
            if time.monotonic() >= deadline[0]:
                return
            began = time.perf_counter()
            try:
                payload = client.submit(question, api_name="/ask").result(timeout=timeout)
            except QueueError:
                with lock:
                    report.rejected += 1
                continue
            except Exception as error:
                with lock:
                    report.errors[error.__class__.__name__] += 1
                time.sleep(0.1)  # a server gone away must not turn this into a busy loop
                continue
            elapsed = time.perf_counter() - began
            with lock:
                if not isinstance(payload, dict) or payload.get("question") != question:
                    report.errors["réponse invalide"] += 1
                    continue
                report.latencies.append(elapsed)
                report.refused += bool(payload.get("refused"))

    threads = [threading.Thread(target=client_loop, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    try:
        connected.wait(CONNECT_TIMEOUT)  # every client connected (or failed to): the clock starts
    except threading.BrokenBarrierError:
        pass
    began = time.monotonic()
    deadline[0] = began + seconds
    give_up = began + seconds + timeout + 30  # bounded, whatever the server does
    for thread in threads:
        thread.join(max(0.0, give_up - time.monotonic()))
    report.seconds = time.monotonic() - began
    if any(thread.is_alive() for thread in threads):
        report.errors["client bloqué"] += sum(thread.is_alive() for thread in threads)
    return report


def load_test(
    clients: int,
    seconds: float,
    data_dir: Path,
    corpus: Path,
    timeout: float = REQUEST_TIMEOUT,
    log=print,
) -> tuple[LoadReport, int]:
    """Serve ``corpus`` from ``data_dir`` and run the clients; (report, peak RSS in KiB)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = child_env(QUARTIERS_DATA_DIR=str(data_dir), QUARTIERS_CORPUS=str(corpus))
    env.pop("QUARTIERS_WEB_AUTH", None)
    with ServedApp(env, log_path=data_dir / "serve.log") as app:
        log(f"serveur prêt en {app.ready_seconds:.1f} s sur {app.url} (pid {app.process.pid})")
        report = run_clients(app.url, gold_questions(), clients, seconds, timeout)
        alive = app.process.poll() is None
    if not alive:
        report.errors["serveur arrêté"] += 1
    return report, app.peak_rss_kib


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=REQUEST_TIMEOUT, help="per request")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--data-dir", type=Path, help="default: a new temporary directory")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients et --seconds doivent être positifs")
    with tempfile.TemporaryDirectory(prefix="quartiers-load-") as scratch:
        data_dir = args.data_dir or Path(scratch)
        report, peak = load_test(args.clients, args.seconds, data_dir, args.corpus, args.timeout)
    print(report.summary())
    print(f"mémoire du serveur (pic RSS de l'arbre de processus) : {peak / 1024:.0f} Mio")
    print("charge de la machine (load average 1, 5, 15 min) : %.2f %.2f %.2f" % os.getloadavg())
    return 0 if not report.errors and report.done else 1


if __name__ == "__main__":
    raise SystemExit(main())
