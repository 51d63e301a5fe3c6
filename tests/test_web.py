"""The web app: rendering helpers (fast), then the real server over the fixture corpus (slow).

The slow tests launch the Gradio app on 127.0.0.1 with a free port in background threads and
talk to it as a client would: ``gradio_client`` on the ``/ask`` endpoint, raw HTTP for the
corpus downloads and the path traversal probes.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import shutil
import socket
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from conftest import FIXTURES
from pdfs import text_pdf

from assistant.answer import refusal
from assistant.glossary import Glossary
from assistant.index import SearchIndex
from assistant.records import Answer, Citation, Hit, Sentence
from assistant.web import (
    answer_html,
    answer_markdown,
    build_app,
    chat_updates,
    corpus_path,
    escape_markdown,
    filter_rows,
    glossary_rows,
    highlight,
    parse_auth,
    sources_html,
    start,
    stream_chunks,
)
from ingest.config import Settings
from ingest.records import Passage

# A national text as a real PDF: its passages are located by page and linked to /corpus/...#page=N.
NATIONAL_PDF = "circulaire-2023-08-31-quartiers-2030.pdf"
NATIONAL_PAGES = [
    "Circulaire du 31 août 2023 relative à l'élaboration des contrats de ville 2024-2030.",
    (
        "Les conseils citoyens sont associés à chaque étape du contrat de ville, de son "
        "élaboration à son évaluation. Les habitants siègent dans les instances de pilotage."
    ),
]
ASK_KEYS = {"question", "answer", "refused", "mode", "citations", "elapsed_ms"}
CITATION_KEYS = {"n", "id", "source", "location", "quote", "text"}


def passage(text: str, source: str = "contrat.txt", page: int | None = None, **extra) -> Passage:
    fields = {
        "id": f"id-{abs(hash((source, text))) % 10**8}",
        "source": source,
        "title": "Contrat de ville <Flers>",
        "kind": "contrat de ville",
        "authority": "local",
        "date": "2024",
        "section": ("Gouvernance",),
        "page": page,
        "start": 0,
        "end": len(text),
        "text": text,
    }
    fields.update(extra)
    return Passage(**fields)


def grounded_answer() -> Answer:
    first = passage("Le comité de pilotage réunit les signataires. Il se réunit une fois par an.")
    second = passage(
        "Les défis :\n- la santé ;\n- l'emploi.", source="circ/circulaire 2023.pdf", page=3
    )
    return Answer(
        "qui pilote ?",
        (
            Sentence("Le comité de pilotage réunit les signataires.", (1,)),
            Sentence("la santé", (2,), bullet=True),
            Sentence("l'emploi", (2,), bullet=True),
        ),
        (
            Citation(1, first, "Le comité de pilotage réunit les signataires."),
            Citation(2, second, "la santé ;\n- l'emploi"),
        ),
        refused=False,
        mode="extractive",
    )


# ---------------------------------------------------------------------------- rendering (fast)


def test_markdown_is_escaped_so_passages_show_literally():
    escaped = escape_markdown("**gras** [1] <script>alert(1)</script> 1. _x_ $y$ & #titre")
    assert re.search(r"(?<!\\)[*\[\]<>_$#&.]", escaped) is None  # every special character escaped
    assert escaped.replace("\\", "") == "**gras** [1] <script>alert(1)</script> 1. _x_ $y$ & #titre"


def test_answer_streams_sentence_by_sentence_with_markers():
    answer = grounded_answer()
    chunks = stream_chunks(answer)
    assert len(chunks) == len(answer.sentences) == 3
    assert chunks[0] == r"Le comité de pilotage réunit les signataires\. \[1\]"
    assert all(chunks[i + 1].startswith(chunks[i].split("\n")[0]) for i in range(2))
    assert chunks[-1] == answer_markdown(answer)
    assert chunks[-1].endswith(r"- l'emploi \[2\]") and "\n\n- la santé \\[2\\]\n" in chunks[-1]


def test_chat_updates_reveal_a_ready_answer_sentence_by_sentence():
    answer = grounded_answer()
    updates = list(chat_updates([answer], pause=0))
    assert [markdown for markdown, _ in updates] == stream_chunks(answer)
    assert all(final is answer for _, final in updates)  # its sources can show at once
    refused = refusal("q", [])
    assert list(chat_updates([refused], pause=0)) == [(answer_markdown(refused), refused)]


def test_chat_updates_show_llm_sentences_as_they_come_then_the_final_answer():
    final = replace(grounded_answer(), mode="llm", message="Réponse interrompue : incomplète.")
    items = ["Le comité réunit les *signataires*. [1]", "\n- la santé [2]", final]
    updates = list(chat_updates(items, pause=0))
    assert updates[:2] == [
        (r"Le comité réunit les \*signataires\*\. \[1\]", None),
        (r"Le comité réunit les \*signataires\*\. \[1\]" + "\n" + r"- la santé \[2\]", None),
    ]
    assert updates[2] == (answer_markdown(final), final)  # the authoritative answer replaces them
    assert answer_markdown(final).endswith(r"*Réponse interrompue : incomplète\.*")
    assert "incomplète" not in stream_chunks(final)[0]  # the note comes with the last sentence


def test_highlight_escapes_everything_and_marks_the_quote():
    text = 'Avant <b>gras</b> & "la citation" <script>x</script> après'
    assert highlight(text, '"la citation"') == (
        "Avant &lt;b&gt;gras&lt;/b&gt; &amp; <mark>&quot;la citation&quot;</mark> "
        "&lt;script&gt;x&lt;/script&gt; après"
    )
    assert highlight("a < b", "absent") == "a &lt; b"
    assert "<mark>" not in highlight("texte", "")


def test_sources_panel_lists_citations_with_links(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "circ").mkdir(parents=True)
    (corpus / "circ" / "circulaire 2023.pdf").write_bytes(b"%PDF-1.4\n")
    (corpus / "contrat.txt").write_text("x", encoding="utf-8")
    panel = sources_html(grounded_answer(), corpus)
    assert panel.count('class="q-source"') == 2
    assert "[1]" in panel and "[2]" in panel
    assert "<mark>Le comité de pilotage réunit les signataires.</mark>" in panel
    assert 'href="/corpus/circ/circulaire%202023.pdf#page=3"' in panel and "page 3" in panel
    assert 'href="/corpus/contrat.txt"' in panel
    assert "Contrat de ville &lt;Flers&gt;" in panel and "<Flers>" not in panel
    (corpus / "contrat.txt").unlink()  # a source no longer in the corpus gets no link
    assert 'href="/corpus/contrat.txt"' not in sources_html(grounded_answer(), corpus)


def test_a_refusal_offers_further_reading(tmp_path):
    hits = [Hit(1, passage("Un passage <proche>."), 0.3)]
    panel = sources_html(refusal("q", hits), tmp_path)
    assert "Pas de réponse citée" in panel and "Pour aller plus loin" in panel
    assert "Un passage &lt;proche&gt;." in panel and "<mark>" not in panel
    assert "Pour aller plus loin" in answer_markdown(refusal("q", hits))
    assert "Pour aller plus loin" not in sources_html(refusal("q", []), tmp_path)
    assert answer_html(grounded_answer(), tmp_path).startswith('<div class="q-answer"><p>Le comité')


def test_corpus_path_only_resolves_files_inside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("a", encoding="utf-8")
    (corpus / "sub" / "b.pdf").write_bytes(b"%PDF")
    (corpus / "notes.html").write_text("<script>", encoding="utf-8")
    (corpus / ".cache").mkdir()
    (corpus / ".cache" / "c.txt").write_text("c", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (corpus / "lien.txt").symlink_to(tmp_path / "secret.txt")
    assert corpus_path(corpus, "a.txt") == (corpus / "a.txt").resolve()
    assert corpus_path(corpus, "sub/b.pdf") == (corpus / "sub" / "b.pdf").resolve()
    assert corpus_path(corpus, "sub/../a.txt") == (corpus / "a.txt").resolve()
    for name in (
        "../secret.txt",
        "sub/../../secret.txt",
        str(tmp_path / "secret.txt"),
        "lien.txt",
        "notes.html",
        ".cache/c.txt",
        "absent.txt",
        "sub",
        "",
        "a.txt\x00.pdf",
        "..\\secret.txt",
    ):
        assert corpus_path(corpus, name) is None, name


def test_parse_auth():
    assert parse_auth("") is None
    assert parse_auth("agent:mot:de:passe") == ("agent", "mot:de:passe")
    for bad in ("agent", ":secret", "agent:"):
        with pytest.raises(ValueError, match="QUARTIERS_WEB_AUTH"):
            parse_auth(bad)


def test_glossary_rows_count_the_passages_using_each_term():
    passages = [
        passage("Le programme de réussite éducative (PRE) accompagne les enfants.", start=0),
        passage("Le PRE est piloté par la ville.", start=100),
        passage("Aucun sigle ici, sauf pre en minuscules.", start=200),
    ]
    index = SearchIndex(
        store=None, lexical=None, passages={p.id: p for p in passages}, glossary=Glossary.load()
    )
    rows = {row[0]: row for row in glossary_rows(index)}
    _, expansion, definition, count, where = rows["PRE"]
    assert "réussite éducative" in expansion.lower() and definition
    assert count == 2 and where.startswith("Contrat de ville <Flers> — Gouvernance")
    assert [row[0] for row in filter_rows(list(rows.values()), "reussite educative")] == ["PRE"]
    assert filter_rows(list(rows.values()), "") == list(rows.values())


# ---------------------------------------------------------------------------- the server (slow)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Served:
    demo: object
    url: str
    settings: Settings
    assistant: object
    seconds: float  # from building the app to a page that answers

    @property
    def port(self) -> int:
        return urllib.parse.urlparse(self.url).port


def serve_fixture_corpus(root: Path, embedder, auth: tuple[str, str] | None = None) -> Served:
    """Index a copy of the fixture corpus under ``root`` and launch the app over it."""
    from assistant.service import Assistant
    from ingest.factory import make_store
    from ingest.pipeline import ingest

    if not (root / "corpus").exists():
        shutil.copytree(FIXTURES / "corpus", root / "corpus")
        (root / "corpus" / "textes").mkdir()
        (root / "corpus" / "textes" / NATIONAL_PDF).write_bytes(text_pdf(NATIONAL_PAGES))
    settings = Settings(data_dir=root / "data", corpus=root / "corpus")
    store = make_store(settings)
    ingest(settings, store, lambda: embedder, progress=False, log=lambda _: None)
    assistant = Assistant(SearchIndex.open(settings, store), embedder)
    began = time.perf_counter()
    demo = build_app(assistant, settings)
    url = start(demo, settings, port=free_port(), auth=auth)
    status, _, _ = get(urllib.parse.urlparse(url).port, "/")
    assert status == 200
    return Served(demo, url, settings, assistant, time.perf_counter() - began)


def get(
    port: int, path: str, headers: dict | None = None, method: str = "GET"
) -> tuple[int, bytes, dict]:
    """A request sent as written: no client-side normalisation of ``..`` or ``%2e``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def client(url: str, auth=None):
    from gradio_client import Client

    return Client(url, verbose=False, auth=auth, analytics_enabled=False, download_files=False)


