"""What a question asks for, read from its words alone (the answerer's use is in test_answer)."""

from __future__ import annotations

import pytest

from assistant import kinds
from assistant.lexical import tokenize


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("depuis quand la nouvelle carte s'applique ?", True),
        ("ça commence quand ?", True),
        ("quand je finis tard, qui appeler ?", False),  # a clause of time
        ("Pourquoi les filles ne viennent pas quand le centre ouvre le soir ?", False),
    ],
)
def test_a_date_is_asked_by_when_not_by_a_clause_of_time(question, asks):
    assert kinds.asks_date(question) is asks


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("quel est le taux de chômage ?", True),
        ("combien de partenaires au séminaire ?", True),
        ("les tarifs dépendent des revenus ?", False),  # yes or no
        ("c'est noté quelque part ?", False),  # not a share
    ],
)
def test_a_figure_is_asked_by_a_figure_word_in_a_question_of_quantity(question, asks):
    assert kinds.asks_figure(question) is asks


def test_a_kind_of_answer_is_asked_or_not():
    assert kinds.asks_a_kind("Quelles écoles participent aux Cordées de la réussite ?")
    assert kinds.asks_a_kind("le PIJ, on peut l'appeler à quel numéro ?")
    assert not kinds.asks_a_kind("Comment le contrat de ville est-il piloté ?")


def test_a_count_is_a_number_before_its_noun_not_a_date():
    partners = kinds.Count(frozenset(tokenize("partenaires")), frozenset())
    assert partners.found_in("Le séminaire a réuni 50 partenaires.")
    assert not partners.found_in("Le 17 juin, des partenaires sont venus.")
    assert kinds.stated_numbers("combien ont moins de 25 ans en 2024 ?") == {"25"}


def test_places_are_names_not_bodies():
    question = "Combien d'habitants à Saint-Michel selon le Conseil Communautaire ?"
    assert kinds.places(question) == ["Saint-Michel"]
