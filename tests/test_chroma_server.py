"""Server mode: a real ``chroma run`` on 127.0.0.1, the ``quartiers`` command as users run it.

- the same results in server mode as in embedded mode (search, answers, citations, scores);
- a running ``quartiers serve`` replica answers from a document that another process, with
  its own data directory, ingested into the same Chroma server, without a restart;
- a Chroma server that does not answer gets a French message naming its URL, never a traceback.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evals.served import ServedApp, child_env, free_port, quartiers

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"  # installed with chromadb, beside this Python
QUESTIONS = [
    "quelles priorités a fait émerger l'analyse des besoins sociaux ?",
    "c'est quoi le comité de pilotage ?",
    "que font les groupes thématiques ?",
    "quels textes nationaux encadrent le contrat de ville ?",
    "à quoi sert le comité d'orientation et d'évaluation ?",
    "Qui a gagné le match de football de Caen samedi ?",  # refused: out of scope
    "quel est le budget annuel du programme de réussite éducative ?",  # refused: no figure
]
NEW_SOURCE = "france-services.md"
NEW_DOCUMENT = (
    "# France services à Saint-Michel\n\n"
    "La maison France services du quartier Saint-Michel ouvre le samedi matin. Les conseillers "
    "numériques y accompagnent les habitants dans leurs démarches administratives en ligne.\n"
)
NEW_QUESTION = "que font les conseillers numériques de la maison France services ?"


class ChromaServer:
    """``chroma run --path PATH --host 127.0.0.1 --port FREE``, up once its heartbeat answers."""

    def __init__(self, path: Path) -> None:
        assert CHROMA.is_file(), f"{CHROMA} introuvable : chromadb est-il installé ?"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = path.with_suffix(".log")
        command = [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 60
        while not self.alive():
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            assert time.monotonic() < deadline, "pas de heartbeat de chroma run en 60 s"
            time.sleep(0.2)

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as response:
                return "nanosecond heartbeat" in json.loads(response.read())
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)


@pytest.fixture
def chroma(tmp_path: Path):
    server = ChromaServer(tmp_path / "chroma-server")
    yield server
    server.stop()


def env_for(data_dir: Path, corpus: Path, chroma_url: str = "", **extra: str) -> dict[str, str]:
    env = child_env(QUARTIERS_DATA_DIR=str(data_dir), QUARTIERS_CORPUS=str(corpus), **extra)
    env.pop("QUARTIERS_CHROMA_URL", None)
    if chroma_url:
        env["QUARTIERS_CHROMA_URL"] = chroma_url
    return env


def json_lines(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def served_results(env: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """``quartiers ingest``, then every question through ``search --json`` and ``ask --json``."""
    ingested = quartiers("ingest", "--quiet", env=env)
    assert ingested.returncode == 0 and "2 indexés" in ingested.stdout, ingested.stderr
    lines = "\n".join(QUESTIONS) + "\n"
    searched = json_lines(quartiers("search", "--json", "-k", "8", env=env, stdin=lines))
    asked = json_lines(quartiers("ask", "--json", env=env, stdin=lines))
    return searched, asked


def embedded_results(settings, embedder) -> tuple[list[dict], list[dict]]:
    """The same through the library the CLI calls, with an embedded store (one model load
    for the whole test session instead of three more processes)."""
    from assistant.index import SearchIndex
    from assistant.service import Assistant
    from ingest.factory import make_store
    from ingest.pipeline import ingest

    store = make_store(settings)
    report = ingest(settings, store, lambda: embedder, progress=False, log=print)
    assert len(report.indexed) == 2
    assistant = Assistant(SearchIndex.open(settings, store), embedder)
    searched = [
        {"query": q, "results": [hit.to_json() for hit in assistant.search(q, 8)]}
        for q in QUESTIONS
    ]
    asked = [assistant.ask(q).to_json() for q in QUESTIONS]
    return json.loads(json.dumps(searched)), json.loads(json.dumps(asked))  # as printed


def test_server_mode_gives_the_same_results_as_the_embedded_store(
    tmp_path, corpus, chroma, settings, real_embedder
):
    with ThreadPoolExecutor(max_workers=1) as pool:  # the server-mode processes, meanwhile...
        running = pool.submit(served_results, env_for(tmp_path / "replica", corpus, chroma.url))
        embedded_search, embedded_ask = embedded_results(settings, real_embedder)  # ...embedded
        served_search, served_ask = running.result()

    # The server-mode run really went to the server: no embedded Chroma in its data directory,
    # its lexical index beside it, and the passages in the server's collection.
    assert settings.chroma_dir.is_dir()
    assert not (tmp_path / "replica" / "chroma").exists()
    assert any((tmp_path / "replica" / "lexical").iterdir())
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=chroma.port)
    counts = {c.name: c.count() for c in client.list_collections()}
    assert any(not name.endswith("-files") and n > 5 for name, n in counts.items()), counts

def test_a_running_replica_answers_from_a_document_another_process_ingested(
    tmp_path, corpus, chroma, real_embedder
):
    from ingest.config import Settings
    from ingest.factory import make_store
    from ingest.pipeline import ingest

    # The corpus as it is first indexed (here by the test process, with the model it has loaded).
    first = Settings(data_dir=tmp_path / "first", corpus=corpus, chroma_url=chroma.url)
    assert len(ingest(first, make_store(first), lambda: real_embedder, progress=False).indexed) == 2

    replica = env_for(tmp_path / "replica", corpus, chroma.url, QUARTIERS_REFRESH_SECONDS="0")
    with ServedApp(replica, "--no-ingest", log_path=tmp_path / "replica.log") as app:
        from gradio_client import Client

        client = Client(app.url, verbose=False, analytics_enabled=False, download_files=False)
        before = client.predict(NEW_QUESTION, api_name="/ask")
        assert not any(c["source"] == NEW_SOURCE for c in before["citations"])

        # The ingest job: another process, its own data directory, the same Chroma server.
        (corpus / NEW_SOURCE).write_text(NEW_DOCUMENT, encoding="utf-8")
        job = env_for(tmp_path / "job", corpus, chroma.url)
        second = quartiers("ingest", "--quiet", env=job)
        assert second.returncode == 0 and "1 indexés, 2 inchangés" in second.stdout, second.stderr

        after = client.predict(NEW_QUESTION, api_name="/ask")  # same process, no restart
        assert app.process.poll() is None
    assert not after["refused"], after["answer"]
    assert any(c["source"] == NEW_SOURCE for c in after["citations"]), after
    assert "démarches administratives" in after["answer"]
    # Each replica keeps its own lexical index, in its own data directory.
    assert any((tmp_path / "replica" / "lexical").iterdir())
    assert not (tmp_path / "replica" / "chroma").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("ingest", "--quiet"),
        ("search", "comité de pilotage"),
        ("ask", "c'est quoi le comité de pilotage ?"),
        ("ask", "--json"),
        ("serve", "--no-ingest", "--port", "0"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_an_unreachable_server_is_named_in_french_with_exit_status_2(tmp_path, corpus, args):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = quartiers(*args, env=env_for(tmp_path / "data", corpus, url), stdin="question ?\n")
    assert result.returncode == 2, result.stderr
    assert f"serveur Chroma {url} est injoignable" in result.stderr
    assert "QUARTIERS_CHROMA_URL" in result.stderr
    assert "Traceback" not in result.stderr and not result.stdout


def test_a_server_lost_while_serving_gets_a_french_refusal_naming_it(tmp_path, corpus, chroma):
    """In process: the web app over a Chroma server that then stops."""
    from conftest import FakeEmbedder
    from gradio_client import Client

    from assistant.index import LiveIndex
    from assistant.service import Assistant
    from assistant.web import build_app, start
    from ingest.config import Settings
    from ingest.errors import StoreUnavailable
    from ingest.factory import make_store
    from ingest.pipeline import ingest

    settings = Settings(data_dir=tmp_path / "data", corpus=corpus, chroma_url=chroma.url)
    embedder = FakeEmbedder()
    store = make_store(settings)
    ingest(settings, store, lambda: embedder, progress=False, log=print)
    assistant = Assistant(LiveIndex.open(settings, store), embedder)
    demo = build_app(assistant, settings)
    url = start(demo, settings, port=free_port())
    try:
        client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        answered = client.predict(QUESTIONS[1], api_name="/ask")
        assert not answered["refused"] and answered["citations"]
        chroma.stop()
        lost = client.predict(QUESTIONS[1], api_name="/ask")
    finally:
        demo.close()
    assert lost["refused"] and not lost["citations"]
    assert chroma.url in lost["answer"] and "ne répond pas" in lost["answer"]
    with pytest.raises(StoreUnavailable, match="injoignable"):  # the library's own error
        assistant.ask(QUESTIONS[1])
