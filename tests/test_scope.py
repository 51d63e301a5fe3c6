"""Out of scope: names the documents never use (found as written, not by their stem), and
questions of other domains (the classifier, and its second stage weighing what was found)."""

from __future__ import annotations

import json

import pytest

from assistant.glossary import Entry, Glossary
from assistant.learned import fingerprint
from assistant.lexical import LexicalIndex
from assistant.questions import QUESTIONS_FILE
from assistant.scope import (
    CERTAINLY_OUTSIDE,
    SCOPE_EVIDENCE_FILE,
    SCOPE_QUESTIONS_FILE,
    STACK_FEATURES,
    TEXT_OUT_OF_SCOPE_PROBABILITY,
    Evidence,
    ScopeClassifier,
    asks_for_the_best,
    is_small_talk,
    is_task_request,
    present_moment,
    stack_features,
    undefined_term,
    unknown_names,
    unknown_nouns,
    unknown_quotation,
)
from assistant.synonyms import default_synonyms
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
        ("Saint-Michel-des-Andaines, c'est loin ?", ["Andaines"]),  # a compound opening the question
        # Known as written, accents, case and a plural s aside.
        ("Que font les Etats et la ville d'ARGENTAN ?", []),
        ("Que fait l'État à Argentan pour les Projets de Saint-Michel ?", []),
    ],
)
def test_a_name_is_known_when_a_passage_holds_it_as_written(lexical, question, unknown):
    assert unknown_names(question, lexical, Glossary(), PASSAGES) == unknown


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("c'est quoi un cumulonimbus ?", "cumulonimbus"),
        ("Formation des nuages : que veut dire cumulonimbus, et va-t-il pleuvoir ?", "cumulonimbus"),
        ("c'est quoi un projet ?", None),  # a word of the passages
        ("c'est quoi le Copil ?", None),  # the glossary's
        ("le cumulonimbus, c'est quoi exactement ?", None),  # the term before: not told apart
    ],
)
def test_a_term_none_of_whose_words_the_documents_use_cannot_be_defined(lexical, question, term):
    glossary = Glossary([Entry("Copil", "comité de pilotage", "L'instance qui pilote le contrat.")])
    assert undefined_term(question, lexical, glossary, default_synonyms()) == term


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("Que veut dire l'expression « avoir quartier libre » ?", "avoir quartier libre"),
        ('C\'est qui le chanteur de "Alors on danse" ?', "Alors on danse"),
        ("D'où vient “monter sur ses grands chevaux” ?", "monter sur ses grands chevaux"),
        # Each word is in the passage, not in a row.
        ("Que veut dire « projets des jeunes » ?", "projets des jeunes"),
        ("Que veut dire « monter leurs projets » ?", None),  # in a row, stop words aside
        ("Que veut dire « Jeune » ici ?", None),  # "jeunes", a plural aside
        ("Que veut dire « Copil » ?", None),  # the glossary's
        ("Que veut dire « de la » ?", None),  # nothing but stop words: nothing to look for
        ("Que font les jeunes ?", None),  # nothing quoted
    ],
)
def test_words_a_question_quotes_are_known_when_a_passage_holds_them_in_a_row(
    lexical, question, quoted
):
    glossary = Glossary([Entry("Copil", "comité de pilotage", "L'instance qui pilote le contrat.")])
    assert unknown_quotation(question, lexical, glossary, PASSAGES) == quoted


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("Peut-on prendre du paracétamol et de l'ibuprofène ?", ["paracétamol", "ibuprofène"]),
        ("Les shorts de bain sont-ils interdits ?", ["shorts", "bain"]),
        ("Quels projets pour les jeunes ?", []),  # the passages' words
        ("Peut-on bronzer ?", []),  # a verb: no determiner before it
        ("Les gamins de Saint-Michel ?", []),  # the synonym table's
        ("Mon chien peut-il venir ?", []),  # the in-scope example questions'
        ("Que fait le Copil ?", []),  # the glossary's
    ],
)
def test_a_noun_is_unknown_when_neither_the_documents_nor_the_domain_s_questions_use_it(
    lexical, question, unknown
):
    glossary = Glossary([Entry("Copil", "comité de pilotage", "L'instance qui pilote le contrat.")])
    assert unknown_nouns(question, lexical, glossary, default_synonyms()) == unknown


def test_a_name_the_glossary_defines_is_known(lexical):
    question = "Que fait le Copil cette année ?"
    assert unknown_names(question, lexical, Glossary(), PASSAGES) == ["Copil"]
    glossary = Glossary([Entry("Copil", "comité de pilotage", "L'instance qui pilote le contrat.")])
    assert unknown_names(question, lexical, glossary, PASSAGES) == []


# --- the domain classifier -----------------------------------------------------------------------


