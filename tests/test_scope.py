"""Names the documents never use: found as written in the passages, not by their stem."""

from __future__ import annotations

import pytest

from assistant.glossary import Entry, Glossary
from assistant.lexical import LexicalIndex
from assistant.scope import unknown_names
from ingest.records import Passage


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
