"""The synonym table: one-word keys match as index tokens, expressions only as a whole."""

from __future__ import annotations

import json

import pytest

from assistant.lexical import tokenize
from assistant.synonyms import Synonyms, default_synonyms


@pytest.fixture
def table(tmp_path) -> Synonyms:
    path = tmp_path / "synonyms.json"
    path.write_text(json.dumps({
        "_comment": "ignored",
        "boulot": ["emploi", "insertion professionnelle"],
        "faire les courses": ["commerces de proximité"],
        "à la rue": ["sans domicile"],
        "fleurs": ["espaces verts"],
    }), encoding="utf-8")
    return Synonyms.load(path)


def test_a_word_matches_in_any_form(table):
    assert table.related(tokenize("boulots")[0]) == frozenset(tokenize("emploi insertion professionnelle"))
    assert table.expand("Du BOULOT pour les jeunes ?") == set(tokenize("emploi insertion professionnelle"))


def test_an_expression_applies_only_as_a_whole(table):
    assert table.expand("où faire les courses près de chez moi ?") == set(tokenize("commerces proximité"))
    assert table.expand("au cours de l'année") == set()  # "courses" alone is not the expression
    assert table.expand("la rue principale") == set()


def test_an_expression_lends_its_related_words_to_its_own_tokens(table):
    related = table.related_in("des familles à la rue")
    assert related[tokenize("rue")[0]] == frozenset(tokenize("sans domicile"))
    assert related[tokenize("familles")[0]] == frozenset()


def test_a_name_is_not_widened_to_the_words_of_its_common_noun(table):
    assert table.expand("des fleurs dans le quartier ?") == set(tokenize("espaces verts"))
    assert table.expand("le quartier des Fleurs, c'est loin du QPV ?") == set()


def test_the_shipped_table_loads_and_maps_to_corpus_words():
    table = default_synonyms()
    assert table.expand("du boulot") >= set(tokenize("emploi"))
    assert tokenize("police")[0] in table.expand("les flics")
    # ...and, term by term of the documents, the words residents use for them
    assert set(tokenize("familles monoparentales")) <= table.expand("un parent isolé, il a droit à quoi ?")
    assert set(tokenize("incivilités")) <= table.expand("les gens sans gêne")
    assert set(tokenize("pilonnage")) <= table.expand("des descentes de police")


def test_only_words_the_documents_rarely_use_are_expanded(tmp_path):
    from assistant.lexical import LexicalIndex
    from ingest.records import Passage

    path = tmp_path / "synonyms.json"
    path.write_text(json.dumps({"boulot": ["emploi"], "parents": ["parentalité"]}), encoding="utf-8")
    table = Synonyms.load(path)
    texts = [f"Les parents du quartier {i}." for i in range(9)] + ["Soutenir la parentalité et l'emploi."]
    index = LexicalIndex.build(
        Passage(f"p{i}", "d.txt", "D", "k", "local", "", (), None, 0, 0, t) for i, t in enumerate(texts)
    )
    question = "du boulot pour les parents ?"
    assert table.expand(question) == set(tokenize("emploi parentalité"))
    assert table.expand(question, index) == set(tokenize("emploi"))  # "parents": in 9 of 10 passages
