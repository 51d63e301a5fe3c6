"""The web chat (Gradio Blocks), a thin shell over ``Assistant``.  Everything shown is French.

Three tabs: the chat (answers streamed sentence by sentence, the sources of the latest answer
beside it, 👍/👎 feedback), "Découvrir le contrat" (a guided path of questions the assistant
answers live) and the glossary.  A named API endpoint, ``/ask``, returns exactly the JSON of
``quartiers ask --json``.  The only files served besides Gradio's own assets are those of the
corpus directory, under ``/corpus/<name>``.

``build_app`` makes the Blocks; ``start`` launches it in the background (what the tests use);
``serve`` indexes the corpus if needed, loads the models once and serves until interrupted.
"""

from __future__ import annotations

import html
import logging
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import gradio as gr
from fastapi import HTTPException, Request
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute

from assistant.answer import refusal
from assistant.feedback import FeedbackStore
from assistant.glossary import is_short_form, key
from assistant.index import LiveIndex, SearchIndex
from assistant.lexical import tokenize
from assistant.records import Answer, Sentence
from assistant.retrieve import SearchFilter
from assistant.service import MAX_QUESTION_CHARS, Assistant
from ingest.config import Settings
from ingest.errors import StoreUnavailable
from ingest.load import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry (read when used)

TITLE = "Assistant du contrat de ville de Flers Agglo"
AUTH_VARIABLE = "QUARTIERS_WEB_AUTH"  # "utilisateur:mot de passe"
CONCURRENCY = 2  # questions answered at once (2 cores); the others wait in the queue
QUEUE_SIZE = 64  # beyond this, new questions are turned away with a message
STREAM_PAUSE = 0.05  # seconds between two streamed sentences, so that the answer visibly builds up
HISTORY_TURNS = 5  # previous questions handed to the assistant for follow-ups
SHOWN_QUESTION_CHARS = 600  # a longer question is shortened in its chat bubble

EXAMPLES = (
    "Quels sont les 6 défis thématiques du contrat ?",
    "Quelles actions pour la santé des jeunes ?",
    "C'est quoi le PRE ?",
    "Qui coordonne l'animation du contrat ?",
)

ALL = ""  # the "no restriction" value of both filters
AUTHORITIES = (
    ("Tous les textes", ALL),
    ("Textes nationaux", "national"),
    ("Contrat local", "local"),
)

ERROR_MESSAGE = "Une erreur est survenue pendant la recherche. Réessayez dans un instant."


def unavailable_message(error: StoreUnavailable) -> str:
    """What the chat says when the Chroma server does not answer."""
    return (
        f"La base des documents (serveur Chroma {error.url}) ne répond pas : réessayez dans un "
        "instant, et si cela dure, prévenez l'administrateur de l'assistant."
    )


@dataclass(frozen=True)
class Step:
    """One stop of the guided path: a theme and the question asked to the assistant about it."""

    title: str
    question: str


DISCOVERY = (
    Step("Le cadre national", "Sur quels textes nationaux repose le contrat ?"),
    Step(
        "Les deux quartiers prioritaires",
        "Quels quartiers sont concernés par le contrat de ville ?",
    ),
    Step("Les axes transversaux", "Quels sont les axes transversaux ?"),
    Step("Les défis thématiques", "Quels sont les 6 défis thématiques du contrat ?"),
    Step("Un défi en détail : la santé", "Quels sont les leviers d'action du défi santé ?"),
    Step("La gouvernance", "Quelles sont les instances de gouvernance du contrat ?"),
    Step(
        "La place des habitants",
        "Comment les habitants sont-ils associés à la gouvernance du contrat ?",
    ),
    Step("L'animation et le suivi", "Qui coordonne l'animation du contrat sur le terrain ?"),
)

GLOSSARY_HEADERS = ["Terme", "Forme développée", "Définition", "Passages", "Où le trouver"]

