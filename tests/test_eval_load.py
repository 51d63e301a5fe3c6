"""The load test (``python -m evals.load``), short: a real ``quartiers serve``, 4 clients, 5 s."""

from __future__ import annotations

import pytest

from evals.load import LoadReport, gold_questions, load_test, run_clients
from evals.served import free_port


def test_percentiles_are_nearest_rank():
    report = LoadReport(1, 1.0, latencies=[float(n) for n in range(1, 101)])
    assert (report.percentile(50), report.percentile(95), report.percentile(100)) == (50, 95, 100)
    assert LoadReport(1, 1.0).percentile(95) == 0.0


def test_gold_questions_are_the_standalone_ones():
    questions = gold_questions()
    assert len(questions) > 100 and all(q.strip() for q in questions)


def test_a_server_that_is_not_there_counts_as_errors_not_answers():
    report = run_clients(f"http://127.0.0.1:{free_port()}/", ["question ?"], clients=2, seconds=1)
    assert report.done == 0 and sum(report.errors.values()) == 2
    assert all(kind.startswith("connexion") for kind in report.errors)


@pytest.mark.slow
def test_four_clients_for_five_seconds_are_all_served(tmp_path, corpus):
    report, peak_kib = load_test(4, 5, tmp_path / "data", corpus, log=print)
    print(report.summary())
    assert not report.errors and report.rejected == 0, report.summary()
    assert report.done >= 4  # every client got at least one answer
    assert 0 < max(report.latencies) < 60
    assert peak_kib > 100 * 1024  # a served model: well over 100 MiB, read from /proc
