import pytest

from assistant.followup import is_followup, rank_asked, resolve


@pytest.mark.parametrize(
    "question", ["Et à Saint-Michel ?", "qui le pilote ?", "qui finance ça ?", "et pour les jeunes ?", "combien ?",
                 "ça finance quoi concrètement ?", "combien de participants ?", "il est ouvert aux moins de 6 ans ?"]
)
def test_followups_are_recognised(question):
    assert is_followup(question)


@pytest.mark.parametrize(
    "question", ["quelles sont les priorités de l'atelier santé ville ?", "combien d'habitants dans le QPV Saint-Michel ?",
                 "ça veut dire quoi contrat de ville ?", "il y a des aides pour les jeunes du quartier ?",
                 "il faut s'inscrire où pour le soutien scolaire ?"]
)
def test_standalone_questions_are_left_alone(question):
    assert not is_followup(question)
    assert resolve(question, ["c'est quoi le PRE ?"]) == question


def test_a_followup_is_completed_with_the_last_question():
    resolved = resolve("qui le pilote ?", ["c'est quoi le PRE ?", "c'est quoi l'atelier santé ville ?"])
    assert resolved == "qui le pilote ? (c'est quoi l'atelier santé ville ?)"
    assert resolve("Et à Saint-Michel ?", []) == "Et à Saint-Michel ?"


def test_the_names_of_a_followup_replace_those_of_the_last_question():
    resolved = resolve("Et à Saint-Michel ?", ["c'est quoi le PRE ?", "combien d'habitants à Saint-Sauveur ?"])
    assert resolved == "Et à Saint-Michel ? (combien d'habitants à ?)"
    # A name the follow-up repeats stays.
    resolved = resolve("Et le PRE de Flers ?", ["qui finance le CLS de Flers et de Caen ?"])
    assert resolved == "Et le PRE de Flers ? (qui finance le CLS de Flers et de ?)"


def test_an_opening_et_does_not_make_a_full_question_a_followup():
    assert not is_followup("et quels sont les leviers d'action du défi santé ?")


@pytest.mark.parametrize(
    ("question", "rank"),
    [
        ("Développe le deuxième", 2),
        ("et le 3e ?", 3),
        ("parle-moi du dernier point", -1),
        ("Et le second ?", 2),
        ("et sur la 1ère ?", 1),
        ("le premier comité de pilotage a eu lieu quand ?", None),  # a rank of a noun, not of an item
        ("qui a signé en premier ?", None),
    ],
)
def test_a_followup_may_point_at_an_item_by_its_rank(question, rank):
    assert rank_asked(question) == rank