NOTHING_NEAR = Evidence(own_words=0.0, coverage=0.0, question_cosine=0.3, cosine=0.2)


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
    assert classifier.text_probability(question) > TEXT_OUT_OF_SCOPE_PROBABILITY
    assert classifier.is_out_of_scope(question, NOTHING_NEAR)


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
    assert classifier.text_probability(question) <= TEXT_OUT_OF_SCOPE_PROBABILITY
    assert not classifier.is_out_of_scope(question, NOTHING_NEAR)  # the words alone suffice


def test_the_examples_do_not_repeat_the_gold_questions():
    # The gold questions judge the classifier: an example sharing half its words or more with
    # one of them would let it learn the answer.
    examples = json.loads(SCOPE_QUESTIONS_FILE.read_text(encoding="utf-8"))
    assert len(gold_words()) > 400
    for example in examples["in_scope"] + examples["out_of_scope"]:
        assert not close_to_gold(example), example
    assert len(examples["in_scope"]) > 300 and len(examples["out_of_scope"]) > 300


# --- the second stage: what the search found ------------------------------------------------------


def test_strong_evidence_is_a_passage_covering_the_question_s_words():
    assert Evidence(0.5, 0.5, 0.0, 0.0).strong  # its own words
    assert not Evidence(0.2, 1.0, 0.0, 0.0).strong  # synonyms are weighed, not trusted
    assert not Evidence(0.4, 0.7, 0.9, 0.9).strong  # nearness alone is not coverage


def test_words_certainly_of_another_domain_are_checked_however_well_covered(classifier):
    covered = Evidence(own_words=0.6, coverage=0.6, question_cosine=0.6, cosine=0.4)
    assert covered.strong
    sport = "Quel est le score du match PSG-OM d'hier soir ?"  # not among the examples
    assert classifier.text_probability(sport) > CERTAINLY_OUTSIDE
    assert classifier.needs_check(sport, covered) and classifier.is_out_of_scope(sport, covered)
    health = "Quels sont les leviers du défi santé ?"
    assert not classifier.needs_check(health, covered)
    assert classifier.needs_check(health, NOTHING_NEAR)  # ...and the decision keeps it


def test_the_second_stage_reads_the_text_s_logit_and_the_evidence():
    evidence = Evidence(0.1, 0.2, 0.7, 0.5)
    assert stack_features(0.5, evidence) == pytest.approx((1.0, 0.0, 0.1, 0.2, 0.7, 0.5))
    assert stack_features(1.0, evidence)[1] == pytest.approx(9.21, abs=0.01)  # clipped, finite


def test_a_question_near_one_the_contract_answers_is_less_likely_out_of_scope(classifier):
    question = "Mon chien aboie la nuit dans le quartier, que faire ?"
    far = Evidence(0.1, 0.1, 0.4, 0.3)
    near = Evidence(0.1, 0.1, 0.9, 0.3)
    assert classifier.weights[STACK_FEATURES.index("question_cosine")] < 0  # learnt: see evals/scope.py
    assert classifier.probability(question, near) < classifier.probability(question, far)


def test_the_shipped_weights_name_every_feature_and_say_how_they_were_learnt():
    learned = json.loads(SCOPE_EVIDENCE_FILE.read_text(encoding="utf-8"))
    assert list(learned["weights"]) == list(STACK_FEATURES)
    assert learned["command"] == "python -m evals.scope --write"
    # Learned on the shipped examples and questions: after changing them, run the command again.
    assert learned["learned_from"] == fingerprint(SCOPE_QUESTIONS_FILE, QUESTIONS_FILE)


def test_a_classifier_without_weights_cannot_weigh_evidence():
    bare = ScopeClassifier(["quels sont les leviers du contrat ?"] * 2, ["une recette de crêpes ?"] * 2)
    assert 0.0 < bare.text_probability("une recette de gâteau ?") < 1.0
    with pytest.raises(ValueError):
        bare.probability("une recette de gâteau ?", NOTHING_NEAR)


# --- learning the second stage (evals/scope.py) ---------------------------------------------------


def test_each_example_is_searched_and_its_evidence_measured(tmp_path):
    from assistant.index import SearchIndex
    from assistant.questions import QuestionIndex
    from assistant.retrieve import RetrievalMode
    from assistant.service import Assistant
    from evals import scope as fitting
    from tests.conftest import FakeEmbedder

    passages = [passage("school", "Lutter contre le décrochage scolaire avec les collèges du quartier.")]
    index = SearchIndex(None, LexicalIndex.build(passages), {p.id: p for p in passages}, Glossary({}), "",
                        QuestionIndex.empty())
    assistant = Assistant(index, FakeEmbedder(), RetrievalMode(dense=False, expand=False))
    path = tmp_path / "examples.json"
    path.write_text(json.dumps({"in_scope": ["le décrochage scolaire au collège ?"],
                                "out_of_scope": ["une recette de crêpes ?"]}), encoding="utf-8")
    found = {e.question: e for e in fitting.examples(assistant, path)}
    inside, outside = found["le décrochage scolaire au collège ?"], found["une recette de crêpes ?"]
    assert not inside.outside and inside.evidence.own_words > 0.5 and inside.evidence.strong
    assert outside.outside and outside.evidence == Evidence(0.0, 0.0, 0.0, 0.0)  # nothing found