def check_grounded(payload: dict) -> None:
    assert set(payload) == ASK_KEYS
    assert payload["refused"] is False and payload["mode"] == "extractive"
    assert payload["citations"]
    for citation in payload["citations"]:
        assert set(citation) == CITATION_KEYS
        assert citation["quote"] and citation["quote"] in citation["text"]
        assert f"[{citation['n']}]" in payload["answer"]


@pytest.fixture(scope="module")
def served(tmp_path_factory, real_embedder):
    app = serve_fixture_corpus(tmp_path_factory.mktemp("web"), real_embedder)
    yield app
    app.demo.close()


@pytest.mark.slow
def test_api_returns_exactly_the_ask_json(served):
    question = "quelles priorités a fait émerger l'analyse des besoins sociaux ?"
    payload = client(served.url).predict(question, api_name="/ask")
    check_grounded(payload)
    assert payload["question"] == question
    expected = served.assistant.ask(question).to_json()
    assert {k: v for k, v in payload.items() if k != "elapsed_ms"} == {
        k: v for k, v in expected.items() if k != "elapsed_ms"
    }
    assert json.loads(json.dumps(payload, ensure_ascii=False)) == payload


@pytest.mark.slow
def test_only_the_ask_endpoint_is_public(served):
    status, body, _ = get(served.port, "/gradio_api/info")
    assert status == 200
    info = json.loads(body)
    assert list(info["named_endpoints"]) == ["/ask"] and not info["unnamed_endpoints"]


