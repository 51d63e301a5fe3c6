"""Out of scope: names the documents never use (found as written, not by their stem), and
questions of other domains (the classifier)."""

from __future__ import annotations

import json

import pytest

from assistant.glossary import Entry, Glossary
from assistant.lexical import LexicalIndex
from assistant.scope import SCOPE_QUESTIONS_FILE, ScopeClassifier, unknown_names
from ingest.records import Passage
from tests.conftest import close_to_gold, gold_words


def passage(pid: str, text: str) -> Passage:
    return Passage(pid, "doc.txt", "Doc", "contrat", "local", "2024", (), None, 0, len(text), text)


PASSAGES = {
    p.id: p
    for p in [
        passage("projets", "Aider les jeunes de Saint-Michel à monter leurs projets."),
        passage("etat", "L'État et Flers Agglo financent les actions à Argentan."),
    ]
}


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex.build(PASSAGES.values())


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        # "Mont" has the stem of "monter", but no passage says "Mont".
        ("Quel train pour aller au Mont-Saint-Michel ?", ["Mont"]),
        ("Qui a gagné l'Eurovision ?", ["Eurovision"]),
        ("Un billet Flers-Paris coûte combien ?", ["Paris"]),
        # Known as written, accents, case and a plural s aside.
        ("Que font les Etats et la ville d'ARGENTAN ?", []),
        ("Que fait l'État à Argentan pour les Projets de Saint-Michel ?", []),
    ],
)
def test_a_name_is_known_when_a_passage_holds_it_as_written(lexical, question, unknown):
    assert unknown_names(question, lexical, Glossary(), PASSAGES) == unknown


def test_a_name_the_glossary_defines_is_known(lexical):
    question = "Que fait le Copil cette année ?"
    assert unknown_names(question, lexical, Glossary(), PASSAGES) == ["Copil"]
    glossary = Glossary([Entry("Copil", "comité de pilotage", "L'instance qui pilote le contrat.")])
    assert unknown_names(question, lexical, glossary, PASSAGES) == []


# --- the domain classifier -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def classifier() -> ScopeClassifier:
    return ScopeClassifier.default()


@pytest.mark.parametrize(
    "question",
    [  # none of these is among the examples it learnt from
        "Quelle est la meilleure recette de far breton ?",
        "Mon ordinateur portable surchauffe, que faire ?",
        "Qui a gagné le Tour de France cette année ?",
        "Combien coûte un aller-retour Paris-Rome en avion ?",
        "Quel temps fera-t-il à Domfront dimanche ?",
    ],
)
def test_questions_of_other_domains_are_out_of_scope(classifier, question):
    assert classifier.is_out_of_scope(question)


@pytest.mark.parametrize(
    "question",
    [
        "Quels sont les leviers du défi santé ?",
        "Qui pilote le contrat de ville ?",
        "y a une aide pour passer le permis quand on galère ?",
        "Comment les habitants participent-ils au contrat ?",
        "que fait l'Etat pour les jeunes des quartiers ?",
    ],
)
def test_questions_of_the_contract_are_in_scope(classifier, question):
    assert not classifier.is_out_of_scope(question)


def test_the_examples_do_not_repeat_the_gold_questions():
    # The gold questions judge the classifier: an example sharing half its words or more with
    # one of them would let it learn the answer.
    examples = json.loads(SCOPE_QUESTIONS_FILE.read_text(encoding="utf-8"))
    assert len(gold_words()) > 400
    for example in examples["in_scope"] + examples["out_of_scope"]:
        assert not close_to_gold(example), example
    assert len(examples["in_scope"]) > 300 and len(examples["out_of_scope"]) > 300