def test_held_out_classifiers_learn_from_the_examples_as_written_as_the_shipped_one_does():
    from evals import scope as fitting

    nothing = Evidence(0.0, 0.0, 0.0, 0.0)
    found = [
        fitting.Example(text, f"{text} (expansion)", outside, nothing)
        for i in range(10)
        for text, outside in ((f"le contrat de ville {i} ?", False), (f"une recette de crêpes {i} ?", True))
    ]
    probabilities = fitting.held_out_text_probabilities(found)
    assert all(p > 0.5 for p, e in zip(probabilities, found) if e.outside)
    assert all(p < 0.5 for p, e in zip(probabilities, found) if not e.outside)
    # Trained on ``text`` and read on ``question``: with every text alike, nothing is told apart.
    blind = [fitting.Example("une question ?", e.question, e.outside, nothing) for e in found]
    assert len({round(p, 6) for p in fitting.held_out_text_probabilities(blind)}) == 1


def test_the_second_stage_refuses_more_when_the_evidence_tells_them_apart():
    import numpy as np

    from evals import scope as fitting

    rng = np.random.default_rng(0)
    y = np.array([False] * 100 + [True] * 100)
    text = np.clip(np.where(y, 0.8, 0.4) + rng.normal(0, 0.15, 200), 0.01, 0.99)  # overlapping
    near = np.where(y, 0.5, 0.8) + rng.normal(0, 0.05, 200)  # apart
    x = np.array([stack_features(p, Evidence(0.1, 0.1, q, 0.3)) for p, q in zip(text, near)])
    figures = fitting.compare(x, y, text)
    assert figures["out_of_scope_refused_by_both"] > figures["out_of_scope_refused_by_text"] + 0.2
    assert fitting.fit(x, y)[STACK_FEATURES.index("question_cosine")] < 0


@pytest.mark.parametrize(
    ("question", "small_talk"),
    [
        ("Bonjour, ça va aujourd'hui ?", True),
        ("Merci beaucoup, bonne journée !", True),
        ("qui es-tu ?", True),
        ("Bonjour, quels sont les axes du contrat ?", False),
        ("qui est le délégué du préfet ?", False),
        ("c'est quoi ?", False),  # with a history, follow-ups
        ("c'est qui ?", False),
    ],
)
def test_small_talk_is_only_greetings_thanks_and_pleasantries(question, small_talk):
    assert is_small_talk(question) is small_talk


@pytest.mark.parametrize(
    ("question", "task"),
    [
        ("aide moi a faire mon devoir de maths sur les fractions stp", True),
        ("Écris-moi une lettre de motivation pour un emploi de caissier", True),
        ("peux-tu m'aider à rédiger un mail à mon propriétaire ?", True),
        ("traduis « bonjour » en anglais", True),
        ("tu peux faire mes exercices de français ?", True),
        ("le contrat peut m'aider à faire valoir mes droits ?", False),
        ("quelqu'un peut m'aider a faire une formation ?", False),
        ("y a de l'aide aux devoirs pour mon fils au collège ?", False),
        ("explique-moi le PRE", False),
        ("qui écrit le rapport annuel du contrat de ville ?", False),
    ],
)
def test_a_task_request_asks_for_work_not_for_what_the_documents_say(question, task):
    assert is_task_request(question) == task


@pytest.mark.parametrize(
    ("question", "moment"),
    [
        ("Qu'est-ce qui passe au cinéma à Flers ce soir ?", "ce soir"),
        ("il fait beau ce week-end à Caen ?", "ce week-end"),
        ("la pharmacie de garde cette nuit ?", "cette nuit"),
        ("Le marché a lieu ce samedi place Saint-Michel ?", "ce samedi"),
        ("la maison d'activités ouvre le samedi ?", None),
        ("Ma box internet ne marche plus depuis ce matin, je fais comment ?", None),
        ("quelles actions sont prévues cette année pour les jeunes ?", None),
        ("Demain, le contrat sera structuré comment ?", None),
    ],
)
def test_a_moment_of_the_present_day_or_week_is_found(question, moment):
    assert present_moment(question) == moment


@pytest.mark.parametrize(
    ("question", "best"),
    [
        ("Quelle est la meilleure crêperie du centre-ville ?", True),
        ("c'est quoi le meilleur forfait mobile pas cher", True),
        ("Les meilleurs films à voir en famille ?", True),
        ("l’meilleur garage de Flers ?", True),
        ("comment une meilleure tranquillité change la vie du quartier ?", False),
        ("un meilleur cadre de vie, ça suppose quoi ?", False),
        ("quelles actions pour mieux manger ?", False),
    ],
)
def test_a_question_asking_which_is_the_best_is_told_apart_from_one_asking_for_better(question, best):
    assert asks_for_the_best(question) == best