@pytest.mark.slow
def test_ten_clients_at_once_all_get_cited_answers(served):
    questions = [
        "quelles priorités a fait émerger l'analyse des besoins sociaux ?",
        "c'est quoi le comité de pilotage ?",
        "à quoi sert le comité d'orientation et d'évaluation ?",
        "quels textes nationaux encadrent le contrat de ville ?",
        "que font les groupes thématiques ?",
    ] * 2

    def ask(question: str) -> tuple[str, dict, float]:
        began = time.perf_counter()
        payload = client(served.url).predict(question, api_name="/ask")
        return question, payload, time.perf_counter() - began

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(ask, questions))
    wall = time.perf_counter() - began
    for question, payload, _ in results:
        assert payload["question"] == question
        check_grounded(payload)
    slowest = max(seconds for _, _, seconds in results)
    print(f"\n10 clients simultanés : {wall:.1f} s au total, {slowest:.1f} s pour le plus lent")


PROBES = [
    "/corpus/../pyproject.toml",
    "/corpus/../../pyproject.toml",
    "/corpus/%2e%2e/%2e%2e/etc/passwd",
    "/corpus/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/corpus/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/corpus//etc/passwd",
    "/corpus/%2fetc%2fpasswd",
    "/corpus/manifest.json",
    "/corpus/",
    "/file=/etc/passwd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=../../../../etc/passwd",
    "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file/etc/passwd",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.slow
@pytest.mark.parametrize("path", PROBES)
def test_path_traversal_probes_are_refused(served, path):
    status, body, _ = get(served.port, path)
    assert status != 200 or (b"root:" not in body and b"[build-system]" not in body), (
        status,
        body[:200],
    )
    assert status in {400, 401, 403, 404, 405}, (status, body[:200])


@pytest.mark.slow
def test_files_beside_the_app_are_not_served(served):
    data_file = next(p for p in served.settings.data_dir.rglob("*") if p.is_file())
    corpus_file = served.settings.corpus / "contrat-extrait.txt"
    for target in (data_file, corpus_file, Path(__file__), Path("pyproject.toml").resolve()):
        for prefix in ("/gradio_api/file=", "/file="):
            status, _, _ = get(served.port, prefix + urllib.parse.quote(str(target.resolve())))
            assert status in {403, 404}, (prefix, target, status)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["contrat-extrait.txt", "guide-gouvernance.md"])