CSS = """
.gradio-container { max-width: 1280px !important; }
#q-intro p { margin: 0.2rem 0; }
#q-sources { max-height: 640px; overflow-y: auto; }
.q-panel h2 { font-size: 1.15rem; margin: 0 0 0.6rem; }
.q-panel h3 { font-size: 1rem; margin: 0 0 0.3rem; line-height: 1.35; }
.q-empty, .q-hint { color: var(--body-text-color-subdued); }
.q-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
            padding: 0.7rem 0.8rem;
            margin: 0 0 0.7rem; background: var(--background-fill-primary); }
.q-n { font-weight: 700; margin-right: 0.25rem; }
.q-loc { margin: 0 0 0.4rem; font-size: 0.92rem; }
.q-loc a, .q-panel a { color: #1d4ed8; text-decoration: underline; }
.dark .q-loc a, .dark .q-panel a { color: #93c5fd; }
.q-passage { white-space: pre-line; margin: 0; padding: 0.1rem 0 0.1rem 0.7rem;
             border-left: 3px solid #1d4ed8;
             font-size: 0.95rem; line-height: 1.5; overflow-wrap: anywhere; }
.q-panel mark { background: #fde047; color: #111827; padding: 0 0.1em; border-radius: 2px; }
.q-refused { border-left: 4px solid #b45309; padding: 0.4rem 0.7rem;
             background: rgba(180, 83, 9, 0.08); }
.q-answer p { margin: 0 0 0.5rem; }
.q-answer ul { margin: 0 0 0.6rem 1.2rem; }
.q-step { margin-bottom: 0.8rem; }
#q-status { min-height: 1.5rem; }
#q-glossary table, #q-glossary th, #q-glossary td, #q-glossary span {
  font-family: var(--font) !important;
}
#q-glossary td { vertical-align: top !important; }
@media (max-width: 700px) {
  .tab-container button { padding: 0.4rem 0.4rem !important; font-size: 0.9rem !important; }
  .gradio-container { padding: 0 6px !important; }
  #q-layout { flex-direction: column !important; }
  #q-layout > div { min-width: 100% !important; width: 100% !important; }
  #q-sources { max-height: none; }
  #q-ask-row { flex-wrap: wrap !important; }
  #q-ask-row > * { min-width: 100% !important; }
}
"""

# The page is French: tell browsers, screen readers and spell checkers (as early as possible).
HEAD = "<script>document.documentElement.lang = 'fr';</script>"
JS = "() => { document.documentElement.lang = 'fr'; }"

THEME = gr.themes.Default(
    primary_hue="blue",
    neutral_hue="slate",
    # Gradio's own font files (nothing is fetched from the Internet); not its semi-bold file,
    # which in this release holds only a few letters: semi-bold text is set in the bold file.
    font=(
        gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)),
        "ui-sans-serif",
        "system-ui",
        "sans-serif",
    ),
).set(
    button_primary_background_fill="#1d4ed8",  # white on this: 6.7:1
    button_primary_background_fill_hover="#1e40af",
    button_primary_text_color="#ffffff",
)


# ---------------------------------------------------------------------------- rendering


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>&])")


