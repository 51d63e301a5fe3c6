"""The chat page in a real browser: Debian's Chromium driven by Playwright, over the fixture corpus.

Asks a question with the keyboard, watches the answer being streamed sentence by sentence, checks
the citation markers and the sources panel (with the quoted words in ``<mark>``), asks a
follow-up, gives a thumbs-down with a comment, and saves screenshots at phone (375 px) and desktop
widths in ``test-artifacts/``, with the measured timings in ``test-artifacts/web-timings.json``.

The browser is the system's (``apt-get install chromium``), never one downloaded by Playwright.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {
    "telephone": {"width": 375, "height": 812},
    "ordinateur": {"width": 1280, "height": 900},
}
QUESTION = "c'est quoi le comité de pilotage ?"
FOLLOW_UP = "et qui en fait partie ?"
TIMEOUT_MS = 60_000

# Records, with page timestamps, every text the latest answer shows while it is being streamed.
WATCH_ANSWER = """before => {
  window.__states = [];
  const chat = document.querySelector('#q-chat');
  const record = () => {
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    if (bots.length <= before) return;  // the new answer is not there yet
    const text = bots[bots.length - 1].innerText.trim();
    const last = window.__states[window.__states.length - 1];
    if (!text || (last && last.text === text)) return;
    window.__states.push({t: performance.now(), n: bots.length, text});
  };
  new MutationObserver(record).observe(chat, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api

    if not CHROMIUM.exists():  # `make test` installs it; a missing browser is a failure, not a skip
        pytest.fail("Chromium absent : apt-get install -y chromium (make test le fait)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory, real_embedder):
    from test_web import serve_fixture_corpus

    app = serve_fixture_corpus(tmp_path_factory.mktemp("browser"), real_embedder)
    yield app
    app.demo.close()


@pytest.fixture(scope="module")
def timings():
    measured: dict[str, dict] = {}
    yield measured
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "web-timings.json").write_text(
        json.dumps(measured, indent=2, ensure_ascii=False) + "\n"
    )


def open_page(browser, served, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith((served.url, "data:", "blob:")) else None
        ),
    )
    began = time.perf_counter()
    page.goto(served.url)
    page.wait_for_selector("#q-question textarea", timeout=TIMEOUT_MS)
    return context, page, outside, time.perf_counter() - began


def ask_and_watch(page, question: str, answers_before: int, submit: str) -> None:
    """Ask ``question`` (Enter key or the Envoyer button), wait for its complete answer."""
    page.evaluate(WATCH_ANSWER, answers_before)
    box = page.locator("#q-question textarea")
    box.fill(question)
    page.evaluate("window.__t0 = performance.now()")
    if submit == "enter":
        box.press("Enter")
    else:
        page.locator("#q-send").click()
    page.wait_for_function(
        f"document.querySelectorAll('#q-chat [data-testid=\"bot\"]').length > {answers_before}",
        timeout=TIMEOUT_MS,
    )


def wait_for_complete(page, expected_last_sentence: str) -> list[dict]:
    page.wait_for_function(
        "t => { const s = window.__states; return s.length && s[s.length - 1].text.includes(t); }",
        arg=expected_last_sentence,
        timeout=TIMEOUT_MS,
    )
    return page.evaluate("window.__states.map(s => ({t: s.t - window.__t0, n: s.n, text: s.text}))")


@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_chat_streams_cited_answers_and_takes_feedback(browser, served, timings, name):
    from assistant.feedback import FeedbackStore
    from assistant.web import EXAMPLES

    ARTIFACTS.mkdir(exist_ok=True)
    expected = served.assistant.ask(QUESTION)
    follow_up = served.assistant.ask(FOLLOW_UP, history=[QUESTION])
    assert len(expected.sentences) >= 2 and not follow_up.refused  # something to stream

    context, page, outside, load_seconds = open_page(browser, served, VIEWPORTS[name])
    try:
        assert page.evaluate("document.documentElement.lang") == "fr"
        for example in EXAMPLES:  # the empty chat proposes example questions
            assert page.locator("#q-chat").get_by_text(example).count() == 1
        page.screenshot(path=str(ARTIFACTS / f"{name}-1-accueil.png"), full_page=True)

        # Keyboard only: the question box has the focus, Enter sends, Tab reaches "Envoyer".
        page.locator("#q-question textarea").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "q-send"
        ask_and_watch(page, QUESTION, 0, submit="enter")
        states = wait_for_complete(page, expected.sentences[-1].text[:60])
        texts = [s["text"] for s in states]
        assert len(texts) >= 2, (
            texts
        )  # streamed: the answer grew at least once before it was complete
        assert "[1]" in texts[0] and expected.sentences[0].text[:40] in texts[0]
        assert expected.sentences[-1].text[:40] not in texts[0]
        first_sentence_ms = next(s["t"] for s in states if "[1]" in s["text"])
        full_answer_ms = states[-1]["t"]

        sources = page.locator("#q-sources")
        sources.locator("mark").first.wait_for(timeout=TIMEOUT_MS)
        assert sources.locator("mark").first.inner_text() in expected.citations[0].passage.text
        assert (
            "[1]" in sources.inner_text()
            and expected.citations[0].passage.title in sources.inner_text()
        )
        link = sources.locator("a").first
        assert link.get_attribute("href").startswith("/corpus/")
        page.screenshot(path=str(ARTIFACTS / f"{name}-2-reponse.png"), full_page=True)

        # A follow-up through the button: the history resolves "en".
        ask_and_watch(page, FOLLOW_UP, 1, submit="button")
        wait_for_complete(page, follow_up.sentences[-1].text[:60])
        answers = page.locator('#q-chat [data-testid="bot"]')
        assert answers.count() == 2 and "[1]" in answers.nth(1).inner_text()
        page.wait_for_function(
            "document.querySelector('#q-sources').innerText.includes('signataires')"
        )

        # Thumbs-down on the follow-up's answer, then a comment.
        dislike = page.locator(
            '#q-chat button[aria-label="Je n\'aime pas"], #q-chat button[aria-label="Dislike"]'
        )
        dislike.last.click()
        comment = page.locator("#q-comment textarea")
        comment.wait_for(state="visible", timeout=TIMEOUT_MS)
        comment.fill(f"Réponse incomplète ({name})")
        page.locator("#q-comment-send").click()
        page.wait_for_function(
            "document.querySelector('#q-status').innerText.includes('Commentaire enregistré')",
            timeout=TIMEOUT_MS,
        )
        page.screenshot(path=str(ARTIFACTS / f"{name}-3-suivi-et-avis.png"), full_page=True)
        assert outside == []  # no font, script or telemetry fetched from anywhere else
    finally:
        context.close()

    stored = [
        row
        for row in FeedbackStore.in_data_dir(served.settings.data_dir).negatives()
        if row["comment"] == f"Réponse incomplète ({name})"
    ]
    assert len(stored) == 1
    row = stored[0]
    assert row["question"] == FOLLOW_UP and row["vote"] == -1
    assert row["answer"] == follow_up.text and row["citations"] == [
        c.to_json() for c in follow_up.citations
    ]

    timings[name] = {
        "page_utilisable_s": round(load_seconds, 2),
        "premiere_phrase_ms": round(first_sentence_ms),
        "reponse_complete_ms": round(full_answer_ms),
        "etats_successifs": len(texts),
        "app_prete_s": round(served.seconds, 2),
    }


def test_guided_path_and_glossary(browser, served):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, _, _ = open_page(browser, served, VIEWPORTS["ordinateur"])
    try:
        page.get_by_role("tab", name="Découvrir le contrat").click()
        buttons = page.get_by_role("button", name="Demander")
        assert buttons.count() == 8
        page.get_by_role("button", name="instances de gouvernance").click()
        answer = page.locator("#q-step-6")
        answer.locator("mark").first.wait_for(timeout=TIMEOUT_MS)
        assert "[1]" in answer.inner_text()
        page.screenshot(path=str(ARTIFACTS / "ordinateur-4-decouvrir.png"), full_page=True)

        page.get_by_role("tab", name="Glossaire").click()
        table = page.locator("#q-glossary")
        table.get_by_text("CLS", exact=True).first.wait_for(timeout=TIMEOUT_MS)
        page.locator("#q-glossary-search input, #q-glossary-search textarea").first.fill(
            "contrat local de santé"
        )
        page.wait_for_function(  # ABS, the first term, is filtered out
            "!document.querySelector('#q-glossary').innerText.includes('ABS')", timeout=TIMEOUT_MS
        )
        assert "CLS" in table.inner_text() and "Contrat local de santé" in table.inner_text()
        page.screenshot(path=str(ARTIFACTS / "ordinateur-5-glossaire.png"), full_page=True)
    finally:
        context.close()


def test_filters_restrict_the_search_to_national_texts(browser, served):
    from test_web import NATIONAL_PDF

    context, page, _, _ = open_page(browser, served, VIEWPORTS["ordinateur"])
    try:
        page.get_by_text("Filtres : limiter la recherche").click()
        page.locator("#q-authority input").click()
        page.get_by_role("option", name="Textes nationaux").click()
        ask_and_watch(
            page, "comment les conseils citoyens sont-ils associés au contrat ?", 0, "enter"
        )
        sources = page.locator("#q-sources")
        sources.locator("mark").first.wait_for(timeout=TIMEOUT_MS)
        links = [
            sources.locator("a").nth(i).get_attribute("href")
            for i in range(sources.locator("a").count())
        ]
        assert links and all(
            link.startswith(f"/corpus/textes/{NATIONAL_PDF}#page=") for link in links
        )
        assert "Ouvrir le PDF à la page 2" in sources.inner_text()
        page.screenshot(
            path=str(ARTIFACTS / "ordinateur-6-filtre-textes-nationaux.png"), full_page=True
        )
    finally:
        context.close()


def test_an_example_is_asked_on_click(browser, served):
    from assistant.web import EXAMPLES

    context, page, _, _ = open_page(browser, served, VIEWPORTS["telephone"])
    try:
        page.locator("#q-chat").get_by_text(EXAMPLES[3]).click()
        page.locator('#q-chat [data-testid="user"]').get_by_text(EXAMPLES[3]).wait_for(
            timeout=TIMEOUT_MS
        )
        page.locator('#q-chat [data-testid="bot"]').first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function(
            "document.querySelector('#q-sources').innerText.length > 200", timeout=TIMEOUT_MS
        )
    finally:
        context.close()