def test_a_corpus_file_downloads(served, name):
    status, body, headers = get(served.port, "/corpus/" + urllib.parse.quote(name))
    assert status == 200
    assert body == (served.settings.corpus / name).read_bytes()
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    assert get(served.port, "/corpus/" + name, method="HEAD")[0] == 200


@pytest.mark.slow
def test_a_pdf_source_is_cited_by_page_and_linked(served):
    from assistant.retrieve import SearchFilter
    from assistant.web import document_choices

    source = f"textes/{NATIONAL_PDF}"
    question = "comment les conseils citoyens sont-ils associés au contrat de ville ?"
    answer = served.assistant.ask(question, filters=SearchFilter(authority="national"))
    assert not answer.refused
    assert {c.passage.source for c in answer.citations} == {source}
    assert answer.citations[0].passage.location == "page 2"
    panel = sources_html(answer, served.settings.corpus)
    assert (
        f'href="/corpus/textes/{NATIONAL_PDF}#page=2"' in panel
        and "Ouvrir le PDF à la page 2" in panel
    )
    assert source in {value for _, value in document_choices(served.assistant.index)}
    status, body, headers = get(served.port, f"/corpus/textes/{NATIONAL_PDF}")
    assert status == 200 and body.startswith(b"%PDF")
    assert {k.lower(): v for k, v in headers.items()}["content-type"] == "application/pdf"