def escape_markdown(text: str) -> str:
    """Text shown literally by a Markdown renderer (no emphasis, links, HTML or list)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _sentence_markdown(sentence: Sentence) -> str:
    markers = "".join(rf"\[{n}\]" for n in sentence.citations)
    return f"{escape_markdown(sentence.text)} {markers}".rstrip()


def answer_markdown(answer: Answer, upto: int | None = None) -> str:
    """The answer as chat Markdown: the prose, then the list items; only ``upto`` sentences."""
    if answer.refused:
        text = escape_markdown(answer.message)
        if answer.further_reading:
            text += "\n\n*Voir « Pour aller plus loin » dans le panneau des sources.*"
        return text
    sentences = answer.sentences[:upto]
    prose = " ".join(_sentence_markdown(s) for s in sentences if not s.bullet)
    items = "\n".join(f"- {_sentence_markdown(s)}" for s in sentences if s.bullet)
    complete = len(sentences) == len(answer.sentences)
    note = f"*{escape_markdown(answer.message)}*" if answer.message and complete else ""
    return "\n\n".join(part for part in (prose, items, note) if part)


def stream_chunks(answer: Answer) -> list[str]:
    """What the chat shows, step by step: one more sentence each time."""
    if answer.refused or not answer.sentences:
        return [answer_markdown(answer)]
    return [answer_markdown(answer, k) for k in range(1, len(answer.sentences) + 1)]


def streamed_markdown(text: str) -> str:
    """Verified sentences streamed by the LLM path (rendered, ``- `` for list items) as Markdown."""
    lines = text.split("\n")
    return "\n".join(
        f"- {escape_markdown(line[2:])}" if line.startswith("- ") else escape_markdown(line)
        for line in lines
    )


def chat_updates(
    items: Iterable[str | Answer], pause: float = STREAM_PAUSE
) -> Iterator[tuple[str, Answer | None]]:
    """What the chat shows while an answer comes, as (Markdown, the complete answer if known).

    ``items`` is ``Assistant.ask_stream``: with an LLM, verified sentences (shown as they come)
    then the authoritative ``Answer`` (shown in place of them); without, the ``Answer`` alone,
    ready at once, which is then revealed sentence by sentence.
    """
    shown = ""
    for item in items:
        if isinstance(item, Answer):
            if shown:
                yield answer_markdown(item), item
                return
            for step, chunk in enumerate(stream_chunks(item)):
                if step:
                    time.sleep(pause)
                yield chunk, item
            return
        shown += item
        yield streamed_markdown(shown), None


def highlight(text: str, quote_: str) -> str:
    """``text`` as HTML, every character escaped, with ``quote_`` wrapped in ``<mark>``."""
    at = text.find(quote_) if quote_ else -1
    if at < 0:
        return html.escape(text)
    end = at + len(quote_)
    return (
        f"{html.escape(text[:at])}<mark>{html.escape(text[at:end])}</mark>{html.escape(text[end:])}"
    )


def corpus_path(corpus_dir: Path, name: str) -> Path | None:
    """The corpus file ``name`` refers to, or None when it is not one that may be served.

    Only regular files of a supported kind, inside the corpus directory once every ``..`` and
    symbolic link is resolved, outside hidden folders.
    """
    if not name or "\x00" in name or "\\" in name:
        return None
    root = corpus_dir.resolve()
    try:
        candidate = (root / name).resolve()
        relative = candidate.relative_to(root)
    except (OSError, ValueError, RuntimeError):
        return None
    if not relative.parts or any(part.startswith(".") for part in relative.parts):
        return None
    if candidate.suffix.lower() not in SUPPORTED_SUFFIXES or not candidate.is_file():
        return None
    return candidate


def _document_link(source: str, page: int | None, corpus_dir: Path) -> str:
    if corpus_path(corpus_dir, source) is None:
        return ""
    href = "/corpus/" + quote(source)
    if source.lower().endswith(".pdf"):
        if page is not None:
            href += f"#page={page}"
            label = f"Ouvrir le PDF à la page {page}"
        else:
            label = "Ouvrir le PDF"
    else:
        label = "Ouvrir le document"
    return f' · <a href="{html.escape(href)}" target="_blank" rel="noopener">{label}</a>'


def _passage_card(number: str, passage, quote_: str, corpus_dir: Path) -> str:
    link = _document_link(passage.source, passage.page, corpus_dir)
    return (
        '<article class="q-source">'
        f"<h3>{number}{html.escape(passage.title)}</h3>"
        f'<p class="q-loc">{html.escape(passage.location)}{link}</p>'
        f'<blockquote class="q-passage">{highlight(passage.text.strip(), quote_)}</blockquote>'
        "</article>"
    )


def sources_html(answer: Answer | None, corpus_dir: Path) -> str:
    """The sources panel: each cited passage with the quoted words highlighted, or, for a
    refusal, the closest passages as "Pour aller plus loin"."""
    if answer is None:
        return (
            '<div class="q-panel"><h2>Sources</h2><p class="q-empty">Les sources de la dernière '
            "réponse s'affichent ici : le document, l'emplacement et le passage, avec les mots "
            "cités surlignés.</p></div>"
        )
    parts = ['<div class="q-panel">']
    if answer.refused:
        parts.append(
            f'<h2>Pas de réponse citée</h2><p class="q-refused">{html.escape(answer.message)}</p>'
        )
        if answer.further_reading:
            parts.append(
                '<h2>Pour aller plus loin</h2><p class="q-hint">Les passages les plus proches '
                "de la question (ils n'y répondent pas forcément) :</p>"
            )
            parts += [
                _passage_card("", hit.passage, "", corpus_dir) for hit in answer.further_reading
            ]
    else:
        parts.append("<h2>Sources</h2>")
        parts += [
            _passage_card(f'<span class="q-n">[{c.n}]</span> ', c.passage, c.quote, corpus_dir)
            for c in answer.citations
        ]
    parts.append("</div>")
    return "".join(parts)


def answer_html(answer: Answer, corpus_dir: Path) -> str:
    """An answer with its sources, for the guided path."""
    if answer.refused:
        return sources_html(answer, corpus_dir)
    prose = [s for s in answer.sentences if not s.bullet]
    items = [s for s in answer.sentences if s.bullet]

    def line(s: Sentence) -> str:
        return html.escape(s.text) + " " + "".join(f"[{n}]" for n in s.citations)

    body = "<p>" + " ".join(line(s) for s in prose) + "</p>"
    if items:
        body += "<ul>" + "".join(f"<li>{line(s)}</li>" for s in items) + "</ul>"
    if answer.message:  # a note for the user, e.g. an interrupted LLM answer
        body += f'<p class="q-hint">{html.escape(answer.message)}</p>'
    return f'<div class="q-answer">{body}</div>' + sources_html(answer, corpus_dir)


# ---------------------------------------------------------------------------- data for the tabs


def document_choices(index: SearchIndex) -> list[tuple[str, str]]:
    """("title", source) of each indexed document, by title, after "Tous les documents"."""
    titles: dict[str, str] = {}
    for passage in index.passages.values():
        titles.setdefault(passage.source, passage.title or passage.source)
    ordered = sorted(titles.items(), key=lambda item: key(item[1]))
    return [("Tous les documents", ALL), *[(title, source) for source, title in ordered]]


def glossary_rows(index: SearchIndex, first: int = 3) -> list[list]:
    """One row per glossary entry: term, long form, definition, how many passages mention it
    (any of its forms) and where the first ones are."""
    passages = sorted(index.passages.values(), key=lambda p: (p.source, p.start))
    # Long forms are matched on the French index tokens (stemmed, accents folded, small words
    # dropped), so that "conseils citoyens" counts for "conseil citoyen"; acronyms as written.
    folded = [f" {' '.join(tokenize(p.text))} " for p in passages]
    rows = []
    for entry in index.glossary.entries():
        patterns, phrases = [], []
        for form in entry.forms:
            if not form.strip():
                continue
            if is_short_form(form):
                body = r"\s+".join(re.escape(part) for part in form.split())
                patterns.append(re.compile(rf"(?<![\w+]){body}(?![\w+])"))
            elif tokens := tokenize(form):
                phrases.append(f" {' '.join(tokens)} ")
        found = [
            p
            for p, text in zip(passages, folded, strict=True)
            if any(phrase in text for phrase in phrases)
            or any(rx.search(p.text) for rx in patterns)
        ]
        places = list(dict.fromkeys(f"{p.title} — {p.location}" for p in found))  # no repeats
        where = " ; ".join(places[:first])
        rows.append([entry.term, entry.expansion, entry.definition, len(found), where])
    return rows


def filter_rows(rows: list[list], query: str) -> list[list]:
    """The rows whose term, long form or definition holds ``query`` (case, accents ignored)."""
    wanted = key(query or "")
    if not wanted:
        return rows
    return [row for row in rows if wanted in key(" ".join(str(cell) for cell in row[:3]))]


def parse_auth(value: str) -> tuple[str, str] | None:
    """``"utilisateur:mot de passe"`` -> (user, password); empty -> no authentication."""
    value = value.strip()
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ValueError(f"{AUTH_VARIABLE} doit être de la forme « utilisateur:mot de passe ».")
    return user.strip(), password


# ---------------------------------------------------------------------------- the app


def build_app(
    assistant: Assistant, settings: Settings, feedback: FeedbackStore | None = None
) -> gr.Blocks:
    """The Blocks of the web chat over ``assistant``; launch it with ``start`` (or ``serve``)."""
    feedback = feedback or FeedbackStore.in_data_dir(settings.data_dir)
    corpus_dir = settings.corpus
    documents = document_choices(assistant.index)
    known_sources = {source for _, source in documents}
    known_authorities = {value for _, value in AUTHORITIES}
    glossary = glossary_rows(assistant.index)

    def ask(
        question: str, history: Sequence[str] = (), filters: SearchFilter | None = None
    ) -> Answer:
        *_, answer = ask_stream(question, history, filters or SearchFilter())  # the last item
        return answer

    def ask_stream(question: str, history: Sequence[str], filters: SearchFilter) -> Iterator:
        try:
            yield from assistant.ask_stream(question, history, filters)
        except StoreUnavailable as error:
            log.error("question sans réponse : %s", error)
            yield refusal(question[:MAX_QUESTION_CHARS], (), unavailable_message(error))
        except Exception:  # the page must stay usable; the log has the details
            log.exception("question en échec : %r", question[:200])
            yield refusal(question[:MAX_QUESTION_CHARS], (), ERROR_MESSAGE)

    def make_filter(source: str | None, authority: str | None) -> SearchFilter:
        return SearchFilter(
            source=source if source in known_sources else ALL,
            authority=authority if authority in known_authorities else ALL,
        )

    def respond(question: str, chat: list, turns: list, source: str, authority: str) -> Iterator:
        question = question or ""
        if not question.strip():
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        history = [turn["question"] for turn in turns][-HISTORY_TURNS:]
        shown = question
        if len(question) > SHOWN_QUESTION_CHARS:
            shown = question[:SHOWN_QUESTION_CHARS] + "…"
        chat = [*(chat or []), {"role": "user", "content": escape_markdown(shown)}]
        yield "", chat, gr.skip(), gr.skip()  # the question shows at once, the box is emptied
        known = False
        updates = chat_updates(ask_stream(question, history, make_filter(source, authority)))
        for markdown, answer in updates:
            messages = [*chat, {"role": "assistant", "content": markdown}]
            if answer is None or known:
                yield gr.skip(), messages, gr.skip(), gr.skip()
                continue
            known = True  # the complete answer: its sources, and the turn the feedback refers to
            turn = {
                "question": question[:MAX_QUESTION_CHARS],
                "answer": answer.text,
                "citations": [c.to_json() for c in answer.citations],
            }
            yield gr.skip(), messages, [*turns, turn], sources_html(answer, corpus_dir)

    def on_like(data: gr.LikeData, turns: list, votes: dict):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        number = int(index) // 2  # each turn is one user message then one answer
        if not 0 <= number < len(turns):
            missing = "Avis non enregistré : cette réponse n'est plus dans la conversation."
            return votes, None, gr.update(), gr.update(), missing
        votes = dict(votes or {})
        row = votes.get(str(number))
        if data.liked is True or data.liked is False:
            vote = 1 if data.liked else -1
            if row is None or not feedback.update(row, vote=vote):
                turn = turns[number]
                row = feedback.record(turn["question"], turn["answer"], turn["citations"], vote)
                votes[str(number)] = row
            label = (
                "Qu'est-ce qui n'allait pas ? (facultatif)"
                if vote < 0
                else "Un commentaire ? (facultatif)"
            )
            thanks = "Merci, votre avis est enregistré."
            return votes, row, gr.update(label=label), gr.update(visible=True), thanks
        if row is not None:  # the vote was withdrawn
            feedback.delete(row)
            votes.pop(str(number), None)
        return votes, None, gr.update(), gr.update(visible=False), "Avis retiré."

    def on_comment(comment: str, row: int | None):
        if row is None:
            return comment, "Donnez d'abord un avis 👍 ou 👎 sur une réponse."
        if not (comment or "").strip():
            return comment, "Écrivez votre commentaire avant de l'envoyer."
        feedback.update(row, comment=comment)
        return "", "Commentaire enregistré, merci."

    def pick_example(data: gr.SelectData) -> str:
        return data.value["text"] if isinstance(data.value, dict) else str(data.value)

    def reset():
        return [], [], {}, None, sources_html(None, corpus_dir), "", gr.update(visible=False), ""

    def api_ask(question: str) -> dict:
        """Pose une question ; renvoie la réponse citée, au format de `quartiers ask --json`."""
        return ask(question if isinstance(question, str) else "").to_json()

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(
            f"# {TITLE}\n"
            "Posez vos questions sur le contrat de ville 2024-2030 « Engagements Quartiers 2030 » "
            "et les textes nationaux sur lesquels il repose. Chaque phrase de la réponse cite "
            "le passage dont elle vient ; quand les documents ne répondent pas, l'assistant "
            "le dit.",
            elem_id="q-intro",
        )
        turns = gr.State([])
        votes = gr.State({})
        last_vote = gr.State(None)
        with gr.Tabs():
            with gr.Tab("Discuter", id="chat"):
                with gr.Row(elem_id="q-layout", equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(
                            label="Conversation",
                            show_label=False,  # a floating label would hide the first line
                            elem_id="q-chat",
                            height=520,
                            placeholder="**Bonjour !** Posez une question sur le contrat de ville, "
                            "ou choisissez un exemple ci-dessous.",
                            examples=[{"text": text} for text in EXAMPLES],
                            feedback_options=("Like", "Dislike"),
                            latex_delimiters=[],
                            buttons=[],  # Gradio's copy button is labelled in English only
                            autoscroll=True,
                        )
                        with gr.Row(elem_id="q-ask-row", equal_height=True):
                            question = gr.Textbox(
                                label="Votre question",
                                placeholder="Écrivez votre question puis appuyez sur Entrée",
                                lines=1,
                                max_lines=6,
                                scale=5,
                                min_width=200,
                                autofocus=True,
                                elem_id="q-question",
                            )
                            send = gr.Button(
                                "Envoyer",
                                variant="primary",
                                scale=1,
                                min_width=110,
                                elem_id="q-send",
                            )
                        with gr.Accordion("Filtres : limiter la recherche", open=False):
                            document = gr.Dropdown(
                                choices=documents, value=ALL, label="Document", elem_id="q-document"
                            )
                            authority = gr.Dropdown(
                                choices=list(AUTHORITIES),
                                value=ALL,
                                label="Type de texte",
                                elem_id="q-authority",
                            )
                        with gr.Column(visible=False, elem_id="q-feedback") as comment_box:
                            comment = gr.Textbox(
                                label="Un commentaire ? (facultatif)", lines=2, elem_id="q-comment"
                            )
                            comment_send = gr.Button(
                                "Envoyer le commentaire", size="sm", elem_id="q-comment-send"
                            )
                        status = gr.Markdown("", elem_id="q-status")
                        clear = gr.Button("Nouvelle conversation", size="sm", elem_id="q-clear")
                    with gr.Column(scale=2, min_width=300):
                        sources = gr.HTML(sources_html(None, corpus_dir), elem_id="q-sources")

            with gr.Tab("Découvrir le contrat", id="discover"):
                gr.Markdown(
                    "Un parcours pour découvrir le contrat, dans l'ordre de sa construction. "
                    "Chaque bouton pose la question à l'assistant, qui répond à partir des "
                    "documents, avec ses sources."
                )
                for number, step in enumerate(DISCOVERY, start=1):
                    with gr.Column(variant="panel", elem_classes="q-step"):
                        gr.Markdown(f"### {number}. {step.title}")
                        button = gr.Button(
                            f"Demander : « {step.question} »", size="sm", variant="secondary"
                        )
                        output = gr.HTML("", elem_id=f"q-step-{number}")
                        button.click(
                            lambda q=step.question: answer_html(ask(q), corpus_dir),
                            None,
                            output,
                            api_visibility="private",
                        )

            with gr.Tab("Glossaire", id="glossary"):
                gr.Markdown(
                    "Les sigles et notions de la politique de la ville, avec le nombre de "
                    "passages des documents qui les emploient et les premiers endroits où les lire."
                )
                search = gr.Textbox(
                    label="Rechercher un terme",
                    placeholder="par ex. PRE, santé, QPV",
                    elem_id="q-glossary-search",
                )
                table = gr.Dataframe(
                    value=glossary,
                    headers=GLOSSARY_HEADERS,
                    datatype=["str", "str", "str", "number", "str"],
                    interactive=False,
                    wrap=True,
                    max_height=700,
                    column_widths=["10%", "22%", "38%", "8%", "22%"],
                    elem_id="q-glossary",
                )
                search.change(
                    lambda q: filter_rows(glossary, q), search, table, api_visibility="private"
                )

        ask_inputs = [question, chatbot, turns, document, authority]
        ask_outputs = [question, chatbot, turns, sources]
        question.submit(respond, ask_inputs, ask_outputs, api_visibility="private")
        send.click(respond, ask_inputs, ask_outputs, api_visibility="private")
        chatbot.example_select(pick_example, None, question, api_visibility="private").then(
            respond, ask_inputs, ask_outputs, api_visibility="private"
        )
        chatbot.like(
            on_like,
            [turns, votes],
            [votes, last_vote, comment, comment_box, status],
            api_visibility="private",
        )
        comment.submit(
            on_comment, [comment, last_vote], [comment, status], api_visibility="private"
        )
        comment_send.click(
            on_comment, [comment, last_vote], [comment, status], api_visibility="private"
        )
        cleared = [chatbot, turns, votes, last_vote, sources, comment, comment_box, status]
        clear.click(reset, None, cleared, api_visibility="private")
        chatbot.clear(reset, None, cleared, api_visibility="private")  # the chat's own bin button
        gr.api(
            api_ask,
            api_name="ask",
            api_description="Réponse citée, au format de « quartiers ask --json ».",
        )

    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return demo


# ---------------------------------------------------------------------------- serving


def corpus_route(corpus_dir: Path) -> APIRoute:
    """``GET /corpus/<name>``: a file of the corpus directory, and nothing else (404)."""

    async def corpus_file(name: str, request: Request) -> FileResponse:
        if not _logged_in(request):
            raise HTTPException(status_code=401, detail="Connexion requise.")
        path = corpus_path(corpus_dir, name)
        if path is None:
            raise HTTPException(status_code=404, detail="Document introuvable.")
        return FileResponse(
            path,
            media_type=_media_type(path),
            content_disposition_type="inline",
            filename=path.name,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
        )

    return APIRoute(
        "/corpus/{name:path}", corpus_file, methods=["GET", "HEAD"], include_in_schema=False
    )


def _media_type(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        return "application/pdf"
    try:  # the loader accepts Windows-1252 text files too
        path.read_bytes().decode("utf-8")
        return "text/plain; charset=utf-8"
    except UnicodeDecodeError:
        return "text/plain; charset=windows-1252"


def _logged_in(request: Request) -> bool:
    """With authentication on, the Gradio login cookie must name a logged-in user."""
    app = request.app
    if getattr(app, "auth", None) is None and getattr(app, "auth_dependency", None) is None:
        return True
    cookie_id = getattr(app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    return token is not None and token in getattr(app, "tokens", {})


def start(
    demo: gr.Blocks,
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    quiet: bool = True,
) -> str:
    """Launch ``demo`` in background threads; returns its local URL (``demo.close()`` stops it)."""
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        prevent_thread_lock=True,
        inbrowser=False,
        auth=auth,
        auth_message="Connectez-vous pour utiliser l'assistant du contrat de ville.",
        show_error=False,  # no tracebacks in the page
        quiet=quiet,
        ssr_mode=False,  # no Node server
        mcp_server=False,
        pwa=False,
        enable_monitoring=False,
        run_history=False,  # questions are not kept in the browser's storage
        footer_links=["api"],
        allowed_paths=[],  # Gradio's file routes serve nothing of ours
        blocked_paths=[str(settings.data_dir.resolve()), str(settings.corpus.resolve())],
        max_file_size="1mb",  # the app takes no upload
        app_kwargs={"routes": [corpus_route(settings.corpus.resolve())]},
        theme=THEME,
        css=CSS,
        js=JS,
        head=HEAD,
    )
    return demo.local_url


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, ingest_first: bool = True
) -> None:
    """Index the corpus if needed (unless ``ingest_first`` is false: a replica behind a Chroma
    server, where one job ingests), load the models once and serve the web chat until
    interrupted.  The index follows the store: see ``QUARTIERS_REFRESH_SECONDS``."""
    from assistant.llm import make_chat_model
    from ingest.factory import make_embedder, make_store
    from ingest.pipeline import ingest

    auth = parse_auth(os.environ.get(AUTH_VARIABLE, ""))
    began = time.perf_counter()
    store = make_store(settings)
    embedder = make_embedder(settings)
    if ingest_first:
        report = ingest(
            settings,
            store,
            lambda: embedder,
            progress=sys.stderr.isatty(),
            log=lambda line: print(line, file=sys.stderr),
        )
        if report.failed:
            print(
                f"{len(report.failed)} fichier(s) non indexé(s), voir ci-dessus.", file=sys.stderr
            )
    chat_model = make_chat_model(settings.llm) if settings.llm else None
    assistant = Assistant(LiveIndex.open(settings, store), embedder, chat_model=chat_model)
    demo = build_app(assistant, settings)
    try:
        url = start(demo, settings, host, port, auth, quiet=True)
    except OSError as error:  # the port is taken, or the address is not one of this machine
        raise ValueError(
            f"impossible d'écouter sur {host}:{port} ({error.__class__.__name__}) : "
            "choisissez un autre port avec --port."
        ) from error
    mode = "avec le modèle de langue de QUARTIERS_LLM" if settings.llm else "réponses extractives"
    print(
        f"Assistant prêt en {time.perf_counter() - began:.1f} s ({mode}) : {url}"
        "  (Ctrl+C pour arrêter)",
        file=sys.stderr,
    )
    if host not in {"127.0.0.1", "localhost", "::1"} and auth is None:
        print(
            "Attention : l'assistant est ouvert au réseau sans mot de passe "
            f"(voir {AUTH_VARIABLE}).",
            file=sys.stderr,
        )
    demo.block_thread()