@pytest.mark.slow
def test_llm_answers_are_streamed_into_the_chat_as_verified_sentences(served, real_embedder):
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    from assistant.service import ANSWER_DEPTH, Assistant

    question = "c'est quoi le comité de pilotage ?"
    hits = served.assistant.search(question, ANSWER_DEPTH)
    n = 1 + next(i for i, h in enumerate(hits) if "au moins une fois par an" in h.passage.text)
    reply = (
        f"Le comité de pilotage réunit les principaux signataires financeurs [{n}]. "
        f"Il se réunit au moins une fois par an [{n}]. Il dispose d'un budget de 3 millions [{n}]."
    )
    model = GenericFakeChatModel(messages=itertools.cycle([reply]))
    with_llm = Assistant(served.assistant.index, real_embedder, chat_model=model)
    updates = list(chat_updates(with_llm.ask_stream(question), pause=0))
    partial = [markdown for markdown, final in updates if final is None]
    assert len(partial) == 2  # two verified sentences shown as they came; the invented one never
    assert partial[0].startswith("Le comité de pilotage réunit") and r"\[1\]" in partial[0]
    markdown, final = updates[-1]
    assert final.mode == "llm" and not final.refused and "3 millions" not in markdown
    assert len(final.sentences) == 2 and final.dropped
    panel = sources_html(final, served.settings.corpus)
    assert "<mark>" in panel and "au moins une fois par an" in panel


@pytest.mark.slow
def test_an_oversized_question_gets_the_french_message(served):
    payload = client(served.url).predict("pourquoi " * 1500, api_name="/ask")
    assert set(payload) == ASK_KEYS
    assert payload["refused"] is True and not payload["citations"]
    assert "trop longue" in payload["answer"] and "au plus 1000" in payload["answer"]


@pytest.mark.slow
def test_empty_and_out_of_scope_questions_are_refused_in_french(served):
    api = client(served.url)
    assert "vide" in api.predict("   ", api_name="/ask")["answer"]
    payload = api.predict("Donne-moi une recette de tarte aux pommes", api_name="/ask")
    assert payload["refused"] is True
    assert "ne parlent pas de « tarte », « pommes »" in payload["answer"]


@pytest.mark.slow
def test_the_page_is_french_and_calls_nothing_outside(served):
    status, body, _ = get(served.port, "/config")
    assert status == 200
    config = json.loads(body)
    assert config["title"] == "Assistant du contrat de ville de Flers Agglo"
    assert "document.documentElement.lang = 'fr'" in config.get("head", "") + str(
        config.get("js", "")
    )
    assert "fonts.googleapis" not in get(served.port, "/theme.css")[1].decode()


@pytest.mark.slow
def test_basic_auth_protects_the_page_the_api_and_the_corpus(tmp_path, real_embedder):
    app = serve_fixture_corpus(tmp_path, real_embedder, auth=("agent", "s3cret:long"))
    try:
        assert get(app.port, "/corpus/contrat-extrait.txt")[0] == 401
        assert get(app.port, "/config")[0] == 401
        from gradio_client.exceptions import AuthenticationError

        with pytest.raises(AuthenticationError):
            client(app.url).predict("c'est quoi le comité de pilotage ?", api_name="/ask")
        form = urllib.parse.urlencode({"username": "agent", "password": "mauvais"})
        form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
        connection.request("POST", "/login", body=form, headers=form_headers)
        assert connection.getresponse().status == 400
        connection.close()
        form = urllib.parse.urlencode({"username": "agent", "password": "s3cret:long"})
        connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
        connection.request("POST", "/login", body=form, headers=form_headers)
        response = connection.getresponse()
        response.read()
        cookies = "; ".join(
            value.split(";")[0]
            for name, value in response.getheaders()
            if name.lower() == "set-cookie"
        )
        connection.close()
        assert response.status == 200 and cookies
        status, body, _ = get(app.port, "/corpus/contrat-extrait.txt", headers={"Cookie": cookies})
        assert status == 200 and body == (app.settings.corpus / "contrat-extrait.txt").read_bytes()
        payload = client(app.url, auth=("agent", "s3cret:long")).predict(
            "c'est quoi le comité de pilotage ?", api_name="/ask"
        )
        check_grounded(payload)
    finally:
        app.demo.close()


def test_serve_refuses_a_malformed_auth_setting_before_loading_anything(monkeypatch, settings):
    from assistant.web import serve

    monkeypatch.setenv("QUARTIERS_WEB_AUTH", "sans-deux-points")
    with pytest.raises(ValueError, match="utilisateur:mot de passe"):
        serve(settings, port=free_port())
    assert not settings.data_dir.exists()  # nothing indexed, no model loaded


@pytest.mark.slow
def test_serve_reports_a_busy_port_in_french(monkeypatch, settings):
    from assistant.web import serve

    monkeypatch.delenv("QUARTIERS_WEB_AUTH", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ValueError, match="choisissez un autre port"):
            serve(settings, port=taken.getsockname()[1])
